import { formatTimestamp, typeToString } from '../core/types.js';
import { planInputs } from './children.js';
import type { AggCall, BExpr, LookupTable, MatchElement, MatchSlot, PlanNode, QueryPlan, WindowSpec } from './nodes.js';
import { dispatchExpr, dispatchPlan, type ExprVisitor, type PlanNodeOf, type PlanVisitor } from './visitor.js';
import { windowSql } from './window-bounds.js';

/** The logical-plan printer: plan nodes with their expressions and output columns (`dirk explain`'s first half). */

/** Stable text of a plan, for `dirk explain` and as a test oracle. */
export function explainPlan(plan: QueryPlan): string {
  if (plan.branches) {
    // A statement set: each INSERT's plan under the table it writes.
    return plan.branches.map((b) => [`Sink(table=${b.target})`, ...explainTree(b.root, 1)].join('\n')).join('\n\n');
  }
  return explainTree(plan.root, 0).join('\n');
}

function explainTree(root: PlanNode, depth0: number): string[] {
  const lines: string[] = [];
  const walk = (n: PlanNode, depth: number): void => {
    const pad = '  '.repeat(depth);
    lines.push(`${pad}${describe(n)}`);
    for (const c of planInputs(n)) walk(c, depth + 1);
  };
  walk(root, depth0);
  const pad = '  '.repeat(depth0);
  lines.push('', `${pad}output:`);
  root.fields.forEach((f) => lines.push(`${pad}  ${f.name} ${typeToString(f.type)}`));
  if (root.updating) lines.push(`${pad}  (updating result: insert / update / delete changelog)`);
  return lines;
}

/** Names input column `i` of the node being printed. */
type ColumnName = (i: number) => string;

function describe(n: PlanNode): string {
  const f: ColumnName = (i) => (n.kind !== 'scan' && 'input' in n ? (n.input.fields[i]?.name ?? `$${i}`) : `$${i}`);
  return dispatchPlan(n, DESCRIBE, f);
}

const aggText = (a: AggCall, f: ColumnName, withDistinct: boolean): string =>
  `${a.name}(${withDistinct && a.distinct ? 'DISTINCT ' : ''}${a.args.map((e) => expr(e, f)).join(', ') || '*'})`;
const list = (es: readonly BExpr[], f: ColumnName): string => es.map((e) => expr(e, f)).join(', ');

/** One line per plan node kind. */
const DESCRIBE: PlanVisitor<string, ColumnName> = {
  scan: (n) => `Scan(table=${n.table.name}, decode=[${[...n.used].sort((a, b) => a - b).map((i) => n.table.columns[i]?.name).join(', ')}])`,
  changelogNormalize: (n) => `ChangelogNormalize(key=[${n.keys.map((i) => n.fields[i]!.name).join(', ')}])`,
  filter: (n, f) => `Filter(${expr(n.predicate, f)})`,
  project: (n, f) => `Project(${n.exprs.map((e, i) => `${n.fields[i]!.name}=${expr(e, f)}`).join(', ')})`,
  windowAggregate: (n, f) =>
    `${n.phase === 'global' ? 'GlobalWindowAggregate' : 'WindowAggregate'}(window=${windowText(n.window, f)}, keys=[${list(n.keys, f)}], aggs=[${n.aggs.map((a) => aggText(a, f, true)).join(', ')}])`,
  groupAggregate: (n, f) =>
    n.window
      ? `WindowGroupAggregate(per window of ${f(colIndex(n.keys[n.window.startKey]))}/${f(colIndex(n.keys[n.window.endKey]))}, keys=[${list(n.keys, f)}], aggs=[${n.aggs.map((a) => aggText(a, f, false)).join(', ')}], emitted when the window closes)`
      : `GroupAggregate(keys=[${list(n.keys, f)}], aggs=[${n.aggs.map((a) => aggText(a, f, false)).join(', ')}])`,
  union: (n) => (n.setOp ? `${n.setOp.op === 'INTERSECT' ? 'Intersect' : 'Except'}(${n.setOp.all ? 'ALL' : 'DISTINCT'})` : `UnionAll(inputs=${n.inputs.length})`),
  intervalJoin: (n) =>
    `IntervalJoin(type=${n.joinType}, keys=${n.leftKeys.length}, right.time - left.time in [${n.lower} ms, ${n.upper} ms]${n.residual ? ', with residual condition' : ''})`,
  join: (n) =>
    n.window
      ? `WindowJoin(type=${n.joinType}, window=${windowSql(n.window.spec)}, keys=${n.leftKeys.length}${n.residual ? ', with residual condition' : ''}, emitted when the window closes)`
      : `Join(type=${n.semi ?? n.joinType}, keys=${n.leftKeys.length}${n.residual ? ', with residual condition' : ''})${n.note ? ` -- ${n.note}` : ''}`,
  windowTvf: (n, f) => `WindowTableFunction(${windowText(n.window, f)})`,
  correlate: (n, f) => {
    const g = n.generator;
    const gen = g.type === 'unnest' ? `UNNEST(${expr(g.expr, f)})${g.withOrdinality ? ' WITH ORDINALITY' : ''}` : `TABLE ${g.fn.def.name}(${list(g.args, f)})`;
    const cols = n.fields.slice(n.input.fields.length).map((c) => c.name);
    return `Correlate(${gen}, columns=[${cols.join(', ')}], ${n.outer ? 'LEFT (NULL-padded when empty)' : 'CROSS'})`;
  },
  rank: (n, f) => {
    const part = `partition=[${list(n.partitionKeys, f)}]`;
    const order = `order=[${n.orderBy.map((o) => `${expr(o.expr, f)} ${o.desc ? 'DESC' : 'ASC'}`).join(', ')}]`;
    const rn = n.withRowNumber ? `, ${n.rankType ? 'rank' : 'rowNumber'}=${n.fields[n.fields.length - 1]!.name}` : '';
    if (n.dedup) {
      const how = n.dedup === 'first' ? 'first row, emitted at the watermark, append-only' : 'last row, updating';
      return `Deduplicate(keep=${how}, ${part}, ${order}${rn})`;
    }
    const start = n.start ?? 1;
    // A variable rank end names its column: each partition keeps its first row's value.
    const end = n.limitColumn !== undefined ? `${n.input.fields[n.limitColumn]!.name} (per partition, from its first row)` : String(n.limit);
    const range = start > 1 ? `${n.rankType ? 'ranks' : 'rows'}=${start}..${end}` : `n=${end}`;
    const fn = n.rankType ? `, function=${n.rankType} (ties share a rank)` : '';
    return `TopN(${range}${fn}, ${part}, ${order}${rn})`;
  },
  over: (n, f) => {
    const fr = n.frame;
    const size = fr.preceding === 'UNBOUNDED' ? 'UNBOUNDED' : fr.unit === 'RANGE' ? `${fr.preceding} ms` : String(fr.preceding);
    const aggs = n.aggs.map((a) => aggText(a, f, true)).join(', ');
    return `OverAggregate(partition=[${list(n.partitionKeys, f)}], order=${f(n.timeIndex)}, frame=${fr.unit} BETWEEN ${size} PRECEDING AND CURRENT ROW, aggs=[${aggs}])`;
  },
  temporalJoin: (n) =>
    n.leftTime !== undefined
      ? `TemporalJoin(type=${n.joinType}, event time: each left row with its key's version at its time, emitted when the watermark passes it, keys=${n.leftKeys.length}${n.residual ? ', with residual condition' : ''})`
      : `TemporalJoin(type=${n.joinType}, processing time: each left row with its key's latest version${n.rightBounded ? ' once the bounded table is read fully' : ''}, keys=${n.leftKeys.length}${n.residual ? ', with residual condition' : ''})`,
  match: (n, f) => matchText(n, f),
  lookupJoin: (n, f) => {
    const keys = n.keys.map((k) => `${n.table.name}.${n.table.columns[k.column]!.name}=${expr(k.expr, f)}`).join(', ');
    return `LookupJoin(type=${n.joinType}, table=${n.table.name}, ${lookupSourceText(n.table)}, keys=[${keys}]${n.residual ? ', with residual condition' : ''})`;
  },
};

/** MATCH_RECOGNIZE as SQL-like text: its clauses, navigation and aggregates written as in the query. */
function matchText(n: PlanNodeOf<'match'>, f: ColumnName): string {
  const v = (i: number | null): string => (i === null ? '' : `${n.variables[i]}.`);
  const slot = (s: MatchSlot): string => {
    switch (s.k) {
      case 'nav': {
        const inner = expr(s.expr, (i) => `${v(s.variable)}${f(i)}`);
        return !s.first && s.offset === 0 && s.expr.k === 'col' ? inner : `${s.first ? 'FIRST' : 'LAST'}(${inner}${s.offset ? `, ${s.offset}` : ''})`;
      }
      case 'agg':
        return `${s.call.name}(${s.call.args.map((a) => expr(a, (i) => `${v(s.variable)}${f(i)}`)).join(', ') || '*'})`;
      case 'matchRowtime':
        return 'MATCH_ROWTIME()';
      case 'matchProctime':
        return 'MATCH_PROCTIME()';
    }
  };
  const g: ColumnName = (i) => (n.slots[i] ? slot(n.slots[i]) : `$${i}`);
  const quant = (e: MatchElement): string => {
    const q = e.min === 1 && e.max === 1 ? '' : e.min === 0 && e.max === null ? '*' : e.min === 1 && e.max === null ? '+' : e.min === 0 && e.max === 1 ? '?' : e.max === null ? `{${e.min},}` : e.min === e.max ? `{${e.min}}` : `{${e.min},${e.max}}`;
    return `${n.variables[e.variable]}${q}${q && !e.greedy && e.max !== e.min && !(e.min === 0 && e.max === 1) ? '?' : ''}`;
  };
  const order = [`${f(n.timeIndex)} ASC`, ...n.orderBy.map((o) => `${expr(o.expr, f)} ${o.desc ? 'DESC' : 'ASC'}`)].join(', ');
  const after = n.after.mode === 'PAST_LAST_ROW' ? 'SKIP PAST LAST ROW' : n.after.mode === 'TO_NEXT_ROW' ? 'SKIP TO NEXT ROW' : `SKIP TO ${n.after.mode === 'TO_FIRST' ? 'FIRST' : 'LAST'} ${n.variables[n.after.variable!]}`;
  const defines = n.defines.flatMap((d, i) => (d ? [`${n.variables[i]} AS ${expr(d, g)}`] : []));
  const measures = n.measures.map((m, i) => `${expr(m, g)} AS ${n.fields[n.partitionKeys.length + i]!.name}`);
  return (
    `MatchRecognize(partition=[${list(n.partitionKeys, f)}], order=[${order}]${n.proctime ? ' on processing time' : ', sorted at the watermark'}, ` +
    `pattern=(${n.pattern.map(quant).join(' ')})${n.within !== null ? ` WITHIN ${n.within} ms` : ''}, after=${after}, ` +
    `define=[${defines.join(', ')}], measures=[${measures.join(', ')}], one row per match)`
  );
}

/** Where a lookup table's rows come from, and its cache; never its credentials (nor anything after `?`). */
export function lookupSourceText(t: LookupTable): string {
  const url = t.url.replace(/\?.*$/, '').replace(/\/\/[^/@]*@/, '//');
  const c = t.cache;
  const cache = c
    ? `cache=PARTIAL(${[
        c.maxRows !== undefined ? `max ${c.maxRows} keys` : '',
        c.expireAfterWriteMs !== undefined ? `expire ${c.expireAfterWriteMs} ms after write` : '',
        c.expireAfterAccessMs !== undefined ? `expire ${c.expireAfterAccessMs} ms after access` : '',
        c.cacheMissingKey ? 'missing keys cached' : 'missing keys not cached',
      ].filter((x) => x).join(', ')})`
    : 'cache=NONE';
  return `jdbc ${url} table-name=${t.tableName}, ${cache}`;
}

function colIndex(e: BExpr | undefined): number {
  return e?.k === 'col' ? e.index : -1;
}

function windowText(w: WindowSpec, f: ColumnName): string {
  return `${windowTextOf(w, f)}${w.proctime ? ' on processing time' : ''}`;
}

function windowTextOf(w: WindowSpec, f: ColumnName): string {
  switch (w.type) {
    case 'TUMBLE':
      return `TUMBLE(${f(w.timeIndex)}, size=${w.size} ms${w.offset ? `, offset=${w.offset} ms` : ''})`;
    case 'HOP':
      return `HOP(${f(w.timeIndex)}, slide=${w.slide} ms, size=${w.size} ms, panes of ${w.slide} ms)`;
    case 'CUMULATE':
      return `CUMULATE(${f(w.timeIndex)}, step=${w.step} ms, size=${w.size} ms)`;
    case 'SESSION':
      return `SESSION(${f(w.timeIndex)}, gap=${w.gap} ms)`;
  }
}

function expr(e: BExpr, f: ColumnName): string {
  return dispatchExpr(e, EXPR_TEXT, f);
}

const binaryOp = /^[^A-Z]/;

/** SQL-like text per expression kind, column references by their input names. */
const EXPR_TEXT: ExprVisitor<string, ColumnName> = {
  col: (e, f) => f(e.index),
  lit: (e) =>
    e.value === null ? 'NULL' : typeof e.value === 'string' ? `'${e.value}'` : e.type.kind === 'TIMESTAMP' ? `TIMESTAMP '${formatTimestamp(e.value as number)}'` : String(e.value),
  call: (e, f) => `${e.name}(${list(e.args, f)})`,
  op: (e, f) => (e.args.length === 2 && binaryOp.test(e.op) ? `(${expr(e.args[0]!, f)} ${e.op} ${expr(e.args[1]!, f)})` : `${e.op}(${list(e.args, f)})`),
  case: (e, f) => `CASE ${e.whens.map(([c, v]) => `WHEN ${expr(c, f)} THEN ${expr(v, f)}`).join(' ')}${e.else ? ` ELSE ${expr(e.else, f)}` : ''} END`,
  cast: (e, f) => `${e.safe ? 'TRY_CAST' : 'CAST'}(${expr(e.arg, f)} AS ${typeToString(e.type)})`,
  field: (e, f) => `${expr(e.arg, f)}.${e.name}`,
  index: (e, f) => `${expr(e.arg, f)}[${expr(e.index, f)}]`,
  like: (e, f) => `${expr(e.arg, f)} LIKE ${expr(e.pattern, f)}`,
  in: (e, f) => `${expr(e.arg, f)} IN (${list(e.list, f)})`,
};

/** One bound expression over columns `fields`, as explain prints it. */
export function printExpr(b: BExpr, fields: readonly { readonly name: string }[]): string {
  return expr(b, (i) => fields[i]?.name ?? `$${i}`);
}
