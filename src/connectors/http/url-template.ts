/**
 * SINK_HTTP_URL templates: `http://host/v1/{service_type}/events` takes each row's `service_type` column
 * (URL-encoded; NULL becomes an empty segment). Compiled once against the result's columns, so a placeholder
 * naming no column is a config error at validate time, not a failed request.
 */
import { userError } from '../../core/errors.js';
import type { Field, Row } from '../../core/types.js';

export type UrlTemplate = (row: Row) => string;

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function compileUrlTemplate(url: string, columns: readonly Field[], key = 'SINK_HTTP_URL'): UrlTemplate {
  const parts: (string | number)[] = [];
  let last = 0;
  for (const m of url.matchAll(/\{([^{}]+)\}/g)) {
    const name = m[1]!.trim();
    const i = columns.findIndex((c) => c.name === name);
    const j = i >= 0 ? i : columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
    if (j < 0) {
      throw userError(`${key}: the placeholder {${name}} names no column of the query's result (columns: ${columns.map((c) => c.name).join(', ')})`, { key });
    }
    parts.push(url.slice(last, m.index), j);
    last = m.index! + m[0].length;
  }
  parts.push(url.slice(last));
  if (parts.length === 1) return () => url;
  return (row) => {
    let s = '';
    for (const p of parts) s += typeof p === 'number' ? encodeURIComponent(text(row[p])) : p;
    return s;
  };
}

/** A URL for messages: scheme, host and path only (a query string may carry a token). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
