/** The HTTP sink: rows as JSON to a (templated) URL, retried, dead-lettered when they fail for good. */
import { userError } from '../../core/errors.js';
import type { HttpSinkConfig } from '../../config/index.js';
import { defineSink } from '../connector.js';
import type { DeadLetterProducer } from './http-sink.js';
import { compileUrlTemplate } from './url-template.js';

const noop = { inc: () => {} };

export const httpSink = defineSink({
  kind: 'sink',
  name: 'http',
  slice: (sink): HttpSinkConfig | undefined => (sink.type === 'http' ? sink : undefined),
  validate(sink, plan) {
    if (plan.updating) {
      throw userError('the query produces an updating result (a GROUP BY without a window, DISTINCT, ...) but SINK_TYPE=http only takes appends; add a window or use the kafka sink with SINK_KAFKA_PROTO_KEY (upserts)');
    }
    compileUrlTemplate(sink.url, plan.columns);
  },
  async create(sink, ctx) {
    const [{ createHttpSink }, { createKafkaClient }] = await Promise.all([import('./http-sink.js'), import('../kafka/kafka-client.js')]);
    const name = ctx.name ?? 'http';
    const clientId = `dirk-${ctx.jobId}-http-dlq`.replace(/[^A-Za-z0-9._-]/g, '_');
    return createHttpSink({
      name,
      config: sink,
      columns: ctx.columns,
      logger: ctx.logger,
      metrics: { ...ctx.metrics, retries: ctx.telemetry?.sinkRetries(name) ?? noop, deadLettered: ctx.telemetry?.sinkDeadLettered(name) ?? noop },
      deadLetterProducer: (brokers) =>
        createKafkaClient({ brokers, clientId, logger: ctx.logger }).producer({ idempotent: true, allowAutoTopicCreation: false, retry: { retries: 5 } }) as unknown as DeadLetterProducer,
    });
  },
});
