import type { BExpr, PlanNode } from './nodes.js';

/**
 * The one visitor shape over plan nodes and bound expressions: an object with one handler per kind
 * (`Record<Kind, handler>`, as Kysely's OperationNodeVisitor). Adding a node or expression kind makes every
 * visitor that does not handle it fail to compile, where a `switch` with a `default` would let it through.
 */

export type PlanKind = PlanNode['kind'];
export type PlanNodeOf<K extends PlanKind> = Extract<PlanNode, { kind: K }>;

/**
 * One handler per plan node kind. `Skip` names kinds a visitor never receives (e.g. the dataflow builds
 * sources apart from operators); every other kind must be handled.
 */
export type PlanVisitor<R, C = undefined, Skip extends PlanKind = never> = {
  readonly [K in Exclude<PlanKind, Skip>]: (node: PlanNodeOf<K>, ctx: C) => R;
};

/** Calls the visitor's handler for the node's kind. */
export function dispatchPlan<R, C, Skip extends PlanKind = never>(
  node: Exclude<PlanNode, { kind: Skip }>,
  visitor: PlanVisitor<R, C, Skip>,
  ctx: C,
): R {
  const handler = visitor[node.kind as Exclude<PlanKind, Skip>] as (n: PlanNode, c: C) => R;
  return handler(node, ctx);
}

export type ExprKind = BExpr['k'];
export type ExprOf<K extends ExprKind> = Extract<BExpr, { k: K }>;

/** One handler per bound-expression kind. */
export type ExprVisitor<R, C = undefined> = {
  readonly [K in ExprKind]: (expr: ExprOf<K>, ctx: C) => R;
};

/** Calls the visitor's handler for the expression's kind. */
export function dispatchExpr<R, C>(expr: BExpr, visitor: ExprVisitor<R, C>, ctx: C): R {
  const handler = visitor[expr.k] as (e: BExpr, c: C) => R;
  return handler(expr, ctx);
}
