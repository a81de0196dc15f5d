import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeKafkaHelpers, consumeN, createTopics, kafkaBootstrap, produce, uniqueTopic } from '../helpers/kafka.js';
import { REPO_ROOT, startCli } from '../helpers/process.js';

/**
 * SOURCE_LATE_RECORD_POLICY through the real broker: a record arriving after its window fired is counted
 * per table and, with TOPIC, written to the late-record topic as JSON with the reason in a header; with LOG
 * it is a warn line with its columns.
 */
let Booking: protobuf.Type;
const dir = mkdtempSync(join(tmpdir(), 'dirk-late-'));
const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

beforeAll(async () => {
  const root = await new protobuf.Root().load(join(REPO_ROOT, 'protos/dirk/examples/booking.proto'), { keepCase: true });
  Booking = root.lookupType('dirk.examples.BookingLogMessage');
});
afterAll(() => closeKafkaHelpers());

function booking(order: string, atMs: number, amount: number): Buffer {
  return Buffer.from(
    Booking.encode(
      Booking.fromObject({ order_number: order, service_type: 'GO_RIDE', status: 'COMPLETED', event_timestamp: { seconds: Math.floor(atMs / 1000), nanos: (atMs % 1000) * 1e6 }, order_amount: amount }),
    ).finish(),
  );
}

function writeJob(name: string, input: string, output: string, late: Record<string, string>, extra: Record<string, string> = {}): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      FLINK_JOB_ID: `it-late-${name}-${input}`,
      STREAMS: [
        {
          INPUT_SCHEMA_TABLE: 'booking',
          INPUT_SCHEMA_PROTO_CLASS: 'dirk.examples.BookingLogMessage',
          INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX: '5',
          SOURCE_KAFKA_TOPIC_NAMES: input,
          SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: kafkaBootstrap(),
          SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: `it-late-${input}`,
          SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET: 'earliest',
          SOURCE_DETAILS: [{ SOURCE_TYPE: 'UNBOUNDED', SOURCE_NAME: 'KAFKA_CONSUMER' }],
          ...late,
        },
      ],
      FLINK_SQL_QUERY:
        "SELECT order_number AS k, COUNT(1) AS n, TUMBLE_END(rowtime, INTERVAL '60' SECOND) AS window_end FROM `booking` WHERE order_amount > 0 GROUP BY TUMBLE(rowtime, INTERVAL '60' SECOND), order_number",
      FLINK_WATERMARK_DELAY_MS: '0',
      FLINK_WATERMARK_INTERVAL_MS: '100',
      FLINK_CHECKPOINT_INTERVAL_MS: '1000',
      SCHEMA_PROTO_DIRS: join(REPO_ROOT, 'protos'),
      SINK_TYPE: 'kafka',
      SINK_KAFKA_BROKERS: kafkaBootstrap(),
      SINK_KAFKA_TOPIC: output,
      SINK_KAFKA_DATA_TYPE: 'JSON',
      ...extra,
    }),
  );
  return file;
}

/** o1 in window 09:00, then o2 at 09:02 moves the watermark past 09:01 and fires it. */
const ON_TIME = (): { value: Buffer }[] => [
  { value: booking('o1', T0 + 1_000, 10) },
  { value: booking('o2', T0 + 120_000, 5) },
];
/** Sent after the window fired: o-late belongs to the fired window 09:00. */
const LATE = (): { value: Buffer } => ({ value: booking('o-late', T0 + 30_000, 2.5) });

describe('late records through the real broker', () => {
  it('TOPIC: the late row lands on the late-record topic as JSON by column name, with the reason', async () => {
    const [input, output, late] = [uniqueTopic('it-late-in'), uniqueTopic('it-late-out'), uniqueTopic('it-late-records')];
    await createTopics([input, output, late], 1);
    await produce(input, ON_TIME());
    const cli = startCli(['run', writeJob('topic', input, output, { SOURCE_LATE_RECORD_POLICY: 'TOPIC', SOURCE_LATE_RECORD_TOPIC: late }, { METRIC_TELEMETRY_ENABLE: 'true', METRICS_PORT: '0' })]);
    try {
      const line = await cli.waitForLine(/metrics at (http\S+)/, { timeoutMs: 20_000 });
      const metricsUrl = /metrics at (http\S+)/.exec(line)![1]!;
      const [fired] = await consumeN(output, 1, 30_000);
      expect(JSON.parse(fired!.value!.toString('utf8'))).toEqual({ k: 'o1', n: 1, window_end: '2026-01-01T09:01:00.000Z' });
      await produce(input, [LATE()]);
      const [rec] = await consumeN(late, 1, 30_000);
      // The window aggregate's input columns: what the query reads of the booking (after the filter).
      expect(JSON.parse(rec!.value!.toString('utf8'))).toEqual({
        order_number: 'o-late',
        service_type: null,
        service_area_id: null,
        status: null,
        event_timestamp: null,
        customer_id: null,
        order_amount: 2.5,
        pickup: null,
        tags: null,
        metadata: null,
        driver_id: null,
        rowtime: '2026-01-01T09:00:30.000Z',
      });
      expect(rec!.key).toBeNull();
      expect(rec!.headers['dirk-late-reason']!.toString()).toBe(
        'WindowAggregate[TUMBLE panes of 60000 ms]: event time 2026-01-01T09:00:30.000Z is behind watermark 2026-01-01T09:01:59.999Z',
      );
      expect(rec!.headers['dirk-table']!.toString()).toBe('booking');
      const metrics = await (await fetch(metricsUrl)).text();
      expect(metrics).toMatch(/dirk_late_records_total\{[^}]*table="booking"[^}]*\} 1/);
    } finally {
      const status = await cli.stop('SIGTERM', 20_000);
      expect(status.code, cli.stderr()).toBe(0);
    }
  });

  it('LOG: a warn line names the operator, the watermark and the row by column', async () => {
    const [input, output] = [uniqueTopic('it-late-log-in'), uniqueTopic('it-late-log-out')];
    await createTopics([input, output], 1);
    await produce(input, ON_TIME());
    const cli = startCli(['run', writeJob('log', input, output, { SOURCE_LATE_RECORD_POLICY: 'LOG' }, { METRIC_TELEMETRY_ENABLE: 'false' })]);
    try {
      await consumeN(output, 1, 30_000);
      await produce(input, [LATE()]);
      const line = await cli.waitForLine(/late record dropped/, { timeoutMs: 30_000 });
      expect(line).toContain('WARN  late record dropped: WindowAggregate[TUMBLE panes of 60000 ms]: event time 2026-01-01T09:00:30.000Z is behind watermark 2026-01-01T09:01:59.999Z');
      expect(line).toContain('table=booking');
      expect(line).toContain('"order_number":"o-late"');
      expect(line).toContain('"order_amount":2.5');
    } finally {
      await cli.stop('SIGTERM', 20_000);
    }
  });
});
