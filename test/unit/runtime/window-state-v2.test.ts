import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RowKind, type Row, type SqlType, type TableSchema } from '../../../src/core/types.js';
import { buildDataflow, type Dataflow } from '../../../src/runtime/dataflow.js';
import type { VersionedState } from '../../../src/runtime/state/versioned.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import { planSql } from '../../../src/sql/planner.js';
import { createFunctionCatalog } from '../../../src/udf/registry.js';
import { WindowGroupAggregateOperator } from '../../../src/runtime/window-group-aggregate.js';
import { readVersionedState } from '../../../src/runtime/state/versioned.js';
import type { PlanNode } from '../../../src/plan/nodes.js';
import { planInputs } from '../../../src/plan/children.js';

/**
 * Window operators keep their state in KeyedStates (state version 2) and restore version 1 snapshots, the
 * shapes they had before: each v1 state here is built from a v2 snapshot by the inverse of the operator's
 * migration, written down from the v1 shapes (test/fixtures/checkpoints-v1 holds real v1 TUMBLE and HOP
 * checkpoints of an older build; checkpoint-compat.test.ts restores those). After the restore the rows are
 * exactly those of one uninterrupted run.
 */
type Step = { readonly watermark: number | string } | { readonly rows: readonly { readonly table: string; readonly row: Row }[] };
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/checkpoints-v1/scenarios.json'), 'utf8')) as {
  tables: { name: string; columns: [string, string][] }[];
  before: Step[];
  after: Step[];
};
const TYPES: Record<string, SqlType> = { STRING: { kind: 'STRING' }, BIGINT: { kind: 'BIGINT' }, ROWTIME: { kind: 'TIMESTAMP', precision: 3, rowtime: true } };
const tables: TableSchema[] = fixture.tables.map((t) => ({
  name: t.name,
  columns: t.columns.map(([name, kind]) => ({ name, type: TYPES[kind]! })),
  rowtimeIndex: t.columns.findIndex(([, kind]) => kind === 'ROWTIME'),
}));
const functions = createFunctionCatalog(builtinFunctions);
const KIND = ['+I', '-U', '+U', '-D'];

function start(sql: string): { flow: Dataflow; out: string[] } {
  const plan = planSql(sql, { table: (n) => tables.find((t) => t.name === n), tableNames: () => tables.map((t) => t.name), functions });
  const out: string[] = [];
  const sink = { data: (rows: Row[], kinds?: RowKind[]) => rows.forEach((r, i) => out.push(`${KIND[kinds?.[i] ?? RowKind.Insert]}${JSON.stringify(r)}`)), watermark() {} };
  return { flow: buildDataflow(plan, sink, { hooks: { late() {} }, retentionMs: 0, now: () => 0 }), out };
}

async function run(flow: Dataflow, steps: readonly Step[]): Promise<void> {
  for (const step of steps) {
    if ('watermark' in step) {
      for (const i of flow.inputs) i.watermark(Number(step.watermark));
      continue;
    }
    for (const i of flow.inputs) {
      const rows = step.rows.filter((r) => r.table === i.table).map((r) => r.row);
      if (rows.length > 0) i.push(rows);
    }
    await flow.settle();
    flow.batchEnd();
  }
}

const plain = <K, V>(m: Map<K, V>): Map<K, V> => new Map(m);
type Group = { keys: unknown[]; accs: unknown[] };

/** The v1 shape of each window state kind, from its v2 data. */
const TO_V1: Record<string, (d: Record<string, unknown>) => unknown> = {
  WindowAggregate: (d) => ({
    panes: new Map([...(d['panes'] as Map<number, { groups: Map<unknown, Group> }>)].map(([p, pane]) => [p, pane.groups])),
    sessions: new Map([...(d['sessions'] as Map<unknown, { list: unknown[] }>)].map(([k, e]) => [k, e.list])),
    watermark: d['watermark'],
    firedUpTo: d['firedUpTo'],
  }),
  WindowGroupAggregate: (d) => ({
    windows: new Map([...(d['windows'] as Map<number, { groups: Map<unknown, Group> }>)].map(([end, w]) => [end, w.groups])),
    watermark: d['watermark'],
  }),
  WindowJoin: (d) => ({ windows: [...plain(d['windows'] as Map<string, unknown>).values()], watermark: d['watermark'] }),
};

/** The state version each window operator writes now. */
const CURRENT: Record<string, number> = { WindowAggregate: 2, WindowGroupAggregate: 3, WindowJoin: 3 };

/**
 * Version 3 keys a window's groups / rows without window_end (group aggregate) or the window-bound join key
 * pairs (join); version 2 keyed them by every key. The migration re-keys from the stored rows and keys, not
 * from the old keys, so a v2 state is made here by renaming every inner key one to one: a restore that kept
 * the old keys would then miss every stored row.
 */
const rename = (k: unknown): string => `v2:${String(k)}`;
const TO_V2: Record<string, (d: Record<string, unknown>) => unknown> = {
  WindowGroupAggregate: (d) => ({
    windows: new Map([...(d['windows'] as Map<number, { end: number; groups: Map<unknown, Group> }>)].map(([end, w]) => [end, { end: w.end, groups: new Map([...w.groups].map(([k, g]) => [rename(k), g])) }])),
    watermark: d['watermark'],
  }),
  WindowJoin: (d) => ({
    windows: new Map(
      [...(d['windows'] as Map<string, { start: number; end: number; left: Map<unknown, Row[]>; right: Map<unknown, Row[]> }>)].map(([id, w]) => [
        id,
        { start: w.start, end: w.end, left: new Map([...w.left].map(([k, r]) => [rename(k), r])), right: new Map([...w.right].map(([k, r]) => [rename(k), r])) },
      ]),
    ),
    watermark: d['watermark'],
  }),
};

const TUMBLE_T = "TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND))";
const TUMBLE_U = "TABLE(TUMBLE(TABLE u, DESCRIPTOR(ts), INTERVAL '10' SECOND))";
const scenarios: { name: string; sql: string; kinds: string[] }[] = [
  {
    name: 'session window aggregate',
    sql: "SELECT k, SESSION_START(ts, INTERVAL '5' SECOND) AS s, SESSION_END(ts, INTERVAL '5' SECOND) AS e, SUM(v) AS total FROM t GROUP BY k, SESSION(ts, INTERVAL '5' SECOND)",
    kinds: ['WindowAggregate'],
  },
  {
    name: 'hop window aggregate',
    sql: "SELECT k, window_start, COUNT(*) AS c FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '15' SECOND)) GROUP BY k, window_start, window_end",
    kinds: ['WindowAggregate'],
  },
  {
    name: 'cascaded window group aggregate',
    sql: `SELECT window_start, window_end, MAX(c) AS m FROM (SELECT k, window_start, window_end, COUNT(*) AS c FROM ${TUMBLE_T} GROUP BY k, window_start, window_end) GROUP BY window_start, window_end`,
    kinds: ['WindowAggregate', 'WindowGroupAggregate'],
  },
  {
    name: 'window join',
    sql: `SELECT l.k, l.v, r.w, l.window_start FROM (SELECT * FROM ${TUMBLE_T}) l FULL JOIN (SELECT * FROM ${TUMBLE_U}) r ON l.k = r.k AND l.window_start = r.window_start AND l.window_end = r.window_end`,
    kinds: ['WindowJoin'],
  },
];

describe('window operator state on the shared keyed state (versions 2 and 3)', () => {
  for (const s of scenarios) {
    it(`${s.name}: a version 1 snapshot restores to the rows of an uninterrupted run`, async () => {
      const whole = start(s.sql);
      await run(whole.flow, fixture.before);
      // Cloned at once, as a checkpoint serialises it: the live KeyedStates change as the run goes on.
      const snapshot = structuredClone(whole.flow.snapshot()) as (VersionedState | null)[];
      const split = whole.out.length;
      await run(whole.flow, fixture.after);
      const expected = whole.out.slice(split);
      expect(expected.length).toBeGreaterThan(0);

      const windowStates = snapshot.filter((x): x is VersionedState => x !== null && s.kinds.includes(x.$kind));
      expect(windowStates.map((x) => x.$kind).sort()).toEqual([...s.kinds].sort());
      for (const x of windowStates) expect(x.$v).toBe(CURRENT[x.$kind]);

      // Version 2 of the kinds now at 3 (old keys), then version 1 from that.
      const v2 = snapshot.map((x) => (x !== null && TO_V2[x.$kind] ? { $kind: x.$kind, $v: 2, data: TO_V2[x.$kind]!(x.data as Record<string, unknown>) } : x));
      const v1 = structuredClone(v2.map((x) => (x !== null && TO_V1[x.$kind] ? { $kind: x.$kind, $v: 1, data: TO_V1[x.$kind]!(x.data as Record<string, unknown>) } : x)));
      if (s.kinds.some((k) => TO_V2[k])) {
        const fromV2 = start(s.sql);
        fromV2.flow.restore(structuredClone(v2));
        await run(fromV2.flow, fixture.after);
        expect(fromV2.out).toEqual(expected);
      }
      const resumed = start(s.sql);
      resumed.flow.restore(v1);
      await run(resumed.flow, fixture.after);
      expect(resumed.out).toEqual(expected);

      // The v2 snapshot restores the same way.
      const again = start(s.sql);
      again.flow.restore(structuredClone(snapshot));
      await run(again.flow, fixture.after);
      expect(again.out).toEqual(expected);

      // The restored state matters: without it the same input gives other rows.
      const fresh = start(s.sql);
      await run(fresh.flow, fixture.after);
      expect(fresh.out).not.toEqual(expected);
    });
  }

  it('drops a window state when the watermark closes the window, and counts it for the heap guard', async () => {
    const { flow } = start(`SELECT k, window_start, COUNT(*) AS c FROM ${TUMBLE_T} GROUP BY k, window_start, window_end`);
    await run(flow, [{ rows: [{ table: 't', row: ['a', 1, 1000] }, { table: 't', row: ['b', 1, 12000] }] }]);
    expect(flow.stateEntries()).toBe(2); // two panes
    await run(flow, [{ watermark: 9999 }]);
    expect(flow.stateEntries()).toBe(1);
    await run(flow, [{ watermark: 19999 }]);
    expect(flow.stateEntries()).toBe(0);
  });

  it('a window group aggregate restores an open window of version 2 (keys with window_end) into the same groups', () => {
    // Its state is empty between batches in a query (its input fires and it fires at the same watermark),
    // so the operator is driven directly here, with the plan's own keys and aggregates.
    const plan = planSql(
      `SELECT window_start, window_end, MAX(c) AS m, COUNT(*) AS n FROM (SELECT k, window_start, window_end, COUNT(*) AS c FROM ${TUMBLE_T} GROUP BY k, window_start, window_end) GROUP BY window_start, window_end`,
      { table: (n) => tables.find((t) => t.name === n), tableNames: () => tables.map((t) => t.name), functions },
    );
    const find = (n: PlanNode): PlanNode | undefined => (n.kind === 'groupAggregate' && n.window ? n : planInputs(n).map(find).find(Boolean));
    const node = find(plan.root) as Extract<PlanNode, { kind: 'groupAggregate' }>;
    const make = (out: Row[]) =>
      new WindowGroupAggregateOperator({ keys: node.keys, aggs: node.aggs, window: node.window! }, { out: { data: (rows: Row[]) => out.push(...rows), watermark() {} }, hooks: { late() {} }, retentionMs: 0, now: () => 0 });
    // Inner rows: k, window_start, window_end, c.
    const before: Row[] = [['a', 0, 10_000, 3], ['b', 0, 10_000, 5]];
    const after: Row[] = [['c', 0, 10_000, 7]];
    const whole: Row[] = [];
    const one = make(whole);
    one.process(before, undefined);
    const v3 = structuredClone(one.snapshot()) as { windows: Map<number, { end: number; groups: Map<unknown, Group> }>; watermark: number };
    one.process(after, undefined);
    one.onWatermark(20_000);
    expect(whole).toEqual([[0, 10_000, 7, 3]]);

    const v2 = TO_V2['WindowGroupAggregate']!(v3 as unknown as Record<string, unknown>);
    const resumed: Row[] = [];
    const op = make(resumed);
    op.restore(readVersionedState(op.stateSpec, { $kind: 'WindowGroupAggregate', $v: 2, data: v2 }, 'test'));
    op.process(after, undefined);
    op.onWatermark(20_000);
    expect(resumed).toEqual(whole);
  });
});
