import { SqlError, type SourcePosition } from '../core/errors.js';
import { T, typeToString, type Field, type SqlType, type TableSchema } from '../core/types.js';
import type { FunctionCatalog } from '../udf/registry.js';
import type { Expr, FromItem, Query, QueryBody, Select, Statement } from './ast.js';
import { Binder, Scope, WINDOW_GROUP_FNS, canon, type AggregationContext } from './binder.js';
import { parseStatements } from './parser.js';
import { correlateGeneratorExprs, planCorrelate } from './plan-correlate.js';
import { assertNoPendingRank, consumeRank, containsOver, planOverSelect, type OverHost } from './plan-over.js';
import type { AggCall, BExpr, PlanNode, QueryPlan, WindowSpec } from './plan.js';
import { commonType, isRowtime, plainType } from './types.js';

/** The planner's narrow view of the world: tables by name and functions. */
export interface Catalog {
  table(name: string): TableSchema | undefined;
  tableNames(): string[];
  readonly functions: FunctionCatalog;
}

interface Planned {
  readonly node: PlanNode;
  readonly scope: Scope;
}

type ScanNode = Extract<PlanNode, { kind: 'scan' }>;

export function planSql(sql: string, catalog: Catalog): QueryPlan {
  return new Planner(catalog).planStatements(parseStatements(sql));
}

class Planner {
  private readonly binder: Binder;
  private readonly views = new Map<string, { query: Query; pos: SourcePosition }>();
  private readonly scans: ScanNode[] = [];

  constructor(private readonly catalog: Catalog) {
    this.binder = new Binder(catalog.functions);
  }

  planStatements(statements: Statement[]): QueryPlan {
    let result: Planned | undefined;
    for (const [i, st] of statements.entries()) {
      if (st.kind === 'createView') {
        if (this.views.has(st.name) || this.catalog.table(st.name)) throw new SqlError(`'${st.name}' is already defined`, st.pos);
        // Plan it once now so that errors point at the view definition.
        this.planQuery(st.query, new Map());
        this.views.set(st.name, { query: st.query, pos: st.pos });
        continue;
      }
      if (result) throw new SqlError('only one query may produce the job output; put the others in CREATE TEMPORARY VIEW', st.pos);
      this.scans.length = 0;
      result = this.planQuery(st.query, new Map());
      if (i !== statements.length - 1) continue;
    }
    if (!result) throw new SqlError('no query: the last statement must be a SELECT (views alone produce nothing)', statements[0]!.pos);
    const root = result.node;
    assertNoPendingRank(root);
    computeUsedColumns(root);
    return { root, scans: collectScans(root) };
  }

  // ---- queries --------------------------------------------------------------------------------------
  private planQuery(q: Query, ctes: Map<string, Query>): Planned {
    const inner = new Map(ctes);
    for (const w of q.with) inner.set(w.name, w.query);
    let planned = this.planBody(q.body, inner);
    if (q.orderBy.length || q.limit !== undefined) {
      planned = this.planOrderLimit(q, planned);
    }
    return planned;
  }

  private planOrderLimit(q: Query, planned: Planned): Planned {
    // On an unbounded stream only ordering by the ascending time attribute is meaningful, and it is the order
    // rows already come in; anything else needs ROW_NUMBER() (Top-N).
    for (const o of q.orderBy) {
      const b = this.binder.bind(o.expr, planned.scope);
      if (!(b.k === 'col' && isRowtime(b.type) && !o.desc)) {
        throw new SqlError('ORDER BY on a stream is only supported on the ascending time attribute; use ROW_NUMBER() OVER (...) for Top-N', o.expr.pos);
      }
    }
    if (q.limit !== undefined) throw new SqlError('LIMIT on an unbounded stream is not supported; use ROW_NUMBER() OVER (...) <= n', q.limitPos ?? q.pos);
    return planned;
  }

  private planBody(body: QueryBody, ctes: Map<string, Query>): Planned {
    switch (body.kind) {
      case 'select':
        return this.planSelect(body, ctes);
      case 'nested':
        return this.planQuery(body.query, ctes);
      case 'union': {
        if (!body.all) throw new SqlError('UNION without ALL needs global deduplication; use UNION ALL (and DISTINCT on top if you need it)', body.pos);
        const inputs = flattenUnion(body).map((b) => this.planBody(b, ctes));
        const first = inputs[0]!;
        const width = first.node.fields.length;
        const fields: Field[] = [];
        for (let c = 0; c < width; c++) {
          const types: SqlType[] = [];
          for (const [k, inp] of inputs.entries()) {
            if (inp.node.fields.length !== width) {
              throw new SqlError(`UNION ALL inputs have different numbers of columns (${width} and ${inp.node.fields.length}) in input ${k + 1}`, body.pos);
            }
            types.push(inp.node.fields[c]!.type);
          }
          const t = commonType(types);
          if (!t) throw new SqlError(`UNION ALL column ${c + 1} has incompatible types: ${types.map(typeToString).join(', ')}`, body.pos);
          const allRowtime = types.every((x) => isRowtime(x));
          fields.push({ name: first.node.fields[c]!.name, type: allRowtime ? first.node.fields[c]!.type : t });
        }
        const rowtimeIndex = first.node.rowtimeIndex !== undefined && inputs.every((i) => i.node.rowtimeIndex === first.node.rowtimeIndex) ? first.node.rowtimeIndex : undefined;
        const node: PlanNode = {
          kind: 'union',
          inputs: inputs.map((i) => i.node),
          fields,
          updating: inputs.some((i) => i.node.updating),
          rowtimeIndex,
        };
        return { node, scope: Scope.of(fields, undefined) };
      }
    }
  }

  private planSelect(s: Select, ctes: Map<string, Query>): Planned {
    // `FROM a, b WHERE ...`: a filter over a cross product is an inner join on that condition (as Flink plans it).
    if (s.from?.kind === 'join' && s.from.type === 'CROSS' && !s.from.on && s.where && s.from.right.kind !== 'unnest' && s.from.right.kind !== 'lateral') {
      const { where, ...rest } = s;
      s = { ...rest, from: { ...s.from, type: 'INNER', on: where } };
    }
    if (!s.from) throw new SqlError('SELECT without FROM produces no stream', s.pos);
    let input = this.planFrom(s.from, ctes);
    let where = s.where;
    // ROW_NUMBER() in the FROM sub-query, filtered here: Top-N or deduplication.
    const ranked = consumeRank(this.overHost, s, input);
    if (ranked) ({ input, where } = ranked);
    if (where) {
      const predicate = this.binder.bind(where, input.scope);
      if (predicate.type.kind !== 'BOOLEAN' && predicate.type.kind !== 'NULL') {
        throw new SqlError(`WHERE needs a BOOLEAN condition, found ${typeToString(predicate.type)}`, where.pos);
      }
      input = { node: { ...passThrough(input.node), kind: 'filter', input: input.node, predicate }, scope: input.scope };
    }
    const hasAgg = s.groupBy.length > 0 || s.items.some((i) => i.kind === 'expr' && this.containsAggregate(i.expr)) || (s.having !== undefined);
    let planned: Planned;
    if (hasAgg) planned = this.planAggregate(s, input);
    else planned = this.planProjection(s, input);
    if (s.distinct) {
      const keys = planned.node.fields.map((f, i): BExpr => ({ k: 'col', index: i, type: f.type }));
      const fields = planned.node.fields.map((f) => ({ name: f.name, type: plainType(f.type) }));
      const node: PlanNode = {
        kind: 'groupAggregate',
        input: planned.node,
        keys,
        aggs: [],
        fields,
        updating: true,
        rowtimeIndex: undefined,
        uniqueKey: keys.map((_, i) => i),
      };
      planned = { node, scope: Scope.of(fields, undefined) };
    }
    return planned;
  }

  private containsAggregate(e: Expr): boolean {
    let found = false;
    visitExpr(e, (x) => {
      if (x.kind === 'call' && !x.over && (AGG_NAMES.has(x.name) || this.binder.isUdaf(x.name))) found = true;
    });
    return found;
  }

  private get overHost(): OverHost {
    return { binder: this.binder, project: (input, exprs, fields) => this.project(input, exprs, fields) };
  }

  private planProjection(s: Select, input: Planned): Planned {
    if (s.items.some((i) => i.kind === 'expr' && containsOver(i.expr))) {
      return planOverSelect(this.overHost, s, input, (name) => this.binder.isUdaf(name));
    }
    const exprs: BExpr[] = [];
    const fields: Field[] = [];
    for (const item of s.items) {
      if (item.kind === 'star') {
        input.scope.columns.forEach((c, i) => {
          if (item.table !== undefined && c.qualifier !== item.table) return;
          exprs.push({ k: 'col', index: i, type: c.type });
          fields.push({ name: c.name, type: c.type });
        });
        if (item.table !== undefined && !input.scope.columns.some((c) => c.qualifier === item.table)) {
          throw new SqlError(`no table named '${item.table}' in FROM`, item.pos);
        }
        continue;
      }
      if (item.expr.kind === 'call' && item.expr.over) {
        throw new SqlError('OVER aggregations are not supported yet', item.expr.pos);
      }
      const b = this.binder.bind(item.expr, input.scope);
      exprs.push(b);
      fields.push({ name: item.alias ?? defaultName(item.expr, fields.length), type: b.type });
    }
    return this.project(input.node, exprs, fields);
  }

  private project(input: PlanNode, exprs: BExpr[], named: Field[]): Planned {
    const fields = uniqueNames(named);
    let rowtimeIndex: number | undefined;
    const outFields = fields.map((f, i) => {
      const e = exprs[i]!;
      // A time attribute stays one only when passed through unchanged.
      if (e.k === 'col' && isRowtime(e.type) && e.index === input.rowtimeIndex) {
        if (rowtimeIndex === undefined) rowtimeIndex = i;
        return f;
      }
      if (e.k === 'col' && isRowtime(e.type)) return f;
      return { name: f.name, type: plainType(f.type) };
    });
    const uniqueKey = mapUniqueKey(input, exprs);
    const node: PlanNode = {
      kind: 'project',
      input,
      exprs,
      fields: outFields,
      updating: input.updating,
      rowtimeIndex,
      ...(uniqueKey ? { uniqueKey } : {}),
    };
    return { node, scope: Scope.of(outFields, undefined) };
  }

  // ---- aggregation ----------------------------------------------------------------------------------
  private planAggregate(s: Select, input: Planned): Planned {
    let window: WindowSpec | undefined;
    let windowPos: SourcePosition | undefined;
    const keys: BExpr[] = [];
    const keyNames: string[] = [];
    let source = input;
    for (const g of s.groupBy) {
      if (g.kind === 'call' && WINDOW_GROUP_FNS.has(g.name)) {
        if (window) throw new SqlError('only one window is allowed in GROUP BY', g.pos);
        window = this.windowSpec(g, input.scope);
        windowPos = g.pos;
        continue;
      }
      const b = this.binder.bind(g, input.scope);
      keys.push(b);
      keyNames.push(g.kind === 'column' ? g.path[g.path.length - 1]! : `$f${keys.length - 1}`);
    }
    // Window table function: GROUP BY window_start, window_end is a windowed aggregation.
    const tvf = findWindowTvf(input.node);
    if (!window && tvf) {
      const base = tvf.input.fields.length;
      const ws = keys.findIndex((k) => k.k === 'col' && k.index === base);
      const we = keys.findIndex((k) => k.k === 'col' && k.index === base + 1);
      if (ws >= 0 && we >= 0) {
        window = tvf.window;
        const windowKeyIdx = new Set([ws, we, keys.findIndex((k) => k.k === 'col' && k.index === base + 2)]);
        const rest = keys.filter((_, i) => !windowKeyIdx.has(i));
        const restNames = keyNames.filter((_, i) => !windowKeyIdx.has(i));
        for (const k of rest) {
          if (refsColumnsFrom(k, base)) throw new SqlError('GROUP BY of a window table function may use window_start, window_end and window_time, and input columns', s.pos);
        }
        keys.length = 0;
        keys.push(...rest);
        keyNames.length = 0;
        keyNames.push(...restNames);
        source = { node: stripWindowTvf(input.node, s.where?.pos ?? s.pos), scope: input.scope };
      }
    }
    const k = keys.length;
    const windowCols = window ? 3 : 0;
    const aggOffset = k + windowCols;
    const outputTypes: SqlType[] = keys.map((x) => plainType(x.type));
    if (window) outputTypes.push(T.TIMESTAMP, T.TIMESTAMP, T.ROWTIME);
    const keyIndex = new Map<string, number>();
    keys.forEach((x, i) => keyIndex.set(canon(x), i));
    if (window && tvf && source !== input) {
      // window_start / window_end / window_time of the TVF map onto the window output columns.
      const base = tvf.input.fields.length;
      const wt = tvf.fields[base + 2]!.type;
      keyIndex.set(canon({ k: 'col', index: base, type: T.TIMESTAMP, name: 'window_start' } as BExpr), k);
      keyIndex.set(canon({ k: 'col', index: base + 1, type: T.TIMESTAMP, name: 'window_end' } as BExpr), k + 1);
      keyIndex.set(canon({ k: 'col', index: base + 2, type: wt, name: 'window_time' } as BExpr), k + 2);
    }
    const aggs: AggCall[] = [];
    const w = window;
    const ctx: AggregationContext = {
      keyIndex,
      aggs,
      aggCanon: [],
      aggOffset,
      outputTypes,
      windowAux: (name, call) => {
        const prefix = name.slice(0, name.indexOf('_'));
        if (!w) throw new SqlError(`${name} needs GROUP BY ${prefix}(...)`, call.pos);
        if (prefix !== w.type) throw new SqlError(`${name} does not match the query's ${w.type} window`, call.pos);
        const same = this.windowSpec({ ...call, name: prefix }, input.scope);
        if (JSON.stringify(same) !== JSON.stringify(w)) {
          throw new SqlError(`${name} arguments must be the same as in GROUP BY ${prefix}(...)`, call.pos);
        }
        const suffix = name.slice(name.indexOf('_') + 1);
        if (suffix === 'PROCTIME') throw new SqlError(`${name}: processing-time windows are not supported`, call.pos);
        const idx = k + (suffix === 'START' ? 0 : suffix === 'END' ? 1 : 2);
        return { k: 'col', index: idx, type: outputTypes[idx]!, pos: call.pos };
      },
    };
    const bindOut = (e: Expr): BExpr => this.binder.bind(e, source === input ? input.scope : input.scope, ctx);
    // Bind select items and HAVING first: they register the aggregate calls.
    const items: { b: BExpr; name: string }[] = [];
    for (const item of s.items) {
      if (item.kind === 'star') throw new SqlError('SELECT * cannot be used with GROUP BY', item.pos);
      items.push({ b: bindOut(item.expr), name: item.alias ?? defaultName(item.expr, items.length) });
    }
    const having = s.having ? bindOut(s.having) : undefined;
    const fields: Field[] = [
      ...keys.map((x, i) => ({ name: keyNames[i]!, type: plainType(x.type) })),
      ...(window ? [{ name: 'window_start', type: T.TIMESTAMP }, { name: 'window_end', type: T.TIMESTAMP }, { name: 'window_time', type: T.ROWTIME }] : []),
      ...aggs.map((a, i) => ({ name: `$a${i}`, type: a.type })),
    ];
    let node: PlanNode;
    if (window) {
      if (source.node.updating) throw new SqlError('a window aggregation needs an append-only input; this input is updating', windowPos ?? s.pos);
      node = { kind: 'windowAggregate', input: source.node, window, keys, aggs, fields, updating: false, rowtimeIndex: k + 2 };
    } else {
      const noRetract = source.node.updating ? aggs.find((a) => a.udaf && !a.udaf.retract) : undefined;
      if (noRetract) throw new SqlError(`aggregate ${noRetract.name} cannot retract, so it cannot run on an updating input (it defines no retract)`, s.pos);
      node = {
        kind: 'groupAggregate',
        input: source.node,
        keys,
        aggs,
        fields,
        updating: true,
        rowtimeIndex: undefined,
        uniqueKey: keys.map((_, i) => i),
      };
    }
    if (having) node = { ...passThrough(node), kind: 'filter', input: node, predicate: having };
    return this.project(node, items.map((i) => i.b), items.map((i) => ({ name: i.name, type: i.b.type })));
  }

  private windowSpec(g: Extract<Expr, { kind: 'call' }>, scope: Scope): WindowSpec {
    const [timeArg, a1, a2] = g.args;
    if (!timeArg) throw new SqlError(`${g.name} needs a time attribute argument`, g.pos);
    const time = this.binder.bind(timeArg, scope);
    if (!(time.k === 'col' && isRowtime(time.type))) {
      throw new SqlError(`${g.name}'s first argument must be an event-time attribute (e.g. rowtime), found ${typeToString(time.type)}`, timeArg.pos);
    }
    switch (g.name) {
      case 'TUMBLE': {
        if (!a1 || g.args.length > 3) throw new SqlError('TUMBLE takes (time_attr, size interval)', g.pos);
        const size = this.binder.constantInterval(a1, 'the TUMBLE size');
        const offset = a2 ? this.binder.constantInterval(a2, 'the TUMBLE offset') : 0;
        return { type: 'TUMBLE', timeIndex: time.index, size, offset };
      }
      case 'HOP': {
        if (!a1 || !a2) throw new SqlError('HOP takes (time_attr, slide interval, size interval)', g.pos);
        const slide = this.binder.constantInterval(a1, 'the HOP slide');
        const size = this.binder.constantInterval(a2, 'the HOP size');
        if (size % slide !== 0) {
          throw new SqlError(`HOP size (${size} ms) must be a whole multiple of the slide (${slide} ms)`, a2.pos);
        }
        return { type: 'HOP', timeIndex: time.index, size, slide, offset: 0 };
      }
      case 'SESSION': {
        if (!a1) throw new SqlError('SESSION takes (time_attr, gap interval)', g.pos);
        return { type: 'SESSION', timeIndex: time.index, gap: this.binder.constantInterval(a1, 'the SESSION gap') };
      }
      default:
        throw new SqlError(`unknown window ${g.name}`, g.pos);
    }
  }

  // ---- FROM -----------------------------------------------------------------------------------------
  private planFrom(f: FromItem, ctes: Map<string, Query>): Planned {
    switch (f.kind) {
      case 'table': {
        const alias = f.alias ?? f.name;
        const cte = ctes.get(f.name);
        if (cte) {
          const p = this.planQuery(cte, ctes);
          return { node: p.node, scope: Scope.of(p.node.fields, alias) };
        }
        const view = this.views.get(f.name);
        if (view) {
          const p = this.planQuery(view.query, new Map());
          return { node: p.node, scope: Scope.of(p.node.fields, alias) };
        }
        const table = this.catalog.table(f.name);
        if (!table) {
          const names = [...this.catalog.tableNames(), ...this.views.keys(), ...ctes.keys()];
          throw new SqlError(`table '${f.name}' not found; the job's tables (INPUT_SCHEMA_TABLE in STREAMS) are: ${names.join(', ') || 'none'}`, f.pos);
        }
        const node: ScanNode = {
          kind: 'scan',
          table,
          used: new Set<number>(),
          fields: table.columns,
          updating: false,
          rowtimeIndex: table.rowtimeIndex,
        };
        this.scans.push(node);
        return { node, scope: Scope.of(table.columns, alias) };
      }
      case 'subquery': {
        const p = this.planQuery(f.query, ctes);
        return { node: p.node, scope: Scope.of(p.node.fields, f.alias) };
      }
      case 'join':
        return this.planJoin(f, ctes);
      case 'windowTvf':
        return this.planWindowTvf(f, ctes);
      case 'lateral':
      case 'unnest':
        throw new SqlError(
          `${f.kind === 'lateral' ? 'LATERAL TABLE' : 'UNNEST'} needs a table before it, e.g. FROM t CROSS JOIN UNNEST(t.arr) AS u(x) or FROM t, LATERAL TABLE(fn(t.a)) AS f(c)`,
          f.pos,
        );
    }
  }

  private planWindowTvf(f: Extract<FromItem, { kind: 'windowTvf' }>, ctes: Map<string, Query>): Planned {
    const call = f.call;
    const [tableArg, descriptor, ...rest] = call.args;
    if (!['TUMBLE', 'HOP', 'CUMULATE'].includes(call.name)) throw new SqlError(`unknown window table function ${call.name}; use TUMBLE, HOP or CUMULATE`, call.pos);
    if (tableArg?.kind !== 'tableArg') throw new SqlError(`${call.name}'s first argument must be TABLE <name>`, call.pos);
    if (descriptor?.kind !== 'descriptor' || descriptor.columns.length !== 1) throw new SqlError(`${call.name}'s second argument must be DESCRIPTOR(<time attribute>)`, call.pos);
    const input = this.planFrom({ kind: 'table', pos: tableArg.pos, name: tableArg.name }, ctes);
    const time = this.binder.bind({ kind: 'column', pos: descriptor.pos, path: descriptor.columns }, input.scope);
    if (!(time.k === 'col' && isRowtime(time.type))) throw new SqlError('DESCRIPTOR must name an event-time attribute', descriptor.pos);
    const iv = (i: number, what: string): number => {
      const e = rest[i];
      if (!e) throw new SqlError(`${call.name} is missing its ${what}`, call.pos);
      return this.binder.constantInterval(e, `the ${call.name} ${what}`);
    };
    let window: WindowSpec;
    if (call.name === 'TUMBLE') window = { type: 'TUMBLE', timeIndex: time.index, size: iv(0, 'size'), offset: rest[1] ? iv(1, 'offset') : 0 };
    else if (call.name === 'HOP') {
      const slide = iv(0, 'slide');
      const size = iv(1, 'size');
      if (size % slide) throw new SqlError('HOP size must be a whole multiple of the slide', call.pos);
      window = { type: 'HOP', timeIndex: time.index, slide, size, offset: 0 };
    } else {
      const step = iv(0, 'step');
      const size = iv(1, 'max size');
      if (size % step) throw new SqlError('CUMULATE size must be a whole multiple of the step', call.pos);
      window = { type: 'CUMULATE', timeIndex: time.index, step, size, offset: 0 };
    }
    const base = input.node.fields.map((x) => (isRowtime(x.type) ? { name: x.name, type: T.TIMESTAMP } : x));
    const fields: Field[] = [...base, { name: 'window_start', type: T.TIMESTAMP }, { name: 'window_end', type: T.TIMESTAMP }, { name: 'window_time', type: T.ROWTIME }];
    // Keep the original time attribute usable for a windowed aggregation over the TVF input.
    fields[time.index] = input.node.fields[time.index]!;
    const node: PlanNode = { kind: 'windowTvf', input: input.node, window, fields, updating: false, rowtimeIndex: fields.length - 1 };
    return { node, scope: Scope.of(fields, f.alias ?? tableArg.name) };
  }

  private planJoin(f: Extract<FromItem, { kind: 'join' }>, ctes: Map<string, Query>): Planned {
    if (f.right.kind === 'unnest' || f.right.kind === 'lateral') {
      return planCorrelate(this.binder, this.catalog.functions, this.planFrom(f.left, ctes), f);
    }
    const left = this.planFrom(f.left, ctes);
    const right = this.planFrom(f.right, ctes);
    const scope = left.scope.concat(right.scope);
    const width = left.node.fields.length;
    if (f.type === 'CROSS' || !f.on) throw new SqlError('a join needs an ON condition with an equality between the two inputs (CROSS JOIN is not supported on streams)', f.pos);
    const cond = this.binder.bind(f.on, scope);
    const conjuncts = splitAnd(cond);
    const leftKeys: BExpr[] = [];
    const rightKeys: BExpr[] = [];
    const residual: BExpr[] = [];
    let lower = -Infinity;
    let upper = Infinity;
    let leftTime: number | undefined;
    let rightTime: number | undefined;
    for (const c of conjuncts) {
      if (c.k === 'op' && c.op === '=') {
        const [a, b] = c.args as [BExpr, BExpr];
        const sa = side(a, width);
        const sb = side(b, width);
        if (sa === 'L' && sb === 'R') {
          leftKeys.push(a);
          rightKeys.push(shift(b, width));
          continue;
        }
        if (sa === 'R' && sb === 'L') {
          leftKeys.push(b);
          rightKeys.push(shift(a, width));
          continue;
        }
      }
      const bound = timeBound(c, width, scope);
      if (bound) {
        if ((leftTime !== undefined && leftTime !== bound.leftTime) || (rightTime !== undefined && rightTime !== bound.rightTime)) {
          throw new SqlError('an interval join must compare one time attribute of each input', f.on.pos);
        }
        leftTime = bound.leftTime;
        rightTime = bound.rightTime;
        if (bound.lower !== undefined) lower = Math.max(lower, bound.lower);
        if (bound.upper !== undefined) upper = Math.min(upper, bound.upper);
        continue;
      }
      residual.push(c);
    }
    const fields: Field[] = [...left.node.fields, ...right.node.fields];
    const residualExpr = residual.length === 0 ? null : residual.reduce((a, b): BExpr => ({ k: 'op', op: 'AND', args: [a, b], type: T.BOOLEAN }));
    const joinType = f.type as 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';
    if (leftTime !== undefined && rightTime !== undefined) {
      if (!Number.isFinite(lower) || !Number.isFinite(upper)) {
        throw new SqlError('an interval join needs both a lower and an upper time bound (e.g. b.rowtime BETWEEN a.rowtime AND a.rowtime + INTERVAL \'5\' MINUTE)', f.on.pos);
      }
      if (left.node.updating || right.node.updating) throw new SqlError('an interval join needs append-only inputs', f.pos);
      const node: PlanNode = {
        kind: 'intervalJoin',
        joinType,
        left: left.node,
        right: right.node,
        leftKeys,
        rightKeys,
        leftTime,
        rightTime,
        lower,
        upper,
        residual: residualExpr,
        fields,
        updating: false,
        rowtimeIndex: leftTime,
      };
      return { node, scope };
    }
    // An interval join may have no equality key (one shared buffer); a regular join would keep everything.
    if (leftKeys.length === 0) throw new SqlError('a join needs at least one equality between the two inputs in ON', f.on.pos);
    // Regular joins: an outer join retracts its NULL-padded rows when a match arrives, so it is updating.
    const plainFields = fields.map((x) => ({ name: x.name, type: plainType(x.type) }));
    const node: PlanNode = {
      kind: 'join',
      joinType,
      left: left.node,
      right: right.node,
      leftKeys,
      rightKeys,
      residual: residualExpr,
      fields: plainFields,
      updating: left.node.updating || right.node.updating || joinType !== 'INNER',
      rowtimeIndex: undefined,
    };
    return { node, scope: new Scope(scope.columns.map((c) => ({ ...c, type: plainType(c.type) }))) };
  }
}

const AGG_NAMES = new Set(['COUNT', 'SUM', 'SUM0', 'MIN', 'MAX', 'AVG', 'STDDEV', 'STDDEV_POP', 'STDDEV_SAMP', 'VAR_POP', 'VAR_SAMP', 'VARIANCE', 'FIRST_VALUE', 'LAST_VALUE', 'COLLECT', 'LISTAGG']);

function flattenUnion(b: QueryBody): QueryBody[] {
  return b.kind === 'union' && b.all ? [...flattenUnion(b.left), ...flattenUnion(b.right)] : [b];
}

function passThrough(n: PlanNode): Pick<PlanNode, 'fields' | 'updating' | 'rowtimeIndex' | 'uniqueKey'> {
  return { fields: n.fields, updating: n.updating, rowtimeIndex: n.rowtimeIndex, ...(n.uniqueKey ? { uniqueKey: n.uniqueKey } : {}) };
}

function findWindowTvf(n: PlanNode): Extract<PlanNode, { kind: 'windowTvf' }> | undefined {
  if (n.kind === 'windowTvf') return n;
  if (n.kind === 'filter') return findWindowTvf(n.input);
  return undefined;
}

function stripWindowTvf(n: PlanNode, wherePos: SourcePosition): PlanNode {
  if (n.kind === 'windowTvf') return n.input;
  if (n.kind === 'filter') {
    const base = findWindowTvf(n)!.input.fields.length;
    if (refsColumnsFrom(n.predicate, base)) throw new SqlError('a WHERE over a window table function may not use window_start/window_end/window_time when aggregating', wherePos);
    const input = stripWindowTvf(n.input, wherePos);
    return { ...passThrough(input), kind: 'filter', input, predicate: n.predicate };
  }
  return n;
}

function refsColumnsFrom(b: BExpr, from: number): boolean {
  let found = false;
  visitBExpr(b, (x) => {
    if (x.k === 'col' && x.index >= from) found = true;
  });
  return found;
}

function mapUniqueKey(input: PlanNode, exprs: readonly BExpr[]): number[] | undefined {
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
function uniqueNames(fields: readonly Field[]): Field[] {
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

function defaultName(e: Expr, i: number): string {
  if (e.kind === 'column') return e.path[e.path.length - 1]!;
  if (e.kind === 'field') return e.name;
  return `EXPR$${i}`;
}

export function visitExpr(e: Expr, f: (x: Expr) => void): void {
  f(e);
  const kids: (Expr | undefined)[] = [];
  switch (e.kind) {
    case 'call':
      kids.push(...e.args, e.filter);
      break;
    case 'binary':
      kids.push(e.left, e.right);
      break;
    case 'unary':
      kids.push(e.arg);
      break;
    case 'case':
      kids.push(e.operand, e.else, ...e.whens.flatMap((w) => [w.when, w.then]));
      break;
    case 'cast':
    case 'field':
      kids.push(e.arg);
      break;
    case 'between':
      kids.push(e.arg, e.low, e.high);
      break;
    case 'in':
      kids.push(e.arg, ...e.list);
      break;
    case 'like':
      kids.push(e.arg, e.pattern);
      break;
    case 'is':
      kids.push(e.arg);
      break;
    case 'isDistinct':
      kids.push(e.left, e.right);
      break;
    case 'subscript':
      kids.push(e.arg, e.index);
      break;
    case 'array':
    case 'map':
    case 'row':
      kids.push(...e.items);
      break;
    default:
      break;
  }
  for (const k of kids) if (k) visitExpr(k, f);
}

export function visitBExpr(b: BExpr, f: (x: BExpr) => void): void {
  f(b);
  switch (b.k) {
    case 'call':
    case 'op':
      b.args.forEach((a) => visitBExpr(a, f));
      break;
    case 'case':
      b.whens.forEach(([c, v]) => {
        visitBExpr(c, f);
        visitBExpr(v, f);
      });
      if (b.else) visitBExpr(b.else, f);
      break;
    case 'cast':
    case 'field':
      visitBExpr(b.arg, f);
      break;
    case 'index':
      visitBExpr(b.arg, f);
      visitBExpr(b.index, f);
      break;
    case 'like':
      visitBExpr(b.arg, f);
      visitBExpr(b.pattern, f);
      break;
    case 'in':
      visitBExpr(b.arg, f);
      b.list.forEach((x) => visitBExpr(x, f));
      break;
    case 'col':
    case 'lit':
      break;
  }
}

function splitAnd(b: BExpr): BExpr[] {
  if (b.k === 'op' && b.op === 'AND') return b.args.flatMap(splitAnd);
  return [b];
}

function side(b: BExpr, width: number): 'L' | 'R' | 'BOTH' | 'NONE' {
  let l = false;
  let r = false;
  visitBExpr(b, (x) => {
    if (x.k === 'col') {
      if (x.index < width) l = true;
      else r = true;
    }
  });
  return l && r ? 'BOTH' : l ? 'L' : r ? 'R' : 'NONE';
}

/** Re-bases column references of the right input (positions in the joined row) onto the right input alone. */
function shift(b: BExpr, width: number): BExpr {
  return rebase(b, width);
}

function rebase(b: BExpr, width: number): BExpr {
  switch (b.k) {
    case 'col':
      return { ...b, index: b.index - width };
    case 'lit':
      return b;
    case 'call':
      return { ...b, args: b.args.map((a) => rebase(a, width)) };
    case 'op':
      return { ...b, args: b.args.map((a) => rebase(a, width)) };
    case 'case':
      return { ...b, whens: b.whens.map(([c, v]) => [rebase(c, width), rebase(v, width)] as const), else: b.else ? rebase(b.else, width) : null };
    case 'cast':
    case 'field':
      return { ...b, arg: rebase(b.arg, width) };
    case 'index':
      return { ...b, arg: rebase(b.arg, width), index: rebase(b.index, width) };
    case 'like':
      return { ...b, arg: rebase(b.arg, width), pattern: rebase(b.pattern, width) };
    case 'in':
      return { ...b, arg: rebase(b.arg, width), list: b.list.map((x) => rebase(x, width)) };
  }
}

/**
 * Recognises `x.time <op> y.time [+/- INTERVAL]` between the two inputs' time attributes and turns it into
 * a bound on (right.time - left.time).
 */
function timeBound(
  c: BExpr,
  width: number,
  scope: Scope,
): { leftTime: number; rightTime: number; lower?: number; upper?: number } | undefined {
  if (c.k !== 'op' || !['<', '<=', '>', '>=', '='].includes(c.op)) return undefined;
  const a = timeTerm(c.args[0]!, scope);
  const b = timeTerm(c.args[1]!, scope);
  if (!a || !b) return undefined;
  const aLeft = a.index < width;
  const bLeft = b.index < width;
  if (aLeft === bLeft) return undefined;
  // a.t + a.off  OP  b.t + b.off   =>   (a.t - b.t) OP (b.off - a.off)
  let o: string = c.op;
  let k = b.off - a.off;
  let leftTime = bLeft ? b.index : a.index;
  let rightTime = (bLeft ? a.index : b.index) - width;
  if (bLeft) {
    // a is right: (r - l) OP k
  } else {
    // a is left: (l - r) OP k  =>  (r - l) OP' -k
    k = -k;
    o = ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' } as Record<string, string>)[o]!;
  }
  switch (o) {
    case '<':
      return { leftTime, rightTime, upper: k - 1 };
    case '<=':
      return { leftTime, rightTime, upper: k };
    case '>':
      return { leftTime, rightTime, lower: k + 1 };
    case '>=':
      return { leftTime, rightTime, lower: k };
    default:
      return { leftTime, rightTime, lower: k, upper: k };
  }
}

function timeTerm(b: BExpr, scope: Scope): { index: number; off: number } | undefined {
  if (b.k === 'col' && isRowtime(scope.columns[b.index]?.type ?? T.NULL)) return { index: b.index, off: 0 };
  if (b.k === 'op' && (b.op === 'TS_ADD_INTERVAL' || b.op === 'TS_SUB_INTERVAL')) {
    const base = timeTerm(b.args[0]!, scope);
    const iv = b.args[1]!;
    if (base && iv.k === 'lit' && typeof iv.value === 'number') {
      return { index: base.index, off: base.off + (b.op === 'TS_ADD_INTERVAL' ? iv.value : -iv.value) };
    }
  }
  return undefined;
}

// ---- projection pushdown: which columns each scan must decode -------------------------------------------
function computeUsedColumns(root: PlanNode): void {
  need(root, new Set(root.fields.map((_, i) => i)));
}

function refs(exprs: readonly (BExpr | null | undefined)[], into: Set<number> = new Set()): Set<number> {
  for (const e of exprs) if (e) visitBExpr(e, (x) => x.k === 'col' && into.add(x.index));
  return into;
}

function need(n: PlanNode, cols: Set<number>): void {
  switch (n.kind) {
    case 'scan':
      for (const c of cols) (n.used as Set<number>).add(c);
      if (n.rowtimeIndex !== undefined) (n.used as Set<number>).add(n.rowtimeIndex);
      return;
    case 'filter':
      return need(n.input, refs([n.predicate], new Set(cols)));
    case 'project':
      return need(n.input, refs(n.exprs));
    case 'windowAggregate': {
      const s = refs([...n.keys, ...n.aggs.flatMap((a) => [...a.args, a.filter])]);
      s.add(n.window.timeIndex);
      return need(n.input, s);
    }
    case 'groupAggregate':
      return need(n.input, refs([...n.keys, ...n.aggs.flatMap((a) => [...a.args, a.filter])]));
    case 'union':
      for (const i of n.inputs) need(i, new Set(cols));
      return;
    case 'intervalJoin':
    case 'join': {
      const w = n.left.fields.length;
      const all = new Set(cols);
      if (n.residual) refs([n.residual], all);
      const l = refs(n.leftKeys);
      const r = refs(n.rightKeys);
      for (const c of all) (c < w ? l : r).add(c < w ? c : c - w);
      if (n.kind === 'intervalJoin') {
        l.add(n.leftTime);
        r.add(n.rightTime);
      }
      need(n.left, l);
      need(n.right, r);
      return;
    }
    case 'windowTvf': {
      const w = n.input.fields.length;
      const s = new Set([...cols].filter((c) => c < w));
      s.add(n.window.timeIndex);
      return need(n.input, s);
    }
    case 'correlate': {
      const w = n.input.fields.length;
      return need(n.input, refs(correlateGeneratorExprs(n), new Set([...cols].filter((c) => c < w))));
    }
    case 'rank': {
      const w = n.input.fields.length;
      return need(n.input, refs([...n.partitionKeys, ...n.orderBy.map((o) => o.expr)], new Set([...cols].filter((c) => c < w))));
    }
    case 'over': {
      const w = n.input.fields.length;
      const s = refs([...n.partitionKeys, ...n.aggs.flatMap((a) => [...a.args, a.filter])], new Set([...cols].filter((c) => c < w)));
      s.add(n.timeIndex);
      return need(n.input, s);
    }
  }
}

function collectScans(n: PlanNode, out: ScanNode[] = []): ScanNode[] {
  switch (n.kind) {
    case 'scan':
      out.push(n);
      break;
    case 'union':
      n.inputs.forEach((i) => collectScans(i, out));
      break;
    case 'intervalJoin':
    case 'join':
      collectScans(n.left, out);
      collectScans(n.right, out);
      break;
    default:
      collectScans(n.input, out);
  }
  return out;
}
