/**
 * Typed metric factories over the catalogue. Each job gets its own prom-client Registry (never the global
 * one), so two jobs in one process (tests, benchmarks) do not collide. Factories bind labels once and hand
 * out the small Counter / Gauge / Histogram handles of src/core/connector.ts; hot paths call `inc` on a
 * pre-bound child, with no label hashing per call.
 */
import client from 'prom-client';
import type { Counter, Gauge, Histogram, SinkMetrics, SourceMetrics } from '../core/connector.js';
import { userError } from '../core/errors.js';
import {
  EXTERNAL_FAILURE_REASONS,
  JOB_LABEL,
  METRICS,
  PROCESS_METRICS_PREFIX,
  type ExternalFailureReason,
  type MetricDef,
  type MetricKey,
} from './catalogue.js';

export interface TelemetryOptions {
  readonly jobId: string;
  /** Extra labels on every series (e.g. `instance`); keep them bounded. */
  readonly defaultLabels?: Readonly<Record<string, string>>;
}

export interface OperatorMetrics {
  readonly recordsIn: Counter;
  readonly recordsOut: Counter;
}

/** Dagger's Parquet reader and split-assigner metrics, bound to one table. */
export interface ParquetMetrics {
  readonly readersCreated: Counter;
  readonly readersClosed: Counter;
  readonly rowsEmitted: Counter;
  /** Seconds to decode one row group's columns. */
  readonly rowGroupReadSeconds: Histogram;
  /** Seconds to turn one row group's decoded columns into table rows. */
  readonly rowGroupDeserializeSeconds: Histogram;
  readonly splitsDiscovered: Gauge;
  readonly splitsRecorded: Gauge;
  readonly splitsAwaiting: Gauge;
}

export interface UdfMetrics {
  readonly calls: Counter;
  readonly errors: Counter;
  /** Observes seconds. */
  readonly latencySeconds: Histogram;
}

/**
 * Hooks in the shape `instrumentScalar` (src/udf/registry.ts) expects; declared here structurally so
 * telemetry does not depend on the UDF layer.
 */
export interface UdfHooks {
  readonly onCall: (name: string) => void;
  readonly onError: (name: string, error: unknown) => void;
  /** Latency in milliseconds. */
  readonly onLatency: (name: string, ms: number) => void;
}

export interface ExternalMetrics {
  readonly calls: Counter;
  readonly successes: Counter;
  failure(reason: ExternalFailureReason): Counter;
  readonly successSeconds: Histogram;
  readonly failureSeconds: Histogram;
}

export interface SchemaMetrics {
  readonly applied: Counter;
  readonly rejected: Counter;
  /** reason: field_removed, type_changed, number_changed, message_removed. */
  incompatible(reason: string): Counter;
}

export interface TransformerMetrics {
  readonly rowsIn: Counter;
  readonly rowsOut: Counter;
  readonly rowsDropped: Counter;
}

export interface CheckpointMetrics {
  readonly completed: Counter;
  readonly failed: Counter;
  readonly durationSeconds: Histogram;
}

export interface Telemetry {
  readonly jobId: string;
  /** The job's own registry; only the metrics server and tests should need it. */
  readonly registry: client.Registry;
  sourceMetrics(table: string): SourceMetrics;
  /** Registry refreshes seen by a table's decoder (dirk_schema_refreshes_total, dirk_schema_incompatible_changes_total). */
  schemaMetrics(table: string): SchemaMetrics;
  /** Marks that `table` reads `topic` (dirk_source_topic_info = 1). */
  sourceTopic(table: string, topic: string): void;
  sinkMetrics(sink: string): SinkMetrics;
  /** A Parquet source's reader and file metrics (Dagger's Parquet metrics). */
  parquetMetrics(table: string): ParquetMetrics;
  /** Influx only: points refused for being beyond the retention policy. */
  sinkLateRecordsDropped(sink: string): Counter;
  /** Retried requests and dead-lettered rows of a sink (HTTP sink). */
  sinkRetries(sink: string): Counter;
  sinkDeadLettered(sink: string): Counter;
  /** Kafka only: rows too large for the topic, by SINK_KAFKA_ERROR_POLICY. */
  sinkRecordsRouted(sink: string): { skipped: Counter; deadLettered: Counter };
  /** Kafka exactly-once only: transactions committed and aborted. */
  sinkTransactions(sink: string): { commits: Counter; aborts: Counter };
  /** Set in milliseconds; exported in seconds. */
  watermarkLagMs(table: string): Gauge;
  lateRecords(table: string): Counter;
  /** A repartition topic's rows written, repeats dropped and partitions run by this task. */
  exchangeMetrics(topic: string): {
    readonly recordsOut: Counter;
    readonly duplicatesDropped: Counter;
    readonly partialOverlaps: Counter;
    readonly partitions: Gauge;
    /** Restore progress from the changelog topic. */
    readonly restoringPartitions: Gauge;
    readonly restoredBytes: Counter;
  };
  operatorRecords(operator: string): OperatorMetrics;
  /** State size of one operator (dirk_operator_state_keys, dirk_operator_state_bytes). */
  operatorState(operator: string): { readonly keys: Gauge; readonly bytes: Gauge };
  /** Set in milliseconds; exported in seconds (dirk_output_event_time_lag_seconds). */
  outputEventTimeLagMs(): Gauge;
  checkpointSizeBytes(): Gauge;
  /** Rows in, out and dropped of one transformer of a pre-processed table (or "NULL" after the post-processors). */
  transformerMetrics(transformer: string, table: string): TransformerMetrics;
  /** Records dropped by a table's InvalidRecordFilterTransformer. */
  filteredInvalidRecords(table: string): Counter;
  udfMetrics(name: string): UdfMetrics;
  udfHooks(): UdfHooks;
  externalMetrics(metricId: string): ExternalMetrics;
  /** Response cache lookups of an external post-processor (status hit or miss). */
  externalCacheLookups(metricId: string, status: 'hit' | 'miss'): Counter;
  checkpointMetrics(): CheckpointMetrics;
  /** dirk_job_info{sink_type} = 1. */
  jobInfo(info: { sinkType: string }): void;
  /** Counts an error by domain; `fatal` when it stops the job. */
  error(domain: 'user' | 'external' | 'internal', fatal: boolean): void;
  /** The bound counter behind error(), so a job can create every series at 0 at start. */
  errors(domain: 'user' | 'external' | 'internal', fatal: boolean): Counter;
  running(): Gauge;
  /** dirk_job_restarts_total: in-process restarts of the pipeline. */
  restarts(): Counter;
  /** Registers prom-client's process metrics (CPU, memory, event loop lag, GC) with the `dirk_` prefix. Idempotent. */
  processStats(): void;
  /** The text exposition of every metric (what GET /metrics serves). */
  metrics(): Promise<string>;
  readonly contentType: string;
}

type AnyMetric = client.Counter<string> | client.Gauge<string> | client.Histogram<string>;

interface BoundMetrics {
  counter(key: MetricKey, ...values: string[]): Counter;
  gauge(key: MetricKey, ...values: string[]): Gauge;
  histogram(key: MetricKey, ...values: string[]): Histogram;
}

/** Handles of the catalogue's metrics bound to label values, created in `registry` on first use. */
function boundMetrics(registry: client.Registry): BoundMetrics {
  const created = new Map<MetricKey, AnyMetric>();
  function metric(key: MetricKey): AnyMetric {
    let m = created.get(key);
    if (m) return m;
    const d: MetricDef = METRICS[key];
    const common = { name: d.name, help: d.help, labelNames: [...d.labels], registers: [registry] };
    switch (d.type) {
      case 'counter':
        m = new client.Counter(common);
        break;
      case 'gauge':
        m = new client.Gauge(common);
        break;
      case 'histogram':
        m = new client.Histogram({ ...common, buckets: [...(d.buckets ?? [])] });
        break;
    }
    created.set(key, m);
    return m;
  }

  // Bound children are cached so a factory called twice returns the same handle.
  const bound = new Map<string, unknown>();
  function child<H>(key: MetricKey, values: readonly string[]): H {
    const d = METRICS[key];
    const id = `${key}\u0000${values.join('\u0000')}`;
    const hit = bound.get(id);
    if (hit !== undefined) return hit as H;
    if (values.length !== d.labels.length) {
      throw new Error(`internal error: ${d.name} takes labels ${d.labels.join(', ')}`);
    }
    const m = metric(key);
    const labels: Record<string, string> = {};
    d.labels.forEach((l, i) => (labels[l] = values[i]!));
    const h = d.labels.length === 0 ? m : (m as client.Counter<string>).labels(labels);
    // A bound counter is exported at 0 from the start, so rate() and alerts see the series before its first event.
    if (d.type === 'counter') (h as client.Counter<string>).inc(0);
    // Likewise a labelled histogram: its buckets are exported at 0 instead of appearing at the first observation.
    if (d.type === 'histogram' && d.labels.length > 0) (m as client.Histogram<string>).zero(labels);
    bound.set(id, h);
    return h as H;
  }

  return {
    counter: (key, ...values) => child<Counter>(key, values),
    gauge: (key, ...values) => child<Gauge>(key, values),
    histogram: (key, ...values) => child<Histogram>(key, values),
  };
}


export function createTelemetry(options: TelemetryOptions): Telemetry {
  const registry = new client.Registry();
  registry.setDefaultLabels({ [JOB_LABEL]: options.jobId, ...options.defaultLabels });
  const { counter, gauge, histogram } = boundMetrics(registry);

  const udfMetrics = (name: string): UdfMetrics => ({
    calls: counter('udfCalls', name),
    errors: counter('udfErrors', name),
    latencySeconds: histogram('udfDuration', name),
  });

  let processStatsOn = false;
  /** Last lag per partition of each table, for the per-table maximum. */
  const lagByTable = new Map<string, Map<string, number>>();

  return {
    jobId: options.jobId,
    registry,
    contentType: registry.contentType,
    sourceMetrics: (table) => ({
      recordsIn: counter('sourceRecords', table),
      bytesIn: counter('sourceBytes', table),
      decodeErrors: counter('sourceDecodeErrors', table),
      badRecordsSkipped: counter('sourceBadRecordsSkipped', table),
      badRecordsDeadLettered: counter('sourceBadRecordsDeadLettered', table),
      partitionLag: (topic, partition, records) => {
        gauge('kafkaConsumerLag', table, topic, String(partition)).set(records);
        let lags = lagByTable.get(table);
        if (!lags) lagByTable.set(table, (lags = new Map()));
        lags.set(`${topic}\u0000${partition}`, records);
        gauge('kafkaConsumerLagMax', table).set(Math.max(...lags.values()));
      },
    }),
    schemaMetrics: (table) => ({
      applied: counter('schemaRefreshes', table, 'applied'),
      rejected: counter('schemaRefreshes', table, 'rejected'),
      incompatible: (reason) => counter('schemaIncompatibleChanges', table, reason),
    }),
    sourceTopic: (table, topic) => gauge('sourceTopicInfo', table, topic).set(1),
    parquetMetrics: (table) => ({
      readersCreated: counter('parquetReadersCreated', table),
      readersClosed: counter('parquetReadersClosed', table),
      rowsEmitted: counter('parquetRowsEmitted', table),
      rowGroupReadSeconds: histogram('parquetRowGroupRead', table),
      rowGroupDeserializeSeconds: histogram('parquetRowGroupDeserialize', table),
      splitsDiscovered: gauge('parquetSplitsDiscovered', table),
      splitsRecorded: gauge('parquetSplitsRecorded', table),
      splitsAwaiting: gauge('parquetSplitsAwaiting', table),
    }),
    sinkMetrics: (sink) => ({
      recordsOut: counter('sinkRecords', sink),
      bytesOut: counter('sinkBytes', sink),
      writeErrors: counter('sinkWriteErrors', sink),
      flushLatencySeconds: histogram('sinkFlushDuration', sink),
    }),
    sinkLateRecordsDropped: (sink) => counter('sinkLateRecordsDropped', sink),
    sinkRetries: (sink) => counter('sinkRetries', sink),
    sinkDeadLettered: (sink) => counter('sinkDeadLettered', sink),
    sinkRecordsRouted: (sink) => ({ skipped: counter('sinkRecordsSkipped', sink), deadLettered: counter('sinkRecordsDeadLettered', sink) }),
    sinkTransactions: (sink) => ({ commits: counter('sinkTransactionCommits', sink), aborts: counter('sinkTransactionAborts', sink) }),
    watermarkLagMs: (table) => {
      const g = gauge('watermarkLag', table);
      return { set: (ms: number) => g.set(ms / 1000) };
    },
    lateRecords: (table) => counter('lateRecords', table),
    exchangeMetrics: (topic) => ({
      recordsOut: counter('exchangeRecordsOut', topic),
      duplicatesDropped: counter('exchangeDuplicatesDropped', topic),
      partialOverlaps: counter('exchangePartialOverlaps', topic),
      partitions: gauge('exchangePartitions', topic),
      restoringPartitions: gauge('stateRestoringPartitions', topic),
      restoredBytes: counter('stateRestoredBytes', topic),
    }),
    transformerMetrics: (transformer, table) => ({
      rowsIn: counter('transformerRowsIn', transformer, table),
      rowsOut: counter('transformerRowsOut', transformer, table),
      rowsDropped: counter('transformerRowsDropped', transformer, table),
    }),
    filteredInvalidRecords: (table) => counter('filteredInvalidRecords', table),
    operatorRecords: (operator) => ({
      recordsIn: counter('operatorRecordsIn', operator),
      recordsOut: counter('operatorRecordsOut', operator),
    }),
    operatorState: (operator) => ({ keys: gauge('operatorStateKeys', operator), bytes: gauge('operatorStateBytes', operator) }),
    outputEventTimeLagMs: () => {
      const g = gauge('outputEventTimeLag');
      return { set: (ms: number) => g.set(ms / 1000) };
    },
    checkpointSizeBytes: () => gauge('checkpointSize'),
    udfMetrics,
    udfHooks: () => {
      const byName = new Map<string, UdfMetrics>();
      const get = (name: string): UdfMetrics => {
        let m = byName.get(name);
        if (!m) byName.set(name, (m = udfMetrics(name)));
        return m;
      };
      return {
        onCall: (name) => get(name).calls.inc(),
        onError: (name) => get(name).errors.inc(),
        onLatency: (name, ms) => get(name).latencySeconds.observe(ms / 1000),
      };
    },
    externalMetrics: (metricId) => ({
      calls: counter('externalCalls', metricId),
      successes: counter('externalSuccesses', metricId),
      failure: (reason) => {
        if (!(EXTERNAL_FAILURE_REASONS as readonly string[]).includes(reason)) {
          throw userError(`unknown external failure reason "${reason}"; valid: ${EXTERNAL_FAILURE_REASONS.join(', ')}`);
        }
        return counter('externalFailures', metricId, reason);
      },
      successSeconds: histogram('externalDuration', metricId, 'success'),
      failureSeconds: histogram('externalDuration', metricId, 'failure'),
    }),
    externalCacheLookups: (metricId, status) => counter('externalCacheLookups', metricId, status),
    checkpointMetrics: () => ({
      completed: counter('checkpoints', 'completed'),
      failed: counter('checkpoints', 'failed'),
      durationSeconds: histogram('checkpointDuration'),
    }),
    jobInfo: (info) => gauge('jobInfo', info.sinkType).set(1),
    error: (domain, fatal) => counter('errors', domain, fatal ? 'fatal' : 'non_fatal').inc(),
    errors: (domain, fatal) => counter('errors', domain, fatal ? 'fatal' : 'non_fatal'),
    running: () => gauge('jobRunning'),
    restarts: () => counter('jobRestarts'),
    processStats: () => {
      if (processStatsOn) return;
      processStatsOn = true;
      client.collectDefaultMetrics({ register: registry, prefix: PROCESS_METRICS_PREFIX });
      // prom-client also exports per-type totals of these three as gauges named `_total`, a suffix
      // Prometheus reserves for counters (promtool rejects them). The per-type gauges stay; sum them.
      for (const n of ['active_handles', 'active_requests', 'active_resources']) {
        registry.removeSingleMetric(`${PROCESS_METRICS_PREFIX}nodejs_${n}_total`);
      }
    },
    metrics: () => registry.metrics(),
  };
}

/** Handles that count nothing, for components built outside a job (unit tests, tools). */
export const noopCounter: Counter = { inc() {} };
export const noopGauge: Gauge = { set() {} };
export const noopHistogram: Histogram = { observe() {} };
export const noopSourceMetrics: SourceMetrics = {
  recordsIn: noopCounter,
  bytesIn: noopCounter,
  decodeErrors: noopCounter,
  badRecordsSkipped: noopCounter,
  badRecordsDeadLettered: noopCounter,
};
export const noopSinkMetrics: SinkMetrics = {
  recordsOut: noopCounter,
  bytesOut: noopCounter,
  writeErrors: noopCounter,
  flushLatencySeconds: noopHistogram,
};
