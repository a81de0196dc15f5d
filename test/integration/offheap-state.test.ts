import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Producer } from 'kafkajs';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBooking, kafkaStream, loadBookingProtos, writeJobFile } from '../helpers/jobs.js';
import { latestCheckpointId, sleep, tail, waitUntil } from '../helpers/crash.js';
import { closeKafkaHelpers, createTopics, endOffsets, kafkaClient, uniqueTopic } from '../helpers/kafka.js';
import { REPO_ROOT, startCli, type RunningCli } from '../helpers/process.js';

/**
 * FLINK_STATE_BACKEND_TYPE=rocksdb (LMDB off the heap) on the real broker: a non-windowed GROUP BY over
 * 600 keys, with a cache of 50 entries (so most reads and writes go to the store), is SIGKILLed twice while
 * records keep arriving and restarted from its checkpoints (snapshot files of the store). Every count it
 * emits must be the exact number of input records of that key up to some point, and the last one per key
 * the total: a restore that lost or double-counted records would show.
 */
let Booking: protobuf.Type;
const dir = mkdtempSync(join(tmpdir(), 'dirk-offheap-it-'));
const KEYS = 600;
const PER_CHUNK = 60;

beforeAll(async () => {
  Booking = (await loadBookingProtos()).lookupType('dirk.examples.BookingLogMessage');
});
afterAll(() => closeKafkaHelpers());

describe('dirk run with FLINK_STATE_BACKEND_TYPE=rocksdb', () => {
  it('restores a GROUP BY kept in LMDB after SIGKILLs: every key ends with its exact count', async () => {
    const input = uniqueTopic('it-offheap-in');
    const output = uniqueTopic('it-offheap-out');
    await createTopics([input], 2);
    await createTopics([output], 1);
    const ckptDir = mkdtempSync(join(tmpdir(), 'dirk-offheap-ckpt-'));
    const group = `it-group-${input}`;
    const job = writeJobFile(dir, 'offheap', {
      FLINK_JOB_ID: `it-offheap-${input}`,
      STREAMS: [
        kafkaStream(
          { table: 'booking', protoClass: 'dirk.examples.BookingLogMessage', timestampIndex: '5', topic: input, groupId: group },
          { SOURCE_KAFKA_CONSUMER_CONFIG_SESSION_TIMEOUT_MS: '2000', SOURCE_KAFKA_CONSUMER_CONFIG_HEARTBEAT_INTERVAL_MS: '300' },
        ),
      ],
      FLINK_SQL_QUERY: 'SELECT order_number AS k, COUNT(1) AS n, SUM(order_amount) AS s FROM `booking` GROUP BY order_number',
      FLINK_CHECKPOINT_INTERVAL_MS: '200',
      FLINK_STATE_BACKEND_TYPE: 'rocksdb',
      FLINK_STATE_BACKEND_CACHE_ENTRIES: '50',
      SCHEMA_PROTO_DIRS: join(REPO_ROOT, 'protos'),
      METRIC_TELEMETRY_ENABLE: 'false',
      SINK_TYPE: 'kafka',
      SINK_KAFKA_BROKERS: kafkaStream({ table: '', protoClass: '', timestampIndex: '', topic: '', groupId: '' })['SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS'],
      SINK_KAFKA_TOPIC: output,
      SINK_KAFKA_DATA_TYPE: 'JSON',
    });

    const expected = new Map<string, number>();
    let sent = 0;
    let producing = true;
    const idempotent: Producer = kafkaClient().producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await idempotent.connect();
    const produceChunk = async (): Promise<void> => {
      const messages = [];
      for (let i = 0; i < PER_CHUNK; i++) {
        const j = sent++;
        // Keys spread over both partitions and far more keys than cached entries.
        const k = `c${(j * 7919) % KEYS}`;
        expected.set(k, (expected.get(k) ?? 0) + 1);
        messages.push({ value: encodeBooking(Booking, k, 'GO_RIDE', Date.UTC(2026, 0, 1) + j, 1), partition: j % 2 });
      }
      await idempotent.send({ topic: input, acks: -1, messages });
    };
    const producer = (async () => {
      while (producing) {
        await produceChunk();
        await sleep(50);
      }
    })();

    const out = await tail(output);
    const runs: RunningCli[] = [];
    const start = (): RunningCli => {
      const cli = startCli(['run', job, '--checkpoint-dir', ckptDir]);
      runs.push(cli);
      return cli;
    };
    const checkpoints = (cli: RunningCli, n: number): Promise<void> => {
      const target = latestCheckpointId(ckptDir) + n;
      return waitUntil(cli, `checkpoint ${target}`, () => latestCheckpointId(ckptDir) >= target, 60_000);
    };
    try {
      const run1 = start();
      await run1.waitForLine(/lives on disk in LMDB/, { timeoutMs: 30_000 });
      await run1.waitForLine(/partitions assigned/, { timeoutMs: 30_000 });
      await checkpoints(run1, 3);
      // The checkpoint records the store's snapshot file beside it.
      expect(readdirSync(ckptDir).some((f) => /^ckpt-\d+\.s0\.mdb$/.test(f))).toBe(true);
      expect((await run1.stop('SIGKILL')).signal).toBe('SIGKILL');

      const run2 = start();
      await run2.waitForLine(/restored checkpoint/, { timeoutMs: 30_000 });
      await run2.waitForLine(/partitions assigned/, { timeoutMs: 30_000 });
      await checkpoints(run2, 3);
      expect((await run2.stop('SIGKILL')).signal).toBe('SIGKILL');

      const run3 = start();
      await run3.waitForLine(/restored checkpoint/, { timeoutMs: 30_000 });
      producing = false;
      await producer;
      await idempotent.disconnect();
      const last = (): Map<string, number> => {
        const m = new Map<string, number>();
        for (const r of [...out.records].sort((a, b) => a.offset - b.offset)) {
          if (!r.value) continue; // -U / -D are tombstones
          const row = JSON.parse(r.value) as { k: string; n: number };
          m.set(row.k, row.n);
        }
        return m;
      };
      const done = (): boolean => [...expected].every(([k, n]) => last().get(k) === n);
      const deadline = Date.now() + 60_000;
      while (!done()) {
        if (Date.now() > deadline) break;
        await sleep(200);
      }
      const status = await run3.stop('SIGTERM', 20_000);
      expect(status.code, run3.stderr().slice(-3000)).toBe(0);
      const end = (await endOffsets(output)).get(0)!;
      while (out.records.length < end) await sleep(50);

      // No count ever exceeds the input (nothing counted twice), and every key ends exact.
      const over: string[] = [];
      for (const r of out.records) {
        if (!r.value) continue;
        const row = JSON.parse(r.value) as { k: string; n: number; s: number };
        if (row.n > expected.get(row.k)!) over.push(`${row.k}: ${row.n} > ${expected.get(row.k)}`);
        if (row.s !== row.n) over.push(`${row.k}: sum ${row.s} != count ${row.n}`);
      }
      expect(over).toEqual([]);
      const final = last();
      expect(final.size).toBe(KEYS);
      for (const [k, n] of expected) expect(final.get(k), k).toBe(n);
      // The working store is removed when the job stops.
      expect(existsSync(join(ckptDir, 'state-local', 'op0'))).toBe(false);
      process.stdout.write(`[offheap-state] ${sent} input records, ${KEYS} keys, ${out.records.length} output records over 3 runs (2 SIGKILLs)\n`);
    } catch (e) {
      for (const [i, r] of runs.entries()) process.stderr.write(`--- run ${i + 1} stderr ---\n${r.stderr().slice(-3000)}\n`);
      throw e;
    } finally {
      producing = false;
      for (const r of runs) await r.stop('SIGKILL').catch(() => undefined);
    }
  }, 300_000);
});
