import { ConfigError, closest } from '../../core/errors.js';

/**
 * Reads one JSON object of the post-processor config the way Dagger's Gson binding does (numbers may be
 * written as strings, booleans as "true"/"false"), and turns every mistake into a ConfigError that names
 * the path inside the config: `PROCESSOR_POSTPROCESSOR_CONFIG.external_source.http[0].capacity`.
 *
 * Keys the reader was never asked about are collected by `unknownKeys()`, so the caller can warn about them
 * (Gson ignores unknown keys silently; Dirk says so).
 */
export class ObjectReader {
  private readonly seen = new Set<string>();

  constructor(
    readonly path: string,
    private readonly obj: Record<string, unknown>,
  ) {}

  static of(path: string, value: unknown): ObjectReader {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(path, 'a JSON object', value);
    return new ObjectReader(path, value as Record<string, unknown>);
  }

  at(key: string): string {
    return `${this.path}.${key}`;
  }

  /** The raw value under `key` (or one of its aliases), marking it as read. */
  raw(key: string, ...aliases: string[]): unknown {
    for (const k of [key, ...aliases]) {
      this.seen.add(k);
      if (this.obj[k] !== undefined && this.obj[k] !== null) return this.obj[k];
    }
    return undefined;
  }

  has(key: string, ...aliases: string[]): boolean {
    return this.raw(key, ...aliases) !== undefined;
  }

  /** A string value; numbers and booleans are written as Gson would read them into a String field. */
  string(key: string, opts: { required?: boolean; aliases?: string[] } = {}): string | undefined {
    const v = this.raw(key, ...(opts.aliases ?? []));
    if (v === undefined || v === '') {
      if (opts.required) throw new ConfigError(this.at(key), 'a non-empty string (required)', v);
      return undefined;
    }
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new ConfigError(this.at(key), 'a string', v);
  }

  requiredString(key: string, ...aliases: string[]): string {
    return this.string(key, { required: true, aliases })!;
  }

  /** An integer, written as a number or a string of digits. */
  int(key: string, opts: { required?: boolean; default?: number; min?: number; aliases?: string[] } = {}): number {
    const v = this.raw(key, ...(opts.aliases ?? []));
    if (v === undefined || v === '') {
      if (opts.required || opts.default === undefined) throw new ConfigError(this.at(key), `an integer${opts.min !== undefined ? ` >= ${opts.min}` : ''} (required)`, v);
      return opts.default;
    }
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n)) throw new ConfigError(this.at(key), 'an integer (a number or a string of digits)', v);
    if (opts.min !== undefined && n < opts.min) throw new ConfigError(this.at(key), `an integer >= ${opts.min}`, v);
    return n;
  }

  bool(key: string, def: boolean): boolean {
    const v = this.raw(key);
    if (v === undefined || v === '') return def;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
    throw new ConfigError(this.at(key), 'true or false', v);
  }

  /** A JSON object of string values (headers). */
  stringMap(key: string): Record<string, string> {
    const v = this.raw(key, key.charAt(0).toUpperCase() + key.slice(1), key.toUpperCase());
    if (v === undefined) return {};
    if (typeof v !== 'object' || Array.isArray(v)) throw new ConfigError(this.at(key), 'a JSON object of strings', v);
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean') throw new ConfigError(`${this.at(key)}.${k}`, 'a string', x);
      out[k] = String(x);
    }
    return out;
  }

  /** A comma-separated list of column names (Dagger's `*_variables`), trimmed; empty when absent. */
  list(key: string): string[] {
    const s = this.string(key);
    if (s === undefined) return [];
    return s.split(',').map((x) => x.trim());
  }

  unknownKeys(): string[] {
    return Object.keys(this.obj)
      .filter((k) => !this.seen.has(k))
      .map((k) => {
        const near = closest(k, this.seen);
        return `${this.at(k)}${near ? ` (did you mean ${near}?)` : ''}`;
      });
  }
}

/** An array under `key` (absent: empty). */
export function arrayAt(r: ObjectReader, key: string): unknown[] {
  const v = r.raw(key);
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ConfigError(r.at(key), 'a JSON array', v);
  return v;
}
