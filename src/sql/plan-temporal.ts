import { SqlError } from '../core/errors.js';
import { isProctimeType, T, type Field } from '../core/types.js';
import type { FromItem, Query } from './ast.js';
import { Scope } from './binder.js';
import type { PlanHost, Planned } from './plan-host.js';
import type { BExpr, LookupTable, PlanNode } from '../plan/nodes.js';
import { equiKey, shift, side, splitAnd } from './plan-join.js';
import { collectScans } from '../plan/children.js';
import { isRowtime, plainType } from './types.js';

/**
 * `left JOIN t FOR SYSTEM_TIME AS OF left.time AS r ON ...`: against a lookup table (CREATE TABLE with
 * 'connector' = 'jdbc') a lookup join, as Flink plans it. Equalities between a column of the table and an
 * expression over the left input (or a literal) are the lookup keys; the rest of ON is checked on each joined
 * row. Against any other table, a temporal join with a versioned table (planVersionedJoin).
 */
export function planTemporalJoin(
  host: PlanHost,
  f: Extract<FromItem, { kind: 'join' }>,
  right: Extract<FromItem, { kind: 'table' }>,
  ctes: Map<string, Query>,
  tables: TemporalTables,
): Planned {
  const asOf = right.asOf!;
  const table = tables.lookupTable(right.name);
  if (!table) return planVersionedJoin(host, f, right, ctes, tables.declaredKey(right.name));
  if (f.type !== 'INNER' && f.type !== 'LEFT') throw new SqlError(`a lookup join is an INNER JOIN or a LEFT JOIN, not ${f.type} JOIN`, f.pos);
  const left = host.planFrom(f.left, ctes);
  const time = host.binder.bind(asOf, left.scope);
  if (time.k !== 'col') throw new SqlError('FOR SYSTEM_TIME AS OF needs a time attribute column of the left input (e.g. o.proc_time)', asOf.pos);
  if (!isProctimeType(time.type)) {
    const name = left.scope.columns[time.index]?.name ?? '';
    throw new SqlError(
      `a lookup join (table ${table.name}) needs FOR SYSTEM_TIME AS OF a processing-time attribute (a PROCTIME() column), not ${isRowtime(time.type) ? 'the event-time attribute' : 'the column'} ${name}`,
      asOf.pos,
    );
  }
  const rightScope = Scope.of(table.columns, right.alias ?? right.name);
  const scope = left.scope.concat(rightScope);
  const width = left.node.fields.length;
  if (!f.on) throw new SqlError(`a lookup join needs ON with an equality between a column of ${table.name} and the left input`, f.pos);
  const keys: { column: number; expr: BExpr }[] = [];
  const residual: BExpr[] = [];
  for (const c of splitAnd(host.binder.bind(f.on, scope))) {
    const key = lookupKey(c, width);
    if (key && !keys.some((k) => k.column === key.column)) keys.push(key);
    else residual.push(c);
  }
  if (keys.length === 0) throw new SqlError(`a lookup join needs an equality between a column of ${table.name} and the left input in ON (the lookup key)`, f.on.pos);
  const fields: Field[] = [...left.node.fields, ...table.columns.map((c) => ({ name: c.name, type: plainType(c.type) }))];
  const node: PlanNode = {
    kind: 'lookupJoin',
    joinType: f.type,
    input: left.node,
    table,
    keys,
    residual: residual.length === 0 ? null : residual.reduce((a, b): BExpr => ({ k: 'op', op: 'AND', args: [a, b], type: T.BOOLEAN })),
    fields,
    updating: left.node.updating,
    rowtimeIndex: left.node.rowtimeIndex,
  };
  return { node, scope: new Scope([...left.scope.columns, ...rightScope.columns.map((c) => ({ ...c, type: plainType(c.type) }))]) };
}

/** The script's tables a temporal join may name: lookup tables, and PRIMARY KEYs declared in CREATE TABLE. */
export interface TemporalTables {
  lookupTable(name: string): LookupTable | undefined;
  declaredKey(name: string): readonly string[] | undefined;
}

/** `table.col = <left expression or literal>` (either way round): the table column and the value's expression. */
function lookupKey(c: BExpr, width: number): { column: number; expr: BExpr } | undefined {
  if (c.k !== 'op' || c.op !== '=') return undefined;
  const [a, b] = c.args as [BExpr, BExpr];
  const pick = (col: BExpr, other: BExpr): { column: number; expr: BExpr } | undefined => {
    if (col.k !== 'col' || col.index < width) return undefined;
    const s = side(other, width);
    if (s !== 'L' && s !== 'NONE') return undefined;
    return { column: (shift(col, width) as { index: number }).index, expr: other };
  };
  return pick(a, b) ?? pick(b, a);
}

/**
 * `left JOIN v FOR SYSTEM_TIME AS OF left.t ON left.k = v.pk`: v is a versioned table, a changelog with a
 * primary key, or a table the script declares a PRIMARY KEY for (every key column equal to the left input in
 * ON, as Flink requires). AS OF the left input's
 * event-time attribute: an event-time temporal join, which needs v's own event-time attribute (the versions'
 * times); AS OF a PROCTIME() column: each row with the latest version.
 */
function planVersionedJoin(
  host: PlanHost,
  f: Extract<FromItem, { kind: 'join' }>,
  right: Extract<FromItem, { kind: 'table' }>,
  ctes: Map<string, Query>,
  declaredKey: readonly string[] | undefined,
): Planned {
  const asOf = right.asOf!;
  if (f.type !== 'INNER' && f.type !== 'LEFT') throw new SqlError(`a temporal join is an INNER JOIN or a LEFT JOIN, not ${f.type} JOIN`, f.pos);
  const left = host.planFrom(f.left, ctes);
  const { asOf: _asOf, ...plain } = right;
  void _asOf;
  const r = host.planFrom(plain, ctes);
  const time = host.binder.bind(asOf, left.scope);
  const event = time.k === 'col' && isRowtime(time.type) && time.index === left.node.rowtimeIndex;
  if (time.k !== 'col' || !(event || isProctimeType(time.type))) {
    throw new SqlError('FOR SYSTEM_TIME AS OF needs a time attribute of the left input: its event-time attribute, or a PROCTIME() column', asOf.pos);
  }
  if (left.node.updating) throw new SqlError('a temporal join needs an append-only left input', f.left.pos);
  // A changelog's own key, else the script's PRIMARY KEY (then each row is a new version of its key).
  const pk = r.node.uniqueKey ?? declaredKey?.map((k) => r.node.fields.findIndex((c) => c.name.toLowerCase() === k.toLowerCase())).filter((i) => i >= 0);
  if (!pk || pk.length === 0) {
    throw new SqlError(`a temporal join needs a versioned table: ${right.name} has no PRIMARY KEY (an upsert or changelog table with a primary key)`, right.pos);
  }
  if (event && r.node.rowtimeIndex === undefined) {
    throw new SqlError(`an event-time temporal join needs a versioned table with an event-time attribute (a WATERMARK); ${right.name} has none`, right.pos);
  }
  const scope = left.scope.concat(r.scope);
  const width = left.node.fields.length;
  if (!f.on) throw new SqlError(`a temporal join needs ON with the primary key of ${right.name} equal to the left input`, f.pos);
  const leftKeys: BExpr[] = [];
  const rightKeys: BExpr[] = [];
  const residual: BExpr[] = [];
  for (const c of splitAnd(host.binder.bind(f.on, scope))) {
    const key = equiKey(c, width);
    if (key) {
      leftKeys.push(key[0]);
      rightKeys.push(key[1]);
    } else residual.push(c);
  }
  const covered = new Set(rightKeys.flatMap((k) => (k.k === 'col' ? [k.index] : [])));
  const missing = pk.filter((c) => !covered.has(c));
  if (missing.length > 0) {
    const names = pk.map((c) => r.node.fields[c]!.name).join(', ');
    throw new SqlError(`the primary key [${names}] of the versioned table ${right.name} must be equal to the left input in ON (a temporal join looks versions up by key)`, f.on.pos);
  }
  const fields: Field[] = [...left.node.fields, ...r.node.fields.map((c) => ({ name: c.name, type: plainType(c.type) }))];
  const node: PlanNode = {
    kind: 'temporalJoin',
    joinType: f.type,
    left: left.node,
    right: r.node,
    leftKeys,
    rightKeys,
    ...(event ? { leftTime: time.index, rightTime: r.node.rowtimeIndex! } : {}),
    ...(!event && collectScans(r.node).every((s) => s.table.bounded === true) ? { rightBounded: true } : {}),
    residual: residual.length === 0 ? null : residual.reduce((a, b): BExpr => ({ k: 'op', op: 'AND', args: [a, b], type: T.BOOLEAN })),
    fields,
    updating: false,
    rowtimeIndex: left.node.rowtimeIndex,
  };
  return { node, scope: new Scope([...left.scope.columns, ...r.scope.columns.map((c) => ({ ...c, type: plainType(c.type) }))]) };
}
