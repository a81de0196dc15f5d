import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/logger.js';
import { T, type Row, type TableSchema } from '../../../src/core/types.js';
import { planExchange } from '../../../src/plan/exchange.js';
import { buildDataflow } from '../../../src/runtime/dataflow.js';
import { functions, plan, TABLE } from './exchange-fixture.js';
import { planSql } from '../../../src/sql/planner.js';
import { partitionOf } from '../../../src/job/exchange/exchange-hash.js';
import { ExchangeStage, exchangeDecoder } from '../../../src/job/exchange/exchange-stage.js';
import { ExchangeWriter } from '../../../src/job/exchange/exchange-writer.js';

/** The plan cut for scale-out, the writer's partitioning and the downstream stage's duplicate and watermark rules. */
const TUMBLE = "SELECT UPPER(k) AS kk, COUNT(*) AS n FROM t WHERE x > 0 GROUP BY TUMBLE(rowtime, INTERVAL '1' SECOND), UPPER(k)";

describe('planExchange', () => {
  it('cuts below the keyed operator and carries the source offset through projections', () => {
    const ex = planExchange(plan(TUMBLE), 'job', new Set(['t']))!;
    expect(ex.table.name).toBe('job-windowaggregate-repartition');
    expect(ex.sourceTable).toBe('t');
    expect(ex.keys).toHaveLength(1);
    expect(ex.downstream.root.kind).not.toBe('scan');
    expect(ex.downstream.scans[0]!.table.name).toBe(ex.table.name);
    // The upstream's root rows carry the offset at offsetIndex, one column past the exchanged columns.
    expect(ex.offsetIndex).toBe(ex.table.columns.length);
    const projected = planExchange(plan("SELECT kk, COUNT(*) FROM (SELECT UPPER(k) AS kk, rowtime FROM t) GROUP BY TUMBLE(rowtime, INTERVAL '1' SECOND), kk"), 'job', new Set(['t']))!;
    expect(projected.upstream!.root.kind).toBe('project');
    expect(projected.upstream!.root.fields.length).toBe(projected.table.columns.length + 1);
    expect(projected.offsetIndex).toBe(projected.table.columns.length);
  });

  it('cuts below MATCH_RECOGNIZE, keyed by its PARTITION BY', () => {
    const mr = "SELECT * FROM t MATCH_RECOGNIZE (PARTITION BY k ORDER BY rowtime MEASURES B.x AS bx PATTERN (A B) DEFINE B AS B.x > A.x)";
    const ex = planExchange(plan(mr), 'job', new Set(['t']))!;
    expect(ex.operatorKind).toBe('match');
    expect(ex.table.name).toBe('job-match-repartition');
    expect(ex.keys).toEqual([expect.objectContaining({ k: 'col', index: 0 })]);
  });

  it('has nothing to cut without a keyed operator, and refuses what it cannot run', () => {
    expect(planExchange(plan('SELECT k FROM t WHERE x > 1'), 'job', new Set(['t']))).toBeUndefined();
    expect(() => planExchange(plan(TUMBLE), 'job', new Set())).toThrow(/only one unbounded Kafka table can be repartitioned/);
    expect(() => planExchange(plan('SELECT k FROM t INTERSECT SELECT k2 FROM u'), 'job', new Set(['t', 'u']))).toThrow(/needs a set operation \(INTERSECT\), which the repartitioning exchange does not support yet/);
  });

  it('cuts a join below it: both sides go through one repartition topic, each keyed by its own join key', () => {
    const ex = planExchange(plan('SELECT a.k, b.id FROM t AS a JOIN u AS b ON UPPER(a.k) = b.k2 WHERE a.x > 0'), 'job', new Set(['t', 'u']))!;
    expect(ex.topic).toBe('job-join-repartition');
    expect(ex.sides.map((s) => s.sourceTable)).toEqual(['t', 'u']);
    expect(ex.sides.map((s) => s.table.name)).toEqual(['job-join-repartition', 'job-join-repartition#1']);
    expect(ex.sides.map((s) => s.keys.length)).toEqual([1, 1]);
    expect(ex.downstream.scans.map((s) => s.table.name)).toEqual(['job-join-repartition', 'job-join-repartition#1']);
    for (const side of ex.sides) expect(side.offsetIndex).toBe(side.table.columns.length);
    const interval = planExchange(
      plan("SELECT a.k FROM t AS a LEFT JOIN t AS b ON a.k = b.k AND b.rowtime BETWEEN a.rowtime - INTERVAL '1' SECOND AND a.rowtime"),
      'job',
      new Set(['t']),
    )!;
    expect(interval.topic).toBe('job-intervaljoin-repartition');
    expect(interval.operatorKind).toBe('intervalJoin');
    expect(interval.sides.map((s) => s.sourceTable)).toEqual(['t', 't']);
  });

  it('refuses what a join cannot do scaled out, saying what: a side that is not a Kafka table, a UNION ALL branch beside it', () => {
    expect(() => planExchange(plan('SELECT a.k FROM t AS a JOIN u AS b ON a.k = b.k2'), 'job', new Set(['t']))).toThrow(/a join \(right side\) reads u, but only one unbounded Kafka table can be repartitioned per input/);
    const beside = plan("SELECT a.k FROM t AS a JOIN u AS b ON a.k = b.k2 UNION ALL SELECT k FROM t");
    expect(() => planExchange(beside, 'job', new Set(['t', 'u']))).toThrow(/also reads t beside a join \(UNION ALL\)/);
    const aggBeside = plan("SELECT k, COUNT(*) AS n FROM t GROUP BY k UNION ALL SELECT k2, id FROM u");
    expect(() => planExchange(aggBeside, 'job', new Set(['t', 'u']))).toThrow(/also reads u beside a group aggregate/);
  });

  it('refuses an upsert table (its ChangelogNormalize), by name', () => {
    const upsert: TableSchema = { ...TABLE, changelog: true, upsert: true, primaryKey: [0] };
    const p = planSql('SELECT x, COUNT(*) FROM t GROUP BY x', { table: (n) => (n === 't' ? upsert : undefined), tableNames: () => ['t'], functions });
    expect(() => planExchange(p, 'job', new Set(['t']))).toThrow(/an upsert table \(its ChangelogNormalize\)/);
  });

  it('the upstream half runs on its own and the writer sends each row to its key\'s partition', async () => {
    const ex = planExchange(plan(TUMBLE), 'job', new Set(['t']))!;
    const sent: { partition: number; value: Buffer }[] = [];
    const writer = new ExchangeWriter({
      producer: { send: async (r: { messages: { partition?: number; value: Buffer | string | null }[] }) => void sent.push(...r.messages.map((m) => ({ partition: m.partition!, value: m.value as Buffer }))) } as never,
      topic: ex.table.name,
      partitions: 4,
      keys: ex.keys,
      offsetIndex: ex.offsetIndex!,
      promise: () => ({ wm: 999, splits: ['t:0'] }),
      intervalMs: 0,
      totalSplits: 1,
      logger: silentLogger,
    });
    const up = buildDataflow(ex.upstream!, writer, { hooks: { late: () => undefined }, retentionMs: 0, now: Date.now });
    writer.begin('t:0');
    up.inputs[0]!.push([['a', 1, 10, 100], ['b', 0, 20, 101], ['a', 2, 30, 102]] as Row[]);
    writer.end();
    writer.report(true);
    await writer.flush();
    const data = sent.filter((m) => !('w' in (exchangeDecoder.decode(m.value)[0] as object)));
    expect(data).toHaveLength(1);
    const msg = exchangeDecoder.decode(data[0]!.value)[0] as { s: string; o: number[]; r: Row[] };
    expect(msg.s).toBe('t:0');
    expect(msg.o).toEqual([100, 102]); // x > 0 dropped offset 101
    expect(data[0]!.partition).toBe(partitionOf(['A'], 4));
    // Every partition hears the watermark, after the data.
    expect(sent.filter((m) => 'w' in (exchangeDecoder.decode(m.value)[0] as object)).map((m) => m.partition).sort()).toEqual([0, 1, 2, 3]);
  });
});

describe('ExchangeWriter watermark reports', () => {
  it('a split newly covered at a lower watermark hears the promise again when it climbs back (a split taken over from a dead task)', async () => {
    const ex = planExchange(plan(TUMBLE), 'job', new Set(['t']))!;
    const sent: { partition: number; value: Buffer }[] = [];
    let promise = { wm: 5000, splits: ['t:0'] };
    const writer = new ExchangeWriter({
      producer: { send: async (r: { messages: { partition?: number; value: Buffer | string | null }[] }) => void sent.push(...r.messages.map((m) => ({ partition: m.partition!, value: m.value as Buffer }))) } as never,
      topic: ex.table.name,
      partitions: 1,
      keys: ex.keys,
      offsetIndex: ex.offsetIndex!,
      promise: () => promise,
      intervalMs: 0,
      totalSplits: 2,
      logger: silentLogger,
    });
    const reports = async (): Promise<{ w: number; s: string[] }[]> => {
      await writer.flush();
      return sent.map((m) => exchangeDecoder.decode(m.value)[0] as { w: number; s: string[] }).filter((m) => 'w' in m);
    };
    writer.report(true);
    // t:1 moved here: its first rows are older, so the promise drops while it covers t:1 too.
    promise = { wm: 2000, splits: ['t:0', 't:1'] };
    writer.report(true);
    // t:1 caught up: the promise is back at 5000 and must reach t:1, then moves on.
    promise = { wm: 5000, splits: ['t:0', 't:1'] };
    writer.report(true);
    writer.report(true); // nothing new: not sent again
    promise = { wm: 9000, splits: ['t:0', 't:1'] };
    writer.report(true);
    expect((await reports()).map((r) => `${r.w}:${r.s.join(',')}`)).toEqual(['5000:t:0', '2000:t:0,t:1', '5000:t:0,t:1', '9000:t:0,t:1']);
  });
});

describe('ExchangeStage', () => {
  const ex = planExchange(plan(TUMBLE), 'job', new Set(['t']))!;
  const setup = (holdOutput = false) => {
    const out: Row[] = [];
    const stage = new ExchangeStage({
      build: (output) => buildDataflow(ex.downstream, output, { hooks: { late: () => undefined }, retentionMs: 0, now: Date.now }),
      output: { data: (rows) => void out.push(...rows), watermark: () => undefined },
      holdOutput,
      idleTimeoutMs: 0,
      logger: silentLogger,
    });
    const deliver = (messages: object[], split = 'r:0') =>
      stage.process(messages.map((m) => exchangeDecoder.decode(serialize(m))), undefined, { rows: [], split });
    return { stage, out, deliver };
  };
  const row = (k: string, t: number): Row => [k, 1, t];

  it('exactly-once: holds a partition\'s output until release, and drops it with a partition that moves away', async () => {
    const { stage, out, deliver } = setup(true);
    await stage.assign(['r:0', 'r:1']);
    for (const split of ['r:0', 'r:1']) {
      await deliver([{ s: 't:0', o: [1], r: [row(split, 100)] }], split);
      await deliver([{ w: 5000, s: ['t:0'], n: 1 }], split);
    }
    stage.batchEnd();
    expect(out).toHaveLength(0); // both windows fired, held
    await stage.assign(['r:0']); // r:1 moved away before the checkpoint
    stage.release();
    expect(out.map((r) => r[0])).toEqual(['R:0']); // the key column (UPPER(k))
    // A late batch of the partition that moved away is left to its new owner.
    await deliver([{ s: 't:0', o: [2], r: [row('r:1', 6000)] }, { w: 20000, s: ['t:0'], n: 1 }], 'r:1');
    stage.batchEnd();
    stage.release();
    expect(out).toHaveLength(1);
    expect(stage.partitions).toEqual(['r:0']);
  });

  it('drops rows a re-reading upstream writes again, and fires only once every source split has a watermark', async () => {
    const { stage, out, deliver } = setup();
    await stage.assign(['r:0']);
    await deliver([{ s: 't:0', o: [5, 6], r: [row('x', 100), row('x', 200)] }]);
    await deliver([{ s: 't:0', o: [5, 6, 7], r: [row('x', 100), row('x', 200), row('x', 300)] }]); // 5, 6 again
    await deliver([{ s: 't:1', o: [1], r: [row('x', 400)] }]);
    await deliver([{ w: 5000, s: ['t:0'], n: 2 }]);
    stage.batchEnd();
    expect(out).toHaveLength(0); // t:1 has not reported
    await deliver([{ w: 5000, s: ['t:1'], n: 2 }]);
    stage.batchEnd();
    expect(out).toHaveLength(1);
    expect(out[0]![1]).toBe(4);
  });

  it('a partition\'s state moves through snapshot and restore', async () => {
    const a = setup();
    await a.stage.assign(['r:0']);
    await a.deliver([{ s: 't:0', o: [1, 2], r: [row('x', 100), row('x', 200)] }]);
    const state = a.stage.liveSnapshot();
    const b = setup();
    b.stage.restore(Object.fromEntries(state));
    await b.stage.assign(['r:0']);
    await b.deliver([{ s: 't:0', o: [1, 2, 3], r: [row('x', 100), row('x', 200), row('x', 300)] }]);
    await b.deliver([{ w: 5000, s: ['t:0'], n: 1 }]);
    b.stage.batchEnd();
    expect(b.out.map((r) => r[1])).toEqual([3]);
  });
});

describe('a join through the exchange', () => {
  const ex = planExchange(plan('SELECT a.k, a.x, b.x FROM t AS a JOIN t AS b ON a.k = b.k'), 'job', new Set(['t']))!;
  const opts = { hooks: { late: () => undefined }, retentionMs: 0, now: Date.now };

  it('a self-join: each side gets its own copy, tagged, in the partition of its key; the stage joins them', async () => {
    const sent: { partition: number; value: Buffer }[] = [];
    const writer = new ExchangeWriter({
      producer: { send: async (r: { messages: { partition?: number; value: Buffer | string | null }[] }) => void sent.push(...r.messages.map((m) => ({ partition: m.partition!, value: m.value as Buffer }))) } as never,
      topic: ex.topic,
      partitions: 3,
      keys: ex.keys,
      offsetIndex: ex.offsetIndex!,
      sides: ex.sides.map((s) => ({ keys: s.keys, offsetIndex: s.offsetIndex! })),
      promise: () => ({ wm: 999, splits: ['t:0'] }),
      intervalMs: 0,
      totalSplits: 1,
      logger: silentLogger,
    });
    const ups = ex.sides.map((side, i) => buildDataflow(side.upstream!, writer.side(i), opts));
    writer.begin('t:0');
    const rows = [['a', 1, 10, 100], ['b', 2, 20, 101], ['a', 3, 30, 102]] as Row[];
    for (const up of ups) up.inputs[0]!.push(rows);
    writer.end();
    await writer.flush();
    const messages = sent.map((m) => ({ partition: m.partition, msg: exchangeDecoder.decode(m.value)[0] as { s: string; o: number[]; r: Row[]; t?: number } }));
    expect(messages.map((m) => m.msg.t ?? 0).sort()).toEqual([0, 0, 1, 1]);
    for (const m of messages) expect(m.partition).toBe(partitionOf([m.msg.r[0]![0]], 3));
    // The source rows are untouched by the first side's write (the second side saw their offsets too).
    expect(messages.every((m) => m.msg.r.every((r) => r.length === 3))).toBe(true);

    const out: Row[] = [];
    const stage = new ExchangeStage({
      build: (output) => buildDataflow(ex.downstream, output, opts),
      output: { data: (r) => void out.push(...r), watermark: () => undefined },
      idleTimeoutMs: 0,
      logger: silentLogger,
      sideTables: ex.sides.map((s) => s.table.name),
    });
    const byPartition = new Map<number, object[]>();
    for (const m of messages) byPartition.set(m.partition, [...(byPartition.get(m.partition) ?? []), m.msg]);
    await stage.assign([...byPartition.keys()].map((p) => `r:${p}`));
    for (const [p, msgs] of byPartition) {
      await stage.process(msgs.map((m) => exchangeDecoder.decode(serialize(m))), undefined, { rows: [], split: `r:${p}` });
      // Repeats of a re-reading upstream are dropped per side.
      await stage.process(msgs.map((m) => exchangeDecoder.decode(serialize(m))), undefined, { rows: [], split: `r:${p}` });
    }
    stage.batchEnd();
    expect(out.map((r) => r.join(',')).sort()).toEqual(['a,1,1', 'a,1,3', 'a,3,1', 'a,3,3', 'b,2,2']);
  });

  it('a LEFT join of two tables: its state (both sides) moves with the partition, and repeats are dropped per side', async () => {
    const lj = planExchange(plan('SELECT a.k, a.x, b.id FROM t AS a LEFT JOIN u AS b ON a.k = b.k2'), 'job', new Set(['t', 'u']))!;
    const setup = () => {
      const out: { row: Row; kind: string }[] = [];
      const stage = new ExchangeStage({
        build: (output) => buildDataflow(lj.downstream, output, opts),
        output: { data: (rows, kinds) => rows.forEach((row, i) => out.push({ row, kind: kinds ? String(kinds[i]) : '+I' })), watermark: () => undefined },
        idleTimeoutMs: 0,
        logger: silentLogger,
        sideTables: lj.sides.map((s) => s.table.name),
      });
      const deliver = (messages: object[]) => stage.process(messages.map((m) => exchangeDecoder.decode(serialize(m))), undefined, { rows: [], split: 'r:0' });
      return { stage, out, deliver };
    };
    const a = setup();
    await a.stage.assign(['r:0']);
    await a.deliver([{ s: 't:0', o: [1], r: [['k1', 10, 100]] }]); // left, no match yet: NULL-padded
    a.stage.batchEnd();
    const b = setup();
    b.stage.restore(Object.fromEntries(a.stage.liveSnapshot()));
    await b.stage.assign(['r:0']);
    // The left row again (a re-reading upstream: dropped), then its match from the right side.
    await b.deliver([{ s: 't:0', o: [1], r: [['k1', 10, 100]] }, { s: 'u:3', o: [7], r: [[42, 'k1', 150]], t: 1 }]);
    b.stage.batchEnd();
    const text = (o: { row: Row; kind: string }[]) => o.map((x) => `${x.kind} ${x.row.join(',')}`);
    // RowKind: 0 +I, 3 -D. The restored state knew the NULL-padded row, so it retracts it once.
    expect(text(a.out)).toEqual(['+I k1,10,']);
    expect(text(b.out)).toEqual(['3 k1,10,', '0 k1,10,42']);
  });
});
