import { SqlError, type SourcePosition } from '../core/errors.js';
import type { Field } from '../core/types.js';
import type { CreateTable } from './ast.js';
import type { LookupCacheSpec, LookupTable } from '../plan/nodes.js';
import { typeFromSpec } from './types.js';

/**
 * CREATE TABLE ... WITH ('connector' = 'jdbc', ...): a lookup table, queried by key in a lookup join
 * (Flink's JDBC connector as a lookup source; PostgreSQL only). Option names and defaults are Flink 1.20's:
 *
 *   url, table-name, username, password, driver (accepted, unused)
 *   lookup.cache = NONE | PARTIAL, lookup.partial-cache.max-rows, .expire-after-write, .expire-after-access,
 *   .cache-missing-key (default true), lookup.max-retries (default 3)
 *   the older lookup.cache.max-rows + lookup.cache.ttl (+ lookup.cache.caching-missing-key): a cache when both
 *   are set, as in Flink
 */

export function isLookupTable(t: CreateTable): boolean {
  return t.options.some((o) => o.key === 'connector' && o.value === 'jdbc');
}

const KNOWN = new Set([
  'connector',
  'url',
  'table-name',
  'username',
  'password',
  'driver',
  'lookup.cache',
  'lookup.partial-cache.max-rows',
  'lookup.partial-cache.expire-after-write',
  'lookup.partial-cache.expire-after-access',
  'lookup.partial-cache.cache-missing-key',
  'lookup.cache.max-rows',
  'lookup.cache.ttl',
  'lookup.cache.caching-missing-key',
  'lookup.max-retries',
]);

const UNITS: Readonly<Record<string, number>> = {
  ms: 1, milli: 1, millis: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
};

/** A Flink duration option ('10 min', '1h', '30s', '500 ms'; a bare number is milliseconds). */
export function flinkDurationMs(v: string, what: string, pos: SourcePosition): number {
  const m = /^\s*(\d+)\s*([a-zA-Z]*)\s*$/.exec(v);
  const unit = m ? UNITS[m[2]!.toLowerCase() || 'ms'] : undefined;
  if (!m || unit === undefined) throw new SqlError(`${what}: expected a duration such as '10 min', '30 s' or '500 ms', found '${v}'`, pos);
  return Number(m[1]) * unit;
}

export function lookupTableOf(t: CreateTable): LookupTable {
  const opt = (key: string): string | undefined => t.options.find((o) => o.key === key)?.value;
  const pos = (key: string): SourcePosition => t.options.find((o) => o.key === key)?.pos ?? t.namePos;
  const what = (key: string): string => `CREATE TABLE ${t.name}: '${key}'`;
  for (const o of t.options) {
    if (!KNOWN.has(o.key)) {
      throw new SqlError(`CREATE TABLE ${t.name}: option '${o.key}' is not supported for 'connector' = 'jdbc' (a lookup table); supported: ${[...KNOWN].join(', ')}`, o.pos);
    }
  }
  const need = (key: string, hint: string): string => {
    const v = opt(key);
    if (v === undefined || v === '') throw new SqlError(`${what(key)} is required (${hint})`, t.namePos);
    return v;
  };
  const url = need('url', "the database, 'jdbc:postgresql://host:port/database'");
  if (!/^jdbc:postgresql:\/\/[^/]+\/[^/?]+(\?.*)?$/.test(url)) {
    throw new SqlError(`${what('url')}: only PostgreSQL is supported, as 'jdbc:postgresql://host[:port]/database'`, pos('url'));
  }
  const tableName = need('table-name', 'the table in the database');
  if (!/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/.test(tableName)) {
    throw new SqlError(`${what('table-name')}: expected a table name, optionally schema-qualified ('public.customers'), found '${tableName}'`, pos('table-name'));
  }
  const int = (key: string, min: number): number | undefined => {
    const v = opt(key);
    if (v === undefined) return undefined;
    if (!/^\s*\d+\s*$/.test(v) || Number(v) < min) throw new SqlError(`${what(key)}: expected a whole number of at least ${min}, found '${v}'`, pos(key));
    return Number(v);
  };
  const bool = (key: string): boolean | undefined => {
    const v = opt(key);
    if (v === undefined) return undefined;
    if (!/^(true|false)$/i.test(v)) throw new SqlError(`${what(key)}: expected 'true' or 'false', found '${v}'`, pos(key));
    return v.toLowerCase() === 'true';
  };
  const duration = (key: string): number | undefined => {
    const v = opt(key);
    return v === undefined ? undefined : flinkDurationMs(v, what(key), pos(key));
  };
  const mode = (opt('lookup.cache') ?? 'NONE').toUpperCase();
  if (mode === 'FULL') throw new SqlError(`${what('lookup.cache')}: 'FULL' (the whole table reloaded periodically) is not supported; use 'PARTIAL'`, pos('lookup.cache'));
  if (mode !== 'NONE' && mode !== 'PARTIAL') throw new SqlError(`${what('lookup.cache')}: expected 'NONE' or 'PARTIAL', found '${opt('lookup.cache')}'`, pos('lookup.cache'));
  let cache: LookupCacheSpec | undefined;
  const partial = {
    maxRows: int('lookup.partial-cache.max-rows', 1),
    expireAfterWriteMs: duration('lookup.partial-cache.expire-after-write'),
    expireAfterAccessMs: duration('lookup.partial-cache.expire-after-access'),
    cacheMissingKey: bool('lookup.partial-cache.cache-missing-key') ?? true,
  };
  const legacy = { maxRows: int('lookup.cache.max-rows', 0), ttl: duration('lookup.cache.ttl'), missing: bool('lookup.cache.caching-missing-key') ?? true };
  if (mode === 'PARTIAL') {
    if (partial.maxRows === undefined && partial.expireAfterWriteMs === undefined && partial.expireAfterAccessMs === undefined) {
      throw new SqlError(
        `${what('lookup.cache')} = 'PARTIAL' needs a bound: 'lookup.partial-cache.max-rows', 'lookup.partial-cache.expire-after-write' or 'lookup.partial-cache.expire-after-access'`,
        pos('lookup.cache'),
      );
    }
    cache = {
      cacheMissingKey: partial.cacheMissingKey,
      ...(partial.maxRows !== undefined ? { maxRows: partial.maxRows } : {}),
      ...(partial.expireAfterWriteMs ? { expireAfterWriteMs: partial.expireAfterWriteMs } : {}),
      ...(partial.expireAfterAccessMs ? { expireAfterAccessMs: partial.expireAfterAccessMs } : {}),
    };
  } else if (legacy.maxRows !== undefined && legacy.maxRows > 0 && legacy.ttl !== undefined && legacy.ttl > 0) {
    // Flink's older options: the cache is on only when both are set.
    cache = { maxRows: legacy.maxRows, expireAfterWriteMs: legacy.ttl, cacheMissingKey: legacy.missing };
  }
  const columns: Field[] = t.columns.map((c) => {
    if (!c.type) throw new SqlError(`CREATE TABLE ${t.name}: computed column ${c.name} is not supported in a lookup table`, c.pos);
    if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(c.name)) throw new SqlError(`CREATE TABLE ${t.name}: column name '${c.name}' must be a plain identifier in a 'jdbc' table`, c.pos);
    return { name: c.name, type: typeFromSpec(c.type, c.pos) };
  });
  if (t.watermark) throw new SqlError(`CREATE TABLE ${t.name}: a lookup table ('connector' = 'jdbc') has no watermark; it is joined FOR SYSTEM_TIME AS OF a processing-time attribute`, t.watermark.pos);
  const username = opt('username');
  const password = opt('password');
  return {
    name: t.name,
    columns,
    connector: 'jdbc',
    url,
    tableName,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(cache ? { cache } : {}),
    maxRetries: int('lookup.max-retries', 0) ?? 3,
  };
}
