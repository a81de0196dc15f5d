import { SqlError, type SourcePosition } from '../core/errors.js';
import { T } from '../core/types.js';
import type { BExpr, PlanNode } from '../plan/nodes.js';
import { sameWindow, windowBounds, windowSql } from '../plan/window-bounds.js';
import { plainType } from './types.js';

/**
 * A window join (Flink's WindowJoin): both inputs carry window properties (window table functions, window
 * aggregates, or projections of them) and ON equates their window_start and window_end. Rows are kept per
 * window and joined once, when the watermark passes the window's end; then the window's state is dropped.
 * The result is append-only, for outer joins too (a window's unmatched rows are padded when it closes).
 * Returns undefined when the join is not of that shape.
 */
export function planWindowJoin(j: {
  joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';
  left: PlanNode;
  right: PlanNode;
  leftKeys: readonly BExpr[];
  rightKeys: readonly BExpr[];
  residual: readonly BExpr[];
  pos: SourcePosition;
}): PlanNode | undefined {
  const lb = windowBounds(j.left);
  const rb = windowBounds(j.right);
  if (!lb || !rb) return undefined;
  const isCol = (e: BExpr, i: number): boolean => e.k === 'col' && e.index === i;
  const startPair = j.leftKeys.findIndex((l, i) => isCol(l, lb.start) && isCol(j.rightKeys[i]!, rb.start));
  const endPair = j.leftKeys.findIndex((l, i) => isCol(l, lb.end) && isCol(j.rightKeys[i]!, rb.end));
  if (startPair < 0 || endPair < 0) return undefined;
  if (!sameWindow(lb.window, rb.window)) {
    throw new SqlError(`a window join needs the same window on both inputs; found ${windowSql(lb.window)} and ${windowSql(rb.window)}`, j.pos);
  }
  const rest = (keys: readonly BExpr[]): BExpr[] => keys.filter((_, i) => i !== startPair && i !== endPair);
  const residual = j.residual.length === 0 ? null : j.residual.reduce((a, b): BExpr => ({ k: 'op', op: 'AND', args: [a, b], type: T.BOOLEAN }));
  return {
    kind: 'join',
    joinType: j.joinType,
    left: j.left,
    right: j.right,
    leftKeys: rest(j.leftKeys),
    rightKeys: rest(j.rightKeys),
    residual,
    window: { leftStart: lb.start, leftEnd: lb.end, rightStart: rb.start, rightEnd: rb.end, spec: lb.window },
    fields: [...j.left.fields, ...j.right.fields].map((x) => ({ name: x.name, type: plainType(x.type) })),
    updating: false,
    rowtimeIndex: undefined,
  };
}
