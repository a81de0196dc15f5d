import { key } from '../../config/key-spec.js';

/**
 * The Parquet source (PARQUET_SOURCE) keys. The connector catalog (src/connectors/catalog.ts) composes them into the one key table, in place, so
 * their type, range, default and description drive parsing, unknown-key warnings, the job-file JSON Schema
 * and docs/configuration.md as every other key's do. This file imports only config/key-spec.ts: it belongs
 * to the config layer (a lint rule holds it to that), though it lives in the connector's folder.
 */
export const PARQUET_KEYS = {
  SOURCE_PARQUET_FILE_PATHS: key({ group: 'Parquet source', required: 'for PARQUET_SOURCE', description: 'JSON array of local files or folders (searched recursively; names starting with `.` or `_` skipped). Each file needs a `dt=YYYY-MM-DD[/hr=HH]` folder in its path, which orders the reading.' }),
  SOURCE_PARQUET_READ_ORDER_STRATEGY: key({ type: 'enum', values: ['EARLIEST_TIME_URL_FIRST'], group: 'Parquet source', default: 'EARLIEST_TIME_URL_FIRST', description: 'Only `EARLIEST_TIME_URL_FIRST` (Dagger throws on EARLIEST_INDEX_FIRST).' }),
  SOURCE_PARQUET_SCHEMA_MATCH_STRATEGY: key({ type: 'enum', values: ['SAME_SCHEMA_WITH_FAIL_ON_MISMATCH', 'BACKWARD_COMPATIBLE_SCHEMA_WITH_FAIL_ON_TYPE_MISMATCH'], group: 'Parquet source', default: 'SAME_SCHEMA_WITH_FAIL_ON_MISMATCH', description: '`SAME_SCHEMA_WITH_FAIL_ON_MISMATCH` (a field the query reads must be in every file) or `BACKWARD_COMPATIBLE_SCHEMA_WITH_FAIL_ON_TYPE_MISMATCH` (a missing field reads as its protobuf default). A type mismatch fails under both.' }),
  SOURCE_PARQUET_FILE_DATE_RANGE: key({ group: 'Parquet source', description: '`start,end;start,end` ISO instants, ends inclusive; keeps the files whose partition time (`dt=`/`hr=`) is in a range.' }),
};
