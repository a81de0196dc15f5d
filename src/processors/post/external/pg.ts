import type pg from 'pg';
import type { Row } from '../../../core/types.js';
import type { Layout } from '../columns.js';
import type { OutputMapping, PgConfig } from '../config.js';
import type { CallOutcome, ExternalClient, PreparedCall } from './async-stage.js';
import { formatValue, toBindParameters } from './template.js';
import { allEmpty, variableReader } from './variables.js';

/**
 * The pg post-processor over the `pg` driver: a pool of `capacity` connections (closed after
 * `idle_timeout` unused), one query per row. Dagger splices the variables into the SQL text with
 * String.format; Dirk sends them as bound parameters instead (`'%s'` becomes `$1`), so a value can never
 * change the statement. More than one result row is an error, as in Dagger; no row leaves the fields empty.
 */
export function createPgClient(c: PgConfig, layout: Layout): ExternalClient {
  const vars = variableReader(c.queryVariables, layout, `${c.path}.query_variables`);
  const { sql, order } = toBindParameters(c.queryPattern);
  let pool: pg.Pool | undefined;
  return {
    async open() {
      // The driver is loaded by jobs with a pg post-processor only (this module is loaded by every job's planner).
      const { default: driver } = await import('pg');
      pool = new driver.Pool({
        host: c.host,
        port: c.port,
        user: c.user,
        password: c.password,
        database: c.database,
        max: c.capacity,
        idleTimeoutMillis: c.idleTimeoutMs,
        connectionTimeoutMillis: c.connectTimeoutMs,
        // The server gives up on a query the stage has stopped waiting for.
        statement_timeout: c.streamTimeoutMs,
      });
      // An idle connection dropped by the server is removed from the pool; the next query opens another.
      pool.on('error', () => undefined);
    },
    async close() {
      await pool?.end();
      pool = undefined;
    },
    prepare(row: Row): PreparedCall | undefined {
      const values = vars(row);
      if (allEmpty(values)) return undefined;
      const params = order.map((i) => bindValue(values[i]));
      return {
        key: `query ${sql} with [${params.map((p) => JSON.stringify(p)).join(', ')}]`,
        run: () => query(pool!, sql, params),
      };
    },
    read(doc: unknown, m: OutputMapping) {
      if (doc === null) return null;
      const rec = doc as Record<string, unknown>;
      return m.path in rec ? rec[m.path] : undefined;
    },
    describe: () => [`postgres ${c.user}@${c.host}:${c.port}/${c.database}, pool of ${c.capacity}, idle_timeout ${c.idleTimeoutMs} ms`, `query: ${sql} (bound: ${c.queryVariables.join(', ') || 'none'})`],
  };
}

/** Values go to the server as text (or null); the server casts them to the parameter's type. */
function bindValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return formatValue(v);
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P03', '08006', '08001', '08004']);

async function query(pool: pg.Pool, sql: string, params: (string | null)[]): Promise<CallOutcome> {
  let res: pg.QueryResult;
  try {
    res = await pool.query(sql, params);
  } catch (e) {
    const err = e as Error & { code?: string };
    const connection = CONNECTION_CODES.has(err.code ?? '') || /timeout exceeded when trying to connect|Connection terminated/i.test(err.message);
    return { ok: false, reason: connection ? 'request' : 'other', message: `postgres: ${err.message}`, retriable: connection };
  }
  if (res.rows.length > 1) return { ok: false, reason: 'other', message: `the query gave ${res.rows.length} rows; a pg post-processor query must give at most one (as in Dagger)` };
  return { ok: true, doc: res.rows[0] ?? null };
}
