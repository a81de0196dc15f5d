import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/logger.js';
import { RowKind, T, type Row, type TableSchema } from '../../../src/core/types.js';
import { planExchange, type ExchangePlan, type ExchangeStagePlan } from '../../../src/plan/exchange.js';
import { buildDataflow } from '../../../src/runtime/dataflow.js';
import { planSql } from '../../../src/sql/planner.js';
import { ExchangeStage, exchangeDecoder } from '../../../src/job/exchange/exchange-stage.js';
import { ExchangeWriter } from '../../../src/job/exchange/exchange-writer.js';
import { NEXMARK_QUERIES } from '../../../bench/nexmark/queries.js';
import { functions, plan } from './exchange-fixture.js';

/**
 * Chains of exchanges: a keyed operator over another keyed operator's output reads it through a
 * repartition topic of its own (a stage per keyed operator whose input is not partitioned by its key).
 */
const shape = (ex: ExchangePlan): string[] =>
  ex.stages.map((s) => `${s.topic} <- ${s.sides.map((x) => x.sourceTable ?? `stage ${x.from}`).join(', ')}${s.into ? ` -> stage ${s.into.stage}.${s.into.side}` : ''}`);

const TWO_LEVEL = 'SELECT n, COUNT(*) AS c FROM (SELECT k, COUNT(*) AS n FROM t GROUP BY k) GROUP BY n';

describe('planExchange: stages', () => {
  it('a group aggregate over a group aggregate: two stages, the upper one reading the lower one\'s changelog', () => {
    const ex = planExchange(plan(TWO_LEVEL), 'job', new Set(['t']))!;
    expect(shape(ex)).toEqual(['job-groupaggregate-repartition <- stage 1', 'job-groupaggregate-repartition-2 <- t -> stage 0.0']);
    expect(ex.stages.map((s) => s.changelog)).toEqual(['job-groupaggregate-changelog', 'job-groupaggregate-changelog-2']);
    // The upper stage's input is a changelog (updating scan); the lower one reads the source with offsets.
    expect(ex.downstream.scans[0]!.updating).toBe(true);
    expect(ex.sides[0]!.upstream).toBeUndefined();
    expect(ex.stages[1]!.sides[0]!.offsetIndex).toBeGreaterThan(0);
    // The lower stage's plan ends at what the upper stage reads: (k, n).
    expect(ex.stages[1]!.downstream.root.fields.map((f) => f.name)).toEqual(ex.table.columns.map((f) => f.name));
  });

  it('needs no exchange where the lower operator\'s key stands in the upper one\'s key (an inner join\'s either side; an outer join\'s kept side)', () => {
    const merged = planExchange(plan('SELECT a.k, COUNT(*) FROM t AS a JOIN u AS b ON a.k = b.k2 GROUP BY a.k'), 'job', new Set(['t', 'u']))!;
    expect(shape(merged)).toEqual(['job-join-repartition <- t, u']);
    expect(merged.downstream.root.kind).not.toBe('scan');
    const byRight = planExchange(plan('SELECT b.k2, COUNT(*) FROM t AS a JOIN u AS b ON a.k = b.k2 GROUP BY b.k2'), 'job', new Set(['t', 'u']))!;
    expect(byRight.stages).toHaveLength(1);
    // A LEFT join pads unmatched rows with NULL on the right: grouped by the right key, they need the exchange.
    const left = planExchange(plan('SELECT b.k2, COUNT(*) FROM t AS a LEFT JOIN u AS b ON a.k = b.k2 GROUP BY b.k2'), 'job', new Set(['t', 'u']))!;
    expect(shape(left)).toEqual(['job-groupaggregate-repartition <- stage 1', 'job-join-repartition-2 <- t, u -> stage 0.0']);
    // A key that holds only part of the lower key: exchanged.
    const part = planExchange(plan('SELECT x, COUNT(*) FROM (SELECT k, x, COUNT(*) AS n FROM t GROUP BY k, x) GROUP BY x'), 'job', new Set(['t']))!;
    expect(part.stages).toHaveLength(2);
    const whole = planExchange(plan('SELECT k, x, MAX(n) FROM (SELECT k, x, COUNT(*) AS n FROM t GROUP BY k, x) GROUP BY k, x'), 'job', new Set(['t']))!;
    expect(whole.stages).toHaveLength(1);
  });

  it('a join over an aggregate and a table: one side from a stage, one from the source', () => {
    const ex = planExchange(plan('SELECT a.k, b.id FROM (SELECT k, COUNT(*) AS c FROM t GROUP BY k) AS a JOIN u AS b ON a.k = b.k2'), 'job', new Set(['t', 'u']))!;
    expect(shape(ex)).toEqual(['job-join-repartition <- stage 1, u', 'job-groupaggregate-repartition-2 <- t -> stage 0.0']);
    expect(ex.downstream.scans.map((s) => s.updating)).toEqual([true, false]);
  });

  it('still refuses what no stage can run, naming it', () => {
    expect(() => planExchange(plan('SELECT k, COUNT(*) FROM (SELECT k FROM t INTERSECT SELECT k2 FROM u) GROUP BY k'), 'job', new Set(['t', 'u']))).toThrow(
      /needs a set operation \(INTERSECT\), which the repartitioning exchange does not support yet.*Run the job as one task/,
    );
    const procTime: TableSchema = { name: 't', columns: [{ name: 'k', type: T.STRING }, { name: 'pt', type: { kind: 'TIMESTAMP', precision: 3, proctime: true } as const }], rowtimeIndex: undefined };
    const p = planSql("SELECT k, COUNT(*) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(pt), INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end", { table: (n) => (n === 't' ? procTime : undefined), tableNames: () => ['t'], functions });
    expect(() => planExchange(p, 'job', new Set(['t']))).toThrow(/a processing-time window/);
  });
});

describe('planExchange: the Nexmark queries that need a second exchange', () => {
  const ts = (name: string, rowtime = false) => ({ name, type: rowtime ? T.ROWTIME : T.TIMESTAMP });
  const cols = (names: string): { name: string; type: typeof T.BIGINT }[] => names.split(',').map((n) => ({ name: n, type: /^(id|initialBid|reserve|seller|category|auction|bidder|price)$/.test(n) ? T.BIGINT : T.STRING }));
  const tables: Record<string, TableSchema> = {
    person: { name: 'person', columns: [...cols('id,name,emailAddress,creditCard,city,state'), ts('dateTime', true), ...cols('extra')], rowtimeIndex: 6 },
    auction: { name: 'auction', columns: [...cols('id,itemName,description,initialBid,reserve'), ts('dateTime', true), ts('expires'), ...cols('seller,category,extra')], rowtimeIndex: 5 },
    bid: { name: 'bid', columns: [...cols('auction,bidder,price,channel,url'), ts('dateTime', true), ...cols('extra')], rowtimeIndex: 5 },
  };
  const nexmark = (q: string): ExchangePlan =>
    planExchange(planSql(NEXMARK_QUERIES[q]!.select, { table: (n) => tables[n], tableNames: () => Object.keys(tables), functions }), 'job', new Set(Object.keys(tables)), { twoPhaseBlocker: () => undefined })!;

  it('q4: the GROUP BY id, category runs beside the join on id; the GROUP BY category reads its changelog', () => {
    const ex = nexmark('q4');
    expect(shape(ex)).toEqual(['job-groupaggregate-repartition <- stage 1', 'job-join-repartition-2 <- auction, bid -> stage 0.0']);
    expect(ex.downstream.scans[0]!.updating).toBe(true);
  });

  it('q5: the window join reads both HOP counts; the MAX per window reads the second count', () => {
    expect(shape(nexmark('q5'))).toEqual([
      'job-join-repartition <- stage 1, stage 2',
      'job-windowaggregate-repartition-2 <- bid -> stage 0.0',
      'job-groupaggregate-repartition-3 <- stage 3 -> stage 0.1',
      'job-windowaggregate-repartition-4 <- bid -> stage 2.0',
    ]);
  });

  it('q7: bids joined with the TUMBLE max; q8: two TUMBLE group-bys joined', () => {
    const q7 = nexmark('q7');
    expect(shape(q7)).toEqual(['job-join-repartition <- bid, stage 1', 'job-windowaggregate-repartition-2 <- bid -> stage 0.1']);
    // Stages fed by a source keep two-phase aggregation.
    expect(q7.stages[1]!.local).toBeDefined();
    expect(shape(nexmark('q8'))).toEqual(['job-join-repartition <- stage 1, stage 2', 'job-windowaggregate-repartition-2 <- person -> stage 0.0', 'job-windowaggregate-repartition-3 <- auction -> stage 0.1']);
  });
});

/** Messages a writer sent, per partition. */
type Sent = Map<number, Buffer[]>;
const capture = (sent: Sent) => ({
  send: async (r: { messages: { partition?: number; value: Buffer | string | null }[] }) => {
    for (const m of r.messages) sent.set(m.partition!, [...(sent.get(m.partition!) ?? []), m.value as Buffer]);
  },
});

/** The rows of a changelog after applying it: a multiset as sorted JSON strings. */
function applied(rows: Row[], kinds: RowKind[]): string[] {
  const counts = new Map<string, number>();
  rows.forEach((r, i) => {
    const key = JSON.stringify(r);
    const k = kinds[i] ?? RowKind.Insert;
    counts.set(key, (counts.get(key) ?? 0) + (k === RowKind.Insert || k === RowKind.UpdateAfter ? 1 : -1));
  });
  return [...counts].flatMap(([k, n]) => Array<string>(Math.max(0, n)).fill(k)).sort();
}

/**
 * Runs a two-stage plan in memory: the source side's upstream half into the lower stage's writer, each
 * partition's messages into the lower stage, its output into the upper stage's writer, and on into the
 * upper stage, with `partitions` partitions per topic. holdOutput: released at the end (a checkpoint).
 */
async function runStages(ex: ExchangePlan, input: Row[], partitions: number, holdOutput: boolean): Promise<{ rows: Row[]; kinds: RowKind[]; retracted: boolean }> {
  const opts = { hooks: { late: () => undefined }, retentionMs: 0, now: Date.now };
  const [upper, lower] = [ex.stages[0]!, ex.stages[1]!] as [ExchangeStagePlan, ExchangeStagePlan];
  const sentUp: Sent = new Map();
  const sentLow: Sent = new Map();
  const rows: Row[] = [];
  const kinds: RowKind[] = [];
  const upperStage = new ExchangeStage({
    build: (output) => buildDataflow(upper.downstream, output, opts),
    output: { data: (r, k) => (rows.push(...r), kinds.push(...(k ?? r.map(() => RowKind.Insert)))), watermark: () => undefined },
    holdOutput,
    idleTimeoutMs: 0,
    logger: silentLogger,
  });
  const upperWriter = new ExchangeWriter({
    producer: capture(sentUp) as never,
    topic: upper.topic,
    partitions,
    keys: upper.keys,
    offsetIndex: -1,
    promise: () => lowerStage.promise(),
    intervalMs: 0,
    totalSplits: partitions,
    logger: silentLogger,
  });
  const lowerStage: ExchangeStage = new ExchangeStage({
    build: (output) => buildDataflow(lower.downstream, output, opts),
    output: upperWriter.side(0),
    holdOutput,
    idleTimeoutMs: 0,
    logger: silentLogger,
    afterBatch: () => (upperWriter.end(), upperWriter.report(false)),
  });
  const lowerWriter = new ExchangeWriter({
    producer: capture(sentLow) as never,
    topic: lower.topic,
    partitions,
    keys: lower.keys,
    offsetIndex: lower.offsetIndex!,
    promise: () => ({ wm: 1000, splits: ['t:0'] }),
    intervalMs: 0,
    totalSplits: 1,
    logger: silentLogger,
  });
  const up = buildDataflow(lower.upstream!, lowerWriter, opts);
  const splits = (topic: string) => [...Array(partitions).keys()].map((p) => `${topic}:${p}`);
  await lowerStage.assign(splits(lower.topic));
  await upperStage.assign(splits(upper.topic));
  // The source in two batches, offsets in order.
  for (const [from, to] of [[0, Math.floor(input.length / 2)], [Math.floor(input.length / 2), input.length]] as const) {
    lowerWriter.begin('t:0');
    up.inputs[0]!.push(input.slice(from, to).map((r, i) => [...r, from + i]));
    lowerWriter.end();
  }
  lowerWriter.report(true);
  await lowerWriter.flush();
  // One message per batch: the lower stage emits updates between them.
  const deliver = async (stage: ExchangeStage, topic: string, sent: Sent) => {
    for (const [p, values] of [...sent].sort((a, b) => a[0] - b[0])) {
      for (const v of values) {
        await stage.process([exchangeDecoder.decode(v)], undefined, { rows: [], split: `${topic}:${p}` });
        stage.batchEnd();
      }
    }
    sent.clear();
  };
  await deliver(lowerStage, lower.topic, sentLow);
  lowerStage.release();
  upperWriter.report(true);
  await upperWriter.flush();
  const retracted = [...sentUp.values()].flat().some((v) => ((exchangeDecoder.decode(v)[0] as { k?: RowKind[] }).k ?? []).includes(RowKind.UpdateBefore));
  await deliver(upperStage, upper.topic, sentUp);
  upperStage.release();
  return { rows, kinds, retracted };
}

describe('two stages at run time', () => {
  const input: Row[] = ['a', 'b', 'a', 'c', 'a', 'b', 'd', 'c', 'a', 'e'].map((k, i) => [k, i, 1000 + i]);
  const single = (): string[] => {
    const rows: Row[] = [];
    const kinds: RowKind[] = [];
    const df = buildDataflow(plan(TWO_LEVEL), { data: (r, k) => (rows.push(...r), kinds.push(...(k ?? r.map(() => RowKind.Insert)))), watermark: () => undefined }, { hooks: { late: () => undefined }, retentionMs: 0, now: Date.now });
    df.inputs[0]!.push(input.slice(0, 5).map((r) => [...r]));
    df.inputs[0]!.push(input.slice(5).map((r) => [...r]));
    df.batchEnd();
    return applied(rows, kinds);
  };

  it('the upper stage applies the lower stage\'s retractions: the result equals one task\'s', async () => {
    const ex = planExchange(plan(TWO_LEVEL), 'job', new Set(['t']))!;
    const expected = single();
    // a: 4, b: 2, c: 2, d: 1, e: 1 -> counts per n: 4 -> 1, 2 -> 2, 1 -> 2
    expect(expected).toEqual([JSON.stringify([1, 2]), JSON.stringify([2, 2]), JSON.stringify([4, 1])]);
    for (const partitions of [1, 3]) {
      for (const hold of [false, true]) {
        const { rows, kinds, retracted } = await runStages(ex, input, partitions, hold);
        expect(retracted).toBe(true);
        expect(applied(rows, kinds), `${partitions} partition(s), holdOutput ${hold}`).toEqual(expected);
      }
    }
  });

  it('a stage\'s messages carry row kinds and no source offsets; its promise is its partitions\' output watermark', async () => {
    const ex = planExchange(plan(TWO_LEVEL), 'job', new Set(['t']))!;
    const sent: Sent = new Map();
    const writer = new ExchangeWriter({ producer: capture(sent) as never, topic: ex.topic, partitions: 1, keys: ex.keys, offsetIndex: -1, promise: () => ({ wm: 7, splits: ['x:0'] }), intervalMs: 0, totalSplits: 1, logger: silentLogger });
    writer.side(0).data([['a', 1], ['a', 1], ['a', 2]], [RowKind.Insert, RowKind.UpdateBefore, RowKind.UpdateAfter]);
    writer.end();
    await writer.flush();
    const msg = exchangeDecoder.decode(sent.get(0)![0]!)[0] as { o?: number[]; r: Row[]; k?: RowKind[] };
    expect(msg.o).toBeUndefined();
    expect(msg.k).toEqual([RowKind.Insert, RowKind.UpdateBefore, RowKind.UpdateAfter]);
    // Append-only output carries no kinds (the messages of an append-only stage stay as small as rows).
    writer.side(0).data([['b', 1]]);
    writer.end();
    await writer.flush();
    expect((exchangeDecoder.decode(sent.get(0)![1]!)[0] as { k?: RowKind[] }).k).toBeUndefined();
    // The promise: the lowest output watermark over the partitions that have one; under holdOutput, the released one.
    const win = planExchange(plan("SELECT k, COUNT(*) FROM t GROUP BY TUMBLE(rowtime, INTERVAL '1' SECOND), k"), 'job', new Set(['t']))!;
    const stage = new ExchangeStage({ build: (o) => buildDataflow(win.downstream, o, { hooks: { late: () => undefined }, retentionMs: 0, now: Date.now }), output: { data: () => undefined, watermark: () => undefined }, holdOutput: true, idleTimeoutMs: 0, logger: silentLogger });
    await stage.assign(['r:0', 'r:1']);
    const decode = (m: object) => exchangeDecoder.decode(serialize(m));
    await stage.process([decode({ w: 5000, s: ['t:0'], n: 1 })], undefined, { rows: [], split: 'r:0' });
    expect(stage.promise()).toEqual({ wm: -Infinity, splits: [] }); // held: nothing released yet
    stage.release();
    expect(stage.promise().splits).toEqual(['r:0']);
    expect(stage.promise().wm).toBeGreaterThan(4000);
  });
});

describe('planExchange: joins of joins', () => {
  it('a join of three tables: the outer join reads the inner join\'s output through a stage', () => {
    const ex = planExchange(plan('SELECT a.k, c.id FROM t AS a JOIN t AS b ON a.k = b.k JOIN u AS c ON a.k = c.k2'), 'job', new Set(['t', 'u']))!;
    expect(shape(ex)).toEqual(['job-join-repartition <- stage 1, u', 'job-join-repartition-2 <- t, t -> stage 0.0']);
  });
});
