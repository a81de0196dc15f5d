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
};
