import type pg from 'pg';
import { externalError } from '../../../core/errors.js';

/**
 * Where Longbow keeps history. Dagger writes BigTable rows keyed `<longbow key>#<Long.MAX_VALUE - rowtime>`
 * in column family `ts` (one column per `longbow_data*` column, or one `proto` column for Longbow+), and
 * reads them back with a key-range scan, newest first. Dirk keeps the same cells behind this interface;
 * the PostgreSQL store holds one table row per cell, keyed by (table id, longbow key, reversed time,
 * column), so the scan is an index range read in the same order.
 */
export interface LongbowCell {
  readonly key: string;
  /** The row's event time (rowtime), epoch ms: the BigTable cell timestamp and the row-key suffix. */
  readonly time: number;
  readonly column: string;
  readonly value: Uint8Array;
}

export interface LongbowStore {
  /** Connects and creates the schema and table on first use; a store that cannot be reached fails here. */
  open(): Promise<void>;
  /** Writes cells (an existing cell with the same key, time and column is overwritten, as a BigTable put). */
  put(table: string, cells: readonly LongbowCell[]): Promise<void>;
  /** Cells of `key` with `from <= time <= to` for `columns`, newest first, grouped by time. */
  scan(table: string, key: string, from: number, to: number, columns: readonly string[]): Promise<{ time: number; values: Map<string, Uint8Array> }[]>;
  /** Deletes cells older than the retention (BigTable's max-age garbage collection). */
  expire(table: string, olderThan: number): Promise<number>;
  close(): Promise<void>;
  describe(): string;
}

/** Dagger's row-key suffix: Long.MAX_VALUE - time, so newer rows sort first. */
export function reversedTime(time: number): string {
  return (9223372036854775807n - BigInt(Math.trunc(time))).toString();
}

export const LONGBOW_SCHEMA = 'dirk_longbow';

export class PgLongbowStore implements LongbowStore {
  private pool: pg.Pool | undefined;

  constructor(
    private readonly url: string,
    private readonly capacity: number,
    private readonly timeoutMs: number,
  ) {}

  async open(): Promise<void> {
    // Loaded here, not with the module: the planner imports this module for every job, Longbow or not.
    const { default: driver } = await import('pg');
    const pool = new driver.Pool({ connectionString: this.url, max: this.capacity, connectionTimeoutMillis: this.timeoutMs, statement_timeout: this.timeoutMs });
    pool.on('error', () => undefined);
    this.pool = pool;
    try {
      await pool.query(`CREATE SCHEMA IF NOT EXISTS ${LONGBOW_SCHEMA}`);
      await pool.query(
        `CREATE TABLE IF NOT EXISTS ${LONGBOW_SCHEMA}.cells (
           table_id text NOT NULL, longbow_key text NOT NULL, reversed_time text NOT NULL, event_ms bigint NOT NULL,
           column_name text NOT NULL, value bytea NOT NULL,
           PRIMARY KEY (table_id, longbow_key, reversed_time, column_name))`,
      );
    } catch (e) {
      // Two jobs creating the schema at once race on the catalog; the loser finds it there.
      if (!/already exists|duplicate key/i.test((e as Error).message)) {
        await this.close();
        throw externalError(`the Longbow store ${this.describe()} cannot be used: ${(e as Error).message}`, { cause: e });
      }
    }
  }

  async put(table: string, cells: readonly LongbowCell[]): Promise<void> {
    if (cells.length === 0) return;
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (const c of cells) {
      const b = values.length;
      tuples.push(`($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6})`);
      values.push(table, c.key, reversedTime(c.time), Math.trunc(c.time), c.column, Buffer.from(c.value));
    }
    await this.pool!.query(
      `INSERT INTO ${LONGBOW_SCHEMA}.cells (table_id, longbow_key, reversed_time, event_ms, column_name, value) VALUES ${tuples.join(', ')}
       ON CONFLICT (table_id, longbow_key, reversed_time, column_name) DO UPDATE SET value = EXCLUDED.value`,
      values,
    );
  }

  async scan(table: string, key: string, from: number, to: number, columns: readonly string[]): Promise<{ time: number; values: Map<string, Uint8Array> }[]> {
    const res = await this.pool!.query<{ event_ms: string; column_name: string; value: Buffer }>(
      `SELECT event_ms, column_name, value FROM ${LONGBOW_SCHEMA}.cells
        WHERE table_id = $1 AND longbow_key = $2 AND reversed_time >= $3 AND reversed_time <= $4 AND column_name = ANY($5)
        ORDER BY reversed_time, column_name`,
      [table, key, reversedTime(to), reversedTime(from), columns],
    );
    const out: { time: number; values: Map<string, Uint8Array> }[] = [];
    for (const r of res.rows) {
      const time = Number(r.event_ms);
      let last = out[out.length - 1];
      if (!last || last.time !== time) out.push((last = { time, values: new Map() }));
      last.values.set(r.column_name, new Uint8Array(r.value));
    }
    return out;
  }

  async expire(table: string, olderThan: number): Promise<number> {
    const res = await this.pool!.query(`DELETE FROM ${LONGBOW_SCHEMA}.cells WHERE table_id = $1 AND event_ms < $2`, [table, Math.trunc(olderThan)]);
    return res.rowCount ?? 0;
  }

  async close(): Promise<void> {
    const p = this.pool;
    this.pool = undefined;
    await p?.end();
  }

  describe(): string {
    try {
      const u = new URL(this.url);
      return `postgres ${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}${u.pathname}`;
    } catch {
      return 'postgres (PROCESSOR_LONGBOW_STORE_URL)';
    }
  }
}
