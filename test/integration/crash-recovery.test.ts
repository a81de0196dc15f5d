import { mkdtempSync, readFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Producer } from 'kafkajs';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBooking, kafkaStream, loadBookingProtos, writeJobFile } from '../helpers/jobs.js';
import { latestCheckpointId, sleep, tail, waitUntil } from '../helpers/crash.js';
import { closeKafkaHelpers, createTopics, endOffsets, kafkaClient, produce, setCommittedOffsets, uniqueTopic, type ProduceMessage } from '../helpers/kafka.js';
import { REPO_ROOT, startCli, type RunningCli } from '../helpers/process.js';

/**
 * The fault-tolerance promise on the real broker: a windowed job over a 2-partition topic is SIGKILLed four
 * times while records keep arriving: (1) mid-stream after output and checkpoints; (2) during the replay right
 * after a restore, after which the group's committed offsets are reset to 0 (as a crash between writing a
 * checkpoint and committing would leave them lagging); (3) mid-stream again; (4) after restarting on a torn
 * newest checkpoint file (cut in half), which must fall back to the previous one. A fifth run ends the input
 * and is stopped with SIGTERM. Output may repeat (at-least-once), but every emitted count, and so the last
 * one per window, must equal the number of input records in that window.
 *
 * A count above the input (seen once under heavy load: 127 for a window of 96) is not at-least-once output:
 * repeated output repeats the same count. It was a real bug: a checkpoint taken after a restored, still idle
 * partition's position had been committed left that partition out, and a restore from it read the partition
 * from the group's offset (which this test resets to 0 after kill 2), counting records again
 * (test/integration/kafka-source.test.ts has the exact case). The input is written by an idempotent
 * producer, so a produce retried under load cannot duplicate input records either (which would look the same).
 */
let Booking: protobuf.Type;
const dir = mkdtempSync(join(tmpdir(), 'dirk-crash-'));
const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const KEYS = ['GO_RIDE', 'GO_FOOD', 'GO_SEND'] as const;
/**
 * Event time between two records of one partition. A chunk (50 records per partition) spans 350 ms, so
 * windows (1 s) straddle chunks, fetches and checkpoints: a checkpoint always holds open windows with
 * partial counts, which a restart must restore exactly.
 */
const STEP_MS = 7;
const PER_CHUNK = 50;

beforeAll(async () => {
  Booking = (await loadBookingProtos()).lookupType('dirk.examples.BookingLogMessage');
});
afterAll(() => closeKafkaHelpers());

describe('dirk run: SIGKILL and restart lose nothing a completed checkpoint covered', () => {
  it('the last count emitted for every window is exact after 4 kills, one with a torn checkpoint file', async () => {
    const input = uniqueTopic('it-crash-in');
    const output = uniqueTopic('it-crash-out');
    await createTopics([input], 2);
    await createTopics([output], 1); // one partition: "the last value of a window" is the one at the highest offset
    const ckptDir = mkdtempSync(join(tmpdir(), 'dirk-crash-ckpt-'));
    const group = `it-group-${input}`;
    const job = writeJobFile(dir, 'crash', {
      FLINK_JOB_ID: `it-crash-${input}`,
      STREAMS: [
        kafkaStream(
          { table: 'booking', protoClass: 'dirk.examples.BookingLogMessage', timestampIndex: '5', topic: input, groupId: group },
          // A SIGKILLed member stays in the group until its session times out; the restart waits for that.
          { SOURCE_KAFKA_CONSUMER_CONFIG_SESSION_TIMEOUT_MS: '2000', SOURCE_KAFKA_CONSUMER_CONFIG_HEARTBEAT_INTERVAL_MS: '300' },
        ),
      ],
      FLINK_SQL_QUERY:
        "SELECT service_type AS k, COUNT(1) AS n, TUMBLE_END(rowtime, INTERVAL '1' SECOND) AS w FROM `booking` GROUP BY TUMBLE(rowtime, INTERVAL '1' SECOND), service_type",
      // Each partition is in event-time order; per-partition watermarks make sure no record is ever late.
      FLINK_WATERMARK_PER_PARTITION_ENABLE: 'true',
      FLINK_WATERMARK_DELAY_MS: '0',
      FLINK_WATERMARK_INTERVAL_MS: '50',
      FLINK_CHECKPOINT_INTERVAL_MS: '150',
      SCHEMA_PROTO_DIRS: join(REPO_ROOT, 'protos'),
      METRIC_TELEMETRY_ENABLE: 'false',
      SINK_TYPE: 'kafka',
      SINK_KAFKA_BROKERS: kafkaStream({ table: '', protoClass: '', timestampIndex: '', topic: '', groupId: '' })['SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS'],
      SINK_KAFKA_TOPIC: output,
      SINK_KAFKA_DATA_TYPE: 'JSON',
    });

    // Records keep arriving, in chunks, through every kill and restart.
    const expected = new Map<string, number>();
    const next = [0, 0];
    let producing = true;
    // Idempotent: a send retried after a timeout under load must not write a chunk twice.
    const idempotent: Producer = kafkaClient().producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await idempotent.connect();
    const producer = (async () => {
      while (producing) {
        const chunk: ProduceMessage[] = [];
        for (const p of [0, 1]) {
          for (let i = 0; i < PER_CHUNK; i++) {
            const j = next[p]!++;
            const t = T0 + j * STEP_MS + p * 3; // the partitions' event times interleave
            const key = KEYS[(j + p) % KEYS.length]!;
            chunk.push({ value: encodeBooking(Booking, `p${p}-${j}`, key, t, 1), partition: p });
            const w = `${key}|${new Date(Math.floor(t / 1000) * 1000 + 1000).toISOString()}`;
            expected.set(w, (expected.get(w) ?? 0) + 1);
          }
        }
        await idempotent.send({ topic: input, acks: -1, messages: chunk.map((m) => ({ value: m.value, partition: m.partition! })) });
        await sleep(100);
      }
    })();

    const out = await tail(output);
    const runs: RunningCli[] = [];
    const start = (): RunningCli => {
      const cli = startCli(['run', job, '--checkpoint-dir', ckptDir]);
      runs.push(cli);
      return cli;
    };
    const atKills: number[] = [];
    const kill = async (cli: RunningCli): Promise<void> => {
      const status = await cli.stop('SIGKILL');
      expect(status.signal, cli.stderr()).toBe('SIGKILL');
      atKills.push(out.records.length);
    };
    try {
      // A run counts as under way once its partitions are assigned and it has written output of its own
      // (before that, checkpoints only repeat the restored positions).
      const underWay = async (cli: RunningCli, restored: boolean): Promise<void> => {
        if (restored) await cli.waitForLine(/restored checkpoint/, { timeoutMs: 20_000 });
        await cli.waitForLine(/partitions assigned/, { timeoutMs: 20_000 });
        const before = out.records.length;
        await waitUntil(cli, 'new output', () => out.records.length > before);
      };
      const checkpoints = (cli: RunningCli, n: number): Promise<void> => {
        const target = latestCheckpointId(ckptDir) + n;
        return waitUntil(cli, `checkpoint ${target}`, () => latestCheckpointId(ckptDir) >= target);
      };

      // Kill 1: mid-stream, after output and three checkpoints.
      const run1 = start();
      await underWay(run1, false);
      await checkpoints(run1, 3);
      await kill(run1);

      // Kill 2: right after the restore, while it replays what the checkpoint did not cover (its first
      // output is a window the killed run may already have written).
      const run2 = start();
      await underWay(run2, true);
      await kill(run2);
      // As if a crash had come between writing a checkpoint and committing its offsets: the group's
      // committed offsets go back to the start. The restart must read from its checkpoint's positions anyway
      // (including those of a run that checkpointed before its partitions were even assigned, as run 2 did).
      // Kafka takes the offsets only once the group is empty. Killed during a rebalance (seen in CI), the dead
      // member holds the group in PreparingRebalance until the rebalance timeout (kafkajs: 60 s), not only
      // the 2 s session timeout, so the wait allows for that.
      await setCommittedOffsets(group, input, new Map([[0, 0], [1, 0]]), 75_000);

      // Kill 3: mid-stream again, after more output and checkpoints.
      const run3 = start();
      await underWay(run3, true);
      await checkpoints(run3, 3);
      await kill(run3);

      // Kill 4: the newest checkpoint file is cut in half (a torn write); the restart falls back to the
      // previous one, re-reads from its positions, and is killed again after new checkpoints.
      const torn = latestCheckpointId(ckptDir);
      const file = join(ckptDir, `ckpt-${torn}.ckpt`);
      truncateSync(file, Math.floor(readFileSync(file).length / 2));
      const run4 = start();
      await run4.waitForLine(/cannot be read .*falling back to the previous checkpoint/, { timeoutMs: 20_000 });
      await run4.waitForLine(new RegExp(`restored checkpoint ${torn - 1} `), { timeoutMs: 20_000 });
      await underWay(run4, false);
      await checkpoints(run4, 2);
      await kill(run4);

      // Last run: the input ends with a record far ahead on each partition, which closes every window.
      const run5 = start();
      await run5.waitForLine(/restored checkpoint/, { timeoutMs: 20_000 });
      producing = false;
      await producer;
      const far = T0 + (Math.max(...next) + 1) * STEP_MS + 60_000;
      await produce(input, [0, 1].map((p) => ({ value: encodeBooking(Booking, `closer-${p}`, 'CLOSER', far, 1), partition: p })));
      const seen = (): Set<string> => new Set(out.records.map((r) => JSON.parse(r.value) as { k: string; w: string }).map((r) => `${r.k}|${r.w}`));
      const deadline = Date.now() + 30_000;
      while ([...expected.keys()].some((w) => !seen().has(w))) {
        if (Date.now() > deadline) throw new Error(`windows never emitted: ${[...expected.keys()].filter((w) => !seen().has(w)).slice(0, 10).join(', ')}\n${run5.stderr().slice(-4000)}`);
        await sleep(100);
      }
      const status = await run5.stop('SIGTERM', 20_000);
      expect(status.code, run5.stderr()).toBe(0);
      const end = (await endOffsets(output)).get(0)!;
      while (out.records.length < end) await sleep(50);

      // Every emission, and so the last one of each window, counts each input record exactly once.
      const last = new Map<string, number>();
      const wrong: string[] = [];
      for (const r of [...out.records].sort((a, b) => a.offset - b.offset)) {
        const row = JSON.parse(r.value) as { k: string; n: number; w: string };
        const w = `${row.k}|${row.w}`;
        last.set(w, row.n);
        if (row.n !== expected.get(w)) wrong.push(`${w}: emitted ${row.n} at offset ${r.offset}, input has ${expected.get(w)}`);
      }
      expect([...last.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [w, n] of expected) expect(last.get(w), w).toBe(n);
      expect(wrong).toEqual([]);
      // The kills were real: output was written again after restores (at-least-once), never less.
      expect(out.records.length).toBeGreaterThanOrEqual(expected.size);
      process.stdout.write(
        `[crash-recovery] ${next[0]! + next[1]!} input records, ${expected.size} windows, ${out.records.length} output records (${out.records.length - expected.size} repeated; output records at the kills: ${atKills.join(', ')})\n`,
      );
    } catch (e) {
      for (const [i, r] of runs.entries()) process.stderr.write(`--- run ${i + 1} stderr ---\n${r.stderr().slice(-3000)}\n`);
      throw e;
    } finally {
      producing = false;
      await producer.catch(() => undefined);
      await idempotent.disconnect().catch(() => undefined);
      await out.stop().catch(() => undefined);
      for (const r of runs) await r.stop('SIGKILL');
    }
  }, 300_000); // five job starts and a full replay: slow on a loaded machine
});
