/**
 * The runtime side of every connector: the Source or Sink factory of each entry of the connector catalog
 * (src/connectors/catalog.ts, which declares keys, readers and names). Both tables are a `Record` over the
 * catalog's names, so a connector added to the catalog without its runtime entry here fails to compile (a
 * sink without a runtime, as BigQuery, is an explicit `undefined` and refused by name). The job finds sources
 * by SOURCE_NAME and sinks by SINK_TYPE through them.
 */
import { userError } from '../core/errors.js';
import type { SinkConfig, StreamConfig } from '../config/index.js';
import { datagenSource } from './datagen/index.js';
import { fileSource } from './file/index.js';
import { influxSink } from './influxdb/index.js';
import { kafkaSink, kafkaSource } from './kafka/index.js';
import { logSink } from './log/index.js';
import { blackholeSink } from './blackhole/index.js';
import { parquetSource } from './parquet/index.js';
import { httpSink } from './http/index.js';
import { hybridSource } from './hybrid/index.js';
import { postgresCdcSource } from './postgres-cdc/index.js';
import type { BoundSink, BoundSource, RegisteredSink, RegisteredSource } from './connector.js';
import { SOURCE_NAMES, sourceSpec, type SinkType, type SourceConnectorId } from './catalog.js';

/** The source runtime of each catalogued source connector (by folder). */
export const SOURCE_RUNTIMES: Readonly<Record<SourceConnectorId, RegisteredSource>> = {
  kafka: kafkaSource,
  parquet: parquetSource,
  file: fileSource,
  'postgres-cdc': postgresCdcSource,
  datagen: datagenSource,
};
/** The sink runtime of each SINK_TYPE; undefined: the type is read and validated but cannot run in Dirk. */
export const SINK_RUNTIMES: Readonly<Record<SinkType, RegisteredSink | undefined>> = {
  log: logSink,
  influx: influxSink,
  kafka: kafkaSink,
  http: httpSink,
  bigquery: undefined,
  blackhole: blackholeSink,
};

export const SOURCE_CONNECTORS: readonly RegisteredSource[] = Object.values(SOURCE_RUNTIMES);
export const SINK_CONNECTORS: readonly RegisteredSink[] = Object.values(SINK_RUNTIMES).filter((c): c is RegisteredSink => c !== undefined);

/** The source connector of a stream, bound to its config slice; a user error for a source Dirk lacks. */
export function sourceFor(stream: StreamConfig): BoundSource {
  if (stream.source.hybrid) return hybridSource.bind(stream);
  const name = stream.source.name;
  // SOURCE_NAME -> catalog entry -> its runtime (the catalog says which names a connector reads).
  if (!SOURCE_NAMES.includes(name)) {
    const list = `${SOURCE_NAMES.slice(0, -1).join(', ')} or ${SOURCE_NAMES[SOURCE_NAMES.length - 1]}`;
    throw userError(`STREAMS[${stream.index}].SOURCE_DETAILS: ${name} is not available in Dirk yet; use ${list}`);
  }
  return SOURCE_RUNTIMES[sourceSpec(name).id].bind(stream);
}

/** The sink connector SINK_TYPE names, bound to its config slice; a user error for a sink Dirk lacks. */
export function sinkFor(sink: SinkConfig): BoundSink {
  const bound = SINK_RUNTIMES[sink.type]?.bind(sink);
  if (bound) return bound;
  if (sink.type === 'bigquery') throw userError('SINK_TYPE: bigquery is not available in Dirk (no BigQuery here); use kafka, influx, http or log');
  throw userError(`SINK_TYPE=${sink.type} is not available in Dirk`);
}

export type { BoundSink, BoundSource, RegisteredSink, RegisteredSource, SinkConnector, SourceConnector, SinkCreateContext, SourceCreateContext, SinkPlan, ConfigKey } from './connector.js';
export { createKafkaProducers, type KafkaProducers } from './kafka/shared-producer.js';
