import { ConfigError, userError } from '../../../core/errors.js';

/**
 * Dagger fills endpoints, request bodies, headers and queries with Java's `String.format(pattern, values)`.
 * Dirk implements the part of that syntax those patterns use: `%s` (the value as text), `%d` (an integral
 * value), `%%` (a literal %), `%n` (a newline) and explicit indexes `%2$s`. Any other conversion is refused
 * when the job is validated, as is a pattern with more placeholders than variables (Java would throw
 * MissingFormatArgumentException on the first record). Extra variables are ignored, as in Java.
 */
export type Piece = { readonly k: 'text'; readonly text: string } | { readonly k: 'arg'; readonly index: number; readonly conv: 's' | 'd' };

export interface Template {
  readonly text: string;
  readonly pieces: readonly Piece[];
  /** Number of variables the pattern reads (the highest index + 1). */
  readonly arity: number;
}

export function parseTemplate(text: string, variables: readonly string[], path: string): Template {
  const pieces: Piece[] = [];
  let lit = '';
  let next = 0;
  let arity = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '%') {
      lit += c;
      continue;
    }
    const m = /^%(?:(\d+)\$)?([-#+ 0,(]*\d*(?:\.\d+)?)([a-zA-Z%])/.exec(text.slice(i));
    if (!m) throw new ConfigError(path, 'a Java format pattern (%s, %d, %%)', text, `a lone % at position ${i}; write %% for a literal %`);
    const [whole, explicit, flags, conv] = m;
    i += whole!.length - 1;
    if (conv === '%' || conv === 'n') {
      lit += conv === '%' ? '%' : '\n';
      continue;
    }
    if (flags) throw new ConfigError(path, 'placeholders %s and %d without flags or widths', text, `found ${whole}`);
    const lower = conv!.toLowerCase();
    if (lower !== 's' && lower !== 'd') throw new ConfigError(path, 'placeholders %s and %d (and %% for a literal %)', text, `found ${whole}`);
    const index = explicit !== undefined ? Number(explicit) - 1 : next++;
    if (index < 0) throw new ConfigError(path, 'argument indexes from 1 (%1$s)', text);
    if (lit) pieces.push({ k: 'text', text: lit });
    lit = '';
    pieces.push({ k: 'arg', index, conv: lower as 's' | 'd' });
    arity = Math.max(arity, index + 1);
  }
  if (lit) pieces.push({ k: 'text', text: lit });
  if (arity > variables.length) {
    throw new ConfigError(
      path,
      `a pattern with at most as many placeholders as variables (${variables.length}: ${variables.join(',') || 'none'})`,
      text,
      `it reads ${arity}`,
    );
  }
  return { text, pieces, arity };
}

/** Java's text of a value for %s; objects (ROW, MAP, ARRAY values) as JSON. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof Map) return JSON.stringify(Object.fromEntries(v), jsonSafe);
  return JSON.stringify(v, jsonSafe);
}

function jsonSafe(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

/** Fills a template; `%d` with a non-integral value is a user error (Java's IllegalFormatConversionException). */
export function fill(t: Template, values: readonly unknown[], what: string): string {
  let out = '';
  for (const p of t.pieces) {
    if (p.k === 'text') {
      out += p.text;
      continue;
    }
    const v = values[p.index];
    if (p.conv === 'd') {
      if (!(typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)))) {
        throw userError(`${what}: %d needs an integral value but the variable holds ${formatValue(v)}; use %s`);
      }
    }
    out += formatValue(v);
  }
  return out;
}

/**
 * The same pattern with each placeholder replaced by a numbered bind parameter ($1, $2, ...), for
 * PostgreSQL: values travel separately from the SQL text and can never change it. Dagger's patterns quote
 * their placeholders (`where id = '%s'`, `like '%%%s'`); a placeholder inside a quoted literal becomes a
 * concatenation with the literal's parts, and an empty part disappears: `where id = $1`, `like '%' || $1`.
 */
export function toBindParameters(t: Template): { sql: string; order: number[] } {
  let sql = '';
  const order: number[] = [];
  let inQuote = false;
  for (const p of t.pieces) {
    if (p.k === 'text') {
      for (const ch of p.text) if (ch === "'") inQuote = !inQuote;
      sql += p.text;
      continue;
    }
    order.push(p.index);
    sql += inQuote ? `' || $${order.length} || '` : `$${order.length}`;
  }
  // Drop the empty literals the concatenations leave ('' next to ||), never an escaped quote ('').
  sql = sql.replace(/(^|[^'])'' \|\| /g, '$1').replace(/ \|\| ''(?!')/g, '');
  return { sql, order };
}
