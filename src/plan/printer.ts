import { typeToString } from '../core/types.js';
import type { BExpr, PlanNode, QueryPlan, WindowSpec } from './nodes.js';
import { formatTimestamp } from '../runtime/expr/runtime-lib.js';
import { planInputs } from './walk.js';

/** The logical-plan printer: plan nodes with their expressions and output columns (`dirk explain`'s first half). */

/** Stable text of a plan, for `dirk explain` and as a test oracle. */
export function explainPlan(plan: QueryPlan): string {
  const lines: string[] = [];
  const walk = (n: PlanNode, depth: number): void => {
    const pad = '  '.repeat(depth);
    lines.push(`${pad}${describe(n)}`);
    for (const c of planInputs(n)) walk(c, depth + 1);
  };
  walk(plan.root, 0);
  lines.push('', 'output:');
  plan.root.fields.forEach((f) => lines.push(`  ${f.name} ${typeToString(f.type)}`));
  if (plan.root.updating) lines.push('  (updating result: insert / update / delete changelog)');
  return lines.join('\n');
}

function describe(n: PlanNode): string {
  const f = (i: number): string => n.kind !== 'scan' && 'input' in n ? (n.input.fields[i]?.name ?? `$${i}`) : `$${i}`;
  const ex = (e: BExpr): string => expr(e, f);
  switch (n.kind) {
    case 'scan':
      return `Scan(table=${n.table.name}, decode=[${[...n.used].sort((a, b) => a - b).map((i) => n.table.columns[i]?.name).join(', ')}])`;
    case 'filter':
      return `Filter(${ex(n.predicate)})`;
    case 'project':
      return `Project(${n.exprs.map((e, i) => `${n.fields[i]!.name}=${ex(e)}`).join(', ')})`;
    case 'windowAggregate':
      return `WindowAggregate(window=${windowText(n.window, f)}, keys=[${n.keys.map(ex).join(', ')}], aggs=[${n.aggs.map((a) => `${a.name}(${a.distinct ? 'DISTINCT ' : ''}${a.args.map(ex).join(', ') || '*'})`).join(', ')}])`;
    case 'groupAggregate':
      return `GroupAggregate(keys=[${n.keys.map(ex).join(', ')}], aggs=[${n.aggs.map((a) => `${a.name}(${a.args.map(ex).join(', ') || '*'})`).join(', ')}])`;
    case 'union':
      return `UnionAll(inputs=${n.inputs.length})`;
    case 'intervalJoin':
      return `IntervalJoin(type=${n.joinType}, keys=${n.leftKeys.length}, right.time - left.time in [${n.lower} ms, ${n.upper} ms]${n.residual ? ', with residual condition' : ''})`;
    case 'join':
      return `Join(type=${n.joinType}, keys=${n.leftKeys.length}${n.residual ? ', with residual condition' : ''})`;
    case 'windowTvf':
      return `WindowTableFunction(${windowText(n.window, f)})`;
    case 'correlate': {
      const g = n.generator;
      const gen = g.type === 'unnest' ? `UNNEST(${ex(g.expr)})${g.withOrdinality ? ' WITH ORDINALITY' : ''}` : `TABLE ${g.fn.def.name}(${g.args.map(ex).join(', ')})`;
      const cols = n.fields.slice(n.input.fields.length).map((c) => c.name);
      return `Correlate(${gen}, columns=[${cols.join(', ')}], ${n.outer ? 'LEFT (NULL-padded when empty)' : 'CROSS'})`;
    }
    case 'rank': {
      const part = `partition=[${n.partitionKeys.map(ex).join(', ')}]`;
      const order = `order=[${n.orderBy.map((o) => `${ex(o.expr)} ${o.desc ? 'DESC' : 'ASC'}`).join(', ')}]`;
      const rn = n.withRowNumber ? `, ${n.rankType ? 'rank' : 'rowNumber'}=${n.fields[n.fields.length - 1]!.name}` : '';
      if (n.dedup) {
        const how = n.dedup === 'first' ? 'first row, emitted at the watermark, append-only' : 'last row, updating';
        return `Deduplicate(keep=${how}, ${part}, ${order}${rn})`;
      }
      const start = n.start ?? 1;
      const range = start > 1 ? `${n.rankType ? 'ranks' : 'rows'}=${start}..${n.limit}` : `n=${n.limit}`;
      const fn = n.rankType ? `, function=${n.rankType} (ties share a rank)` : '';
      return `TopN(${range}${fn}, ${part}, ${order}${rn})`;
    }
    case 'over': {
      const fr = n.frame;
      const size = fr.preceding === 'UNBOUNDED' ? 'UNBOUNDED' : fr.unit === 'RANGE' ? `${fr.preceding} ms` : String(fr.preceding);
      const aggs = n.aggs.map((a) => `${a.name}(${a.distinct ? 'DISTINCT ' : ''}${a.args.map(ex).join(', ') || '*'})`).join(', ');
      return `OverAggregate(partition=[${n.partitionKeys.map(ex).join(', ')}], order=${f(n.timeIndex)}, frame=${fr.unit} BETWEEN ${size} PRECEDING AND CURRENT ROW, aggs=[${aggs}])`;
    }
  }
}

function windowText(w: WindowSpec, f: (i: number) => string): string {
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

function expr(e: BExpr, f: (i: number) => string): string {
  const x = (b: BExpr): string => expr(b, f);
  switch (e.k) {
    case 'col':
      return f(e.index);
    case 'lit':
      return e.value === null ? 'NULL' : typeof e.value === 'string' ? `'${e.value}'` : e.type.kind === 'TIMESTAMP' ? `TIMESTAMP '${formatTimestamp(e.value as number)}'` : String(e.value);
    case 'call':
      return `${e.name}(${e.args.map(x).join(', ')})`;
    case 'op':
      if (e.args.length === 2 && /^[^A-Z]/.test(e.op)) return `(${x(e.args[0]!)} ${e.op} ${x(e.args[1]!)})`;
      return `${e.op}(${e.args.map(x).join(', ')})`;
    case 'case':
      return `CASE ${e.whens.map(([c, v]) => `WHEN ${x(c)} THEN ${x(v)}`).join(' ')}${e.else ? ` ELSE ${x(e.else)}` : ''} END`;
    case 'cast':
      return `${e.safe ? 'TRY_CAST' : 'CAST'}(${x(e.arg)} AS ${typeToString(e.type)})`;
    case 'field':
      return `${x(e.arg)}.${e.name}`;
    case 'index':
      return `${x(e.arg)}[${x(e.index)}]`;
    case 'like':
      return `${x(e.arg)} LIKE ${x(e.pattern)}`;
    case 'in':
      return `${x(e.arg)} IN (${e.list.map(x).join(', ')})`;
  }
}
