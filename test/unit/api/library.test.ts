import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DirkError, explainJob, loadJob, startJob, validateJob, type Change } from '../../../src/api/index.js';
import { createCodeSink } from '../../../src/connectors/code/code-sink.js';
import { RowKind } from '../../../src/core/types.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dirk-library-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const orders = path.join(dir, 'orders.jsonl');
fs.writeFileSync(
  orders,
  ['{"name":"a","amount":1,"ts":"2026-01-01T09:00:00Z"}', '{"name":"b","amount":5,"ts":"2026-01-01T09:00:01Z"}', '{"name":"c","amount":7,"ts":"2026-01-01T09:00:02Z"}', ''].join('\n'),
);

const config = (query = 'SELECT name, amount * 2 AS doubled FROM orders WHERE amount > 1') => ({
  FLINK_JOB_ID: 'library-test',
  FLINK_SQL_QUERY: query,
  SINK_TYPE: 'log',
  STREAMS: [
    {
      INPUT_SCHEMA_TABLE: 'orders',
      INPUT_DATATYPE: 'JSON',
      INPUT_SCHEMA_JSON_SCHEMA: JSON.stringify({ type: 'object', properties: { name: { type: 'string' }, amount: { type: 'integer' }, ts: { type: 'string', format: 'date-time' } } }),
      INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'ts',
      SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'FILE_SOURCE' }],
      SOURCE_FILE_PATH: orders,
    },
  ],
});

describe('library API', () => {
  it('loads a job from an object: result columns with their SQL types', async () => {
    const job = await loadJob(config());
    job.close();
    expect(job.columns).toEqual([
      { name: 'name', type: 'STRING' },
      { name: 'doubled', type: 'BIGINT' },
    ]);
    expect(job.updating).toBe(false);
  });

  it('validateJob and explainJob report user errors as DirkError with the position', async () => {
    await expect(validateJob(config())).resolves.toBeDefined();
    expect(await explainJob(config())).toMatch(/orders/);
    const err = await validateJob(config('SELECT nme FROM orders')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DirkError);
    expect((err as DirkError).message).toMatch(/nme/);
  });

  it('hands every result row to onRow, with its kind and named columns', async () => {
    const seen: Change[] = [];
    const job = await startJob(config(), { onRow: (c) => void seen.push(c), checkpointDir: path.join(dir, 'ck1') });
    await job.done;
    expect(seen).toEqual([
      { kind: 'insert', row: { name: 'b', doubled: 10 } },
      { kind: 'insert', row: { name: 'c', doubled: 14 } },
    ]);
    expect(await job.metrics()).toMatch(/dirk_sink_records_total\{[^}]*sink="code"[^}]*\} 2/);
  });

  it('iterates an updating result with for await, ending when the job ends', async () => {
    const job = await startJob(config('SELECT COUNT(*) AS n FROM orders'), { changes: true, checkpointDir: path.join(dir, 'ck2') });
    const changes: Change[] = [];
    for await (const c of job.changes()) changes.push(c);
    await job.done;
    // The group aggregate coalesces updates per mini-batch: one batch of three rows is one insert.
    expect(changes).toEqual([{ kind: 'insert', row: { n: 3 } }]);
  });
});

describe('code sink', () => {
  const columns = [{ name: 'k', type: { kind: 'STRING' } }] as never;

  it('flush waits until the iterator has taken every row (backpressure), and pending counts them', async () => {
    const sink = createCodeSink({ columns });
    const it = sink.changes();
    sink.write({ kind: 'data', rows: [['x'], ['y']], rowKinds: [RowKind.Insert, RowKind.Delete] });
    expect(sink.pending!()).toBe(2);
    let flushed = false;
    const flush = sink.flush().then(() => (flushed = true));
    await new Promise((r) => setImmediate(r));
    expect(flushed).toBe(false);
    expect(await it.next()).toEqual({ value: { kind: 'insert', row: { k: 'x' } }, done: false });
    expect(await it.next()).toEqual({ value: { kind: 'delete', row: { k: 'y' } }, done: false });
    await flush;
    expect(flushed).toBe(true);
    await sink.close();
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it('a failing onRow fails the next flush (the job stops rather than lose rows)', async () => {
    const sink = createCodeSink({ columns, onRow: async () => Promise.reject(new Error('db down')) });
    sink.write({ kind: 'data', rows: [['x']] });
    await expect(sink.flush()).rejects.toThrow('onRow failed: db down');
  });
});
