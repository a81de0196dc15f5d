import { SqlError, type SourcePosition } from '../core/errors.js';
import type { Field } from '../core/types.js';
import type { Expr, SelectItem } from './ast.js';
import type { Scope } from './binder.js';
import type { BExpr, PlanNode } from '../plan/nodes.js';

/** Output fields of plan nodes: names, `*` expansion, and what a node passes through from its input. */

export function passThrough(n: PlanNode): Pick<PlanNode, 'fields' | 'updating' | 'rowtimeIndex' | 'uniqueKey'> {
  return { fields: n.fields, updating: n.updating, rowtimeIndex: n.rowtimeIndex, ...(n.uniqueKey ? { uniqueKey: n.uniqueKey } : {}) };
}

export function mapUniqueKey(input: PlanNode, exprs: readonly BExpr[]): number[] | undefined {
  if (!input.uniqueKey) return undefined;
  const out: number[] = [];
  for (const k of input.uniqueKey) {
    const pos = exprs.findIndex((e) => e.k === 'col' && e.index === k);
    if (pos < 0) return undefined;
    out.push(pos);
  }
  return out;
}

/** Repeated output names get a counter, as Flink (Calcite) does: `SELECT * FROM a JOIN b` gives id, id0. */
export function uniqueNames(fields: readonly Field[]): Field[] {
  const used = new Set(fields.map((f) => f.name));
  const seen = new Set<string>();
  return fields.map((f) => {
    if (!seen.has(f.name)) {
      seen.add(f.name);
      return f;
    }
    let k = 0;
    while (used.has(`${f.name}${k}`)) k++;
    const name = `${f.name}${k}`;
    used.add(name);
    return { ...f, name };
  });
}

export function defaultName(e: Expr, i: number): string {
  if (e.kind === 'column') return e.path[e.path.length - 1]!;
  if (e.kind === 'field') return e.name;
  return `EXPR$${i}`;
}


/** Expands `*` or `t.*` into column references and fields of the scope's columns (of table `t`). */
export function expandStar(scope: Scope, table: string | undefined, pos: SourcePosition, exprs: BExpr[], fields: Field[]): void {
  let any = false;
  scope.columns.forEach((c, i) => {
    if (table !== undefined && c.qualifier !== table) return;
    any = true;
    exprs.push({ k: 'col', index: i, type: c.type });
    fields.push({ name: c.name, type: c.type });
  });
  if (table !== undefined && !any) throw new SqlError(`no table named '${table}' in FROM`, pos);
}

/**
 * Binds a SELECT list: `*` and `t.*` expand over `scope`; every other item goes through `bind` (with its
 * position in the list) and is named by its alias or `defaultName`. `bind` returns undefined to give up.
 */
export function bindSelectList(
  scope: Scope,
  items: readonly SelectItem[],
  bind: (item: Extract<SelectItem, { kind: 'expr' }>, i: number) => BExpr | undefined,
): { exprs: BExpr[]; fields: Field[] } | undefined {
  const exprs: BExpr[] = [];
  const fields: Field[] = [];
  for (const [i, item] of items.entries()) {
    if (item.kind === 'star') {
      expandStar(scope, item.table, item.pos, exprs, fields);
      continue;
    }
    const b = bind(item, i);
    if (!b) return undefined;
    exprs.push(b);
    fields.push({ name: item.alias ?? defaultName(item.expr, fields.length), type: b.type });
  }
  return { exprs, fields };
}
