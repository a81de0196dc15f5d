/** SINK_TYPE=influx: the InfluxDB sink's keys (SINK_INFLUX_*), read from the top level or one SINKS entry. */
import { sinkConfig } from '../../config/connector-spec.js';
import type { Section } from '../../config/reader.js';
import { INFLUX_KEYS as D } from './keys.js';

export interface InfluxSinkConfig {
  readonly type: 'influx';
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly dbName: string;
  readonly measurementName: string;
  readonly retentionPolicy: string;
  readonly batchSize: number;
  readonly flushDurationMs: number;
  readonly withRowNamesWriter: boolean;
  /** SINK_INFLUX_API_VERSION: 1 = /write (every 1.x), 2 = /api/v2/write. */
  readonly apiVersion: 1 | 2;
  readonly authMethod: 'BASIC' | 'QUERY';
  readonly org: string;
  readonly bucket?: string;
  readonly token?: string;
}

function parseInfluxSink(s: Section): InfluxSinkConfig {
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

export const influxSinkConfig = sinkConfig({ type: 'influx', keys: D, parse: parseInfluxSink });
