import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { starterFiles } from '../../src/cli/starter.js';
import { REPO_ROOT, runCli } from '../helpers/process.js';

/** `dirk init` and `dirk test` as a user runs them: the built CLI, no broker. */
const STARTER = join(REPO_ROOT, 'examples', 'starter');

describe('dirk init', () => {
  it('examples/starter is what dirk init writes', () => {
    for (const [path, content] of starterFiles({ schemaPath: '../../schemas/job.schema.json' })) {
      expect(readFileSync(join(STARTER, path), 'utf8'), path).toBe(content);
    }
  });

  it('writes a starter job that validates, runs and passes its own test', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'dirk-init-')), 'my-job');
    const init = await runCli(['init', dir]);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('wrote job.json, data/rides.jsonl, udfs/fare-band.ts, tests/fare-bands.sql, README.md');
    const run = await runCli(['run', 'job.json'], { cwd: dir });
    expect(run.code).toBe(0);
    const rows = run.stdout.trim().split('\n').sort();
    expect(rows).toEqual([
      '+I {tag_city=bandung, fare_band=high, rides=1, revenue=61, window_timestamp=2026-01-01T09:02:00.000Z}',
      '+I {tag_city=bandung, fare_band=low, rides=1, revenue=7.25, window_timestamp=2026-01-01T09:01:00.000Z}',
      '+I {tag_city=bandung, fare_band=low, rides=1, revenue=8.5, window_timestamp=2026-01-01T09:03:00.000Z}',
      '+I {tag_city=jakarta, fare_band=high, rides=1, revenue=48, window_timestamp=2026-01-01T09:01:00.000Z}',
      '+I {tag_city=jakarta, fare_band=low, rides=1, revenue=9, window_timestamp=2026-01-01T09:01:00.000Z}',
      '+I {tag_city=jakarta, fare_band=mid, rides=1, revenue=15, window_timestamp=2026-01-01T09:02:00.000Z}',
      '+I {tag_city=jakarta, fare_band=mid, rides=2, revenue=34.5, window_timestamp=2026-01-01T09:01:00.000Z}',
    ]);
    const again = await runCli(['init', dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`error: dirk init: ${dir} is not empty; choose a new folder, or --force to overwrite the starter's files\n`);
  });
});

describe('dirk test', () => {
  it('passes the example folder: N passed line, exit 0', async () => {
    const r = await runCli(['test', 'tests'], { cwd: STARTER });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^ok {6}tests\/fare-bands\.sql\n1 passed, 0 failed \(\d+\.\d s\)\n$/);
    expect(r.code).toBe(0);
  });

  it('a failing case prints a diff of expected and actual, exit 1; --update rewrites it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dirk-test-'));
    cpSync(STARTER, dir, { recursive: true });
    const file = join(dir, 'tests', 'fare-bands.sql');
    writeFileSync(file, readFileSync(file, 'utf8').replace('+I[jakarta, mid, 2, 27.5,', '+I[jakarta, mid, 2, 28.5,'));
    const bad = await runCli(['test', 'tests'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(
      [
        'FAIL    tests/fare-bands.sql',
        '        --- expected',
        '        +++ actual',
        '          +I[bandung, high, 1, 55.0, 2026-01-01 09:02:00]',
        '          +I[jakarta, low, 1, 8.0, 2026-01-01 09:01:00]',
        '        - +I[jakarta, mid, 2, 28.5, 2026-01-01 09:01:00]',
        '        + +I[jakarta, mid, 2, 27.5, 2026-01-01 09:01:00]',
      ].join('\n'),
    );
    expect(bad.stdout).toMatch(/\n0 passed, 1 failed \(/);

    const update = await runCli(['test', 'tests', '--update'], { cwd: dir });
    expect(update.stdout).toMatch(/^updated tests\/fare-bands\.sql\n1 passed, 0 failed/);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(STARTER, 'tests', 'fare-bands.sql'), 'utf8').replace(
      /---- output unordered\n[\s\S]*$/,
      '---- output unordered\n+I[jakarta, mid, 2, 27.5, 2026-01-01 09:01:00]\n+I[jakarta, low, 1, 8.0, 2026-01-01 09:01:00]\n+I[bandung, high, 1, 55.0, 2026-01-01 09:02:00]\n',
    ));
    const good = await runCli(['test', 'tests'], { cwd: dir });
    expect(good.code).toBe(0);
  });

  it('a case naming a table the query does not have fails with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dirk-test-'));
    writeFileSync(join(dir, 'bad.sql'), 'table t (a INT)\n---- query\nSELECT a FROM t\n---- input u\n{"a": 1}\n---- output\n+I[1]\n');
    const r = await runCli(['test', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`'---- input u' names no table (tables: t)`);
    expect(r.stdout).toContain('0 passed, 1 failed');
  });
});
