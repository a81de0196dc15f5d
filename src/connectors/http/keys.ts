import { KAFKA_COMPRESSION_TYPES, key } from '../../config/key-spec.js';

/**
 * The HTTP sink (SINK_TYPE=http) keys, composed into the one key table through src/connectors/catalog.ts (in place, so their type,
 * range, default and description drive parsing, unknown-key warnings, the job-file JSON Schema and
 * docs/configuration.md as every other key's do). This file imports only config/key-spec.ts: it belongs to
 * the config layer (lint rule connector-keys-are-config), though it lives in the connector's folder.
 */
export const HTTP_KEYS = {
  SINK_HTTP_URL: key({
    group: 'HTTP sink',
    required: 'when SINK_TYPE=http',
    description: 'URL rows are sent to; `{column}` placeholders are replaced by the row\'s value (URL-encoded), and rows of a batch are grouped by the URL they produce.',
    dagger: 'Dirk only (raystack/dagger#204).',
  }),
  SINK_HTTP_METHOD: key({ group: 'HTTP sink', default: 'POST', description: '`POST`, `PUT` or `PATCH`.' }),
  SINK_HTTP_HEADERS: key({ group: 'HTTP sink', description: 'Request headers: a JSON object, or `Name:value,Name2:value2`. `Content-Type: application/json` is always set.' }),
  SINK_HTTP_REQUEST_MODE: key({ group: 'HTTP sink', default: 'BATCH', description: '`SINGLE`: one row per request, its JSON object as the body. `BATCH`: a JSON array of up to SINK_HTTP_BATCH_SIZE rows per request.' }),
  SINK_HTTP_BATCH_SIZE: key({ group: 'HTTP sink', default: 500, description: 'Rows per request in BATCH mode.' }),
  SINK_HTTP_MAX_RETRIES: key({ group: 'HTTP sink', default: 5, description: 'Retries of a request answered with a retryable status or not answered at all, before its rows count as failed.' }),
  SINK_HTTP_RETRY_BACKOFF_MS: key({ group: 'HTTP sink', default: 200, description: 'First retry delay in ms; doubled on each retry (with jitter) up to SINK_HTTP_RETRY_BACKOFF_MAX_MS. A `Retry-After` header on a 429 or 503 is honoured instead, up to the same cap.' }),
  SINK_HTTP_RETRY_BACKOFF_MAX_MS: key({ group: 'HTTP sink', default: 30000, description: 'Longest wait between two attempts, in ms.' }),
  SINK_HTTP_RETRY_STATUS_CODES: key({ group: 'HTTP sink', default: '429,500-599', description: 'Statuses that are retried: a comma list of codes and ranges. Any other non-2xx status fails the request at once.' }),
  SINK_HTTP_REQUEST_TIMEOUT_MS: key({ group: 'HTTP sink', default: 10000, description: 'Timeout of one attempt, in ms (a timed-out attempt is retried).' }),
  SINK_HTTP_MAX_IN_FLIGHT: key({ group: 'HTTP sink', default: 4, description: 'Requests sent at the same time during a flush.' }),
  SINK_HTTP_DEAD_LETTER_TOPIC: key({
    group: 'HTTP sink',
    description: 'Kafka topic for rows whose request failed permanently (a non-retryable status, or retries exhausted): each row as JSON with `dirk-http-status` and `dirk-error` headers, and the job goes on. Without it such a failure stops the job (nothing is lost: a restart replays from the last checkpoint).',
  }),
  SINK_HTTP_DEAD_LETTER_BROKERS: key({ group: 'HTTP sink', required: 'with SINK_HTTP_DEAD_LETTER_TOPIC', description: 'Brokers of the dead-letter topic, `host:port` list.' }),
  SINK_HTTP_DEAD_LETTER_COMPRESSION_TYPE: key({
    type: 'enum',
    values: KAFKA_COMPRESSION_TYPES,
    group: 'HTTP sink',
    default: 'none',
    description: 'Kafka\'s `compression.type` of the records written to SINK_HTTP_DEAD_LETTER_TOPIC: `none`, `gzip`, `snappy`, `lz4` or `zstd`.',
    dagger: 'Dirk only.',
  }),
};
