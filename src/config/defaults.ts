/**
 * The one table of config keys: default, meaning, and how Dirk differs from Dagger.
 * Defaults are Dagger's *code* defaults (dagger-core Constants / StreamConfig); where its docs say otherwise,
 * the code wins and `dagger` says so. The parser takes every default from here, and docs/configuration.md is
 * generated from here (`describeConfigKeys`), so the two cannot drift.
 */
import type { ConfigKeyInfo } from './types.js';
import { KAFKA_COMPRESSION_TYPES, key, type KeySpec } from './key-spec.js';
// Every connector's keys, composed by the connector catalog (each connector declares them in its own folder,
// src/connectors/<name>/keys.ts; see docs/architecture.md, "Adding a connector"). Spread in place, in the
// catalog's order, so the table's order (and the generated docs) stay.
import { SINK_CONNECTOR_KEYS, SINK_KEY_PREFIXES, SOURCE_CONNECTOR_KEYS, SOURCE_KEY_PREFIXES } from '../connectors/catalog.js';

export type { KeySpec, KeyType } from './key-spec.js';
export { KAFKA_COMPRESSION_TYPES, type KafkaCompressionType } from './key-spec.js';

export const JOB_KEYS = {
  // ---- Generic
  STREAMS: key({
    group: 'Generic',
    required: true,
    description: 'The input streams: a JSON array (or a string holding one) of stream objects, one table each; keys below.',
  }),
  FLINK_SQL_QUERY: key({
    group: 'Generic',
    required: true,
    description: 'The continuous SQL query over the stream tables. `SQL_QUERY` is accepted as an alias.',
    dagger: 'Dagger defaults to "" and fails later; Dirk requires a non-empty query. Setting both names to different values is an error.',
  }),
  SQL_QUERY: key({
    group: 'Generic',
    description: 'Alias of FLINK_SQL_QUERY (the spelling used in Dagger guides).',
  }),
  FLINK_JOB_ID: key({ type: 'string', group: 'Generic', default: 'SQL Flink job', description: 'Job name, used in logs, metrics and as the default Longbow table id.' }),
  FLINK_ROWTIME_ATTRIBUTE_NAME: key({
    type: 'string',
    group: 'Generic',
    default: 'rowtime',
    description: 'Name of the event-time column appended to every stream table.',
    dagger: 'Dagger\'s code default is "" (every sample sets `rowtime`); Dirk uses `rowtime` when the key is absent or empty.',
  }),
  SINK_TYPE: key({
    group: 'Generic',
    default: 'influx',
    description: 'Where results go: `log`, `kafka`, `influx`, `http`, `blackhole` (rows counted in the sink metrics, then dropped: Flink\'s blackhole connector) or `bigquery` (case-insensitive).',
    dagger: 'Dagger silently falls back to influx for an unknown value; Dirk rejects it and lists the valid ones.',
  }),
  FUNCTION_FACTORY_CLASSES: key({
    group: 'Generic',
    default: 'FunctionFactory',
    description: 'Accepted for compatibility and ignored. Dirk always loads its built-in function library and loads user functions from UDF_FOLDERS.',
    dagger: 'Java UdfFactory classes cannot be loaded; naming any class other than Dagger\'s FunctionFactory produces a warning.',
  }),
  JOB_BUILDER_FQCN: key({
    group: 'Generic',
    default: 'com.gotocompany.dagger.core.DaggerSqlJobBuilder',
    description: 'Accepted for compatibility and ignored (goto/dagger: custom job builder class).',
    dagger: 'A non-default value produces a warning.',
  }),
  SOURCE_KAFKA_CONSUME_LARGE_MESSAGE_ENABLE: key({
    type: 'bool',
    group: 'Generic',
    default: false,
    description: 'Let every Kafka stream fetch up to 5 MiB per partition (`max.partition.fetch.bytes=5242880`).',
  }),

  // ---- Flink
  FLINK_PARALLELISM: key({ type: 'int', min: 1, group: 'Flink', default: 1, description: 'Number of parallel pipeline instances (at least 1).' }),
  FLINK_PARALLELISM_MAX: key({ type: 'int', min: 1, group: 'Flink', default: 50, description: 'Upper bound for parallelism (key-group count for keyed state).' }),
  DIRK_TASKS: key({
    type: 'int',
    min: 0,
    group: 'Flink',
    default: 0,
    description:
      'Tasks (worker threads) this process runs for the job; 0 = FLINK_PARALLELISM. Each task is a member of the job\'s consumer groups, so Kafka deals the partitions out among the tasks of every process of the job. More than one task needs Kafka sources, all UNBOUNDED or all BOUNDED (`KAFKA_SOURCE`), and turns DIRK_EXCHANGE_ENABLE on. Bounded: each task reads partitions p with p mod N = its number to the end offsets taken at start, the end of input crosses every exchange (closing the last windows), and `dirk run` exits 0 by itself with the output of a 1-task bounded run (exact, at-least-once and exactly-once); a bounded job runs as the worker threads of one process only (a one-task process with DIRK_EXCHANGE_ENABLE is refused, another process in its groups fails it).',
    dagger: 'Dirk only (Dagger runs FLINK_PARALLELISM subtasks on a Flink cluster).',
  }),
  DIRK_EXCHANGE_ENABLE: key({
    type: 'bool',
    group: 'Flink',
    default: false,
    description:
      'Repartition rows through an internal Kafka topic `<job id>-<operator>-repartition` (keyed by the GROUP BY / PARTITION BY key, or for a regular or interval join both inputs, tagged by side, keyed by the join key) before a keyed operator, so several processes or tasks of one job aggregate and join correctly. Needed whenever more than one process runs the job; on by itself when DIRK_TASKS / FLINK_PARALLELISM > 1. `dirk topics <job>` lists the internal topics (partitions, configs). A keyed operator over the output of another one (an aggregate over a join, a join of aggregates) reads it through an exchange of its own (`-repartition-2`, `-changelog-2`, ...), exact under SINK_KAFKA_DELIVERY_GUARANTEE=EXACTLY_ONCE (at-least-once may apply the output a stage re-reads after a failure twice). Pre-processors run in the task reading each source partition, before the repartition topic; post-processors in the task running each of its partitions, before the sink; a transformer that keeps state (DeDuplicationTransformer, a SQLTransformer with aggregates, joins or windows, a user transformer with snapshot) is refused.',
    dagger: 'Dirk only (Flink shuffles by key between subtasks).',
  }),
  DIRK_HEAP_GROWING_PERCENT: key({
    type: 'int',
    min: 0,
    group: 'Flink',
    default: 50,
    description:
      'How far (per cent) the V8 heap may grow past what the last full garbage collection kept before the next one, while that is under 128 MB; above it, and with 0 always, V8 chooses (up to 4 times the live heap). A streaming job\'s heap is mostly short-lived rows; collecting at 1.5 times a small live heap keeps tens of MB of dead rows out of the peak RSS for a few short collections (BENCHMARKS.md, "Peak RSS: what the baseline is made of"). Process-wide (V8\'s --heap-growing-percent, set while the job runs): the tasks of one process share it.',
    dagger: 'Dirk only (the JVM sizes its heap with -Xmx and its collector\'s own settings).',
  }),
  FLINK_TABLE_OPTIMIZER_AGG_PHASE_STRATEGY: key({
    type: 'enum',
    values: ['AUTO', 'TWO_PHASE', 'ONE_PHASE'],
    group: 'Flink',
    default: 'AUTO',
    description:
      'Scaled out (DIRK_EXCHANGE_ENABLE): how a TUMBLE, HOP or CUMULATE window aggregate crosses the repartition topic. AUTO and TWO_PHASE: in two phases when every aggregate call can merge (COUNT, SUM, AVG, MIN, MAX, ...; not DISTINCT, not a user aggregate without merge), as Flink\'s LocalWindowAggregate / GlobalWindowAggregate: each source batch\'s rows are folded per (pane, key) upstream and only the partial aggregates cross; the downstream merges them. ONE_PHASE: every row crosses. `dirk explain` says which and why. Late partials are dropped and counted by the rows they folded.',
    dagger: 'Flink\'s table.optimizer.agg-phase-strategy (Flink\'s AUTO picks by cost; here AUTO is TWO_PHASE, which also falls back to one phase when a call cannot merge).',
  }),
  FLINK_TABLE_OPTIMIZER_REUSE_SUB_PLAN_ENABLED: key({
    type: 'bool',
    group: 'Flink',
    default: true,
    description:
      'Where a query computes the same sub-plan twice (the same aggregate, join or filter over the same input, e.g. a view read by two parts of the query or two INSERTs of a statement set), run it once and feed every consumer from it. Sub-plans that call a non-deterministic function (RAND, UUID, NOW, ...), read PROCTIME() or look rows up in an external table are never shared. `dirk explain` shows a shared operator as `Reuse[#n]`. Turning it on or off changes the operators of a query, so a checkpoint taken with the other setting does not restore (as in Flink).',
    dagger: "Flink's table.optimizer.reuse-sub-plan-enabled (default true there too).",
  }),
  FLINK_WATERMARK_INTERVAL_MS: key({ type: 'int', min: 1, group: 'Flink', default: 10000, description: 'How often watermarks are emitted, in ms.' }),
  FLINK_WATERMARK_DELAY_MS: key({ type: 'int', min: 0, group: 'Flink', default: 10000, description: 'How far the watermark trails the largest event time seen, in ms (allowed out-of-orderness).' }),
  FLINK_WATERMARK_PER_PARTITION_ENABLE: key({ type: 'bool', group: 'Flink', default: false, description: 'Track a watermark per Kafka partition and use the minimum.' }),
  FLINK_WATERMARK_IDLE_TIMEOUT_MS: key({
    type: 'int',
    min: 0,
    group: 'Flink',
    default: 0,
    description: 'A partition or stream that sends nothing for this long stops holding the watermark back. 0 = never (as in Dagger, where idle partitions stall windows).',
    dagger: 'Dirk only.',
  }),
  FLINK_CHECKPOINT_INTERVAL_MS: key({ type: 'int', min: 1, group: 'Flink', default: 30000, description: 'Time between checkpoints, in ms.' }),
  FLINK_CHECKPOINT_TIMEOUT_MS: key({ type: 'int', min: 1, group: 'Flink', default: 900000, description: 'A checkpoint not complete after this long is abandoned, in ms.' }),
  FLINK_CHECKPOINT_MIN_PAUSE_MS: key({ type: 'int', min: 0, group: 'Flink', default: 5000, description: 'Minimum pause between the end of one checkpoint and the start of the next, in ms.' }),
  FLINK_CHECKPOINT_MAX_CONCURRENT: key({ type: 'int', min: 1, group: 'Flink', default: 1, description: 'Checkpoints allowed in flight at once.' }),
  FLINK_CHECKPOINT_TOLERABLE_FAILURES: key({
    type: 'int',
    min: 0,
    group: 'Flink',
    default: 3,
    description:
      'Consecutive checkpoint failures (offset commit, checkpoint file write) tolerated; one more stops the job with exit 1 (a restart resumes from the last completed checkpoint). 0 = none tolerated. A failed sink or late-record write stops the job at once: its rows are lost, so no later checkpoint may commit offsets past them.',
    dagger: 'Dirk only (Flink: execution.checkpointing.tolerable-failed-checkpoints). Dagger tolerates failed checkpoints forever.',
  }),
  FLINK_RESTART_ATTEMPTS: key({
    type: 'int',
    min: 0,
    group: 'Flink',
    default: 10,
    description:
      'In-process restarts after an external failure (a broker outage that outlasted the Kafka clients\' own retries: a lost sink write, a crashed consumer, failed checkpoints past FLINK_CHECKPOINT_TOLERABLE_FAILURES, a broker still down at restart): the pipeline is closed and reopened from the last completed checkpoint, after FLINK_RESTART_BACKOFF_MS, doubling up to FLINK_RESTART_BACKOFF_MAX_MS. The count starts again once a checkpoint completes after a restart. When they are used up the job exits 1 naming the last failure. 0 = exit at the first failure. User errors (bad records under FAIL, a failing UDF) never restart, nor does a failure while the job starts.',
    dagger: 'Dirk only (Flink: restart-strategy exponential-delay; Dagger leaves restarts to Flink).',
  }),
  FLINK_RESTART_BACKOFF_MS: key({ type: 'int', min: 0, group: 'Flink', default: 1000, description: 'Wait before the first in-process restart, in ms; doubled for each further one in a row.', dagger: 'Dirk only.' }),
  FLINK_RESTART_BACKOFF_MAX_MS: key({ type: 'int', min: 0, group: 'Flink', default: 30000, description: 'Longest wait between two in-process restarts, in ms.', dagger: 'Dirk only.' }),
  FLINK_RETENTION_IDLE_STATE_MINUTE: key({
    type: 'int',
    min: 0,
    group: 'Flink',
    default: 10,
    description: 'Keyed state untouched for this many minutes is dropped (non-windowed aggregates, joins, dedup).',
    dagger: 'Dagger\'s docs list FLINK_RETENTION_MIN/MAX_IDLE_STATE_HOUR (8/9), which its code never reads; Dirk warns about those and reads this key.',
  }),

  FLINK_STATE_BACKEND_TYPE: key({
    type: 'enum',
    values: ['hashmap', 'rocksdb'],
    group: 'Flink',
    default: 'hashmap',
    description:
      'Where keyed state lives. hashmap: on the JavaScript heap (fastest; state is bounded by the heap, and a job near the heap limit stops with a Dirk error after a final checkpoint). ' +
      'rocksdb: the state of non-windowed GROUP BY aggregates lives in an embedded on-disk store, with FLINK_STATE_BACKEND_CACHE_ENTRIES entries kept decoded on the heap, so millions of keys neither ' +
      'exceed the heap nor stall in garbage collection; checkpoints copy the store in a background thread. The store is LMDB (the npm package lmdb, which ships prebuilt binaries), not RocksDB: ' +
      'no maintained RocksDB binding for Node ships its binary. Other operators (windows, joins, Top-N, deduplication, OVER) keep their state on the heap with either value.',
    dagger: 'Flink: state.backend.type (hashmap or rocksdb); Dagger sets it in the cluster\'s flink-conf.yaml. Dirk reads the same names from the job config.',
  }),
  FLINK_STATE_BACKEND_CACHE_ENTRIES: key({
    type: 'int',
    min: 1,
    max: 100_000_000,
    group: 'Flink',
    default: 100000,
    description:
      'FLINK_STATE_BACKEND_TYPE=rocksdb: entries of each GROUP BY operator kept decoded on the heap (least recently used are dropped; the store holds them all). Larger is faster for skewed keys and uses more heap.',
    dagger: 'Dirk only (the role of RocksDB\'s block cache, state.backend.rocksdb.block.cache-size, counted in entries).',
  }),
  FLINK_STATE_BACKEND_LOCAL_DIR: key({
    type: 'string',
    group: 'Flink',
    default: '',
    description:
      'FLINK_STATE_BACKEND_TYPE=rocksdb: folder of the working store (one subfolder per job and operator; emptied at start, as the state is restored from the checkpoint). Empty: state-local inside the job\'s checkpoint folder.',
    dagger: 'Flink: state.backend.rocksdb.localdir.',
  }),

  // ---- Sinks
  SINKS: key({
    group: 'Generic',
    description:
      'Several sinks for one job: a JSON array (or a string holding one) of objects, each with its own `SINK_TYPE` and that sink\'s `SINK_*` keys. Every sink receives the same rows (with several INSERT INTO, the rows of the INSERT its `SINK_TABLE` names) and is flushed independently at each checkpoint. Instead of the top-level `SINK_TYPE` and `SINK_*` keys.',
    dagger: 'Dirk only (Dagger has one sink per job, raystack/dagger#124).',
  }),
  SINK_TABLE: key({
    group: 'Generic',
    description:
      'In a `SINKS` entry of a job whose `FLINK_SQL_QUERY` has several `INSERT INTO` statements (a statement set): the INSERT target table whose rows this sink writes. Every target needs at least one sink; metrics and logs name the sink by its table. A SQL script (`dirk run script.sql`) sets it from its CREATE TABLE statements.',
    dagger: 'Dirk only.',
  }),
  ...SINK_CONNECTOR_KEYS,

  // ---- Schema registry
  SCHEMA_REGISTRY_STENCIL_ENABLE: key({ type: 'bool', group: 'Schema registry', default: false, description: 'Fetch proto descriptors from Stencil URLs; when false, .proto files are read from SCHEMA_PROTO_DIRS.' }),
  SCHEMA_REGISTRY_STENCIL_URLS: key({ group: 'Schema registry', default: '', required: 'when SCHEMA_REGISTRY_STENCIL_ENABLE=true', description: 'Comma-separated descriptor-set URLs (or a JSON array); several are merged.' }),
  SCHEMA_REGISTRY_STENCIL_FETCH_TIMEOUT_MS: key({ type: 'int', min: 1, group: 'Schema registry', default: 10000, description: 'HTTP timeout per fetch, in ms.', dagger: 'Code default 10000 (the docs say 60000).' }),
  SCHEMA_REGISTRY_STENCIL_FETCH_HEADERS: key({ group: 'Schema registry', default: '', description: 'Request headers as `name:value,name2:value2` (or a JSON object).' }),
  SCHEMA_REGISTRY_STENCIL_CACHE_AUTO_REFRESH: key({ type: 'bool', group: 'Schema registry', default: false, description: 'Refresh descriptors while running.' }),
  SCHEMA_REGISTRY_STENCIL_CACHE_TTL_MS: key({ type: 'int', min: 1, group: 'Schema registry', default: 900000, description: 'Descriptor cache lifetime, in ms.', dagger: 'Code default 900000 (the docs say 7200000).' }),
  SCHEMA_REGISTRY_STENCIL_REFRESH_STRATEGY: key({ type: 'enum', values: ['LONG_POLLING', 'VERSION_BASED_REFRESH'], group: 'Schema registry', default: 'LONG_POLLING', description: '`LONG_POLLING` (refresh per TTL) or `VERSION_BASED_REFRESH` (per Stencil version; needs an unversioned URL).' }),
  SCHEMA_REGISTRY_STENCIL_FETCH_BACKOFF_MIN_MS: key({ type: 'int', min: 0, group: 'Schema registry', default: 60000, description: 'First retry backoff, in ms.', dagger: 'Code default 60000 (the docs say 5000).' }),
  SCHEMA_REGISTRY_CONFLUENT_URL: key({
    group: 'Schema registry',
    required: 'when a stream or the sink uses AVRO',
    description: 'Base URL of a Confluent-compatible schema registry (Avro schemas by id and subject; `dirk registry serve` serves this API too).',
    dagger: 'Dirk only; Flink\'s `avro-confluent.url`.',
  }),
  SCHEMA_REGISTRY_CONFLUENT_BEARER_AUTH_TOKEN: key({
    type: 'text',
    group: 'Schema registry',
    description: 'Sent as `Authorization: Bearer <token>` to the Confluent registry (a `dirk registry serve` started with DIRK_REGISTRY_PUBLISH_TOKEN needs it to register schemas).',
    dagger: 'Dirk only; Flink\'s `avro-confluent.bearer-auth.token`.',
  }),
  SCHEMA_REGISTRY_STENCIL_FETCH_RETRIES: key({ type: 'int', min: 0, group: 'Schema registry', default: 4, description: 'Fetch retries before failing.' }),
  SCHEMA_PROTO_DIRS: key({
    type: 'list',
    group: 'Schema registry',
    default: ['protos'],
    description: 'Comma-separated folders (or a JSON array) of .proto files, used when Stencil is off. Relative paths are resolved against the working directory.',
    dagger: 'Dirk only; Dagger loads compiled Java classes from the classpath instead.',
  }),

  // ---- Processors
  PROCESSOR_PREPROCESSOR_ENABLE: key({ type: 'bool', group: 'Processors', default: false, description: 'Run PROCESSOR_PREPROCESSOR_CONFIG on each stream before SQL.' }),
  PROCESSOR_PREPROCESSOR_CONFIG: key({ group: 'Processors', required: 'when PROCESSOR_PREPROCESSOR_ENABLE=true', description: 'Pre-processor JSON (a string holding JSON, or an object).' }),
  PROCESSOR_POSTPROCESSOR_ENABLE: key({ type: 'bool', group: 'Processors', default: false, description: 'Run PROCESSOR_POSTPROCESSOR_CONFIG on the query results.' }),
  PROCESSOR_POSTPROCESSOR_CONFIG: key({ group: 'Processors', required: 'when PROCESSOR_POSTPROCESSOR_ENABLE=true', description: 'Post-processor JSON (a string holding JSON, or an object).' }),
  TRANSFORMER_FOLDERS: key({
    group: 'Processors',
    default: [],
    description: 'Comma-separated folders (or a JSON array) of user transformer modules (defineTransformer), usable in transformation_class next to Dagger\'s seven. Transformers exported from the UDF_FOLDERS files are found too. Relative paths are resolved against the working directory.',
    dagger: 'Dirk only; replaces custom Java transformer classes.',
  }),
  PROCESSOR_LONGBOW_ASYNC_TIMEOUT: key({ type: 'int', min: 1, group: 'Longbow', default: 15000, description: 'Longbow read/write timeout, in ms.' }),
  PROCESSOR_LONGBOW_THREAD_CAPACITY: key({ type: 'int', min: 1, group: 'Longbow', default: 30, description: 'Concurrent Longbow requests.' }),
  PROCESSOR_LONGBOW_GCP_PROJECT_ID: key({ type: 'string', group: 'Longbow', default: 'default-gcp-project', description: 'BigTable project.' }),
  PROCESSOR_LONGBOW_GCP_INSTANCE_ID: key({ type: 'string', group: 'Longbow', default: 'default-gcp-project', description: 'BigTable instance.' }),
  PROCESSOR_LONGBOW_GCP_TABLE_ID: key({ group: 'Longbow', description: 'BigTable table; default FLINK_JOB_ID.' }),
  PROCESSOR_LONGBOW_STORE_URL: key({ group: 'Longbow', description: 'Dirk: the PostgreSQL database Longbow keeps its history in, as postgres://user:password@host:port/database (Dagger uses BigTable). Required by a Longbow job.' }),
  PROCESSOR_LONGBOW_DOCUMENT_DURATION: key({ type: 'string', group: 'Longbow', default: '90d', description: 'How long Longbow keeps documents: a number and a unit s, m, h or d.' }),

  // ---- UDF
  UDF_FOLDERS: key({
    type: 'list',
    group: 'UDF',
    default: [],
    description: 'Comma-separated folders (or a JSON array) of user function modules written against Dirk\'s UDF API. The built-in function library is always available. Relative paths are resolved against the working directory.',
    dagger: 'Dirk only; replaces FUNCTION_FACTORY_CLASSES.',
  }),
  UDF_WATCH: key({
    type: 'bool',
    group: 'UDF',
    default: false,
    description: 'Reload a changed user function file in the running job (same as `dirk run --watch-udfs`). Operator state is kept; a reloaded function must keep its signatures, otherwise the reload is refused and the old body stays.',
    dagger: 'Dirk only.',
  }),
  UDF_ERROR_POLICY: key({
    type: 'enum',
    values: ['NULL', 'FAIL'],
    group: 'UDF',
    default: 'NULL',
    description: 'What a function call that throws (or an async call that times out) does: `NULL` gives NULL for that call, counts it in dirk_udf_errors_total and logs it (rate-limited); `FAIL` stops the job with an error naming the function and the record (topic, partition, offset).',
    dagger: 'Dirk only (Dagger fails the job).',
  }),
  UDF_STORE_PROVIDER: key({ type: 'enum', values: ['GCS', 'OSS', 'COS'], group: 'UDF', default: 'GCS', description: 'DART store: `GCS`, `OSS` or `COS` (goto/dagger).' }),
  UDF_DART_PROJECT_ID: key({ group: 'UDF', description: 'DART store project (goto/dagger); falls back to UDF_DART_GCS_PROJECT_ID.' }),
  UDF_DART_BUCKET_ID: key({ group: 'UDF', description: 'DART store bucket (goto/dagger); falls back to UDF_DART_GCS_BUCKET_ID.' }),
  UDF_DART_GCS_PROJECT_ID: key({ group: 'UDF', description: 'DART GCS project (deprecated in goto/dagger).' }),
  UDF_DART_GCS_BUCKET_ID: key({ group: 'UDF', description: 'DART GCS bucket (deprecated in goto/dagger).' }),
  OSS_ENDPOINT: key({ group: 'UDF', description: 'Alibaba OSS endpoint for DART (goto/dagger).' }),
  COS_REGION: key({ group: 'UDF', description: 'Tencent COS region for DART (goto/dagger).' }),
  ENABLE_TKE_OIDC_PROVIDER: key({ type: 'bool', group: 'UDF', default: false, description: 'Tencent TKE OIDC credentials for COS (goto/dagger).' }),
  'UDF_*': key({ group: 'UDF', description: 'Any other UDF_ key is kept as written in `udf.settings` for user functions; no unknown-key warning.' }),
  PYTHON_UDF_ENABLE: key({
    type: 'bool',
    group: 'UDF',
    default: false,
    description: 'Register the Python scalar UDFs of PYTHON_UDF_CONFIG (each `x.py` defines function `x`, callable as `X`); they run in python3 worker processes (docs/udfs.md).',
    dagger: 'Local files only (no gs://, oss://, cosn://); PyFlink\'s scalar `udf` API through a bundled shim, no pandas / table / aggregate UDFs.',
  }),
  PYTHON_UDF_CONFIG: key({
    group: 'UDF',
    required: 'when PYTHON_UDF_ENABLE=true',
    description:
      'JSON object: `PYTHON_FILES` (comma-separated .py files or .zip archives, required), `PYTHON_REQUIREMENTS` (a requirements file; its packages must already be installed, checked at start), `PYTHON_ARCHIVES` (refused), `PYTHON_FN_EXECUTION_ARROW_BATCH_SIZE` (rows per call to a worker, default 10000), `PYTHON_FN_EXECUTION_BUNDLE_SIZE` / `_BUNDLE_TIME` (accepted, no effect).',
    dagger: 'Dirk adds `PYTHON_WORKERS` (python3 processes, default 2).',
  }),

  // ---- Telemetry
  METRIC_TELEMETRY_ENABLE: key({ type: 'bool', group: 'Telemetry', default: true, description: 'Serve Prometheus metrics.', dagger: 'Dagger reports to StatsD; Dirk serves a Prometheus /metrics endpoint.' }),
  METRIC_TELEMETRY_SHUTDOWN_PERIOD_MS: key({ type: 'int', min: 0, group: 'Telemetry', default: 10000, description: 'Pause after a fatal error before exiting, so the error metric can be scraped, in ms.' }),
  METRICS_PORT: key({ type: 'int', min: 0, max: 65535, group: 'Telemetry', default: 9464, description: 'Port of the /metrics endpoint; 0 picks a free port.', dagger: 'Dirk only.' }),
  METRICS_HOST: key({ type: 'string', group: 'Telemetry', default: '127.0.0.1', description: 'Interface of the /metrics endpoint (`0.0.0.0` to expose it).', dagger: 'Dirk only.' }),
  METRICS_HEALTH_UNREACHABLE_MS: key({
    type: 'int',
    min: 1,
    group: 'Telemetry',
    default: 60000,
    description: 'GET /healthz answers 503 (with the reason as JSON) when a source has not reached its broker, or a sink flush has waited for acknowledgement, longer than this, in ms; also while the job restarts in-process and after a sink flush failed.',
    dagger: 'Dirk only.',
  }),
  METRICS_HEALTH_CHECKPOINT_FAILURES: key({
    type: 'int',
    min: 0,
    group: 'Telemetry',
    default: 2,
    description: 'GET /healthz answers 503 once this many checkpoints in a row have failed (0 = never for this reason).',
    dagger: 'Dirk only.',
  }),
} as const;

export const STREAM_KEYS = {
  INPUT_SCHEMA_TABLE: key({
    group: 'Stream',
    required: true,
    description: 'Table name in SQL; unique across STREAMS (ignoring case). Names other than letters, digits and `_` must be quoted with backticks in the query.',
  }),
  INPUT_DATATYPE: key({
    type: 'enum',
    values: ['PROTO', 'JSON', 'AVRO'],
    group: 'Stream',
    default: 'PROTO',
    description: '`PROTO`, `JSON` or `AVRO` (Kafka sources: Confluent wire format, schemas from SCHEMA_REGISTRY_CONFLUENT_URL).',
    dagger: 'Dirk also accepts JSON for FILE_SOURCE; AVRO is Dirk only (Dagger issue #54).',
  }),
  INPUT_SCHEMA_AVRO_SUBJECT: key({
    group: 'Stream',
    description: 'Registry subject whose latest version is the table\'s schema (the reader schema; records written with earlier versions are resolved to it). Default `<topic>-value` when SOURCE_KAFKA_TOPIC_NAMES is one topic.',
    dagger: 'Dirk only; Flink\'s `avro-confluent.subject`.',
  }),
  INPUT_SCHEMA_AVRO_EVENT_TIMESTAMP_FIELD_NAME: key({
    group: 'Stream',
    required: 'when INPUT_DATATYPE=AVRO',
    description: 'Field that becomes the rowtime: a long timestamp-millis/-micros, an int/long of epoch seconds, or a timestamp string.',
    dagger: 'Dirk only.',
  }),
  INPUT_SCHEMA_PROTO_CLASS: key({ group: 'Stream', required: 'when INPUT_DATATYPE=PROTO', description: 'Full name of the input message (`com.example.Booking`).' }),
  INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX: key({ group: 'Stream', required: 'when INPUT_DATATYPE=PROTO', description: 'Field *number* of the google.protobuf.Timestamp field that becomes the rowtime.' }),
  INPUT_SCHEMA_JSON_SCHEMA: key({ group: 'Stream', required: 'when INPUT_DATATYPE=JSON', description: 'JSON Schema of the records (a string holding JSON, or an object).' }),
  INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: key({ group: 'Stream', required: 'when INPUT_DATATYPE=JSON', description: 'Field that becomes the rowtime (epoch seconds or a timestamp).' }),
  INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_UNIT: key({
    type: 'enum',
    values: ['SECONDS', 'MILLISECONDS'],
    group: 'Stream',
    default: 'SECONDS',
    description:
      "What a number in the event-time field counts: `SECONDS` (Dagger's rule: epoch seconds, whole seconds) or `MILLISECONDS` (epoch milliseconds: a SQL script's `ts AS TO_TIMESTAMP_LTZ(epoch_ms, 3)` sets it). A timestamp string reads the same either way.",
    dagger: 'Dirk only (Dagger reads epoch seconds).',
  }),
  SOURCE_DETAILS: key({
    group: 'Stream',
    default: '[{"SOURCE_TYPE":"UNBOUNDED","SOURCE_NAME":"KAFKA_CONSUMER"}]',
    description:
      'One `{"SOURCE_TYPE", "SOURCE_NAME"}`. Names: KAFKA_SOURCE, KAFKA_CONSUMER, POSTGRES_CDC_SOURCE (UNBOUNDED); PARQUET_SOURCE, FILE_SOURCE, DATAGEN_SOURCE (BOUNDED). Two entries make a hybrid source: a BOUNDED PARQUET_SOURCE or FILE_SOURCE read first, then an UNBOUNDED KAFKA_SOURCE / KAFKA_CONSUMER from the offsets of the bounded part\'s last event time (docs/connectors.md).',
    dagger: 'FILE_SOURCE and DATAGEN_SOURCE are Dirk only; Dagger takes one entry (two is its open issue #110).',
  }),
  ...SOURCE_CONNECTOR_KEYS,
  SOURCE_BAD_RECORD_POLICY: key({
    type: 'enum',
    values: ['FAIL', 'SKIP', 'DEAD_LETTER'],
    group: 'Record policies',
    default: 'FAIL',
    description: 'A record that cannot be decoded: `FAIL` the job (as Dagger), `SKIP` it (counted), or send it to `DEAD_LETTER`.',
    dagger: 'Dirk only; Dagger fails unless an InvalidRecordFilterTransformer drops the row.',
  }),
  SOURCE_DEAD_LETTER_TOPIC: key({ group: 'Record policies', required: 'with DEAD_LETTER', description: 'Topic for undecodable records (raw bytes, with the error in headers).', dagger: 'Dirk only.' }),
  SOURCE_DEAD_LETTER_BROKERS: key({
    group: 'Record policies',
    description: 'Brokers of the dead-letter and late-record topics; default the stream\'s own bootstrap servers (required for non-Kafka streams).',
    dagger: 'Dirk only.',
  }),
  SOURCE_LATE_RECORD_POLICY: key({
    type: 'enum',
    values: ['DROP', 'LOG', 'TOPIC'],
    group: 'Record policies',
    default: 'DROP',
    description: 'A record behind the watermark: `DROP` it (counted, as Flink), `LOG` and drop it, or send it to `TOPIC`.',
    dagger: 'Dirk only.',
  }),
  SOURCE_LATE_RECORD_TOPIC: key({ group: 'Record policies', required: 'with TOPIC', description: 'Topic for late records.', dagger: 'Dirk only.' }),
  SOURCE_DEAD_LETTER_COMPRESSION_TYPE: key({
    type: 'enum',
    values: KAFKA_COMPRESSION_TYPES,
    group: 'Record policies',
    default: 'none',
    description: 'Kafka\'s `compression.type` of what this stream writes to SOURCE_DEAD_LETTER_TOPIC and SOURCE_LATE_RECORD_TOPIC: `none`, `gzip`, `snappy`, `lz4` or `zstd`.',
    dagger: 'Dirk only.',
  }),
  SOURCE_WATERMARK_ALIGNMENT_GROUP: key({
    group: 'Stream',
    description:
      "Watermark alignment (Flink's `scan.watermark.alignment.group`): streams of one group are read in step by event time. A stream more than SOURCE_WATERMARK_ALIGNMENT_MAX_DRIFT_MS ahead of the group's slowest stops reading until the others catch up, so a join or window over them buffers that much of the faster stream, not the whole difference in their progress. A stream that delivers nothing for FLINK_WATERMARK_IDLE_TIMEOUT_MS (10 s when that is 0) no longer holds the group back. Needs the stream's event time.",
    dagger: 'Dirk only (Flink SQL table option).',
  }),
  SOURCE_WATERMARK_ALIGNMENT_MAX_DRIFT_MS: key({
    type: 'int',
    min: 1,
    group: 'Stream',
    required: 'with SOURCE_WATERMARK_ALIGNMENT_GROUP',
    description: "How far this stream's event time may run ahead of the slowest stream of its alignment group, in ms (Flink's `scan.watermark.alignment.max-drift`).",
    dagger: 'Dirk only (Flink SQL table option).',
  }),
} as const;

/** Keys that start with these prefixes are free-form (passed through); no unknown-key warning. */
export const JOB_KEY_PREFIXES: readonly string[] = [...SINK_KEY_PREFIXES, 'UDF_'];
export const STREAM_KEY_PREFIXES: readonly string[] = SOURCE_KEY_PREFIXES;

/**
 * Keys that Dagger's guides or docs print but its code never reads, with what to use instead.
 * They get a targeted warning rather than a generic "unknown key".
 */
export const LEGACY_JOB_KEYS: Readonly<Record<string, string>> = {
  SINK: 'SINK_TYPE',
  ROWTIME_ATTRIBUTE_NAME: 'FLINK_ROWTIME_ATTRIBUTE_NAME',
  OUTPUT_PROTO_MESSAGE: 'SINK_KAFKA_PROTO_MESSAGE',
  OUTPUT_PROTO_KEY: 'SINK_KAFKA_PROTO_KEY',
  OUTPUT_KAFKA_BROKER: 'SINK_KAFKA_BROKERS',
  OUTPUT_KAFKA_TOPIC: 'SINK_KAFKA_TOPIC',
  INFLUX_URL: 'SINK_INFLUX_URL',
  INFLUX_USERNAME: 'SINK_INFLUX_USERNAME',
  INFLUX_PASSWORD: 'SINK_INFLUX_PASSWORD',
  INFLUX_DATABASE: 'SINK_INFLUX_DB_NAME',
  INFLUX_MEASUREMENT_NAME: 'SINK_INFLUX_MEASUREMENT_NAME',
  INFLUX_BATCH_SIZE: 'SINK_INFLUX_BATCH_SIZE',
  INFLUX_FLUSH_DURATION_IN_MILLISECONDS: 'SINK_INFLUX_FLUSH_DURATION_MS',
  INFLUX_RETENTION_POLICY: 'SINK_INFLUX_RETENTION_POLICY',
  FLINK_RETENTION_MIN_IDLE_STATE_HOUR: 'FLINK_RETENTION_IDLE_STATE_MINUTE',
  FLINK_RETENTION_MAX_IDLE_STATE_HOUR: 'FLINK_RETENTION_IDLE_STATE_MINUTE',
};
export const LEGACY_STREAM_KEYS: Readonly<Record<string, string>> = {
  SOURCE_KAFKA_CONFIG_BOOTSTRAP_SERVERS: 'SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS',
  SOURCE_KAFKA_CONFIG_GROUP_ID: 'SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID',
  SOURCE_KAFKA_CONFIG_AUTO_COMMIT_ENABLE: 'SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_COMMIT_ENABLE',
  SOURCE_KAFKA_CONFIG_AUTO_OFFSET_RESET: 'SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET',
};

export type JobKey = keyof typeof JOB_KEYS;
export type StreamKey = keyof typeof STREAM_KEYS;

function formatDefault(spec: KeySpec): string {
  if (spec.default === undefined) {
    if (spec.required === true) return 'required';
    if (typeof spec.required === 'string') return `required ${spec.required}`;
    return '-';
  }
  const d = spec.default;
  const text = Array.isArray(d) ? JSON.stringify(d) : typeof d === 'string' ? (d === '' ? '""' : d) : String(d);
  return typeof spec.required === 'string' ? `${text} (required ${spec.required})` : text;
}

function formatType(spec: KeySpec): string {
  switch (spec.type) {
    case undefined:
      return '';
    case 'int': {
      const { min, max } = spec;
      if (min !== undefined && max !== undefined) return `integer ${min}..${max}`;
      if (min !== undefined) return `integer >= ${min}`;
      return max !== undefined ? `integer <= ${max}` : 'integer';
    }
    case 'bool':
      return 'true / false';
    case 'enum':
      return `one of ${(spec.values ?? []).join(', ')}`;
    case 'list':
      return 'list (comma-separated or JSON array)';
    case 'string':
    case 'text':
    default:
      return 'string';
  }
}

/** Every known key with its type, default and meaning, in table order: the source of docs/configuration.md. */
export function describeConfigKeys(): ConfigKeyInfo[] {
  const out: ConfigKeyInfo[] = [];
  const add = (scope: 'job' | 'stream', table: Readonly<Record<string, KeySpec>>): void => {
    for (const [k, spec] of Object.entries(table)) {
      out.push({
        key: scope === 'stream' ? `STREAMS[].${k}` : k,
        scope,
        group: spec.group,
        default: formatDefault(spec),
        type: formatType(spec),
        description: spec.description,
        ...(spec.dagger === undefined ? {} : { dagger: spec.dagger }),
      });
    }
  };
  add('job', JOB_KEYS);
  add('stream', STREAM_KEYS);
  return out;
}
