import { DirkError, positionText, userError, type SourcePosition } from '../core/errors.js';
import type { AggregateFunctionDef, FunctionContext, FunctionDef, ScalarFunctionDef, TableFunctionDef } from './api.js';
import { originOf, setOrigin } from './origin.js';

/**
 * A running job calls every function through a slot: a stable proxy definition (what the catalog, the plan
 * and the compiled call sites hold) in front of the current definition. The slot
 *  - counts calls and errors (plain numbers; the job moves them to the metrics once per batch),
 *  - applies the job's error policy (NULL: the failed call gives NULL; FAIL: the job stops with an error
 *    naming the function and the input record),
 *  - lets a reloaded UDF file replace the body without touching the plan or any operator state.
 */
export type UdfErrorPolicy = 'NULL' | 'FAIL';

/** What the job provides to the slots of its functions. */
export interface SlotBinding {
  readonly policy: UdfErrorPolicy;
  /** Where an input row came from, as a phrase ("on the record at topic t, partition p, offset o"), when the job can tell. */
  origin(row: unknown): string | undefined;
  /**
   * A call failed and gave NULL (NULL policy): log it, rate-limited. `error()` builds the message (finding
   * the record's origin costs a search of the batch, so it is only done for what is logged).
   */
  onNullResult(slot: FunctionSlot, error: () => UdfCallError): void;
}

/** A UDF threw (or timed out): names the function, where the call is written and, when known, the input record. */
export class UdfCallError extends DirkError {
  readonly function: string;
  readonly origin: string | undefined;
  constructor(fn: string, cause: unknown, origin: string | undefined, pos?: SourcePosition) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    super(`function ${fn}${pos ? ` ${positionText(pos)}` : ''} failed${origin ? ` ${origin}` : ''}: ${msg}`, {
      domain: cause instanceof DirkError && cause.domain === 'external' ? 'external' : 'user',
      cause,
      ...(pos ? { position: pos } : {}),
    });
    this.name = 'UdfCallError';
    this.function = fn;
    this.origin = origin;
  }
}

const defaultBinding: SlotBinding = { policy: 'NULL', origin: () => undefined, onNullResult: () => {} };

const SLOT = Symbol('dirk.udf.slot');

type AnyFn = (...a: unknown[]) => unknown;

export class FunctionSlot {
  readonly name: string;
  readonly kind: FunctionDef['kind'];
  readonly proxy: FunctionDef;
  private def: FunctionDef;
  /** The current sync body (scalar eval / table eval), read by the call sites on every call. */
  evalFn: AnyFn | undefined;
  evalAsyncFn: ((...a: unknown[]) => Promise<unknown>) | undefined;
  nullOnNull: boolean;
  binding: SlotBinding = defaultBinding;
  /** Calls and errors since the job last collected them. */
  calls = 0;
  errors = 0;
  /** Latency of async calls in ms, when the job observes it. */
  onLatency: ((ms: number) => void) | undefined;
  opened = false;

  constructor(def: FunctionDef) {
    this.name = def.name;
    this.kind = def.kind;
    this.def = def;
    this.nullOnNull = true;
    this.adopt(def);
    this.proxy = this.makeProxy(def);
  }

  get current(): FunctionDef {
    return this.def;
  }

  private adopt(def: FunctionDef): void {
    this.def = def;
    if (def.kind === 'scalar') {
      this.evalFn = def.eval as AnyFn | undefined;
      this.evalAsyncFn = def.evalAsync as ((...a: unknown[]) => Promise<unknown>) | undefined;
      this.nullOnNull = def.nullOnNullInput !== false;
    } else if (def.kind === 'table') {
      this.evalFn = def.eval as AnyFn;
      this.evalAsyncFn = undefined;
    }
  }

  /**
   * A call failed: count it, then throw (FAIL) or give NULL (NULL policy). `row` is the operator's input
   * row when the call site knows it, used to name the record's origin; `pos` is where the call is written.
   */
  fail(error: unknown, row?: unknown, pos?: SourcePosition): null {
    this.errors++;
    const describe = (): UdfCallError =>
      error instanceof UdfCallError ? error : new UdfCallError(this.name, error, row === undefined ? undefined : this.binding.origin(row), pos);
    if (this.binding.policy === 'FAIL') throw describe();
    this.binding.onNullResult(this, describe);
    return null;
  }

  private makeProxy(def: FunctionDef): FunctionDef {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const slot = this;
    const lifecycle = {
      open: (ctx: FunctionContext) => slot.def.open?.(ctx),
      close: () => slot.def.close?.(),
    };
    let proxy: FunctionDef;
    switch (def.kind) {
      case 'scalar': {
        const p: Record<string, unknown> = { ...def, ...lifecycle };
        // Keep the sync/async shape: the compiler decides how to call a function by which body it has.
        if (def.eval) p.eval = (...a: unknown[]) => slot.evalFn!(...a);
        if (def.evalAsync) p.evalAsync = (...a: unknown[]) => slot.evalAsyncFn!(...a);
        proxy = p as unknown as ScalarFunctionDef;
        break;
      }
      case 'aggregate': {
        const cur = (): AggregateFunctionDef<unknown> => slot.def as AggregateFunctionDef<unknown>;
        const p: AggregateFunctionDef<unknown> = {
          ...def,
          ...lifecycle,
          createAccumulator: () => cur().createAccumulator(),
          accumulate: (acc, ...args) => {
            slot.calls++;
            try {
              return cur().accumulate(acc, ...args);
            } catch (e) {
              slot.fail(e);
              return undefined; // NULL policy: the row does not count
            }
          },
          getValue: (acc) => {
            try {
              return cur().getValue(acc);
            } catch (e) {
              return slot.fail(e);
            }
          },
        };
        if (def.retract) (p as { retract?: unknown }).retract = (acc: unknown, ...args: unknown[]) => {
          const r = cur().retract;
          if (!r) throw userError(`aggregate ${slot.name} cannot retract (its reloaded definition has no retract)`);
          return r(acc, ...args);
        };
        if (def.merge) (p as { merge?: unknown }).merge = (acc: unknown, other: unknown) => {
          const m = cur().merge;
          if (!m) throw userError(`aggregate ${slot.name} cannot merge (its reloaded definition has no merge)`);
          return m(acc, other);
        };
        proxy = p;
        break;
      }
      case 'table': {
        const p: TableFunctionDef = {
          ...def,
          ...lifecycle,
          eval: (...args: unknown[]) => {
            slot.calls++;
            try {
              return [...(slot.evalFn!(...args) as Iterable<unknown[]>)];
            } catch (e) {
              slot.fail(e);
              return [];
            }
          },
        };
        proxy = p;
        break;
      }
      default:
        throw new DirkError(`internal error: unknown function kind`);
    }
    Object.defineProperty(proxy, SLOT, { value: this, enumerable: false });
    const origin = originOf(def);
    if (origin !== undefined) setOrigin(proxy, origin);
    return proxy;
  }

  /**
   * Why `next` cannot replace the current definition in a running job (the plan was typed and compiled
   * against the current signatures), or undefined when it can.
   */
  incompatibility(next: FunctionDef): string | undefined {
    const cur = this.def;
    if (next.kind !== cur.kind) return `it changed from a ${cur.kind} to a ${next.kind} function`;
    if (signatureText(next) !== signatureText(cur)) return `its signatures changed (${signatureText(cur)} -> ${signatureText(next)})`;
    if (next.kind === 'scalar' && cur.kind === 'scalar') {
      if (Boolean(next.eval) !== Boolean(cur.eval) || Boolean(next.evalAsync) !== Boolean(cur.evalAsync)) {
        return 'it changed between a synchronous (eval) and an asynchronous (evalAsync) body';
      }
    }
    if (next.kind === 'table' && cur.kind === 'table' && JSON.stringify(next.columns) !== JSON.stringify(cur.columns)) {
      return 'its columns changed';
    }
    return undefined;
  }

  /** Replace the body (after `incompatibility` said it may). The new definition's open() has been called by the caller. */
  swap(next: FunctionDef): FunctionDef {
    const old = this.def;
    this.adopt(next);
    const origin = originOf(next);
    if (origin !== undefined) setOrigin(this.proxy, origin);
    return old;
  }
}

function signatureText(def: FunctionDef): string {
  return JSON.stringify(
    def.signatures.map((s) => ({ p: s.params, v: s.varargs === true, r: typeof s.returns === 'function' ? 'fn' : s.returns })),
  );
}

/** The slot behind a proxy definition, if it is one. */
export function slotOf(def: FunctionDef): FunctionSlot | undefined {
  return (def as unknown as { [SLOT]?: FunctionSlot })[SLOT];
}

/** One slot per definition, keyed by upper-case name. */
export function createFunctionSlots(defs: readonly FunctionDef[]): Map<string, FunctionSlot> {
  const out = new Map<string, FunctionSlot>();
  for (const d of defs) out.set(d.name.toUpperCase(), new FunctionSlot(d));
  return out;
}
