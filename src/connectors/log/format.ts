/**
 * Readable text for SQL values, as Dagger's log sink prints rows (`{col=value, ...}` of the non-null
 * columns), but with timestamps in ISO-8601 UTC, exact bigints, and nested rows/maps/arrays spelled out.
 */
import { RowKind, type Field, type SqlType } from '../../core/types.js';
import { Decimal, rescale } from '../../core/decimal.js';

export const ROW_KIND_LABEL: Record<RowKind, string> = {
  [RowKind.Insert]: '+I',
  [RowKind.UpdateBefore]: '-U',
  [RowKind.UpdateAfter]: '+U',
  [RowKind.Delete]: '-D',
};

type Formatter = (v: unknown) => string;

/** Compiles a formatter for one type once, so a row is printed without type dispatch per value. */
export function valueFormatter(type: SqlType): Formatter {
  switch (type.kind) {
    case 'TIMESTAMP':
      return (v) => (typeof v === 'number' && Number.isFinite(v) ? new Date(v).toISOString() : formatAny(v));
    case 'DECIMAL':
      return (v) => (v instanceof Decimal ? rescale(v, type.scale).toString() : formatAny(v));
    case 'ROW': {
      const fields = type.fields.map((f) => [f.name, valueFormatter(f.type)] as const);
      return (v) => {
        if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Map) return formatAny(v);
        const o = v as Record<string, unknown>;
        const parts: string[] = [];
        for (const [name, fmt] of fields) {
          const x = o[name];
          if (x !== null && x !== undefined) parts.push(`${name}=${fmt(x)}`);
        }
        return `{${parts.join(', ')}}`;
      };
    }
    case 'ARRAY': {
      const el = valueFormatter(type.element);
      return (v) => (Array.isArray(v) ? `[${v.map((x) => (x === null ? 'null' : el(x))).join(', ')}]` : formatAny(v));
    }
    case 'MAP': {
      const k = valueFormatter(type.key);
      const val = valueFormatter(type.value);
      return (v) => {
        if (!(v instanceof Map)) return formatAny(v);
        const parts: string[] = [];
        for (const [a, b] of v) parts.push(`${a === null ? 'null' : k(a)}=${b === null ? 'null' : val(b)}`);
        return `{${parts.join(', ')}}`;
      };
    }
    default:
      return formatAny;
  }
}

/** Formats a value by its runtime shape (types unknown: ANY, or a mismatch). */
export function formatAny(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(v);
    case 'object':
      if (v instanceof Decimal) return v.toString();
      if (v instanceof Uint8Array) return `0x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
      if (v instanceof Date) return v.toISOString();
      if (Array.isArray(v)) return `[${v.map(formatAny).join(', ')}]`;
      if (v instanceof Map) return `{${[...v].map(([a, b]) => `${formatAny(a)}=${formatAny(b)}`).join(', ')}}`;
      return `{${Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== null && x !== undefined)
        .map(([a, b]) => `${a}=${formatAny(b)}`)
        .join(', ')}}`;
    default:
      return String(v);
  }
}

/** Compiles a row printer for `columns`: `{col=value, ...}` over the non-null columns. */
export function rowFormatter(columns: readonly Field[]): (row: readonly unknown[]) => string {
  const names = columns.map((c) => c.name);
  const fmts = columns.map((c) => valueFormatter(c.type));
  const n = columns.length;
  return (row) => {
    let s = '{';
    let first = true;
    for (let i = 0; i < n; i++) {
      const v = row[i];
      if (v === null || v === undefined) continue;
      s += `${first ? '' : ', '}${names[i]!}=${fmts[i]!(v)}`;
      first = false;
    }
    return `${s}}`;
  };
}
