/** STREAMS: one table per element, each with its source, schema and record policies. */
import { NotSecret } from '../core/redact.js';
import { closest } from '../core/errors.js';
import type { Issues } from './config-errors.js';
import { LEGACY_STREAM_KEYS, STREAM_KEYS, STREAM_KEY_PREFIXES } from './defaults.js';
import { readStreamKey } from './spec.js';
import { parseJaas } from './jaas.js';
import { parseJsonText } from './json-scan.js';
import { Section, isPlainObject, splitList } from './reader.js';
import type {
  BadRecordPolicy,
  DataType,
  DatagenSourceConfig,
  FileSourceConfig,
  KafkaSecurityConfig,
  KafkaSourceConfig,
  LateRecordPolicy,
  ParquetSourceConfig,
  PostgresCdcSourceConfig,
  SaslConfig,
  SourceName,
  SourceType,
  SslConfig,
  StoreConfig,
  StoreType,
  StreamConfig,
  UpsertSourceConfig,
} from './types.js';
import { kafkaPropertyName, resolvePath } from './util.js';

const D = STREAM_KEYS;
const CONSUMER = 'SOURCE_KAFKA_CONSUMER_CONFIG_';
const SOURCE_NAMES: readonly SourceName[] = ['KAFKA_SOURCE', 'KAFKA_CONSUMER', 'PARQUET_SOURCE', 'FILE_SOURCE', 'DATAGEN_SOURCE', 'POSTGRES_CDC_SOURCE'];
const SOURCE_TYPES: readonly SourceType[] = ['BOUNDED', 'UNBOUNDED'];
/** Which SOURCE_TYPE each source can run as (Dagger builds Kafka only unbounded, Parquet only bounded). */
const SOURCE_KIND: Record<SourceName, SourceType> = {
  KAFKA_SOURCE: 'UNBOUNDED',
  KAFKA_CONSUMER: 'UNBOUNDED',
  PARQUET_SOURCE: 'BOUNDED',
  FILE_SOURCE: 'BOUNDED',
  DATAGEN_SOURCE: 'BOUNDED',
  POSTGRES_CDC_SOURCE: 'UNBOUNDED',
};
const SSL_PROTOCOLS = ['TLS', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3', 'SSL', 'SSLv2', 'SSLv3'] as const;
const STORE_TYPES: readonly StoreType[] = ['JKS', 'PKCS12', 'PEM'];
/** The consumer keys Dirk reads itself; any other SOURCE_KAFKA_CONSUMER_CONFIG_* is passed through. */
const KNOWN_CONSUMER_KEYS = new Set(Object.keys(D).filter((k) => k.startsWith(CONSUMER) && !k.endsWith('*')));

interface StreamContext {
  readonly issues: Issues;
  readonly baseDir: string;
  readonly largeMessage: boolean;
  /** From a SQL script: a JSON table may have no event-time field (a CREATE TABLE without WATERMARK). */
  readonly sqlScript: boolean;
}

/** Read STREAMS (an array, or a string holding one) into stream configs; checks table names are unique. */
export function parseStreams(value: unknown, ctx: StreamContext): StreamConfig[] {
  let arr: unknown = value;
  if (typeof value === 'string') {
    if (value.trim() === '') arr = undefined;
    else {
      const parsed = parseJsonText(value);
      if ('error' in parsed) {
        ctx.issues.error('STREAMS', 'a JSON array of stream objects', value, parsed.error);
        return [];
      }
      if (parsed.trailingCommas) ctx.issues.warn('STREAMS: trailing commas in the JSON were ignored');
      arr = parsed.value;
    }
  }
  if (!Array.isArray(arr) || arr.length === 0) {
    ctx.issues.error('STREAMS', 'a non-empty JSON array of stream objects', arr);
    return [];
  }
  const streams: StreamConfig[] = [];
  const tables = new Map<string, number>();
  arr.forEach((item, index) => {
    if (!isPlainObject(item)) {
      ctx.issues.error(`STREAMS[${index}]`, 'a stream object', item);
      return;
    }
    const stream = parseStream(item, index, ctx);
    const seen = tables.get(stream.table.toLowerCase());
    if (stream.table && seen !== undefined) {
      ctx.issues.error(
        `STREAMS[${index}].INPUT_SCHEMA_TABLE`,
        'a table name not used by another stream (names are compared ignoring case)',
        stream.table,
        `STREAMS[${seen}] already uses it`,
      );
    } else if (stream.table) tables.set(stream.table.toLowerCase(), index);
    streams.push(stream);
  });
  return streams;
}

function parseStream(raw: Record<string, unknown>, index: number, ctx: StreamContext): StreamConfig {
  const s = new Section(raw, `STREAMS[${index}]`, ctx.issues);

  const table = s.required('INPUT_SCHEMA_TABLE', 'a table name');
  if (table && /[`\s]/.test(table)) s.error('INPUT_SCHEMA_TABLE', 'a table name without backticks or spaces', table);

  // A wrong INPUT_DATATYPE or SOURCE_DETAILS is reported once: the keys that only its fallback would need
  // (the proto keys after "JSN", the Kafka keys after an unreadable SOURCE_DETAILS) are not reported as
  // missing on top of it. For the data type, the keys the stream does have say which one was meant.
  const errorsBefore = s.issues.errors.length;
  const dataType = readStreamKey(s, 'INPUT_DATATYPE');
  const dataTypeBad = s.issues.errors.length > errorsBefore;
  const errorsBeforeSource = s.issues.errors.length;
  const source = parseSourceDetails(s);
  const sourceBad = s.issues.errors.length > errorsBeforeSource;
  const meant = !dataTypeBad ? dataType : s.has('INPUT_SCHEMA_PROTO_CLASS') ? 'PROTO' : s.has('INPUT_SCHEMA_JSON_SCHEMA') ? 'JSON' : undefined;

  const base: {
    -readonly [K in keyof StreamConfig]?: StreamConfig[K];
  } = { index, table, dataType, source, raw };

  if (source.name === 'POSTGRES_CDC_SOURCE') {
    // The table's columns come from the database's catalog, not from INPUT_SCHEMA_* keys.
  } else if (meant === undefined) {
    // neither proto nor JSON keys: nothing to check until the data type is fixed
  } else if (meant === 'PROTO') {
    base.protoClass = s.required('INPUT_SCHEMA_PROTO_CLASS', 'a proto message full name such as com.example.Booking');
    if (s.has('INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX')) {
      base.eventTimestampFieldIndex = s.int('INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX', 0, { min: 1 });
    } else s.error('INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX', 'the field number of a google.protobuf.Timestamp field', undefined);
  } else if (dataType === 'AVRO') {
    if ((source.name !== 'KAFKA_SOURCE' && source.name !== 'KAFKA_CONSUMER') || source.hybrid) {
      s.error('INPUT_DATATYPE', `PROTO or JSON for ${source.hybrid ?? source.name} (AVRO is read from Kafka, in the Confluent wire format)`, 'AVRO');
    }
    const topics = s.get('SOURCE_KAFKA_TOPIC_NAMES');
    const oneTopic = typeof topics === 'string' && /^[A-Za-z0-9._-]+$/.test(topics.trim()) ? topics.trim() : undefined;
    const subject = s.optional('INPUT_SCHEMA_AVRO_SUBJECT') ?? (oneTopic ? `${oneTopic}-value` : undefined);
    if (subject === undefined) {
      s.error('INPUT_SCHEMA_AVRO_SUBJECT', 'a schema registry subject (the default <topic>-value needs SOURCE_KAFKA_TOPIC_NAMES to be one topic name)', undefined);
    }
    const ts = s.required('INPUT_SCHEMA_AVRO_EVENT_TIMESTAMP_FIELD_NAME', 'the name of the event-time field');
    base.avro = { subject: subject ?? '', eventTimestampFieldName: ts };
  } else {
    const schemaValue = s.get('INPUT_SCHEMA_JSON_SCHEMA');
    const schema = s.json('INPUT_SCHEMA_JSON_SCHEMA', 'a JSON Schema object');
    if (schema === undefined) {
      if (schemaValue === undefined) s.error('INPUT_SCHEMA_JSON_SCHEMA', 'a JSON Schema object', undefined);
    } else if (!isPlainObject(schema)) s.error('INPUT_SCHEMA_JSON_SCHEMA', 'a JSON Schema object', schema);
    else {
      base.jsonSchema = typeof schemaValue === 'string' ? schemaValue.trim() : JSON.stringify(schema);
      base.jsonSchemaObject = schema;
    }
    const ts = ctx.sqlScript ? s.optional('INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME') : s.required('INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME', 'the name of the event-time field');
    if (ts !== undefined) base.jsonEventTimestampFieldName = ts;
    if (source.name === 'PARQUET_SOURCE' || source.hybrid === 'PARQUET_SOURCE') {
      s.error('INPUT_DATATYPE', 'PROTO for PARQUET_SOURCE (Parquet rows are decoded with the proto schema)', 'JSON');
    }
  }

  if (source.hybrid === 'PARQUET_SOURCE') base.parquet = parseParquet(s, ctx);
  if (source.hybrid === 'FILE_SOURCE') base.file = parseFile(s, dataType, ctx);
  switch (sourceBad ? undefined : source.name) {
    case 'KAFKA_SOURCE':
    case 'KAFKA_CONSUMER':
      base.kafka = parseKafka(s, ctx);
      break;
    case 'PARQUET_SOURCE':
      base.parquet = parseParquet(s, ctx);
      break;
    case 'FILE_SOURCE':
      base.file = parseFile(s, meant ?? dataType, ctx);
      break;
    case 'DATAGEN_SOURCE':
      base.datagen = parseDatagen(s);
      break;
    case 'POSTGRES_CDC_SOURCE':
      base.postgresCdc = parsePostgresCdc(s);
      break;
  }

  const ownBrokers = base.kafka?.bootstrapServers;
  base.badRecordPolicy = parseBadRecords(s, ownBrokers);
  base.lateRecords = parseLateRecords(s, ownBrokers);

  warnUnknownStreamKeys(s, ctx.issues);
  return base as StreamConfig;
}

function parseSourceDetails(s: Section): StreamConfig['source'] {
  const fallback = { type: 'UNBOUNDED', name: 'KAFKA_CONSUMER' } as const;
  const v = s.json('SOURCE_DETAILS', 'a one-element array [{"SOURCE_TYPE": ..., "SOURCE_NAME": ...}]');
  if (v === undefined) return fallback;
  if (Array.isArray(v) && v.length === 2 && v.every(isPlainObject)) return parseHybridDetails(s, v as Record<string, unknown>[]);
  if (!Array.isArray(v) || v.length !== 1 || !isPlainObject(v[0])) {
    s.error(
      'SOURCE_DETAILS',
      'an array of one {"SOURCE_TYPE": ..., "SOURCE_NAME": ...} object, or two for a hybrid source (a BOUNDED PARQUET_SOURCE or FILE_SOURCE, then an UNBOUNDED KAFKA_SOURCE or KAFKA_CONSUMER)',
      v,
      'add another stream to read another source',
    );
    return fallback;
  }
  return parseOneSourceDetail(s, v[0], 0);
}

/**
 * Two SOURCE_DETAILS entries (Dagger's array shape; its issue #110): a bounded part read first, then Kafka
 * from the offsets of the bounded part's end time. The stream's source is the Kafka one; `hybrid` names
 * the bounded part.
 */
function parseHybridDetails(s: Section, v: Record<string, unknown>[]): StreamConfig['source'] {
  const first = parseOneSourceDetail(s, v[0]!, 0);
  const second = parseOneSourceDetail(s, v[1]!, 1);
  if (first.name !== 'PARQUET_SOURCE' && first.name !== 'FILE_SOURCE') {
    s.error('SOURCE_DETAILS[0].SOURCE_NAME', 'PARQUET_SOURCE or FILE_SOURCE (the bounded part of a hybrid source, read first)', first.name);
  }
  if (second.name !== 'KAFKA_SOURCE' && second.name !== 'KAFKA_CONSUMER') {
    s.error('SOURCE_DETAILS[1].SOURCE_NAME', 'KAFKA_SOURCE or KAFKA_CONSUMER (the unbounded part of a hybrid source, read after the bounded one)', second.name);
  } else if (second.type !== 'UNBOUNDED') {
    s.error('SOURCE_DETAILS[1].SOURCE_TYPE', 'UNBOUNDED (the Kafka part of a hybrid source)', second.type);
  }
  return { type: 'UNBOUNDED', name: second.name, hybrid: first.name as 'PARQUET_SOURCE' | 'FILE_SOURCE' };
}

function parseOneSourceDetail(s: Section, entry: Record<string, unknown>, i: number): StreamConfig['source'] {
  const d = new Section(entry, s.path(`SOURCE_DETAILS[${i}]`), s.issues);
  const nameGiven = d.has('SOURCE_NAME');
  const before = s.issues.errors.length;
  const name = d.oneOf('SOURCE_NAME', SOURCE_NAMES, 'KAFKA_CONSUMER');
  // A wrong SOURCE_NAME is the one error: SOURCE_TYPE is not checked against its KAFKA_CONSUMER fallback.
  const nameBad = s.issues.errors.length > before;
  const type = d.has('SOURCE_TYPE') ? d.oneOf('SOURCE_TYPE', SOURCE_TYPES, SOURCE_KIND[name]) : SOURCE_KIND[name];
  if (!nameGiven) d.error('SOURCE_NAME', `one of ${SOURCE_NAMES.join(', ')}`, undefined);
  for (const k of d.unusedKeys()) {
    const guess = closest(k, ['SOURCE_TYPE', 'SOURCE_NAME']);
    d.error(k, 'only SOURCE_TYPE and SOURCE_NAME', entry[k], guess ? `did you mean ${guess}?` : undefined);
  }
  // Beyond Dagger: KAFKA_SOURCE may also run BOUNDED (read up to the end offsets seen at start, then end),
  // as Flink's KafkaSource can; handy for backfills and benchmarks.
  const boundedKafka = name === 'KAFKA_SOURCE' && type === 'BOUNDED';
  if (type !== SOURCE_KIND[name] && !boundedKafka && !nameBad) {
    d.error('SOURCE_TYPE', `${SOURCE_KIND[name]} for ${name}${name === 'KAFKA_CONSUMER' ? ' (use KAFKA_SOURCE for a BOUNDED Kafka read)' : ''}`, type);
  }
  return { type: boundedKafka ? 'BOUNDED' : SOURCE_KIND[name], name };
}

function parseKafka(s: Section, ctx: StreamContext): KafkaSourceConfig {
  const topicPattern = s.required('SOURCE_KAFKA_TOPIC_NAMES', 'a topic name or regular expression (a|b for two topics)');
  if (topicPattern) {
    try {
      new RegExp(`^(?:${topicPattern})$`);
    } catch (e) {
      s.error('SOURCE_KAFKA_TOPIC_NAMES', 'a valid regular expression', topicPattern, (e as Error).message);
    }
  }
  const bootstrapServers = s.list(`${CONSUMER}BOOTSTRAP_SERVERS`) ?? [];
  if (bootstrapServers.length === 0 && !s.issues.errors.some((e) => e.key === s.path(`${CONSUMER}BOOTSTRAP_SERVERS`))) {
    s.error(`${CONSUMER}BOOTSTRAP_SERVERS`, 'a comma-separated list of host:port', s.get(`${CONSUMER}BOOTSTRAP_SERVERS`));
  }
  for (const b of bootstrapServers) {
    if (!/^[^\s:]+:\d+$/.test(b) && !/^\[[0-9a-fA-F:]+\]:\d+$/.test(b)) {
      s.error(`${CONSUMER}BOOTSTRAP_SERVERS`, 'host:port entries', b);
    }
  }
  const out: { -readonly [K in keyof KafkaSourceConfig]?: KafkaSourceConfig[K] } = {
    topicPattern,
    bootstrapServers,
    groupId: s.required(`${CONSUMER}GROUP_ID`, 'a consumer group id'),
    autoOffsetReset: readStreamKey(s, 'SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET'),
    autoCommit: readStreamKey(s, 'SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_COMMIT_ENABLE'),
    largeMessage: ctx.largeMessage,
  };
  const topics = literalTopics(topicPattern);
  if (topics) out.topics = topics;
  const clusterName = s.optional('SOURCE_KAFKA_NAME');
  if (clusterName !== undefined) out.clusterName = clusterName;
  const security = parseSecurity(s, ctx);
  if (security) out.security = security;

  // Passthrough properties: ADDITIONAL_CONFIGURATIONS first, then CONFIG_* keys of the stream itself.
  const additional: Record<string, string> = {};
  const extra = s.stringMap('SOURCE_KAFKA_CONSUMER_ADDITIONAL_CONFIGURATIONS') ?? {};
  for (const [k, v] of Object.entries(extra)) {
    if (!k.toUpperCase().startsWith(CONSUMER)) {
      s.error(`SOURCE_KAFKA_CONSUMER_ADDITIONAL_CONFIGURATIONS.${k}`, `a key starting with ${CONSUMER}`, k);
      continue;
    }
    additional[kafkaPropertyName(k.toUpperCase(), CONSUMER)] = v;
  }
  for (const k of Object.keys(s.values)) {
    if (!k.startsWith(CONSUMER) || KNOWN_CONSUMER_KEYS.has(k)) continue;
    const v = s.str(k);
    if (v !== undefined) additional[kafkaPropertyName(k, CONSUMER)] = v;
    else if (typeof s.get(k) === 'boolean') additional[kafkaPropertyName(k, CONSUMER)] = String(s.get(k));
  }
  out.additional = additional;
  const upsert = parseUpsertSource(s);
  if (upsert) out.upsert = upsert;
  return out as KafkaSourceConfig;
}

/** The topic list when the pattern is only names joined by `|` (a `.` is taken as itself, as people mean it). */
function literalTopics(pattern: string): string[] | undefined {
  if (!pattern) return undefined;
  const parts = pattern.split('|');
  return parts.every((p) => /^[A-Za-z0-9._-]+$/.test(p)) ? parts : undefined;
}

function parseSecurity(s: Section, ctx: StreamContext): KafkaSecurityConfig | undefined {
  const protocolGiven = s.has(`${CONSUMER}SECURITY_PROTOCOL`);
  const protocol = readStreamKey(s, 'SOURCE_KAFKA_CONSUMER_CONFIG_SECURITY_PROTOCOL');
  const mechanismKey = `${CONSUMER}SASL_MECHANISM`;
  const jaasKey = `${CONSUMER}SASL_JAAS_CONFIG`;
  const isSasl = protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
  const isSsl = protocol === 'SSL' || protocol === 'SASL_SSL';

  let sasl: SaslConfig | undefined;
  if (isSasl) {
    const mechanism = s.has(mechanismKey)
      ? s.oneOf(mechanismKey, ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const, 'PLAIN')
      : (s.error(mechanismKey, `PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (required with ${protocol})`, undefined), 'PLAIN' as const);
    const jaasText = s.required(jaasKey, `a JAAS line such as ${jaasExample(mechanism)} (required with ${protocol})`);
    if (jaasText) {
      const parsed = parseJaas(jaasText);
      if ('error' in parsed) {
        s.error(jaasKey, `a JAAS line such as ${jaasExample(mechanism)}`, new NotSecret(redactJaas(jaasText)), parsed.error);
      } else {
        const module = parsed.loginModule.split('.').pop() ?? '';
        const wanted = mechanism === 'PLAIN' ? 'PlainLoginModule' : 'ScramLoginModule';
        const { username, password } = parsed.options;
        if (module !== wanted) {
          s.error(jaasKey, `${wanted} for SASL mechanism ${mechanism}`, new NotSecret(parsed.loginModule));
        } else if (username === undefined || password === undefined) {
          s.error(jaasKey, 'username="..." and password="..." options', new NotSecret(redactJaas(jaasText)));
        } else sasl = { mechanism, username, password };
      }
    }
  } else if (s.has(mechanismKey) || s.has(jaasKey)) {
    ctx.issues.warn(`${s.path(mechanismKey)} / SASL_JAAS_CONFIG are ignored: SECURITY_PROTOCOL is ${protocol}, not SASL_PLAINTEXT or SASL_SSL`);
  }

  const ssl = parseSsl(s, ctx);
  if (ssl && !isSsl) {
    ctx.issues.warn(`${s.path(`${CONSUMER}SSL_*`)} keys are ignored: SECURITY_PROTOCOL is ${protocol}, not SSL or SASL_SSL`);
  }
  if (!protocolGiven) return undefined;
  return {
    protocol,
    ...(sasl ? { sasl } : {}),
    ...(ssl && isSsl ? { ssl } : {}),
  };
}

function parseSsl(s: Section, ctx: StreamContext): SslConfig | undefined {
  const out: { -readonly [K in keyof SslConfig]?: SslConfig[K] } = {};
  if (s.has(`${CONSUMER}SSL_PROTOCOL`)) out.protocol = s.oneOf(`${CONSUMER}SSL_PROTOCOL`, SSL_PROTOCOLS, 'TLS');
  const keyPassword = s.str(`${CONSUMER}SSL_KEY_PASSWORD`);
  if (keyPassword !== undefined) out.keyPassword = keyPassword;
  const keystore = parseStore(s, 'KEYSTORE', ctx);
  if (keystore) out.keystore = keystore;
  const truststore = parseStore(s, 'TRUSTSTORE', ctx);
  if (truststore) out.truststore = truststore;
  return Object.keys(out).length === 0 ? undefined : out;
}

function parseStore(s: Section, which: 'KEYSTORE' | 'TRUSTSTORE', ctx: StreamContext): StoreConfig | undefined {
  const p = `${CONSUMER}SSL_${which}_`;
  const location = s.optional(`${p}LOCATION`);
  const password = s.str(`${p}PASSWORD`);
  const type = s.has(`${p}TYPE`) ? s.oneOf(`${p}TYPE`, STORE_TYPES, 'PEM') : undefined;
  if (location === undefined) {
    if (password !== undefined || type !== undefined) s.error(`${p}LOCATION`, `the ${which.toLowerCase()} file path`, undefined);
    return undefined;
  }
  if (type === 'JKS') {
    ctx.issues.warn(`${s.path(`${p}TYPE`)}: JKS stores cannot be read by Node.js; convert to PEM or PKCS12 (keytool -importkeystore -deststoretype PKCS12)`);
  }
  return {
    location: resolvePath(ctx.baseDir, location),
    ...(password !== undefined ? { password } : {}),
    ...(type !== undefined ? { type } : {}),
  };
}

function jaasExample(mechanism: SaslConfig['mechanism']): string {
  const module = mechanism === 'PLAIN' ? 'plain.PlainLoginModule' : 'scram.ScramLoginModule';
  return `org.apache.kafka.common.security.${module} required username="u" password="p";`;
}

/** Never echo a password back into logs. */
function redactJaas(text: string): string {
  return text.replace(/(password\s*=\s*)("[^"]*"|[^\s;]+)/gi, '$1"***"');
}

function parseParquet(s: Section, ctx: StreamContext): ParquetSourceConfig {
  const pathsKey = 'SOURCE_PARQUET_FILE_PATHS';
  const v = s.json(pathsKey, 'a JSON array of file or folder paths');
  let filePaths: string[] = [];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x.trim() !== '')) {
    filePaths = (v as string[]).map((p) => resolvePath(ctx.baseDir, p.trim()));
  } else if (!(v === undefined && s.issues.errors.some((e) => e.key === s.path(pathsKey)))) {
    s.error(pathsKey, 'a non-empty JSON array of file or folder paths', v);
  }
  readStreamKey(s, 'SOURCE_PARQUET_READ_ORDER_STRATEGY'); // one value today: read to reject others
  const schemaMatchStrategy = readStreamKey(s, 'SOURCE_PARQUET_SCHEMA_MATCH_STRATEGY');
  const dateRanges: { start: number; end: number }[] = [];
  const rangeText = s.optional('SOURCE_PARQUET_FILE_DATE_RANGE');
  if (rangeText !== undefined) {
    for (const part of rangeText.split(';').map((x) => x.trim()).filter((x) => x)) {
      const ends = splitList(part);
      const [start, end] = ends.map((e) => Date.parse(e));
      if (ends.length !== 2 || start === undefined || end === undefined || Number.isNaN(start) || Number.isNaN(end) || start > end) {
        s.error('SOURCE_PARQUET_FILE_DATE_RANGE', 'ranges "start,end;start,end" of ISO instants with start <= end', part);
        continue;
      }
      dateRanges.push({ start, end });
    }
  }
  return { filePaths, readOrderStrategy: 'EARLIEST_TIME_URL_FIRST', schemaMatchStrategy, dateRanges };
}

function parseFile(s: Section, dataType: DataType, ctx: StreamContext): FileSourceConfig {
  const path = s.required('SOURCE_FILE_PATH', 'a file path');
  const allowed = dataType === 'JSON' ? (['JSONL'] as const) : (['PROTO_JSONL', 'PROTO_DELIMITED'] as const);
  const fallback = allowed[0];
  let format: FileSourceConfig['format'] = fallback;
  if (s.has('SOURCE_FILE_FORMAT')) {
    const all = ['JSONL', 'PROTO_JSONL', 'PROTO_DELIMITED'] as const;
    format = s.oneOf('SOURCE_FILE_FORMAT', all, fallback);
    if (!(allowed as readonly string[]).includes(format)) {
      s.error('SOURCE_FILE_FORMAT', `${allowed.join(' or ')} for INPUT_DATATYPE=${dataType}`, s.get('SOURCE_FILE_FORMAT'));
      format = fallback;
    }
  }
  return { path: path ? resolvePath(ctx.baseDir, path) : '', format };
}

function parsePostgresCdc(s: Section): PostgresCdcSourceConfig {
  const schema = readStreamKey(s, 'SOURCE_POSTGRES_CDC_SCHEMA');
  const table = s.required('SOURCE_POSTGRES_CDC_TABLE', 'the table whose changes are read');
  const slotName = s.optional('SOURCE_POSTGRES_CDC_SLOT_NAME') ?? `dirk_${schema}_${table}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (!/^[a-z0-9_]{1,63}$/.test(slotName)) s.error('SOURCE_POSTGRES_CDC_SLOT_NAME', 'lower-case letters, digits and _ (at most 63)', slotName);
  const publicationName = s.optional('SOURCE_POSTGRES_CDC_PUBLICATION_NAME') ?? `${slotName}_pub`;
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(publicationName)) s.error('SOURCE_POSTGRES_CDC_PUBLICATION_NAME', 'letters, digits and _ (at most 63)', publicationName);
  const password = s.has('SOURCE_POSTGRES_CDC_PASSWORD') ? readStreamKey(s, 'SOURCE_POSTGRES_CDC_PASSWORD') : undefined;
  return {
    host: readStreamKey(s, 'SOURCE_POSTGRES_CDC_HOST'),
    port: readStreamKey(s, 'SOURCE_POSTGRES_CDC_PORT'),
    user: readStreamKey(s, 'SOURCE_POSTGRES_CDC_USER'),
    ...(password ? { password } : {}),
    database: s.required('SOURCE_POSTGRES_CDC_DATABASE', 'a database name'),
    schema,
    table,
    slotName,
    publicationName,
    startupMode: readStreamKey(s, 'SOURCE_POSTGRES_CDC_STARTUP_MODE'),
  };
}

function parseDatagen(s: Section): DatagenSourceConfig {
  const rows = readStreamKey(s, 'SOURCE_DATAGEN_ROWS');
  const seed = readStreamKey(s, 'SOURCE_DATAGEN_SEED');
  const out: { -readonly [K in keyof DatagenSourceConfig]?: DatagenSourceConfig[K] } = { rows, seed };
  if (s.has('SOURCE_DATAGEN_RATE_PER_SECOND')) out.ratePerSecond = s.int('SOURCE_DATAGEN_RATE_PER_SECOND', 1, { min: 1 });
  return out as DatagenSourceConfig;
}

function sideTopicBrokers(s: Section, own: readonly string[] | undefined, needed: boolean): readonly string[] | undefined {
  const given = s.list('SOURCE_DEAD_LETTER_BROKERS');
  if (given && given.length > 0) return given;
  if (own && own.length > 0) return own;
  if (needed) {
    s.error('SOURCE_DEAD_LETTER_BROKERS', 'a comma-separated list of host:port (this stream is not read from Kafka, so there are no brokers to default to)', s.get('SOURCE_DEAD_LETTER_BROKERS'));
  }
  return undefined;
}

function parseBadRecords(s: Section, own: readonly string[] | undefined): BadRecordPolicy {
  const mode = readStreamKey(s, 'SOURCE_BAD_RECORD_POLICY');
  if (mode !== 'DEAD_LETTER') {
    if (s.has('SOURCE_DEAD_LETTER_TOPIC')) s.issues.warn(`${s.path('SOURCE_DEAD_LETTER_TOPIC')} is ignored: SOURCE_BAD_RECORD_POLICY is ${mode}, not DEAD_LETTER`);
    return { mode };
  }
  const topic = s.required('SOURCE_DEAD_LETTER_TOPIC', 'a topic name (required when SOURCE_BAD_RECORD_POLICY=DEAD_LETTER)');
  const brokers = sideTopicBrokers(s, own, true);
  const compression = readStreamKey(s, 'SOURCE_DEAD_LETTER_COMPRESSION_TYPE');
  return { mode, deadLetterTopic: topic, ...(brokers ? { deadLetterBrokers: brokers } : {}), ...(compression !== 'none' ? { compression } : {}) };
}

function parseLateRecords(s: Section, own: readonly string[] | undefined): LateRecordPolicy {
  const mode = readStreamKey(s, 'SOURCE_LATE_RECORD_POLICY');
  if (mode !== 'TOPIC') {
    if (s.has('SOURCE_LATE_RECORD_TOPIC')) s.issues.warn(`${s.path('SOURCE_LATE_RECORD_TOPIC')} is ignored: SOURCE_LATE_RECORD_POLICY is ${mode}, not TOPIC`);
    return { mode };
  }
  const topic = s.required('SOURCE_LATE_RECORD_TOPIC', 'a topic name (required when SOURCE_LATE_RECORD_POLICY=TOPIC)');
  const brokers = sideTopicBrokers(s, own, true);
  const compression = readStreamKey(s, 'SOURCE_DEAD_LETTER_COMPRESSION_TYPE');
  return { mode, topic, ...(brokers ? { brokers } : {}), ...(compression !== 'none' ? { compression } : {}) };
}

function warnUnknownStreamKeys(s: Section, issues: Issues): void {
  const known = Object.keys(D).filter((k) => !k.endsWith('*'));
  for (const k of s.unusedKeys()) {
    if (STREAM_KEY_PREFIXES.some((p) => k.startsWith(p))) continue;
    const legacy = LEGACY_STREAM_KEYS[k];
    if (legacy) {
      issues.warn(`${s.path(k)} is the spelling of Dagger's reference page, which its code never reads; it is ignored: use ${legacy}`);
      continue;
    }
    if (k in D) continue; // a known key that does not apply to this stream's source (e.g. parquet keys on a Kafka stream)
    const guess = closest(k, known);
    issues.warn(`${s.path(k)} is not a known stream key and is ignored${guess ? ` (did you mean ${guess}?)` : ''}`);
  }
}

/** SOURCE_KAFKA_UPSERT_*: the key columns, their prefix and what the value holds (Flink's upsert-kafka rules). */
function parseUpsertSource(s: Section): UpsertSourceConfig | undefined {
  const key = s.list('SOURCE_KAFKA_UPSERT_KEY');
  const prefix = s.optional('SOURCE_KAFKA_UPSERT_KEY_FIELDS_PREFIX') ?? '';
  const include = readStreamKey(s, 'SOURCE_KAFKA_UPSERT_VALUE_FIELDS_INCLUDE');
  if (!key || key.length === 0) {
    if (s.has('SOURCE_KAFKA_UPSERT_KEY')) s.error('SOURCE_KAFKA_UPSERT_KEY', 'a comma-separated list of key column names', s.get('SOURCE_KAFKA_UPSERT_KEY'));
    else if (prefix || s.has('SOURCE_KAFKA_UPSERT_VALUE_FIELDS_INCLUDE')) {
      s.error('SOURCE_KAFKA_UPSERT_KEY', 'the key columns (the other SOURCE_KAFKA_UPSERT_* keys apply to an upsert stream)', undefined);
    }
    return undefined;
  }
  const dataType = s.get('INPUT_DATATYPE') ?? STREAM_KEYS.INPUT_DATATYPE.default;
  if (dataType !== 'JSON') s.error('INPUT_DATATYPE', 'JSON for an upsert stream (SOURCE_KAFKA_UPSERT_KEY: the key and the value are JSON)', dataType);
  if (prefix && include === 'ALL') {
    s.error(
      'SOURCE_KAFKA_UPSERT_KEY_FIELDS_PREFIX',
      "no prefix while SOURCE_KAFKA_UPSERT_VALUE_FIELDS_INCLUDE=ALL (as Flink: a key prefix is not allowed when 'value.fields-include' is 'ALL'; set it to EXCEPT_KEY to avoid field overlaps)",
      prefix,
    );
  }
  for (const k of key) {
    if (prefix && !k.startsWith(prefix)) s.error('SOURCE_KAFKA_UPSERT_KEY', `key columns that start with the prefix '${prefix}' (SOURCE_KAFKA_UPSERT_KEY_FIELDS_PREFIX)`, k);
  }
  return { key, keyPrefix: prefix, valueFieldsInclude: include };
}
