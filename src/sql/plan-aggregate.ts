import { SqlError, type SourcePosition } from '../core/errors.js';
import { T, typeToString, type Field, type SqlType } from '../core/types.js';
import type { Expr, FromItem, Query, Select } from './ast.js';
import { Scope, WINDOW_GROUP_FNS, canon, type AggregationContext, type Binder } from './binder.js';
import { defaultName, passThrough } from './plan-fields.js';
import type { PlanHost, Planned } from './plan-host.js';
import { refsColumnsFrom } from '../plan/children.js';
import { visitExpr } from './ast-walk.js';
import type { AggCall, BExpr, PlanNode, WindowAttachment, WindowSpec } from '../plan/nodes.js';
import { windowBounds } from '../plan/window-bounds.js';
import { isProctime, isRowtime, plainType } from './types.js';

/**
 * Aggregation: GROUP BY with group windows (TUMBLE, HOP, SESSION) or over a window table function
 * (TUMBLE, HOP, CUMULATE, SESSION in FROM), HAVING, and the window table functions themselves.
 */

/** True when `e` calls an aggregate function (not as OVER). */
export function containsAggregate(binder: Binder, e: Expr): boolean {
  let found = false;
  visitExpr(e, (x) => {
    if (x.kind === 'call' && !x.over && binder.isAggregate(x.name)) found = true;
  });
  return found;
}

/** GROUP BY (with a group window, or over a window table function) and HAVING: a window or group aggregate, then a projection. */
export function planAggregate(host: PlanHost, s: Select, input: Planned): Planned {
  let window: WindowSpec | undefined;
  let windowPos: SourcePosition | undefined;
  const keys: BExpr[] = [];
  const keyNames: string[] = [];
  let source = input;
  for (const g of s.groupBy) {
    if (g.kind === 'call' && WINDOW_GROUP_FNS.has(g.name)) {
      if (window) throw new SqlError('only one window is allowed in GROUP BY', g.pos);
      window = windowSpec(host.binder, g, input.scope);
      windowPos = g.pos;
      continue;
    }
    const b = host.binder.bind(g, input.scope);
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
      // Sessions are kept per group key, so SESSION's PARTITION BY keys must be among them.
      for (const p of tvf.partitionKeys ?? []) {
        if (!rest.some((r) => canon(r) === canon(p))) {
          throw new SqlError(`GROUP BY of a SESSION window table function must include its PARTITION BY key ${p.k === 'col' ? (tvf.fields[p.index]?.name ?? '') : ''}`.trimEnd(), (p.k === 'col' ? p.pos : undefined) ?? s.pos);
        }
      }
      keys.length = 0;
      keys.push(...rest);
      keyNames.length = 0;
      keyNames.push(...restNames);
      source = { node: stripWindowTvf(input.node, s.where?.pos ?? s.pos), scope: input.scope };
    }
  }
  if (tvf?.window.type === 'SESSION' && !(window && source !== input)) throw sessionTvfNotAggregated(s.pos);
  const attached = window ? undefined : attachedWindow(input.node, keys);
  const k = keys.length;
  const windowCols = window ? 3 : 0;
  const aggOffset = k + windowCols;
  const outputTypes: SqlType[] = keys.map((x) => plainType(x.type));
  // window_time is a time attribute of the window's kind: event time (end - 1 ms) or processing time.
  const windowTime = window?.proctime ? T.PROCTIME : T.ROWTIME;
  if (window) outputTypes.push(T.TIMESTAMP, T.TIMESTAMP, windowTime);
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
      const same = windowSpec(host.binder, { ...call, name: prefix }, input.scope);
      if (JSON.stringify(same) !== JSON.stringify(w)) {
        throw new SqlError(`${name} arguments must be the same as in GROUP BY ${prefix}(...)`, call.pos);
      }
      const suffix = name.slice(name.indexOf('_') + 1);
      if (suffix === 'PROCTIME' && !w.proctime) throw new SqlError(`${name} needs a window on a processing-time attribute; this ${w.type} window is on event time (use ${prefix}_ROWTIME)`, call.pos);
      if (suffix === 'ROWTIME' && w.proctime) throw new SqlError(`${name} needs a window on an event-time attribute; this ${w.type} window is on processing time (use ${prefix}_PROCTIME)`, call.pos);
      const idx = k + (suffix === 'START' ? 0 : suffix === 'END' ? 1 : 2);
      return { k: 'col', index: idx, type: outputTypes[idx]!, pos: call.pos };
    },
  };
  const bindOut = (e: Expr): BExpr => host.binder.bind(e, source === input ? input.scope : input.scope, ctx);
  // Bind select items and HAVING first: they register the aggregate calls.
  const items: { b: BExpr; name: string }[] = [];
  for (const item of s.items) {
    if (item.kind === 'star') throw new SqlError('SELECT * cannot be used with GROUP BY', item.pos);
    items.push({ b: bindOut(item.expr), name: item.alias ?? defaultName(item.expr, items.length) });
  }
  const having = s.having ? bindOut(s.having) : undefined;
  const fields: Field[] = [
    ...keys.map((x, i) => ({ name: keyNames[i]!, type: plainType(x.type) })),
    ...(window ? [{ name: 'window_start', type: T.TIMESTAMP }, { name: 'window_end', type: T.TIMESTAMP }, { name: 'window_time', type: windowTime }] : []),
    ...aggs.map((a, i) => ({ name: `$a${i}`, type: a.type })),
  ];
  let node: PlanNode;
  if (window) {
    if (source.node.updating) throw new SqlError('a window aggregation needs an append-only input; this input is updating', windowPos ?? s.pos);
    // HOP and CUMULATE merge panes and SESSION merges sessions: partial accumulators are combined.
    const noMerge = window.type === 'TUMBLE' ? undefined : aggs.find((a) => !a.aggregate.merge);
    if (noMerge) {
      throw new SqlError(
        `aggregate function ${noMerge.aggregate.name} has no merge(), which ${window.type} windows need to combine partial results; use it in a TUMBLE window or a GROUP BY without a window, or give it a merge()`,
        windowPos ?? s.pos,
      );
    }
    node = { kind: 'windowAggregate', input: source.node, window, keys, aggs, fields, updating: false, rowtimeIndex: window.proctime ? undefined : k + 2 };
  } else {
    const noRetract = source.node.updating ? aggs.find((a) => !a.aggregate.retract) : undefined;
    if (noRetract) throw new SqlError(`aggregate ${noRetract.name} cannot retract, so it cannot run on an updating input (it defines no retract)`, s.pos);
    node = {
      kind: 'groupAggregate',
      input: source.node,
      keys,
      aggs,
      fields,
      // Grouped by its input's windows: one final row per window and key, when the window closes.
      updating: !attached,
      rowtimeIndex: undefined,
      uniqueKey: keys.map((_, i) => i),
      ...(attached ? { window: attached } : {}),
    };
  }
  if (having) node = { ...passThrough(node), kind: 'filter', input: node, predicate: having };
  return host.project(node, items.map((i) => i.b), items.map((i) => ({ name: i.name, type: i.b.type })));
}

/**
 * GROUP BY both window_start and window_end of a windowed input (e.g. a window aggregate's result, as in
 * Nexmark q5): Flink's cascaded window aggregation, whose groups each belong to one window.
 */
function attachedWindow(input: PlanNode, keys: readonly BExpr[]): WindowAttachment | undefined {
  const wb = windowBounds(input);
  if (!wb) return undefined;
  const startKey = keys.findIndex((k) => k.k === 'col' && k.index === wb.start);
  const endKey = keys.findIndex((k) => k.k === 'col' && k.index === wb.end);
  return startKey >= 0 && endKey >= 0 ? { startKey, endKey, spec: wb.window } : undefined;
}

/** The window of a GROUP BY TUMBLE(...), HOP(...) or SESSION(...) call. */
export function windowSpec(binder: Binder, g: Extract<Expr, { kind: 'call' }>, scope: Scope): WindowSpec {
  const [timeArg, a1, a2] = g.args;
  if (!timeArg) throw new SqlError(`${g.name} needs a time attribute argument`, g.pos);
  const time = binder.bind(timeArg, scope);
  const proc = time.k === 'col' && isProctime(time.type);
  if (!(time.k === 'col' && (isRowtime(time.type) || proc))) {
    throw new SqlError(`${g.name}'s first argument must be a time attribute (an event-time column such as rowtime, or PROCTIME()), found ${typeToString(time.type)}`, timeArg.pos);
  }
  const spec = groupWindow(binder, g, time.index, a1, a2);
  return proc ? { ...spec, proctime: true } : spec;
}

function groupWindow(binder: Binder, g: Extract<Expr, { kind: 'call' }>, timeIndex: number, a1: Expr | undefined, a2: Expr | undefined): WindowSpec {
  const time = { index: timeIndex };
  switch (g.name) {
    case 'TUMBLE': {
      if (!a1 || g.args.length > 3) throw new SqlError('TUMBLE takes (time_attr, size interval)', g.pos);
      const size = binder.constantInterval(a1, 'the TUMBLE size');
      const offset = a2 ? binder.constantInterval(a2, 'the TUMBLE offset') : 0;
      return { type: 'TUMBLE', timeIndex: time.index, size, offset };
    }
    case 'HOP': {
      if (!a1 || !a2) throw new SqlError('HOP takes (time_attr, slide interval, size interval)', g.pos);
      const slide = binder.constantInterval(a1, 'the HOP slide');
      // As Flink's sliding windows, any size and slide: the operator keeps panes of gcd(size, slide).
      const size = binder.constantInterval(a2, 'the HOP size');
      return { type: 'HOP', timeIndex: time.index, size, slide, offset: 0 };
    }
    case 'SESSION': {
      if (!a1) throw new SqlError('SESSION takes (time_attr, gap interval)', g.pos);
      return { type: 'SESSION', timeIndex: time.index, gap: binder.constantInterval(a1, 'the SESSION gap') };
    }
    default:
      throw new SqlError(`unknown window ${g.name}`, g.pos);
  }
}

function sessionTvfNotAggregated(pos: SourcePosition): SqlError {
  return new SqlError('a SESSION window table function must be aggregated right away: GROUP BY window_start, window_end (and its PARTITION BY keys)', pos);
}

/** A query over a SESSION window TVF that does not aggregate it (session bounds are known only when a session closes). */
export function assertNoSessionTvf(input: Planned, pos: SourcePosition): void {
  if (findWindowTvf(input.node)?.window.type === 'SESSION') throw sessionTvfNotAggregated(pos);
}

/**
 * FROM TABLE(TUMBLE|HOP|CUMULATE|SESSION(TABLE t, DESCRIPTOR(time), ...)): the input's columns plus
 * window_start, window_end, window_time. SESSION (Flink 1.19+) takes `TABLE t [PARTITION BY k | (k1, ..)]`
 * and a gap, and must be aggregated by window_start, window_end and its partition keys.
 */
export function planWindowTvf(host: PlanHost, f: Extract<FromItem, { kind: 'windowTvf' }>, ctes: Map<string, Query>): Planned {
  const call = f.call;
  const [tableArg, descriptor, ...rest] = call.args;
  if (!['TUMBLE', 'HOP', 'CUMULATE', 'SESSION'].includes(call.name)) throw new SqlError(`unknown window table function ${call.name}; use TUMBLE, HOP, CUMULATE or SESSION`, call.pos);
  if (tableArg?.kind !== 'tableArg') throw new SqlError(`${call.name}'s first argument must be TABLE <name>`, call.pos);
  if (descriptor?.kind !== 'descriptor' || descriptor.columns.length !== 1) throw new SqlError(`${call.name}'s second argument must be DESCRIPTOR(<time attribute>)`, call.pos);
  const input = host.planFrom({ kind: 'table', pos: tableArg.pos, name: tableArg.name }, ctes);
  // Windows take appends (as Flink's window operators: they do not consume updates and deletes); a changelog
  // such as an upsert-kafka table would otherwise have its retractions counted as rows.
  if (input.node.updating) {
    throw new SqlError(`the window table function ${call.name} needs an append-only input; ${tableArg.name} is updating (a changelog, e.g. an upsert-kafka table)`, tableArg.pos);
  }
  const time = host.binder.bind({ kind: 'column', pos: descriptor.pos, path: descriptor.columns }, input.scope);
  const proc = time.k === 'col' && isProctime(time.type);
  if (!(time.k === 'col' && (isRowtime(time.type) || proc))) throw new SqlError('DESCRIPTOR must name a time attribute (an event-time column, or a PROCTIME() column)', descriptor.pos);
  const iv = (i: number, what: string): number => {
    const e = rest[i];
    if (!e) throw new SqlError(`${call.name} is missing its ${what}`, call.pos);
    return host.binder.constantInterval(e, `the ${call.name} ${what}`);
  };
  if (tableArg.partitionBy && call.name !== 'SESSION') throw new SqlError(`PARTITION BY is only allowed in the table argument of SESSION, not ${call.name}`, tableArg.partitionBy[0]!.pos);
  const partitionKeys = (tableArg.partitionBy ?? []).map((e) => {
    const b = host.binder.bind(e, input.scope);
    if (b.k !== 'col') throw new SqlError('PARTITION BY of a window table function takes column names', e.pos);
    return b;
  });
  let window: WindowSpec;
  if (call.name === 'SESSION') {
    if (rest.length !== 1) throw new SqlError('SESSION takes (TABLE t [PARTITION BY k], DESCRIPTOR(time attribute), gap interval)', call.pos);
    window = { type: 'SESSION', timeIndex: time.index, gap: iv(0, 'gap') };
  } else if (call.name === 'TUMBLE') window = { type: 'TUMBLE', timeIndex: time.index, size: iv(0, 'size'), offset: rest[1] ? iv(1, 'offset') : 0 };
  else if (call.name === 'HOP') {
    const slide = iv(0, 'slide');
    const size = iv(1, 'size');
    window = { type: 'HOP', timeIndex: time.index, slide, size, offset: 0 };
  } else {
    const step = iv(0, 'step');
    const size = iv(1, 'max size');
    if (size % step) throw new SqlError('CUMULATE size must be a whole multiple of the step', call.pos);
    window = { type: 'CUMULATE', timeIndex: time.index, step, size, offset: 0 };
  }
  if (proc) window = { ...window, proctime: true };
  const base = input.node.fields.map((x) => (isRowtime(x.type) || isProctime(x.type) ? { name: x.name, type: T.TIMESTAMP } : x));
  const fields: Field[] = [...base, { name: 'window_start', type: T.TIMESTAMP }, { name: 'window_end', type: T.TIMESTAMP }, { name: 'window_time', type: proc ? T.PROCTIME : T.ROWTIME }];
  // Keep the original time attribute usable for a windowed aggregation over the TVF input.
  fields[time.index] = input.node.fields[time.index]!;
  const node: PlanNode = {
    kind: 'windowTvf',
    input: input.node,
    window,
    fields,
    updating: false,
    rowtimeIndex: proc ? undefined : fields.length - 1,
    ...(partitionKeys.length ? { partitionKeys } : {}),
  };
  return { node, scope: Scope.of(fields, f.alias ?? tableArg.name) };
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
