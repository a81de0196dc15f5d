import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/logger.js';
import type { Row } from '../../../src/core/types.js';
import { planExchange } from '../../../src/plan/exchange.js';
import { buildDataflow } from '../../../src/runtime/dataflow.js';
import { ExchangeStage, exchangeDecoder } from '../../../src/job/exchange/exchange-stage.js';
import { ExchangeWriter } from '../../../src/job/exchange/exchange-writer.js';
import { WatermarkTracker } from '../../../src/job/watermarks.js';
import { BoundedEnd } from '../../../src/cli/bounded-end.js';
import { assignByTask } from '../../../src/connectors/kafka/subscription-assigner.js';
import { plan } from './exchange-fixture.js';

/** The end-of-input bookkeeping of a bounded run scaled out (docs/architecture.md, Scale-out). */
const TUMBLE = "SELECT UPPER(k) AS kk, COUNT(*) AS n FROM t WHERE x > 0 GROUP BY TUMBLE(rowtime, INTERVAL '1' SECOND), UPPER(k)";

describe('WatermarkTracker: splits read to their end', () => {
  it('an ended split is promised at +infinity, with or without rows, and no longer holds event time back', () => {
    const t = new WatermarkTracker(0, true, 0);
    t.assign(['t:0', 't:1', 't:2'], 0);
    t.observe('t:0', [[1000]], 0, 0);
    t.observe('t:1', [[5000]], 0, 0);
    expect(t.delivered(0)).toEqual({ wm: 999, splits: ['t:0', 't:1'] });
    // t:2 never had a row: ended, it is covered (its end must cross) and holds nothing back.
    t.endSplit('t:2');
    t.endSplit('t:0');
    expect(t.delivered(0)).toEqual({ wm: 4999, splits: ['t:0', 't:1', 't:2'] });
    expect(t.current(0)).toBe(4999);
    t.endSplit('t:1');
    expect(t.delivered(0)).toEqual({ wm: Infinity, splits: ['t:0', 't:1', 't:2'] });
    expect(t.current(0)).toBe(Infinity);
    expect(t.endedSplits()).toEqual(['t:0', 't:1', 't:2']);
    // A split that moves away is no longer this task's to promise.
    t.assign(['t:0'], 0);
    expect(t.delivered(0)).toEqual({ wm: Infinity, splits: ['t:0'] });
    expect(t.endedSplits()).toEqual(['t:0']);
  });

  it('a task with no split promises nothing (the downstream waits for every split, whoever reads it)', () => {
    const t = new WatermarkTracker(0, true, 0);
    t.assign([], 0);
    expect(t.delivered(0)).toEqual({ wm: -Infinity, splits: [] });
  });
});

describe('the end crossing an exchange', () => {
  const ex = planExchange(plan(TUMBLE), 'job', new Set(['t']))!;
  const stageOf = (holdOutput: boolean) => {
    const out: Row[] = [];
    const watermarks: number[] = [];
    const stage = new ExchangeStage({
      build: (output) => buildDataflow(ex.downstream, output, { hooks: { late: () => undefined }, retentionMs: 0, now: Date.now }),
      output: { data: (rows) => void out.push(...rows), watermark: (w) => void watermarks.push(w) },
      holdOutput,
      idleTimeoutMs: 0,
      logger: silentLogger,
    });
    const deliver = (messages: object[], split: string) => stage.process(messages.map((m) => exchangeDecoder.decode(serialize(m))), undefined, { rows: [], split });
    return { stage, out, watermarks, deliver };
  };

  it('the writer sends +infinity to every partition, after the rows it covers', async () => {
    const sent: { partition: number; value: unknown }[] = [];
    const producer = { send: async (r: { messages: { partition: number; value: Buffer }[] }) => void sent.push(...r.messages.map((m) => ({ partition: m.partition, value: exchangeDecoder.decode(m.value)[0] }))) };
    const w = new ExchangeWriter({
      producer: producer as never,
      topic: 'r',
      partitions: 2,
      keys: ex.keys,
      offsetIndex: ex.offsetIndex ?? -1,
      promise: () => ({ wm: Infinity, splits: ['t:0'] }),
      intervalMs: 0,
      totalSplits: 2,
      logger: silentLogger,
    });
    w.report(true);
    await w.flush();
    expect(sent).toEqual([
      { partition: 0, value: { w: Infinity, s: ['t:0'], n: 2 } },
      { partition: 1, value: { w: Infinity, s: ['t:0'], n: 2 } },
    ]);
  });

  it('a partition fires every window once every source split has ended, whichever task announced each; only then it is ended', async () => {
    const { stage, out, deliver } = stageOf(false);
    await stage.assign(['r:0']);
    await deliver([{ s: 't:0', o: [1], r: [['a', 1, 100]] }, { s: 't:1', o: [4], r: [['a', 1, 5100]] }], 'r:0');
    // Upstream task A ended t:0 (and t:2, which had no rows); task B is still reading t:1.
    await deliver([{ w: Infinity, s: ['t:0', 't:2'], n: 3 }, { w: 2000, s: ['t:1'], n: 3 }], 'r:0');
    stage.batchEnd();
    expect(out.map((r) => r.join(','))).toEqual(['A,1']); // the window of 100 only
    expect(stage.endedPartitions()).toEqual([]);
    await deliver([{ w: Infinity, s: ['t:1'], n: 3 }], 'r:0');
    stage.batchEnd();
    expect(out.map((r) => r.join(','))).toEqual(['A,1', 'A,1']); // the last window closed by the end
    expect(stage.endedPartitions()).toEqual(['r:0']);
    // The end crosses on: the stage's promise (for a stage above it) is +infinity.
    expect(stage.promise()).toEqual({ wm: Infinity, splits: ['r:0'] });
  });

  it('exactly-once: the end is promised on only with the released output', async () => {
    const { stage, out, deliver } = stageOf(true);
    await stage.assign(['r:0']);
    await deliver([{ s: 't:0', o: [1], r: [['a', 1, 100]] }, { w: Infinity, s: ['t:0'], n: 1 }], 'r:0');
    stage.batchEnd();
    expect(stage.endedPartitions()).toEqual(['r:0']);
    expect(out).toHaveLength(0);
    expect(stage.promise()).toEqual({ wm: -Infinity, splits: [] });
    stage.release();
    expect(out).toHaveLength(1);
    expect(stage.promise()).toEqual({ wm: Infinity, splits: ['r:0'] });
  });

  it('a partition that moves during a bounded run is reported (the job fails, never ends short)', async () => {
    const moved: string[] = [];
    const stage = new ExchangeStage({
      build: (output) => buildDataflow(ex.downstream, output, { hooks: { late: () => undefined }, retentionMs: 0, now: Date.now }),
      output: { data: () => undefined, watermark: () => undefined },
      idleTimeoutMs: 0,
      logger: silentLogger,
      onMoved: (split) => void moved.push(split),
    });
    await stage.assign(['r:0', 'r:1']);
    await stage.assign(['r:0', 'r:1']); // a rebalance that keeps them: nothing moved
    expect(moved).toEqual([]);
    await stage.assign(['r:1']);
    expect(moved).toEqual(['r:0']);
  });
});

describe('BoundedEnd: the main thread ends the run when the reports cover every unit', () => {
  it('whichever task reports a unit, and a task with no unit holds nothing back', () => {
    const end = new BoundedEnd();
    expect(end.complete()).toBe(false);
    expect(end.report(0, ['r:0'], 3)).toBe(false);
    // Reports are cumulative: a repeat changes nothing.
    expect(end.report(0, ['r:0'], 3)).toBe(false);
    expect(end.report(1, ['r:1'], 3)).toBe(false);
    expect(end.progress()).toEqual({ ended: 2, total: 3 });
    expect(end.report(0, ['r:0', 'r:2'], 3)).toBe(true);
    // Task 2 (no partition) never reported.
    expect(end.complete()).toBe(true);
  });

  it('tasks disagreeing on the job\'s units is an internal error, not an early end', () => {
    const end = new BoundedEnd();
    end.report(0, ['r:0'], 3);
    expect(() => end.report(1, ['r:1'], 4)).toThrow(/count 3 and 4 units/);
  });
});

describe('assignByTask: partitions dealt out by task, none moving', () => {
  const partitions = (topic: string) => (topic === 'bid' ? [0, 1, 2, 3, 4] : [0]);
  type Member = { topics: string[]; task?: { task: number; tasks: number; run: string } };
  const member = (task: number, topics: string[], run = 'R'): Member => ({ topics, task: { task, tasks: 2, run } });

  it('partition p to task p mod tasks; a task not joined yet leaves its partitions unassigned (nobody else takes them)', () => {
    const early = assignByTask(new Map([['m-b', member(1, ['bid', 'auction'])]]), partitions, 'R');
    expect(Object.fromEntries(early.plan)).toEqual({ 'm-b': { bid: [1, 3] } });
    const both = assignByTask(new Map([['m-b', member(1, ['bid', 'auction'])], ['m-a', member(0, ['bid', 'auction'])]]), partitions, 'R');
    expect(Object.fromEntries(both.plan)).toEqual({ 'm-a': { auction: [0], bid: [0, 2, 4] }, 'm-b': { bid: [1, 3] } });
    expect(both.foreign).toEqual([]);
  });

  it('only the subscribers of a topic get it (two streams of a task sharing a group id)', () => {
    const r = assignByTask(new Map([['m-a-bid', member(0, ['bid'])], ['m-a-auction', member(0, ['auction'])], ['m-b-bid', member(1, ['bid'])]]), partitions, 'R');
    expect(Object.fromEntries(r.plan)).toEqual({ 'm-a-auction': { auction: [0] }, 'm-a-bid': { bid: [0, 2, 4] }, 'm-b-bid': { bid: [1, 3] } });
  });

  it('members of another run (another process) get nothing and are named', () => {
    const r = assignByTask(new Map<string, Member>([['m-a', member(0, ['bid'])], ['x', member(0, ['bid'], 'OTHER')], ['y', { topics: ['bid'] }]]), partitions, 'R');
    expect(Object.fromEntries(r.plan)).toEqual({ 'm-a': { bid: [0, 2, 4] }, x: {}, y: {} });
    expect(r.foreign).toEqual(['x', 'y']);
  });
});
