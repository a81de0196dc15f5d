import { describe, expect, it } from 'vitest';
import { RowKind, type Row, type SqlType, type TableSchema } from '../../../src/core/types.js';
import { buildDataflow, type Dataflow } from '../../../src/runtime/dataflow.js';
import { explainPhysical } from '../../../src/runtime/physical-plan.js';
import { canonicalNodes } from '../../../src/plan/reuse.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import { planSql } from '../../../src/sql/planner.js';
import { createFunctionCatalog } from '../../../src/udf/registry.js';
import { NEXMARK_QUERIES } from '../../../bench/nexmark/queries.js';

/**
 * Sub-plan reuse (FLINK_TABLE_OPTIMIZER_REUSE_SUB_PLAN_ENABLED): a sub-plan written twice runs once, and the
 * query's rows are exactly those of the plan without sharing.
 */
const T: SqlType = { kind: 'TIMESTAMP', precision: 3, rowtime: true };
const bid: TableSchema = {
  name: 'bid',
  columns: [
    { name: 'auction', type: { kind: 'BIGINT' } },
    { name: 'price', type: { kind: 'BIGINT' } },
    { name: 'dateTime', type: T },
  ],
  rowtimeIndex: 2,
};
const functions = createFunctionCatalog(builtinFunctions);
const plan = (sql: string) => planSql(sql, { table: (n) => (n === 'bid' ? bid : undefined), tableNames: () => ['bid'], functions });

/** Nexmark q5 (the hottest auctions per HOP window), as the benchmark runs it: the window count is written twice. */
const HOT_ITEMS = NEXMARK_QUERIES['q5']!.select;

const KIND = ['+I', '-U', '+U', '-D'];

function run(sql: string, reuseSubPlans: boolean, batches: Row[][]): { out: string[]; flow: Dataflow } {
  const out: string[] = [];
  const sink = { data: (rows: Row[], kinds?: RowKind[]) => rows.forEach((r, i) => out.push(`${KIND[kinds?.[i] ?? RowKind.Insert]}${JSON.stringify(r)}`)), watermark() {} };
  const flow = buildDataflow(plan(sql), sink, { hooks: { late() {} }, retentionMs: 0, now: () => 0, reuseSubPlans });
  for (const rows of batches) {
    for (const input of flow.inputs) input.push(rows);
    flow.batchEnd();
    const last = Math.max(...rows.map((r) => r[2] as number));
    for (const input of flow.inputs) input.watermark(last - 1000);
  }
  for (const input of flow.inputs) input.watermark(Number.MAX_SAFE_INTEGER);
  return { out, flow };
}

/** Deterministic bids: a few auctions, one bid every 97 ms, prices varying. */
function bids(n: number, batch: number): Row[][] {
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) rows.push([i % 7 === 0 ? 1 : (i * 31) % 5, (i * 17) % 100, 1_000_000 + i * 97]);
  const out: Row[][] = [];
  for (let i = 0; i < rows.length; i += batch) out.push(rows.slice(i, i + batch));
  return out;
}

describe('sub-plan reuse', () => {
  it('runs the twice-written window count once and emits the same rows as without sharing', () => {
    const input = bids(3000, 250);
    const shared = run(HOT_ITEMS, true, input);
    const separate = run(HOT_ITEMS, false, input);
    expect(shared.out.length).toBeGreaterThan(50);
    expect(shared.out).toEqual(separate.out);
    const hopCounts = (f: Dataflow) => f.operators.filter((op) => op.name === 'HOPAggregate').length;
    // Without sharing the HOP count runs twice (once per subquery); with it, once.
    expect(hopCounts(separate.flow)).toBe(2);
    expect(hopCounts(shared.flow)).toBe(1);
    expect(shared.flow.operators.length).toBeLessThan(separate.flow.operators.length);
  });

  it('feeds every branch of a statement set from one shared aggregate', () => {
    const sql = `INSERT INTO a SELECT auction, COUNT(*) AS n FROM bid GROUP BY auction;
INSERT INTO b SELECT auction, COUNT(*) AS n FROM bid GROUP BY auction`;
    const p = planSql(sql, {
      table: (n) => (n === 'bid' ? bid : n === 'a' || n === 'b' ? { name: n, columns: [{ name: 'auction', type: { kind: 'BIGINT' } }, { name: 'n', type: { kind: 'BIGINT' } }], rowtimeIndex: undefined } : undefined),
      tableNames: () => ['bid', 'a', 'b'],
      functions,
    });
    const outs: string[][] = [[], []];
    const sinks = outs.map((o) => ({ data: (rows: Row[], kinds?: RowKind[]) => rows.forEach((r, i) => o.push(`${KIND[kinds?.[i] ?? 0]}${JSON.stringify(r)}`)), watermark() {} }));
    const flow = buildDataflow(p, sinks, { hooks: { late() {} }, retentionMs: 0, now: () => 0 });
    for (const rows of bids(200, 50)) {
      for (const input of flow.inputs) input.push(rows);
      flow.batchEnd();
    }
    expect(flow.operators.filter((op) => op.name.includes('Aggregate'))).toHaveLength(1);
    expect(outs[0]!.length).toBeGreaterThan(0);
    expect(outs[1]).toEqual(outs[0]);
  });

  it('never shares a sub-plan that calls a non-deterministic function', () => {
    const sql = `SELECT x.auction, x.r, y.r AS r2 FROM
      (SELECT auction, RAND() AS r FROM bid) x JOIN (SELECT auction, RAND() AS r FROM bid) y ON x.auction = y.auction`;
    const canonical = canonicalNodes(plan(sql), true);
    const nonScans = [...canonical].filter(([n]) => n.kind !== 'scan');
    expect(nonScans.every(([n, c]) => n === c)).toBe(true);
  });

  it('is off when disabled: every node is its own', () => {
    const canonical = canonicalNodes(plan(HOT_ITEMS), false);
    expect([...canonical].every(([n, c]) => n === c)).toBe(true);
  });

  it('shows the shared operator once in explain, then Reuse[#n]', () => {
    const text = explainPhysical(plan(HOT_ITEMS));
    const reuse = /Reuse\[#(\d+)\]/.exec(text);
    expect(reuse).not.toBeNull();
    expect(text).toMatch(new RegExp(`#${reuse![1]} WindowAggregate`));
    expect(explainPhysical(plan(HOT_ITEMS), { reuseSubPlans: false })).not.toContain('Reuse[');
  });
});
