/**
 * The validated job config: plain, deeply frozen data with every default applied.
 * Each component receives its own slice (a stream, the sink, the schema registry...), never the raw JSON.
 * Relative file paths are already resolved to absolute ones (see `ParseOptions.baseDir`).
 */

import type { CatalogSinkConfig, SourceName, SourceSlots } from '../connectors/catalog.js';
import type { DataType, SourceType } from './connector-spec.js';
import type { KafkaCompressionType } from './key-spec.js';

export type { DataType, SourceType } from './connector-spec.js';
// Each connector's parsed slice is declared in its folder (src/connectors/<name>/config.ts); re-exported here
// so the rest of Dirk keeps importing config types from src/config.
export type { SinkType, SourceName } from '../connectors/catalog.js';
export type { KafkaSinkConfig } from '../connectors/kafka/sink-config.js';
export type { KafkaSecurityConfig, KafkaSourceConfig, SaslConfig, SslConfig, StoreConfig, StoreType, UpsertSourceConfig } from '../connectors/kafka/source-config.js';
export type { InfluxSinkConfig } from '../connectors/influxdb/config.js';
export type { HttpSinkConfig } from '../connectors/http/config.js';
export type { BigQueryErrorType, BigQuerySinkConfig } from '../connectors/bigquery/config.js';
export type { LogSinkConfig } from '../connectors/log/config.js';
export type { BlackholeSinkConfig } from '../connectors/blackhole/config.js';
export type { ParquetSourceConfig } from '../connectors/parquet/config.js';
export type { FileSourceConfig } from '../connectors/file/config.js';
export type { DatagenSourceConfig } from '../connectors/datagen/config.js';
export type { PostgresCdcSourceConfig } from '../connectors/postgres-cdc/config.js';

export interface WatermarkConfig {
  /** FLINK_WATERMARK_DELAY_MS: how far the watermark trails the largest event time seen. */
  readonly delayMs: number;
  /** FLINK_WATERMARK_INTERVAL_MS: how often watermarks are emitted. */
  readonly intervalMs: number;
  /** FLINK_WATERMARK_PER_PARTITION_ENABLE: track watermarks per Kafka partition and take the minimum. */
  readonly perPartition: boolean;
  /** FLINK_WATERMARK_IDLE_TIMEOUT_MS (Dirk): a partition silent this long stops holding the watermark back; 0 = never. */
  readonly idleTimeoutMs: number;
}

export interface CheckpointConfig {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly minPauseMs: number;
  readonly maxConcurrent: number;
  /** FLINK_CHECKPOINT_TOLERABLE_FAILURES: consecutive failed checkpoints tolerated before the job stops. */
  readonly tolerableFailures: number;
}

/** FLINK_RESTART_* (Dirk): in-process restarts from the last checkpoint after an external failure. */
export interface RestartConfig {
  readonly attempts: number;
  readonly backoffMs: number;
  readonly backoffMaxMs: number;
}

export interface BadRecordPolicy {
  readonly mode: 'FAIL' | 'SKIP' | 'DEAD_LETTER';
  readonly deadLetterTopic?: string;
  /** Brokers the dead-letter topic lives on: SOURCE_DEAD_LETTER_BROKERS, else the stream's own brokers. */
  readonly deadLetterBrokers?: readonly string[];
  /** SOURCE_DEAD_LETTER_COMPRESSION_TYPE (with DEAD_LETTER). */
  readonly compression?: KafkaCompressionType;
}

export interface LateRecordPolicy {
  readonly mode: 'DROP' | 'LOG' | 'TOPIC';
  readonly topic?: string;
  readonly brokers?: readonly string[];
  /** SOURCE_DEAD_LETTER_COMPRESSION_TYPE (with TOPIC). */
  readonly compression?: KafkaCompressionType;
}

/** A stream; its source connector's slice is in the slot the catalog names (`kafka`, `parquet`, ...). */
export interface StreamConfig extends SourceSlots {
  /** Position in STREAMS, for messages such as `STREAMS[1].INPUT_SCHEMA_TABLE`. */
  readonly index: number;
  readonly table: string;
  readonly dataType: DataType;
  readonly protoClass?: string;
  readonly eventTimestampFieldIndex?: number;
  /** INPUT_SCHEMA_JSON_SCHEMA as given (a JSON string); `jsonSchemaObject` is the parsed form. */
  readonly jsonSchema?: string;
  readonly jsonSchemaObject?: unknown;
  readonly jsonEventTimestampFieldName?: string;
  /** INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_UNIT: a number in the event-time field is epoch seconds (Dagger) or milliseconds. */
  readonly jsonEventTimestampUnit?: 'SECONDS' | 'MILLISECONDS';
  /** INPUT_DATATYPE=AVRO: the registry subject of the reader schema and the rowtime field. */
  readonly avro?: { readonly subject: string; readonly eventTimestampFieldName: string };
  /**
   * `hybrid`: SOURCE_DETAILS had two entries; this bounded source is read first, then `name` (Kafka) from
   * the offsets of the bounded part's end time.
   */
  readonly source: { readonly type: SourceType; readonly name: SourceName; readonly hybrid?: 'PARQUET_SOURCE' | 'FILE_SOURCE' };
  readonly badRecordPolicy: BadRecordPolicy;
  readonly lateRecords: LateRecordPolicy;
  /** SOURCE_WATERMARK_ALIGNMENT_GROUP / _MAX_DRIFT_MS: read in step with the group's other streams by event time. */
  readonly watermarkAlignment?: { readonly group: string; readonly maxDriftMs: number };
  /** The stream's keys exactly as written. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** SINK_TABLE: the INSERT target whose rows the sink writes, in a job of several INSERTs (a statement set). */
export type SinkConfig = CatalogSinkConfig & { readonly table?: string };

export interface SchemaRegistryConfig {
  readonly enabled: boolean;
  readonly urls: readonly string[];
  readonly fetchTimeoutMs: number;
  readonly fetchHeaders: Readonly<Record<string, string>>;
  readonly cacheAutoRefresh: boolean;
  readonly cacheTtlMs: number;
  readonly refreshStrategy: 'LONG_POLLING' | 'VERSION_BASED_REFRESH';
  readonly fetchBackoffMinMs: number;
  readonly fetchRetries: number;
  /** SCHEMA_REGISTRY_CONFLUENT_URL / _BEARER_AUTH_TOKEN: the Avro schema registry, when set. */
  readonly confluent?: { readonly url: string; readonly token?: string };
  /** SCHEMA_PROTO_DIRS (Dirk): folders of .proto files used when the registry is off; absolute paths. */
  readonly protoDirs: readonly string[];
}

export interface LongbowConfig {
  readonly asyncTimeoutMs: number;
  readonly threadCapacity: number;
  readonly gcpProjectId: string;
  readonly gcpInstanceId: string;
  readonly gcpTableId: string;
  /** PROCESSOR_LONGBOW_STORE_URL (Dirk): postgres:// URL of the Longbow store; undefined when not set. */
  readonly storeUrl: string | undefined;
  /** PROCESSOR_LONGBOW_DOCUMENT_DURATION as written (`90d`) and in milliseconds. */
  readonly documentDuration: string;
  readonly documentDurationMs: number;
}

export interface ProcessorsConfig {
  readonly preprocessorEnabled: boolean;
  /** Parsed JSON of PROCESSOR_PREPROCESSOR_CONFIG; null when absent. The processors layer validates it. */
  readonly preprocessorConfig: unknown;
  readonly postprocessorEnabled: boolean;
  readonly postprocessorConfig: unknown;
  /** TRANSFORMER_FOLDERS (Dirk): folders of user transformer modules, absolute paths. */
  readonly transformerFolders: readonly string[];
  readonly longbow: LongbowConfig;
}

export interface DartConfig {
  readonly storeProvider: 'GCS' | 'OSS' | 'COS';
  readonly projectId?: string;
  readonly bucketId?: string;
  readonly ossEndpoint?: string;
  readonly cosRegion?: string;
  readonly tkeOidcProvider: boolean;
}

export interface UdfConfig {
  /** UDF_FOLDERS (Dirk): folders of user function modules, absolute paths. The built-in library is always loaded. */
  readonly folders: readonly string[];
  /** UDF_WATCH (Dirk): reload functions when their files change. */
  readonly watch: boolean;
  /** UDF_ERROR_POLICY (Dirk): a failing call gives NULL (counted, logged) or fails the job. */
  readonly errorPolicy: 'NULL' | 'FAIL';
  readonly dart: DartConfig;
  /** Every top-level UDF_* key as written, for user functions that read their own settings. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** PYTHON_UDF_ENABLE=true: PYTHON_UDF_CONFIG. */
  readonly python?: PythonUdfConfig;
}

export interface PythonUdfConfig {
  /** PYTHON_FILES: .py files and .zip archives, absolute paths. */
  readonly files: readonly string[];
  /** PYTHON_REQUIREMENTS: a requirements file whose packages must be importable. */
  readonly requirements?: string;
  /** PYTHON_FN_EXECUTION_ARROW_BATCH_SIZE: rows per request to a worker. */
  readonly batchSize: number;
  /** PYTHON_WORKERS (Dirk): python3 worker processes. */
  readonly workers: number;
}

export interface MetricsConfig {
  readonly enabled: boolean;
  /** METRICS_PORT (Dirk): Prometheus /metrics port; 0 picks a free port. */
  readonly port: number;
  readonly host: string;
  /** METRIC_TELEMETRY_SHUTDOWN_PERIOD_MS: pause after reporting a fatal error so the last scrape can see it. */
  readonly shutdownPeriodMs: number;
  /** METRICS_HEALTH_UNREACHABLE_MS (Dirk): /healthz is 503 past this long without the broker or a flush ack. */
  readonly healthUnreachableMs: number;
  /** METRICS_HEALTH_CHECKPOINT_FAILURES (Dirk): /healthz is 503 after this many failed checkpoints in a row. */
  readonly healthCheckpointFailures: number;
}

export interface StateBackendConfig {
  readonly type: 'hashmap' | 'rocksdb';
  readonly cacheEntries: number;
  /** Absolute; undefined: inside the checkpoint folder. */
  readonly localDir: string | undefined;
}

export interface JobConfig {
  readonly jobId: string;
  readonly sqlQuery: string;
  readonly rowtimeAttributeName: string;
  readonly watermark: WatermarkConfig;
  readonly parallelism: number;
  readonly parallelismMax: number;
  /** Tasks (worker threads) of this process: DIRK_TASKS, or FLINK_PARALLELISM when it is 0. */
  readonly tasks: number;
  /** DIRK_EXCHANGE_ENABLE, or more than one task: keyed operators read through a repartition topic. */
  readonly exchange: boolean;
  /** FLINK_TABLE_OPTIMIZER_AGG_PHASE_STRATEGY: window aggregates across the exchange in one or two phases. */
  readonly aggPhase: 'AUTO' | 'TWO_PHASE' | 'ONE_PHASE';
  /** FLINK_TABLE_OPTIMIZER_REUSE_SUB_PLAN_ENABLED: a sub-plan the query computes twice runs once. */
  readonly reuseSubPlans: boolean;
  /** DIRK_HEAP_GROWING_PERCENT: V8's old-generation growth between full collections while the heap is small (0: V8's own). */
  readonly heapGrowingPercent: number;
  readonly checkpoint: CheckpointConfig;
  readonly restart: RestartConfig;
  readonly retentionIdleStateMinutes: number;
  /** FLINK_STATE_BACKEND_*: where non-windowed GROUP BY state lives (rocksdb: LMDB on disk). */
  readonly stateBackend: StateBackendConfig;
  readonly streams: readonly StreamConfig[];
  /** The first (or only) sink; `sinks` lists every one. */
  readonly sink: SinkConfig;
  /** SINK_TYPE's one sink, or each entry of SINKS; never empty. */
  readonly sinks: readonly SinkConfig[];
  readonly schemaRegistry: SchemaRegistryConfig;
  readonly processors: ProcessorsConfig;
  readonly udf: UdfConfig;
  readonly metrics: MetricsConfig;
  /** The top-level object exactly as given (before `${VAR}` substitution). */
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface ParseOptions {
  /** Folder that relative paths are resolved against; default process.cwd(). */
  readonly baseDir?: string;
  /**
   * Variables for `${NAME}` / `${NAME:-fallback}` in string values. Without it, no substitution happens and
   * `${...}` stays literal. loadJobConfigFile passes process.env.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * The config was written from a Flink SQL script (`dirk run script.sql`): a JSON source table without a
   * WATERMARK has no event-time field (INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME may be absent).
   */
  readonly sqlScript?: boolean;
}

export interface ParsedJobConfig {
  readonly config: JobConfig;
  readonly warnings: string[];
}

export interface ConfigKeyInfo {
  /** The key; stream keys are listed as `STREAMS[].KEY`, prefixes as `PREFIX_*`. */
  readonly key: string;
  readonly scope: 'job' | 'stream';
  readonly group: string;
  /** The default as text (`"latest"`, `10000`, `required`, `-`). */
  readonly default: string;
  /** The value's type as text, from the key's spec (`integer >= 1`, `one of NULL, FAIL`); empty when read by hand. */
  readonly type: string;
  readonly description: string;
  /** How Dirk differs from Dagger for this key, if it does. */
  readonly dagger?: string;
}
