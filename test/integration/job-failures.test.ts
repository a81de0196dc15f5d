import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBooking, kafkaStream, loadBookingProtos, writeJobFile } from '../helpers/jobs.js';
import { closeKafkaHelpers, committedOffsets, consumeN, createTopics, deleteTopics, kafkaBootstrap, produce, uniqueTopic } from '../helpers/kafka.js';
import { REPO_ROOT, runCli, startCli } from '../helpers/process.js';

/**
 * How `dirk run` fails: a job that cannot start closes what it opened and exits 1 promptly with the reason;
 * a lost sink write stops the job without committing offsets past it; checkpoints that keep failing stop
 * the job after FLINK_CHECKPOINT_TOLERABLE_FAILURES.
 */
let Booking: protobuf.Type;
const dir = mkdtempSync(join(tmpdir(), 'dirk-failures-'));
const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
/** Printed by the CLI when something it opened was not closed; a clean failure never prints it. */
const LEAK = /still running .* after the command ended/;

beforeAll(async () => {
  Booking = (await loadBookingProtos()).lookupType('dirk.examples.BookingLogMessage');
});
afterAll(() => closeKafkaHelpers());

const booking = (order: string, atMs: number): Buffer => encodeBooking(Booking, order, 'GO_RIDE', atMs, 1);

function job(name: string, input: string, extra: Record<string, unknown>, streamExtra: Record<string, unknown> = {}): string {
  return writeJobFile(dir, `${name}-${input}`, {
    FLINK_JOB_ID: `it-fail-${name}-${input}`,
    STREAMS: [
      kafkaStream({ table: 'booking', protoClass: 'dirk.examples.BookingLogMessage', timestampIndex: '5', topic: input, groupId: `it-group-${input}` }, streamExtra),
    ],
    FLINK_SQL_QUERY:
      "SELECT COUNT(1) AS n, TUMBLE_END(rowtime, INTERVAL '60' SECOND) AS w FROM `booking` GROUP BY TUMBLE(rowtime, INTERVAL '60' SECOND)",
    FLINK_WATERMARK_DELAY_MS: '0',
    FLINK_WATERMARK_INTERVAL_MS: '50',
    FLINK_CHECKPOINT_INTERVAL_MS: '200',
    SCHEMA_PROTO_DIRS: join(REPO_ROOT, 'protos'),
    METRIC_TELEMETRY_ENABLE: 'false',
    ...extra,
  });
}

describe('dirk run: start-up failures close what was opened and exit 1 promptly', () => {
  it('an unreachable sink broker (with the metrics server already listening)', async () => {
    const input = uniqueTopic('it-fail-sink-broker');
    const file = job('sink-broker', input, {
      SINK_TYPE: 'kafka',
      SINK_KAFKA_BROKERS: '127.0.0.1:1',
      SINK_KAFKA_TOPIC: 'out',
      SINK_KAFKA_DATA_TYPE: 'JSON',
      METRIC_TELEMETRY_ENABLE: 'true',
      METRICS_PORT: '0',
    });
    const started = Date.now();
    const r = await runCli(['run', file], { timeoutMs: 45_000 });
    const took = Date.now() - started;
    expect(r.timedOut, r.stderr).toBe(false);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/error \(external\): kafka sink kafka: cannot connect to 127\.0\.0\.1:1/);
    expect(r.stderr).toMatch(/metrics at http/); // the server was up, and was closed again
    expect(r.stderr).not.toMatch(LEAK);
    expect(took).toBeLessThan(30_000);
  });

  it('a late-record TOPIC policy whose broker is unreachable (after the sink opened)', async () => {
    const input = uniqueTopic('it-fail-late-broker');
    const output = uniqueTopic('it-fail-late-out');
    await createTopics([output], 1);
    const file = job(
      'late-broker',
      input,
      { SINK_TYPE: 'kafka', SINK_KAFKA_BROKERS: kafkaBootstrap(), SINK_KAFKA_TOPIC: output, SINK_KAFKA_DATA_TYPE: 'JSON' },
      { SOURCE_LATE_RECORD_POLICY: 'TOPIC', SOURCE_LATE_RECORD_TOPIC: 'late', SOURCE_DEAD_LETTER_BROKERS: '127.0.0.1:1' },
    );
    const started = Date.now();
    const r = await runCli(['run', file], { timeoutMs: 45_000 });
    expect(r.timedOut, r.stderr).toBe(false);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/error \(external\): STREAMS\[0\]\.SOURCE_LATE_RECORD_POLICY=TOPIC: cannot connect to 127\.0\.0\.1:1 for the late-record topic late/);
    expect(r.stderr).not.toMatch(LEAK);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe('dirk run: checkpoint failures', () => {
  it('a failed sink write (sink topic deleted) stops the job with exit 1 and commits no offset past it', async () => {
    const input = uniqueTopic('it-fail-deleted-in');
    const output = uniqueTopic('it-fail-deleted-out');
    await createTopics([input, output], 1);
    // Window 09:00 gets 3 records; the 4th (09:01:10) closes it.
    await produce(input, [0, 1, 2].map((i) => ({ value: booking(`a${i}`, T0 + i * 1000) })).concat([{ value: booking('a3', T0 + 70_000) }]));
    const cli = startCli([
      'run',
      job('deleted', input, {
        SINK_TYPE: 'kafka',
        SINK_KAFKA_BROKERS: kafkaBootstrap(),
        SINK_KAFKA_TOPIC: output,
        SINK_KAFKA_DATA_TYPE: 'JSON',
        // Fail a send after one retry instead of the default eight (tens of seconds).
        SINK_KAFKA_PRODUCER_CONFIG_RETRIES: '1',
        // Without in-process restarts (test/unit/job/health.test.ts and broker-outage.test.ts cover them).
        FLINK_RESTART_ATTEMPTS: '0',
      }),
    ]);
    try {
      const [first] = await consumeN(output, 1, 20_000);
      expect(JSON.parse(first!.value!.toString('utf8'))).toEqual({ n: 3, w: '2026-01-01T09:01:00.000Z' });
      // A checkpoint after that output commits all 4 offsets.
      const deadline = Date.now() + 20_000;
      while ((await committedOffsets(`it-group-${input}`, input)).get(0) !== 4) {
        if (Date.now() > deadline) throw new Error(`offset 4 never committed\n${cli.stderr()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await deleteTopics([output]);
      // Offset 4 (09:02:10) closes window 09:01, whose row cannot be written any more.
      await produce(input, [{ value: booking('b0', T0 + 130_000) }, { value: booking('b1', T0 + 131_000) }]);
      const status = await Promise.race([cli.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
      expect(status, cli.stderr()).not.toBe('timeout');
      expect(status === 'timeout' ? undefined : status.code, cli.stderr()).toBe(1);
      expect(cli.stderr()).toMatch(new RegExp(`error \\(external\\): kafka sink kafka: producing to topic ${output} failed: .*the rows of the failed write are lost, so no later checkpoint can complete: the job stops and a restart resumes from checkpoint \\d+`));
      expect(cli.stderr()).not.toMatch(LEAK);
      // The offset of the record whose output was lost was never committed.
      expect((await committedOffsets(`it-group-${input}`, input)).get(0)).toBe(4);
    } finally {
      await cli.stop('SIGKILL');
    }
  });

  it('checkpoints that keep failing stop the job after FLINK_CHECKPOINT_TOLERABLE_FAILURES, without committing', async () => {
    const input = uniqueTopic('it-fail-ckpt');
    await createTopics([input], 1);
    await produce(input, [{ value: booking('a0', T0) }]);
    // The checkpoint folder cannot be created: its parent is a regular file.
    const blocker = join(dir, `blocker-${input}`);
    writeFileSync(blocker, 'not a folder');
    const started = Date.now();
    const r = await runCli(['run', job('ckpt', input, { SINK_TYPE: 'log', FLINK_CHECKPOINT_TOLERABLE_FAILURES: '2', FLINK_RESTART_ATTEMPTS: '0' }), '--checkpoint-dir', join(blocker, 'ckpt')], {
      timeoutMs: 45_000,
    });
    expect(r.timedOut, r.stderr).toBe(false);
    expect(r.code, r.stderr).toBe(1);
    for (const n of [1, 2, 3]) expect(r.stderr).toContain(`checkpoint failed (${n} in a row, 2 tolerated)`);
    expect(r.stderr).toMatch(/error \(external\): 3 checkpoints in a row failed \(FLINK_CHECKPOINT_TOLERABLE_FAILURES=2\), the last with: .*ENOTDIR.*; offsets were not committed past the group's committed offsets, where a restart resumes/);
    expect(r.stderr).not.toMatch(LEAK);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect((await committedOffsets(`it-group-${input}`, input)).get(0) ?? -1).toBe(-1);
  });
});
