import type { Field } from '../core/types.js';
import type { FromItem, Query } from './ast.js';
import type { Binder, Scope } from './binder.js';
import type { BExpr, PlanNode } from '../plan/nodes.js';

/** A planned part of a query: its plan node and the scope its columns are bound in. */
export interface Planned {
  readonly node: PlanNode;
  readonly scope: Scope;
}

/**
 * What the planning modules (aggregation, joins, OVER) need from the planner: the binder, projection
 * and planning of a nested FROM item.
 */
export interface PlanHost {
  readonly binder: Binder;
  project(input: PlanNode, exprs: BExpr[], fields: Field[]): Planned;
  planFrom(f: FromItem, ctes: Map<string, Query>): Planned;
}
