/**
 * Every connector Dirk has, listed once. Adding a connector is one folder under src/connectors and one line
 * here; the job finds sources by SOURCE_NAME and sinks by SINK_TYPE through these registries.
 */
import { userError } from '../core/errors.js';
import type { SinkConfig, StreamConfig } from '../config/index.js';
import { datagenSource } from './datagen/index.js';
import { fileSource } from './file/index.js';
import { influxSink } from './influxdb/index.js';
import { kafkaSink, kafkaSource } from './kafka/index.js';
import { logSink } from './log/index.js';
import { parquetSource } from './parquet/index.js';
import { httpSink } from './http/index.js';
import { hybridSource } from './hybrid/index.js';
import { postgresCdcSource } from './postgres-cdc/index.js';
import type { BoundSink, BoundSource, RegisteredSink, RegisteredSource } from './connector.js';

export const SOURCE_CONNECTORS: readonly RegisteredSource[] = [kafkaSource, parquetSource, fileSource, datagenSource, postgresCdcSource];
export const SINK_CONNECTORS: readonly RegisteredSink[] = [kafkaSink, influxSink, httpSink, logSink];

/** The source connector of a stream, bound to its config slice; a user error for a source Dirk lacks. */
export function sourceFor(stream: StreamConfig): BoundSource {
  if (stream.source.hybrid) return hybridSource.bind(stream);
  const name = stream.source.name;
  const connector = SOURCE_CONNECTORS.find((c) => c.name === name || c.aliases.includes(name));
  if (!connector) {
    const names = SOURCE_CONNECTORS.flatMap((c) => [c.name, ...c.aliases]);
    const list = `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
    throw userError(`STREAMS[${stream.index}].SOURCE_DETAILS: ${name} is not available in Dirk yet; use ${list}`);
  }
  return connector.bind(stream);
}

/** The sink connector SINK_TYPE names, bound to its config slice; a user error for a sink Dirk lacks. */
export function sinkFor(sink: SinkConfig): BoundSink {
  for (const c of SINK_CONNECTORS) {
    const bound = c.bind(sink);
    if (bound) return bound;
  }
  if (sink.type === 'bigquery') throw userError('SINK_TYPE: bigquery is not available in Dirk (no BigQuery here); use kafka, influx, http or log');
  throw userError(`SINK_TYPE=${sink.type} is not available in Dirk`);
}

export type { BoundSink, BoundSource, RegisteredSink, RegisteredSource, SinkConnector, SourceConnector, SinkCreateContext, SourceCreateContext, SinkPlan, ConfigKey } from './connector.js';
export { createKafkaProducers, type KafkaProducers } from './kafka/shared-producer.js';
