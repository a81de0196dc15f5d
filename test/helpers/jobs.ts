// Helpers for integration tests that run jobs through the CLI: job files, the example booking protos,
// and the job's /metrics page.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { kafkaBootstrap } from './kafka.js';
import { REPO_ROOT, type RunningCli } from './process.js';

/** protos/dirk/examples/booking.proto, with field names as written (Dirk's SQL names are the proto field names). */
export function loadBookingProtos(): Promise<protobuf.Root> {
  return new protobuf.Root().load(join(REPO_ROOT, 'protos/dirk/examples/booking.proto'), { keepCase: true });
}

/** A google.protobuf.Timestamp object for epoch ms. */
export function protoTimestamp(ms: number): { seconds: number; nanos: number } {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

/** A COMPLETED BookingLogMessage, encoded with `Booking` (its type from loadBookingProtos). */
export function encodeBooking(Booking: protobuf.Type, order: string, service: string, atMs: number, amount: number): Buffer {
  const msg = Booking.fromObject({
    order_number: order,
    service_type: service,
    status: 'COMPLETED',
    event_timestamp: protoTimestamp(atMs),
    order_amount: amount,
  });
  return Buffer.from(Booking.encode(msg).finish());
}

export interface KafkaStream {
  readonly table: string;
  readonly protoClass: string;
  /** INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX */
  readonly timestampIndex: string;
  readonly topic: string;
  readonly groupId: string;
}

/** One STREAMS entry: a table read from a topic of the test broker from the earliest offset, plus `extra` keys. */
export function kafkaStream(s: KafkaStream, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    INPUT_SCHEMA_TABLE: s.table,
    INPUT_SCHEMA_PROTO_CLASS: s.protoClass,
    INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX: s.timestampIndex,
    SOURCE_KAFKA_TOPIC_NAMES: s.topic,
    SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: kafkaBootstrap(),
    SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: s.groupId,
    SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET: 'earliest',
    SOURCE_DETAILS: [{ SOURCE_TYPE: 'UNBOUNDED', SOURCE_NAME: 'KAFKA_CONSUMER' }],
    ...extra,
  };
}

/** Writes the job config as `<dir>/<name>.json` and returns its path. */
export function writeJobFile(dir: string, name: string, config: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** The /metrics URL of a running job (METRICS_PORT 0), from its "metrics at ..." log line. */
export async function metricsUrl(cli: RunningCli, timeoutMs = 20_000): Promise<string> {
  const line = await cli.waitForLine(/metrics at (http\S+)/, { timeoutMs });
  return `${/metrics at (http\S+)/.exec(line)![1]!.replace(/\/metrics$/, '')}/metrics`;
}

/** A bounded JSONL FILE_SOURCE stream: string columns plus a date-time event-time field. */
export function jsonFileStream(table: string, path: string, columns: readonly string[], timeField: string): Record<string, unknown> {
  const properties: Record<string, unknown> = Object.fromEntries(columns.map((c) => [c, { type: 'string' }]));
  properties[timeField] = { type: 'string', format: 'date-time' };
  return {
    INPUT_SCHEMA_TABLE: table,
    INPUT_DATATYPE: 'JSON',
    INPUT_SCHEMA_JSON_SCHEMA: { type: 'object', properties },
    INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: timeField,
    SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'FILE_SOURCE' }],
    SOURCE_FILE_PATH: path,
    SOURCE_FILE_FORMAT: 'JSONL',
  };
}
