/** The sink slice, chosen by SINK_TYPE. */
import { closest } from '../core/errors.js';
import { JOB_KEYS as D } from './defaults.js';
import { readJobKey } from './spec.js';
import type { Section } from './reader.js';
import type { BigQueryErrorType, DataType, KafkaSinkConfig, SinkConfig, SinkType } from './types.js';
import { kafkaPropertyName } from './util.js';
import { parseHttpSink } from './http-sink.js';

export const SINK_TYPES: readonly SinkType[] = ['log', 'kafka', 'influx', 'http', 'bigquery'];
const BIGQUERY_ERROR_TYPES: readonly BigQueryErrorType[] = [
  'DESERIALIZATION_ERROR',
  'INVALID_MESSAGE_ERROR',
  'UNKNOWN_FIELDS_ERROR',
  'SINK_4XX_ERROR',
  'SINK_5XX_ERROR',
  'SINK_UNKNOWN_ERROR',
  'DEFAULT_ERROR',
];
const PRODUCER = 'SINK_KAFKA_PRODUCER_CONFIG_';

export function parseSink(s: Section): SinkConfig {
  const type = sinkType(s);
  switch (type) {
    case 'log':
      return { type };
    case 'kafka':
      return kafkaSink(s);
    case 'influx':
      return influxSink(s);
    case 'http':
      return parseHttpSink(s);
    case 'bigquery':
      return bigquerySink(s);
  }
}

function influxSink(s: Section): SinkConfig {
  const version = s.oneOf('SINK_INFLUX_API_VERSION', ['1', '2'] as const, D.SINK_INFLUX_API_VERSION.default);
  const v2 = version === '2';
  const bucket = s.optional('SINK_INFLUX_BUCKET');
  const token = s.str('SINK_INFLUX_TOKEN');
  if (!v2 && (bucket !== undefined || token !== undefined)) {
    s.issues.warn(`${s.path(bucket !== undefined ? 'SINK_INFLUX_BUCKET' : 'SINK_INFLUX_TOKEN')} is ignored: SINK_INFLUX_API_VERSION is 1 (set it to 2 for the /api/v2/write API)`);
  }
  return {
    type: 'influx',
    url: s.required('SINK_INFLUX_URL', 'an InfluxDB URL such as http://localhost:8086', 'required when SINK_TYPE=influx'),
    username: s.str('SINK_INFLUX_USERNAME') ?? D.SINK_INFLUX_USERNAME.default,
    password: s.str('SINK_INFLUX_PASSWORD') ?? D.SINK_INFLUX_PASSWORD.default,
    // With API 2 and a bucket, the database name is not needed.
    dbName: v2 && bucket !== undefined ? (s.optional('SINK_INFLUX_DB_NAME') ?? '') : s.required('SINK_INFLUX_DB_NAME', 'a database name', v2 ? 'required when SINK_TYPE=influx, unless SINK_INFLUX_BUCKET is given' : 'required when SINK_TYPE=influx'),
    measurementName: s.required('SINK_INFLUX_MEASUREMENT_NAME', 'a measurement name', 'required when SINK_TYPE=influx'),
    retentionPolicy: s.optional('SINK_INFLUX_RETENTION_POLICY') ?? D.SINK_INFLUX_RETENTION_POLICY.default,
    batchSize: s.int('SINK_INFLUX_BATCH_SIZE', D.SINK_INFLUX_BATCH_SIZE.default, { min: 0 }),
    flushDurationMs: s.int('SINK_INFLUX_FLUSH_DURATION_MS', D.SINK_INFLUX_FLUSH_DURATION_MS.default, { min: 0 }),
    withRowNamesWriter: s.bool('SINK_INFLUX_WITH_ROW_NAMES_WRITER', D.SINK_INFLUX_WITH_ROW_NAMES_WRITER.default),
    apiVersion: v2 ? 2 : 1,
    authMethod: s.oneOf('SINK_INFLUX_AUTH_METHOD', ['BASIC', 'QUERY'] as const, D.SINK_INFLUX_AUTH_METHOD.default),
    org: s.optional('SINK_INFLUX_ORG') ?? D.SINK_INFLUX_ORG.default,
    ...(v2 && bucket !== undefined ? { bucket } : {}),
    ...(v2 && token !== undefined ? { token } : {}),
  };
}

function sinkType(s: Section): SinkType {
  const v = s.get('SINK_TYPE');
  if (v === undefined || (typeof v === 'string' && v.trim() === '')) return D.SINK_TYPE.default;
  const t = typeof v === 'string' ? v.trim().toLowerCase() : undefined;
  const hit = SINK_TYPES.find((x) => x === t);
  if (hit) return hit;
  const guess = typeof v === 'string' ? closest(v.trim(), SINK_TYPES) : undefined;
  s.error(
    'SINK_TYPE',
    `one of ${SINK_TYPES.join(', ')}`,
    v,
    `${guess ? `did you mean ${guess}? ` : ''}Dagger would silently fall back to influx; Dirk does not`,
  );
  return 'log';
}

function kafkaSink(s: Section): KafkaSinkConfig {
  const brokers = s.list('SINK_KAFKA_BROKERS') ?? [];
  if (brokers.length === 0 && !s.issues.errors.some((e) => e.key === 'SINK_KAFKA_BROKERS')) {
    s.error('SINK_KAFKA_BROKERS', 'a comma-separated list of host:port (required when SINK_TYPE=kafka)', s.get('SINK_KAFKA_BROKERS'));
  }
  for (const b of brokers) {
    if (!/^[^\s:]+:\d+$/.test(b) && !/^\[[0-9a-fA-F:]+\]:\d+$/.test(b)) s.error('SINK_KAFKA_BROKERS', 'host:port entries', b);
  }
  const dataType = readJobKey(s, 'SINK_KAFKA_DATA_TYPE');
  const out: { -readonly [K in keyof KafkaSinkConfig]?: KafkaSinkConfig[K] } = {
    type: 'kafka',
    brokers,
    topic: s.required('SINK_KAFKA_TOPIC', 'a topic name', 'required when SINK_TYPE=kafka'),
    dataType,
    largeMessage: readJobKey(s, 'SINK_KAFKA_PRODUCE_LARGE_MESSAGE_ENABLE'),
    lingerMs: readJobKey(s, 'SINK_KAFKA_LINGER_MS'),
    deliveryGuarantee: readJobKey(s, 'SINK_KAFKA_DELIVERY_GUARANTEE'),
  };
  const stream = s.optional('SINK_KAFKA_STREAM');
  if (stream !== undefined) out.stream = stream;
  if (dataType === 'PROTO') {
    out.protoMessage = s.required('SINK_KAFKA_PROTO_MESSAGE', 'a proto message full name', 'required when SINK_KAFKA_DATA_TYPE=PROTO');
    const key = s.optional('SINK_KAFKA_PROTO_KEY');
    if (key !== undefined) out.protoKey = key;
  } else if (dataType === 'AVRO') {
    const topic = typeof s.get('SINK_KAFKA_TOPIC') === 'string' ? String(s.get('SINK_KAFKA_TOPIC')).trim() : '';
    out.avro = {
      subject: s.optional('SINK_KAFKA_AVRO_SUBJECT') ?? `${topic}-value`,
      autoRegister: readJobKey(s, 'SINK_KAFKA_AVRO_AUTO_REGISTER'),
    };
  } else {
    out.jsonChangelog = s.oneOf('SINK_KAFKA_JSON_CHANGELOG', ['UPSERT', 'DEBEZIUM'] as const, D.SINK_KAFKA_JSON_CHANGELOG.default as 'UPSERT' | 'DEBEZIUM');
    const jsonKey = parseJsonKey(s);
    if (jsonKey) out.jsonKey = jsonKey;
    const raw = s.get('SINK_KAFKA_JSON_SCHEMA');
    const schema = s.json('SINK_KAFKA_JSON_SCHEMA', 'a JSON Schema object');
    if (schema !== undefined) {
      if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) s.error('SINK_KAFKA_JSON_SCHEMA', 'a JSON Schema object', schema);
      else out.jsonSchema = typeof raw === 'string' ? raw.trim() : JSON.stringify(schema);
    }
  }
  const producerConfig: Record<string, string> = {};
  for (const k of Object.keys(s.values)) {
    if (!k.startsWith(PRODUCER)) continue;
    const v = s.get(k);
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') producerConfig[kafkaPropertyName(k, PRODUCER)] = String(v);
    else if (v !== undefined) s.error(k, 'a string, number or boolean', v);
  }
  // Kafka's compression.type, checked here so a typo is a config error naming the key (not a warning at start).
  const compression = readJobKey(s, 'SINK_KAFKA_PRODUCER_CONFIG_COMPRESSION_TYPE');
  if (compression !== undefined) producerConfig['compression.type'] = compression;
  else delete producerConfig['compression.type'];
  out.producerConfig = producerConfig;
  out.errorPolicy = sinkErrorPolicy(s);
  if (s.bool('SINK_KAFKA_CREATE_TOPIC', D.SINK_KAFKA_CREATE_TOPIC.default)) {
    out.createTopic = {
      partitions: s.int('SINK_KAFKA_CREATE_TOPIC_PARTITIONS', D.SINK_KAFKA_CREATE_TOPIC_PARTITIONS.default, { min: 1 }),
      replicationFactor: s.int('SINK_KAFKA_CREATE_TOPIC_REPLICATION_FACTOR', D.SINK_KAFKA_CREATE_TOPIC_REPLICATION_FACTOR.default, { min: 1 }),
    };
  }
  return out as KafkaSinkConfig;
}

function sinkErrorPolicy(s: Section): KafkaSinkConfig['errorPolicy'] {
  const mode = s.oneOf('SINK_KAFKA_ERROR_POLICY', ['FAIL', 'SKIP', 'DEAD_LETTER'] as const, D.SINK_KAFKA_ERROR_POLICY.default);
  if (mode !== 'DEAD_LETTER') {
    for (const k of ['SINK_KAFKA_DEAD_LETTER_TOPIC', 'SINK_KAFKA_DEAD_LETTER_BROKERS']) {
      if (s.has(k)) s.issues.warn(`${s.path(k)} is ignored: SINK_KAFKA_ERROR_POLICY is ${mode}, not DEAD_LETTER`);
    }
    return { mode };
  }
  const deadLetterTopic = s.required('SINK_KAFKA_DEAD_LETTER_TOPIC', 'a topic name (required when SINK_KAFKA_ERROR_POLICY=DEAD_LETTER)');
  const brokers = s.list('SINK_KAFKA_DEAD_LETTER_BROKERS');
  return { mode, deadLetterTopic, ...(brokers && brokers.length ? { deadLetterBrokers: brokers } : {}) };
}

function bigquerySink(s: Section): SinkConfig {
  const errorTypes: BigQueryErrorType[] = [];
  for (const t of s.list('SINK_ERROR_TYPES_FOR_FAILURE') ?? []) {
    const hit = BIGQUERY_ERROR_TYPES.find((x) => x === t.toUpperCase());
    if (hit) errorTypes.push(hit);
    else s.error('SINK_ERROR_TYPES_FOR_FAILURE', `a comma list of ${BIGQUERY_ERROR_TYPES.join(', ')}`, t);
  }
  const settings: Record<string, string> = {};
  for (const k of Object.keys(s.values)) {
    if (!k.startsWith('SINK_BIGQUERY_') || k === 'SINK_BIGQUERY_BATCH_SIZE') continue;
    const v = s.get(k);
    if (v !== undefined) settings[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  const keyClass = s.optional('SINK_CONNECTOR_SCHEMA_PROTO_KEY_CLASS');
  const messageClass = s.optional('SINK_CONNECTOR_SCHEMA_PROTO_MESSAGE_CLASS');
  return {
    type: 'bigquery',
    batchSize: readJobKey(s, 'SINK_BIGQUERY_BATCH_SIZE'),
    errorTypesForFailure: errorTypes,
    ...(keyClass !== undefined ? { protoKeyClass: keyClass } : {}),
    ...(messageClass !== undefined ? { protoMessageClass: messageClass } : {}),
    settings,
  };
}

/** SINK_KAFKA_JSON_KEY and its prefix / value-fields keys (Flink's upsert-kafka sink options). */
function parseJsonKey(s: Section): KafkaSinkConfig['jsonKey'] {
  const columns = s.list('SINK_KAFKA_JSON_KEY');
  const prefix = s.optional('SINK_KAFKA_JSON_KEY_FIELDS_PREFIX') ?? '';
  const include = readJobKey(s, 'SINK_KAFKA_JSON_VALUE_FIELDS_INCLUDE');
  if (!columns || columns.length === 0) {
    if (s.has('SINK_KAFKA_JSON_KEY')) s.error('SINK_KAFKA_JSON_KEY', 'a comma-separated list of result column names', s.get('SINK_KAFKA_JSON_KEY'));
    else if (prefix || s.has('SINK_KAFKA_JSON_VALUE_FIELDS_INCLUDE')) s.error('SINK_KAFKA_JSON_KEY', 'the key columns (the other SINK_KAFKA_JSON_* key options apply to it)', undefined);
    return undefined;
  }
  if (prefix && include === 'ALL') {
    s.error(
      'SINK_KAFKA_JSON_KEY_FIELDS_PREFIX',
      "no prefix while SINK_KAFKA_JSON_VALUE_FIELDS_INCLUDE=ALL (as Flink: a key prefix is not allowed when 'value.fields-include' is 'ALL'; set it to EXCEPT_KEY to avoid field overlaps)",
      prefix,
    );
  }
  for (const c of columns) if (prefix && !c.startsWith(prefix)) s.error('SINK_KAFKA_JSON_KEY', `key columns that start with the prefix '${prefix}' (SINK_KAFKA_JSON_KEY_FIELDS_PREFIX)`, c);
  return { columns, prefix, valueFieldsInclude: include };
}
