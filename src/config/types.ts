/**
 * The validated job config: plain, deeply frozen data with every default applied.
 * Each component receives its own slice (a stream, the sink, the schema registry...), never the raw JSON.
 * Relative file paths are already resolved to absolute ones (see `ParseOptions.baseDir`).
 */
import type { KafkaCompressionType } from './key-spec.js';

export type DataType = 'PROTO' | 'JSON' | 'AVRO';

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

export interface SaslConfig {
  readonly mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  readonly username: string;
  readonly password: string;
}

export type StoreType = 'JKS' | 'PKCS12' | 'PEM';

export interface StoreConfig {
  readonly location: string;
  readonly password?: string;
  readonly type?: StoreType;
}

export interface SslConfig {
  /** TLS, TLSv1.1, TLSv1.2, TLSv1.3, SSL, SSLv2, SSLv3 (as Kafka spells them). */
  readonly protocol?: string;
  readonly keyPassword?: string;
  readonly keystore?: StoreConfig;
  readonly truststore?: StoreConfig;
}

export interface KafkaSecurityConfig {
  readonly protocol: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
  readonly sasl?: SaslConfig;
  readonly ssl?: SslConfig;
}

export interface KafkaSourceConfig {
  /** SOURCE_KAFKA_TOPIC_NAMES: a regular expression matched against the whole topic name (`a|b` = two topics). */
  readonly topicPattern: string;
  /** The topic names when the pattern is a plain `|`-separated list (no regex syntax besides `.`); else absent. */
  readonly topics?: readonly string[];
  /** SOURCE_KAFKA_NAME: logical cluster name, used in metrics and logs. */
  readonly clusterName?: string;
  readonly bootstrapServers: readonly string[];
  readonly groupId: string;
  readonly autoOffsetReset: 'latest' | 'earliest';
  readonly autoCommit: boolean;
  /** Absent when SECURITY_PROTOCOL is not set (plain text). */
  readonly security?: KafkaSecurityConfig;
  /** Extra consumer properties, Kafka spelling (`max.poll.records`), from ADDITIONAL_CONFIGURATIONS and unknown CONFIG_* keys. */
  readonly additional: Readonly<Record<string, string>>;
  /** SOURCE_KAFKA_CONSUME_LARGE_MESSAGE_ENABLE (job level): fetch up to 5 MiB per partition. */
  readonly largeMessage: boolean;
  /** SOURCE_KAFKA_UPSERT_KEY (and its prefix / value-fields keys): the topic is an upsert changelog. */
  readonly upsert?: UpsertSourceConfig;
}

/** Flink's upsert-kafka source: the record key is the JSON of the key columns; a null value deletes the key. */
export interface UpsertSourceConfig {
  /** Key column names, as in the table. */
  readonly key: readonly string[];
  /** Prefix of the key columns' names that the key JSON's property names lack ('' for none). */
  readonly keyPrefix: string;
  readonly valueFieldsInclude: 'ALL' | 'EXCEPT_KEY';
}

export interface ParquetSourceConfig {
  readonly filePaths: readonly string[];
  readonly readOrderStrategy: 'EARLIEST_TIME_URL_FIRST';
  readonly schemaMatchStrategy:
    | 'SAME_SCHEMA_WITH_FAIL_ON_MISMATCH'
    | 'BACKWARD_COMPATIBLE_SCHEMA_WITH_FAIL_ON_TYPE_MISMATCH';
  /** SOURCE_PARQUET_FILE_DATE_RANGE as epoch-ms pairs, both ends inclusive. */
  readonly dateRanges: readonly { readonly start: number; readonly end: number }[];
}

export interface FileSourceConfig {
  readonly path: string;
  readonly format: 'JSONL' | 'PROTO_JSONL' | 'PROTO_DELIMITED';
}

export interface DatagenSourceConfig {
  readonly rows: number;
  /** Rows per second; absent = as fast as possible. */
  readonly ratePerSecond?: number;
  readonly seed: number;
}

export type SourceName = 'KAFKA_SOURCE' | 'KAFKA_CONSUMER' | 'PARQUET_SOURCE' | 'FILE_SOURCE' | 'DATAGEN_SOURCE' | 'POSTGRES_CDC_SOURCE';

/** POSTGRES_CDC_SOURCE: one table's changes through logical replication (pgoutput). */
export interface PostgresCdcSourceConfig {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
  readonly database: string;
  readonly schema: string;
  readonly table: string;
  readonly slotName: string;
  readonly publicationName: string;
  readonly startupMode: 'INITIAL' | 'LATEST_OFFSET';
}
export type SourceType = 'BOUNDED' | 'UNBOUNDED';

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

export interface StreamConfig {
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
  /** INPUT_DATATYPE=AVRO: the registry subject of the reader schema and the rowtime field. */
  readonly avro?: { readonly subject: string; readonly eventTimestampFieldName: string };
  /**
   * `hybrid`: SOURCE_DETAILS had two entries; this bounded source is read first, then `name` (Kafka) from
   * the offsets of the bounded part's end time.
   */
  readonly source: { readonly type: SourceType; readonly name: SourceName; readonly hybrid?: 'PARQUET_SOURCE' | 'FILE_SOURCE' };
  readonly kafka?: KafkaSourceConfig;
  readonly parquet?: ParquetSourceConfig;
  readonly file?: FileSourceConfig;
  readonly datagen?: DatagenSourceConfig;
  readonly postgresCdc?: PostgresCdcSourceConfig;
  readonly badRecordPolicy: BadRecordPolicy;
  readonly lateRecords: LateRecordPolicy;
  /** The stream's keys exactly as written. */
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface LogSinkConfig {
  readonly type: 'log';
}

export interface KafkaSinkConfig {
  readonly type: 'kafka';
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly stream?: string;
  readonly dataType: DataType;
  readonly protoMessage?: string;
  readonly protoKey?: string;
  readonly jsonSchema?: string;
  /** SINK_KAFKA_JSON_CHANGELOG: how an updating result is written as JSON (upserts or debezium-json records). */
  readonly jsonChangelog?: 'UPSERT' | 'DEBEZIUM';
  /** SINK_KAFKA_JSON_KEY (+ prefix, value fields): the record key's columns for upserts, by name. */
  readonly jsonKey?: { readonly columns: readonly string[]; readonly prefix: string; readonly valueFieldsInclude: 'ALL' | 'EXCEPT_KEY' };
  /** SINK_KAFKA_DATA_TYPE=AVRO: SINK_KAFKA_AVRO_SUBJECT and SINK_KAFKA_AVRO_AUTO_REGISTER. */
  readonly avro?: { readonly subject: string; readonly autoRegister: boolean; readonly registry?: { readonly url: string; readonly token?: string } };
  readonly largeMessage: boolean;
  readonly lingerMs: number;
  /** SINK_KAFKA_DELIVERY_GUARANTEE (Dirk): AT_LEAST_ONCE as Dagger, or EXACTLY_ONCE with Kafka transactions. */
  readonly deliveryGuarantee: 'AT_LEAST_ONCE' | 'EXACTLY_ONCE';
  /** SINK_KAFKA_PRODUCER_CONFIG_* in Kafka spelling (`compression.type`). */
  readonly producerConfig: Readonly<Record<string, string>>;
  /** SINK_KAFKA_ERROR_POLICY and its dead-letter topic: rows too large for the topic. */
  readonly errorPolicy: { readonly mode: 'FAIL' | 'SKIP' | 'DEAD_LETTER'; readonly deadLetterTopic?: string; readonly deadLetterBrokers?: readonly string[] };
  /** SINK_KAFKA_CREATE_TOPIC (with partitions and replication factor); absent: the topic must exist. */
  readonly createTopic?: { readonly partitions: number; readonly replicationFactor: number };
}

export interface InfluxSinkConfig {
  readonly type: 'influx';
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly dbName: string;
  readonly measurementName: string;
  readonly retentionPolicy: string;
  readonly batchSize: number;
  readonly flushDurationMs: number;
  readonly withRowNamesWriter: boolean;
  /** SINK_INFLUX_API_VERSION: 1 = /write (every 1.x), 2 = /api/v2/write. */
  readonly apiVersion: 1 | 2;
  readonly authMethod: 'BASIC' | 'QUERY';
  readonly org: string;
  readonly bucket?: string;
  readonly token?: string;
}

/** SINK_TYPE=http (SINK_HTTP_* keys). */
export interface HttpSinkConfig {
  readonly type: 'http';
  /** SINK_HTTP_URL, possibly with `{column}` placeholders. */
  readonly url: string;
  readonly method: 'POST' | 'PUT' | 'PATCH';
  readonly headers: Readonly<Record<string, string>>;
  readonly mode: 'SINGLE' | 'BATCH';
  readonly batchSize: number;
  readonly maxRetries: number;
  readonly backoffMs: number;
  readonly backoffMaxMs: number;
  /** Inclusive ranges of retryable statuses. */
  readonly retryStatuses: readonly (readonly [number, number])[];
  readonly timeoutMs: number;
  readonly maxInFlight: number;
  readonly deadLetter?: { readonly topic: string; readonly brokers: readonly string[]; readonly compression?: KafkaCompressionType };
}

export type BigQueryErrorType =
  | 'DESERIALIZATION_ERROR'
  | 'INVALID_MESSAGE_ERROR'
  | 'UNKNOWN_FIELDS_ERROR'
  | 'SINK_4XX_ERROR'
  | 'SINK_5XX_ERROR'
  | 'SINK_UNKNOWN_ERROR'
  | 'DEFAULT_ERROR';

export interface BigQuerySinkConfig {
  readonly type: 'bigquery';
  readonly batchSize: number;
  readonly errorTypesForFailure: readonly BigQueryErrorType[];
  readonly protoKeyClass?: string;
  readonly protoMessageClass?: string;
  /** Every SINK_BIGQUERY_* key as written (depot's settings). */
  readonly settings: Readonly<Record<string, string>>;
}

/** SINK_TABLE: the INSERT target whose rows the sink writes, in a job of several INSERTs (a statement set). */
export type SinkConfig = (LogSinkConfig | KafkaSinkConfig | InfluxSinkConfig | HttpSinkConfig | BigQuerySinkConfig) & { readonly table?: string };
export type SinkType = SinkConfig['type'];

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
