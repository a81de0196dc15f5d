import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaStream, loadBookingProtos, metricsUrl, writeJobFile } from '../helpers/jobs.js';
import { closeKafkaHelpers, committedOffsets, consumeN, createTopics, kafkaBootstrap, produce, uniqueTopic, type ProduceMessage } from '../helpers/kafka.js';
import { REPO_ROOT, startCli } from '../helpers/process.js';

/**
 * Bad records end to end, through the CLI against the real broker: malformed bytes, a truncated message
 * and a record of another message type, under each SOURCE_BAD_RECORD_POLICY.
 */
let Booking: protobuf.Type;
let Payment: protobuf.Type;
const dir = mkdtempSync(join(tmpdir(), 'dirk-bad-'));
const CLASS = 'dirk.examples.BookingLogMessage';

beforeAll(async () => {
  const root = await loadBookingProtos();
  Booking = root.lookupType(CLASS);
  Payment = root.lookupType('dirk.examples.PaymentLogMessage');
});
afterAll(() => closeKafkaHelpers());

function booking(order: string): Buffer {
  const msg = Booking.fromObject({ order_number: order, status: 'CREATED', event_timestamp: { seconds: 1_767_258_000 }, customer_id: `customer-${order}` });
  return Buffer.from(Booking.encode(msg).finish());
}

/** The three kinds of bad record, and the decode error each one must produce. */
const BAD = {
  malformed: { bytes: () => Buffer.from('not a protobuf record'), error: `cannot decode ${CLASS}: invalid wire type 6 at byte 1` },
  truncated: {
    bytes: () => booking('cut').subarray(0, booking('cut').length - 4),
    error: `cannot decode ${CLASS}: truncated protobuf message (read past the end of the record)`,
  },
  'wrong type': {
    bytes: () => Buffer.from(Payment.encode(Payment.fromObject({ order_id: 'p1', amount: 12.5, method: 'card', event_timestamp: { seconds: 1 } })).finish()),
    error: `cannot decode ${CLASS}: field 2 (service_type) has wire type 1 where ${CLASS} expects wire type 0 at byte 5: the bytes are not a ${CLASS} (a record of another message type?)`,
  },
} as const;
type BadKind = keyof typeof BAD;

function writeJob(name: string, input: string, output: string, policy: Record<string, string>): string {
  return writeJobFile(dir, name, {
    FLINK_JOB_ID: `it-bad-${input}`,
    STREAMS: [kafkaStream({ table: 'booking', protoClass: CLASS, timestampIndex: '5', topic: input, groupId: `it-bad-group-${input}` }, policy)],
    FLINK_SQL_QUERY: 'SELECT order_number FROM booking',
    FLINK_WATERMARK_INTERVAL_MS: '100',
    FLINK_CHECKPOINT_INTERVAL_MS: '300',
    SCHEMA_PROTO_DIRS: join(REPO_ROOT, 'protos'),
    SINK_TYPE: 'kafka',
    SINK_KAFKA_BROKERS: kafkaBootstrap(),
    SINK_KAFKA_TOPIC: output,
    SINK_KAFKA_DATA_TYPE: 'JSON',
    METRIC_TELEMETRY_ENABLE: 'true',
    METRICS_PORT: '0',
  });
}

/** Polls /metrics until every series has the value (exact text match of `name{labels} value`). */
async function waitForMetrics(url: string, series: readonly string[], timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await fetch(url).then((r) => r.text(), () => '');
    if (series.every((s) => text.split('\n').includes(s))) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`metrics never showed ${series.join(', ')}; last scrape:\n${text.split('\n').filter((l) => l.startsWith('dirk_source')).join('\n')}`);
}

const orders = (records: { value: Buffer | null }[]): string[] => records.map((r) => (JSON.parse(r.value!.toString('utf8')) as { order_number: string }).order_number);

describe.concurrent('bad records under FAIL: exit 2 naming topic/partition/offset; the offset is not committed', () => {
  it.each(Object.keys(BAD) as BadKind[])('%s', async (kind) => {
    const input = uniqueTopic('it-bad-fail-in');
    const output = uniqueTopic('it-bad-fail-out');
    await createTopics([input, output], 1);
    await produce(input, [{ value: booking('g0') }, { value: booking('g1') }, { value: BAD[kind].bytes() }, { value: booking('g3') }]);
    const checkpoints = join(dir, `cp-${input}`);
    const job = writeJob(`fail-${input}`, input, output, { SOURCE_BAD_RECORD_POLICY: 'FAIL' });

    const run1 = startCli(['run', job, '--checkpoint-dir', checkpoints]);
    const status = await Promise.race([
      run1.exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`FAIL run did not exit:\n${run1.stderr()}`)), 40_000)),
    ]);
    expect(status.code, run1.stderr()).toBe(2);
    expect(run1.stderr()).toContain(
      `error: table booking: cannot decode the record at topic ${input} partition 0 offset 2: ${BAD[kind].error} ` +
        '(bad-record policy FAIL stops the job; SKIP or DEAD_LETTER would let it continue)',
    );
    // the records before the bad one were written; the bad offset was never committed
    expect(orders(await consumeN(output, 2, 20_000))).toEqual(['g0', 'g1']);
    const committed = (await committedOffsets(`it-bad-group-${input}`, input)).get(0) ?? -1;
    expect(committed).toBeLessThanOrEqual(2);

    // A restart under SKIP reads the bad record again (counted), then goes on.
    writeJob(`fail-${input}`, input, output, { SOURCE_BAD_RECORD_POLICY: 'SKIP' });
    const run2 = startCli(['run', job, '--checkpoint-dir', checkpoints]);
    try {
      const url = await metricsUrl(run2);
      // Run 2 may first wait for the group to settle after run 1 stopped (up to a consumer session).
      await waitForMetrics(
        url,
        [
          `dirk_source_decode_errors_total{table="booking",job="it-bad-${input}"} 1`,
          `dirk_source_bad_records_skipped_total{table="booking",job="it-bad-${input}"} 1`,
        ],
        60_000,
      );
      const out = orders(await consumeN(output, 3, 20_000));
      expect(out.slice(0, 2)).toEqual(['g0', 'g1']);
      expect(out[2]).toBe(committed === 2 ? 'g3' : 'g0'); // at-least-once: a run without a checkpoint re-reads g0, g1
    } finally {
      const s2 = await run2.stop('SIGTERM', 20_000);
      expect(s2.code, run2.stderr()).toBe(0);
    }
    expect((await committedOffsets(`it-bad-group-${input}`, input)).get(0)).toBe(4);
  }, 180_000);
});

/** g0, malformed, g2, truncated, g4, wrong type, g6; bad records carry a key and a header of their own. */
function mixed(): { messages: ProduceMessage[]; bad: { kind: BadKind; offset: number; bytes: Buffer }[] } {
  const messages: ProduceMessage[] = [];
  const bad: { kind: BadKind; offset: number; bytes: Buffer }[] = [];
  (Object.keys(BAD) as BadKind[]).forEach((kind, i) => {
    messages.push({ value: booking(`g${i * 2}`) });
    const bytes = BAD[kind].bytes();
    bad.push({ kind, offset: i * 2 + 1, bytes });
    messages.push({ key: `key-${i}`, value: bytes, headers: { 'trace-id': `trace-${i}` } });
  });
  messages.push({ value: booking('g6') });
  return { messages, bad };
}

describe.concurrent('bad records under SKIP and DEAD_LETTER', () => {
  it('SKIP: the good records go on, every bad one is counted in /metrics and logged with its offset', async () => {
    const input = uniqueTopic('it-bad-skip-in');
    const output = uniqueTopic('it-bad-skip-out');
    await createTopics([input, output], 1);
    const { messages, bad } = mixed();
    await produce(input, messages);
    const cli = startCli(['run', writeJob(`skip-${input}`, input, output, { SOURCE_BAD_RECORD_POLICY: 'SKIP' }), '--checkpoint-dir', join(dir, `cp-${input}`)]);
    try {
      const url = await metricsUrl(cli);
      expect(orders(await consumeN(output, 4, 20_000))).toEqual(['g0', 'g2', 'g4', 'g6']);
      await waitForMetrics(url, [
        `dirk_source_decode_errors_total{table="booking",job="it-bad-${input}"} 3`,
        `dirk_source_bad_records_skipped_total{table="booking",job="it-bad-${input}"} 3`,
        `dirk_source_records_total{table="booking",job="it-bad-${input}"} 4`,
      ]);
      for (const b of bad) {
        const line = await cli.waitForLine(new RegExp(`skipped a record that cannot be decoded .*offset=${b.offset}\\b`), { timeoutMs: 5000 });
        expect(line).toContain(`topic=${input} partition=0 offset=${b.offset} error=${BAD[b.kind].error}`);
      }
    } finally {
      const s = await cli.stop('SIGTERM', 20_000);
      expect(s.code, cli.stderr()).toBe(0);
    }
  });

  it('DEAD_LETTER: the dead-letter topic holds the original key, bytes and headers plus exactly the dirk-* headers', async () => {
    const input = uniqueTopic('it-bad-dlq-in');
    const output = uniqueTopic('it-bad-dlq-out');
    const dlq = uniqueTopic('it-bad-dlq');
    await createTopics([input, output, dlq], 1);
    const { messages, bad } = mixed();
    const before = Date.now();
    await produce(input, messages);
    const cli = startCli([
      'run',
      writeJob(`dlq-${input}`, input, output, { SOURCE_BAD_RECORD_POLICY: 'DEAD_LETTER', SOURCE_DEAD_LETTER_TOPIC: dlq }),
      '--checkpoint-dir',
      join(dir, `cp-${input}`),
    ]);
    try {
      const url = await metricsUrl(cli);
      expect(orders(await consumeN(output, 4, 20_000))).toEqual(['g0', 'g2', 'g4', 'g6']);
      const dead = await consumeN(dlq, 3, 20_000);
      expect(dead.map((d) => d.value)).toEqual(bad.map((b) => b.bytes));
      dead.forEach((d, i) => {
        const b = bad[i]!;
        expect(d.key?.toString()).toBe(`key-${i}`);
        const headers = Object.fromEntries(Object.entries(d.headers).map(([k, v]) => [k, v.toString()]));
        const time = headers['dirk-error-time']!;
        expect(headers).toEqual({
          'trace-id': `trace-${i}`,
          'dirk-error': BAD[b.kind].error,
          'dirk-source-topic': input,
          'dirk-source-partition': '0',
          'dirk-source-offset': String(b.offset),
          'dirk-error-time': time,
        });
        expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(Date.parse(time)).toBeGreaterThanOrEqual(before);
        expect(Date.parse(time)).toBeLessThanOrEqual(Date.now());
      });
      await waitForMetrics(url, [
        `dirk_source_decode_errors_total{table="booking",job="it-bad-${input}"} 3`,
        `dirk_source_bad_records_dead_lettered_total{table="booking",job="it-bad-${input}"} 3`,
      ]);
    } finally {
      const s = await cli.stop('SIGTERM', 20_000);
      expect(s.code, cli.stderr()).toBe(0);
    }
  });
});
