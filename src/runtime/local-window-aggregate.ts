import type { Row } from '../core/types.js';
import type { AggCall, BExpr, PlanNode, WindowSpec } from '../plan/nodes.js';
import { compileExpr } from './expr/compile.js';
import { createAccumulator, keyFunction, type Accumulator } from './aggregates.js';
import { hasAsyncCall } from './async-calc.js';
import { lastEndOfPane, paneStartOf, paneWidth } from './window-aggregate.js';

/**
 * The local half of a two-phase ("local-global") window aggregation, as Flink's LocalWindowAggregate: the
 * rows of one source batch are folded into partial accumulators per (pane, group key) before they cross
 * the exchange, and the downstream WindowAggregate (`phase: 'global'`) merges the partials into its panes.
 * It keeps nothing between batches (`drain` empties it), so the upstream half stays stateless.
 *
 * A partial row is: group keys..., pane start, rows folded, one accumulator per aggregate call. Panes
 * are the window aggregate's own (the size for TUMBLE, gcd(size, slide) for HOP, the step for CUMULATE),
 * so a HOP row is folded once, into its pane, as the global side would have.
 */
export interface LocalAggregateSpec {
  readonly window: WindowSpec;
  /** The group keys over the aggregate's input rows. */
  readonly keys: readonly BExpr[];
  readonly aggs: readonly AggCall[];
}

interface Partial {
  readonly keys: unknown[];
  rows: number;
  readonly accs: unknown[];
}

export class LocalWindowAggregator {
  private readonly keyFns: ((r: Row) => unknown)[];
  private readonly groupKey: (r: Row) => unknown;
  private readonly accs: Accumulator[];
  private readonly width: number;
  private panes = new Map<number, Map<unknown, Partial>>();
  /** Rows folded since the last drain. */
  rows = 0;

  constructor(private readonly spec: LocalAggregateSpec) {
    this.keyFns = spec.keys.map(compileExpr);
    this.groupKey = keyFunction(this.keyFns);
    this.accs = spec.aggs.map((a) => createAccumulator(a, false));
    this.width = paneWidth(spec.window);
  }

  /** Folds rows (the aggregate's input) in. Rows without a time, or in no window (HOP gaps), are skipped as the window aggregate skips them. */
  add(rows: readonly Row[]): void {
    const w = this.spec.window;
    const timeIndex = w.timeIndex;
    let lastPane = NaN;
    let pane: Map<unknown, Partial> | undefined;
    for (const row of rows) {
      const t = row[timeIndex] as number | null;
      if (t === null || t === undefined) continue;
      const p = paneStartOf(w, this.width, t);
      if (p !== lastPane) {
        if (lastEndOfPane(w, p) <= p) continue;
        pane = this.panes.get(p);
        if (!pane) this.panes.set(p, (pane = new Map()));
        lastPane = p;
      }
      this.foldInto(pane!, row);
    }
  }

  /** Folds one row (the aggregate's input) in; its time must be set. */
  addRow(row: Row): void {
    this.add([row]);
  }

  private foldInto(pane: Map<unknown, Partial>, row: Row): void {
    const k = this.groupKey(row);
    let g = pane.get(k);
    if (!g) {
      g = { keys: this.keyFns.map((f) => f(row)), rows: 0, accs: this.accs.map((a) => a.create()) };
      pane.set(k, g);
    }
    g.rows++;
    this.rows++;
    for (let i = 0; i < this.accs.length; i++) this.accs[i]!.add(g.accs[i], row);
  }

  /** The partial rows folded since the last drain (keys..., pane, rows, accumulators...), and empties. */
  drain(): Row[] {
    const out: Row[] = [];
    for (const [p, groups] of this.panes) {
      for (const g of groups.values()) {
        const row: Row = g.keys.slice();
        row.push(p, g.rows);
        for (const a of g.accs) row.push(a);
        out.push(row);
      }
    }
    this.panes = new Map();
    this.rows = 0;
    return out;
  }
}

/** Where a partial row's columns are, for `k` group keys. */
export function partialLayout(k: number): { readonly pane: number; readonly rows: number; readonly accs: number } {
  return { pane: k, rows: k + 1, accs: k + 2 };
}

/**
 * Why a window aggregate cannot run in two phases (undefined: it can): every call needs a merge of two
 * accumulators, and the local half computes keys, arguments and FILTER clauses synchronously.
 */
export function twoPhaseBlocker(n: Extract<PlanNode, { kind: 'windowAggregate' }>): string | undefined {
  if (n.window.type === 'SESSION') return 'a SESSION window (sessions merge by key across batches)';
  if (n.window.proctime) return 'a processing-time window';
  for (const a of n.aggs) {
    if (a.distinct) return `${a.name}(DISTINCT ...)`;
    const def = a.aggregate;
    const impl = def.forCall
      ? def.forCall({ argTypes: a.args.map((x) => x.type), returnType: a.type, retracting: false, ...(a.param !== undefined ? { param: a.param } : {}) })
      : def;
    if (!impl.merge) return `${a.name} (it has no merge)`;
  }
  if (n.keys.some(hasAsyncCall) || n.aggs.some((a) => a.args.some(hasAsyncCall) || (a.filter !== null && hasAsyncCall(a.filter)))) return 'an asynchronous function in a key, argument or FILTER clause';
  return undefined;
}
