import { key } from '../../config/key-spec.js';

/**
 * The datagen source (DATAGEN_SOURCE) keys. The connector catalog (src/connectors/catalog.ts) composes them into the one key table, in place, so
 * their type, range, default and description drive parsing, unknown-key warnings, the job-file JSON Schema
 * and docs/configuration.md as every other key's do. This file imports only config/key-spec.ts: it belongs
 * to the config layer (a lint rule holds it to that), though it lives in the connector's folder.
 */
export const DATAGEN_KEYS = {
  SOURCE_DATAGEN_ROWS: key({ type: 'int', min: 0, group: 'Datagen source', default: 1000, description: 'Rows to generate from the schema.', dagger: 'Dirk only.' }),
  SOURCE_DATAGEN_RATE_PER_SECOND: key({ group: 'Datagen source', description: 'Rows per second; absent = as fast as possible.', dagger: 'Dirk only.' }),
  SOURCE_DATAGEN_SEED: key({ type: 'int', group: 'Datagen source', default: 1, description: 'Random seed, so runs repeat.', dagger: 'Dirk only.' }),
  SOURCE_DATAGEN_FIELDS: key({
    type: 'text',
    group: 'Datagen source',
    description:
      "Flink's datagen rules per column, as a JSON object of `<column>.<option>` to value (Flink's `fields.<column>.<option>` without `fields.`): `kind` (`random` or `sequence`), `min`, `max`, `max-past`, `length`, `var-len`, `start`, `end`, `null-rate`. When given (even `{}`), every column follows Flink's rules (random values, sequences that end the source) instead of the seeded generator; a SQL script's `'connector' = 'datagen'` table sets it.",
    dagger: 'Dirk only.',
  }),
  SOURCE_DATAGEN_UNBOUNDED: key({
    type: 'bool',
    group: 'Datagen source',
    default: false,
    description: 'Generate until the job is stopped (or a sequence column is used up) instead of SOURCE_DATAGEN_ROWS rows: Flink datagen without `number-of-rows`.',
    dagger: 'Dirk only.',
  }),
};
