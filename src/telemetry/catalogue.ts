/**
 * The one catalogue of metric names. Every metric Dirk exports is declared here exactly once: its name,
 * help text, type and label names. Components never name metrics themselves; they receive bound handles
 * from `createTelemetry` (see telemetry.ts).
 *
 * Rules (checked by test/unit/telemetry/catalogue.test.ts):
 * - names start with `dirk_`, are snake_case and use base units (`_seconds`, `_bytes`);
 * - counters end in `_total`;
 * - labels come from a small bounded set (no record values, no offsets, no partitions). The `job` label
 *   is added to every series as a registry default label, so it is not repeated below.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** Every label a Dirk metric may carry. All of them have a small, config-determined set of values. */
export type LabelName =
  | 'job'
  | 'table'
  | 'topic'
  | 'partition'
  | 'sink'
  | 'udf'
  | 'operator'
  | 'metric_id'
  | 'reason'
  | 'domain'
  | 'status'
  | 'sink_type'
  | 'transformer';

export interface MetricDef {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly labels: readonly LabelName[];
  /** Histogram bucket upper bounds (in the metric's unit). */
  readonly buckets?: readonly number[];
  /** The Dagger metric(s) this one replaces, for docs/metrics.md. */
  readonly dagger?: string;
}

/** The label every series carries (set as a registry default label). */
export const JOB_LABEL = 'job';

/** Latency buckets for remote calls and flushes: 1 ms .. 60 s. */
const IO_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;
/** Latency buckets for in-process function calls: 1 µs .. 100 ms. */
const CALL_BUCKETS = [0.000001, 0.000005, 0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.1] as const;

function def<const N extends string>(d: MetricDef & { name: N }): MetricDef & { name: N } {
  return d;
}

export const METRICS = {
  // ---- sources --------------------------------------------------------------------------------------
  sourceRecords: def({
    name: 'dirk_source_records_total',
    help: 'Records read from the source and decoded into rows.',
    type: 'counter',
    labels: ['table'],
  }),
  sourceBytes: def({
    name: 'dirk_source_bytes_total',
    help: 'Bytes of record values read from the source (before decoding).',
    type: 'counter',
    labels: ['table'],
  }),
  sourceDecodeErrors: def({
    name: 'dirk_source_decode_errors_total',
    help: 'Records that could not be decoded (whatever the bad-record policy did with them).',
    type: 'counter',
    labels: ['table'],
    dagger: 'fatal.exception (InvalidProtocolBufferException) / invalid rows',
  }),
  sourceBadRecordsSkipped: def({
    name: 'dirk_source_bad_records_skipped_total',
    help: 'Undecodable records skipped by the SKIP bad-record policy.',
    type: 'counter',
    labels: ['table'],
  }),
  sourceBadRecordsDeadLettered: def({
    name: 'dirk_source_bad_records_dead_lettered_total',
    help: 'Undecodable records routed to the dead-letter topic (or dead-letter log for file sources).',
    type: 'counter',
    labels: ['table'],
  }),
  schemaRefreshes: def({
    name: 'dirk_schema_refreshes_total',
    help: 'Registry refreshes of a table proto class seen by its decoder: applied (decoding with the new version) or rejected (an incompatible change to a column the query reads; the job keeps the schema it has).',
    type: 'counter',
    labels: ['table', 'status'],
  }),
  schemaIncompatibleChanges: def({
    name: 'dirk_schema_incompatible_changes_total',
    help: 'Incompatible changes to columns the query reads found in a refreshed schema, by reason (field_removed, type_changed, number_changed, message_removed).',
    type: 'counter',
    labels: ['table', 'reason'],
  }),
  sourceTopicInfo: def({
    name: 'dirk_source_topic_info',
    help: 'Set to 1 for each topic a table reads (the topic regex resolved).',
    type: 'gauge',
    labels: ['table', 'topic'],
    dagger: 'input_topic telemetry gauge',
  }),
  kafkaConsumerLag: def({
    name: 'dirk_kafka_consumer_lag_records',
    help: "Records in a partition after the table's position: the partition's high watermark (fetched with each batch) minus the next offset to read.",
    type: 'gauge',
    labels: ['table', 'topic', 'partition'],
    dagger: "Flink KafkaSourceReader's records-lag",
  }),
  kafkaConsumerLagMax: def({
    name: 'dirk_kafka_consumer_lag_max_records',
    help: 'The largest dirk_kafka_consumer_lag_records over the partitions a table reads.',
    type: 'gauge',
    labels: ['table'],
  }),
  // Parquet source: Dagger's reader and split-assigner metrics (StatsD there), one series per table.
  parquetReadersCreated: def({
    name: 'dirk_parquet_readers_created_total',
    help: 'Parquet files opened for reading.',
    type: 'counter',
    labels: ['table'],
    dagger: 'reader_created',
  }),
  parquetReadersClosed: def({
    name: 'dirk_parquet_readers_closed_total',
    help: 'Parquet files finished (or abandoned on stop or error).',
    type: 'counter',
    labels: ['table'],
    dagger: 'reader_closed',
  }),
  parquetRowsEmitted: def({
    name: 'dirk_parquet_rows_emitted_total',
    help: 'Rows read from Parquet files and processed by the job.',
    type: 'counter',
    labels: ['table'],
    dagger: 'reader_rows_emitted',
  }),
  parquetRowGroupRead: def({
    name: 'dirk_parquet_row_group_read_seconds',
    help: 'Time to decode the columns a query reads from one Parquet row group (Dagger times each row).',
    type: 'histogram',
    labels: ['table'],
    buckets: IO_BUCKETS,
    dagger: 'reader_row_read_time',
  }),
  parquetRowGroupDeserialize: def({
    name: 'dirk_parquet_row_group_deserialization_seconds',
    help: 'Time to turn one decoded Parquet row group into table rows (Dagger times each row).',
    type: 'histogram',
    labels: ['table'],
    buckets: IO_BUCKETS,
    dagger: 'reader_row_deserialization_time',
  }),
  parquetSplitsDiscovered: def({
    name: 'dirk_parquet_files_discovered',
    help: 'Files found under SOURCE_PARQUET_FILE_PATHS.',
    type: 'gauge',
    labels: ['table'],
    dagger: 'total_splits_discovered',
  }),
  parquetSplitsRecorded: def({
    name: 'dirk_parquet_files_selected',
    help: 'Files kept after SOURCE_PARQUET_FILE_DATE_RANGE, to be read.',
    type: 'gauge',
    labels: ['table'],
    dagger: 'total_splits_recorded',
  }),
  parquetSplitsAwaiting: def({
    name: 'dirk_parquet_files_awaiting',
    help: 'Selected Parquet files not yet started.',
    type: 'gauge',
    labels: ['table'],
    dagger: 'splits_awaiting_assignment',
  }),
  watermarkLag: def({
    name: 'dirk_watermark_lag_seconds',
    help: 'Processing time minus the current watermark of the table.',
    type: 'gauge',
    labels: ['table'],
  }),
  lateRecords: def({
    name: 'dirk_late_records_total',
    help: 'Rows a stateful operator found behind its watermark (dropped, logged or sent to the late-record topic by SOURCE_LATE_RECORD_POLICY).',
    type: 'counter',
    labels: ['table'],
  }),

  // ---- scale-out (exchange) -------------------------------------------------------------------------
  exchangeRecordsOut: def({
    name: 'dirk_exchange_records_out_total',
    help: 'Rows this task wrote to a repartition topic (acknowledged), before the keyed operator that reads it.',
    type: 'counter',
    labels: ['topic'],
  }),
  exchangeDuplicatesDropped: def({
    name: 'dirk_exchange_duplicates_dropped_total',
    help: 'Rows read from a repartition topic and dropped as repeats (an upstream task re-read its source after a restart or rebalance).',
    type: 'counter',
    labels: ['topic'],
  }),
  exchangePartialOverlaps: def({
    name: 'dirk_exchange_partial_overlaps_total',
    help: 'Rows folded into two-phase partial aggregates that were taken although they overlapped source offsets already taken (a writer that kept a source partition it had lost; such rows may count twice). 0 in normal operation.',
    type: 'counter',
    labels: ['topic'],
  }),
  stateRestoringPartitions: def({
    name: 'dirk_state_restoring_partitions',
    help: 'Partitions this task is restoring keyed-operator state for from the changelog topic (0 when none: restore done).',
    type: 'gauge',
    labels: ['topic'],
  }),
  stateRestoredBytes: def({
    name: 'dirk_state_restored_bytes_total',
    help: 'Bytes of keyed-operator state read from the changelog topic when partitions moved to this task.',
    type: 'counter',
    labels: ['topic'],
  }),
  exchangePartitions: def({
    name: 'dirk_exchange_partitions',
    help: 'Repartition-topic partitions this task runs the keyed operator for (one operator instance each).',
    type: 'gauge',
    labels: ['topic'],
  }),

  // ---- dataflow -------------------------------------------------------------------------------------
  transformerRowsIn: def({
    name: 'dirk_transformer_rows_in_total',
    help: 'Rows received by a transformer (table: the pre-processed table, or NULL after the post-processors, as Dagger names it).',
    type: 'counter',
    labels: ['transformer', 'table'],
  }),
  transformerRowsOut: def({
    name: 'dirk_transformer_rows_out_total',
    help: 'Rows a transformer passed on.',
    type: 'counter',
    labels: ['transformer', 'table'],
  }),
  transformerRowsDropped: def({
    name: 'dirk_transformer_rows_dropped_total',
    help: 'Rows a transformer did not pass on (duplicates, invalid records, rows a SQL transformer consumed).',
    type: 'counter',
    labels: ['transformer', 'table'],
  }),
  filteredInvalidRecords: def({
    name: 'dirk_filtered_invalid_records_total',
    help: 'Undecodable records dropped by an InvalidRecordFilterTransformer in the table\'s pre-processor.',
    type: 'counter',
    labels: ['table'],
    dagger: 'filtered_invalid_records (per_table)',
  }),
  operatorRecordsIn: def({
    name: 'dirk_operator_records_in_total',
    help: 'Rows received by a dataflow operator.',
    type: 'counter',
    labels: ['operator'],
  }),
  operatorRecordsOut: def({
    name: 'dirk_operator_records_out_total',
    help: 'Rows emitted by a dataflow operator.',
    type: 'counter',
    labels: ['operator'],
  }),
  operatorStateKeys: def({
    name: 'dirk_operator_state_keys',
    help: 'Entries of an operator\'s keyed state (the Maps its state holds), measured at each checkpoint.',
    type: 'gauge',
    labels: ['operator'],
  }),
  operatorStateBytes: def({
    name: 'dirk_operator_state_bytes',
    help: 'Estimated bytes of an operator\'s state: the last checkpoint file\'s size shared out among operators by their state entries.',
    type: 'gauge',
    labels: ['operator'],
  }),
  outputEventTimeLag: def({
    name: 'dirk_output_event_time_lag_seconds',
    help: 'Processing time minus the event time the output has reached (the larger of the output watermark and the newest emitted row\'s event time); 0 until the output has an event time.',
    type: 'gauge',
    labels: [],
  }),
  checkpointSize: def({
    name: 'dirk_checkpoint_size_bytes',
    help: 'Size of the last completed checkpoint file.',
    type: 'gauge',
    labels: [],
  }),
  checkpoints: def({
    name: 'dirk_checkpoints_total',
    help: 'Checkpoints by outcome (completed, failed).',
    type: 'counter',
    labels: ['status'],
  }),
  checkpointDuration: def({
    name: 'dirk_checkpoint_duration_seconds',
    help: 'Time from injecting a checkpoint barrier to committing the checkpoint.',
    type: 'histogram',
    labels: [],
    buckets: IO_BUCKETS,
  }),

  // ---- functions ------------------------------------------------------------------------------------
  udfCalls: def({
    name: 'dirk_udf_calls_total',
    help: 'Calls of a user-defined function.',
    type: 'counter',
    labels: ['udf'],
    dagger: 'udf telemetry gauge (names only)',
  }),
  udfErrors: def({
    name: 'dirk_udf_errors_total',
    help: 'Calls of a user-defined function that threw.',
    type: 'counter',
    labels: ['udf'],
  }),
  udfDuration: def({
    name: 'dirk_udf_duration_seconds',
    help: 'Latency of user-defined function calls.',
    type: 'histogram',
    labels: ['udf'],
    buckets: CALL_BUCKETS,
  }),

  // ---- external post-processors ---------------------------------------------------------------------
  externalCalls: def({
    name: 'dirk_external_calls_total',
    help: 'Calls made by an external post-processor (http, postgres, grpc, elasticsearch).',
    type: 'counter',
    labels: ['metric_id'],
    dagger: 'total_external_calls',
  }),
  externalSuccesses: def({
    name: 'dirk_external_successes_total',
    help: 'External post-processor calls that succeeded.',
    type: 'counter',
    labels: ['metric_id'],
    dagger: 'success_response',
  }),
  externalFailures: def({
    name: 'dirk_external_failures_total',
    help: 'External post-processor calls that failed, by reason.',
    type: 'counter',
    labels: ['metric_id', 'reason'],
    dagger:
      'total_failures, timeouts, failures_code404, failures_code4XX, failures_code5XX, failures_on_reading_path, parse_errors, request_error, other_errors, empty_input, error_reading_response, invalid_configuration, grpc_channel_not_available',
  }),
  externalDuration: def({
    name: 'dirk_external_duration_seconds',
    help: 'Latency of external post-processor calls, by outcome (success, failure).',
    type: 'histogram',
    labels: ['metric_id', 'status'],
    buckets: IO_BUCKETS,
    dagger: 'success_response_time, failure_response_time',
  }),

  externalCacheLookups: def({
    name: 'dirk_external_cache_lookups_total',
    help: 'Response cache lookups of an external post-processor with cache_ttl_ms set, by status (hit, miss). A Dirk addition.',
    type: 'counter',
    labels: ['metric_id', 'status'],
  }),

  // ---- sinks ----------------------------------------------------------------------------------------
  sinkRecords: def({
    name: 'dirk_sink_records_total',
    help: 'Rows written by the sink and acknowledged by the external system.',
    type: 'counter',
    labels: ['sink'],
  }),
  sinkBytes: def({
    name: 'dirk_sink_bytes_total',
    help: 'Bytes written by the sink (encoded values and keys, or line protocol).',
    type: 'counter',
    labels: ['sink'],
  }),
  sinkWriteErrors: def({
    name: 'dirk_sink_write_errors_total',
    help: 'Failed sink flushes.',
    type: 'counter',
    labels: ['sink'],
  }),
  sinkFlushDuration: def({
    name: 'dirk_sink_flush_duration_seconds',
    help: 'Time a sink flush took until the external system acknowledged it.',
    type: 'histogram',
    labels: ['sink'],
    buckets: IO_BUCKETS,
  }),
  sinkRetries: def({
    name: 'dirk_sink_retries_total',
    help: 'Sink requests repeated after a retryable answer (HTTP 429, 5xx) or a network error.',
    type: 'counter',
    labels: ['sink'],
  }),
  sinkDeadLettered: def({
    name: 'dirk_sink_dead_lettered_total',
    help: 'Rows a sink could not deliver permanently and sent to its dead-letter topic instead.',
    type: 'counter',
    labels: ['sink'],
  }),
  sinkRecordsSkipped: def({
    name: 'dirk_sink_records_skipped_total',
    help: 'Rows too large for the sink topic, skipped under SINK_KAFKA_ERROR_POLICY=SKIP.',
    type: 'counter',
    labels: ['sink'],
  }),
  sinkRecordsDeadLettered: def({
    name: 'dirk_sink_records_dead_lettered_total',
    help: 'Rows too large for the sink topic, sent to SINK_KAFKA_DEAD_LETTER_TOPIC.',
    type: 'counter',
    labels: ['sink'],
  }),
  sinkTransactionCommits: def({
    name: 'dirk_sink_transaction_commits_total',
    help: 'Kafka transactions the sink committed (SINK_KAFKA_DELIVERY_GUARANTEE=EXACTLY_ONCE): one per checkpoint that had output or offsets.',
    type: 'counter',
    labels: ['sink'],
  }),
  sinkTransactionAborts: def({
    name: 'dirk_sink_transaction_aborts_total',
    help: 'Kafka transactions holding output that the sink aborted (a failed commit, or a job stopped by a failure); their rows are written again after the restart.',
    type: 'counter',
    labels: ['sink'],
  }),
  sinkLateRecordsDropped: def({
    name: 'dirk_sink_late_records_dropped_total',
    help: 'Points InfluxDB refused because they were beyond the retention policy.',
    type: 'counter',
    labels: ['sink'],
    dagger: 'influx.late.records.dropped',
  }),

  // ---- job ------------------------------------------------------------------------------------------
  jobInfo: def({
    name: 'dirk_job_info',
    help: 'Set to 1; the labels describe the job (sink type).',
    type: 'gauge',
    labels: ['sink_type'],
    dagger: 'sink_type telemetry gauge',
  }),
  errors: def({
    name: 'dirk_errors_total',
    help: 'Errors by domain (user, external, internal) and whether they stopped the job (status fatal, non_fatal).',
    type: 'counter',
    labels: ['domain', 'status'],
    dagger: 'fatal.exception, non.fatal.exception',
  }),
  jobRunning: def({
    name: 'dirk_job_running',
    help: '1 while the job is running, 0 once it has stopped.',
    type: 'gauge',
    labels: [],
  }),
  jobRestarts: def({
    name: 'dirk_job_restarts_total',
    help: 'In-process restarts of the pipeline from the last checkpoint after an external failure (FLINK_RESTART_*).',
    type: 'counter',
    labels: [],
    dagger: 'Flink numRestarts',
  }),
} as const satisfies Record<string, MetricDef>;

export type MetricKey = keyof typeof METRICS;

/** Allowed values of the `reason` label of dirk_external_failures_total (Dagger's failure counters). */
export const EXTERNAL_FAILURE_REASONS = [
  'timeout',
  'http_404',
  'http_4xx',
  'http_5xx',
  'read_path',
  'parse',
  'request',
  'empty_input',
  'read_response',
  'invalid_configuration',
  'channel_unavailable',
  'circuit_open',
  'other',
] as const;
export type ExternalFailureReason = (typeof EXTERNAL_FAILURE_REASONS)[number];

/** Prefix of the process metrics (prom-client default metrics: CPU, memory, event loop lag, GC). */
export const PROCESS_METRICS_PREFIX = 'dirk_';

export function allMetricDefs(): MetricDef[] {
  return Object.values(METRICS);
}
