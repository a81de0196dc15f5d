/** SINK_TYPE=kafka: the Kafka sink's keys (SINK_KAFKA_*), read from the top level or one SINKS entry. */
import { sinkConfig, type DataType } from '../../config/connector-spec.js';
import { keyReader } from '../../config/read-key.js';
import type { Section } from '../../config/reader.js';
import { kafkaPropertyName } from '../../config/util.js';
import { KAFKA_SINK_KEYS as D, JSON_TIMESTAMP_FORMATS, type JsonTimestampFormat } from './keys.js';

const PRODUCER = 'SINK_KAFKA_PRODUCER_CONFIG_';
const read = keyReader(D);

export interface KafkaSinkConfig {
  readonly type: 'kafka';
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly stream?: string;
  readonly dataType: DataType;
  readonly protoMessage?: string;
  readonly protoKey?: string;
  readonly jsonSchema?: string;
  /** SINK_KAFKA_JSON_CHANGELOG: how an updating result is written as JSON (upserts or debezium-json records). */
  readonly jsonChangelog?: 'UPSERT' | 'DEBEZIUM';
  /** SINK_KAFKA_JSON_TIMESTAMP_FORMAT: how TIMESTAMP columns are written as JSON text. */
  readonly jsonTimestampFormat?: JsonTimestampFormat;
  /** SINK_KAFKA_JSON_KEY (+ prefix, value fields): the record key's columns for upserts, by name. */
  readonly jsonKey?: { readonly columns: readonly string[]; readonly prefix: string; readonly valueFieldsInclude: 'ALL' | 'EXCEPT_KEY' };
  /** SINK_KAFKA_DATA_TYPE=AVRO: SINK_KAFKA_AVRO_SUBJECT and SINK_KAFKA_AVRO_AUTO_REGISTER. */
  readonly avro?: { readonly subject: string; readonly autoRegister: boolean; readonly registry?: { readonly url: string; readonly token?: string } };
  readonly largeMessage: boolean;
  readonly lingerMs: number;
  /** SINK_KAFKA_DELIVERY_GUARANTEE (Dirk): AT_LEAST_ONCE as Dagger, or EXACTLY_ONCE with Kafka transactions. */
  readonly deliveryGuarantee: 'AT_LEAST_ONCE' | 'EXACTLY_ONCE';
  /** SINK_KAFKA_PRODUCER_CONFIG_* in Kafka spelling (`compression.type`). */
  readonly producerConfig: Readonly<Record<string, string>>;
  /** SINK_KAFKA_ERROR_POLICY and its dead-letter topic: rows too large for the topic. */
  readonly errorPolicy: { readonly mode: 'FAIL' | 'SKIP' | 'DEAD_LETTER'; readonly deadLetterTopic?: string; readonly deadLetterBrokers?: readonly string[] };
  /** SINK_KAFKA_CREATE_TOPIC (with partitions and replication factor); absent: the topic must exist. */
  readonly createTopic?: { readonly partitions: number; readonly replicationFactor: number };
}

function parseKafkaSink(s: Section): KafkaSinkConfig {
  const brokers = s.list('SINK_KAFKA_BROKERS') ?? [];
  if (brokers.length === 0 && !s.issues.errors.some((e) => e.key === 'SINK_KAFKA_BROKERS')) {
    s.error('SINK_KAFKA_BROKERS', 'a comma-separated list of host:port (required when SINK_TYPE=kafka)', s.get('SINK_KAFKA_BROKERS'));
  }
  for (const b of brokers) {
    if (!/^[^\s:]+:\d+$/.test(b) && !/^\[[0-9a-fA-F:]+\]:\d+$/.test(b)) s.error('SINK_KAFKA_BROKERS', 'host:port entries', b);
  }
  const dataType = read(s, 'SINK_KAFKA_DATA_TYPE');
  const out: { -readonly [K in keyof KafkaSinkConfig]?: KafkaSinkConfig[K] } = {
    type: 'kafka',
    brokers,
    topic: s.required('SINK_KAFKA_TOPIC', 'a topic name', 'required when SINK_TYPE=kafka'),
    dataType,
    largeMessage: read(s, 'SINK_KAFKA_PRODUCE_LARGE_MESSAGE_ENABLE'),
    lingerMs: read(s, 'SINK_KAFKA_LINGER_MS'),
    deliveryGuarantee: read(s, 'SINK_KAFKA_DELIVERY_GUARANTEE'),
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
      autoRegister: read(s, 'SINK_KAFKA_AVRO_AUTO_REGISTER'),
    };
  } else {
    out.jsonChangelog = s.oneOf('SINK_KAFKA_JSON_CHANGELOG', ['UPSERT', 'DEBEZIUM'] as const, D.SINK_KAFKA_JSON_CHANGELOG.default as 'UPSERT' | 'DEBEZIUM');
    out.jsonTimestampFormat = s.oneOf('SINK_KAFKA_JSON_TIMESTAMP_FORMAT', JSON_TIMESTAMP_FORMATS, D.SINK_KAFKA_JSON_TIMESTAMP_FORMAT.default as JsonTimestampFormat);
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
  const compression = read(s, 'SINK_KAFKA_PRODUCER_CONFIG_COMPRESSION_TYPE');
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

/** SINK_KAFKA_JSON_KEY and its prefix / value-fields keys (Flink's upsert-kafka sink options). */
function parseJsonKey(s: Section): KafkaSinkConfig['jsonKey'] {
  const columns = s.list('SINK_KAFKA_JSON_KEY');
  const prefix = s.optional('SINK_KAFKA_JSON_KEY_FIELDS_PREFIX') ?? '';
  const include = read(s, 'SINK_KAFKA_JSON_VALUE_FIELDS_INCLUDE');
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

export const kafkaSinkConfig = sinkConfig({ type: 'kafka', keys: D, keyPrefixes: [PRODUCER], parse: parseKafkaSink });
