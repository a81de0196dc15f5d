import { afterAll, describe, expect, it } from 'vitest';
import type { Source, SourceBatch } from '../../src/core/connector.js';
import { DecodeError, DirkError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Row } from '../../src/core/types.js';
import type { BadRecordPolicy, RowDecoder } from '../../src/connectors/shared/codec.js';
import { createKafkaSource, type KafkaSourceOptions } from '../../src/connectors/kafka/kafka-source.js';
import { createTelemetry } from '../../src/telemetry/index.js';
import {
  closeKafkaHelpers,
  committedOffsets,
  consumeN,
  createTopics,
  kafkaBootstrap,
  produce,
  setCommittedOffsets,
  uniqueTopic,
} from '../helpers/kafka.js';

/** A trivial decoder: the value is the JSON of an array (the row). */
const jsonArrayDecoder: RowDecoder = {
  decode(bytes) {
    let v: unknown;
    try {
      v = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch (e) {
      throw new DecodeError(`not JSON: ${(e as Error).message}`);
    }
    if (!Array.isArray(v)) throw new DecodeError('not a JSON array');
    return v as Row;
  },
};

const FAST_GROUP = { sessionTimeout: 6000, rebalanceTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 };

function source(topicPattern: string, groupId: string, extra: Partial<KafkaSourceOptions> = {}): Source {
  return createKafkaSource({
    table: 'events',
    topicPattern,
    brokers: [kafkaBootstrap()],
    groupId,
    autoOffsetReset: 'earliest',
    clientId: 'dirk-test-source',
    decoder: jsonArrayDecoder,
    badRecords: { mode: 'FAIL' },
    logger: silentLogger,
    consumerConfig: FAST_GROUP,
    ...extra,
  });
}

interface Running {
  readonly rows: Row[];
  readonly batches: SourceBatch[];
  readonly done: Promise<void>;
  readonly telemetry: ReturnType<typeof createTelemetry>;
  waitFor(n: number, timeoutMs?: number): Promise<void>;
}

function start(src: Source): Running {
  const rows: Row[] = [];
  const batches: SourceBatch[] = [];
  const telemetry = createTelemetry({ jobId: 'test' });
  const waiters: { n: number; resolve: () => void }[] = [];
  const done = src.run({
    logger: silentLogger,
    metrics: telemetry.sourceMetrics('events'),
    async deliver(batch) {
      batches.push(batch);
      rows.push(...batch.rows);
      // Resolve waiters after this deliver has returned and the source has advanced its position.
      for (const w of waiters) if (rows.length >= w.n) setTimeout(w.resolve, 10);
    },
  });
  done.catch(() => {});
  return {
    rows,
    batches,
    done,
    telemetry,
    waitFor: (n, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        if (rows.length >= n) return void setTimeout(resolve, 10);
        const t = setTimeout(() => reject(new Error(`got ${rows.length} of ${n} rows`)), timeoutMs);
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(t);
            resolve();
          },
        });
        done.then(
          () => rows.length < n && reject(new Error(`source ended with ${rows.length} of ${n} rows`)),
          reject,
        );
      }),
  };
}

/** n records per partition: value [partition, i], key `k<partition>-<i>`. */
async function fill(topic: string, partitions: number, n: number, from = 0): Promise<void> {
  const msgs = [];
  for (let p = 0; p < partitions; p++) {
    for (let i = from; i < from + n; i++) msgs.push({ key: `k${p}-${i}`, value: JSON.stringify([p, i]), partition: p });
  }
  await produce(topic, msgs);
}

function byPartition(rows: Row[]): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const r of rows) {
    const p = r[0] as number;
    m.set(p, [...(m.get(p) ?? []), r[1] as number]);
  }
  return m;
}

const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);

afterAll(closeKafkaHelpers);

describe('kafka source', () => {
  it('reads exact records from a 3-partition topic, commits positions and resumes without skipping', async () => {
    const topic = uniqueTopic('src-exact');
    const group = `${topic}-g`;
    await createTopics([topic], 3);
    await fill(topic, 3, 10);

    const src = source(topic, group);
    const a = start(src);
    await a.waitFor(30);
    const parts = byPartition(a.rows);
    for (let p = 0; p < 3; p++) expect(parts.get(p)).toEqual(range(0, 10));
    expect(a.batches.every((b) => b.split.startsWith(`${topic}:`))).toBe(true);
    expect(a.batches.every((b) => b.rows.every((r) => `${topic}:${r[0] as number}` === b.split))).toBe(true);
    expect(await a.telemetry.metrics()).toContain('dirk_source_records_total{table="events",job="test"} 30');
    expect(a.rows.length).toBe(30);
    await src.stop();
    await src.close?.();
    await a.done;
  });

  it('positions, commit, restart and seek resume exactly where they should', async () => {
    const topic = uniqueTopic('src-resume');
    const group = `${topic}-g`;
    await createTopics([topic], 3);
    await fill(topic, 3, 10);

    const s1 = source(topic, group);
    const r1 = start(s1);
    await r1.waitFor(30);
    const pos = s1.positions();
    expect(pos).toEqual({ [`${topic}:0`]: '10', [`${topic}:1`]: '10', [`${topic}:2`]: '10' });
    await s1.commit(pos);
    const committed = await committedOffsets(group, topic);
    expect([...committed.entries()].sort()).toEqual([
      [0, 10],
      [1, 10],
      [2, 10],
    ]);
    // More records arrive while the first instance still runs; it reads them but its checkpoint
    // (positions) is never committed: a restart must read them again, not skip them.
    await fill(topic, 3, 5, 10);
    await r1.waitFor(45);
    await s1.stop();
    await s1.close?.();
    await r1.done;

    const s2 = source(topic, group);
    const r2 = start(s2);
    await r2.waitFor(15);
    await new Promise((r) => setTimeout(r, 500));
    const parts = byPartition(r2.rows);
    for (let p = 0; p < 3; p++) expect(parts.get(p)).toEqual(range(10, 15));
    const pos2 = s2.positions();
    expect(pos2).toEqual({ [`${topic}:0`]: '15', [`${topic}:1`]: '15', [`${topic}:2`]: '15' });
    await s2.stop();
    await s2.close?.();
    await r2.done;
    // Commit after stop goes through the (now empty) group from outside.
    await s2.commit(pos2);
    expect((await committedOffsets(group, topic)).get(1)).toBe(15);

    // Restore from an older checkpoint: seek overrides the group's committed offsets.
    const s3 = source(topic, group);
    s3.seek!({ [`${topic}:0`]: '3', [`${topic}:1`]: '12', [`${topic}:2`]: '15' });
    const r3 = start(s3);
    await r3.waitFor(7 + 3);
    await new Promise((r) => setTimeout(r, 500));
    const parts3 = byPartition(r3.rows);
    expect(parts3.get(0)).toEqual(range(3, 15));
    expect(parts3.get(1)).toEqual(range(12, 15));
    expect(parts3.get(2)).toBeUndefined();
    expect(s3.positions()[`${topic}:0`]).toBe('15');
    await s3.stop();
    await s3.close?.();
    await r3.done;
  });

  it('a restored partition that delivered nothing keeps its position in every checkpoint after a commit', async () => {
    // The crash-recovery over-count (issue 17): a checkpoint taken after the restore position of an idle
    // partition had been committed left that partition out; restored from it, the partition was read from
    // the group's committed offset (behind, after a crash between saving and committing, or reset), so
    // records already counted in the restored state were counted again.
    const topic = uniqueTopic('src-idle-restore');
    const group = `${topic}-g`;
    await createTopics([topic], 2);
    await fill(topic, 2, 5);
    const s1 = source(topic, group);
    s1.seek!({ [`${topic}:0`]: '2', [`${topic}:1`]: '5' });
    const r1 = start(s1);
    await r1.waitFor(3);
    await new Promise((r) => setTimeout(r, 500));
    const first = s1.positions();
    expect(first).toEqual({ [`${topic}:0`]: '5', [`${topic}:1`]: '5' });
    await s1.commit(first);
    // The next checkpoint: partition 1 still has delivered nothing since the restore.
    const second = s1.positions();
    expect(second).toEqual({ [`${topic}:0`]: '5', [`${topic}:1`]: '5' });
    await s1.stop();
    await r1.done;
    await s1.close?.();
    // The group's offsets fall behind the checkpoint; a restore from `second` still reads only what is new.
    await setCommittedOffsets(group, topic, new Map([[0, 0], [1, 0]]));
    await fill(topic, 2, 3, 5);
    const s2 = source(topic, group);
    s2.seek!(second);
    const r2 = start(s2);
    await r2.waitFor(6);
    await new Promise((r) => setTimeout(r, 500));
    const parts = byPartition(r2.rows);
    expect(parts.get(0)).toEqual(range(5, 8));
    expect(parts.get(1)).toEqual(range(5, 8));
    await s2.stop();
    await r2.done;
    await s2.close?.();
  });

  it('rebalances: positions of revoked partitions are dropped, nothing is read twice or skipped', async () => {
    const topic = uniqueTopic('src-rebalance');
    const group = `${topic}-g`;
    await createTopics([topic], 3);
    await fill(topic, 3, 10);
    const a = source(topic, group);
    const ra = start(a);
    await ra.waitFor(30);
    await a.commit(a.positions());

    // A second member joins: the group splits the partitions between the two.
    const b = source(topic, group);
    const rb = start(b);
    // Once the rebalance is through, A has dropped the positions of the partitions it gave up.
    let deadline = Date.now() + 30_000;
    while (Object.keys(a.positions()).length === 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(Object.keys(a.positions()).length).toBeLessThan(3);
    await fill(topic, 3, 5, 10);
    deadline = Date.now() + 30_000;
    while (ra.rows.length - 30 + rb.rows.length < 15 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    const fresh = [...ra.rows.slice(30), ...rb.rows];
    const parts = byPartition(fresh);
    for (let p = 0; p < 3; p++) expect(parts.get(p)?.sort((x, y) => x - y)).toEqual(range(10, 15));
    expect(rb.rows.length).toBeGreaterThan(0);

    const pa = Object.keys(a.positions());
    const pb = Object.keys(b.positions());
    expect(pa.filter((k) => pb.includes(k))).toEqual([]);
    expect([...pa, ...pb].sort()).toEqual([0, 1, 2].map((p) => `${topic}:${p}`));
    await Promise.all([a.stop(), b.stop()]);
    await Promise.all([ra.done, rb.done]);
  });

  it('stop() finishes the batch in flight; a slow batch keeps the group membership (heartbeats)', async () => {
    const topic = uniqueTopic('src-slow');
    await createTopics([topic], 1);
    await fill(topic, 1, 5);
    const infos: string[] = [];
    const logger = { ...silentLogger, info: (m: string) => void infos.push(m), child: () => logger };
    const s = source(topic, `${topic}-g`, { logger });
    const rows: Row[] = [];
    let calls = 0;
    let release!: () => void;
    const inFlight = new Promise<void>((r) => (release = r));
    let gate: Promise<void> | undefined;
    let openGate!: () => void;
    let gated = false;
    const done = s.run({
      logger: silentLogger,
      metrics: createTelemetry({ jobId: 'x' }).sourceMetrics('events'),
      async deliver(b) {
        calls++;
        if (calls === 1) {
          // Longer than the 6 s session timeout: only heartbeats during deliver keep us in the group.
          await new Promise((r) => setTimeout(r, 8000));
          release();
        }
        if (gate) {
          gated = true;
          await gate;
        }
        rows.push(...b.rows);
      },
    });
    await new Promise((r) => setTimeout(r, 3000));
    await fill(topic, 1, 5, 5); // arrives while the first batch is still being processed
    await inFlight;
    await new Promise((r) => setTimeout(r, 1500));
    expect(rows.length).toBe(10);
    expect(infos.filter((m) => m === 'partitions assigned').length).toBe(1);

    // stop() during a batch: waits for it to finish, keeps its position, then run() resolves.
    gate = new Promise<void>((r) => (openGate = r));
    await fill(topic, 1, 1, 10);
    while (!gated) await new Promise((r) => setTimeout(r, 20));
    let stopped = false;
    const stopping = s.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(stopped).toBe(false);
    openGate();
    await stopping;
    await done;
    expect(rows.length).toBe(11);
    expect(s.positions()).toEqual({ [`${topic}:0`]: '11' });
  }, 40_000);

  it('follows the topic regex across topics', async () => {
    const base = uniqueTopic('src-regex');
    const t1 = `${base}-a`;
    const t2 = `${base}-b`;
    const other = `${base}-c`;
    await createTopics([t1, t2, other], 1);
    await produce(t1, [{ value: '[0, 1]' }]);
    await produce(t2, [{ value: '[0, 2]' }]);
    await produce(other, [{ value: '[0, 3]' }]);
    const topics: string[] = [];
    const s = source(`${t1}|${base.replace(/[.-]/g, (c) => `\\${c}`)}-b`, `${base}-g`, {
      onTopics: (t) => topics.push(...t),
    });
    const r = start(s);
    await r.waitFor(2);
    await new Promise((res) => setTimeout(res, 300));
    expect(r.rows.map((x) => x[1]).sort()).toEqual([1, 2]);
    expect(topics.sort()).toEqual([t1, t2]);
    await s.stop();
    await s.close?.();
    await r.done;
  });

  describe('bad records', () => {
    const garbage = Buffer.from([0xff, 0x00, 0x13, 0x37]);

    async function badTopic(name: string): Promise<string> {
      const topic = uniqueTopic(name);
      await createTopics([topic], 1);
      await produce(topic, [
        { key: 'a', value: '[0, 0]' },
        { key: 'bad', value: garbage, headers: { trace: 'xyz' } },
        { key: 'b', value: '[0, 2]' },
      ]);
      return topic;
    }

    it('FAIL stops the source with the topic, partition and offset, after delivering what came before', async () => {
      const topic = await badTopic('src-fail');
      const s = source(topic, `${topic}-g`, { badRecords: { mode: 'FAIL' } });
      const r = start(s);
      const err = await r.done.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DirkError);
      expect((err as DirkError).domain).toBe('user');
      expect((err as Error).message).toMatch(new RegExp(`topic ${topic} partition 0 offset 1: not JSON`));
      expect(r.rows).toEqual([[0, 0]]);
      expect(s.positions()).toEqual({ [`${topic}:0`]: '1' });
      expect(await r.telemetry.metrics()).toContain('dirk_source_decode_errors_total{table="events",job="test"} 1');
    });

    it('SKIP counts, logs and continues', async () => {
      const topic = await badTopic('src-skip');
      const warnings: string[] = [];
      const logger = { ...silentLogger, warn: (m: string) => warnings.push(m), child: () => logger };
      const s = source(topic, `${topic}-g`, { badRecords: { mode: 'SKIP' }, logger });
      const r = start(s);
      await r.waitFor(2);
      expect(r.rows).toEqual([
        [0, 0],
        [0, 2],
      ]);
      expect(s.positions()).toEqual({ [`${topic}:0`]: '3' });
      const text = await r.telemetry.metrics();
      expect(text).toContain('dirk_source_bad_records_skipped_total{table="events",job="test"} 1');
      expect(text).toContain('dirk_source_decode_errors_total{table="events",job="test"} 1');
      expect(warnings.some((w) => w.includes('skipped a record'))).toBe(true);
      await s.stop();
      await s.close?.();
      await r.done;
    });

    it('DEAD_LETTER sends the original bytes, key and headers with the error to the dead-letter topic', async () => {
      const topic = await badTopic('src-dlq');
      const dlq = `${topic}-dlq`;
      await createTopics([dlq], 1);
      const policy: BadRecordPolicy = { mode: 'DEAD_LETTER', deadLetterTopic: dlq };
      const s = source(topic, `${topic}-g`, { badRecords: policy });
      const r = start(s);
      await r.waitFor(2);
      expect(r.rows.length).toBe(2);
      const [dead] = await consumeN(dlq, 1);
      expect(dead!.value).toEqual(garbage);
      expect(dead!.key?.toString()).toBe('bad');
      const h = Object.fromEntries(Object.entries(dead!.headers).map(([k, v]) => [k, v.toString()]));
      expect(h['trace']).toBe('xyz');
      expect(h['dirk-error']).toMatch(/^not JSON/);
      expect(h['dirk-source-topic']).toBe(topic);
      expect(h['dirk-source-partition']).toBe('0');
      expect(h['dirk-source-offset']).toBe('1');
      expect(Date.now() - Date.parse(h['dirk-error-time']!)).toBeLessThan(60_000);
      expect(h['dirk-error-time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(await r.telemetry.metrics()).toContain('dirk_source_bad_records_dead_lettered_total{table="events",job="test"} 1');
      await s.stop();
      await s.close?.();
      await r.done;
    });
  });

  it('bounded mode reads up to the end offsets seen at start, then ends', async () => {
    const topic = uniqueTopic('src-bounded');
    await createTopics([topic], 3);
    await fill(topic, 3, 7);
    const s = source(topic, `${topic}-g`, { bounded: true });
    const r = start(s);
    await r.done;
    expect(r.rows.length).toBe(21);
    const parts = byPartition(r.rows);
    for (let p = 0; p < 3; p++) expect(parts.get(p)).toEqual(range(0, 7));
    expect(s.positions()).toEqual({ [`${topic}:0`]: '7', [`${topic}:1`]: '7', [`${topic}:2`]: '7' });

    // An empty topic (or one already read to the end) ends at once.
    const empty = uniqueTopic('src-bounded-empty');
    await createTopics([empty], 2);
    const e = start(source(empty, `${empty}-g`, { bounded: true }));
    await e.done;
    expect(e.rows).toEqual([]);
  });
});
