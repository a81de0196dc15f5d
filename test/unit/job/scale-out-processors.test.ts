import { describe, expect, it } from 'vitest';
import type { SourceBatch } from '../../../src/core/connector.js';
import { DecodeError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { T, type Row, type TableSchema } from '../../../src/core/types.js';
import { validateJob } from '../../../src/api/index.js';
import { tracedPreprocessor, type UpstreamStage } from '../../../src/job/exchange/processors.js';
import { buildPreprocessors, defineTransformer, markingDecoder, PreprocessorRunner } from '../../../src/processors/transformers/index.js';
import { createTelemetry } from '../../../src/telemetry/index.js';
import { transformerJob } from '../../helpers/transformers.js';

/**
 * Pre- and post-processors scaled out: which transformers are refused (those that keep state, by name) and
 * which run (everything else), and how the upstream pre-processor keeps each row's source offset through
 * transformers that filter, map or build rows.
 */
const stream = {
  INPUT_SCHEMA_TABLE: 'orders',
  INPUT_DATATYPE: 'JSON',
  INPUT_SCHEMA_JSON_SCHEMA: JSON.stringify({ type: 'object', properties: { name: { type: 'string' }, amount: { type: 'integer' }, ts: { type: 'string', format: 'date-time' } } }),
  INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'ts',
  SOURCE_KAFKA_TOPIC_NAMES: 'orders',
  SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: '127.0.0.1:9',
  SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: 'g',
};
const COUNT = "SELECT name, COUNT(1) AS n, TUMBLE_END(rowtime, INTERVAL '1' SECOND) AS w FROM orders GROUP BY TUMBLE(rowtime, INTERVAL '1' SECOND), name";

const job = (extra: Record<string, unknown>, sql = COUNT) => ({
  FLINK_JOB_ID: 'scale-proc',
  METRIC_TELEMETRY_ENABLE: false,
  FLINK_SQL_QUERY: sql,
  STREAMS: [stream],
  SINK_TYPE: 'log',
  DIRK_TASKS: 2,
  ...extra,
});
const pre = (...transformers: unknown[]) => ({
  PROCESSOR_PREPROCESSOR_ENABLE: true,
  PROCESSOR_PREPROCESSOR_CONFIG: { table_transformers: [{ table_name: 'orders', transformers }] },
});
const post = (config: unknown) => ({ PROCESSOR_POSTPROCESSOR_ENABLE: true, PROCESSOR_POSTPROCESSOR_CONFIG: config });
const dedup = { transformation_class: 'DeDuplicationTransformer', transformation_arguments: { key_column: 'name', ttl_in_seconds: '60' } };
const failure = (p: Promise<unknown>): Promise<string> => p.then(() => 'no error', (e: unknown) => (e as Error).message);

describe('scale-out: which pre- and post-processors validate accepts', () => {
  it('runs stateless ones: external and internal post-processors, ClearColumn, InvalidRecordFilter, a SQLTransformer of projections', async () => {
    const config = job({
      ...pre({ transformation_class: 'InvalidRecordFilterTransformer' }, { transformation_class: 'ClearColumnTransformer', transformation_arguments: { targetColumnName: 'name' } }),
      ...post({
        external_source: { http: [{ endpoint: 'http://127.0.0.1:9', verb: 'get', request_pattern: '/%s', request_variables: 'name', capacity: '2', stream_timeout: '1000', connect_timeout: '1000', output_mapping: { label: { path: '$.label' } } }] },
        internal_source: [{ output_field: 'n', type: 'sql', value: 'n' }],
        transformers: [{ transformation_class: 'SQLTransformer', transformation_arguments: { sqlQuery: 'SELECT label, n * 2 AS n2 FROM data_stream WHERE n > 0' } }],
      }),
    });
    expect(await failure(validateJob(config))).toBe('no error');
  });

  it('refuses a DeDuplicationTransformer pre-processor, naming it, why and what to do', async () => {
    const message = await failure(validateJob(job(pre(dedup))));
    expect(message).toContain('PROCESSOR_PREPROCESSOR_CONFIG.table_transformers[0].transformers[0] (DeDuplicationTransformer): a job run scaled out (DIRK_TASKS / FLINK_PARALLELISM > 1, or DIRK_EXCHANGE_ENABLE) cannot run a transformer that keeps state');
    expect(message).toContain('a pre-processor runs in the task that reads each partition of table orders');
    expect(message).toContain('Run the job as one task');
  });

  it('refuses a stateful post transformer (a SQLTransformer with GROUP BY) but not with one task', async () => {
    const windowed = post({ transformers: [{ transformation_class: 'SQLTransformer', transformation_arguments: { sqlQuery: 'SELECT name, SUM(n) AS total FROM data_stream GROUP BY name' } }] });
    const message = await failure(validateJob(job(windowed)));
    expect(message).toContain('PROCESSOR_POSTPROCESSOR_CONFIG.transformers[0] (SQLTransformer): a job run scaled out');
    expect(message).toContain("post-processors run in the task that owns each repartition partition, which holds its share of the query's keys only");
    expect(message).toContain('a SQLTransformer query of filters and projections only keeps no state');
    expect(await failure(validateJob(job({ ...windowed, DIRK_TASKS: 1 })))).toBe('no error');
  });

  it('refuses a stateful transformer scaled out without a keyed operator too (each task sees its own partitions)', async () => {
    const message = await failure(validateJob(job(post({ transformers: [dedup] }), 'SELECT name, amount FROM orders')));
    expect(message).toContain('PROCESSOR_POSTPROCESSOR_CONFIG.transformers[0] (DeDuplicationTransformer)');
    expect(message).toContain('post-processors run in every task on the results of the source partitions it reads');
  });
});

describe('scale-out: the upstream pre-processor keeps each row with its source offset', () => {
  const table: TableSchema = { name: 'orders', columns: [{ name: 'name', type: T.STRING }, { name: 'amount', type: T.BIGINT }], rowtimeIndex: undefined };
  /** Builds new rows: none for c, two for b, d's own row twice (no rowMapping: one record at a time). */
  const Split = defineTransformer({
    name: 'Split',
    transform: (rows) => rows.flatMap((r) => (r[0] === 'c' ? [] : r[0] === 'b' ? [['b-a', r[1]], ['b-b', r[1]]] : r[0] === 'd' ? [r, r] : [[String(r[0]), r[1]]])),
  });

  async function runner(...transformers: unknown[]): Promise<PreprocessorRunner> {
    const tj = transformerJob({ userTransformers: [Split] });
    const built = buildPreprocessors({ table_transformers: [{ table_name: 'orders', transformers }] }, new Map([['orders', table]]), tj);
    const r = new PreprocessorRunner(built.get('orders')!);
    await r.open({ logger: silentLogger, telemetry: createTelemetry({ jobId: 'traced' }), registry: undefined, now: () => 0 });
    return r;
  }

  /** What the exchange's tagging stage receives: each row with the offset it is given. */
  function capture(): UpstreamStage & { readonly got: [Row, string][] } {
    const got: [Row, string][] = [];
    return {
      got,
      async process(rows, _origin, batch) {
        rows.forEach((r, i) => got.push([r, batch!.offsets![i]!]));
        return rows;
      },
      finish: async () => [],
      snapshot: () => null,
      restore: () => undefined,
    };
  }

  const batch = (rows: Row[]): SourceBatch => ({ split: 'orders:0', rows, offsets: rows.map((_, i) => String(100 + i)) });

  it('through a filter (identity), a map (position) and a transformer that builds rows (one record at a time)', async () => {
    const undecodable = markingDecoder({ decode: () => { throw new DecodeError('bad'); } }, 2).decode(new Uint8Array([1]));
    const rows: Row[] = [['a', 1n], undecodable, ['b', 2n], ['c', 0n], ['d', 3n]];
    const next = capture();
    const stage = tracedPreprocessor(
      await runner(
        { transformation_class: 'InvalidRecordFilterTransformer' },
        { transformation_class: 'ClearColumnTransformer', transformation_arguments: { targetColumnName: 'amount' } },
        { transformation_class: 'Split' },
      ),
      next,
    );
    await stage.process(rows, 'table orders', batch(rows));
    expect(next.got).toEqual([
      [['a', ''], '100'],
      [['b-a', ''], '102'],
      [['b-b', ''], '102'],
      [['d', ''], '104'],
      [['d', ''], '104'],
    ]);
    // Each row its own array (the writer appends the offset to it), even when a transformer returned one twice.
    expect(new Set(next.got.map(([r]) => r)).size).toBe(next.got.length);
  });

  it('a transformer breaking its declared rowMapping is an error naming it', async () => {
    const Liar = defineTransformer({ name: 'Liar', rowMapping: 'filter', transform: (rows) => rows.map((r) => [...r]) });
    const tj = transformerJob({ userTransformers: [Liar] });
    const built = buildPreprocessors({ table_transformers: [{ table_name: 'orders', transformers: [{ transformation_class: 'Liar' }] }] }, new Map([['orders', table]]), tj);
    const r = new PreprocessorRunner(built.get('orders')!);
    await r.open({ logger: silentLogger, telemetry: createTelemetry({ jobId: 'traced' }), registry: undefined, now: () => 0 });
    const rows: Row[] = [['a', 1n]];
    expect(await failure(tracedPreprocessor(r, capture()).process(rows, 'table orders', batch(rows)))).toContain(
      "PROCESSOR_PREPROCESSOR_CONFIG.table_transformers[0].transformers[0] (Liar) declares rowMapping 'filter' but returned a row it was not given",
    );
  });
});
