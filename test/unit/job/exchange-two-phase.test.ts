import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/logger.js';
import { T, type Row, type TableSchema } from '../../../src/core/types.js';
import { planExchange, type ExchangeOptions, type ExchangePlan } from '../../../src/plan/exchange.js';
import { buildDataflow } from '../../../src/runtime/dataflow.js';
import { plan, TABLE } from './exchange-fixture.js';
import { twoPhaseBlocker } from '../../../src/runtime/local-window-aggregate.js';
import { ExchangeStage, exchangeDecoder } from '../../../src/job/exchange/exchange-stage.js';
import { ExchangeWriter } from '../../../src/job/exchange/exchange-writer.js';
import { PartialsGate } from '../../../src/job/exchange/partials-gate.js';

/**
 * Two-phase window aggregation across the exchange: the writer folds each source batch into partials per
 * (pane, key), the stage merges them in the global window aggregate. Its output must be the one-phase
 * output exactly, repeats must be dropped whole, and late partials counted by the rows they folded.
 */
const TWO: ExchangeOptions = { aggPhase: 'AUTO', twoPhaseBlocker };
const AGGS = 'COUNT(*) AS n, SUM(x) AS s, AVG(x) AS a, MIN(x) AS mi, MAX(x) AS ma, COUNT(x) FILTER (WHERE x > 2) AS big';
const TUMBLE = `SELECT UPPER(k) AS kk, ${AGGS}, TUMBLE_END(rowtime, INTERVAL '1' SECOND) AS w FROM t WHERE x > 0 GROUP BY TUMBLE(rowtime, INTERVAL '1' SECOND), UPPER(k)`;
const HOP = `SELECT k, ${AGGS}, HOP_END(rowtime, INTERVAL '1' SECOND, INTERVAL '3' SECOND) AS w FROM t GROUP BY HOP(rowtime, INTERVAL '1' SECOND, INTERVAL '3' SECOND), k`;

interface Sent {
  partition: number;
  value: Buffer;
}

function writerFor(ex: ExchangePlan, sent: Sent[], partitions: number, partialsFrom?: (split: string) => number, intervalMs = 0): ExchangeWriter {
  return new ExchangeWriter({
    producer: { send: async (r: { messages: { partition?: number; value: Buffer | string | null }[] }) => void sent.push(...r.messages.map((m) => ({ partition: m.partition!, value: m.value as Buffer }))) } as never,
    topic: ex.topic,
    partitions,
    keys: ex.keys,
    offsetIndex: ex.offsetIndex!,
    promise: () => ({ wm: 1e9, splits: ['t:0', 't:1'] }),
    intervalMs,
    totalSplits: 2,
    logger: silentLogger,
    ...(ex.local ? { local: ex.local } : {}),
    ...(partialsFrom ? { partialsFrom } : {}),
  });
}

/** Input rows (k, x, rowtime) of two source splits, in offset order per split. */
function input(): { split: string; rows: Row[] }[] {
  const keys = ['a', 'b', 'c', 'd', 'e'];
  const batches: { split: string; rows: Row[] }[] = [];
  for (const split of ['t:0', 't:1']) {
    let offset = 0;
    for (let b = 0; b < 6; b++) {
      const rows: Row[] = [];
      for (let j = 0; j < 40; j++) {
        const i = b * 40 + j;
        rows.push([keys[(i * 7 + (split === 't:1' ? 3 : 0)) % 5]!, (i * 13) % 11, 1000 + i * 37 + (split === 't:1' ? 5 : 0), offset++]);
      }
      batches.push({ split, rows });
    }
  }
  return batches;
}

/** Writes `batches` through the upstream half and the writer, then everything sent through a stage per partition; returns the sorted output and the stage. */
async function run(ex: ExchangePlan, batches: { split: string; rows: Row[] }[], o: { partitions?: number; repeat?: boolean; partialsFrom?: (split: string) => number; intervalMs?: number } = {}) {
  const partitions = o.partitions ?? 3;
  const sent: Sent[] = [];
  const writer = writerFor(ex, sent, partitions, o.partialsFrom, o.intervalMs);
  const up = buildDataflow(ex.upstream!, writer, { hooks: { late: () => undefined }, retentionMs: 0, now: Date.now });
  for (const b of batches) {
    writer.begin(b.split);
    up.inputs[0]!.push(b.rows.map((r) => r.slice()));
    writer.end();
  }
  writer.report(true);
  await writer.flush();
  const out: Row[] = [];
  let duplicates = 0;
  const stage = new ExchangeStage({
    build: (output) => buildDataflow(ex.downstream, output, { hooks: { late: () => undefined }, retentionMs: 0, now: Date.now }),
    output: { data: (rows) => void out.push(...rows), watermark: () => undefined },
    idleTimeoutMs: 0,
    logger: silentLogger,
    onDuplicates: (n) => (duplicates += n),
    ...(ex.local ? { local: ex.local } : {}),
  });
  const splits = Array.from({ length: partitions }, (_, p) => `r:${p}`);
  await stage.assign(splits);
  const messages = sent.map((m) => ({ ...m, row: exchangeDecoder.decode(m.value) }));
  for (const p of [0, 1, 2, 3].slice(0, partitions)) {
    const mine = messages.filter((m) => m.partition === p);
    // A re-reading upstream: every data message comes twice (the second copy must be dropped).
    const data = mine.filter((m) => !('w' in (m.row[0] as object)));
    const all = o.repeat ? [...data, ...mine] : mine;
    await stage.process(all.map((m) => m.row), undefined, { rows: [], split: `r:${p}` });
  }
  stage.batchEnd();
  const text = out.map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))).sort();
  return { text, sent: messages, duplicates };
}

describe('two-phase window aggregation across the exchange', () => {
  it('plans local and global halves when every call merges, one phase otherwise (with why)', () => {
    const ex = planExchange(plan(TUMBLE), 'job', new Set(['t']), TWO)!;
    expect(ex.local?.aggs).toHaveLength(6);
    expect(ex.phases).toMatch(/^two phases/);
    const root = ex.downstream.root;
    const global = root.kind === 'windowAggregate' ? root : root.kind === 'project' ? root.input : undefined;
    expect(global).toMatchObject({ kind: 'windowAggregate', phase: 'global' });
    // Partial rows: the key, pane, rows folded, one accumulator per call.
    expect(ex.table.columns.map((c) => c.name).slice(1)).toEqual(['__dirk_pane', '__dirk_rows', ...ex.local!.aggs.map((a, i) => `__dirk_acc${i}_${a.name}`)]);
    const distinct = planExchange(plan("SELECT k, COUNT(DISTINCT x) FROM t GROUP BY TUMBLE(rowtime, INTERVAL '1' SECOND), k"), 'job', new Set(['t']), TWO)!;
    expect(distinct.local).toBeUndefined();
    expect(distinct.phases).toContain('COUNT(DISTINCT ...)');
    const session = planExchange(plan("SELECT k, COUNT(*) FROM t GROUP BY SESSION(rowtime, INTERVAL '1' SECOND), k"), 'job', new Set(['t']), TWO)!;
    expect(session.local).toBeUndefined();
    expect(session.phases).toContain('SESSION');
    const one = planExchange(plan(TUMBLE), 'job', new Set(['t']), { ...TWO, aggPhase: 'ONE_PHASE' })!;
    expect(one.local).toBeUndefined();
    expect(one.phases).toContain('ONE_PHASE');
  });

  for (const [name, query] of [
    ['TUMBLE', TUMBLE],
    ['HOP', HOP],
  ] as const) {
    it(`${name}: the output equals one phase exactly, with far fewer records crossing; repeats are dropped whole`, async () => {
      const batches = input();
      const one = await run(planExchange(plan(query), 'job', new Set(['t']), { ...TWO, aggPhase: 'ONE_PHASE' })!, batches);
      const two = await run(planExchange(plan(query), 'job', new Set(['t']), TWO)!, batches);
      expect(one.text.length).toBeGreaterThan(10);
      expect(two.text).toEqual(one.text);
      const partials = two.sent.filter((m) => 'p' in (m.row[0] as object));
      expect(partials.length).toBeGreaterThan(0);
      expect(two.sent.some((m) => 'r' in (m.row[0] as object))).toBe(false);
      // Every data message repeated (an upstream re-reading): the same output, the repeats counted by rows.
      const repeated = await run(planExchange(plan(query), 'job', new Set(['t']), TWO)!, batches, { repeat: true });
      expect(repeated.text).toEqual(one.text);
      expect(repeated.duplicates).toBe(partials.reduce((n, m) => n + (m.row[0] as { n: number }).n, 0));
      // Partials held across the batches (a watermark interval longer than the run): one message per split
      // and partition, the same output, and repeats still dropped whole.
      const held = await run(planExchange(plan(query), 'job', new Set(['t']), TWO)!, batches, { intervalMs: 60_000, repeat: true });
      expect(held.text).toEqual(one.text);
      const heldPartials = held.sent.filter((m) => 'p' in (m.row[0] as object));
      expect(heldPartials.length).toBeLessThanOrEqual(2 * 3);
      expect(heldPartials.length).toBeLessThan(partials.length);
    });
  }

  it('partials are held for the watermark interval, written before a watermark and at a flush; a rebalance drops those of splits moved away', async () => {
    const ex = planExchange(plan(TUMBLE), 'job', new Set(['t']), TWO)!;
    const [a, b, c] = input().filter((x) => x.split === 't:0');
    const sent: Sent[] = [];
    const writer = writerFor(ex, sent, 1, undefined, 1000);
    const up = buildDataflow(ex.upstream!, writer, { hooks: { late: () => undefined }, retentionMs: 0, now: Date.now });
    const t0 = Date.now();
    for (const batch of [a!, b!]) {
      writer.begin('t:0');
      up.inputs[0]!.push(batch.rows.map((r) => r.slice()));
      writer.end(t0);
    }
    expect(writer.pending()).toBe(0); // held, nothing written yet
    writer.end(t0 + 1000); // the interval has passed
    await writer.flush();
    const first = sent.map((m) => exchangeDecoder.decode(m.value)[0] as { s: string; lo: number; hi: number; n: number });
    // One message for both batches: the rows the query's WHERE kept, over both batches' offsets.
    const kept = [...a!.rows, ...b!.rows].filter((r) => (r[1] as number) > 0);
    expect(first).toEqual([expect.objectContaining({ s: 't:0', lo: kept[0]![3], hi: kept.at(-1)![3], n: kept.length })]);
    // A watermark goes out after the partials it covers.
    writer.begin('t:0');
    up.inputs[0]!.push(c!.rows.map((r) => r.slice()));
    writer.end();
    writer.report(false);
    await writer.flush();
    const next = sent.slice(1).map((m) => Object.keys(exchangeDecoder.decode(m.value)[0] as object)[0]);
    expect(next).toEqual(['s', 'w']);
    // A rebalance: the held partials of a split moved away are dropped, the kept split's written.
    sent.length = 0;
    for (const split of ['t:0', 't:1']) {
      writer.begin(split);
      up.inputs[0]!.push([['a', 1, 9000, 500]]);
      writer.end();
    }
    writer.endPartials(new Set(['t:1']));
    await writer.flush();
    expect(sent.map((m) => (exchangeDecoder.decode(m.value)[0] as { s: string }).s)).toEqual(['t:1']);
  });

  it('rows below a split\'s partialsFrom travel as rows (per-row repeats), the rest as partials: still the same output', async () => {
    const batches = input();
    const one = await run(planExchange(plan(HOP), 'job', new Set(['t']), { ...TWO, aggPhase: 'ONE_PHASE' })!, batches);
    const from = (split: string): number => (split === 't:0' ? 100 : Infinity);
    const mixed = await run(planExchange(plan(HOP), 'job', new Set(['t']), TWO)!, batches, { partialsFrom: from, repeat: true });
    expect(mixed.text).toEqual(one.text);
    const kinds = mixed.sent.map((m) => m.row[0] as { s?: string; r?: Row[]; o?: number[]; p?: Row[]; lo?: number });
    expect(kinds.some((m) => m.s === 't:1' && m.p)).toBe(false);
    expect(kinds.filter((m) => m.s === 't:0' && m.r).every((m) => m.o!.every((x) => x < 100))).toBe(true);
    expect(kinds.filter((m) => m.s === 't:0' && m.p).every((m) => m.lo! >= 100)).toBe(true);
  });

  it('a partial for a window already fired is late: dropped and counted by the rows it folded', async () => {
    const ex = planExchange(plan(TUMBLE), 'job', new Set(['t']), TWO)!;
    const late: number[] = [];
    const out: Row[] = [];
    const stage = new ExchangeStage({
      build: (output) => buildDataflow(ex.downstream, output, { hooks: { late: (rows, info) => void late.push(info.count ?? rows.length) }, retentionMs: 0, now: Date.now }),
      output: { data: (rows) => void out.push(...rows), watermark: () => undefined },
      idleTimeoutMs: 0,
      logger: silentLogger,
      local: ex.local!,
    });
    await stage.assign(['r:0']);
    const sent: Sent[] = [];
    const writer = writerFor(ex, sent, 1);
    const up = buildDataflow(ex.upstream!, writer, { hooks: { late: () => undefined }, retentionMs: 0, now: Date.now });
    writer.begin('t:0');
    up.inputs[0]!.push([['a', 1, 1100, 0], ['a', 2, 1200, 1], ['b', 3, 1300, 2]]);
    writer.end();
    await writer.flush();
    const partials = sent.map((m) => exchangeDecoder.decode(m.value));
    const deliver = (rows: Row[]) => stage.process(rows, undefined, { rows: [], split: 'r:0' });
    // The window [1000, 2000) fires before the partials of rows 0-2 arrive.
    await deliver([[{ w: 5000, s: ['t:0', 't:1'], n: 2 }], [{ s: 't:1', o: [0], r: [['z', 1, 1500]] }]]);
    await deliver(partials);
    stage.batchEnd();
    expect(out.map((r) => r[0])).toEqual(['Z']);
    expect(late).toEqual([3]);
  });

  it('the gate: partials from the start while the repartition topic is empty, else from each new partition\'s end offset; kept partitions keep their bound', async () => {
    let repartitionEnd = '0';
    const admin = {
      fetchTopicOffsets: async (topic: string) =>
        topic === 'rep'
          ? [{ partition: 0, offset: repartitionEnd, high: repartitionEnd, low: '0' }]
          : [0, 1, 2].map((partition) => ({ partition, offset: String(100 + partition), high: String(100 + partition), low: '0' })),
    };
    const gate = new PartialsGate({ admin, topic: 'rep', logger: silentLogger });
    expect(gate.from('src:0')).toBe(Infinity); // not assigned through the gate: rows
    await gate.assigned(['src:0', 'src:1']);
    expect([gate.from('src:0'), gate.from('src:1')]).toEqual([-Infinity, -Infinity]);
    repartitionEnd = '42';
    await gate.assigned(['src:1', 'src:2']);
    expect([gate.from('src:0'), gate.from('src:1'), gate.from('src:2')]).toEqual([Infinity, -Infinity, 102]);
  });
});
