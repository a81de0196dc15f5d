import type { SourcePosition } from '../core/errors.js';
import type { Row, RowKind } from '../core/types.js';
import { compilePredicate, compileProjection } from './expr/compile.js';
import { exprOperands, mapOperands } from '../plan/children.js';
import type { AggCall, BExpr } from '../plan/nodes.js';
import type { ScalarFunctionDef } from '../udf/api.js';
import { createAsyncInvoker, type ResolvedFunction } from '../udf/registry.js';
import { OrderedWork } from './ordered-work.js';
import type { Operator, OperatorContext, Output } from './operator.js';
import type { StateSpec } from './state/versioned.js';

/**
 * Asynchronous scalar functions (evalAsync, e.g. DartGet) in a filter, a projection or the inputs of an
 * aggregation (keys, arguments, FILTER clauses: AsyncAggregateInput below). The async calls are
 * lifted out of the expressions: each becomes an extra column appended to the input row, computed for the
 * whole batch at once with a bounded number of calls in flight and a per-call timeout (createAsyncInvoker);
 * the rest of the expression stays compiled, synchronous code that reads those columns. Calls nested in the
 * arguments of other async calls run in an earlier level.
 *
 * Because an async call is evaluated for every row of the batch, a call inside a CASE branch (or on the right
 * of AND/OR) runs even for rows where the branch is not taken; a failure there follows the job's UDF error
 * policy like any other.
 *
 * Order: batches and watermarks leave in the order they arrived. Work is chained on one promise; a watermark
 * that arrives while a batch is still being looked up waits behind it. The job awaits `pending()` (through
 * the dataflow's settle) before it moves on, so a checkpoint never sees a batch half-way.
 */
interface Step {
  readonly fn: ResolvedFunction;
  /** Column of the extended row the result goes to. */
  readonly column: number;
  /** Arguments, over the extended row (they may read earlier levels' columns). */
  readonly args: readonly BExpr[];
  readonly level: number;
  /** Where the (first) call is written, for failures. */
  readonly pos: SourcePosition | undefined;
  /** Structural key, so one call written twice is evaluated once. */
  readonly key: string;
}

export function isAsyncCall(b: BExpr): boolean {
  return b.k === 'call' && b.fn.def.kind === 'scalar' && !(b.fn.def as ScalarFunctionDef).eval && !!(b.fn.def as ScalarFunctionDef).evalAsync;
}

/** Does the expression contain a call of an asynchronous scalar function? */
export function hasAsyncCall(b: BExpr): boolean {
  if (isAsyncCall(b)) return true;
  return exprOperands(b).some(hasAsyncCall);
}

function structuralKey(b: BExpr): string | undefined {
  try {
    // Positions are left out: one call written twice is still one call.
    return JSON.stringify(b, (k, v) => (k === 'pos' ? undefined : k === 'fn' ? `${(v as ResolvedFunction).def.name}${JSON.stringify((v as ResolvedFunction).argTypes)}` : typeof v === 'bigint' ? `${v}n` : v instanceof Map || v instanceof Set || v instanceof Uint8Array ? undefined : v));
  } catch {
    return undefined;
  }
}

/** Lifts the async calls of `exprs` (over rows of `width` columns) into steps; returns the rewritten expressions. */
export function liftAsyncCalls(exprs: readonly BExpr[], width: number): { exprs: BExpr[]; steps: Step[] } {
  const steps: Step[] = [];
  let unique = 0;
  const lift = (b: BExpr): { e: BExpr; level: number } => {
    let level = 0;
    const e = mapOperands(b, (c) => {
      const r = lift(c);
      level = Math.max(level, r.level);
      return r.e;
    });
    if (!isAsyncCall(e)) return { e, level };
    const call = e as Extract<BExpr, { k: 'call' }>;
    const key = structuralKey(call) ?? `#${unique++}`;
    let step = steps.find((s) => s.key === key);
    if (step === undefined) {
      step = { fn: call.fn, column: width + steps.length, args: call.args, level: level + 1, pos: call.pos, key };
      steps.push(step);
    }
    return { e: { k: 'col', index: step.column, type: call.type }, level: step.level };
  };
  return { exprs: exprs.map((x) => lift(x).e), steps };
}

type Mode =
  | { readonly kind: 'filter'; readonly predicate: BExpr }
  | { readonly kind: 'project'; readonly exprs: readonly BExpr[] }
  /** Emit the input rows extended with the async columns; `lifted` holds `exprs` rewritten to read them. */
  | { readonly kind: 'extend'; readonly exprs: readonly BExpr[] };

interface CompiledStep {
  readonly column: number;
  readonly args: (r: Row) => unknown[];
  readonly invoke: (batch: readonly (readonly unknown[])[], rows?: readonly unknown[]) => Promise<unknown[]>;
}

export class AsyncCalcOperator implements Operator {
  readonly name: string;
  private readonly levels: CompiledStep[][];
  private readonly width: number;
  private readonly extra: number;
  private readonly pred: ((r: Row) => boolean) | undefined;
  private readonly project: ((r: Row) => unknown[]) | undefined;
  /** In 'extend' mode: the expressions rewritten to read the appended columns. */
  readonly lifted: readonly BExpr[];
  private readonly work = new OrderedWork();

  private readonly out: Output;

  /** `mode: 'extend'`: rows go out with the async calls of `exprs` appended as columns; `lifted` reads them. */
  constructor(spec: Mode & { readonly width: number }, ctx: Pick<OperatorContext, 'out'>) {
    const mode = spec;
    const width = spec.width;
    this.out = ctx.out;
    const lifted = liftAsyncCalls(mode.kind === 'filter' ? [mode.predicate] : mode.exprs, width);
    this.name = mode.kind === 'filter' ? 'AsyncFilter' : mode.kind === 'project' ? 'AsyncProject' : 'AsyncExtend';
    this.lifted = lifted.exprs;
    this.width = width;
    this.extra = lifted.steps.length;
    const levels: CompiledStep[][] = [];
    for (const s of lifted.steps) {
      (levels[s.level - 1] ??= []).push({ column: s.column, args: compileProjection(s.args), invoke: createAsyncInvoker(s.fn, s.pos ? { pos: s.pos } : {}) });
    }
    this.levels = levels.filter((l) => l !== undefined);
    if (mode.kind === 'filter') this.pred = compilePredicate(lifted.exprs[0]!);
    else if (mode.kind === 'project') this.project = compileProjection(lifted.exprs);
  }

  process(rows: Row[], kinds: RowKind[] | undefined): void {
    if (rows.length === 0) return;
    this.work.enqueue(() => this.run(rows, kinds));
  }

  onWatermark(time: number): void {
    this.after(() => this.out.watermark(time));
  }

  /** Runs `work` now when nothing is queued, else after the queued batches (in order). */
  after(work: () => void): void {
    this.work.after(work);
  }

  /** Work still running (a promise that rejects if it failed), or undefined when idle. */
  pending(): Promise<void> | undefined {
    return this.work.pending();
  }

  private async run(rows: Row[], kinds: RowKind[] | undefined): Promise<void> {
    const n = rows.length;
    const ext = new Array<Row>(n);
    for (let i = 0; i < n; i++) {
      const r = rows[i]!.slice(0, this.width);
      r.length = this.width + this.extra;
      ext[i] = r;
    }
    for (const level of this.levels) {
      await Promise.all(
        level.map(async (step) => {
          const args = new Array<unknown[]>(n);
          for (let i = 0; i < n; i++) args[i] = step.args(ext[i]!);
          // The original rows go along so a failing call can name the record it came from.
          const results = await step.invoke(args, rows);
          for (let i = 0; i < n; i++) ext[i]![step.column] = results[i];
        }),
      );
    }
    if (this.pred) {
      const keep: Row[] = [];
      const keepKinds: RowKind[] | undefined = kinds ? [] : undefined;
      for (let i = 0; i < n; i++) {
        if (this.pred(ext[i]!)) {
          keep.push(rows[i]!);
          keepKinds?.push(kinds![i]!);
        }
      }
      if (keep.length) this.out.data(keep, keepKinds);
      return;
    }
    if (this.project === undefined) {
      this.out.data(ext, kinds);
      return;
    }
    const fn = this.project;
    const res = new Array<Row>(n);
    for (let i = 0; i < n; i++) res[i] = fn(ext[i]!);
    this.out.data(res, kinds);
  }
}

/** The expressions of an aggregation that the runtime evaluates per input row. */
export interface AggregateExprs {
  readonly keys: readonly BExpr[];
  readonly aggs: readonly AggCall[];
}

/** Does a GROUP BY key, an aggregate argument or a FILTER clause call an asynchronous function? */
export function aggregateHasAsyncCall(e: AggregateExprs): boolean {
  return e.keys.some(hasAsyncCall) || e.aggs.some((a) => a.args.some(hasAsyncCall) || (a.filter !== null && hasAsyncCall(a.filter)));
}

/**
 * An aggregation whose keys, arguments or FILTER clauses call async functions: an async pre-step (AsyncCalc in
 * 'extend' mode) computes those calls for the whole batch into columns appended to each row, and the
 * aggregation, built over the rewritten expressions, reads them. Rows, watermarks and the batch end reach the
 * aggregation in the order they arrived; state, late rows and snapshots are the aggregation's own.
 */
export class AsyncAggregateInput implements Operator {
  readonly name: string;
  readonly inner: Operator;
  private readonly pre: AsyncCalcOperator;

  constructor(spec: { readonly exprs: AggregateExprs; readonly width: number; readonly build: (rewritten: AggregateExprs) => Operator }, ctx: OperatorContext) {
    const { exprs, width, build } = spec;
    const out = ctx.out;
    const flat: BExpr[] = [...exprs.keys];
    for (const a of exprs.aggs) flat.push(...a.args, ...(a.filter ? [a.filter] : []));
    const port: Output = {
      data: (rows, kinds) => this.inner.process(rows, kinds, 0),
      watermark: (time) => (this.inner.onWatermark ? this.inner.onWatermark(time) : out.watermark(time)),
    };
    this.pre = new AsyncCalcOperator({ kind: 'extend', exprs: flat, width }, { out: port });
    const lifted = this.pre.lifted;
    let i = exprs.keys.length;
    const aggs = exprs.aggs.map((a): AggCall => {
      const args = lifted.slice(i, i + a.args.length);
      i += a.args.length;
      const filter = a.filter ? lifted[i++]! : null;
      return { ...a, args, filter };
    });
    this.inner = build({ keys: lifted.slice(0, exprs.keys.length), aggs });
    this.name = this.inner.name;
  }

  process(rows: Row[], kinds: RowKind[] | undefined): void {
    this.pre.process(rows, kinds);
  }

  onWatermark(time: number): void {
    this.pre.onWatermark(time);
  }

  onBatchEnd(): void {
    const end = this.inner.onBatchEnd;
    if (end) this.pre.after(() => end.call(this.inner));
  }

  onProcessingTime(): boolean {
    return this.inner.onProcessingTime?.() ?? false;
  }

  pending(): Promise<void> | undefined {
    return this.pre.pending();
  }

  get stateSpec(): StateSpec | undefined {
    return this.inner.stateSpec;
  }

  snapshot(): unknown {
    return this.inner.snapshot ? this.inner.snapshot() : null;
  }

  restore(state: unknown): void {
    this.inner.restore?.(state);
  }

  lateCount(): number {
    return this.inner.lateCount?.() ?? 0;
  }

  stateEntries(): number {
    return this.inner.stateEntries?.() ?? 0;
  }
}
