/** The InfluxDB 1.x sink: one point per appended row. */
import { userError } from '../../core/errors.js';
import type { InfluxSinkConfig } from '../../config/index.js';
import { defineSink } from '../connector.js';
import { createInfluxSink } from './influx-sink.js';

export const influxSink = defineSink({
  kind: 'sink',
  name: 'influx',
  keys: [
    'SINK_INFLUX_URL',
    'SINK_INFLUX_USERNAME',
    'SINK_INFLUX_PASSWORD',
    'SINK_INFLUX_DB_NAME',
    'SINK_INFLUX_MEASUREMENT_NAME',
    'SINK_INFLUX_RETENTION_POLICY',
    'SINK_INFLUX_BATCH_SIZE',
    'SINK_INFLUX_FLUSH_DURATION_MS',
    'SINK_INFLUX_WITH_ROW_NAMES_WRITER',
  ],
  slice: (sink): InfluxSinkConfig | undefined => (sink.type === 'influx' ? sink : undefined),
  validate(_sink, plan) {
    if (plan.updating) {
      throw userError('the query produces an updating result (a GROUP BY without a window, DISTINCT, ...) but SINK_TYPE=influx only takes appends; add a window or use the kafka sink with SINK_KAFKA_PROTO_KEY (upserts)');
    }
  },
  create: (sink, ctx) =>
    createInfluxSink({
      url: sink.url,
      ...(sink.username ? { username: sink.username } : {}),
      ...(sink.password ? { password: sink.password } : {}),
      database: sink.dbName,
      retentionPolicy: sink.retentionPolicy,
      measurement: sink.measurementName,
      columns: ctx.columns,
      batchSize: sink.batchSize,
      flushDurationMs: sink.flushDurationMs,
      logger: ctx.logger,
      metrics: ctx.metrics,
      lateRecordsDropped: ctx.lateRecordsDropped,
    }),
});
