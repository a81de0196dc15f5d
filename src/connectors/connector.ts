/**
 * The runtime shape of every connector (its `index.ts`), listed once in `./index.ts`. Its configuration
 * side (keys, reader, slice type, SINK_TYPE or SOURCE_NAMEs) is declared in the same folder's `config.ts`
 * and listed in `./catalog.ts` (docs/architecture.md, "Adding a connector"). At run time a connector:
 * - takes its slice of the parsed job config (`slice`): only what it needs, so creating it never sees the
 *   whole prepared job;
 * - checks the slice against the plan before anything opens (`validate`: `dirk validate` runs it too);
 * - creates the source or sink from the slice and a small context the job builds (`create`). Creating may be
 *   asynchronous: a connector loads its runtime module (and the libraries behind it: pg, hyparquet, ...) in
 *   `create` with a dynamic import, so a job loads only the connectors it uses and `dirk validate` none.
 *
 * Parsing the raw keys into typed values is the config side's (`config.ts`), which belongs to the config
 * layer below the connectors' runtime (config -> ... -> connectors -> job).
 */
import type { RowOrigin } from './kafka/oversized-records.js';
import type { Counter, Sink, SinkMetrics, Source } from '../core/connector.js';
import type { Logger } from '../core/logger.js';
import type { Field, TableSchema } from '../core/types.js';
import type { JOB_KEYS, STREAM_KEYS } from '../config/defaults.js';
import type { SinkConfig, SourceName, StreamConfig } from '../config/index.js';
import type { DescriptorRegistry, RowEncoder } from '../schema/index.js';
import type { RowDecoder } from './shared/codec.js';
import type { KafkaProducers } from './kafka/shared-producer.js';
import type { TaskAssignment } from './kafka/subscription-assigner.js';
import type { Telemetry } from '../telemetry/index.js';

/** A config key of the job or of a stream, spelt as in the key table (a typo fails to compile). */
export type ConfigKey = keyof typeof JOB_KEYS | keyof typeof STREAM_KEYS;

/** What a sink is checked against: the query's result. */
export interface SinkPlan {
  readonly columns: readonly Field[];
  /** The result is a changelog (updates, deletes), not append-only. */
  readonly updating: boolean;
  /** Column positions that identify a row of an updating result (GROUP BY keys, ...), when known. */
  readonly uniqueKey?: readonly number[] | undefined;
  readonly registry: DescriptorRegistry | undefined;
  /** FLINK_CHECKPOINT_INTERVAL_MS (a transactional sink's transactions last one interval); default 30 s. */
  readonly checkpointIntervalMs?: number | undefined;
}

export interface SinkCreateContext extends SinkPlan {
  readonly jobId: string;
  /** The sink's name in metrics and logs: its type, or `<type>_<i>` when two SINKS entries share a type. */
  readonly name?: string;
  /** For connector-specific metrics beyond `metrics` (the HTTP sink's retries and dead letters). */
  readonly telemetry?: Telemetry;
  readonly logger: Logger;
  readonly metrics: SinkMetrics;
  readonly lateRecordsDropped: Counter;
  /** The log sink's output; default stdout. */
  readonly out?: NodeJS.WritableStream | undefined;
  /** A pass-through job: the value encoder is wrapped so records reach the sink as their original bytes. */
  readonly wrapValueEncoder?: ((encoder: RowEncoder) => RowEncoder) | undefined;
  /** The input being processed when a row is written (names a row the sink cannot write). */
  readonly origin?: (() => RowOrigin | undefined) | undefined;
  /** Rows too large for the sink, by SINK_KAFKA_ERROR_POLICY (Kafka). */
  readonly recordsRouted?: { readonly skipped: Counter; readonly deadLettered: Counter } | undefined;
  /** Transactions committed and aborted (Kafka, exactly-once). */
  readonly transactionCounters?: { readonly commits: Counter; readonly aborts: Counter } | undefined;
  /** Scale-out: this task's number (a transactional sink's id gets `-task-<i>`: one producer per task). */
  readonly task?: number | undefined;
}

export interface SinkConnector<Slice = unknown> {
  readonly kind: 'sink';
  /** SINK_TYPE value. */
  readonly name: SinkConfig['type'];
  /** This connector's part of the sink config, or undefined when SINK_TYPE names another connector. */
  slice(sink: SinkConfig): Slice | undefined;
  /** Throws a user error naming the key when the slice cannot take the query's result. */
  validate(slice: Slice, plan: SinkPlan): void;
  create(slice: Slice, ctx: SinkCreateContext): Sink | Promise<Sink>;
}

export interface SourceCreateContext {
  /** Decodes a record's bytes into a row of `schema` (only the columns the query reads). */
  readonly decoder: RowDecoder;
  readonly schema: TableSchema;
  readonly registry: DescriptorRegistry | undefined;
  readonly logger: Logger;
  /** The job's one producer for dead letters and late records (Kafka). */
  readonly producers?: KafkaProducers | undefined;
  /** Table columns the query reads, for sources that decode column by column (Parquet). */
  readonly usedColumns?: ReadonlySet<number>;
  /** For connector-specific metrics (the Parquet reader's). */
  readonly telemetry?: Telemetry;
  /** One task of a bounded run scaled out: the Kafka source deals partitions out by task (kafka-source.ts). */
  readonly taskAssignment?: TaskAssignment;
}

export interface SourceConnector<Slice = unknown> {
  readonly kind: 'source';
  /** SOURCE_DETAILS[].SOURCE_NAME values this connector reads (the first is its name). */
  readonly name: SourceName;
  readonly aliases?: readonly SourceName[];
  slice(stream: StreamConfig): Slice;
  validate?(slice: Slice): void;
  create(slice: Slice, ctx: SourceCreateContext): Source | Promise<Source>;
}

/** A sink connector bound to its slice of one job's config. */
export interface BoundSink {
  validate(plan: SinkPlan): void;
  create(ctx: SinkCreateContext): Promise<Sink>;
}
export interface BoundSource {
  validate(): void;
  create(ctx: SourceCreateContext): Promise<Source>;
}

/**
 * What the registries hold: the connector with its slice type hidden behind `bind`, so one list can hold
 * connectors whose slices differ while each one's code stays typed against its own slice.
 */
export interface RegisteredSink {
  readonly kind: 'sink';
  readonly name: SinkConfig['type'];
  /** Undefined when SINK_TYPE names another connector. */
  bind(sink: SinkConfig): BoundSink | undefined;
}
export interface RegisteredSource {
  readonly kind: 'source';
  readonly name: SourceName;
  readonly aliases: readonly SourceName[];
  bind(stream: StreamConfig): BoundSource;
}

export function defineSink<Slice>(c: SinkConnector<Slice>): RegisteredSink {
  return {
    kind: 'sink',
    name: c.name,
    bind(sink) {
      const slice = c.slice(sink);
      if (slice === undefined) return undefined;
      return { validate: (plan) => c.validate(slice, plan), create: async (ctx) => c.create(slice, ctx) };
    },
  };
}

export function defineSource<Slice>(c: SourceConnector<Slice>): RegisteredSource {
  return {
    kind: 'source',
    name: c.name,
    aliases: c.aliases ?? [],
    bind(stream) {
      const slice = c.slice(stream);
      return { validate: () => c.validate?.(slice), create: async (ctx) => c.create(slice, ctx) };
    },
  };
}
