import type { Logger } from '../../core/logger.js';
import type { Field, Row, SqlType } from '../../core/types.js';
import type { Telemetry } from '../../telemetry/index.js';
import type { FunctionCatalog } from '../../udf/registry.js';

/**
 * The public transformer API. Dagger's seven transformers and a user's own are declared with
 * `defineTransformer` and registered the same way (the built-in catalog, then TRANSFORMER_FOLDERS).
 *
 * A transformer is a step over micro-batches of positional rows, configured by the JSON object
 * `transformation_arguments` of a `{transformation_class, transformation_arguments}` entry. Its output
 * columns are computed from its input columns and arguments when the job is built (`outputSchema`), so the
 * SQL that reads a pre-processed table, `dirk validate` and `dirk explain` know them before the first record.
 *
 * One transformer entry in a config is one instance: `open` sets `ctx.state`, `transform` reads and updates it,
 * `snapshot`/`restore` put it in checkpoints.
 */

/** How an argument is read from `transformation_arguments` (Dagger writes numbers as strings: both are accepted). */
export type ArgumentType =
  | 'string'
  | 'integer'
  | 'number'
  | 'boolean'
  /** The name of one input column (checked against the input columns when the job is built). */
  | 'column'
  /** A JSON array of strings. */
  | 'string[]'
  /** Any JSON value, checked by the transformer itself (`outputSchema` may throw `ctx.argumentError`). */
  | 'json';

export interface ArgumentSpec {
  readonly type: ArgumentType;
  readonly description: string;
  /** Missing and no default: a validate-time error naming the transformer and the argument. */
  readonly required?: boolean;
  readonly default?: unknown;
}

/** Where a transformer may run: before the SQL (per table) or after the post-processors. */
export type TransformerPlace = 'pre' | 'post';

/** A column of an output schema: a Dirk SQL type or its Flink spelling ('STRING', 'ARRAY<BIGINT>'). */
export interface FieldSpec {
  readonly name: string;
  readonly type: SqlType | string;
}

/** What a transformer sees when the job is built (validate, explain, run). */
export interface TransformerBuildContext<A = Record<string, unknown>> {
  /** The arguments, read and converted as declared (defaults applied); plus `table_name`, injected as Dagger does. */
  readonly args: A;
  /** Columns arriving at the transformer. */
  readonly input: readonly Field[];
  /** Position of an input column by name (exact, then case-insensitive), or -1. */
  column(name: string): number;
  /** 'pre' (the table's pre-processor) or 'post' (after the post-processors). */
  readonly where: TransformerPlace;
  /** The table a pre-processor runs for; "NULL" after the post-processors, as in Dagger. */
  readonly table: string;
  /** A user error naming the config path, the transformer and the argument: `... transformation_arguments.key_column: expected ..., found ...`. */
  argumentError(argument: string, expected: string, found?: unknown): Error;
  /** Looks up a protobuf message type of the job's descriptors (protobufjs `Type`) or undefined. */
  readonly protoType: (name: string) => unknown;
  /** SINK_KAFKA_PROTO_MESSAGE, when the job has one. */
  readonly sinkProtoMessage: string | undefined;
  /** The job's SQL functions (built-ins, Dagger's library, UDF_FOLDERS), for transformers that plan SQL. */
  readonly functions: FunctionCatalog;
}

/** What a running transformer instance sees. */
export interface TransformerContext<A = Record<string, unknown>, S = unknown> extends TransformerBuildContext<A> {
  readonly output: readonly Field[];
  readonly logger: Logger;
  /** The job's metrics (bound handles from the one catalogue; see docs/metrics.md). */
  readonly telemetry: Telemetry;
  /** Processing time (epoch ms). */
  now(): number;
  /** The instance's own state: set it in `open` (or lazily), keep it in `snapshot`. */
  state: S;
}

export interface TransformerDef<A = Record<string, unknown>, S = unknown> {
  readonly kind: 'transformer';
  /** The short name used in `transformation_class` (`HashTransformer`); Dagger's Java class names map to it too. */
  readonly name: string;
  readonly description?: string;
  readonly arguments?: Readonly<Record<string, ArgumentSpec>>;
  /** Where the transformer may run; default both. */
  readonly places?: readonly TransformerPlace[];
  /**
   * Looks at `transformation_arguments` as written, before they are read: for a hint on a common mix-up (throw
   * `ctx.argumentError`). Optional.
   */
  checkArguments?(raw: Readonly<Record<string, unknown>>, ctx: TransformerBuildContext<A>): void;
  /** Output columns for the given input; default: the input columns unchanged. May throw `ctx.argumentError`. */
  outputSchema?(input: readonly Field[], ctx: TransformerBuildContext<A>): readonly (Field | FieldSpec)[];
  open?(ctx: TransformerContext<A, S>): void | Promise<void>;
  /** One micro-batch in, the rows to pass on out (in input order; fewer when filtering). */
  transform(rows: Row[], ctx: TransformerContext<A, S>): Row[] | Promise<Row[]>;
  /**
   * Event time reached `time` upstream; a transformer that buffers by event time returns rows it can now
   * emit (the SQL transformer's windows).
   */
  onWatermark?(time: number, ctx: TransformerContext<A, S>): Row[] | undefined | Promise<Row[] | undefined>;
  /**
   * Whether this instance keeps state from one batch to the next; default: it has `snapshot` or `onWatermark`.
   * A job run scaled out (DIRK_TASKS / FLINK_PARALLELISM > 1, DIRK_EXCHANGE_ENABLE) refuses a transformer that
   * keeps state, since each task would hold the state of its own rows only. A transformer whose state depends
   * on its arguments says so here (the SQL transformer: only a query with aggregates, joins or windows).
   */
  keepsState?(ctx: TransformerBuildContext<A>): boolean;
  /**
   * How the rows `transform` returns relate to the rows it was given, when that is always so: `filter`, some
   * of the same row objects (changed in place or not), in order; `map`, exactly one row per row given, in
   * order. A scaled-out job's pre-processor must trace each row to its source record (the exchange drops a
   * re-reading task's repeats by their offsets): a transformer that declares neither gets one record at a time
   * there, the others whole batches.
   */
  readonly rowMapping?: 'filter' | 'map';
  /** State for a checkpoint (structured-clone serialisable). */
  snapshot?(ctx: TransformerContext<A, S>): unknown;
  restore?(state: unknown, ctx: TransformerContext<A, S>): void;
  close?(ctx: TransformerContext<A, S>): void | Promise<void>;
  /** Examples for docs/transformers.md. */
  readonly examples?: readonly TransformerExample[];
}

export interface TransformerExample {
  readonly title: string;
  /** The entry as written in a config (`{transformation_class, transformation_arguments}`). */
  readonly config: unknown;
  /** Input columns and rows, and the rows that come out (checked by test/unit/processors/transformer-docs.test.ts). */
  readonly input?: { readonly columns: readonly FieldSpec[]; readonly rows: readonly Row[] };
  readonly output?: readonly Row[];
}

/** Declare a transformer (built-in or user). Returns the definition unchanged, tagged for the folder loader. */
export function defineTransformer<A = Record<string, unknown>, S = unknown>(def: Omit<TransformerDef<A, S>, 'kind'>): TransformerDef<A, S> {
  return { ...def, kind: 'transformer' } as TransformerDef<A, S>;
}

export function isTransformerDef(x: unknown): x is TransformerDef {
  if (x === null || typeof x !== 'object') return false;
  const d = x as { kind?: unknown; name?: unknown; transform?: unknown };
  return d.kind === 'transformer' && typeof d.name === 'string' && typeof d.transform === 'function';
}
