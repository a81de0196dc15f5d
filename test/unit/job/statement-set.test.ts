import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateJob } from '../../../src/api/index.js';
import { T, type TableSchema } from '../../../src/core/types.js';
import { explainJob } from '../../../src/job/explain-job.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import { planSql } from '../../../src/sql/planner.js';
import { createFunctionCatalog } from '../../../src/udf/registry.js';
import { runCli } from '../../helpers/process.js';

/** Statement sets in a job config: explain of every branch, SINKS entries tied to INSERT targets by SINK_TABLE. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dirk-statement-set-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const orders = path.join(dir, 'orders.jsonl');
fs.writeFileSync(
  orders,
  ['{"name":"a","amount":1,"ts":"2026-01-01T09:00:00Z"}', '{"name":"b","amount":20,"ts":"2026-01-01T09:00:01Z"}', '{"name":"a","amount":30,"ts":"2026-01-01T09:00:02Z"}'].join('\n') + '\n',
);

const TWO_INSERTS = 'INSERT INTO big SELECT name, amount FROM orders WHERE amount > 10; INSERT INTO sums SELECT name, SUM(amount) AS total FROM orders GROUP BY name';
const config = (extra: Record<string, unknown>, query = TWO_INSERTS) => ({
  FLINK_JOB_ID: 'statement-set',
  METRIC_TELEMETRY_ENABLE: false,
  FLINK_SQL_QUERY: query,
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
  ...extra,
});
const failure = (p: Promise<unknown>): Promise<string> => p.then(() => 'no error', (e: unknown) => (e as Error).message);
const log = (table: string) => ({ SINK_TYPE: 'log', SINK_TABLE: table });

describe('statement sets in a job config', () => {
  it('explain shows every INSERT under the table it writes, logical and physical', () => {
    const orders: TableSchema = {
      name: 'orders',
      columns: [
        { name: 'name', type: T.STRING },
        { name: 'amount', type: T.BIGINT },
        { name: 'rowtime', type: T.ROWTIME },
      ],
      rowtimeIndex: 2,
    };
    const plan = planSql(TWO_INSERTS, { table: (n) => (n === 'orders' ? orders : undefined), tableNames: () => ['orders'], functions: createFunctionCatalog(builtinFunctions) });
    expect(explainJob(plan)).toBe(
      [
        'logical plan:',
        '  Sink(table=big)',
        '    Project(name=name, amount=amount)',
        '      Filter((amount > 10))',
        '        Scan(table=orders, decode=[name, amount, rowtime])',
        '',
        '    output:',
        '      name STRING',
        '      amount BIGINT',
        '',
        '  Sink(table=sums)',
        '    Project(name=name, total=$a0)',
        '      GroupAggregate(keys=[name], aggs=[SUM(amount)])',
        '        Scan(table=orders, decode=[name, amount, rowtime])',
        '',
        '    output:',
        '      name STRING',
        '      total BIGINT',
        '      (updating result: insert / update / delete changelog)',
        '',
        'physical plan (operators as built, root first):',
        '  Sink(table=big)',
        '    #1 Project; state: none; reads #2',
        '      #2 Filter; state: none; reads #3',
        '        #3 Source[orders] decodes [name, amount, rowtime]; state: source positions (checkpointed); watermark: bounded out-of-orderness on rowtime',
        '  Sink(table=sums)',
        '    #4 Project; state: none; reads #5',
        '      #5 GroupAggregate[1 key]; state: accumulators by key, idle-state retention; reads #6',
        '        #6 Source[orders] decodes [name, amount, rowtime]; state: source positions (checkpointed); watermark: bounded out-of-orderness on rowtime',
        '  Read once: orders feeds #3, #6',
      ].join('\n'),
    );
  });

  it('refuses SINKS that do not match the INSERT targets, naming the entry', async () => {
    expect(await failure(validateJob(config({ SINK_TYPE: 'log' })))).toBe('FLINK_SQL_QUERY has several INSERT INTO (big, sums): give SINKS, one entry per target table with its SINK_TABLE');
    expect(await failure(validateJob(config({ SINKS: [log('big'), { SINK_TYPE: 'log' }] })))).toBe('SINKS[1]: SINK_TABLE is required when FLINK_SQL_QUERY has several INSERT INTO (big, sums)');
    expect(await failure(validateJob(config({ SINKS: [log('big'), log('sum')] })))).toBe("SINKS[1].SINK_TABLE 'sum' is not an INSERT INTO target of FLINK_SQL_QUERY (big, sums)");
    expect(await failure(validateJob(config({ SINKS: [log('big')] })))).toBe("INSERT INTO sums has no sink: add a SINKS entry with SINK_TABLE 'sums'");
  });

  it('checks each sink against its own INSERT: an updating one cannot go to InfluxDB, an append-only one can', async () => {
    const influx = (table: string) => ({ SINK_TYPE: 'influx', SINK_TABLE: table, SINK_INFLUX_URL: 'http://127.0.0.1:1', SINK_INFLUX_DB_NAME: 'd', SINK_INFLUX_MEASUREMENT_NAME: 'm' });
    expect(await failure(validateJob(config({ SINKS: [influx('big'), log('sums')] })))).toBe('no error');
    expect(await failure(validateJob(config({ SINKS: [log('big'), influx('sums')] })))).toMatch(/^SINKS\[1\] \(influx\): .*updat/);
  });

  it('runs both INSERTs from one read of the file, each to its own sinks', async () => {
    const file = path.join(dir, 'job.json');
    fs.writeFileSync(file, JSON.stringify(config({ SINKS: [log('big'), log('sums')] })));
    const r = await runCli(['run', file, '--checkpoint-dir', path.join(dir, 'cp')], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => !l.includes('total=')).sort()).toEqual(['+I {name=a, amount=30}', '+I {name=b, amount=20}']);
    // the file is one batch: the aggregate emits its final rows at the batch's end (mini-batch)
    expect(lines.filter((l) => l.includes('total='))).toEqual(['+I {name=a, total=31}', '+I {name=b, total=20}']);
    expect(r.stderr).toContain('records_read=3 ');
  }, 90_000);

  it('writes two INSERTs into one table to that table\'s sink', async () => {
    const file = path.join(dir, 'same.json');
    const query = "INSERT INTO names SELECT name FROM orders WHERE amount > 10; INSERT INTO names SELECT UPPER(name) FROM orders WHERE amount < 10";
    fs.writeFileSync(file, JSON.stringify(config({ SINKS: [log('names')] }, query)));
    const r = await runCli(['run', file, '--checkpoint-dir', path.join(dir, 'cp-same')], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').sort()).toEqual(['+I {name=A}', '+I {name=a}', '+I {name=b}']);
  }, 90_000);
});
