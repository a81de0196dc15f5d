import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDescriptorSet } from '../../src/schema/descriptor-registry.js';
import { protoTimestamp, writeJobFile } from '../helpers/jobs.js';
import { closeKafkaHelpers, consumeN, createTopics, kafkaBootstrap, produce, uniqueTopic } from '../helpers/kafka.js';
import { REPO_ROOT, runCli, startCli, type RunningCli } from '../helpers/process.js';

/**
 * Dagger's own transformer jobs through the CLI (`npm run build` first) and the real broker: the quickstart's
 * deduplication job (its local.properties with only hosts, topic and group replaced, and the metrics port set
 * to 0), and the examples of Dagger's transformer reference page with their post-processor configs as
 * published, over a proto holding the columns they name.
 */
const dir = mkdtempSync(join(tmpdir(), 'dirk-dagger-tr-'));
const PROTO_DIR = join(REPO_ROOT, 'protos/dirk/test/dagger');
let stencil: Server;
let stencilHost: string;
let root: protobuf.Root;

beforeAll(async () => {
  // Dagger's quickstart serves a descriptor set file at http://stencil:2917/file.desc; so does this server.
  const descriptors = buildDescriptorSet([PROTO_DIR]);
  stencil = createServer((req, res) => {
    if (req.url === '/file.desc') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(descriptors);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => stencil.listen(0, '127.0.0.1', r));
  stencilHost = `127.0.0.1:${(stencil.address() as AddressInfo).port}`;
  root = await new protobuf.Root().load([join(PROTO_DIR, 'booking_log.proto'), join(PROTO_DIR, 'docs_example.proto')], { keepCase: true });
});
afterAll(async () => {
  await new Promise<void>((r) => stencil.close(() => r()));
  await closeKafkaHelpers();
});

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("Dagger's quickstart deduplication job", () => {
  it('prints each order_number once', async () => {
    const topic = uniqueTopic('dagger-test-topic-v1');
    await createTopics([topic], 1);
    const text = readFileSync(join(REPO_ROOT, 'test/fixtures/dagger-quickstart-jobs/deduplication-transformer/local.properties'), 'utf8')
      .replaceAll('kafka:29094', kafkaBootstrap())
      .replaceAll('stencil:2917', stencilHost)
      .replaceAll('dagger-test-topic-cgroup-v1', `${topic}-cgroup`)
      .replaceAll('dagger-test-topic-v1', topic);
    const job = join(dir, 'quickstart-dedup.properties');
    writeFileSync(job, `${text}\nMETRICS_PORT=0\n`);

    const validated = await runCli(['validate', job], { timeoutMs: 40_000 });
    expect(validated.code, validated.stderr).toBe(0);

    // The quickstart's feeder: sample_message.txt with the time, a random service type and customer suffix.
    const Booking = root.lookupType('com.gotocompany.dagger.consumer.TestBookingLogMessage');
    const message = (order: string, customer: string, service: string): Buffer =>
      Buffer.from(
        Booking.encode(
          Booking.fromObject({
            service_type: service,
            order_number: order,
            event_timestamp: protoTimestamp(Math.floor(Date.now() / 1000) * 1000),
            customer_id: `customer-${customer}`,
            driver_pickup_location: { latitude: 19.075983, longitude: 72.877655 },
            driver_dropoff_location: { latitude: 19.237188, longitude: 72.844139 },
          }),
        ).finish(),
      );

    const cli: RunningCli = startCli(['run', '--checkpoint-dir', join(dir, 'ckpt-quickstart'), job]);
    const rows = (order: string): string[] => cli.stdout().split('\n').filter((l) => l.includes(`order_number=${order}`));
    try {
      await cli.waitForLine('partitions assigned', { timeoutMs: 30_000 });
      // SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET=latest: feed until the job has seen one (duplicates are dropped anyway).
      let n = 0;
      await until('the first ynnhjv45 row', async () => {
        await produce(topic, [{ value: message('ynnhjv45', `a${n++}`, 'FLIGHT') }]);
        return rows('ynnhjv45').length > 0;
      });
      await produce(topic, [{ value: message('ynnhjv45', 'zzz', 'BUS') }, { value: message('k2m9p0', 'b01', 'TRAIN') }, { value: message('ynnhjv45', 'yyy', 'TRAIN') }]);
      await until('the k2m9p0 row', () => rows('k2m9p0').length > 0);
      // Exactly one: the first the job read (with offset reset latest, an early feed may come before its start offset).
      expect(rows('ynnhjv45')).toHaveLength(1);
      expect(rows('ynnhjv45')[0]).toMatch(/^\+I \{order_number=ynnhjv45, customer_id=customer-a\d+\}$/);
      expect(rows('k2m9p0')).toEqual(['+I {order_number=k2m9p0, customer_id=customer-b01}']);
    } finally {
      const status = await cli.stop('SIGTERM', 20_000);
      expect(status.code, cli.stderr()).toBe(0);
    }
  });
});

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

interface Example {
  readonly name: string;
  readonly udfFolder?: string;
  readonly table?: string;
  readonly sql: string;
  readonly post?: unknown;
  readonly pre?: unknown;
  /** Kafka PROTO sink with this message (HashTransformer resolves paths against it); JSON otherwise. */
  readonly sinkProto?: string;
}

function exampleJob(e: Example, input: string, output: string): string {
  return writeJobFile(dir, e.name, {
    FLINK_JOB_ID: `it-dagger-docs-${e.name}-${input}`,
    STREAMS: [
      {
        INPUT_SCHEMA_TABLE: e.table ?? 'data_stream',
        INPUT_SCHEMA_PROTO_CLASS: 'dirk.test.dagger.DocsEvent',
        INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX: '1',
        SOURCE_KAFKA_TOPIC_NAMES: input,
        SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: kafkaBootstrap(),
        SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: `it-dagger-docs-${input}`,
        SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET: 'earliest',
      },
    ],
    FLINK_SQL_QUERY: e.sql,
    FLINK_WATERMARK_DELAY_MS: '0',
    FLINK_ROWTIME_ATTRIBUTE_NAME: 'rowtime',
    SCHEMA_REGISTRY_STENCIL_ENABLE: 'true',
    SCHEMA_REGISTRY_STENCIL_URLS: `http://${stencilHost}/file.desc`,
    METRIC_TELEMETRY_ENABLE: 'false',
    ...(e.udfFolder ? { UDF_FOLDERS: e.udfFolder } : {}),
    ...(e.pre ? { PROCESSOR_PREPROCESSOR_ENABLE: 'true', PROCESSOR_PREPROCESSOR_CONFIG: JSON.stringify(e.pre) } : {}),
    ...(e.post ? { PROCESSOR_POSTPROCESSOR_ENABLE: 'true', PROCESSOR_POSTPROCESSOR_CONFIG: JSON.stringify(e.post) } : {}),
    SINK_TYPE: 'kafka',
    SINK_KAFKA_BROKERS: kafkaBootstrap(),
    SINK_KAFKA_TOPIC: output,
    ...(e.sinkProto ? { SINK_KAFKA_DATA_TYPE: 'PROTO', SINK_KAFKA_PROTO_MESSAGE: e.sinkProto } : { SINK_KAFKA_DATA_TYPE: 'JSON' }),
  });
}

interface DocsEventValue {
  readonly at: number;
  readonly data1: string;
  readonly data2: string;
  readonly features?: number;
}

function docsEvent(v: DocsEventValue): Buffer {
  const Event = root.lookupType('dirk.test.dagger.DocsEvent');
  return Buffer.from(
    Event.encode(
      Event.fromObject({ event_timestamp: protoTimestamp(v.at), data1: v.data1, data2: v.data2, features: v.features ?? 0, test_data: { data1: `secret-${v.data1}`, data2: v.data2 } }),
    ).finish(),
  );
}

/** Runs the example's job over `records` until `count` output records arrived; returns their values. */
async function runExample(e: Example, records: readonly Buffer[], count: number): Promise<Buffer[]> {
  const input = uniqueTopic(`it-dagger-docs-${e.name}-in`);
  const output = uniqueTopic(`it-dagger-docs-${e.name}-out`);
  await createTopics([input, output], 1);
  await produce(input, records.map((value) => ({ value })));
  const cli = startCli(['run', '--checkpoint-dir', join(dir, `ckpt-${e.name}`), exampleJob(e, input, output)]);
  try {
    return (await consumeN(output, count, 40_000)).map((m) => m.value!);
  } finally {
    const status = await cli.stop('SIGTERM', 20_000);
    expect(status.code, cli.stderr()).toBe(0);
  }
}

const json = (values: readonly Buffer[]): unknown[] => values.map((v) => JSON.parse(v.toString('utf8')) as unknown);
const ALL_COLUMNS = { internal_source: [{ output_field: '*', value: '*', type: 'sql' }] };

describe("the examples of Dagger's transformer reference page", () => {
  it('ClearColumnTransformer', async () => {
    const out = await runExample(
      {
        name: 'clear-column',
        sql: 'SELECT event_timestamp, data1, data2 FROM data_stream',
        post: { ...ALL_COLUMNS, transformers: [{ transformation_class: 'ClearColumnTransformer', transformation_arguments: { targetColumnName: 'data1' } }] },
      },
      [docsEvent({ at: T0, data1: 'a', data2: 'x' })],
      1,
    );
    expect(json(out)).toEqual([{ event_timestamp: { seconds: T0 / 1000, nanos: 0 }, data1: '', data2: 'x' }]);
  });

  it('DeDuplicationTransformer', async () => {
    const out = await runExample(
      {
        name: 'dedup',
        sql: 'SELECT data1, data2 FROM data_stream',
        post: {
          internal_source: [
            { output_field: 'data1', value: 'data1', type: 'sql' },
            { output_field: 'data2', value: 'data2', type: 'sql' },
          ],
          transformers: [{ transformation_arguments: { key_column: 'data1', ttl_in_seconds: '3600' }, transformation_class: 'DeDuplicationTransformer' }],
        },
      },
      [docsEvent({ at: T0, data1: 'a', data2: 'x' }), docsEvent({ at: T0 + 1, data1: 'a', data2: 'y' }), docsEvent({ at: T0 + 2, data1: 'b', data2: 'z' }), docsEvent({ at: T0 + 3, data1: 'a', data2: 'w' })],
      2,
    );
    expect(json(out)).toEqual([
      { data1: 'a', data2: 'x' },
      { data1: 'b', data2: 'z' },
    ]);
  });

  it('FeatureTransformer', async () => {
    const out = await runExample(
      {
        name: 'feature',
        sql: 'SELECT data1, features FROM data_stream',
        post: { ...ALL_COLUMNS, transformers: [{ transformation_arguments: { keyColumnName: 'data1', valueColumnName: 'features' }, transformation_class: 'FeatureTransformer' }] },
      },
      [docsEvent({ at: T0, data1: 'trips', data2: 'x', features: 7 })],
      1,
    );
    const [row] = json(out) as { data1: string; features: { name: string; key: string; value: Record<string, unknown> }[] }[];
    expect(row!.data1).toBe('trips');
    expect(row!.features).toHaveLength(1);
    expect(row!.features[0]).toMatchObject({ name: 'trips', key: 'trips', value: { int32_val: 7 } });
  });

  it('FeatureWithTypeTransformer (the page names the wrong class: a clear error; with FeatureWithTypeTransformer it runs)', async () => {
    const post = (cls: string) => ({
      internal_source: [
        { output_field: 'features', value: 'test', type: 'constant' },
        { output_field: 'data1', value: 'data1', type: 'sql' },
        { output_field: 'data2', value: 'data2', type: 'sql' },
      ],
      transformers: [{ transformation_class: cls, transformation_arguments: { outputColumnName: 'features', data: [{ keyColumnName: 'data1', valueColumnName: 'data2', type: 'StringType' }] } }],
    });
    const e = { name: 'feature-with-type', sql: 'SELECT data1, data2 FROM data_stream' };
    const asPublished = await runCli(['validate', exampleJob({ ...e, post: post('FeatureTransformer') }, 'unused', 'unused')], { timeoutMs: 40_000 });
    expect(asPublished.code).toBe(2);
    expect(asPublished.stderr).toContain(
      'PROCESSOR_POSTPROCESSOR_CONFIG.transformers[0].transformation_arguments.keyColumnName (FeatureTransformer): expected keyColumnName and valueColumnName (outputColumnName and data are the arguments of FeatureWithTypeTransformer',
    );
    const out = await runExample({ ...e, post: post('FeatureWithTypeTransformer') }, [docsEvent({ at: T0, data1: 'd1', data2: 'hello' })], 1);
    const [row] = json(out) as { features: { name: string; value: Record<string, unknown> }[]; data1: string; data2: string }[];
    expect(row).toMatchObject({ data1: 'd1', data2: 'hello' });
    expect(row!.features).toHaveLength(1);
    expect(row!.features[0]).toMatchObject({ name: 'd1', value: { string_val: 'hello' } });
  });

  it('HashTransformer (a nested path, resolved against SINK_KAFKA_PROTO_MESSAGE)', async () => {
    const out = await runExample(
      {
        name: 'hash',
        sql: 'SELECT event_timestamp, test_data FROM data_stream',
        post: { ...ALL_COLUMNS, transformers: [{ transformation_class: 'HashTransformer', transformation_arguments: { maskColumns: ['test_data.data1'] } }] },
        sinkProto: 'dirk.test.dagger.DocsEvent',
      },
      [docsEvent({ at: T0, data1: 'a', data2: 'x' })],
      1,
    );
    const Event = root.lookupType('dirk.test.dagger.DocsEvent');
    const decoded = Event.toObject(Event.decode(out[0]!), { longs: Number }) as { test_data: { data1: string; data2: string } };
    const { createHash } = await import('node:crypto');
    expect(decoded.test_data).toEqual({ data1: createHash('sha256').update('secret-a').digest('hex'), data2: 'x' });
  });

  it('InvalidRecordFilterTransformer (pre-processor, arguments as published)', async () => {
    const out = await runExample(
      {
        name: 'invalid-filter',
        table: 'testtable',
        sql: 'SELECT data1, data2, event_timestamp FROM testtable',
        pre: { table_transformers: [{ table_name: 'testtable', transformers: [{ transformation_class: 'InvalidRecordFilterTransformer', transformation_arguments: 'testtable' }] }] },
      },
      [docsEvent({ at: T0, data1: 'a', data2: 'x' }), Buffer.from([0xff, 0xff, 0xff]), docsEvent({ at: T0 + 1, data1: 'b', data2: 'y' })],
      2,
    );
    expect((json(out) as { data1: string }[]).map((r) => r.data1)).toEqual(['a', 'b']);
  });

  it('SQLTransformer (a one-minute window over rowtime)', async () => {
    const out = await runExample(
      {
        name: 'sql',
        sql: 'SELECT data1, data2, rowtime FROM data_stream',
        post: {
          internal_source: [
            { output_field: 'data1', value: 'data1', type: 'sql' },
            { output_field: 'rowtime', value: 'rowtime', type: 'sql' },
            { output_field: 'data2', value: 'data2', type: 'sql' },
          ],
          transformers: [
            {
              transformation_class: 'SQLTransformer',
              transformation_arguments: {
                sqlQuery:
                  "SELECT count(distinct data1) AS `count`, data2, TUMBLE_END(rowtime, INTERVAL '60' SECOND) AS event_timestamp FROM data_stream group by TUMBLE (rowtime, INTERVAL '60' SECOND), data2",
              },
            },
          ],
        },
      },
      [
        docsEvent({ at: T0, data1: 'a', data2: 'x' }),
        docsEvent({ at: T0 + 10_000, data1: 'b', data2: 'x' }),
        docsEvent({ at: T0 + 20_000, data1: 'a', data2: 'x' }),
        docsEvent({ at: T0 + 30_000, data1: 'c', data2: 'y' }),
        docsEvent({ at: T0 + 61_000, data1: 'd', data2: 'x' }),
      ],
      2,
    );
    const end = new Date(T0 + 60_000).toISOString();
    expect(json(out)).toEqual([
      { count: 2, data2: 'x', event_timestamp: end },
      { count: 1, data2: 'y', event_timestamp: end },
    ]);
  });

  it('SQLTransformer sees user UDFs from UDF_FOLDERS (opened before the first record)', async () => {
    const folder = join(dir, 'udfs');
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, 'weight.ts'),
      `import { defineScalar } from 'dirk/udf';
let factor = 0;
export const Weight = defineScalar({
  name: 'Weight',
  signatures: [{ params: ['STRING'], returns: 'INT' }],
  open: () => { factor = 10; },
  eval: (s: string | null) => (s === null ? null : s.length * factor),
});
`,
    );
    const out = await runExample(
      {
        name: 'sql-udf',
        udfFolder: folder,
        sql: 'SELECT data1, data2, rowtime FROM data_stream',
        post: {
          internal_source: [{ output_field: '*', value: '*', type: 'sql' }],
          transformers: [
            {
              transformation_class: 'com.gotocompany.dagger.functions.transformers.SQLTransformer',
              transformation_arguments: {
                sqlQuery: "SELECT data2, SUM(Weight(data1)) AS weight, TUMBLE_END(rowtime, INTERVAL '60' SECOND) AS window_end FROM data_stream GROUP BY TUMBLE(rowtime, INTERVAL '60' SECOND), data2",
                allowedLatenessInMs: '1000',
              },
            },
          ],
        },
      },
      [docsEvent({ at: T0, data1: 'ab', data2: 'x' }), docsEvent({ at: T0 + 5_000, data1: 'abc', data2: 'x' }), docsEvent({ at: T0 + 62_000, data1: 'a', data2: 'x' })],
      1,
    );
    expect(json(out)).toEqual([{ data2: 'x', weight: 50, window_end: new Date(T0 + 60_000).toISOString() }]);
  });
});
