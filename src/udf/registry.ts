import { Decimal, fitDecimal, toDecimal } from '../core/decimal.js';
import { atSqlPosition, closest, DirkError, userError, type SourcePosition } from '../core/errors.js';
import { originOf } from './origin.js';
import { slotOf, type FunctionSlot } from './slots.js';
import { canonicalInt64, typeToString, type Field, type SqlType } from '../core/types.js';
import type { FunctionDef, Signature } from './api.js';
import { accepts, instantiate, paramTypeToString, parseParamType, parseType, type ParamType } from './types.js';

/** A function chosen for a call site: the overload that matched and the concrete argument and result types. */
export interface ResolvedFunction {
  readonly def: FunctionDef;
  readonly signature: Signature;
  /** One concrete type per argument (patterns such as ANY / NUMERIC take the argument's own type). */
  readonly argTypes: readonly SqlType[];
  readonly returnType: SqlType;
  /** For table functions: the columns of each produced row. */
  readonly columns?: readonly Field[];
}

export interface FunctionCatalog {
  /** Case-insensitive, as in Flink. */
  lookup(name: string): FunctionDef | undefined;
  /**
   * Picks the first overload whose parameters accept `argTypes` (numbers widen INT -> BIGINT -> DECIMAL ->
   * FLOAT -> DOUBLE, NULL goes everywhere, ANY takes all). Throws a user error listing the overloads otherwise.
   */
  resolve(name: string, argTypes: readonly SqlType[]): ResolvedFunction;
  names(): string[];
  /** The file (or 'built-in', ...) a function came from. */
  origin(name: string): string | undefined;
  /** A new catalog with more functions; a name that already exists is an error naming both origins. */
  with(defs: readonly FunctionDef[], origin: string): FunctionCatalog;
  /** The functions `resolve` has been asked for on this catalog (what a planned query uses). */
  used(): FunctionDef[];
}

export { originOf, setOrigin } from './origin.js';

interface CompiledSignature {
  readonly signature: Signature;
  readonly params: readonly ParamType[];
  readonly returns: SqlType | ((argTypes: readonly SqlType[]) => SqlType);
}

interface Entry {
  readonly def: FunctionDef;
  readonly origin: string;
  readonly signatures: readonly CompiledSignature[];
  readonly columns: readonly Field[] | undefined;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function compileEntry(def: FunctionDef, origin: string): Entry {
  const where = `function ${def?.name ?? '?'} (${origin})`;
  if (def === null || typeof def !== 'object') throw userError(`${origin}: a function definition must be an object`);
  if (typeof def.name !== 'string' || !NAME.test(def.name)) {
    throw userError(`${where}: the name must be an identifier (letters, digits, _), found ${JSON.stringify(def.name)}`);
  }
  if (def.kind !== 'scalar' && def.kind !== 'aggregate' && def.kind !== 'table') {
    throw userError(`${where}: unknown kind ${JSON.stringify((def as { kind?: unknown }).kind)}; use defineScalar, defineAggregate or defineTable`);
  }
  if (!Array.isArray(def.signatures) || def.signatures.length === 0) {
    throw userError(`${where}: needs at least one signature`);
  }
  if (def.kind === 'scalar' && typeof def.eval !== 'function' && typeof def.evalAsync !== 'function') {
    throw userError(`${where}: a scalar function needs eval or evalAsync`);
  }
  if (def.kind === 'aggregate') {
    for (const k of ['createAccumulator', 'accumulate', 'getValue'] as const) {
      if (typeof def[k] !== 'function') throw userError(`${where}: an aggregate function needs ${k}`);
    }
  }
  if (def.kind === 'table' && typeof def.eval !== 'function') throw userError(`${where}: a table function needs eval`);
  const wrap = <T>(what: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      throw userError(`${where}: ${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  };
  const signatures = def.signatures.map((s, i) => {
    const params = wrap(`signature ${i + 1}`, () => s.params.map(parseParamType));
    if (s.varargs && params.length === 0) throw userError(`${where}: signature ${i + 1} has varargs but no params`);
    const returns =
      typeof s.returns === 'function' ? s.returns : wrap(`signature ${i + 1} result`, () => parseType(s.returns as string));
    return { signature: s, params, returns };
  });
  const columns =
    def.kind === 'table'
      ? wrap('columns', () => def.columns.map((c) => ({ name: c.name, type: parseType(c.type) })))
      : undefined;
  return { def, origin, signatures, columns };
}

function signatureText(s: CompiledSignature): string {
  const ps = s.params.map(paramTypeToString);
  if (s.signature.varargs) ps[ps.length - 1] = `${ps[ps.length - 1]}...`;
  return `(${ps.join(', ')})`;
}

function matches(s: CompiledSignature, argTypes: readonly SqlType[]): boolean {
  const n = s.params.length;
  if (s.signature.varargs ? argTypes.length < n - 1 : argTypes.length !== n) return false;
  return argTypes.every((a, i) => accepts(s.params[Math.min(i, n - 1)]!, a));
}

function build(entries: ReadonlyMap<string, Entry>): FunctionCatalog {
  const used = new Set<FunctionDef>();
  const catalog: FunctionCatalog = {
    used: () => [...used],
    lookup: (name) => entries.get(name.toUpperCase())?.def,
    origin: (name) => entries.get(name.toUpperCase())?.origin,
    names: () => [...entries.values()].map((e) => e.def.name),
    resolve(name, argTypes) {
      const entry = entries.get(name.toUpperCase());
      if (entry === undefined) {
        const guess = closest(name, catalog.names());
        throw userError(`unknown function ${name.toUpperCase()}${guess ? ` (did you mean ${guess}?)` : ''}`);
      }
      used.add(entry.def);
      for (const s of entry.signatures) {
        if (!matches(s, argTypes)) continue;
        const n = s.params.length;
        const concrete = argTypes.map((a, i) => instantiate(s.params[Math.min(i, n - 1)]!, a));
        let returnType: SqlType;
        if (typeof s.returns === 'function') {
          try {
            returnType = s.returns(concrete);
          } catch (e) {
            if (e instanceof DirkError) throw e;
            throw userError(`function ${entry.def.name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
          }
        } else {
          returnType = s.returns;
        }
        return {
          def: entry.def,
          signature: s.signature,
          argTypes: concrete,
          returnType,
          ...(entry.columns ? { columns: entry.columns } : {}),
        };
      }
      const expected = entry.signatures.map(signatureText).join(' or ');
      throw userError(
        `function ${entry.def.name.toUpperCase()} expects ${expected}, got (${argTypes.map(typeToString).join(', ')})`,
      );
    },
    with(defs, origin) {
      const next = new Map(entries);
      addAll(next, defs, () => origin);
      return build(next);
    },
  };
  return catalog;
}

function addAll(into: Map<string, Entry>, defs: readonly FunctionDef[], originFor: (d: FunctionDef) => string): void {
  for (const def of defs) {
    const origin = originFor(def);
    const entry = compileEntry(def, origin);
    const key = def.name.toUpperCase();
    const existing = into.get(key);
    if (existing !== undefined) {
      if (existing.def === def) continue; // the same module imported twice
      throw userError(
        `function ${def.name} is defined twice: in ${existing.origin} and in ${origin} (names are case-insensitive)`,
      );
    }
    into.set(key, entry);
  }
}

/**
 * Build a catalog. `origins` names where the defs came from (one string for all, or per def); defs loaded by
 * `loadUdfFolders` already know their file.
 */
export function createFunctionCatalog(
  defs: readonly FunctionDef[],
  origins?: string | ReadonlyMap<FunctionDef, string>,
): FunctionCatalog {
  const entries = new Map<string, Entry>();
  addAll(entries, defs, (d) =>
    (typeof origins === 'string' ? origins : origins?.get(d)) ?? originOf(d) ?? 'built-in',
  );
  return build(entries);
}

// ---------------------------------------------------------------------------------------------------------
// Calling scalar functions

/** Converts one argument to what the parameter promises the function (e.g. a bigint passed to DOUBLE). */
type Coerce = (v: unknown) => unknown;

function coercionFor(param: SqlType, exactDecimals = false): Coerce | undefined {
  switch (param.kind) {
    case 'DECIMAL':
      if (exactDecimals) return undefined;
      return (v) => (typeof v === 'bigint' || v instanceof Decimal ? Number(v) : v);
    case 'DOUBLE':
    case 'FLOAT':
    case 'INT':
      return (v) => (typeof v === 'bigint' || v instanceof Decimal ? Number(v) : v);
    default:
      return undefined;
  }
}

function normalizeResult(v: unknown, t: SqlType): unknown {
  if (v === undefined) return null;
  if (t.kind === 'BIGINT' && (typeof v === 'bigint' || typeof v === 'number')) return canonicalInt64(v);
  if (t.kind === 'DECIMAL' && v !== null) {
    // a DECIMAL(p, s) result is a Decimal of scale s, whatever the function returned (number, text, Decimal)
    const d = toDecimal(v);
    return d === null ? v : fitDecimal(d, t.precision, t.scale);
  }
  return v;
}

/** `row` is the call site's input row (compiled code passes it), used only to name a failing record. */
export type ScalarInvoker = (args: readonly unknown[], row?: unknown) => unknown;

const invokers = new WeakMap<ResolvedFunction, ScalarInvoker>();

function failure(resolved: ResolvedFunction, e: unknown): DirkError {
  if (e instanceof DirkError) return e;
  return userError(`function ${resolved.def.name} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

/**
 * A fast caller for a resolved synchronous scalar function: applies nullOnNullInput, converts bigint arguments
 * for floating parameters, turns undefined into null and BIGINT results into their canonical form. Errors
 * thrown by the function become user errors (bad data), keeping DirkErrors as they are. `pos`, where the call
 * is written in the query, is captured once and named by a failure.
 */
export function makeScalarInvoker(resolved: ResolvedFunction, pos?: SourcePosition): ScalarInvoker {
  const def = resolved.def;
  if (def.kind !== 'scalar') throw new DirkError(`internal error: ${def.name} is a ${def.kind} function, not scalar`);
  const evalFn = def.eval as ((...a: unknown[]) => unknown) | undefined;
  if (evalFn === undefined) throw new DirkError(`internal error: ${def.name} is asynchronous; use createAsyncInvoker`);
  const nullOnNull = def.nullOnNullInput !== false;
  const coercions = resolved.argTypes.map((t) => coercionFor(t, (def as { exactDecimals?: boolean }).exactDecimals === true));
  const anyCoercion = coercions.some((c) => c !== undefined);
  const rt = resolved.returnType;
  const slot = slotOf(def);
  if (slot !== undefined) return slotInvoker(slot, coercions, anyCoercion, rt, pos);
  return (args) => {
    if (nullOnNull && hasNull(args)) return null;
    const a = anyCoercion ? coerceArgs(args, coercions) : (args as unknown[]);
    let out: unknown;
    try {
      out = evalFn(...a);
    } catch (e) {
      throw atSqlPosition(failure(resolved, e), pos);
    }
    return normalizeResult(out, rt);
  };
}

function hasNull(args: readonly unknown[]): boolean {
  for (let i = 0; i < args.length; i++) if (args[i] === null || args[i] === undefined) return true;
  return false;
}

/** A copy of the arguments with each converted to its declared parameter type where that needs a coercion. */
function coerceArgs(args: readonly unknown[], coercions: readonly (Coerce | undefined)[]): unknown[] {
  const a = args.slice();
  for (let i = 0; i < a.length; i++) {
    const c = coercions[i];
    if (c !== undefined) a[i] = c(a[i]);
  }
  return a;
}

/**
 * The invoker of a job's function slot: counts the call, reads the current body on every call (so a reloaded
 * UDF applies at once), and hands failures to the slot's error policy.
 */
function slotInvoker(slot: FunctionSlot, coercions: readonly (Coerce | undefined)[], anyCoercion: boolean, rt: SqlType, pos: SourcePosition | undefined): ScalarInvoker {
  return (args, row) => {
    if (slot.nullOnNull && hasNull(args)) return null;
    const a = anyCoercion ? coerceArgs(args, coercions) : (args as unknown[]);
    slot.calls++;
    let out: unknown;
    try {
      out = slot.evalFn!(...a);
    } catch (e) {
      return slot.fail(e, row, pos);
    }
    return normalizeResult(out, rt);
  };
}

/** Call a resolved synchronous scalar function once (the invoker is built once and cached). */
export function invokeScalar(resolved: ResolvedFunction, args: readonly unknown[]): unknown {
  let inv = invokers.get(resolved);
  if (inv === undefined) {
    inv = makeScalarInvoker(resolved);
    invokers.set(resolved, inv);
  }
  return inv(args);
}

export interface AsyncInvokerOptions {
  /** Calls running at the same time (default: the def's async.maxInFlight, else 16). */
  readonly maxInFlight?: number;
  /** Per-call time limit in ms (default: the def's async.timeoutMs, else 10 000). 0 disables it. */
  readonly timeoutMs?: number;
  /** 'fail' (default) rejects the batch on the first failure; 'null' makes a failed call's result null. */
  readonly onError?: 'fail' | 'null';
  /** Where the call is written in the query, named by failures. */
  readonly pos?: SourcePosition;
}

/**
 * Runs a batch of argument tuples through a resolved scalar function (async or sync) with at most
 * `maxInFlight` calls pending and a per-call timeout; results come back in input order.
 */
export function createAsyncInvoker(
  resolved: ResolvedFunction,
  options: AsyncInvokerOptions = {},
): (batch: readonly (readonly unknown[])[], rows?: readonly unknown[]) => Promise<unknown[]> {
  const def = resolved.def;
  if (def.kind !== 'scalar') throw new DirkError(`internal error: ${def.name} is a ${def.kind} function, not scalar`);
  const maxInFlight = Math.max(1, options.maxInFlight ?? def.async?.maxInFlight ?? 16);
  const timeoutMs = options.timeoutMs ?? def.async?.timeoutMs ?? 10_000;
  const onError = options.onError ?? 'fail';
  const nullOnNull = def.nullOnNullInput !== false;
  const coercions = resolved.argTypes.map((t) => coercionFor(t, (def as { exactDecimals?: boolean }).exactDecimals === true));
  const slot = slotOf(def);
  const evalAsync = def.evalAsync as ((...a: unknown[]) => Promise<unknown>) | undefined;
  const evalSync = def.eval as ((...a: unknown[]) => unknown) | undefined;
  const rt = resolved.returnType;

  const callOne = async (args: readonly unknown[]): Promise<unknown> => {
    if ((slot ? slot.nullOnNull : nullOnNull) && args.some((a) => a === null || a === undefined)) return null;
    const a = args.map((v, i) => (coercions[i] ? coercions[i](v) : v));
    if (slot) slot.calls++;
    // A slot's current body is read per call, so a reloaded function applies at once.
    const fa = slot ? slot.evalAsyncFn : evalAsync;
    const fs = slot ? slot.evalFn : evalSync;
    const call = fa ? fa(...a) : Promise.resolve().then(() => fs!(...a));
    if (!(timeoutMs > 0)) return normalizeResult(await call, rt);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DirkError(`function ${def.name} timed out after ${timeoutMs} ms`, { domain: 'external', retriable: true })),
        timeoutMs,
      );
    });
    try {
      return normalizeResult(await Promise.race([call, timeout]), rt);
    } finally {
      clearTimeout(timer);
    }
  };

  const timed = slot !== undefined;
  return async (batch, rows) => {
    const results = new Array<unknown>(batch.length).fill(null);
    let next = 0;
    let failed: unknown;
    const worker = async (): Promise<void> => {
      while (failed === undefined && next < batch.length) {
        const i = next++;
        const start = timed ? performance.now() : 0;
        try {
          results[i] = await callOne(batch[i]!);
          if (timed) slot.onLatency?.(performance.now() - start);
        } catch (e) {
          if (slot) {
            slot.onLatency?.(performance.now() - start);
            // The slot applies the job's policy: NULL, or a failure naming the record.
            try {
              results[i] = slot.fail(e, rows?.[i], options.pos);
            } catch (f) {
              if (failed === undefined) failed = f;
            }
          } else if (onError === 'null') results[i] = null;
          else if (failed === undefined) failed = atSqlPosition(failure(resolved, e), options.pos);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(maxInFlight, batch.length) }, worker));
    if (failed !== undefined) throw failed;
    return results;
  };
}

export interface ScalarHooks {
  readonly onCall?: (name: string) => void;
  readonly onError?: (name: string, error: unknown) => void;
  /** Latency in milliseconds (from performance.now()). */
  readonly onLatency?: (name: string, ms: number) => void;
}

/** Wraps a scalar invoker with metric hooks (the telemetry layer supplies the hooks). */
export function instrumentScalar(resolved: ResolvedFunction, hooks: ScalarHooks): ScalarInvoker {
  const inner = makeScalarInvoker(resolved);
  const name = resolved.def.name;
  const timed = hooks.onLatency !== undefined;
  return (args) => {
    hooks.onCall?.(name);
    const start = timed ? performance.now() : 0;
    try {
      return inner(args);
    } catch (e) {
      hooks.onError?.(name, e);
      throw e;
    } finally {
      if (timed) hooks.onLatency!(name, performance.now() - start);
    }
  };
}

/** Call a resolved table function: the rows it yields, as positional arrays matching `resolved.columns`. */
export function invokeTable(resolved: ResolvedFunction, args: readonly unknown[]): unknown[][] {
  const def = resolved.def;
  if (def.kind !== 'table') throw new DirkError(`internal error: ${def.name} is a ${def.kind} function, not table`);
  try {
    return [...def.eval(...args)];
  } catch (e) {
    throw failure(resolved, e);
  }
}

/** Run an aggregate over rows of arguments from a fresh accumulator (examples, tests, bounded inputs). */
export function runAggregate(def: FunctionDef, rows: readonly (readonly unknown[])[]): unknown {
  if (def.kind !== 'aggregate') throw new DirkError(`internal error: ${def.name} is a ${def.kind} function, not aggregate`);
  let acc = def.createAccumulator();
  for (const r of rows) {
    const next = def.accumulate(acc, ...r);
    if (next !== undefined) acc = next;
  }
  return def.getValue(acc);
}
