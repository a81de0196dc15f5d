/**
 * Limits that turn pathological SQL into a user error instead of "Maximum call stack size exceeded".
 *
 * The parser, binder, planner and expression compiler are recursive over the syntax tree. Rather than
 * rewrite each walk, two guards bound the depth they can meet:
 * - while parsing, `MAX_PARSE_NESTING` levels of nested sub-expressions (parentheses, CASE parts, function
 *   arguments, NOT/unary minus chains); each level costs the parser about 14 stack frames;
 * - after parsing and before binding, `checkTreeDepth` measures the syntax tree without recursion and
 *   refuses one deeper than `MAX_TREE_DEPTH` nodes, which bounds every later recursive walk.
 * Long AND/OR chains, the usual generated-SQL case (a 2,000-term OR), are built balanced by the parser, so
 * their depth is logarithmic and they pass; other long operator chains beyond the limit are refused.
 */
import { SqlError, type SourcePosition } from '../core/errors.js';

export const MAX_PARSE_NESTING = 200;
export const MAX_TREE_DEPTH = 400;

export function tooDeep(pos: SourcePosition | undefined, limit: number): SqlError {
  return new SqlError(
    `the expression is nested more than ${limit} levels deep; simplify it (e.g. IN (...) instead of a long OR chain, or a UDF)`,
    pos,
  );
}

/** Throws a SqlError at the first node found deeper than `MAX_TREE_DEPTH` (iterative: safe on any depth). */
export function checkTreeDepth(root: unknown, limit = MAX_TREE_DEPTH): void {
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const isNode = !Array.isArray(node) && typeof (node as { kind?: unknown }).kind === 'string';
    const d = isNode ? depth + 1 : depth;
    if (d > limit) throw tooDeep((node as { pos?: SourcePosition }).pos, limit);
    for (const v of Array.isArray(node) ? node : Object.values(node)) {
      if (v !== null && typeof v === 'object') stack.push({ node: v, depth: d });
    }
  }
}

/** Combines `operands` joined by one associative operator into a balanced tree (depth log2 n). */
export function balanced<T>(operands: readonly T[], join: (left: T, right: T, at: number) => T): T {
  const build = (from: number, to: number): T => {
    if (to - from === 1) return operands[from]!;
    const mid = (from + to) >>> 1;
    return join(build(from, mid), build(mid, to), mid);
  };
  return build(0, operands.length);
}
