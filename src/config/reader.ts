/**
 * Typed reads of one config object (the top level, or one stream) that record problems instead of throwing,
 * so that a single parse reports every mistake. Values may be strings, as in Dagger's properties files
 * ("true", "10000"), or native JSON. An empty string for a boolean, number or enum key means "not set".
 * Each read returns a usable fallback after an error, so parsing can go on.
 */
import { MAX_CONFIG_DEPTH, tooDeepAt } from './depth.js';
import { closest } from '../core/errors.js';
import type { Issues } from './config-errors.js';
import { parseJsonText } from './json-scan.js';

export interface IntOptions {
  readonly min?: number;
  readonly max?: number;
}

export class Section {
  private readonly used = new Set<string>();

  constructor(
    readonly values: Readonly<Record<string, unknown>>,
    /** Path prefix for messages: '' at the top level, `STREAMS[2]` for a stream. */
    readonly prefix: string,
    readonly issues: Issues,
  ) {}

  path(key: string): string {
    return this.prefix ? `${this.prefix}.${key}` : key;
  }

  /** The value, or undefined when absent or null. */
  get(key: string): unknown {
    this.used.add(key);
    const v = this.values[key];
    return v === null ? undefined : v;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  error(key: string, expected: string, found: unknown, hint?: string): void {
    this.issues.error(this.path(key), expected, found, hint);
  }

  /** A string (numbers are taken as their decimal text); undefined when absent. */
  str(key: string): string | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    this.error(key, 'a string', v);
    return undefined;
  }

  /** A string that must be present and not blank. */
  required(key: string, what = 'a non-empty string', hint?: string): string {
    const v = this.str(key);
    if (v === undefined) {
      if (!this.errorRecordedFor(key)) this.error(key, what, undefined, hint);
      return '';
    }
    if (v.trim() === '') {
      this.error(key, what, v, hint);
      return '';
    }
    return v.trim();
  }

  /** A string, or undefined when absent or blank. */
  optional(key: string): string | undefined {
    const v = this.str(key);
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  bool<F extends boolean | undefined>(key: string, fallback: F): boolean | F {
    const v = this.get(key);
    if (v === undefined) return fallback;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string') {
      const t = v.trim().toLowerCase();
      if (t === 'true') return true;
      if (t === 'false') return false;
      if (t === '') return fallback;
    }
    this.error(key, 'true or false', v);
    return fallback;
  }

  int<F extends number | undefined>(key: string, fallback: F, opts: IntOptions = {}): number | F {
    const v = this.get(key);
    if (v === undefined) return fallback;
    let n: number | undefined;
    if (typeof v === 'number') n = Number.isSafeInteger(v) ? v : undefined;
    else if (typeof v === 'string') {
      const t = v.trim();
      if (t === '') return fallback;
      n = /^[+-]?\d+$/.test(t) && Number.isSafeInteger(Number(t)) ? Number(t) : undefined;
    }
    const range = rangeText(opts);
    if (n === undefined) {
      this.error(key, `an integer${range}`, v);
      return fallback;
    }
    if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
      this.error(key, `an integer${range}`, v);
      return fallback;
    }
    return n;
  }

  /** One of `values`, compared case-insensitively; returns the canonical spelling. */
  oneOf<T extends string, F extends T | undefined = T>(key: string, values: readonly T[], fallback: F): T | F {
    const v = this.get(key);
    if (v === undefined) return fallback;
    if (typeof v === 'string') {
      const t = v.trim();
      if (t === '') return fallback;
      const hit = values.find((c) => c.toUpperCase() === t.toUpperCase());
      if (hit !== undefined) return hit;
      const guess = closest(t, values);
      this.error(key, `one of ${values.join(', ')}`, v, guess ? `did you mean ${guess}?` : undefined);
      return fallback;
    }
    this.error(key, `one of ${values.join(', ')}`, v);
    return fallback;
  }

  /** A comma-separated string or an array of strings; blanks dropped. Undefined when absent. */
  list(key: string): string[] | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v === 'string') return splitList(v);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return splitList(v.join(','));
    this.error(key, 'a comma-separated string or an array of strings', v);
    return undefined;
  }

  /** A JSON value given natively, or as a string holding JSON. Undefined when absent or blank. */
  json(key: string, expected = 'JSON'): unknown {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') return v;
    if (v.trim() === '') return undefined;
    const parsed = parseJsonText(v);
    if ('error' in parsed) {
      this.error(key, `${expected} (a string holding JSON, or native JSON)`, v, parsed.error);
      return undefined;
    }
    if (parsed.trailingCommas) this.issues.warn(`${this.path(key)}: trailing commas in the JSON were ignored`);
    const deep = tooDeepAt(parsed.value);
    if (deep !== undefined) {
      this.error(key, `${expected} nested at most ${MAX_CONFIG_DEPTH} levels deep`, `JSON nested deeper (at ${deep})`);
      return undefined;
    }
    return parsed.value;
  }

  /** A flat string map given as an object or JSON text; values are turned into strings. */
  stringMap(key: string): Record<string, string> | undefined {
    const v = this.json(key, 'a JSON object');
    if (v === undefined) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) {
      this.error(key, 'a JSON object of string values', v);
      return undefined;
    }
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x === null || typeof x === 'object') {
        this.error(`${key}.${k}`, 'a string, number or boolean', x);
        continue;
      }
      out[k] = String(x);
    }
    return out;
  }

  /** Keys present in the object that no read has asked for. */
  unusedKeys(): string[] {
    return Object.keys(this.values).filter((k) => !this.used.has(k));
  }

  private errorRecordedFor(key: string): boolean {
    const p = this.path(key);
    return this.issues.errors.some((e) => e.key === p);
  }
}

export function splitList(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

function rangeText(opts: IntOptions): string {
  if (opts.min !== undefined && opts.max !== undefined) return ` from ${opts.min} to ${opts.max}`;
  if (opts.min !== undefined) return opts.min === 0 ? ' >= 0' : ` >= ${opts.min}`;
  if (opts.max !== undefined) return ` <= ${opts.max}`;
  return '';
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
