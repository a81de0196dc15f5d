import { key } from '../../config/key-spec.js';

/**
 * The BigQuery sink (SINK_TYPE=bigquery) keys, composed into the one key table through src/connectors/catalog.ts (in place, so their type,
 * range, default and description drive parsing, unknown-key warnings, the job-file JSON Schema and
 * docs/configuration.md as every other key's do). This file imports only config/key-spec.ts: it belongs to
 * the config layer (lint rule connector-keys-are-config), though it lives in the connector's folder.
 */
export const BIGQUERY_KEYS = {
  SINK_BIGQUERY_BATCH_SIZE: key({
    type: 'int',
    min: 1,
    group: 'BigQuery sink',
    default: 500,
    description: 'Rows per push. The BigQuery sink is validated but not available in Dirk at run time.',
    dagger: 'Code default 500 (the docs call it required).',
  }),
  SINK_ERROR_TYPES_FOR_FAILURE: key({
    group: 'BigQuery sink',
    default: '',
    description: 'Comma list of error types that fail the job: DESERIALIZATION_ERROR, INVALID_MESSAGE_ERROR, UNKNOWN_FIELDS_ERROR, SINK_4XX_ERROR, SINK_5XX_ERROR, SINK_UNKNOWN_ERROR, DEFAULT_ERROR.',
  }),
  SINK_CONNECTOR_SCHEMA_PROTO_KEY_CLASS: key({ group: 'BigQuery sink', description: 'Proto key class for the BigQuery sink.' }),
  SINK_CONNECTOR_SCHEMA_PROTO_MESSAGE_CLASS: key({ group: 'BigQuery sink', description: 'Proto message class for the BigQuery sink.' }),
  'SINK_BIGQUERY_*': key({ group: 'BigQuery sink', description: 'Depot\'s BigQuery settings, kept as written.' }),
};
