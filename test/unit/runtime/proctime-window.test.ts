import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { T, type Row, type TableSchema } from '../../../src/core/types.js';
import { planExchange } from '../../../src/plan/exchange.js';
import { explainPlan } from '../../../src/plan/printer.js';
import { buildDataflow, type Dataflow } from '../../../src/runtime/dataflow.js';
import { explainPhysical } from '../../../src/runtime/physical-plan.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import { planSql } from '../../../src/sql/planner.js';
import { createFunctionCatalog } from '../../../src/udf/registry.js';

/** Processing-time windows in the dataflow: assigned by the injected clock, fired by it, and across a restore. */
const BID: TableSchema = {
  name: 'bid',
  columns: [
    { name: 'bidder', type: T.BIGINT },
    { name: 'dateTime', type: T.ROWTIME },
  ],
  rowtimeIndex: 1,
};
const functions = createFunctionCatalog(builtinFunctions);
const Q12 = `CREATE TEMPORARY VIEW B AS SELECT *, PROCTIME() AS p_time FROM bid;
SELECT bidder, count(*) AS bid_count, window_start, window_end
FROM TABLE(TUMBLE(TABLE B, DESCRIPTOR(p_time), INTERVAL '10' SECOND))
GROUP BY bidder, window_start, window_end`;
const plan = planSql(Q12, { table: (n) => (n === 'bid' ? BID : undefined), tableNames: () => ['bid'], functions });

function open(clock: ManualClock, out: Row[]): Dataflow {
  return buildDataflow(plan, { data: (rows) => out.push(...rows), watermark() {} }, { hooks: { late() {} }, retentionMs: 0, now: () => clock.now() });
}

describe('processing-time windows', () => {
  it('fire on the clock, not on watermarks', () => {
    const clock = new ManualClock(1_000_000);
    const out: Row[] = [];
    const flow = open(clock, out);
    flow.inputs[0]!.push([[7, 0], [8, 0], [7, 5_000_000]]);
    flow.batchEnd();
    flow.inputs[0]!.watermark(Number.MAX_SAFE_INTEGER);
    expect(out).toEqual([]);
    clock.set(1_009_999);
    expect(flow.processingTime!()).toBe(false);
    clock.set(1_010_000);
    expect(flow.processingTime!()).toBe(true);
    expect(out).toEqual([
      [7, 2, 1_000_000, 1_010_000],
      [8, 1, 1_000_000, 1_010_000],
    ]);
    expect(flow.processingTime!()).toBe(false);
  });

  it('a clock that goes back does not reopen a fired window', () => {
    const clock = new ManualClock(1_000_000);
    const out: Row[] = [];
    const flow = open(clock, out);
    clock.set(1_010_000);
    flow.processingTime!();
    clock.set(1_005_000); // e.g. an NTP step back
    flow.inputs[0]!.push([[7, 0]]);
    clock.set(1_020_000);
    flow.processingTime!();
    expect(out).toEqual([[7, 1, 1_010_000, 1_020_000]]);
  });

  it('restores open windows from a checkpoint and fires them when the clock passes their end', () => {
    const clock = new ManualClock(1_000_000);
    const before: Row[] = [];
    const first = open(clock, before);
    first.inputs[0]!.push([[7, 0], [7, 0]]);
    const state = structuredClone(first.snapshot());
    // The process stops; the restart comes after the window's end: it fires at the first timer.
    clock.set(1_030_000);
    const after: Row[] = [];
    const second = open(clock, after);
    second.restore(state);
    expect(second.processingTime!()).toBe(true);
    expect(after).toEqual([[7, 2, 1_000_000, 1_010_000]]);
    expect(before).toEqual([]);
  });

  it('explain says the window is on processing time', () => {
    expect(explainPlan(plan)).toContain('TUMBLE(p_time, size=10000 ms) on processing time');
    expect(explainPhysical(plan, { watermarkDelayMs: 0 })).toContain('on processing time');
  });

  it('a plan without processing-time windows has no processing-time hook', () => {
    const p = planSql('SELECT bidder, PROCTIME() AS p FROM bid', { table: () => BID, tableNames: () => ['bid'], functions });
    expect(buildDataflow(p, { data() {}, watermark() {} }, { hooks: { late() {} }, retentionMs: 0, now: () => 0 }).processingTime).toBeUndefined();
  });

  it('is refused by name when the job would run scaled out', () => {
    expect(() => planExchange(plan, 'job', new Set(['bid']))).toThrow(/the query needs a processing-time window, which the repartitioning exchange does not support yet/);
  });
});
