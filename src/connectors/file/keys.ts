import { key } from '../../config/key-spec.js';

/**
 * The file source (FILE_SOURCE) keys. The connector catalog (src/connectors/catalog.ts) composes them into the one key table, in place, so
 * their type, range, default and description drive parsing, unknown-key warnings, the job-file JSON Schema
 * and docs/configuration.md as every other key's do. This file imports only config/key-spec.ts: it belongs
 * to the config layer (a lint rule holds it to that), though it lives in the connector's folder.
 */
export const FILE_KEYS = {
  SOURCE_FILE_PATH: key({ group: 'File source', required: 'for FILE_SOURCE', description: 'File to read (resolved against the working directory).', dagger: 'Dirk only.' }),
  SOURCE_FILE_FORMAT: key({
    group: 'File source',
    description: '`JSONL` (JSON streams; the default for them), `PROTO_JSONL` (one proto message per line in protobuf JSON form; the default for PROTO streams) or `PROTO_DELIMITED` (length-delimited binary).',
    dagger: 'Dirk only.',
  }),
};
