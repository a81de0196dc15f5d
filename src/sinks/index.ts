export { createLogSink, type LogSinkOptions } from './log/log-sink.js';
export { rowFormatter, formatAny, ROW_KIND_LABEL } from './log/format.js';
export { createKafkaSink, type KafkaSinkOptions } from './kafka/kafka-sink.js';
export { createInfluxSink, compileLineWriter, type InfluxSinkOptions } from './influxdb/influx-sink.js';
export { noopSinkMetrics } from './noop-metrics.js';
