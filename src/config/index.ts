/** The Dagger-compatible job config: parse once, validate, every default in one table (defaults.ts). */
export { parseJobConfig } from './parse.js';
export { loadJobConfigFile } from './load.js';
export { jsonErrorPosition, parseJsonText } from './json-scan.js';
export { describeConfigKeys, JOB_KEYS, KAFKA_COMPRESSION_TYPES, STREAM_KEYS, type KafkaCompressionType } from './defaults.js';
export { ConfigErrors } from './config-errors.js';
export { SINK_TYPES } from './sink.js';
export { parseJaas } from './jaas.js';
export type * from './types.js';
export { renderConfigReference, DOCS_BEGIN, DOCS_END } from './docs.js';
export { redactSecrets } from './util.js';
