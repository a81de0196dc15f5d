import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDescriptorSet, loadProtoFiles, startStencilServer, type StencilServer } from '../../src/schema/index.js';
import { kafkaStream, metricsUrl, writeJobFile } from '../helpers/jobs.js';
import { closeKafkaHelpers, consumeN, createTopics, kafkaBootstrap, produce, uniqueTopic } from '../helpers/kafka.js';
import { startCli, type RunningCli } from '../helpers/process.js';

/**
 * Live schema refresh through a running job (the CLI as a child process), against the real broker and a
 * local Stencil-compatible server: the job starts on v1; v2 adds a field and an enum value; without a
 * restart the new enum value decodes by name (the WHERE clause selects it by name) and the SELECT *
 * pass-through carries the new field to the sink. Then v3 changes the type of a column the query reads:
 * reported (metric + warning) and the job keeps running on v2.
 */
const V1 = `syntax = "proto3";
package dirk.it;
import "google/protobuf/timestamp.proto";
enum Status { S_UNKNOWN = 0; CREATED = 1; DONE = 2; }
message Order {
  string order_number = 1;
  Status status = 2;
  int64 amount = 3;
  google.protobuf.Timestamp event_timestamp = 4;
}
`;
const V2 = V1.replace('DONE = 2;', 'DONE = 2; REFUNDED = 3;').replace('event_timestamp = 4;', 'event_timestamp = 4;\n  string channel = 5;');
const V3 = V2.replace('int64 amount = 3;', 'string amount = 3;');

const dir = mkdtempSync(join(tmpdir(), 'dirk-refresh-'));
let server: StencilServer;
let OrderV1: protobuf.Type;
let OrderV2: protobuf.Type;
const sets: Record<string, Uint8Array> = {};

function protoDir(name: string, text: string): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'order.proto'), text);
  return d;
}

beforeAll(async () => {
  for (const [name, text] of Object.entries({ v1: V1, v2: V2, v3: V3 })) sets[name] = buildDescriptorSet([protoDir(name, text)]);
  OrderV1 = loadProtoFiles([join(dir, 'v1')]).lookupType('dirk.it.Order');
  OrderV2 = loadProtoFiles([join(dir, 'v2')]).lookupType('dirk.it.Order');
  server = await startStencilServer({ host: '127.0.0.1' });
});
afterAll(async () => {
  await server?.close();
  await closeKafkaHelpers();
});

const T0 = 1_767_258_000;
function order(type: protobuf.Type, o: Record<string, unknown>): Buffer {
  return Buffer.from(type.encode(type.fromObject(o)).finish());
}

function writeJob(name: string, input: string, output: string, schemaName: string, strategy: string): string {
  return writeJobFile(dir, name, {
    FLINK_JOB_ID: `it-refresh-${input}`,
    STREAMS: [kafkaStream({ table: 'orders', protoClass: 'dirk.it.Order', timestampIndex: '4', topic: input, groupId: `it-refresh-group-${input}` })],
    // REFUNDED is not a value of v1's enum: only a job that decodes it by name lets these rows through.
    FLINK_SQL_QUERY: "SELECT * FROM orders WHERE status = 'CREATED' OR status = 'REFUNDED'",
    FLINK_WATERMARK_INTERVAL_MS: '100',
    FLINK_CHECKPOINT_INTERVAL_MS: '500',
    SCHEMA_REGISTRY_STENCIL_ENABLE: 'true',
    SCHEMA_REGISTRY_STENCIL_URLS: server.schemaUrl('dirk', schemaName),
    SCHEMA_REGISTRY_STENCIL_CACHE_AUTO_REFRESH: 'true',
    SCHEMA_REGISTRY_STENCIL_CACHE_TTL_MS: '200',
    SCHEMA_REGISTRY_STENCIL_REFRESH_STRATEGY: strategy,
    SCHEMA_REGISTRY_STENCIL_FETCH_RETRIES: '2',
    SCHEMA_REGISTRY_STENCIL_FETCH_BACKOFF_MIN_MS: '100',
    SINK_TYPE: 'kafka',
    SINK_KAFKA_BROKERS: kafkaBootstrap(),
    SINK_KAFKA_TOPIC: output,
    SINK_KAFKA_DATA_TYPE: 'PROTO',
    SINK_KAFKA_PROTO_MESSAGE: 'dirk.it.Order',
    METRIC_TELEMETRY_ENABLE: 'true',
    METRICS_PORT: '0',
  });
}

async function scrape(cli: RunningCli): Promise<string> {
  return fetch(await metricsUrl(cli, 5000)).then((r) => r.text());
}

const decodeV2 = (records: { value: Buffer | null }[]) =>
  records.map((r) => OrderV2.toObject(OrderV2.decode(r.value!), { longs: String, enums: String, defaults: false }));

describe.concurrent('live schema refresh through a running job', () => {
  it.each(['VERSION_BASED_REFRESH', 'LONG_POLLING'])('%s: new enum value by name and the new field carried through, then an incompatible change reported', async (strategy) => {
    const input = uniqueTopic('it-refresh-in');
    const output = uniqueTopic('it-refresh-out');
    const schemaName = `orders-${input}`;
    await createTopics([input, output], 1);
    server.publish('dirk', schemaName, sets['v1']!);
    await produce(input, [
      { value: order(OrderV1, { order_number: 'o1', status: 'CREATED', amount: 10, event_timestamp: { seconds: T0 } }) },
      { value: order(OrderV1, { order_number: 'o2', status: 'DONE', amount: 11, event_timestamp: { seconds: T0 + 1 } }) },
    ]);
    const cli = startCli(['run', writeJob(`job-${input}`, input, output, schemaName, strategy)]);
    try {
      await cli.waitForLine('pass-through job: records of table orders reach the sink as their original bytes', { timeoutMs: 20_000 });
      // running on v1
      expect(decodeV2(await consumeN(output, 1, 20_000))).toEqual([{ order_number: 'o1', status: 'CREATED', amount: '10', event_timestamp: { seconds: String(T0) } }]);

      // v2: a new enum value and a new field
      server.publish('dirk', schemaName, sets['v2']!);
      const applied = await cli.waitForLine(/schema refreshed: decoding with the new version/, { timeoutMs: 10_000 });
      expect(applied).toContain('table=orders protoClass=dirk.it.Order generation=2 newFields=["channel"]');
      await produce(input, [
        { value: order(OrderV2, { order_number: 'o3', status: 'REFUNDED', amount: '9007199254740993', event_timestamp: { seconds: T0 + 2 }, channel: 'app' }) },
        { value: order(OrderV2, { order_number: 'o4', status: 'DONE', amount: 12, event_timestamp: { seconds: T0 + 3 }, channel: 'web' }) },
        { value: order(OrderV2, { order_number: 'o5', status: 'CREATED', amount: 13, event_timestamp: { seconds: T0 + 4 }, channel: 'kiosk' }) },
      ]);
      expect(decodeV2(await consumeN(output, 3, 20_000))).toEqual([
        { order_number: 'o1', status: 'CREATED', amount: '10', event_timestamp: { seconds: String(T0) } },
        { order_number: 'o3', status: 'REFUNDED', amount: '9007199254740993', event_timestamp: { seconds: String(T0 + 2) }, channel: 'app' },
        { order_number: 'o5', status: 'CREATED', amount: '13', event_timestamp: { seconds: String(T0 + 4) }, channel: 'kiosk' },
      ]);

      // v3: `amount` (read by SELECT *) becomes a string: rejected and reported; the job stays on v2
      server.publish('dirk', schemaName, sets['v3']!);
      const rejected = await cli.waitForLine(/schema refresh rejected/, { timeoutMs: 10_000 });
      expect(rejected).toContain('WARN  schema refresh rejected: incompatible change to a column the query reads; the job keeps the schema it has');
      expect(rejected).toContain('table=orders protoClass=dirk.it.Order generation=3 problems=["type_changed: field amount changed type from BIGINT to STRING"]');
      const text = await scrape(cli);
      const job = `it-refresh-${input}`;
      for (const series of [
        `dirk_schema_refreshes_total{table="orders",status="applied",job="${job}"} 1`,
        `dirk_schema_refreshes_total{table="orders",status="rejected",job="${job}"} 1`,
        `dirk_schema_incompatible_changes_total{table="orders",reason="type_changed",job="${job}"} 1`,
      ]) {
        expect(text.split('\n'), series).toContain(series);
      }
      await produce(input, [{ value: order(OrderV2, { order_number: 'o6', status: 'REFUNDED', amount: 14, event_timestamp: { seconds: T0 + 5 }, channel: 'app' }) }]);
      expect(decodeV2(await consumeN(output, 4, 20_000))[3]).toEqual({
        order_number: 'o6',
        status: 'REFUNDED',
        amount: '14',
        event_timestamp: { seconds: String(T0 + 5) },
        channel: 'app',
      });
    } finally {
      const status = await cli.stop('SIGTERM', 20_000);
      expect(status.code, cli.stderr()).toBe(0);
    }
  });
});
