import { key } from '../../config/key-spec.js';

/**
 * The PostgreSQL CDC source (POSTGRES_CDC_SOURCE) keys, composed into the one key table through src/connectors/catalog.ts (in place, so their type,
 * range, default and description drive parsing, unknown-key warnings, the job-file JSON Schema and
 * docs/configuration.md as every other key's do). This file imports only config/key-spec.ts: it belongs to
 * the config layer (lint rule connector-keys-are-config), though it lives in the connector's folder.
 */
export const POSTGRES_CDC_KEYS = {
  SOURCE_POSTGRES_CDC_HOST: key({ type: 'string', group: 'PostgreSQL CDC source', default: '127.0.0.1', description: 'PostgreSQL host (the server needs `wal_level=logical`).', dagger: 'Dirk only (Dagger issue #55); Flink CDC\'s `hostname`.' }),
  SOURCE_POSTGRES_CDC_PORT: key({ type: 'int', min: 1, max: 65535, group: 'PostgreSQL CDC source', default: 5432, description: 'PostgreSQL port.', dagger: 'Dirk only.' }),
  SOURCE_POSTGRES_CDC_USER: key({ type: 'string', group: 'PostgreSQL CDC source', default: 'postgres', description: 'A user with the REPLICATION attribute (or superuser) that may read the table.', dagger: 'Dirk only.' }),
  SOURCE_POSTGRES_CDC_PASSWORD: key({ type: 'text', group: 'PostgreSQL CDC source', description: 'Its password (absent: none, or PGPASSWORD).', dagger: 'Dirk only.' }),
  SOURCE_POSTGRES_CDC_DATABASE: key({ type: 'string', group: 'PostgreSQL CDC source', required: 'for POSTGRES_CDC_SOURCE', description: 'Database of the table.', dagger: 'Dirk only.' }),
  SOURCE_POSTGRES_CDC_SCHEMA: key({ type: 'string', group: 'PostgreSQL CDC source', default: 'public', description: 'Schema of the table.', dagger: 'Dirk only.' }),
  SOURCE_POSTGRES_CDC_TABLE: key({ type: 'string', group: 'PostgreSQL CDC source', required: 'for POSTGRES_CDC_SOURCE', description: 'The table whose changes are read; it needs `REPLICA IDENTITY FULL` (updates and deletes then carry the old row).', dagger: 'Dirk only.' }),
  SOURCE_POSTGRES_CDC_SLOT_NAME: key({ type: 'string', group: 'PostgreSQL CDC source', description: 'Logical replication slot (pgoutput) the source owns; default `dirk_<schema>_<table>`.', dagger: 'Dirk only; Flink CDC\'s `slot.name`.' }),
  SOURCE_POSTGRES_CDC_PUBLICATION_NAME: key({ type: 'string', group: 'PostgreSQL CDC source', description: 'Publication of the table (created when missing); default `<slot>_pub`.', dagger: 'Dirk only.' }),
  SOURCE_POSTGRES_CDC_STARTUP_MODE: key({
    type: 'enum',
    values: ['INITIAL', 'LATEST_OFFSET'],
    group: 'PostgreSQL CDC source',
    default: 'INITIAL',
    description: 'Without a checkpoint: `INITIAL` reads the table\'s rows (a snapshot consistent with the slot) as inserts, then its changes; `LATEST_OFFSET` only changes from now on. With a checkpoint, changes after its LSN.',
    dagger: 'Dirk only; Flink CDC\'s `scan.startup.mode`.',
  }),
};
