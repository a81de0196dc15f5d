/** STREAMS: one table per element, each with its source, schema and record policies. */
import { closest } from '../core/errors.js';
import { SOURCE_NAMES, SOURCE_SPECS, sourceSpec } from '../connectors/catalog.js';
import type { Issues } from './config-errors.js';
import { LEGACY_STREAM_KEYS, STREAM_KEYS, STREAM_KEY_PREFIXES } from './defaults.js';
import { readStreamKey } from './spec.js';
import { parseJsonText } from './json-scan.js';
import { Section, isPlainObject } from './reader.js';
import type { BadRecordPolicy, LateRecordPolicy, SourceName, SourceType, StreamConfig } from './types.js';

const D = STREAM_KEYS;
const SOURCE_TYPES: readonly SourceType[] = ['BOUNDED', 'UNBOUNDED'];
/** Which SOURCE_TYPE each source can run as (the catalog's `runsAs`). */
const SOURCE_KIND = Object.fromEntries(SOURCE_SPECS.flatMap((c) => c.names.map((n) => [n, c.runsAs]))) as Record<SourceName, SourceType>;

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

  // What the stream's source connectors read is declared in the catalog (src/connectors/catalog.ts).
  const main = sourceSpec(source.name);
  const bounded = source.hybrid ? sourceSpec(source.hybrid) : undefined;
  if (main.dataTypes.length === 0) {
    // The table's columns come from the source itself (PostgreSQL CDC: the database's catalog), not from INPUT_SCHEMA_* keys.
  } else if (meant === undefined) {
    // neither proto nor JSON keys: nothing to check until the data type is fixed
  } else if (meant === 'PROTO') {
    base.protoClass = s.required('INPUT_SCHEMA_PROTO_CLASS', 'a proto message full name such as com.example.Booking');
    if (s.has('INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX')) {
      base.eventTimestampFieldIndex = s.int('INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX', 0, { min: 1 });
    } else s.error('INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX', 'the field number of a google.protobuf.Timestamp field', undefined);
  } else if (dataType === 'AVRO') {
    if (!main.dataTypes.includes('AVRO') || (bounded && !bounded.dataTypes.includes('AVRO'))) {
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
    if (s.has('INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_UNIT')) {
      const unit = s.optional('INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_UNIT')?.trim().toUpperCase();
      if (unit === 'SECONDS' || unit === 'MILLISECONDS') base.jsonEventTimestampUnit = unit;
      else s.error('INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_UNIT', 'SECONDS or MILLISECONDS', s.get('INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_UNIT'));
    }
    const noJson = [bounded, main].find((c) => c !== undefined && c.dataTypes.length > 0 && !c.dataTypes.includes('JSON'));
    if (noJson) {
      const note = noJson.dataTypeNote ? ` (${noJson.dataTypeNote})` : '';
      s.error('INPUT_DATATYPE', `${noJson.dataTypes.join(' or ')} for ${noJson.names[0]}${note}`, 'JSON');
    }
  }

  // The source connector's reader fills its slot (catalog: src/connectors/catalog.ts); a hybrid source's
  // bounded part is read first with the stream's own data type.
  const slots = base as Record<string, unknown>;
  // (A source that cannot be a hybrid's first part has been reported by parseHybridDetails; its keys are not read.)
  if (bounded?.hybridPart === 'first') slots[bounded.slot] = bounded.parse(s, { baseDir: ctx.baseDir, largeMessage: ctx.largeMessage, dataType });
  let ownBrokers: readonly string[] | undefined;
  if (!sourceBad) {
    const slice = main.parse(s, { baseDir: ctx.baseDir, largeMessage: ctx.largeMessage, dataType: meant ?? dataType });
    slots[main.slot] = slice;
    ownBrokers = main.sideOutputBrokers?.(slice);
  }

  base.badRecordPolicy = parseBadRecords(s, ownBrokers);
  base.lateRecords = parseLateRecords(s, ownBrokers);
  const alignment = parseAlignment(s);
  if (alignment) base.watermarkAlignment = alignment;

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
  // Which sources can be which part is declared in the catalog (`hybridPart`).
  const partNames = (part: 'first' | 'second'): SourceName[] => SOURCE_SPECS.filter((c) => c.hybridPart === part).flatMap((c) => c.names as readonly SourceName[]);
  const [firsts, seconds] = [partNames('first'), partNames('second')];
  if (!firsts.includes(first.name)) {
    s.error('SOURCE_DETAILS[0].SOURCE_NAME', `${firsts.join(' or ')} (the bounded part of a hybrid source, read first)`, first.name);
  }
  if (!seconds.includes(second.name)) {
    s.error('SOURCE_DETAILS[1].SOURCE_NAME', `${seconds.join(' or ')} (the unbounded part of a hybrid source, read after the bounded one)`, second.name);
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

/** SOURCE_WATERMARK_ALIGNMENT_GROUP and its max drift, both or neither (src/job/watermark-alignment.ts). */
function parseAlignment(s: Section): StreamConfig['watermarkAlignment'] {
  const group = s.optional('SOURCE_WATERMARK_ALIGNMENT_GROUP')?.trim();
  if (group === undefined || group === '') {
    if (s.has('SOURCE_WATERMARK_ALIGNMENT_MAX_DRIFT_MS')) s.issues.warn(`${s.path('SOURCE_WATERMARK_ALIGNMENT_MAX_DRIFT_MS')} is ignored: the stream has no SOURCE_WATERMARK_ALIGNMENT_GROUP`);
    return undefined;
  }
  if (!s.has('SOURCE_WATERMARK_ALIGNMENT_MAX_DRIFT_MS')) {
    s.error('SOURCE_WATERMARK_ALIGNMENT_MAX_DRIFT_MS', 'a whole number of milliseconds of at least 1 (required with SOURCE_WATERMARK_ALIGNMENT_GROUP)', undefined);
    return undefined;
  }
  const maxDriftMs = readStreamKey(s, 'SOURCE_WATERMARK_ALIGNMENT_MAX_DRIFT_MS');
  return maxDriftMs === undefined ? undefined : { group, maxDriftMs };
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
