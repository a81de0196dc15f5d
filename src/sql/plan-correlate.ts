import { DirkError, SqlError } from '../core/errors.js';
import { T, typeToString, type Field, type SqlType } from '../core/types.js';
import type { FunctionCatalog } from '../udf/registry.js';
import type { FromItem } from './ast.js';
import { Scope, type Binder } from './binder.js';
import type { Planned } from './plan-host.js';
import type { BExpr, PlanNode } from '../plan/nodes.js';
import { plainType } from './types.js';

/**
 * Correlated FROM items: `t CROSS JOIN UNNEST(t.arr) AS u(x)`, `t, LATERAL TABLE(fn(t.a)) AS f(c)` and their
 * LEFT JOIN ... ON TRUE forms. The generator is bound against the LEFT input's scope; its columns are
 * appended after the input's, and the input's time attribute stays one.
 */

type Generator = Extract<PlanNode, { kind: 'correlate' }>['generator'];

export function planCorrelate(
  binder: Binder,
  functions: FunctionCatalog,
  left: Planned,
  join: Extract<FromItem, { kind: 'join' }>,
): Planned {
  const right = join.right as Extract<FromItem, { kind: 'unnest' | 'lateral' }>;
  const what = right.kind === 'unnest' ? 'UNNEST' : 'LATERAL TABLE';
  if (join.type === 'RIGHT' || join.type === 'FULL') {
    throw new SqlError(`${join.type} JOIN ${what} is not supported; use CROSS JOIN or LEFT JOIN ... ON TRUE`, join.pos);
  }
  const outer = join.type === 'LEFT';
  if (outer && !(join.on && join.on.kind === 'literal' && join.on.value === true)) {
    throw new SqlError(`LEFT JOIN ${what} needs the condition ON TRUE`, join.on?.pos ?? join.pos);
  }
  const { generator, columns } = right.kind === 'unnest' ? unnestGenerator(binder, left.scope, right) : tableGenerator(binder, functions, left.scope, right);
  let names = columns.map((c) => c.name);
  if (right.columns) {
    if (right.columns.length !== columns.length) {
      throw new SqlError(`${what} produces ${columns.length} column${columns.length === 1 ? '' : 's'} (${names.join(', ')}), but the alias names ${right.columns.length}`, right.pos);
    }
    names = [...right.columns];
  }
  const generated: Field[] = columns.map((c, i) => ({ name: names[i]!, type: plainType(c.type) }));
  const fields: Field[] = [...left.node.fields, ...generated];
  const node: PlanNode = {
    kind: 'correlate',
    input: left.node,
    generator,
    outer,
    fields,
    updating: left.node.updating,
    rowtimeIndex: left.node.rowtimeIndex,
  };
  let scope = left.scope.concat(Scope.of(generated, right.alias));
  let result: Planned = { node, scope };
  // An inner join's ON condition other than TRUE filters the correlated rows.
  if (join.type === 'INNER' && join.on && !(join.on.kind === 'literal' && join.on.value === true)) {
    const predicate = binder.bind(join.on, scope);
    if (predicate.type.kind !== 'BOOLEAN' && predicate.type.kind !== 'NULL') {
      throw new SqlError(`ON needs a BOOLEAN condition, found ${typeToString(predicate.type)}`, join.on.pos);
    }
    scope = result.scope;
    result = {
      node: { kind: 'filter', input: node, predicate, fields, updating: node.updating, rowtimeIndex: node.rowtimeIndex },
      scope,
    };
  }
  return result;
}

function unnestGenerator(
  binder: Binder,
  scope: Scope,
  item: Extract<FromItem, { kind: 'unnest' }>,
): { generator: Generator; columns: Field[] } {
  const expr = binder.bind(item.expr, scope);
  const t = expr.type;
  let columns: Field[];
  if (t.kind === 'ARRAY') {
    const el = t.element;
    // An array of rows unnests into one column per field, as in Flink (Calcite).
    columns = el.kind === 'ROW' ? el.fields.map((f) => ({ name: f.name, type: f.type })) : [{ name: 'EXPR$0', type: el }];
  } else if (t.kind === 'MAP') {
    columns = [
      { name: 'KEY', type: t.key },
      { name: 'VALUE', type: t.value },
    ];
  } else {
    throw new SqlError(`UNNEST needs an ARRAY or a MAP, found ${typeToString(t)}`, item.expr.pos);
  }
  if (item.withOrdinality) columns.push({ name: 'ORDINALITY', type: T.INT });
  return { generator: { type: 'unnest', expr, withOrdinality: item.withOrdinality }, columns };
}

function tableGenerator(
  binder: Binder,
  functions: FunctionCatalog,
  scope: Scope,
  item: Extract<FromItem, { kind: 'lateral' }>,
): { generator: Generator; columns: Field[] } {
  const call = item.call;
  if (call.kind !== 'call' || call.over || call.star) {
    throw new SqlError('LATERAL TABLE(...) needs a table function call, e.g. LATERAL TABLE(HistogramBucket(x, \'1,5\'))', call.pos);
  }
  const args: BExpr[] = call.args.map((a) => binder.bind(a, scope));
  const def = functions.lookup(call.name);
  if (def && def.kind !== 'table') {
    throw new SqlError(`${call.name} is a ${def.kind} function; LATERAL TABLE needs a table function`, call.pos);
  }
  let fn;
  try {
    fn = functions.resolve(call.name, args.map((a) => a.type));
  } catch (err) {
    if (err instanceof SqlError) throw err;
    if (err instanceof DirkError) throw new SqlError(err.message, call.pos, err);
    throw err;
  }
  const columns: Field[] = (fn.columns ?? []).map((c): Field => ({ name: c.name, type: c.type as SqlType }));
  if (columns.length === 0) throw new SqlError(`table function ${call.name} declares no columns`, call.pos);
  return { generator: { type: 'function', fn, args }, columns };
}
