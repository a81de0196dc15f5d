/**
 * The CDC table's columns from PostgreSQL's catalog, and pgoutput's text values converted to SQL values.
 *
 * | PostgreSQL | SQL |
 * |---|---|
 * | smallint, integer | INT |
 * | bigint | BIGINT |
 * | real, double precision | FLOAT, DOUBLE |
 * | numeric(p, s) | DECIMAL(p, s); numeric without a precision: DOUBLE |
 * | boolean | BOOLEAN |
 * | bytea | BYTES |
 * | timestamp, timestamptz | TIMESTAMP(3) (timestamp without time zone read as UTC) |
 * | anything else (text, varchar, uuid, json, date, ...) | STRING (PostgreSQL's text form) |
 */
import type pg from 'pg';
import { userError } from '../../core/errors.js';
import { canonicalInt64, T, type Field, type SqlType, type TableSchema } from '../../core/types.js';
import type { PostgresCdcSourceConfig } from '../../config/index.js';

export function pgSqlType(formatted: string): SqlType {
  const t = formatted.toLowerCase();
  if (t === 'smallint' || t === 'integer') return T.INT;
  if (t === 'bigint') return T.BIGINT;
  if (t === 'real') return T.FLOAT;
  if (t === 'double precision' || t === 'numeric') return T.DOUBLE;
  const num = /^numeric\((\d+),(\d+)\)$/.exec(t);
  if (num) return T.decimal(Number(num[1]), Number(num[2]));
  if (t === 'boolean') return T.BOOLEAN;
  if (t === 'bytea') return T.BYTES;
  if (t.startsWith('timestamp')) return T.TIMESTAMP;
  return T.STRING;
}

/** A converter from pgoutput's text form to the column's SQL value. */
export function fromPgText(type: SqlType): (v: string) => unknown {
  switch (type.kind) {
    case 'INT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DECIMAL':
      return (v) => Number(v);
    case 'BIGINT':
      return (v) => canonicalInt64(BigInt(v));
    case 'BOOLEAN':
      return (v) => v === 't';
    case 'BYTES':
      return (v) => Buffer.from(v.startsWith('\\x') ? v.slice(2) : v, 'hex');
    case 'TIMESTAMP':
      return (v) => {
        // 2026-01-01 09:00:00.123456[+01[:30]]: ISO with a T, the zone as +HH:MM, UTC when absent.
        let iso = v.replace(' ', 'T');
        const zone = /([+-]\d\d)(:?\d\d)?$/.exec(iso);
        if (zone) iso = iso.slice(0, zone.index) + `${zone[1]}:${(zone[2] ?? '00').replace(':', '')}`;
        else iso += 'Z';
        return Date.parse(iso);
      };
    default:
      return (v) => v;
  }
}

/**
 * The driver, loaded when a job first connects to PostgreSQL (a CDC table's schema, a lookup table's pool):
 * this module is imported by every job (through the planner's CDC and lookup tables), most never connect.
 */
let pgModule: Promise<typeof pg> | undefined;
export const loadPg = (): Promise<typeof pg> => (pgModule ??= import('pg').then((m) => m.default));

export function pgClientConfig(c: PostgresCdcSourceConfig): pg.ClientConfig {
  return { host: c.host, port: c.port, user: c.user, database: c.database, ...(c.password ? { password: c.password } : {}), connectionTimeoutMillis: 10_000 };
}

const KEY = (i: number): string => `STREAMS[${i}].SOURCE_POSTGRES_CDC_TABLE`;

/** Reads the table's columns (and checks it can be replicated) when the job is prepared. */
export async function cdcTableSchema(c: PostgresCdcSourceConfig, opts: { table: string; index: number }): Promise<TableSchema> {
  const client = new (await loadPg()).Client(pgClientConfig(c));
  try {
    await client.connect();
  } catch (e) {
    throw userError(`STREAMS[${opts.index}]: cannot connect to PostgreSQL at ${c.host}:${c.port} database ${c.database} as ${c.user}: ${(e as Error).message}`);
  }
  try {
    const rel = await client.query<{ relreplident: string }>(
      'SELECT c.relreplident FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2',
      [c.schema, c.table],
    );
    if (rel.rowCount === 0) throw userError(`${KEY(opts.index)}: no table ${c.schema}.${c.table} in database ${c.database}`, { key: KEY(opts.index) });
    if (rel.rows[0]!.relreplident !== 'f') {
      throw userError(
        `${KEY(opts.index)}: table ${c.schema}.${c.table} needs REPLICA IDENTITY FULL, so that updates and deletes carry the old row the changelog retracts; run: ALTER TABLE ${c.schema}.${c.table} REPLICA IDENTITY FULL`,
        { key: KEY(opts.index) },
      );
    }
    const cols = await client.query<{ attname: string; type: string; attnotnull: boolean; pk: boolean }>(
      `SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull, COALESCE(a.attnum = ANY(i.indkey), false) AS pk
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
        WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum`,
      [c.schema, c.table],
    );
    const columns: Field[] = cols.rows.map((r) => ({ name: r.attname, type: pgSqlType(r.type), nullable: !r.attnotnull }));
    const primaryKey = cols.rows.flatMap((r, i) => (r.pk ? [i] : []));
    return { name: opts.table, columns, rowtimeIndex: undefined, changelog: true, ...(primaryKey.length ? { primaryKey } : {}) };
  } finally {
    await client.end().catch(() => {});
  }
}
