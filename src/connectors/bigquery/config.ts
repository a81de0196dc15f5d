/**
 * SINK_TYPE=bigquery: read and validated as Dagger's depot sink is, so a Dagger job file loads, but there is
 * no BigQuery runtime in Dirk (src/connectors/index.ts refuses to create it with a clear message).
 */
import { sinkConfig } from '../../config/connector-spec.js';
import { keyReader } from '../../config/read-key.js';
import type { Section } from '../../config/reader.js';
import { BIGQUERY_KEYS } from './keys.js';

export type BigQueryErrorType =
  | 'DESERIALIZATION_ERROR'
  | 'INVALID_MESSAGE_ERROR'
  | 'UNKNOWN_FIELDS_ERROR'
  | 'SINK_4XX_ERROR'
  | 'SINK_5XX_ERROR'
  | 'SINK_UNKNOWN_ERROR'
  | 'DEFAULT_ERROR';

export interface BigQuerySinkConfig {
  readonly type: 'bigquery';
  readonly batchSize: number;
  readonly errorTypesForFailure: readonly BigQueryErrorType[];
  readonly protoKeyClass?: string;
  readonly protoMessageClass?: string;
  /** Every SINK_BIGQUERY_* key as written (depot's settings). */
  readonly settings: Readonly<Record<string, string>>;
}

const BIGQUERY_ERROR_TYPES: readonly BigQueryErrorType[] = [
  'DESERIALIZATION_ERROR',
  'INVALID_MESSAGE_ERROR',
  'UNKNOWN_FIELDS_ERROR',
  'SINK_4XX_ERROR',
  'SINK_5XX_ERROR',
  'SINK_UNKNOWN_ERROR',
  'DEFAULT_ERROR',
];
const read = keyReader(BIGQUERY_KEYS);

function parseBigQuerySink(s: Section): BigQuerySinkConfig {
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
    batchSize: read(s, 'SINK_BIGQUERY_BATCH_SIZE'),
    errorTypesForFailure: errorTypes,
    ...(keyClass !== undefined ? { protoKeyClass: keyClass } : {}),
    ...(messageClass !== undefined ? { protoMessageClass: messageClass } : {}),
    settings,
  };
}

export const bigquerySinkConfig = sinkConfig({ type: 'bigquery', keys: BIGQUERY_KEYS, keyPrefixes: ['SINK_BIGQUERY_'], parse: parseBigQuerySink });
