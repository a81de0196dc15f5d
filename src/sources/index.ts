export type { BadRecordPolicy, RowDecoder } from './codec.js';
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
