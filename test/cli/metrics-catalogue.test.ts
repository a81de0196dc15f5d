import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allMetricDefs } from '../../src/telemetry/catalogue.js';
import { createTelemetry } from '../../src/telemetry/telemetry.js';
import { REPO_ROOT, startCli } from '../helpers/process.js';

/**
 * docs/metrics.md against the catalogue and against what a running job serves: a datagen job with a user UDF
 * and the log sink, scraped while it runs.
 */
const DOC = readFileSync(join(REPO_ROOT, 'docs', 'metrics.md'), 'utf8');
const documented = (section: 'catalogue' | 'reserved'): string[] => {
  const start = DOC.indexOf(section === 'catalogue' ? '## Catalogue' : '### Reserved');
  const end = DOC.indexOf('\n##', start + 5);
  return [...DOC.slice(start, end).matchAll(/^\| `(dirk_[a-z_]+)` \|/gm)].map((m) => m[1]!);
};

/** Documented metrics a datagen + log job cannot show, with what makes them appear. */
const NEEDS: Readonly<Record<string, string>> = {
  dirk_source_topic_info: 'a Kafka source',
  dirk_kafka_consumer_lag_records: 'a Kafka source',
  dirk_kafka_consumer_lag_max_records: 'a Kafka source',
  dirk_schema_incompatible_changes_total: 'a Stencil refresh with an incompatible change (label reason)',
  dirk_sink_late_records_dropped_total: 'the InfluxDB sink',
  dirk_parquet_readers_created_total: 'a PARQUET_SOURCE stream',
  dirk_parquet_readers_closed_total: 'a PARQUET_SOURCE stream',
  dirk_parquet_rows_emitted_total: 'a PARQUET_SOURCE stream',
  dirk_parquet_row_group_read_seconds: 'a PARQUET_SOURCE stream',
  dirk_parquet_row_group_deserialization_seconds: 'a PARQUET_SOURCE stream',
  dirk_parquet_files_discovered: 'a PARQUET_SOURCE stream',
  dirk_parquet_files_selected: 'a PARQUET_SOURCE stream',
  dirk_parquet_files_awaiting: 'a PARQUET_SOURCE stream',
  dirk_transformer_rows_in_total: 'a pre- or post-processor transformer',
  dirk_transformer_rows_out_total: 'a pre- or post-processor transformer',
  dirk_transformer_rows_dropped_total: 'a pre- or post-processor transformer',
  dirk_filtered_invalid_records_total: 'an InvalidRecordFilterTransformer',
  dirk_external_calls_total: 'an external post-processor (http, pg, grpc, es)',
  dirk_external_successes_total: 'an external post-processor (http, pg, grpc, es)',
  dirk_external_failures_total: 'an external post-processor (http, pg, grpc, es)',
  dirk_external_duration_seconds: 'an external post-processor (http, pg, grpc, es)',
  dirk_external_cache_lookups_total: 'an external post-processor with cache_ttl_ms',
  dirk_sink_retries_total: 'the HTTP sink',
  dirk_sink_dead_lettered_total: 'the HTTP sink with a dead-letter topic',
  dirk_exchange_records_out_total: 'a scaled-out job (DIRK_TASKS > 1 or DIRK_EXCHANGE_ENABLE=true)',
  dirk_exchange_duplicates_dropped_total: 'a scaled-out job (DIRK_TASKS > 1 or DIRK_EXCHANGE_ENABLE=true)',
  dirk_exchange_partitions: 'a scaled-out job (DIRK_TASKS > 1 or DIRK_EXCHANGE_ENABLE=true)',
  dirk_exchange_partial_overlaps_total: 'a scaled-out job with a two-phase window aggregate',
  dirk_state_restoring_partitions: 'a scaled-out job (DIRK_TASKS > 1 or DIRK_EXCHANGE_ENABLE=true)',
  dirk_state_restored_bytes_total: 'a scaled-out job (DIRK_TASKS > 1 or DIRK_EXCHANGE_ENABLE=true)',
};

describe('docs/metrics.md', () => {
  it('lists every metric of the catalogue once, and nothing else', () => {
    const docs = [...documented('catalogue'), ...documented('reserved')];
    expect(new Set(docs).size).toBe(docs.length);
    expect([...docs].sort()).toEqual(allMetricDefs().map((d) => d.name).sort());
  });

  it('a running job serves every documented metric, at 0 before its first event, and none undocumented', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dirk-metrics-'));
    const job = join(dir, 'job.json');
    writeFileSync(
      job,
      JSON.stringify({
        FLINK_JOB_ID: 'metrics-test',
        STREAMS: [
          {
            INPUT_SCHEMA_TABLE: 'rides',
            INPUT_DATATYPE: 'JSON',
            INPUT_SCHEMA_JSON_SCHEMA: { type: 'object', properties: { city: { type: 'string' }, fare: { type: 'number' }, ts: { type: 'string', format: 'date-time' } } },
            INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'ts',
            SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'DATAGEN_SOURCE' }],
            SOURCE_DATAGEN_ROWS: '1000000',
            SOURCE_DATAGEN_RATE_PER_SECOND: '50',
          },
        ],
        FLINK_SQL_QUERY:
          "SELECT city, FareBand(fare) AS band, COUNT(1) AS n, TUMBLE_END(rowtime, INTERVAL '1' SECOND) AS w FROM rides GROUP BY TUMBLE(rowtime, INTERVAL '1' SECOND), city, FareBand(fare)",
        UDF_FOLDERS: join(REPO_ROOT, 'examples', 'starter', 'udfs'),
        SINK_TYPE: 'log',
        METRIC_TELEMETRY_ENABLE: 'true',
        METRICS_HOST: '127.0.0.1',
        METRICS_PORT: '0',
      }),
    );
    const cli = startCli(['run', job, '--progress-interval', '0']);
    try {
      const line = await cli.waitForLine(/metrics at (http:\S+)/, { stream: 'stderr', timeoutMs: 30_000 });
      const text = await (await fetch(/metrics at (http:\S+)/.exec(line)![1]!)).text();
      const served = new Set([...text.matchAll(/^# TYPE (dirk_\S+) /gm)].map((m) => m[1]!));
      const own = [...served].filter((n) => !n.startsWith('dirk_process_') && !n.startsWith('dirk_nodejs_'));
      const catalogue = documented('catalogue');
      expect(own.filter((n) => !catalogue.includes(n)), 'served but not documented').toEqual([]);
      expect(catalogue.filter((n) => !served.has(n) && !(n in NEEDS)), 'documented but not served').toEqual([]);
      // Created at 0 before any event: errors of every domain, late records, the UDF's errors.
      for (const series of [
        'dirk_errors_total{domain="internal",status="fatal",job="metrics-test"} 0',
        'dirk_late_records_total{table="rides",job="metrics-test"} 0',
        'dirk_udf_errors_total{udf="FareBand",job="metrics-test"} 0',
        'dirk_checkpoints_total{status="failed",job="metrics-test"} 0',
        'dirk_operator_state_keys{operator="1:WindowAggregate",job="metrics-test"} 0',
        'dirk_operator_state_bytes{operator="1:WindowAggregate",job="metrics-test"} 0',
        'dirk_checkpoint_size_bytes{job="metrics-test"} 0',
      ]) {
        expect(text).toContain(series);
      }
      expect(text).toMatch(/^dirk_operator_records_in_total\{operator="1:WindowAggregate",job="metrics-test"\} [1-9]\d*$/m);
      expect(text).toMatch(/^dirk_output_event_time_lag_seconds\{job="metrics-test"\} [\d.e+-]+$/m);
      // GET /status: state, sources with positions and watermark, last checkpoint, plan.
      const status = (await (await fetch(/metrics at (http:\S+)\/metrics/.exec(line)![1]! + '/status')).json()) as Record<string, unknown>;
      expect(status).toMatchObject({ job: 'metrics-test', state: 'running', lastCheckpoint: null });
      const sources = status['sources'] as Record<string, unknown>[];
      expect(sources).toHaveLength(1);
      expect(sources[0]).toMatchObject({ table: 'rides', source: 'DATAGEN_SOURCE' });
      expect(sources[0]!['recordsRead']).toBeGreaterThan(0);
      expect(typeof sources[0]!['watermark']).toBe('string');
      expect(status['plan']).toContain('WindowAggregate');
      // FareBand is synchronous, so it is not timed; its histogram is still there, empty.
      expect(text).toMatch(/^dirk_udf_duration_seconds_count\{[^}]*udf="FareBand"[^}]*\} 0$/m);
    } finally {
      await cli.stop();
    }
  });
});

describe('Kafka consumer lag', () => {
  it('is kept per partition, with the maximum per table', async () => {
    const t = createTelemetry({ jobId: 'lag' });
    const m = t.sourceMetrics('bookings');
    m.partitionLag!('topic-a', 0, 120);
    m.partitionLag!('topic-a', 1, 40);
    m.partitionLag!('topic-a', 0, 5);
    const text = await t.metrics();
    expect(text).toContain('dirk_kafka_consumer_lag_records{table="bookings",topic="topic-a",partition="0",job="lag"} 5');
    expect(text).toContain('dirk_kafka_consumer_lag_records{table="bookings",topic="topic-a",partition="1",job="lag"} 40');
    expect(text).toContain('dirk_kafka_consumer_lag_max_records{table="bookings",job="lag"} 40');
  });
});
