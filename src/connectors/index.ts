export type { BadRecordPolicy, RowDecoder } from './shared/codec.js';
export { createKafkaSource, type KafkaSourceOptions } from './kafka/kafka-source.js';
export { securityOptions, topicRegex, type KafkaSecurity, type KafkaSasl, type KafkaSsl, type KafkaStore } from './kafka/kafka-client.js';
export { createFileSource, type FileFormat, type FileSourceOptions } from './file/file-source.js';
export {
  createDatagenSource,
  createRowGenerator,
  mulberry32,
  type DatagenOptions,
  type DatagenSourceOptions,
  type RowGenerator,
} from './datagen/datagen-source.js';
export { createLogSink, type LogSinkOptions } from './log/log-sink.js';
export { rowFormatter, formatAny, ROW_KIND_LABEL } from './log/format.js';
export { createKafkaSink, type KafkaSinkOptions } from './kafka/kafka-sink.js';
export { createInfluxSink, compileLineWriter, type InfluxSinkOptions } from './influxdb/influx-sink.js';
export { noopSinkMetrics } from './shared/noop-metrics.js';
