import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RowKind, type Row, type SqlType, type TableSchema } from '../../../src/core/types.js';
import { buildDataflow, type Dataflow } from '../../../src/runtime/dataflow.js';
import type { VersionedState } from '../../../src/runtime/state/versioned.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import { planSql } from '../../../src/sql/planner.js';
import { createFunctionCatalog } from '../../../src/udf/registry.js';

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

describe('window operator state on the shared keyed state (version 2)', () => {
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
      for (const x of windowStates) expect(x.$v).toBe(2);

      const v1 = structuredClone(snapshot.map((x) => (x !== null && TO_V1[x.$kind] ? { $kind: x.$kind, $v: 1, data: TO_V1[x.$kind]!(x.data as Record<string, unknown>) } : x)));
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
});
