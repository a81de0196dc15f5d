import type { Field, SqlType } from '../core/types.js';

/**
 * The public UDF API. Built-in SQL functions, Dagger's library in udfs/ and user functions are all declared
 * with these three helpers and registered the same way (looked up case-insensitively by name).
 *
 * Types in signatures are Flink SQL type names, parsed once when the function is registered:
 * 'BOOLEAN' | 'INT' | 'BIGINT' | 'FLOAT' | 'DOUBLE' | 'DECIMAL' | 'STRING' | 'BYTES' | 'TIMESTAMP' |
 * 'ARRAY<T>' | 'MAP<K, V>' | 'ROW<a T, b U>' | 'ANY'. 'ANY' accepts every type (checked by the function itself);
 * 'NUMERIC' accepts any numeric type. Values follow the runtime representation documented in core/types.ts.
 */
export type TypeName = string;

/** Maps a few type names to their JS value type so a TypeScript author gets compile-time errors. */
export type ValueOf<N extends TypeName> = N extends 'BOOLEAN'
  ? boolean
  : N extends 'INT' | 'FLOAT' | 'DOUBLE' | 'DECIMAL' | 'TIMESTAMP'
    ? number
    : N extends 'BIGINT'
      ? number | bigint
      : N extends 'NUMERIC'
        ? number | bigint
        : N extends 'STRING'
          ? string
          : N extends 'BYTES'
            ? Uint8Array
            : N extends `ARRAY<${string}>`
              ? unknown[]
              : N extends `MAP<${string}>`
                ? Map<unknown, unknown>
                : N extends `ROW<${string}>`
                  ? Record<string, unknown>
                  : unknown;

type Values<P extends readonly TypeName[]> = { -readonly [K in keyof P]: ValueOf<P[K]> | null };

/** An example that doubles as a test: calling the function with `args` must give `result`. */
export interface FunctionExample {
  readonly args: readonly unknown[];
  readonly result: unknown;
  /** Optional SQL spelling shown in the generated docs. */
  readonly sql?: string;
  /** SQL types of the arguments when they cannot be told from the JS values (e.g. TIMESTAMP is a number). */
  readonly argTypes?: readonly TypeName[];
}

export interface Signature<P extends readonly TypeName[] = readonly TypeName[]> {
  readonly params: P;
  /** When set, the last param may repeat any number of times (including zero). */
  readonly varargs?: boolean;
  /** Result type; a function of the argument types for generic functions. */
  readonly returns: TypeName | ((argTypes: readonly SqlType[]) => SqlType);
}

export interface FunctionLifecycle {
  /** Called once before the first call (e.g. open a cache); may be async. */
  readonly open?: (ctx: FunctionContext) => void | Promise<void>;
  readonly close?: () => void | Promise<void>;
}

export interface FunctionContext {
  /** The job config's UDF settings (e.g. UDF_DART_* keys), read-only. */
  readonly config: Readonly<Record<string, unknown>>;
  /**
   * Looks up a protobuf message type by its full name (Java class names such as `com.x.Booking` are accepted
   * too) from the job's descriptor registry; returns a protobufjs `Type` or undefined. Used by the Longbow+
   * functions (Filters, SelectFields) that receive proto bytes.
   */
  readonly protoTypes?: (name: string) => unknown;
}

export interface ScalarFunctionDef<P extends readonly TypeName[] = readonly TypeName[]> extends FunctionLifecycle {
  readonly kind: 'scalar';
  readonly name: string;
  readonly description?: string;
  /** One signature, or several overloads tried in order. */
  readonly signatures: readonly Signature<P>[];
  /** False for functions whose result may change between calls with the same args (e.g. RAND, DartGet). */
  readonly deterministic?: boolean;
  /** Synchronous body. Receives SQL NULL as null. */
  readonly eval?: (...args: Values<P>) => unknown;
  /** Asynchronous body (e.g. a lookup); the runtime bounds calls in flight and applies the timeout. */
  readonly evalAsync?: (...args: Values<P>) => Promise<unknown>;
  readonly async?: { readonly maxInFlight?: number; readonly timeoutMs?: number };
  /** When true (the default), any NULL argument makes the result NULL without calling eval. */
  readonly nullOnNullInput?: boolean;
  /**
   * DECIMAL arguments arrive as JS numbers (the nearest double) unless this is true: then as exact `Decimal`
   * values (unscaled bigint and scale, exported by dirk-sql). A DECIMAL result may be returned as a number,
   * a numeric string or a Decimal; it is rounded HALF_UP to the result type's scale.
   */
  readonly exactDecimals?: boolean;
  readonly examples?: readonly FunctionExample[];
}

/** The accumulator functions of an aggregate. `accumulate`, `retract` and `merge` may update `acc` in place or return a new one. */
export interface AggregateAccumulator<Acc = unknown> {
  readonly createAccumulator: () => Acc;
  readonly accumulate: (acc: Acc, ...args: unknown[]) => Acc | void;
  /** Needed for updating (retracting) inputs; without it the function is append-only. */
  readonly retract?: (acc: Acc, ...args: unknown[]) => Acc | void;
  /** Needed for session windows and HOP pane sharing. */
  readonly merge?: (acc: Acc, other: Acc) => Acc | void;
  readonly getValue: (acc: Acc) => unknown;
  /**
   * `accumulate`, `retract` and `merge` always update `acc` in place and return nothing: the runtime then keeps
   * the accumulator as it is, without a holder for returned values (the built-ins do; it saves an object per
   * key and window pane).
   */
  readonly inPlace?: boolean;
}

/** One argument of an aggregate call, as the planner sees it. */
export interface AggregateArgument {
  readonly type: SqlType;
  /** The argument is a literal: its value (e.g. LISTAGG's separator). */
  readonly literal?: { readonly value: unknown };
}

/** What `bindCall` decides about a call: its result type, and how many leading arguments are evaluated per row. */
export interface AggregateBinding {
  readonly type: SqlType;
  /** Arguments evaluated per row (the rest are plan-time parameters); all of them when absent. */
  readonly rowArgs?: number;
  /** A plan-time parameter handed to `forCall` (LISTAGG's separator). */
  readonly param?: unknown;
}

/** One call of an aggregate, for `forCall`. */
export interface AggregateCall {
  readonly argTypes: readonly SqlType[];
  readonly returnType: SqlType;
  /** The input is a changelog: `retract` is called for deleted and updated-before rows. */
  readonly retracting: boolean;
  readonly param?: unknown;
}

export interface AggregateExample {
  /** The argument values of each input row. */
  readonly rows: readonly (readonly unknown[])[];
  readonly result: unknown;
  /** SQL spelling shown in the generated docs. */
  readonly sql?: string;
  /** SQL types of the row arguments when they cannot be told from the JS values (BIGINT, DECIMAL(p, s), TIMESTAMP). */
  readonly argTypes?: readonly TypeName[];
  /** Literal arguments written after the row arguments (LISTAGG's separator). */
  readonly literals?: readonly unknown[];
}

export interface AggregateFunctionDef<Acc = unknown> extends FunctionLifecycle, AggregateAccumulator<Acc> {
  readonly kind: 'aggregate';
  readonly name: string;
  readonly description?: string;
  readonly signatures: readonly Signature[];
  /** As for scalar functions: DECIMAL arguments as exact `Decimal` values instead of numbers. */
  readonly exactDecimals?: boolean;
  /**
   * Plan-time type rule for rules a signature cannot state (SUM of DECIMAL(p, s) is DECIMAL(38, s)); throws a
   * user error naming the problem. When present it replaces signature matching; `signatures` then document.
   */
  readonly bindCall?: (args: readonly AggregateArgument[], distinct: boolean) => AggregateBinding;
  /**
   * Accumulator functions for one call, when they depend on its types or on a retracting input (exact BIGINT
   * sums, a DECIMAL's scale, MIN over a changelog). Without it the def's own functions are used.
   */
  readonly forCall?: (call: AggregateCall) => AggregateAccumulator<Acc>;
  readonly examples?: readonly AggregateExample[];
}

export interface TableFunctionDef extends FunctionLifecycle {
  readonly kind: 'table';
  readonly name: string;
  readonly description?: string;
  readonly signatures: readonly Signature[];
  /** The columns each produced row has. */
  readonly columns: readonly { readonly name: string; readonly type: TypeName }[];
  /** Yields rows as positional arrays matching `columns`. */
  readonly eval: (...args: unknown[]) => Iterable<unknown[]>;
  readonly examples?: readonly FunctionExample[];
}

export type FunctionDef = ScalarFunctionDef<readonly TypeName[]> | AggregateFunctionDef<any> | TableFunctionDef;

export function defineScalar<const P extends readonly TypeName[]>(
  def: Omit<ScalarFunctionDef<P>, 'kind'>,
): ScalarFunctionDef<readonly TypeName[]> {
  return { ...def, kind: 'scalar' } as unknown as ScalarFunctionDef<readonly TypeName[]>;
}

export function defineAggregate<Acc>(def: Omit<AggregateFunctionDef<Acc>, 'kind'>): AggregateFunctionDef<Acc> {
  return { ...def, kind: 'aggregate' };
}

export function defineTable(def: Omit<TableFunctionDef, 'kind'>): TableFunctionDef {
  return { ...def, kind: 'table' };
}

export type { Field, SqlType };
