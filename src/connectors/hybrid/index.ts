/**
 * The hybrid source: SOURCE_DETAILS with two entries, a BOUNDED PARQUET_SOURCE or FILE_SOURCE and then an
 * UNBOUNDED KAFKA_SOURCE / KAFKA_CONSUMER, each part configured by its own keys in the same stream.
 */
import { userError } from '../../core/errors.js';
import type { StreamConfig } from '../../config/index.js';
import { defineSource } from '../connector.js';
import { fileSource } from '../file/index.js';
import { kafkaSource } from '../kafka/index.js';
import { parquetSource } from '../parquet/index.js';

export const hybridSource = defineSource({
  kind: 'source',
  // Listed under its Kafka part's name: sourceFor picks it by `source.hybrid`, not by SOURCE_NAME.
  name: 'KAFKA_SOURCE',
  slice: (stream): StreamConfig => stream,
  validate(stream) {
    if (!stream.source.hybrid) throw new Error('internal error: not a hybrid stream');
    boundedPart(stream).validate();
    kafkaSource.bind(stream).validate();
  },
  async create(stream, ctx) {
    const schema = ctx.schema;
    if (schema.rowtimeIndex === undefined) throw userError(`STREAMS[${stream.index}]: a hybrid source needs an event-time (rowtime) column to find the switch point`);
    const kafka = stream.kafka!;
    const [{ createHybridSource }, { offsetsForTime }] = await Promise.all([import('./hybrid-source.js'), import('../kafka/kafka-client.js')]);
    return createHybridSource({
      table: stream.table,
      bounded: await boundedPart(stream).create(ctx),
      kafka: await kafkaSource.bind(stream).create(ctx),
      offsetsForTime: (ts) =>
        offsetsForTime({ brokers: kafka.bootstrapServers, security: kafka.security, clientId: `dirk-${stream.table}-hybrid`, logger: ctx.logger, topicPattern: kafka.topicPattern }, ts),
      rowtimeIndex: schema.rowtimeIndex,
      logger: ctx.logger,
    });
  },
});

function boundedPart(stream: StreamConfig): ReturnType<typeof parquetSource.bind> {
  return (stream.source.hybrid === 'PARQUET_SOURCE' ? parquetSource : fileSource).bind(stream);
}
