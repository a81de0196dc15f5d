import { canonicalInt64, type Row } from '../core/types.js';
import { L } from './expr/runtime-lib.js';
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

type Num = number | bigint;

interface Core {
  create(): any;
  add(acc: any, v: unknown): void;
  retract(acc: any, v: unknown): void;
  merge(a: any, b: any): void;
  result(acc: any): unknown;
}

const isIntType = (k: string): boolean => k === 'INT' || k === 'BIGINT';

/** Arrival numbers for FIRST_VALUE / LAST_VALUE: increasing within a run and across restarts (clock-seeded). */
let arrival = Date.now() * 1000;
const nextArrival = (): number => ++arrival;

/** `scale`: a DECIMAL sum is kept rounded to its scale, so 0.10 added ten times is 1.00 exactly, with no drift. */
function addNum(a: Num, b: Num, exact: boolean, scale?: number): Num {
  if (exact) return L.addInt(a, b);
  const s = (a as number) + Number(b);
  return scale === undefined ? s : L.roundDecimal(s, scale);
}

interface SumCount {
  s: any;
  n: number;
}

/** The running sum and count of non-NULL values behind SUM, SUM0 and AVG; they differ only in `result`. */
function sumCount(exact: boolean, scale: number | undefined, result: (acc: SumCount) => unknown): Core {
  return {
    create: (): SumCount => ({ s: 0, n: 0 }),
    add: (a: SumCount, v) => {
      if (v === null) return;
      a.s = addNum(a.s, v as Num, exact, scale);
      a.n++;
    },
    retract: (a: SumCount, v) => {
      if (v === null) return;
      a.s = exact ? L.subInt(a.s, v as Num) : addNum(a.s, -Number(v), false, scale);
      a.n--;
    },
    merge: (a: SumCount, b: SumCount) => {
      a.s = addNum(a.s, b.s, exact, scale);
      a.n += b.n;
    },
    result,
  };
}

function core(call: AggCall): Core {
  const exact = isIntType(call.type.kind);
  const scale = call.type.kind === 'DECIMAL' ? call.type.scale : undefined;
  switch (call.name) {
    case 'COUNT':
      return {
        create: () => ({ n: 0 }),
        add: (a, v) => v !== null && a.n++,
        retract: (a, v) => v !== null && a.n--,
        merge: (a, b) => (a.n += b.n),
        result: (a) => a.n,
      };
    case 'SUM':
    case 'SUM0':
      return sumCount(exact, scale, (a) => (a.n === 0 ? (call.name === 'SUM0' ? 0 : null) : a.s));
    case 'AVG':
      // Flink keeps the argument type: AVG of INT is an INT (truncated); of DECIMAL rounded to its scale.
      return sumCount(exact, scale, (a) =>
        a.n === 0
          ? null
          : exact
            ? typeof a.s === 'bigint'
              ? canonicalInt64(a.s / BigInt(a.n))
              : Math.trunc(a.s / a.n)
            : scale === undefined
              ? a.s / a.n
              : L.roundDecimal(a.s / a.n, scale),
      );
    case 'MIN':
    case 'MAX': {
      const better = call.name === 'MIN' ? (x: unknown, y: unknown) => L.cmp(x, y) < 0 : (x: unknown, y: unknown) => L.cmp(x, y) > 0;
      // Keeps counts per value so that retraction can restore the previous extreme.
      return {
        create: () => ({ v: null as unknown, counts: null as Map<unknown, number> | null }),
        add: (a, v) => {
          if (v === null) return;
          if (a.v === null || better(v, a.v)) a.v = v;
          if (a.counts) a.counts.set(v, (a.counts.get(v) ?? 0) + 1);
        },
        retract: (a, v) => {
          if (v === null) return;
          if (!a.counts) throw new Error('internal error: MIN/MAX retraction without value counts');
          const c = (a.counts.get(v) ?? 0) - 1;
          if (c <= 0) a.counts.delete(v);
          else a.counts.set(v, c);
          if (L.eq(v, a.v)) {
            a.v = null;
            for (const k of a.counts.keys()) if (a.v === null || better(k, a.v)) a.v = k;
          }
        },
        merge: (a, b) => {
          if (b.v !== null && (a.v === null || better(b.v, a.v))) a.v = b.v;
        },
        result: (a) => a.v,
      };
    }
    // FIRST_VALUE / LAST_VALUE follow arrival order, as Flink; the arrival number lets merged panes and
    // sessions (whose accumulators are combined in time order) still pick the first / last arrival.
    case 'FIRST_VALUE':
      return {
        create: () => ({ v: null, set: false, seq: Infinity }),
        add: (a, v) => {
          if (!a.set && v !== null) {
            a.v = v;
            a.set = true;
            a.seq = nextArrival();
          }
        },
        retract: () => {},
        merge: (a, b) => {
          if (b.set && (!a.set || b.seq < a.seq)) {
            a.v = b.v;
            a.set = true;
            a.seq = b.seq;
          }
        },
        result: (a) => a.v,
      };
    case 'LAST_VALUE':
      return {
        create: () => ({ v: null, seq: -Infinity }),
        add: (a, v) => {
          if (v !== null) {
            a.v = v;
            a.seq = nextArrival();
          }
        },
        retract: () => {},
        merge: (a, b) => {
          if (b.v !== null && b.seq > a.seq) {
            a.v = b.v;
            a.seq = b.seq;
          }
        },
        result: (a) => a.v,
      };
    case 'STDDEV':
    case 'STDDEV_POP':
    case 'STDDEV_SAMP':
    case 'VAR_POP':
    case 'VAR_SAMP':
    case 'VARIANCE': {
      const pop = call.name === 'STDDEV_POP' || call.name === 'VAR_POP';
      const sqrt = call.name.startsWith('STDDEV');
      return {
        create: () => ({ n: 0, s: 0, q: 0 }),
        add: (a, v) => {
          if (v === null) return;
          const x = Number(v);
          a.n++;
          a.s += x;
          a.q += x * x;
        },
        retract: (a, v) => {
          if (v === null) return;
          const x = Number(v);
          a.n--;
          a.s -= x;
          a.q -= x * x;
        },
        merge: (a, b) => {
          a.n += b.n;
          a.s += b.s;
          a.q += b.q;
        },
        result: (a) => {
          const d = pop ? a.n : a.n - 1;
          if (a.n === 0 || d <= 0) return null;
          if (exact) {
            // Flink reduces these to (SUM(x*x) - SUM(x)*SUM(x)/COUNT(x)) / COUNT(x) in the argument's integer
            // type: each division truncates, and the square root is cast back (truncated).
            const variance = Math.trunc((a.q - Math.trunc((a.s * a.s) / a.n)) / d);
            return sqrt ? Math.trunc(Math.sqrt(Math.max(0, variance))) : variance;
          }
          const variance = Math.max(0, (a.q - (a.s * a.s) / a.n) / d);
          const v = sqrt ? Math.sqrt(variance) : variance;
          return scale === undefined ? v : L.roundDecimal(v, scale);
        },
      };
    }
    case 'COLLECT':
      return {
        create: () => ({ items: [] as unknown[] }),
        add: (a, v) => v !== null && a.items.push(v),
        retract: (a, v) => {
          const i = a.items.findIndex((x: unknown) => L.eq(x, v));
          if (i >= 0) a.items.splice(i, 1);
        },
        merge: (a, b) => a.items.push(...b.items),
        result: (a) => [...a.items],
      };
    case 'LISTAGG': {
      const sep = String(call.param ?? ',');
      return {
        create: () => ({ items: [] as string[] }),
        add: (a, v) => v !== null && a.items.push(L.str(v)),
        retract: (a, v) => {
          const i = a.items.indexOf(L.str(v));
          if (i >= 0) a.items.splice(i, 1);
        },
        merge: (a, b) => a.items.push(...b.items),
        result: (a) => (a.items.length ? a.items.join(sep) : null),
      };
    }
    default:
      throw new Error(`internal error: no built-in accumulator for ${call.name}`);
  }
}

/**
 * FIRST_VALUE / LAST_VALUE over an updating input: keeps the non-NULL values in arrival order so that a
 * retraction can remove one and the first (last) remaining value takes over, as Flink's retracting variants do.
 */
function retractableFirstLast(first: boolean): Core {
  return {
    create: () => ({ items: [] as unknown[] }),
    add: (a, v) => v !== null && a.items.push(v),
    retract: (a, v) => {
      if (v === null) return;
      const i = first ? a.items.findIndex((x: unknown) => L.eq(x, v)) : a.items.findLastIndex((x: unknown) => L.eq(x, v));
      if (i >= 0) a.items.splice(i, 1);
    },
    merge: (a, b) => a.items.push(...b.items),
    result: (a) => (a.items.length ? (first ? a.items[0] : a.items[a.items.length - 1]) : null),
  };
}

/** Wraps a core so that DISTINCT feeds each value once (with counts, so retraction works). */
function distinct(inner: Core): Core {
  return {
    create: () => ({ seen: new Map<unknown, number>(), acc: inner.create() }),
    add: (a, v) => {
      if (v === null) return;
      const k = typeof v === 'bigint' ? v.toString() : v;
      const c = a.seen.get(k) ?? 0;
      a.seen.set(k, c + 1);
      if (c === 0) inner.add(a.acc, v);
    },
    retract: (a, v) => {
      if (v === null) return;
      const k = typeof v === 'bigint' ? v.toString() : v;
      const c = (a.seen.get(k) ?? 0) - 1;
      if (c <= 0) {
        a.seen.delete(k);
        inner.retract(a.acc, v);
      } else a.seen.set(k, c);
    },
    merge: (a, b) => {
      for (const [k, c] of b.seen as Map<unknown, number>) {
        if (!a.seen.has(k)) inner.add(a.acc, k);
        a.seen.set(k, (a.seen.get(k) ?? 0) + c);
      }
    },
    result: (a) => inner.result(a.acc),
  };
}

export function createAccumulator(call: AggCall, updatingInput: boolean): Accumulator {
  const argFns = call.args.map(compileExpr);
  const filter = call.filter ? compilePredicate(call.filter) : null;
  if (call.udaf) {
    const u = call.udaf;
    const args = (row: Row): unknown[] => argFns.map((f) => f(row));
    return {
      create: () => ({ acc: u.createAccumulator() }),
      add: (a, row) => {
        if (filter && !filter(row)) return;
        const r = u.accumulate((a as { acc: unknown }).acc, ...args(row));
        if (r !== undefined) (a as { acc: unknown }).acc = r;
      },
      retract: (a, row) => {
        if (filter && !filter(row)) return;
        if (!u.retract) throw new Error(`aggregate ${u.name} cannot retract; it cannot run on an updating input`);
        const r = u.retract((a as { acc: unknown }).acc, ...args(row));
        if (r !== undefined) (a as { acc: unknown }).acc = r;
      },
      merge: (a, b) => {
        if (!u.merge) throw new Error(`aggregate ${u.name} has no merge; it cannot run in HOP or SESSION windows`);
        const r = u.merge((a as { acc: unknown }).acc, (b as { acc: unknown }).acc);
        if (r !== undefined) (a as { acc: unknown }).acc = r;
      },
      result: (a) => u.getValue((a as { acc: unknown }).acc),
    };
  }
  let c = core(call);
  if (call.distinct) c = distinct(c);
  if ((call.name === 'MIN' || call.name === 'MAX') && updatingInput && !call.distinct) {
    const base = c;
    c = { ...base, create: () => ({ ...base.create(), counts: new Map() }) };
  }
  if ((call.name === 'FIRST_VALUE' || call.name === 'LAST_VALUE') && updatingInput) c = retractableFirstLast(call.name === 'FIRST_VALUE');
  const arg = argFns[0];
  const value = call.name === 'COUNT' && !arg ? () => 1 : (row: Row) => arg!(row);
  const cc = c;
  return {
    create: cc.create,
    add: filter ? (a, row) => filter(row) && cc.add(a, value(row)) : (a, row) => cc.add(a, value(row)),
    retract: filter ? (a, row) => filter(row) && cc.retract(a, value(row)) : (a, row) => cc.retract(a, value(row)),
    merge: cc.merge,
    result: cc.result,
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
  const combine = keyFunction(keyFns.map((_, i) => (values: Row) => values[i]));
  return (r) => {
    const values = keyFns.map((f) => f(r));
    return values.includes(null) ? null : combine(values);
  };
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
    for (const f of keyFns) {
      const v = f(r);
      s += v === null ? '\u0000N' : typeof v === 'string' ? `\u0000s${v}` : `\u0000${typeof v === 'object' ? structuralKey(v) : String(v)}`;
    }
    return s;
  };
}
