import { describe, expect, it } from 'vitest';
import { RowKind, T, type Row } from '../../../src/core/types.js';
import { StreamingJoinOperator } from '../../../src/runtime/outer-join.js';
import { RankOperator } from '../../../src/runtime/rank.js';
import { noHooks, type Output } from '../../../src/runtime/operator.js';
import type { PlanNode } from '../../../src/plan/nodes.js';

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

const key = { k: 'col', index: 0, type: T.STRING } as const;

describe('StreamingJoinOperator', () => {
  it('drops keys idle longer than the retention time, so a late match finds nothing', () => {
    let now = 0;
    const out = sink();
    const op = new StreamingJoinOperator(
      { joinType: 'LEFT', leftKeys: [key], rightKeys: [key], residual: null, leftWidth: 2, rightWidth: 2 },
      { out, hooks: noHooks, retentionMs: 60_000, now: () => now },
    );
    op.process([['a', 1]], undefined, 0);
    now = 30_000;
    op.process([['b', 2]], undefined, 0);
    now = 61_000;
    op.onWatermark(0);
    expect(op.stateSize()).toEqual([1, 0]); // 'a' expired, 'b' kept
    op.process([['a', 'x']], undefined, 1);
    op.process([['b', 'y']], undefined, 1);
    expect(out.rows).toEqual(['+I["a",1,null,null]', '+I["b",2,null,null]', '-D["b",2,null,null]', '+I["b",2,"b","y"]']);
  });

  it('snapshots into structured-clone state and resumes from it', () => {
    const out = sink();
    const spec = { joinType: 'FULL' as const, leftKeys: [key], rightKeys: [key], residual: null, leftWidth: 2, rightWidth: 2 };
    const op = new StreamingJoinOperator(spec, { out, hooks: noHooks, retentionMs: 0, now: () => 0 });
    op.process([['a', 1]], undefined, 0);
    const state = structuredClone(op.snapshot());
    const out2 = sink();
    const op2 = new StreamingJoinOperator(spec, { out: out2, hooks: noHooks, retentionMs: 0, now: () => 0 });
    op2.restore(state);
    op2.process([['a', 'x']], [RowKind.Insert], 1);
    op2.process([['a', 1]], [RowKind.Delete], 0);
    expect(out2.rows).toEqual(['-D["a",1,null,null]', '+I["a",1,"a","x"]', '-D["a",1,"a","x"]', '+I[null,null,"a","x"]']);
  });
});

describe('RankOperator', () => {
  const scan: PlanNode = {
    kind: 'scan',
    table: { name: 't', columns: [{ name: 'k', type: T.STRING }, { name: 'v', type: T.INT }], rowtimeIndex: undefined },
    used: new Set(),
    fields: [{ name: 'k', type: T.STRING }, { name: 'v', type: T.INT }],
    updating: false,
    rowtimeIndex: undefined,
  };
  const node: Extract<PlanNode, { kind: 'rank' }> = {
    kind: 'rank',
    input: scan,
    partitionKeys: [key],
    orderBy: [{ expr: { k: 'col', index: 1, type: T.INT }, desc: true }],
    limit: 1,
    withRowNumber: false,
    dedup: null,
    fields: scan.fields,
    updating: true,
    rowtimeIndex: undefined,
  };

  it('keeps the top rows per partition across a checkpoint and forgets idle partitions', () => {
    let now = 0;
    const out = sink();
    const op = new RankOperator(node, { out, hooks: noHooks, retentionMs: 1000, now: () => now });
    op.process([['a', 1], ['a', 3], ['a', 2]], undefined);
    const restored = new RankOperator(node, { out, hooks: noHooks, retentionMs: 1000, now: () => now });
    restored.restore(structuredClone(op.snapshot()));
    restored.process([['a', 4]], undefined);
    now = 5000;
    restored.onWatermark(0);
    restored.process([['a', 0]], undefined);
    // Top-1 without the row number: the partition's row changes by -U/+U (Flink's FastTop1Function).
    expect(out.rows).toEqual(['+I["a",1]', '-U["a",1]', '+U["a",3]', '-U["a",3]', '+U["a",4]', '+I["a",0]']);
  });
});
