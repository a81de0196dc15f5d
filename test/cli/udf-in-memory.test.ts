import { mkdirSync, mkdtempSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonFileStream } from '../helpers/jobs.js';
import { runCli } from '../helpers/process.js';

/**
 * The built CLI compiles TypeScript UDFs in memory: a run writes nothing into the UDF folder (a read-only
 * mount works like any other), while a UDF still imports a sibling .ts helper, a package from its own
 * node_modules and a Node built-in. Files created in the folder during the run are watched with fs.watch.
 * (Root, as the tests run here, can write a chmod 555 folder, so watching is the check.)
 */
const dir = mkdtempSync(join(tmpdir(), 'dirk-udf-mem-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('UDF compilation in memory', () => {
  it('runs a job with TypeScript UDFs and writes nothing into the UDF folder', async () => {
    const udfs = join(dir, 'udfs');
    mkdirSync(join(udfs, 'node_modules', 'shout'), { recursive: true });
    writeFileSync(join(udfs, 'node_modules', 'shout', 'package.json'), JSON.stringify({ name: 'shout', type: 'module', exports: './index.js' }));
    writeFileSync(join(udfs, 'node_modules', 'shout', 'index.js'), 'export const shout = (s) => s.toUpperCase() + "!";\n');
    writeFileSync(join(udfs, 'helper.ts'), 'export const prefix = (s: string): string => `city:${s}`;\n');
    writeFileSync(
      join(udfs, 'tag.ts'),
      `import { defineScalar } from 'dirk/udf';
import { basename } from 'node:path';
import { shout } from 'shout';
import { prefix } from './helper.js';
export const Tag = defineScalar({ name: 'Tag', signatures: [{ params: ['STRING'], returns: 'STRING' }], eval: (s) => (s === null ? null : shout(prefix(basename(s as string)))) });
`,
    );
    const data = join(dir, 'rides.jsonl');
    writeFileSync(data, ['jakarta', 'bandung'].map((city, i) => JSON.stringify({ city, ts: new Date(Date.UTC(2026, 0, 1, 12, 0, i)).toISOString() })).join('\n') + '\n');
    const job = join(dir, 'job.json');
    writeFileSync(
      job,
      JSON.stringify({
        FLINK_JOB_ID: 'udf-in-memory',
        STREAMS: [jsonFileStream('rides', data, ['city'], 'ts')],
        FLINK_ROWTIME_ATTRIBUTE_NAME: 'rowtime',
        FLINK_SQL_QUERY: 'SELECT Tag(city) AS tag FROM rides',
        UDF_FOLDERS: udfs,
        SINK_TYPE: 'log',
        METRIC_TELEMETRY_ENABLE: 'false',
      }),
    );
    const created: string[] = [];
    const watcher = watch(udfs, { recursive: false }, (_event, name) => {
      if (name) created.push(String(name));
    });
    try {
      const res = await runCli(['run', job], { timeoutMs: 60_000 });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toContain('tag=CITY:JAKARTA!');
      expect(res.stdout).toContain('tag=CITY:BANDUNG!');
    } finally {
      watcher.close();
    }
    expect(created).toEqual([]);
  }, 90_000);
});
