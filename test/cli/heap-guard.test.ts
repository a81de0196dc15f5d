import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/process.js';

/**
 * State that outgrows the heap: a GROUP BY over (almost) unique keys under a 96 MB heap. Without the heap
 * guard V8 aborts the process (SIGABRT, exit 134, "JavaScript heap out of memory"); with it the job stops
 * with a Dirk error naming the state size and the retention key.
 */
const dir = mkdtempSync(join(tmpdir(), 'dirk-heap-'));
const job = join(dir, 'heap.json');
writeFileSync(
  job,
  JSON.stringify({
    FLINK_JOB_ID: 'heap-guard-test',
    STREAMS: [
      {
        INPUT_SCHEMA_TABLE: 't',
        INPUT_DATATYPE: 'JSON',
        INPUT_SCHEMA_JSON_SCHEMA: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'integer' }, ts: { type: 'string', format: 'date-time' } } },
        INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'ts',
        SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'DATAGEN_SOURCE' }],
        SOURCE_DATAGEN_ROWS: '20000000',
      },
    ],
    FLINK_SQL_QUERY: 'SELECT a, b, COUNT(1) AS n, MAX(ts) AS last_seen FROM t GROUP BY a, b',
    SINK_TYPE: 'log',
    METRIC_TELEMETRY_ENABLE: 'false',
  }),
);

describe('heap guard', () => {
  it('stops a job whose state outgrows the heap with a Dirk error naming the state size and the retention key, not a V8 abort', async () => {
    const r = await runCli(['run', job, '--checkpoint-dir', join(dir, 'ckpt')], {
      env: { NODE_OPTIONS: '--max-old-space-size=96', DIRK_LOG_LEVEL: 'error' },
      timeoutMs: 240_000,
    });
    expect(r.timedOut).toBe(false);
    expect(r.signal, r.stderr.slice(-2000)).toBeNull();
    expect(r.code, r.stderr.slice(-2000)).not.toBe(134);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/the job's state no longer fits in memory: the heap holds \d+ MB of its \d+ MB limit, with [\d,]+ entries of operator state; lower FLINK_RETENTION_IDLE_STATE_MINUTE \(now 10\)/);
    expect(r.stderr).not.toMatch(/JavaScript heap out of memory|FATAL ERROR/);
  }, 300_000);
});
