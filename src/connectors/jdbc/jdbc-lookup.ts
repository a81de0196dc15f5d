import type pg from 'pg';
import { fitDecimal, parseDecimal } from '../../core/decimal.js';
import { externalError, userError } from '../../core/errors.js';
import type { Row, SqlType } from '../../core/types.js';
import type { LookupTable } from '../../plan/nodes.js';
import type { LookupClient, LookupClients } from '../../runtime/lookup-join.js';
import { LOOKUP_CONCURRENCY } from '../../runtime/lookup-join.js';
import { fromPgText, loadPg } from '../postgres-cdc/pg-schema.js';

/**
 * Flink's JDBC lookup source against PostgreSQL: `SELECT <the table's columns> FROM <table-name> WHERE k1 = $1
 * AND ...`, the key values always bound as parameters (the statement text holds only the DDL's identifiers,
 * checked to be plain names when the script was planned). One pool of LOOKUP_CONCURRENCY connections per
 * lookup join. A query that fails on the connection is tried again up to 'lookup.max-retries' times (waits of
 * 200 ms, 400 ms, ...); an error of the query itself (a missing table or column, a bad value) fails at once.
 * Errors name the lookup table and its URL without credentials; the password never appears in a message.
 */

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P03', '08006', '08001', '08004', '08003']);

function isConnectionError(e: unknown): boolean {
  const err = e as Error & { code?: string };
  return CONNECTION_CODES.has(err.code ?? '') || /timeout exceeded when trying to connect|Connection terminated/i.test(err.message ?? '');
}

interface ParsedUrl {
  host: string;
  port: number;
  database: string;
}

function parseJdbcUrl(url: string): ParsedUrl {
  const m = /^jdbc:postgresql:\/\/(?:[^@/]*@)?([^/:?]+|\[[^\]]+\])(?::(\d+))?\/([^/?]+)/.exec(url);
  if (!m) throw userError(`lookup table: 'url' must be 'jdbc:postgresql://host[:port]/database'`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: m[2] ? Number(m[2]) : 5432, database: decodeURIComponent(m[3]!) };
}

/** The URL as errors show it: no userinfo, nothing after `?`. */
function shownUrl(url: string): string {
  return url.replace(/\?.*$/, '').replace(/\/\/[^/@]*@/, '//');
}

function converter(t: SqlType): (v: string) => unknown {
  if (t.kind === 'DECIMAL') {
    return (v) => {
      const d = parseDecimal(v);
      return d === null ? null : fitDecimal(d, t.precision, t.scale);
    };
  }
  if (t.kind === 'STRING') return (v) => v;
  return fromPgText(t);
}

/** A key value as the text PostgreSQL casts to the column's type. */
function bindValue(v: unknown, t: SqlType): unknown {
  if (t.kind === 'TIMESTAMP' && typeof v === 'number') return new Date(v).toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v);
  if (typeof v === 'bigint' || typeof v === 'object') return String(v);
  return v;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface JdbcLookups {
  readonly clients: LookupClients;
  /** Checks every table a client was made for exists with the DDL's columns (a user error naming it if not). */
  check(): Promise<void>;
  close(): Promise<void>;
}

export function createJdbcLookups(options: { retryBaseMs?: number } = {}): JdbcLookups {
  const opened: { table: LookupTable; pool: () => Promise<pg.Pool>; created: () => Promise<pg.Pool> | undefined; columnsSql: string }[] = [];
  const retryBase = options.retryBaseMs ?? 200;
  const clients: LookupClients = (table, keyColumns): LookupClient => {
    const { host, port, database } = parseJdbcUrl(table.url);
    // Opened on first use (check() or a lookup): pg is loaded only by jobs with a lookup join.
    let created: Promise<pg.Pool> | undefined;
    const pool = (): Promise<pg.Pool> =>
      (created ??= loadPg().then((driver) => {
        const p = new driver.Pool({
          host,
          port,
          database,
          ...(table.username !== undefined ? { user: table.username } : {}),
          ...(table.password !== undefined ? { password: table.password } : {}),
          max: LOOKUP_CONCURRENCY,
          idleTimeoutMillis: 30_000,
          connectionTimeoutMillis: 10_000,
          // Every value arrives as PostgreSQL's text form and is converted to the DDL's column type here.
          types: { getTypeParser: () => (v: string) => v },
        });
        // An idle connection dropped by the server leaves the pool; the next query opens another.
        p.on('error', () => undefined);
        return p;
      }));
    const columnsSql = table.columns.map((c) => c.name).join(', ');
    const sql = `SELECT ${columnsSql} FROM ${table.tableName} WHERE ${keyColumns.map((c, i) => `${table.columns[c]!.name} = $${i + 1}`).join(' AND ')}`;
    const convert = table.columns.map((c) => converter(c.type));
    const keyTypes = keyColumns.map((c) => table.columns[c]!.type);
    opened.push({ table, pool, created: () => created, columnsSql });
    const where = `lookup table ${table.name} (${shownUrl(table.url)}, table-name ${table.tableName})`;
    return {
      async lookup(key) {
        const params = key.map((v, i) => bindValue(v, keyTypes[i]!));
        for (let attempt = 0; ; attempt++) {
          try {
            const res = await (await pool()).query<Record<string, string | null>>({ text: sql, values: params, rowMode: 'array' } as pg.QueryConfig);
            return (res.rows as unknown as (string | null)[][]).map((r): Row => r.map((v, i) => (v === null ? null : convert[i]!(v))));
          } catch (e) {
            if (isConnectionError(e) && attempt < table.maxRetries) {
              await sleep(retryBase * 2 ** attempt);
              continue;
            }
            const tries = attempt + 1;
            throw externalError(`${where}: the lookup failed${tries > 1 ? ` after ${tries} attempts` : ''}: ${(e as Error).message}`, {
              retriable: isConnectionError(e),
            });
          }
        }
      },
    };
  };
  return {
    clients,
    async check() {
      for (const { table, pool, columnsSql } of opened) {
        try {
          await (await pool()).query(`SELECT ${columnsSql} FROM ${table.tableName} WHERE false`);
        } catch (e) {
          throw userError(`lookup table ${table.name} (${shownUrl(table.url)}, table-name ${table.tableName}): cannot be read: ${(e as Error).message}`);
        }
      }
    },
    async close() {
      for (const o of opened.splice(0)) await o.created()?.then((p) => p.end()).catch(() => undefined);
    },
  };
}
