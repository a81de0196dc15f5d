import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RowKind, T, type Row, type TableSchema } from '../../../src/core/types.js';
import { CheckpointStore } from '../../../src/runtime/checkpoint-store.js';
import { buildDataflow, type Dataflow } from '../../../src/runtime/dataflow.js';
import { noHooks, type Output } from '../../../src/runtime/operator.js';
import { StreamingJoinOperator } from '../../../src/runtime/outer-join.js';
import { JoinKeyRows, KeyRows, mergeSides } from '../../../src/runtime/state/join-rows.js';
import { versionedState } from '../../../src/runtime/state/versioned.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import { planSql } from '../../../src/sql/planner.js';
import { createFunctionCatalog } from '../../../src/udf/registry.js';

/**
 * The regular join's stored rows (one KeyRows per key since state version 2; only the columns read above the
 * join since version 3) and the restore of versions 1 and 2.
 */
const KIND = ['+I', '-U', '+U', '-D'];

function sink(): Output & { rows: string[] } {
  const rows: string[] = [];
  return {
    rows,
    data(batch: Row[], kinds?: RowKind[]) {
      batch.forEach((r, i) => rows.push(`${KIND[kinds?.[i] ?? 0]}${JSON.stringify(r)}`));
    },
    watermark() {},
  };
}

const key = { k: 'col', index: 0, type: T.STRING } as const;
const spec = (joinType: 'INNER' | 'LEFT' | 'FULL') => ({ joinType, leftKeys: [key], rightKeys: [key], residual: null, leftWidth: 2, rightWidth: 2 });

describe('KeyRows', () => {
  it('keeps one row inline, lists from the second, and goes back inline when one is left', () => {
    const e = new KeyRows(['a', 1], 2, 0);
    expect(e.length).toBe(1);
    e.add(['a', 2], 0);
    e.add(['a', 1], 5);
    expect(e.length).toBe(3);
    expect([0, 1, 2].map((i) => [e.at(i), e.matchesAt(i)])).toEqual([
      [['a', 1], 2],
      [['a', 2], 0],
      [['a', 1], 5],
    ]);
    // One of two equal rows goes: the first in arrival order, with its count.
    expect(e.removeEqual(['a', 1])).toBe(true);
    expect([0, 1].map((i) => [e.at(i), e.matchesAt(i)])).toEqual([
      [['a', 2], 0],
      [['a', 1], 5],
    ]);
    expect(e.removeEqual(['a', 3])).toBe(false);
    expect(e.removeEqual(['a', 2])).toBe(true);
    expect(e.r).toEqual(['a', 1]);
    expect(e.m).toBe(5);
    expect(e.removeEqual(['a', 1])).toBe(true);
    expect(e.length).toBe(0);
    expect(e.removeEqual(['a', 1])).toBe(false);
  });
});

describe('JoinKeyRows (both sides of a key in one object, state version 4)', () => {
  it('keeps each side as KeyRows does, independently', () => {
    const e = JoinKeyRows.of(1, ['r', 1], 0, 7);
    expect([e.length(0), e.length(1), e.isEmpty()]).toEqual([0, 1, false]);
    e.add(0, ['l', 1], 1);
    e.add(0, ['l', 2], 0);
    e.add(0, ['l', 1], 3);
    expect([0, 1, 2].map((i) => [e.at(0, i), e.matchesAt(0, i)])).toEqual([
      [['l', 1], 1],
      [['l', 2], 0],
      [['l', 1], 3],
    ]);
    e.setMatchesAt(1, 0, 4);
    expect([e.at(1, 0), e.matchesAt(1, 0)]).toEqual([['r', 1], 4]);
    expect(e.removeEqual(0, ['l', 1])).toBe(true); // the first of two equal rows
    expect(e.removeEqual(0, ['l', 2])).toBe(true); // back to one row inline
    expect([e.r0, e.m0]).toEqual([['l', 1], 3]);
    expect(e.removeEqual(1, ['r', 2])).toBe(false);
    expect(e.removeEqual(1, ['r', 1])).toBe(true);
    expect([e.length(1), e.isEmpty()]).toEqual([0, false]);
    expect(e.removeEqual(0, ['l', 1])).toBe(true);
    expect(e.isEmpty()).toBe(true);
    e.setRowAt(0, 0, ['z']);
    expect(e.side(0).r).toEqual(['z']);
  });

  it('merges the two Maps of versions 1-3 into one entry per key, touched at the later side', () => {
    const merged = mergeSides(
      new Map([
        ['a', new KeyRows(['a', 1], 1, 10)],
        ['b', new KeyRows(['b', 1], 0, 30)],
      ]),
      new Map([
        ['a', new KeyRows([['a', 'x'], ['a', 'y']], [1, 0], 20)],
        ['c', new KeyRows(['c', 'z'], 0, 5)],
      ]),
    );
    expect([...merged.keys()]).toEqual(['a', 'b', 'c']);
    const a = merged.get('a')!;
    expect([a.length(0), a.length(1), a.t, a.at(1, 1), a.matchesAt(1, 0)]).toEqual([1, 2, 20, ['a', 'y'], 1]);
    expect([merged.get('b')!.length(1), merged.get('c')!.length(0), merged.get('c')!.t]).toEqual([0, 0, 5]);
  });
});

describe('StreamingJoinOperator stored rows', () => {
  it('retracts one of several equal rows, and the other still joins', () => {
    const out = sink();
    const op = new StreamingJoinOperator(spec('INNER'), { out, hooks: noHooks, retentionMs: 0, now: () => 0 });
    op.process([['a', 1], ['a', 1], ['a', 2]], undefined, 0);
    op.process([['a', 1]], [RowKind.Delete], 0);
    expect(op.stateSize()).toEqual([2, 0]);
    op.process([['a', 'x']], undefined, 1);
    expect(out.rows).toEqual(['+I["a",1,"a","x"]', '+I["a",2,"a","x"]']);
    // A row never stored retracts nothing.
    op.process([['a', 3]], [RowKind.Delete], 0);
    expect(op.stateSize()).toEqual([2, 1]);
  });

  it('pads an outer row with NULLs again once its last match is retracted', () => {
    const out = sink();
    const op = new StreamingJoinOperator(spec('LEFT'), { out, hooks: noHooks, retentionMs: 0, now: () => 0 });
    op.process([['a', 1]], undefined, 0);
    op.process([['a', 'x'], ['a', 'y']], undefined, 1);
    op.process([['a', 'x']], [RowKind.Delete], 1);
    op.process([['a', 'y']], [RowKind.Delete], 1);
    expect(out.rows).toEqual([
      '+I["a",1,null,null]',
      '-D["a",1,null,null]',
      '+I["a",1,"a","x"]',
      '+I["a",1,"a","y"]',
      '-D["a",1,"a","x"]',
      '-D["a",1,"a","y"]',
      '+I["a",1,null,null]',
    ]);
  });

  it('expires keys by idle time on an epoch clock, a probe keeping the probed key alive', () => {
    let now = 1_764_800_000_000;
    const out = sink();
    const op = new StreamingJoinOperator(spec('INNER'), { out, hooks: noHooks, retentionMs: 60_000, now: () => now });
    op.process([['a', 1], ['b', 2]], undefined, 0);
    now += 50_000;
    op.process([['b', 'p']], undefined, 1); // touches left 'b'
    now += 20_000;
    op.onBatchEnd();
    expect(op.stateSize()).toEqual([1, 1]); // left 'a' idle 70 s: gone
    op.process([['a', 'q'], ['b', 'q']], undefined, 1);
    expect(out.rows).toEqual(['+I["b",2,"b","p"]', '+I["b",2,"b","q"]']);
  });

  it('restores a version 1 checkpoint (an object per row, absolute touch times) with its match counts and ages', () => {
    let now = 1_764_800_000_000;
    const v1 = {
      sides: [
        new Map<unknown, unknown>([
          ['a', { rows: [{ row: ['a', 1], matches: 1 }, { row: ['a', 2], matches: 1 }], touchedAt: now - 50_000 }],
          ['b', { rows: [{ row: ['b', 3], matches: 0 }], touchedAt: now }],
          ['c', { rows: [{ row: ['c', 4], matches: 0 }], touchedAt: now - 50_000 }],
        ]),
        new Map<unknown, unknown>([['a', { rows: [{ row: ['a', 'x'], matches: 2 }], touchedAt: now - 50_000 }]]),
      ],
    };
    const out = sink();
    const op = new StreamingJoinOperator(spec('LEFT'), { out, hooks: noHooks, retentionMs: 60_000, now: () => now });
    expect(op.stateSpec.version).toBe(4);
    // What the dataflow hands over for a version 1 envelope (readVersionedState runs migrate).
    op.restore(op.stateSpec.migrate!(versionedState({ kind: 'StreamingJoin', version: 1 }, v1).data, 1));
    expect(op.stateSize()).toEqual([4, 1]);
    // Each of key 'a''s rows had one match: retracting it brings the NULL-padded row back.
    op.process([['a', 'x']], [RowKind.Delete], 1);
    expect(out.rows).toEqual(['-D["a",1,"a","x"]', '+I["a",1,null,null]', '-D["a",2,"a","x"]', '+I["a",2,null,null]']);
    // 'c' was last touched 50 s before the restore, so 20 s later it is past the 60 s retention; 'a' (probed
    // just now) and 'b' (touched at the restore's time) are not.
    now += 20_000;
    op.onBatchEnd();
    expect(op.stateSize()).toEqual([3, 0]);
  });
});

const tables: TableSchema[] = ['t', 'u'].map((name) => ({
  name,
  columns: [
    { name: 'k', type: { kind: 'STRING' } },
    { name: 'v', type: { kind: 'BIGINT' } },
  ],
  rowtimeIndex: undefined,
}));

function start(now: () => number): { flow: Dataflow; out: string[] } {
  const plan = planSql('SELECT t.k, t.v, u.v AS w FROM t FULL JOIN u ON t.k = u.k', {
    table: (n) => tables.find((t) => t.name === n),
    tableNames: () => ['t', 'u'],
    functions: createFunctionCatalog(builtinFunctions),
  });
  const out: string[] = [];
  const output = { data: (rows: Row[], kinds?: RowKind[]) => rows.forEach((r, i) => out.push(`${KIND[kinds?.[i] ?? 0]}${JSON.stringify(r)}`)), watermark() {} };
  return { flow: buildDataflow(plan, output, { hooks: { late() {} }, retentionMs: 60_000, now }), out };
}

function push(flow: Dataflow, table: string, rows: Row[], kinds?: RowKind[]): void {
  flow.inputs.find((i) => i.table === table)!.push(rows, kinds);
  flow.batchEnd();
}

describe('regular join checkpoints (state version 3)', () => {
  it('round-trips through the checkpoint store as of the barrier, on a restored process with another clock', async () => {
    let now = 1_764_800_000_000;
    const a = start(() => now);
    push(a.flow, 't', [['a', 1], ['a', 1], ['b', 2]]);
    push(a.flow, 'u', [['a', 10]]);
    const store = new CheckpointStore(mkdtempSync(join(tmpdir(), 'dirk-join-rows-')));
    const pending = store.begin({ id: 1, takenAt: now, planFingerprint: 'fp', positions: {}, operatorStates: a.flow.snapshot(), watermarks: {} });
    // After the barrier: changes in place that the checkpoint must not see.
    push(a.flow, 't', [['a', 1]], [RowKind.Delete]);
    push(a.flow, 'u', [['b', 20]]);
    await pending.write();

    // Another process: its clock base differs, and 50 s passed.
    now += 50_000;
    const b = start(() => now);
    b.flow.restore(store.latest()!.operatorStates);
    push(b.flow, 't', [['a', 1]], [RowKind.Delete]);
    push(b.flow, 'u', [['a', 10]], [RowKind.Delete]);
    // Both equal 'a' rows were in the checkpoint (the delete after the barrier was not), each joined with 10.
    expect(b.out).toEqual(['-D["a",1,10]', '-D["a",1,10]', '+I["a",1,null]']);
    b.out.length = 0;
    // The touch times came through: 'b' (last touched before the checkpoint) expires 60 s after that touch.
    now += 15_000;
    b.flow.batchEnd();
    push(b.flow, 'u', [['b', 30]]);
    expect(b.out).toEqual(['+I[null,null,30]']);
  });
});

const wide: TableSchema[] = ['t', 'u'].map((name) => ({
  name,
  columns: [
    { name: 'k', type: { kind: 'STRING' } },
    { name: 'a', type: { kind: 'BIGINT' } },
    { name: 'b', type: { kind: 'STRING' } },
    { name: 'c', type: { kind: 'BIGINT' } },
  ],
  rowtimeIndex: undefined,
}));

function startWide(sql: string): { flow: Dataflow; out: string[]; join: StreamingJoinOperator } {
  const plan = planSql(sql, { table: (n) => wide.find((t) => t.name === n), tableNames: () => ['t', 'u'], functions: createFunctionCatalog(builtinFunctions) });
  const out: string[] = [];
  const output = { data: (rows: Row[], kinds?: RowKind[]) => rows.forEach((r, i) => out.push(`${KIND[kinds?.[i] ?? 0]}${JSON.stringify(r)}`)), watermark() {} };
  const flow = buildDataflow(plan, output, { hooks: { late() {} }, retentionMs: 0, now: () => 0 });
  const join = flow.operators.find((o) => o instanceof StreamingJoinOperator) as StreamingJoinOperator;
  return { flow, out, join };
}

describe('regular join stores only the columns read above it (state versions 3 and 4)', () => {
  it('stores the columns read above and by the residual, and retracts by them', () => {
    const { flow, out, join } = startWide('SELECT t.k, t.b, u.c FROM t LEFT JOIN u ON t.k = u.k AND t.a < u.a');
    // Left: k, b (read above), a (residual); right: c (above), a (residual); u.k is the key only.
    expect(join.storedColumns()).toEqual([[0, 1, 2], [1, 3]]);
    push(flow, 't', [['x', 1, 'p', 100]]);
    push(flow, 'u', [['x', 5, 'q', 7], ['x', 0, 'r', 8]]);
    // A retraction whose unread column (t.c) differs from the insert's still finds the stored row: the row
    // is identified by what the query reads of it.
    push(flow, 't', [['x', 1, 'p', 999]], [RowKind.Delete]);
    push(flow, 'u', [['x', 5, 'zzz', 7]], [RowKind.Delete]);
    expect(out).toEqual(['+I["x","p",null]', '-D["x","p",null]', '+I["x","p",7]', '-D["x","p",7]']);
    expect(join.stateSize()).toEqual([0, 1]);
  });

  it('builds a retraction equal to the insert it retracts, with NULL in the columns not stored (Top-N above)', () => {
    const sql =
      'SELECT k, v, rn FROM (SELECT t.k, m.c AS v, ROW_NUMBER() OVER (PARTITION BY t.k ORDER BY m.c DESC) AS rn ' +
      'FROM t JOIN (SELECT k, MAX(c) AS c FROM u GROUP BY k) m ON t.k = m.k) WHERE rn <= 2';
    const { flow, out, join } = startWide(sql);
    expect(join.storedColumns()).toEqual([[0], [1]]);
    // Two left rows that differ only in columns the query does not read: stored (and joined) as equal rows.
    push(flow, 't', [['x', 1, 'p', 100], ['x', 2, 'q', 200]]);
    push(flow, 'u', [['x', 5, 'q', 7]]);
    // MAX goes 7 -> 9: the join retracts both [x, 7] rows and the Top-N finds each (the rows of main's build).
    push(flow, 'u', [['x', 6, 'r', 9]]);
    expect(out).toEqual(['+I["x",7,1]', '+I["x",7,2]', '-U["x",7,1]', '+U["x",7,1]', '-D["x",7,2]', '-D["x",7,1]', '+I["x",9,1]', '+I["x",9,2]']);
  });

  it('restores a version 2 checkpoint (whole rows) into the cut layout, match counts and all', () => {
    const sql = 'SELECT t.k, t.b, u.c FROM t FULL JOIN u ON t.k = u.k';
    // What a Dirk of state version 2 wrote: whole rows of both sides, KeyRows fields, touch times after `base`.
    const v2 = {
      $kind: 'StreamingJoin',
      $v: 2,
      data: {
        base: 0,
        sides: [
          new Map<unknown, unknown>([
            ['x', { r: [['x', 1, 'p', 100], ['x', 2, 'p', 200]], m: [1, 1], t: 0 }],
            ['y', { r: ['y', 3, 's', 300], m: 0, t: 0 }],
          ]),
          new Map<unknown, unknown>([['x', { r: ['x', 5, 'q', 7], m: 2, t: 0 }]]),
        ],
      },
    };
    const { flow, out, join } = startWide(sql);
    const states = flow.snapshot();
    const at = states.findIndex((s) => (s as { $kind?: string } | null)?.$kind === 'StreamingJoin');
    states[at] = v2;
    flow.restore(states);
    expect(join.stateSize()).toEqual([3, 1]);
    // One of the two equal cut rows goes, then the other; the right row's last match brings it back padded.
    push(flow, 't', [['x', 2, 'p', 200]], [RowKind.Delete]);
    push(flow, 'u', [['x', 5, 'q', 7]], [RowKind.Delete]);
    push(flow, 'u', [['y', 0, 'w', 1]]);
    expect(out).toEqual([
      '-D["x","p",7]',
      '-D["x","p",7]',
      '+I["x","p",null]',
      '-D["y","s",null]',
      '+I["y","s",1]',
    ]);
    // The restored rows are stored cut (the snapshot names the columns), both sides of a key in one entry.
    const saved = flow.snapshot()[at] as { $v: number; data: { stored: unknown; keys: Map<unknown, { r0: unknown; r1: unknown }> } };
    expect(saved.$v).toBe(4);
    expect(saved.data.stored).toEqual([[0, 2], [3]]);
    expect(saved.data.keys.get('x')!.r0).toEqual(['x', 'p']);
    expect(saved.data.keys.get('y')!.r1).toEqual([1]);
  });

  it('restores a version 3 checkpoint (a Map per side of cut rows) into one entry per key', () => {
    const v3 = {
      $kind: 'StreamingJoin',
      $v: 3,
      data: {
        base: 0,
        stored: [[0, 2], [3]],
        sides: [
          new Map<unknown, unknown>([
            ['x', { r: ['x', 'p'], m: 1, t: 0 }],
            ['z', { r: ['z', 'w'], m: 0, t: 0 }],
          ]),
          new Map<unknown, unknown>([['x', { r: [7], m: 1, t: 0 }]]),
        ],
      },
    };
    const { flow, out, join } = startWide('SELECT t.k, t.b, u.c FROM t FULL JOIN u ON t.k = u.k');
    const states = flow.snapshot();
    const at = states.findIndex((s) => (s as { $kind?: string } | null)?.$kind === 'StreamingJoin');
    states[at] = v3;
    flow.restore(states);
    expect(join.stateSize()).toEqual([2, 1]);
    push(flow, 'u', [['x', 5, 'q', 7]], [RowKind.Delete]); // x's left row loses its match: padded again
    push(flow, 'u', [['z', 0, 'r', 9]]); // z's left row gets its first match
    expect(out).toEqual(['-D["x","p",7]', '+I["x","p",null]', '-D["z","w",null]', '+I["z","w",9]']);
  });

  it('re-cuts a version 3 checkpoint that stored more columns, and refuses one that stored fewer', () => {
    const a = startWide('SELECT t.k, t.b, t.c, u.c FROM t JOIN u ON t.k = u.k');
    push(a.flow, 't', [['x', 1, 'p', 100]]);
    const states = a.flow.snapshot();
    const fewer = startWide('SELECT t.k, u.c FROM t JOIN u ON t.k = u.k');
    fewer.flow.restore(states);
    push(fewer.flow, 'u', [['x', 5, 'q', 7]]);
    expect(fewer.out).toEqual(['+I["x",7]']);
    const more = startWide('SELECT t.k, t.a, u.c FROM t JOIN u ON t.k = u.k');
    expect(() => more.flow.restore(states)).toThrow(/stored columns \[0, 2, 3\] of its left input, but this query reads columns \[1\]/);
  });
});
