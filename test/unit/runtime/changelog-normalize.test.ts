import { describe, expect, it } from 'vitest';
import { RowKind, T, type Row } from '../../../src/core/types.js';
import { buildDataflow } from '../../../src/runtime/dataflow.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import { planSql } from '../../../src/sql/planner.js';
import { createFunctionCatalog } from '../../../src/udf/registry.js';
import { ChangelogNormalizeOperator } from '../../../src/runtime/changelog-normalize.js';
import { noHooks, type Output } from '../../../src/runtime/operator.js';

/**
 * ChangelogNormalize (Flink's DeduplicateFunctionHelper.processLastRowOnChangelog, UPDATE_BEFORE generated):
 * upserts and key-only deletes of an upsert-kafka source become a retract stream of whole rows.
 */
function sink(): Output & { rows: string[] } {
  const rows: string[] = [];
  const kind = ['+I', '-U', '+U', '-D'];
  return {
    rows,
    data(batch: Row[], kinds?: RowKind[]) {
      batch.forEach((r, i) => rows.push(`${kind[kinds?.[i] ?? 0]}${JSON.stringify(r)}`));
    },
    watermark() {},
  };
}

const U = RowKind.UpdateAfter;
const D = RowKind.Delete;

function op(retentionMs = 0, now = (): number => 0): { op: ChangelogNormalizeOperator; out: ReturnType<typeof sink> } {
  const out = sink();
  return { op: new ChangelogNormalizeOperator({ keys: [0] }, { out, hooks: noHooks, retentionMs, now }), out };
}

describe('ChangelogNormalizeOperator', () => {
  it('turns the first value of a key into +I, a new value into -U/+U, a tombstone into -D of the stored row', () => {
    const { op: n, out } = op();
    n.process([['a', 1], ['b', 2], ['a', 3]], [U, U, U]);
    // a tombstone carries only the key; the -D is the full stored row
    n.process([['a', null]], [D]);
    expect(out.rows).toEqual(['+I["a",1]', '+I["b",2]', '-U["a",1]', '+U["a",3]', '-D["a",3]']);
  });

  it('drops a delete of an unknown key and, without retention, a value equal to the stored row', () => {
    const { op: n, out } = op();
    n.process([['x', null]], [D]);
    n.process([['b', 2], ['b', 2]], [U, U]);
    expect(out.rows).toEqual(['+I["b",2]']);
    // a key deleted and written again starts over with +I
    n.process([['b', null], ['b', 5]], [D, U]);
    expect(out.rows).toEqual(['+I["b",2]', '-D["b",2]', '+I["b",5]']);
  });

  it('with idle-state retention emits -U/+U for a repeated value too (downstream state is touched)', () => {
    const { op: n, out } = op(60_000);
    n.process([['b', 2], ['b', 2]], [U, U]);
    expect(out.rows).toEqual(['+I["b",2]', '-U["b",2]', '+U["b",2]']);
  });

  it('treats an -U input as a delete and +I as an upsert', () => {
    const { op: n, out } = op();
    n.process([['a', 1], ['a', 2], ['a', 2]], [RowKind.Insert, RowKind.Insert, RowKind.UpdateBefore]);
    expect(out.rows).toEqual(['+I["a",1]', '-U["a",1]', '+U["a",2]', '-D["a",2]']);
  });

  it('keeps the last row per key across a snapshot and restore', () => {
    const first = op();
    first.op.process([['a', 1], ['b', 2]], [U, U]);
    const state = structuredClone(first.op.snapshot());
    const second = op();
    second.op.restore(state);
    second.op.process([['a', 7], ['b', null], ['c', 3]], [U, D, U]);
    expect(second.out.rows).toEqual(['-U["a",1]', '+U["a",7]', '-D["b",2]', '+I["c",3]']);
  });

  it('forgets a key idle for the retention time', () => {
    let now = 0;
    const { op: n, out } = op(60_000, () => now);
    n.process([['a', 1]], [U]);
    now = 70_000;
    n.onWatermark(0);
    n.process([['a', 2]], [U]);
    expect(out.rows).toEqual(['+I["a",1]', '+I["a",2]']);
  });
});

describe('an upsert table planned and run: ChangelogNormalize under a GROUP BY', () => {
  it('gives the exact retracting changelog of COUNT(*) per region over upserts and tombstones', () => {
    const users = { name: 'users', columns: [{ name: 'id', type: T.STRING }, { name: 'region', type: T.STRING }], rowtimeIndex: undefined, changelog: true, upsert: true, primaryKey: [0] };
    const plan = planSql('SELECT region, COUNT(*) AS n FROM users GROUP BY region', {
      table: (n) => (n === 'users' ? users : undefined),
      tableNames: () => ['users'],
      functions: createFunctionCatalog(builtinFunctions),
    });
    expect(plan.root.updating).toBe(true);
    const out = sink();
    const flow = buildDataflow(plan, out, { hooks: { late: () => undefined }, retentionMs: 0, now: () => 0 });
    const batch = (rows: Row[], kinds: RowKind[]): void => {
      flow.inputs[0]!.push(rows, kinds);
      flow.batchEnd();
    };
    batch([['u1', 'eu'], ['u2', 'eu']], [U, U]);
    batch([['u1', 'us']], [U]); // u1 moves: eu 2 -> 1, us new
    batch([['u2', null]], [D]); // tombstone: eu empties
    batch([['u9', null], ['u1', 'us']], [D, U]); // unknown key, repeated row: nothing
    expect(out.rows).toEqual(['+I["eu",2]', '-U["eu",2]', '+U["eu",1]', '+I["us",1]', '-D["eu",1]']);
  });
});
