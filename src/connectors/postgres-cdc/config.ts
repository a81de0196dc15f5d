/** POSTGRES_CDC_SOURCE: a stream's PostgreSQL CDC keys (SOURCE_POSTGRES_CDC_*). */
import { sourceConfig } from '../../config/connector-spec.js';
import { keyReader } from '../../config/read-key.js';
import type { Section } from '../../config/reader.js';
import { POSTGRES_CDC_KEYS as D } from './keys.js';

const read = keyReader(D);

/** POSTGRES_CDC_SOURCE: one table's changes through logical replication (pgoutput). */
export interface PostgresCdcSourceConfig {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
  readonly database: string;
  readonly schema: string;
  readonly table: string;
  readonly slotName: string;
  readonly publicationName: string;
  readonly startupMode: 'INITIAL' | 'LATEST_OFFSET';
}

function parsePostgresCdc(s: Section): PostgresCdcSourceConfig {
  const schema = read(s, 'SOURCE_POSTGRES_CDC_SCHEMA');
  const table = s.required('SOURCE_POSTGRES_CDC_TABLE', 'the table whose changes are read');
  const slotName = s.optional('SOURCE_POSTGRES_CDC_SLOT_NAME') ?? `dirk_${schema}_${table}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (!/^[a-z0-9_]{1,63}$/.test(slotName)) s.error('SOURCE_POSTGRES_CDC_SLOT_NAME', 'lower-case letters, digits and _ (at most 63)', slotName);
  const publicationName = s.optional('SOURCE_POSTGRES_CDC_PUBLICATION_NAME') ?? `${slotName}_pub`;
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(publicationName)) s.error('SOURCE_POSTGRES_CDC_PUBLICATION_NAME', 'letters, digits and _ (at most 63)', publicationName);
  const password = s.has('SOURCE_POSTGRES_CDC_PASSWORD') ? read(s, 'SOURCE_POSTGRES_CDC_PASSWORD') : undefined;
  return {
    host: read(s, 'SOURCE_POSTGRES_CDC_HOST'),
    port: read(s, 'SOURCE_POSTGRES_CDC_PORT'),
    user: read(s, 'SOURCE_POSTGRES_CDC_USER'),
    ...(password ? { password } : {}),
    database: s.required('SOURCE_POSTGRES_CDC_DATABASE', 'a database name'),
    schema,
    table,
    slotName,
    publicationName,
    startupMode: read(s, 'SOURCE_POSTGRES_CDC_STARTUP_MODE'),
  };
}

// dataTypes []: the table's columns come from the database's catalog, not from INPUT_SCHEMA_* keys.
export const postgresCdcSourceConfig = sourceConfig({ names: ['POSTGRES_CDC_SOURCE'], runsAs: 'UNBOUNDED', slot: 'postgresCdc', keys: D, parse: parsePostgresCdc, dataTypes: [] });
