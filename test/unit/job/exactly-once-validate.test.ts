import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateJob } from '../../../src/api/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dirk-eos-validate-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const orders = path.join(dir, 'orders.jsonl');
fs.writeFileSync(orders, '{"name":"a","amount":1,"ts":"2026-01-01T09:00:00Z"}\n');

const kafkaSink = { SINK_TYPE: 'kafka', SINK_KAFKA_BROKERS: '127.0.0.1:9092', SINK_KAFKA_TOPIC: 'out', SINK_KAFKA_DATA_TYPE: 'JSON', SINK_KAFKA_DELIVERY_GUARANTEE: 'EXACTLY_ONCE' };

const config = (sourceType: 'BOUNDED', extra: Record<string, unknown>) => ({
  FLINK_JOB_ID: 'eos-validate',
  METRIC_TELEMETRY_ENABLE: false,
  FLINK_SQL_QUERY: 'SELECT name, amount FROM orders',
  STREAMS: [
    {
      INPUT_SCHEMA_TABLE: 'orders',
      INPUT_DATATYPE: 'JSON',
      INPUT_SCHEMA_JSON_SCHEMA: JSON.stringify({ type: 'object', properties: { name: { type: 'string' }, amount: { type: 'integer' }, ts: { type: 'string', format: 'date-time' } } }),
      INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'ts',
      SOURCE_DETAILS: [{ SOURCE_TYPE: sourceType, SOURCE_NAME: 'FILE_SOURCE' }],
      SOURCE_FILE_PATH: orders,
    },
  ],
  ...extra,
});

const failure = (p: Promise<unknown>): Promise<string> => p.then(() => 'no error', (e: unknown) => (e as Error).message);

describe('SINK_KAFKA_DELIVERY_GUARANTEE=EXACTLY_ONCE: what validate refuses', () => {
  it('accepts a bounded input (no offsets to commit) with a transaction timeout above two intervals', async () => {
    expect(await failure(validateJob(config('BOUNDED', { ...kafkaSink, FLINK_CHECKPOINT_INTERVAL_MS: '10000' })))).toBe('no error');
  });

  it('refuses a checkpoint interval the transaction could not outlive', async () => {
    expect(await failure(validateJob(config('BOUNDED', { ...kafkaSink, FLINK_CHECKPOINT_INTERVAL_MS: '600000' })))).toMatch(/at least twice FLINK_CHECKPOINT_INTERVAL_MS \(found 600000 ms\)/);
  });

  it('refuses two exactly-once Kafka sinks in one job', async () => {
    const two = { SINKS: [{ ...kafkaSink }, { ...kafkaSink, SINK_KAFKA_TOPIC: 'out2' }] };
    expect(await failure(validateJob(config('BOUNDED', two)))).toMatch(/EXACTLY_ONCE is allowed on one Kafka sink of a job/);
  });
});
