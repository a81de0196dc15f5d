/** The InfluxDB sink: one point per appended row, over the v1 (every 1.x) or the v2 write API. */
import { userError } from '../../core/errors.js';
import type { InfluxSinkConfig } from '../../config/index.js';
import { defineSink } from '../connector.js';

export const influxSink = defineSink({
  kind: 'sink',
  name: 'influx',
  slice: (sink): InfluxSinkConfig | undefined => (sink.type === 'influx' ? sink : undefined),
  validate(_sink, plan) {
    if (plan.updating) {
      throw userError('the query produces an updating result (a GROUP BY without a window, DISTINCT, ...) but SINK_TYPE=influx only takes appends; add a window or use the kafka sink with SINK_KAFKA_PROTO_KEY (upserts)');
    }
  },
  create: async (sink, ctx) =>
    (await import('./influx-sink.js')).createInfluxSink({
      ...(ctx.name ? { name: ctx.name } : {}),
      url: sink.url,
      apiVersion: sink.apiVersion,
      auth: sink.authMethod,
      org: sink.org,
      ...(sink.bucket ? { bucket: sink.bucket } : {}),
      ...(sink.token ? { token: sink.token } : {}),
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
