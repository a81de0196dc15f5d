import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainJob } from '../../../src/api/index.js';
import { ConfigErrors, parseJobConfig } from '../../../src/config/index.js';
import { RowKind, T } from '../../../src/core/types.js';
import { scriptToConfig } from '../../../src/job/sql-script.js';
import { createJsonChangelogEncoder, jsonKeySpec } from '../../../src/connectors/kafka/json-changelog.js';
import { createUpsertRecords } from '../../../src/connectors/kafka/upsert-records.js';
import { createJsonRowDecoder } from '../../../src/schema/index.js';

/** 'upsert-kafka' in SQL scripts and its job keys: the options Flink has, its checks, and the record layout. */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dirk-upsert-script-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const K = `'properties.bootstrap.servers' = 'k:9092'`;
const script = (source: string): string => `CREATE TABLE users ${source};
CREATE TABLE per_region (region STRING, n BIGINT, PRIMARY KEY (region) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = 'c', ${K}, 'key.format' = 'json', 'value.format' = 'json');
INSERT INTO per_region SELECT region, COUNT(*) FROM users GROUP BY region;
`;
const GOOD = `(k_id STRING, region STRING, PRIMARY KEY (k_id) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = 'u', ${K}, 'key.format' = 'json', 'value.format' = 'json', 'key.fields-prefix' = 'k_', 'value.fields-include' = 'EXCEPT_KEY')`;

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe("'upsert-kafka' in a SQL script", () => {
  it('maps a source table to the SOURCE_KAFKA_UPSERT_* keys, read from the earliest offset, and the sink to SINK_KAFKA_JSON_KEY', () => {
    const cfg = scriptToConfig(script(GOOD));
    const stream = (cfg['STREAMS'] as Record<string, unknown>[])[0]!;
    expect(stream).toMatchObject({
      SOURCE_KAFKA_TOPIC_NAMES: 'u',
      SOURCE_KAFKA_UPSERT_KEY: 'k_id',
      SOURCE_KAFKA_UPSERT_KEY_FIELDS_PREFIX: 'k_',
      SOURCE_KAFKA_UPSERT_VALUE_FIELDS_INCLUDE: 'EXCEPT_KEY',
      SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET: 'earliest',
    });
    expect(cfg).toMatchObject({ SINK_KAFKA_JSON_CHANGELOG: 'UPSERT', SINK_KAFKA_JSON_KEY: 'region', SINK_KAFKA_JSON_VALUE_FIELDS_INCLUDE: 'ALL' });
    const parsed = parseJobConfig(cfg, { sqlScript: true }).config;
    expect(parsed.streams[0]!.kafka!.upsert).toEqual({ key: ['k_id'], keyPrefix: 'k_', valueFieldsInclude: 'EXCEPT_KEY' });
  });

  it('explains a ChangelogNormalize over the scan of an upsert table', async () => {
    const p = join(dir, 'explain.sql');
    await writeFile(p, script(GOOD));
    const text = await explainJob(p);
    expect(text).toContain('ChangelogNormalize(key=[k_id])');
    expect(text).toMatch(/GroupAggregate\[1 key, retracting input\].*\n.*ChangelogNormalize\[key=k_id\]; state: last row by key \(checkpointed\)/);
  });

  it('refuses windows over an upsert table (updating), naming the table and position', async () => {
    const p = join(dir, 'window.sql');
    await writeFile(
      p,
      `CREATE TABLE rates (currency STRING, rate DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts, PRIMARY KEY (currency) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = 'r', ${K}, 'key.format' = 'json', 'value.format' = 'json');
CREATE TABLE o (currency STRING, n BIGINT) WITH ('connector' = 'kafka', 'topic' = 'c', ${K}, 'format' = 'json');
INSERT INTO o SELECT currency, COUNT(*) FROM TABLE(TUMBLE(TABLE rates, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY currency, window_start, window_end;
`,
    );
    await expect(explainJob(p)).rejects.toThrow(/line 4, column \d+: the window table function TUMBLE needs an append-only input; rates is updating/);
  });

  it("refuses a table without PRIMARY KEY with Flink's message, naming the table", () => {
    const e = errorOf(() => scriptToConfig(script(`(id STRING, region STRING) WITH ('connector' = 'upsert-kafka', 'topic' = 'u', ${K}, 'key.format' = 'json', 'value.format' = 'json')`)));
    expect(e.message).toContain("CREATE TABLE users: 'upsert-kafka' tables require to define a PRIMARY KEY constraint");
    expect(e.message).toMatch(/line 1, column \d+/);
  });

  it("refuses a key prefix with 'value.fields-include' = 'ALL', an unprefixed key column, a missing format and scan.startup.mode", () => {
    const src = (extra: string, cols = '(k_id STRING, region STRING, PRIMARY KEY (k_id) NOT ENFORCED)'): string =>
      `${cols} WITH ('connector' = 'upsert-kafka', 'topic' = 'u', ${K}${extra})`;
    const formats = `, 'key.format' = 'json', 'value.format' = 'json'`;
    expect(errorOf(() => scriptToConfig(script(src(`${formats}, 'key.fields-prefix' = 'k_'`)))).message).toContain(
      "a key prefix is not allowed when option 'value.fields-include' is set to 'ALL'. Set it to 'EXCEPT_KEY' instead to avoid field overlaps",
    );
    expect(
      errorOf(() => scriptToConfig(script(src(`${formats}, 'key.fields-prefix' = 'x_', 'value.fields-include' = 'EXCEPT_KEY'`)))).message,
    ).toContain("all fields in the key must be prefixed with 'x_'");
    expect(errorOf(() => scriptToConfig(script(src(`, 'value.format' = 'json'`)))).message).toContain("'key.format' is required");
    expect(errorOf(() => scriptToConfig(script(src(`, 'key.format' = 'avro', 'value.format' = 'json'`)))).message).toContain("'key.format' = 'avro' is not supported; use 'json'");
    expect(errorOf(() => scriptToConfig(script(src(`${formats}, 'scan.startup.mode' = 'latest-offset'`)))).message).toContain("option 'scan.startup.mode' is not supported");
  });
});

describe('SOURCE_KAFKA_UPSERT_* and SINK_KAFKA_JSON_KEY in a job config', () => {
  const stream = (extra: Record<string, unknown>): Record<string, unknown> => ({
    FLINK_SQL_QUERY: 'SELECT id FROM t',
    SINK_TYPE: 'log',
    STREAMS: [
      {
        INPUT_SCHEMA_TABLE: 't',
        INPUT_DATATYPE: 'JSON',
        INPUT_SCHEMA_JSON_SCHEMA: '{"type":"object","properties":{"id":{"type":"string"},"ts":{"type":"string"}}}',
        INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'ts',
        SOURCE_KAFKA_TOPIC_NAMES: 't',
        SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: 'k:9092',
        SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: 'g',
        ...extra,
      },
    ],
  });
  it('reads the key columns', () => {
    expect(parseJobConfig(stream({ SOURCE_KAFKA_UPSERT_KEY: 'id' })).config.streams[0]!.kafka!.upsert).toEqual({ key: ['id'], keyPrefix: '', valueFieldsInclude: 'ALL' });
  });
  it('names the key of a prefix given with ALL, and of a prefix without key columns', () => {
    const e1 = errorOf(() => parseJobConfig(stream({ SOURCE_KAFKA_UPSERT_KEY: 'k_id', SOURCE_KAFKA_UPSERT_KEY_FIELDS_PREFIX: 'k_' })));
    expect(e1).toBeInstanceOf(ConfigErrors);
    expect(e1.message).toContain('STREAMS[0].SOURCE_KAFKA_UPSERT_KEY_FIELDS_PREFIX');
    const e2 = errorOf(() => parseJobConfig(stream({ SOURCE_KAFKA_UPSERT_VALUE_FIELDS_INCLUDE: 'EXCEPT_KEY' })));
    expect(e2.message).toContain('STREAMS[0].SOURCE_KAFKA_UPSERT_KEY');
  });
});

describe('upsert records', () => {
  const table = { name: 'users', columns: [{ name: 'k_id', type: T.STRING }, { name: 'region', type: T.STRING }], rowtimeIndex: undefined };
  const value = createJsonRowDecoder(table);
  it('decodes a value as +U (key columns from the record key with EXCEPT_KEY) and a tombstone as a key-only -D', () => {
    const r = createUpsertRecords(table, { key: ['k_id'], keyPrefix: 'k_', valueFieldsInclude: 'EXCEPT_KEY' });
    expect(r.decode(Buffer.from('{"id":"u1"}'), Buffer.from('{"region":"eu"}'), value)).toEqual({ row: ['u1', 'eu'], kind: RowKind.UpdateAfter });
    expect(r.decode(Buffer.from('{"id":"u1"}'), null, value)).toEqual({ row: ['u1', null], kind: RowKind.Delete });
    expect(() => r.decode(null, Buffer.from('{"region":"eu"}'), value)).toThrow('record has no key');
    expect(() => r.decode(Buffer.from('not json'), null, value)).toThrow(/^record key: /);
  });
});

describe('upsert sink records keyed by SINK_KAFKA_JSON_KEY', () => {
  const columns = [{ name: 'r_region', type: T.STRING }, { name: 'n', type: T.BIGINT }];
  it('writes the key without its prefix, the value without the key (EXCEPT_KEY), drops a replaced -U and writes -D as a tombstone', () => {
    const key = jsonKeySpec(columns, { columns: ['r_region'], prefix: 'r_', valueFieldsInclude: 'EXCEPT_KEY' });
    const enc = createJsonChangelogEncoder(columns, { mode: 'UPSERT', key });
    const out = enc(
      [['eu', 1], ['eu', 1], ['eu', 2], ['us', 5]],
      [RowKind.Insert, RowKind.UpdateBefore, RowKind.UpdateAfter, RowKind.Delete],
    ).map((r) => [r.key?.toString() ?? null, r.value?.toString() ?? null]);
    expect(out).toEqual([
      ['{"region":"eu"}', '{"n":1}'],
      ['{"region":"eu"}', '{"n":2}'],
      ['{"region":"us"}', null],
    ]);
  });
  it('names a key column the result lacks', () => {
    expect(() => jsonKeySpec(columns, { columns: ['city'], prefix: '', valueFieldsInclude: 'ALL' })).toThrow('SINK_KAFKA_JSON_KEY: the result has no column city (columns: r_region, n)');
  });
});

describe('an upsert stream that is not JSON', () => {
  it('names INPUT_DATATYPE', () => {
    const e = errorOf(() =>
      parseJobConfig({
        FLINK_SQL_QUERY: 'SELECT id FROM t',
        SINK_TYPE: 'log',
        STREAMS: [
          {
            INPUT_SCHEMA_TABLE: 't',
            INPUT_SCHEMA_PROTO_CLASS: 'x.Y',
            INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX: 2,
            SOURCE_KAFKA_TOPIC_NAMES: 't',
            SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: 'k:9092',
            SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: 'g',
            SOURCE_KAFKA_UPSERT_KEY: 'id',
          },
        ],
      }),
    );
    expect(e.message).toContain('STREAMS[0].INPUT_DATATYPE: expected JSON for an upsert stream');
  });
});
