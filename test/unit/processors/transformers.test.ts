import { beforeAll, describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/core/errors.js';
import { typeToString, type Row } from '../../../src/core/types.js';
import { builtinTransformers, defineTransformer, markingDecoder } from '../../../src/processors/transformers/index.js';
import { openDescriptorRegistry, type DescriptorRegistry } from '../../../src/schema/index.js';
import { defineScalar } from '../../../src/udf/api.js';
import { fields, openTransformer } from '../../helpers/transformers.js';

const BOOKING = 'com.gotocompany.dagger.consumer.TestBookingLogMessage';
const ENRICHED = 'com.gotocompany.dagger.consumer.TestEnrichedBookingLogMessage';

let registry: DescriptorRegistry;
beforeAll(async () => {
  registry = await openDescriptorRegistry({ kind: 'files', dirs: ['protos/dirk/test/dagger'] });
  return () => registry.close();
});

const metric = async (h: { telemetry: { metrics(): Promise<string> } }, name: string): Promise<string[]> =>
  (await h.telemetry.metrics()).split('\n').filter((l) => l.startsWith(name));

describe('transformation_class', () => {
  const input = fields({ order_number: 'STRING' });
  const config = (cls: string) => ({ transformation_class: cls, transformation_arguments: { key_column: 'order_number', ttl_in_seconds: '60' } });
  it.each([
    'DeDuplicationTransformer',
    'com.gotocompany.dagger.functions.transformers.DeDuplicationTransformer',
    'io.odpf.dagger.functions.transformers.DeDuplicationTransformer',
    'org.raystack.dagger.functions.transformers.DeDuplicationTransformer',
  ])('%s is the dedup transformer', async (cls) => {
    const h = await openTransformer(config(cls), input);
    expect(h.stage.name).toBe('transformer[0] DeDuplicationTransformer');
    expect(await h.run([['a'], ['a']])).toEqual([['a']]);
  });

  it('names the closest transformer for a typo, and says custom Java classes do not run', async () => {
    await expect(openTransformer(config('DeDuplicationTransfomer'), input)).rejects.toThrow(
      /transformers\[0\]\.transformation_class: unknown transformer "DeDuplicationTransfomer" \(did you mean "DeDuplicationTransformer"\?\)/,
    );
    await expect(openTransformer(config('com.acme.MyTransformer'), input)).rejects.toThrow(/custom Java transformer class cannot run in Dirk: write it in TypeScript with defineTransformer/);
  });

  it('refuses a pre-processor-only transformer after the post-processors, and the reverse', async () => {
    await expect(openTransformer({ transformation_class: 'InvalidRecordFilterTransformer' }, input)).rejects.toThrow(/runs only as a pre-processor/);
    await expect(openTransformer({ transformation_class: 'HashTransformer', transformation_arguments: { maskColumns: ['order_number'] } }, input, { where: 'pre', registry, sinkProtoMessage: BOOKING })).rejects.toThrow(
      /runs only as a post-processor/,
    );
  });

  it('injects table_name into the arguments and refuses it when written', async () => {
    const Echo = defineTransformer<{ table_name: string }>({
      name: 'TableEcho',
      outputSchema: (inp) => [...inp, { name: 'table', type: 'STRING' }],
      transform: (rows, ctx) => rows.map((r) => [...r, ctx.args.table_name]),
    });
    const pre = await openTransformer({ transformation_class: 'TableEcho' }, input, { where: 'pre', table: 'booking', userTransformers: [Echo] });
    expect(await pre.run([['a']])).toEqual([['a', 'booking']]);
    const post = await openTransformer({ transformation_class: 'TableEcho' }, input, { userTransformers: [Echo] });
    expect(await post.run([['a']])).toEqual([['a', 'NULL']]);
    await expect(openTransformer({ transformation_class: 'TableEcho', transformation_arguments: { table_name: 'x' } }, input, { userTransformers: [Echo] })).rejects.toThrow(
      /transformation_arguments\.table_name \(TableEcho\): table_name is set by the job/,
    );
  });
});

describe('ClearColumnTransformer', () => {
  const input = fields({ event_timestamp: 'TIMESTAMP', data1: 'STRING', data2: 'INT' });
  it('sets the column to the empty string; the column becomes STRING', async () => {
    const h = await openTransformer({ transformation_class: 'ClearColumnTransformer', transformation_arguments: { targetColumnName: 'data2' } }, input);
    expect(h.stage.output.map((f) => `${f.name} ${typeToString(f.type)}`)).toEqual(['event_timestamp TIMESTAMP(3)', 'data1 STRING', 'data2 STRING']);
    const inRow: Row = [1, 'a', 7];
    expect(await h.run([inRow])).toEqual([[1, 'a', '']]);
    expect(inRow).toEqual([1, 'a', 7]);
  });
  it('names the transformer and the argument when the column is missing or unknown', async () => {
    await expect(openTransformer({ transformation_class: 'ClearColumnTransformer', transformation_arguments: {} }, input)).rejects.toThrow(
      'transformers[0].transformation_arguments.targetColumnName (ClearColumnTransformer): expected a column name (required)',
    );
    await expect(openTransformer({ transformation_class: 'ClearColumnTransformer', transformation_arguments: { targetColumnName: 'data3' } }, input)).rejects.toThrow(
      /targetColumnName \(ClearColumnTransformer\): expected one of the columns arriving at the transformer \(event_timestamp, data1, data2\); did you mean "data1"\?, found "data3"/,
    );
  });
});

describe('DeDuplicationTransformer', () => {
  const input = fields({ order_number: 'STRING', customer_id: 'STRING' });
  const config = { transformation_class: 'DeDuplicationTransformer', transformation_arguments: { key_column: 'order_number', ttl_in_seconds: '3600' } };

  it('passes the first row of a key and drops the rest within the TTL (processing time from the first row)', async () => {
    const h = await openTransformer(config, input);
    expect(await h.run([['o1', 'c1'], ['o1', 'c2'], ['o2', 'c1']])).toEqual([['o1', 'c1'], ['o2', 'c1']]);
    h.clock.now += 3_599_000;
    expect(await h.run([['o1', 'c3'], ['o2', 'c3']])).toEqual([]);
    h.clock.now += 1_000; // an hour after o1 and o2 were first passed; the duplicates did not extend it
    expect(await h.run([['o1', 'c4'], ['o3', 'c4'], ['o1', 'c5']])).toEqual([['o1', 'c4'], ['o3', 'c4']]);
    expect(await metric(h, 'dirk_transformer_rows_dropped_total')).toEqual(['dirk_transformer_rows_dropped_total{transformer="DeDuplicationTransformer",table="NULL",job="transformer-test"} 4']);
  });

  it('keeps its keys across a restart from a checkpoint, with their original expiry', async () => {
    const a = await openTransformer(config, input);
    await a.run([['o1', 'c1'], ['o2', 'c1']]);
    a.clock.now += 1_800_000;
    await a.run([['o3', 'c1']]);
    const saved = structuredClone(a.stage.snapshot!());
    await a.stage.close?.();

    const b = await openTransformer(config, input, { now: a.clock.now + 1_000 });
    b.stage.restore!(saved);
    expect(await b.run([['o1', 'x'], ['o3', 'x'], ['o4', 'x']])).toEqual([['o4', 'x']]);
    b.clock.now = a.clock.now - 1_800_000 + 3_600_000; // o1 and o2 expire, o3 does not
    expect(await b.run([['o1', 'y'], ['o2', 'y'], ['o3', 'y']])).toEqual([['o1', 'y'], ['o2', 'y']]);
  });

  it('restores into a transformer that is not open yet (the job restores before the first batch)', async () => {
    const a = await openTransformer(config, input);
    await a.run([['o1', 'c1']]);
    const saved = a.stage.snapshot!();
    const { buildTransformer, transformerStage } = await import('../../../src/processors/transformers/index.js');
    const { transformerJob } = await import('../../helpers/transformers.js');
    const stage = transformerStage(buildTransformer(config, 't', input, 'post', 'NULL', transformerJob()), 0);
    stage.restore!(saved);
    await stage.open!({ logger: (await import('../../../src/core/logger.js')).silentLogger, telemetry: a.telemetry, registry: undefined, now: () => a.clock.now });
    expect((await stage.process({ rows: [['o1', 'c2'], ['o2', 'c2']] })).rows).toEqual([['o2', 'c2']]);
  });

  it('keys by value: NULL is one key, 1 and "1" are two', async () => {
    const h = await openTransformer({ transformation_class: 'DeDuplicationTransformer', transformation_arguments: { key_column: 'k', ttl_in_seconds: 10 } }, fields({ k: 'ANY' }));
    expect(await h.run([[null], [null], [1], ['1'], [1]])).toEqual([[null], [1], ['1']]);
  });

  it('checks its arguments when the job is built', async () => {
    await expect(openTransformer({ transformation_class: 'DeDuplicationTransformer', transformation_arguments: { key_column: 'order_number', ttl_in_seconds: 'an hour' } }, input)).rejects.toThrow(
      'transformers[0].transformation_arguments.ttl_in_seconds (DeDuplicationTransformer): expected a whole number (a JSON number or a string of digits), found "an hour"',
    );
    await expect(openTransformer({ transformation_class: 'DeDuplicationTransformer', transformation_arguments: { key_column: 'order_number', ttl_in_seconds: 0 } }, input)).rejects.toThrow(
      /ttl_in_seconds \(DeDuplicationTransformer\): expected a whole number of seconds > 0, found number 0/,
    );
    await expect(openTransformer({ transformation_class: 'DeDuplicationTransformer', transformation_arguments: { ttl_in_seconds: 1 } }, input)).rejects.toThrow(/key_column \(DeDuplicationTransformer\): expected a column name \(required\)/);
  });
});

describe('HashTransformer (expected values from Dagger\'s HashTransformerTest)', () => {
  const hash = (maskColumns: string[]) => ({ transformation_class: 'HashTransformer', transformation_arguments: { maskColumns } });
  const opts = () => ({ registry, sinkProtoMessage: BOOKING });

  it('hashes a string field', async () => {
    const h = await openTransformer(hash(['order_number']), fields({ order_number: 'STRING', cancel_reason_id: 'INT', is_reblast: 'BOOLEAN' }), opts());
    expect(await h.run([['test', 1, false]])).toEqual([['9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 1, false]]);
  });

  it('hashes string, int and long fields', async () => {
    const h = await openTransformer(
      hash(['order_number', 'driver_total_fare_without_surge', 'cancel_reason_id']),
      fields({ order_number: 'STRING', cancel_reason_id: 'INT', driver_total_fare_without_surge: 'BIGINT' }),
      opts(),
    );
    expect(await h.run([['test', 1, 1]])).toEqual([['9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 1927129959, -6467378160175308932n]]);
    expect(await h.run([['test', 1, 1n]])).toEqual([['9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 1927129959, -6467378160175308932n]]);
  });

  it('hashes nested fields by dotted path, leaving the others and the input row alone', async () => {
    const bookingType = 'ROW<service_type STRING, order_number STRING, order_url STRING, event_timestamp ROW<seconds BIGINT, nanos INT>, customer_id STRING>';
    const h = await openTransformer(
      hash(['booking_log.event_timestamp.seconds', 'booking_log.event_timestamp.nanos', 'booking_log.order_number']),
      fields({ booking_log: bookingType }),
      { registry, sinkProtoMessage: ENRICHED },
    );
    const booking = { service_type: 'UNKNOWN', order_number: 'test_order_number', order_url: 'test_order_url', event_timestamp: { seconds: 10, nanos: 10 }, customer_id: '' };
    const [out] = await h.run([[booking]]);
    expect(out).toEqual([
      {
        service_type: 'UNKNOWN',
        order_number: '4f901e546da47e1266355bcc4953ed452ffcdd2eeec5567c0abe677879f6d47a',
        order_url: 'test_order_url',
        event_timestamp: { seconds: -8613927256589200991n, nanos: -1176347385 },
        customer_id: '',
      },
    ]);
    expect(booking.order_number).toBe('test_order_number');
  });

  it('keeps NULL', async () => {
    const h = await openTransformer(hash(['order_number']), fields({ order_number: 'STRING' }), opts());
    expect(await h.run([[null]])).toEqual([[null]]);
  });

  it('refuses fields it cannot hash, naming the argument', async () => {
    const input = fields({ order_number: 'STRING', is_reblast: 'BOOLEAN', meta_array: 'ARRAY<STRING>' });
    await expect(openTransformer(hash(['invalid_field']), input, opts())).rejects.toThrow(/maskColumns \(HashTransformer\): expected paths starting with a column of the rows \(order_number, is_reblast, meta_array\), found "invalid_field"/);
    await expect(openTransformer(hash(['is_reblast']), input, opts())).rejects.toThrow(/maskColumns \(HashTransformer\): cannot hash is_reblast \(resolved against com.gotocompany.dagger.consumer.TestBookingLogMessage\): is_reblast is bool; only string, int and long fields can be hashed/);
    await expect(openTransformer(hash(['meta_array']), input, opts())).rejects.toThrow(/meta_array is a repeated field/);
    await expect(openTransformer(hash(['order_number']), input, { registry })).rejects.toThrow(/maskColumns \(HashTransformer\): expected a job with SINK_KAFKA_PROTO_MESSAGE/);
    await expect(openTransformer(hash(['order_number']), input, { registry, sinkProtoMessage: 'com.gotocompany.dagger.consumer.RandomTestMessage' })).rejects.toThrow(
      /its descriptor com\.gotocompany\.dagger\.consumer\.RandomTestMessage \(SINK_KAFKA_PROTO_MESSAGE\) was not found/,
    );
  });
});

describe('FeatureTransformer and FeatureWithTypeTransformer', () => {
  const empty = { bytes_val: null, string_val: null, int32_val: null, int64_val: null, double_val: null, float_val: null, bool_val: null, timestamp_val: null };

  it('FeatureTransformer: the value column becomes a FeatureRow array, typed by the column', async () => {
    const input = fields({ entityKey: 'STRING', featuresKey: 'BIGINT', features: 'INT' });
    const h = await openTransformer({ transformation_class: 'FeatureTransformer', transformation_arguments: { keyColumnName: 'featuresKey', valueColumnName: 'features' } }, input);
    expect(typeToString(h.stage.output[2]!.type)).toMatch(/^ARRAY<ROW<`name` STRING, `value` ROW</);
    expect(await h.run([['test', 1, 2]])).toEqual([['test', 1, [{ name: '1', key: '1', value: { ...empty, int32_val: 2 } }]]]);
  });

  it('FeatureTransformer refuses a BYTES value column (Dagger throws on byte arrays)', async () => {
    const input = fields({ featuresKey: 'BIGINT', features: 'BYTES' });
    await expect(openTransformer({ transformation_class: 'FeatureTransformer', transformation_arguments: { keyColumnName: 'featuresKey', valueColumnName: 'features' } }, input)).rejects.toThrow(
      /valueColumnName \(FeatureTransformer\): expected a column of a Feast value type/,
    );
  });

  it('FeatureWithTypeTransformer: one typed feature per data entry, into outputColumnName', async () => {
    const input = fields({ customer_id: 'STRING', order_number: 'STRING', features: 'STRING' });
    const h = await openTransformer(
      {
        transformation_class: 'FeatureWithTypeTransformer',
        transformation_arguments: {
          outputColumnName: 'features',
          data: [
            { keyColumnName: 'customer_id', valueColumnName: 'order_number', type: 'FloatType' },
            { keyColumnName: 'order_number', valueColumnName: 'customer_id', type: 'StringType' },
          ],
        },
      },
      input,
    );
    expect(await h.run([['test_customer_id', '1.4', 'test_features']])).toEqual([
      [
        'test_customer_id',
        '1.4',
        [
          { name: 'test_customer_id', key: 'test_customer_id', value: { ...empty, float_val: 1.4 } },
          { name: '1.4', key: '1.4', value: { ...empty, string_val: 'test_customer_id' } },
        ],
      ],
    ]);
  });

  it("FeatureTransformer given FeatureWithTypeTransformer's arguments (as in Dagger's reference page) says which class takes them", async () => {
    const input = fields({ data1: 'STRING', data2: 'STRING', features: 'STRING' });
    await expect(
      openTransformer(
        { transformation_class: 'FeatureTransformer', transformation_arguments: { outputColumnName: 'features', data: [{ keyColumnName: 'data1', valueColumnName: 'data2', type: 'StringType' }] } },
        input,
      ),
    ).rejects.toThrow(/keyColumnName \(FeatureTransformer\): expected keyColumnName and valueColumnName \(outputColumnName and data are the arguments of FeatureWithTypeTransformer/);
  });

  it('FeatureWithTypeTransformer names the bad data entry', async () => {
    const input = fields({ customer_id: 'STRING', order_number: 'STRING', features: 'STRING' });
    await expect(
      openTransformer(
        { transformation_class: 'FeatureWithTypeTransformer', transformation_arguments: { outputColumnName: 'features', data: [{ keyColumnName: 'customer_id', valueColumnName: 'order_number', type: 'BytType' }] } },
        input,
      ),
    ).rejects.toThrow(/transformation_arguments\.data\[0\]\.type \(FeatureWithTypeTransformer\): expected one of ByteType, StringType, .*found "BytType"/);
  });
});

describe('InvalidRecordFilterTransformer', () => {
  it('drops the rows of undecodable records and counts them per table', async () => {
    const decoder = markingDecoder(
      {
        decode(bytes) {
          if (bytes[0] === 0) throw new DecodeError('bad bytes');
          return [String(bytes[0])];
        },
      },
      1,
    );
    const h = await openTransformer({ transformation_class: 'InvalidRecordFilterTransformer', transformation_arguments: 'testtable' }, fields({ v: 'STRING' }), { where: 'pre', table: 'booking' });
    const rows = [new Uint8Array([1]), new Uint8Array([0]), new Uint8Array([2]), new Uint8Array([0])].map((b) => decoder.decode(b));
    expect(rows[1]).toEqual([null]);
    expect(await h.run(rows)).toEqual([['1'], ['2']]);
    expect(await metric(h, 'dirk_filtered_invalid_records_total')).toEqual(['dirk_filtered_invalid_records_total{table="booking",job="transformer-test"} 2']);
    expect(await h.run([[null]])).toEqual([[null]]); // a valid record with a NULL value is not invalid
  });
});

describe('SQLTransformer', () => {
  const input = fields({ data1: 'STRING', rowtime: 'TIMESTAMP', data2: 'STRING' });
  const docsQuery =
    "SELECT count(distinct data1) AS `count`, data2, TUMBLE_END(rowtime, INTERVAL '60' SECOND) AS event_timestamp FROM data_stream group by TUMBLE (rowtime, INTERVAL '60' SECOND), data2";

  it("runs Dagger's docs example: windows fire as the rowtime watermark passes them", async () => {
    const h = await openTransformer({ transformation_class: 'SQLTransformer', transformation_arguments: { sqlQuery: docsQuery } }, input);
    expect(h.stage.output.map((f) => `${f.name} ${typeToString(f.type)}`)).toEqual(['count BIGINT', 'data2 STRING', 'event_timestamp TIMESTAMP(3)']);
    expect(await h.run([['a', 0, 'x'], ['b', 10_000, 'x'], ['a', 20_000, 'x'], ['c', 30_000, 'y']])).toEqual([]);
    expect(await h.run([['d', 61_000, 'x']])).toEqual([
      [2, 'x', 60_000],
      [1, 'y', 60_000],
    ]);
    expect(await h.watermark(Infinity)).toEqual([[1, 'x', 120_000]]);
  });

  it('allowedLatenessInMs holds the watermark back, so a late row still counts', async () => {
    const h = await openTransformer({ transformation_class: 'SQLTransformer', transformation_arguments: { sqlQuery: docsQuery, allowedLatenessInMs: '5000' } }, input);
    expect(await h.run([['a', 10_000, 'x'], ['b', 62_000, 'x']])).toEqual([]);
    expect(await h.run([['c', 59_000, 'x'], ['d', 66_000, 'x']])).toEqual([[2, 'x', 60_000]]);
  });

  it('sees user UDFs, under its own table name', async () => {
    const Shout = defineScalar({ name: 'Shout', signatures: [{ params: ['STRING'], returns: 'STRING' }], eval: (s: string | null) => (s === null ? null : `${s.toUpperCase()}!`) });
    const h = await openTransformer(
      {
        transformation_class: 'SQLTransformer',
        transformation_arguments: {
          tableName: 'bookings',
          sqlQuery: "SELECT Shout(data2) AS loud, COUNT(*) AS n, TUMBLE_START(rowtime, INTERVAL '1' MINUTE) AS ws FROM bookings GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE), Shout(data2)",
        },
      },
      input,
      { userFunctions: [Shout] },
    );
    await h.run([['a', 1_000, 'x'], ['b', 2_000, 'x'], ['c', 3_000, 'y']]);
    expect(await h.watermark(Infinity)).toEqual([
      ['X!', 2, 0],
      ['Y!', 1, 0],
    ]);
  });

  it('keeps open windows across a restart from a checkpoint', async () => {
    const config = { transformation_class: 'SQLTransformer', transformation_arguments: { sqlQuery: docsQuery } };
    const a = await openTransformer(config, input);
    await a.run([['a', 0, 'x'], ['b', 10_000, 'x']]);
    const saved = structuredClone(a.stage.snapshot!());
    const b = await openTransformer(config, input);
    b.stage.restore!(saved);
    expect(await b.run([['c', 20_000, 'x'], ['d', 70_000, 'x']])).toEqual([[3, 'x', 60_000]]);
  });

  it('passes on inserts and new values of an updating query, not retractions', async () => {
    const h = await openTransformer({ transformation_class: 'SQLTransformer', transformation_arguments: { sqlQuery: 'SELECT data2, COUNT(*) AS n FROM data_stream GROUP BY data2' } }, input);
    // Each micro-batch emits the latest value of each group it changed (Dirk's mini-batch aggregation).
    expect(await h.run([['a', 0, 'x'], ['b', 0, 'y']])).toEqual([
      ['x', 1],
      ['y', 1],
    ]);
    expect(await h.run([['c', 0, 'x']])).toEqual([['x', 2]]);
  });

  it('reports SQL errors with the argument and the position', async () => {
    await expect(openTransformer({ transformation_class: 'SQLTransformer', transformation_arguments: { sqlQuery: 'SELECT nope FROM data_stream' } }, input)).rejects.toThrow(
      /transformers\[0\]\.transformation_arguments\.sqlQuery \(SQLTransformer\): SQL error at line 1, column 8: column 'nope' not found/,
    );
    await expect(openTransformer({ transformation_class: 'SQLTransformer', transformation_arguments: {} }, input)).rejects.toThrow(/sqlQuery \(SQLTransformer\): expected a string \(required\)/);
    await expect(openTransformer({ transformation_class: 'SQLTransformer', transformation_arguments: { sqlQuery: 'SELECT * FROM data_stream' } }, fields({ rowtime: 'BIGINT' }))).rejects.toThrow(
      /expected a TIMESTAMP column named rowtime/,
    );
  });
});

describe('the examples of the definitions (docs/transformers.md)', () => {
  for (const def of builtinTransformers) {
    for (const ex of def.examples ?? []) {
      if (!ex.input || !ex.output) continue;
      it(`${def.name}: ${ex.title}`, async () => {
        const h = await openTransformer(ex.config, fields(Object.fromEntries(ex.input!.columns.map((c) => [c.name, String(c.type)]))), { registry, sinkProtoMessage: BOOKING });
        const out = [...(await h.run(ex.input!.rows.map((r) => [...r]))), ...(await h.watermark(Infinity))];
        expect(out.slice(0, ex.output!.length)).toEqual(ex.output);
      });
    }
  }
});
