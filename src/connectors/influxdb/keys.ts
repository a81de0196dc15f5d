import { key } from '../../config/key-spec.js';

/**
 * The InfluxDB sink (SINK_TYPE=influx) keys. The connector catalog (src/connectors/catalog.ts) composes them into the one key table, in place, so
 * their type, range, default and description drive parsing, unknown-key warnings, the job-file JSON Schema
 * and docs/configuration.md as every other key's do. This file imports only config/key-spec.ts: it belongs
 * to the config layer (a lint rule holds it to that), though it lives in the connector's folder.
 */
export const INFLUX_KEYS = {
  SINK_INFLUX_URL: key({ group: 'Influx sink', required: 'when SINK_TYPE=influx', description: 'InfluxDB base URL, e.g. `http://localhost:8086`.' }),
  SINK_INFLUX_API_VERSION: key({
    group: 'Influx sink',
    default: '1',
    description:
      '`1`: the v1 write API (`/write?db=&rp=&precision=ms`), which every InfluxDB 1.x from 1.0 has and 2.x keeps for compatibility. `2`: `/api/v2/write?org=&bucket=` with a token (InfluxDB 2.x, 1.8+, QuestDB and other servers of InfluxDB line protocol over HTTP).',
    dagger: 'Dirk only; Dagger writes through influxdb-java, which is the v1 API.',
  }),
  SINK_INFLUX_AUTH_METHOD: key({ group: 'Influx sink', default: 'BASIC', description: 'API 1: send SINK_INFLUX_USERNAME/PASSWORD as HTTP basic auth (`BASIC`) or as the `u`/`p` query parameters (`QUERY`, as influxdb-java does).' }),
  SINK_INFLUX_ORG: key({ group: 'Influx sink', default: '', description: 'API 2: organisation name.' }),
  SINK_INFLUX_BUCKET: key({ group: 'Influx sink', description: 'API 2: bucket; default SINK_INFLUX_DB_NAME, or `db/rp` with SINK_INFLUX_RETENTION_POLICY (the 1.8 mapping).' }),
  SINK_INFLUX_TOKEN: key({ group: 'Influx sink', description: 'API 2: API token (never logged); without it `username:password` is sent as the token, as InfluxDB 1.8 expects.' }),
  SINK_INFLUX_USERNAME: key({ type: 'text', group: 'Influx sink', default: '', description: 'InfluxDB user.' }),
  SINK_INFLUX_PASSWORD: key({ type: 'text', group: 'Influx sink', default: '', description: 'InfluxDB password.' }),
  SINK_INFLUX_DB_NAME: key({ group: 'Influx sink', required: 'when SINK_TYPE=influx', description: 'Database to write to.' }),
  SINK_INFLUX_MEASUREMENT_NAME: key({ group: 'Influx sink', required: 'when SINK_TYPE=influx', description: 'Measurement every row is written to.' }),
  SINK_INFLUX_RETENTION_POLICY: key({
    type: 'string',
    group: 'Influx sink',
    default: '',
    description: 'Retention policy; empty = the database default.',
    dagger: 'Code default "" (the docs say `autogen`).',
  }),
  SINK_INFLUX_BATCH_SIZE: key({ type: 'int', min: 0, group: 'Influx sink', default: 0, description: 'Points per write; 0 = write on every checkpoint / flush only.' }),
  SINK_INFLUX_FLUSH_DURATION_MS: key({ type: 'int', min: 0, group: 'Influx sink', default: 0, description: 'Flush buffered points at least this often, in ms; 0 = only on batch size and checkpoints.' }),
  SINK_INFLUX_WITH_ROW_NAMES_WRITER: key({ type: 'bool', group: 'Influx sink', default: false, description: 'goto/dagger: take column names from the row itself. Accepted; Dirk always knows column names.' }),
};
