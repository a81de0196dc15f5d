import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCheckpointDir } from '../../../src/cli/checkpoint-dir.js';
import { createLogger } from '../../../src/core/logger.js';

describe('dirk run: the default checkpoint folder', () => {
  const setup = () => {
    const root = mkdtempSync(join(tmpdir(), 'dirk-ckdir-'));
    const jobs = join(root, 'jobs');
    const cwd = join(root, 'elsewhere');
    mkdirSync(jobs);
    mkdirSync(cwd);
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', write: (l) => void lines.push(l) });
    return { jobs, cwd, lines, logger };
  };

  it('is next to the job file, whatever the working directory; the job id made safe for a file name', () => {
    const { jobs, cwd, lines, logger } = setup();
    expect(defaultCheckpointDir(join(jobs, 'job.json'), 'my job/1', logger, cwd)).toBe(join(jobs, '.dirk', 'checkpoints', 'my_job_1'));
    expect(defaultCheckpointDir('../jobs/job.json', 'j', logger, cwd)).toBe(join(jobs, '.dirk', 'checkpoints', 'j'));
    expect(lines).toEqual([]);
  });

  it('without a job file (config from the environment) it stays under the working directory', () => {
    const { cwd, logger } = setup();
    expect(defaultCheckpointDir(undefined, 'j', logger, cwd)).toBe(join(cwd, '.dirk', 'checkpoints', 'j'));
  });

  it('keeps using checkpoints found only in the old working-directory folder, and says where to move them', () => {
    const { jobs, cwd, lines, logger } = setup();
    const legacy = join(cwd, '.dirk', 'checkpoints', 'j');
    mkdirSync(legacy, { recursive: true });
    writeFileSync(join(legacy, 'ckpt-3.ckpt'), 'x');
    expect(defaultCheckpointDir(join(jobs, 'job.json'), 'j', logger, cwd)).toBe(legacy);
    expect(lines.join('\n')).toContain(`checkpoints of this job are in ${legacy}`);
    expect(lines.join('\n')).toContain(join(jobs, '.dirk', 'checkpoints', 'j'));
    // Once the new folder has checkpoints of its own, it wins.
    const beside = join(jobs, '.dirk', 'checkpoints', 'j');
    mkdirSync(beside, { recursive: true });
    writeFileSync(join(beside, 'ckpt-4.ckpt'), 'x');
    expect(defaultCheckpointDir(join(jobs, 'job.json'), 'j', logger, cwd)).toBe(beside);
  });
});
