import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBooking, kafkaStream, loadBookingProtos, writeJobFile } from '../helpers/jobs.js';
import { closeKafkaHelpers, consumeN, createTopics, kafkaBootstrap, produce, uniqueTopic } from '../helpers/kafka.js';
import { REPO_ROOT, startCli } from '../helpers/process.js';

/**
 * Issue 17 at job level: one window firing 30,000 keys at once into a sink topic with the broker's 1 MB
 * default (about 3 MB of JSON rows in one flush). Before size-bounded sends this ended in
 * MESSAGE_TOO_LARGE, exit 1, and the same on every restart. Every key must arrive, with its exact count.
 */
let Booking: protobuf.Type;
const dir = mkdtempSync(join(tmpdir(), 'dirk-window-size-'));
const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const KEYS = 30_000;

beforeAll(async () => {
  Booking = (await loadBookingProtos()).lookupType('dirk.examples.BookingLogMessage');
});
afterAll(() => closeKafkaHelpers());

describe('dirk run: one window firing 30,000 keys', () => {
  it('delivers every key to a 1 MB-default topic in one fire, and the job keeps running', async () => {
    const input = uniqueTopic('it-wfire-in');
    const output = uniqueTopic('it-wfire-out');
    await createTopics([input], 2);
    await createTopics([output], 1); // one partition: the whole fire would be one record batch
    const job = writeJobFile(dir, 'wfire', {
      FLINK_JOB_ID: `it-wfire-${input}`,
      STREAMS: [kafkaStream({ table: 'booking', protoClass: 'dirk.examples.BookingLogMessage', timestampIndex: '5', topic: input, groupId: `it-group-${input}` })],
      FLINK_SQL_QUERY:
        "SELECT order_number AS k, COUNT(1) AS n, TUMBLE_END(rowtime, INTERVAL '1' MINUTE) AS w FROM `booking` GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE), order_number",
      // Each partition is in event-time order; per-partition watermarks keep the closer from firing early.
      FLINK_WATERMARK_PER_PARTITION_ENABLE: 'true',
      FLINK_WATERMARK_DELAY_MS: '0',
      FLINK_WATERMARK_INTERVAL_MS: '100',
      FLINK_CHECKPOINT_INTERVAL_MS: '2000',
      SCHEMA_PROTO_DIRS: join(REPO_ROOT, 'protos'),
      METRIC_TELEMETRY_ENABLE: 'false',
      SINK_TYPE: 'kafka',
      SINK_KAFKA_BROKERS: kafkaBootstrap(),
      SINK_KAFKA_TOPIC: output,
      SINK_KAFKA_DATA_TYPE: 'JSON',
    });
    // 30,000 distinct keys (long order numbers: ~100 bytes per output row), two records each, all in the
    // first minute; then one record per partition a minute later closes the window.
    const order = (i: number): string => `order-${String(i).padStart(6, '0')}-${'x'.repeat(40)}`;
    for (let from = 0; from < KEYS; from += 5000) {
      const chunk = [];
      for (let i = from; i < from + 5000; i++) {
        for (const p of [0, 1]) chunk.push({ value: encodeBooking(Booking, order(i), 'GO_RIDE', T0 + (i % 50_000) + p, 1), partition: p });
      }
      await produce(input, chunk);
    }
    await produce(input, [0, 1].map((p) => ({ value: encodeBooking(Booking, 'closer', 'GO_RIDE', T0 + 120_000, 1), partition: p })));

    const cli = startCli(['run', job, '--checkpoint-dir', join(dir, 'ckpt')]);
    try {
      const got = await consumeN(output, KEYS, 240_000);
      const rows = got.map((m) => JSON.parse(m.value!.toString()) as { k: string; n: number; w: string });
      expect(new Set(rows.map((r) => r.k)).size).toBe(KEYS);
      expect(rows.filter((r) => r.n !== 2 || r.w !== rows[0]!.w)).toEqual([]);
      expect(rows[0]!.w).toMatch(/^2026-01-01.09:01:00/);
      // The fire was one flush of about 3 MB, three times the topic's limit.
      expect(got.reduce((n, m) => n + m.value!.length, 0)).toBeGreaterThan(2_500_000);
      const status = await cli.stop('SIGTERM', 30_000);
      expect(status.code, cli.stderr().slice(-3000)).toBe(0);
      expect(cli.stderr()).not.toMatch(/MESSAGE_TOO_LARGE|too large/i);
    } finally {
      await cli.stop('SIGKILL');
    }
  }, 300_000);
});
