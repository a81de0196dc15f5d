import { Decimal, fitDecimal, toDecimal } from '../core/decimal.js';
import type { Row } from '../core/types.js';
import type { AggregateAccumulator } from '../udf/api.js';
import { compileExpr, compilePredicate } from './expr/compile.js';
import type { AggCall } from '../plan/nodes.js';

/**
 * Accumulators for aggregate calls. Each returns a small mutable object; `add`/`retract` update it in
 * place, `merge` folds another accumulator in (HOP panes, sessions), `result` reads the SQL value.
 */
export interface Accumulator {
  create(): unknown;
  add(acc: unknown, row: Row): void;
  retract(acc: unknown, row: Row): void;
  merge(into: unknown, other: unknown): void;
  result(acc: unknown): unknown;
}

/** The accumulator functions of one call, after `forCall`. */
type Impl = AggregateAccumulator<unknown>;

/** Holder of an aggregate's accumulator: `accumulate` may return a new one (immutable accumulators). */
interface Held {
  acc: unknown;
}

type Step = (h: Held, row: Row) => void;
type AccFn = (acc: unknown, ...args: unknown[]) => unknown;

/**
 * `accumulate` or `retract` applied to a row's argument values behind the FILTER clause. Written out per
 * arity and with or without a filter, so the per-row path makes no array and no extra call: this is the
 * innermost loop of every aggregation.
 */
function step(fn: AccFn, argFns: readonly ((r: Row) => unknown)[], filter: ((r: Row) => boolean) | null): Step {
  const f0 = argFns[0];
  if (argFns.length === 0) {
    return filter
      ? (h, row) => {
          if (!filter(row)) return;
          const r = fn(h.acc);
          if (r !== undefined) h.acc = r;
        }
      : (h) => {
          const r = fn(h.acc);
          if (r !== undefined) h.acc = r;
        };
  }
  if (argFns.length === 1 && f0) {
    return filter
      ? (h, row) => {
          if (!filter(row)) return;
          const r = fn(h.acc, f0(row));
          if (r !== undefined) h.acc = r;
        }
      : (h, row) => {
          const r = fn(h.acc, f0(row));
          if (r !== undefined) h.acc = r;
        };
  }
  return (h, row) => {
    if (filter && !filter(row)) return;
    const r = fn(h.acc, ...argFns.map((f) => f(row)));
    if (r !== undefined) h.acc = r;
  };
}

/** As `step`, for accumulators updated in place (`inPlace`): the accumulator is the state, with no holder. */
function inPlaceStep(fn: AccFn, argFns: readonly ((r: Row) => unknown)[], filter: ((r: Row) => boolean) | null): Accumulator['add'] {
  const f0 = argFns[0];
  if (argFns.length === 0) return filter ? (acc, row) => void (filter(row) && fn(acc)) : (acc) => void fn(acc);
  if (argFns.length === 1 && f0) return filter ? (acc, row) => void (filter(row) && fn(acc, f0(row))) : (acc, row) => void fn(acc, f0(row));
  return (acc, row) => void ((!filter || filter(row)) && fn(acc, ...argFns.map((f) => f(row))));
}

function inPlaceAccumulator(impl: Impl, name: string, argFns: readonly ((r: Row) => unknown)[], filter: ((r: Row) => boolean) | null): Accumulator {
  const { retract, merge } = impl;
  return {
    create: impl.createAccumulator,
    add: inPlaceStep(impl.accumulate as AccFn, argFns, filter),
    retract: retract
      ? inPlaceStep(retract as AccFn, argFns, filter)
      : () => {
          throw new Error(`aggregate ${name} cannot retract; it cannot run on an updating input`);
        },
    merge: merge
      ? (a, b) => void merge(a, b)
      : () => {
          throw new Error(`aggregate ${name} has no merge; it cannot run in HOP or SESSION windows`);
        },
    result: impl.getValue,
  };
}

/** DISTINCT: each distinct argument value (tuple) reaches the aggregate once, with counts so that retraction works. */
function distinctKey(values: readonly unknown[]): unknown {
  if (values.length === 1) {
    const v = values[0];
    return typeof v === 'bigint' ? v.toString() : v;
  }
  return JSON.stringify(values, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x instanceof Map ? { $map: [...x] } : x));
}

interface DistinctState {
  seen: Map<unknown, number>;
  /** The argument values behind each key, when there are several (merge replays them). */
  values?: Map<unknown, unknown[]>;
  acc: unknown;
}

function distinctAccumulator(impl: Impl, name: string, argFns: readonly ((r: Row) => unknown)[], filter: ((r: Row) => boolean) | null): Accumulator {
  const single = argFns.length <= 1;
  const set = (d: DistinctState, r: unknown): void => {
    if (r !== undefined) d.acc = r;
  };
  return {
    create: (): DistinctState => ({ seen: new Map(), ...(single ? {} : { values: new Map() }), acc: impl.createAccumulator() }),
    add: (state, row) => {
      if (filter && !filter(row)) return;
      const d = state as DistinctState;
      const args = argFns.map((f) => f(row));
      if (args.some((v) => v === null)) return;
      const k = distinctKey(args);
      const c = d.seen.get(k) ?? 0;
      d.seen.set(k, c + 1);
      d.values?.set(k, args);
      if (c === 0) set(d, impl.accumulate(d.acc, ...args));
    },
    retract: (state, row) => {
      if (filter && !filter(row)) return;
      const d = state as DistinctState;
      const args = argFns.map((f) => f(row));
      if (args.some((v) => v === null)) return;
      const k = distinctKey(args);
      const c = (d.seen.get(k) ?? 0) - 1;
      if (c <= 0) {
        d.seen.delete(k);
        d.values?.delete(k);
        if (!impl.retract) throw new Error(`aggregate ${name} cannot retract; it cannot run on an updating input`);
        set(d, impl.retract(d.acc, ...args));
      } else d.seen.set(k, c);
    },
    merge: (into, other) => {
      const a = into as DistinctState;
      const b = other as DistinctState;
      for (const [k, c] of b.seen) {
        if (!a.seen.has(k)) set(a, impl.accumulate(a.acc, ...(b.values?.get(k) ?? [k])));
        a.seen.set(k, (a.seen.get(k) ?? 0) + c);
        if (b.values?.has(k)) a.values?.set(k, b.values.get(k)!);
      }
    },
    result: (state) => impl.getValue((state as DistinctState).acc),
  };
}

/**
 * The runtime side of every aggregate call, built-in or user-defined alike: the def's accumulator functions
 * (specialised to the call by `forCall` when it has one), fed the call's argument values, behind its FILTER
 * clause and DISTINCT.
 */
export function createAccumulator(call: AggCall, updatingInput: boolean): Accumulator {
  const def = call.aggregate;
  const exact = def.exactDecimals === true;
  // A user aggregate gets DECIMAL arguments as numbers unless it asks for exact values (as scalar UDFs).
  const argFns = call.args.map((a) => {
    const f = compileExpr(a);
    if (exact || a.type.kind !== 'DECIMAL') return f;
    return (r: Row): unknown => {
      const v = f(r);
      return v instanceof Decimal ? Number(v) : v;
    };
  });
  const filter = call.filter ? compilePredicate(call.filter) : null;
  const impl: Impl = def.forCall
    ? def.forCall({ argTypes: call.args.map((a) => a.type), returnType: call.type, retracting: updatingInput, ...(call.param !== undefined ? { param: call.param } : {}) })
    : def;
  if (call.distinct) return withDecimalResult(call, distinctAccumulator(impl, def.name, argFns, filter));
  if (impl.inPlace) return withDecimalResult(call, inPlaceAccumulator(impl, def.name, argFns, filter));
  const { retract, merge } = impl;
  const add = step(impl.accumulate as AccFn, argFns, filter);
  const remove = retract
    ? step(retract as AccFn, argFns, filter)
    : (): void => {
        throw new Error(`aggregate ${def.name} cannot retract; it cannot run on an updating input`);
      };
  return {
    create: (): Held => ({ acc: impl.createAccumulator() }),
    add: add as Accumulator['add'],
    retract: remove as Accumulator['retract'],
    merge: (a, b) => {
      if (!merge) throw new Error(`aggregate ${def.name} has no merge; it cannot run in HOP or SESSION windows`);
      const r = merge((a as Held).acc, (b as Held).acc);
      if (r !== undefined) (a as Held).acc = r;
    },
    result: resultOf(call, (h) => impl.getValue((h as Held).acc)),
  };
}

function withDecimalResult(call: AggCall, acc: Accumulator): Accumulator {
  const result = resultOf(call, acc.result);
  return result === acc.result ? acc : { ...acc, result };
}

/** A DECIMAL(p, s) result is a Decimal of scale s, whatever a user aggregate returned (number, text, Decimal). */
function resultOf(call: AggCall, get: (h: unknown) => unknown): (h: unknown) => unknown {
  const t = call.type;
  if (t.kind !== 'DECIMAL' || call.aggregate.exactDecimals === true) return get;
  return (h) => {
    const v = get(h);
    const d = v === null || v === undefined ? null : toDecimal(v);
    return d === null ? (v ?? null) : fitDecimal(d, t.precision, t.scale);
  };
}

/** Group key of a row: the value itself for one key, a composite string otherwise. */
/** Text of a composite value that is equal for equal values (a MAP would stringify as `{}`). */
function structuralKey(v: object): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x instanceof Map ? { $map: [...x] } : x));
}

/**
 * Join key of a row: as keyFunction, but NULL when any component is NULL, since NULL = NULL is not true and
 * such a row matches nothing (GROUP BY, in contrast, puts NULLs together).
 */
export function joinKeyFunction(keyFns: readonly ((r: Row) => unknown)[]): (r: Row) => unknown {
  if (keyFns.length <= 1) return keyFunction(keyFns);
  // The composite text of keyFunction, built in one pass (no array of values per row: joins call this for
  // every row of both inputs).
  return (r) => {
    let s = '';
    for (const f of keyFns) {
      const v = f(r);
      if (v === null) return null;
      s += keyPart(v);
    }
    return s;
  };
}

/** One component of a composite key's text (NULL included: GROUP BY puts NULLs together). */
function keyPart(v: unknown): string {
  return v === null ? '\u0000N' : typeof v === 'string' ? `\u0000s${v}` : `\u0000${typeof v === 'object' ? structuralKey(v) : String(v)}`;
}

export function keyFunction(keyFns: readonly ((r: Row) => unknown)[]): (r: Row) => unknown {
  if (keyFns.length === 0) return () => '';
  if (keyFns.length === 1) {
    const f = keyFns[0]!;
    return (r) => {
      const v = f(r);
      // ARRAY / MAP / ROW keys group by value, not by object identity.
      return typeof v === 'bigint' ? `n:${v}` : v !== null && typeof v === 'object' ? `\u0000o${structuralKey(v)}` : v;
    };
  }
  return (r) => {
    let s = '';
    for (const f of keyFns) s += keyPart(f(r));
    return s;
  };
}
