/**
 * A byte-level JSON scanner for the generated JSON record decoder (json-decoder.ts): it reads tokens straight
 * from the record's bytes, skips values without building them, and builds values (with exact integers) only
 * when asked. Every method throws JSON_SYNTAX on input it does not accept; the decoder then falls back to
 * the reference codec, which either accepts the record or reports the error in its own words.
 */

import { parseDecimal, type Decimal } from '../core/decimal.js';

/** Thrown (never shown) when the scanner meets something it does not handle; the caller falls back. */
export const JSON_SYNTAX = new Error('json scanner: not handled');

/** Node's Buffer with its (undocumented but long-standing) direct slice decoders. */
type Bytes = Buffer & { latin1Slice(start: number, end: number): string; utf8Slice(start: number, end: number): string };

const POW10 = Array.from({ length: 16 }, (_v, i) => 10 ** i);

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12, any day, so day 31 of April overflows as Date.parse does). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The mantissa's digits without leading zeros, as the reference parser counts them ('0.00123' has 3). */
function significantDigits(text: string): number {
  let n = 0;
  let leading = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 101 || c === 69) break;
    if (!isDigit(c)) continue;
    if (leading && c === 48) continue;
    leading = false;
    n++;
  }
  return n;
}

/**
 * Strings a column read lately, by a hash of their bytes: low-cardinality columns (a channel, a status, a
 * service type) then give the same string object again instead of a new one per record (no slice call, less
 * garbage). A column whose values are mostly new switches its cache off after a few thousand misses.
 */
export class StringCache {
  readonly strings: Array<string | undefined> = new Array<string | undefined>(256).fill(undefined);
  hits = 0;
  misses = 0;
  on = true;
}

/** Longest string kept in a StringCache (longer ones are seldom repeated, and the comparison costs more). */
const CACHED_MAX = 48;

export class JsonScanner {
  b: Bytes = Buffer.alloc(0) as Bytes;
  p = 0;
  n = 0;
  /** Whether the last number() read was an integer literal (no fraction, no exponent). */
  intLiteral = true;
  /** The last date isoTimestamp read (yyyymmdd) and its days since 1970-01-01. */
  private lastDate = -1;
  private lastDays = 0;

  reset(b: Buffer): void {
    this.b = b as Bytes;
    this.p = 0;
    this.n = b.length;
  }

  ws(): void {
    const b = this.b;
    let p = this.p;
    for (;;) {
      const c = b[p];
      if (c === 32 || c === 10 || c === 13 || c === 9) p++;
      else break;
    }
    this.p = p;
  }

  expect(c: number): void {
    if (this.b[this.p] !== c) throw JSON_SYNTAX;
    this.p++;
  }

  /** At an opening quote: moves past the closing one; returns whether the text had escapes (bit 1) or non-ASCII bytes (bit 2). */
  skipString(): number {
    const b = this.b;
    const n = this.n;
    let p = this.p + 1;
    let flags = 0;
    for (;;) {
      if (p >= n) throw JSON_SYNTAX;
      const c = b[p]!;
      if (c === 34) break;
      if (c === 92) {
        flags |= 1;
        const e = b[p + 1];
        if (e === 117) {
          for (let k = 2; k < 6; k++) {
            const h = b[p + k];
            if (h === undefined || !((h >= 48 && h <= 57) || (h >= 65 && h <= 70) || (h >= 97 && h <= 102))) throw JSON_SYNTAX;
          }
          p += 6;
          continue;
        }
        if (e !== 34 && e !== 92 && e !== 47 && e !== 98 && e !== 102 && e !== 110 && e !== 114 && e !== 116) throw JSON_SYNTAX;
        p += 2;
        continue;
      }
      if (c < 32) throw JSON_SYNTAX;
      if (c >= 128) flags |= 2;
      p++;
    }
    this.p = p + 1;
    return flags;
  }

  /** At an opening quote: the string's value. */
  string(): string {
    const start = this.p + 1;
    const flags = this.skipString();
    const end = this.p - 1;
    if (flags === 0) return this.b.latin1Slice(start, end);
    if (flags === 2) return this.b.utf8Slice(start, end);
    return JSON.parse(this.b.utf8Slice(start - 1, end + 1)) as string;
  }

  /** At an opening quote: the string's value, through `cache` when it is plain ASCII (string() otherwise). */
  stringCached(cache: StringCache): string {
    if (!cache.on) return this.string();
    const b = this.b;
    const n = this.n;
    const start = this.p + 1;
    let p = start;
    let h = 0;
    for (;;) {
      if (p >= n) throw JSON_SYNTAX;
      const c = b[p]!;
      if (c === 34) break;
      // an escape, a control character or a non-ASCII byte: the general reader (from the quote again)
      if (c === 92 || c < 32 || c >= 128) return this.string();
      h = (Math.imul(h, 31) + c) | 0;
      p++;
    }
    const len = p - start;
    this.p = p + 1;
    if (len > CACHED_MAX) return b.latin1Slice(start, p);
    const idx = (h ^ (h >>> 8) ^ (h >>> 16)) & 255;
    const hit = cache.strings[idx];
    if (hit !== undefined && hit.length === len) {
      let k = 0;
      while (k < len && hit.charCodeAt(k) === b[start + k]) k++;
      if (k === len) {
        cache.hits++;
        return hit;
      }
    }
    const v = b.latin1Slice(start, p);
    cache.strings[idx] = v;
    if (++cache.misses > 4096 && cache.misses > cache.hits) cache.on = false;
    return v;
  }

  /**
   * At '-' or a digit: moves past a number, checking its syntax only (a value nobody reads: its size and
   * precision do not matter, so it never sends the record to the reference decoder).
   */
  skipNumber(): void {
    const b = this.b;
    let p = this.p;
    if (b[p] === 45) p++;
    const first = b[p];
    if (first === 48) p++;
    else if (first !== undefined && first >= 49 && first <= 57) {
      p++;
      while (isDigit(b[p] ?? 0)) p++;
    } else throw JSON_SYNTAX;
    if (b[p] === 46) {
      p++;
      if (!isDigit(b[p] ?? 0)) throw JSON_SYNTAX;
      while (isDigit(b[p] ?? 0)) p++;
    }
    const e = b[p];
    if (e === 101 || e === 69) {
      p++;
      if (b[p] === 43 || b[p] === 45) p++;
      if (!isDigit(b[p] ?? 0)) throw JSON_SYNTAX;
      while (isDigit(b[p] ?? 0)) p++;
    }
    this.p = p;
  }

  /** At '-' or a digit: the number as a double (a DOUBLE column), whatever its precision, as Number(text). */
  double(): number {
    const start = this.p;
    const v = this.number(true);
    return typeof v === 'number' ? v : Number(this.b.latin1Slice(start, this.p));
  }

  /**
   * At '-' or a digit: the number; integer literals are a number when safe, a bigint beyond 2^53. A
   * non-integer with more significant digits than a double holds is, as in the reference parser, a Decimal
   * (kept exact) when `exact`; otherwise JSON_SYNTAX (the caller's converter expects no Decimal).
   */
  number(exact = false): number | bigint | Decimal {
    const b = this.b;
    const start = this.p;
    let p = start;
    let neg = false;
    if (b[p] === 45) {
      neg = true;
      p++;
    }
    let v = 0;
    const first = b[p];
    const digitsStart = p;
    if (first === 48) p++;
    else if (first !== undefined && first >= 49 && first <= 57) {
      while (p < this.n && isDigit(b[p]!)) v = v * 10 + (b[p++]! - 48);
    } else throw JSON_SYNTAX;
    let digits = p - digitsStart;
    let int = true;
    let fraction = 0;
    if (b[p] === 46) {
      int = false;
      p++;
      if (!isDigit(b[p] ?? 0)) throw JSON_SYNTAX;
      while (isDigit(b[p] ?? 0)) {
        v = v * 10 + (b[p++]! - 48);
        fraction++;
      }
      digits += fraction;
    }
    const e = b[p];
    let exponent = false;
    if (e === 101 || e === 69) {
      int = false;
      exponent = true;
      p++;
      if (b[p] === 43 || b[p] === 45) p++;
      if (!isDigit(b[p] ?? 0)) throw JSON_SYNTAX;
      while (isDigit(b[p] ?? 0)) p++;
    }
    this.p = p;
    this.intLiteral = int;
    // Up to 15 digits: the digits as an integer are exact, and one division by an exact power of ten is
    // correctly rounded, so this equals Number(text).
    if (!exponent && digits <= 15) {
      const x = fraction === 0 ? v : v / POW10[fraction]!;
      return neg ? -x : x;
    }
    const text = b.latin1Slice(start, p);
    // More significant digits than a double holds, not an integer: the reference codec keeps it exact.
    if (!int && significantDigits(text) > 15) {
      if (!exact) throw JSON_SYNTAX;
      return parseDecimal(text) ?? Number(text);
    }
    const x = Number(text);
    if (!int || Number.isSafeInteger(x)) return x;
    return BigInt(text);
  }

  literal(word: 'true' | 'false' | 'null'): void {
    const b = this.b;
    const p = this.p;
    for (let k = 0; k < word.length; k++) if (b[p + k] !== word.charCodeAt(k)) throw JSON_SYNTAX;
    this.p = p + word.length;
  }

  /** Skips one value of any kind, checking its syntax, without building it. */
  skip(depth = 0): void {
    if (depth > 256) throw JSON_SYNTAX;
    const c = this.b[this.p];
    if (c === 34) {
      this.skipString();
      return;
    }
    if (c === 123) {
      this.p++;
      this.ws();
      if (this.b[this.p] === 125) {
        this.p++;
        return;
      }
      for (;;) {
        this.ws();
        if (this.b[this.p] !== 34) throw JSON_SYNTAX;
        this.skipString();
        this.ws();
        this.expect(58);
        this.ws();
        this.skip(depth + 1);
        this.ws();
        const d = this.b[this.p++];
        if (d === 125) return;
        if (d !== 44) throw JSON_SYNTAX;
      }
    }
    if (c === 91) {
      this.p++;
      this.ws();
      if (this.b[this.p] === 93) {
        this.p++;
        return;
      }
      for (;;) {
        this.ws();
        this.skip(depth + 1);
        this.ws();
        const d = this.b[this.p++];
        if (d === 93) return;
        if (d !== 44) throw JSON_SYNTAX;
      }
    }
    if (c === 116) return this.literal('true');
    if (c === 102) return this.literal('false');
    if (c === 110) return this.literal('null');
    this.skipNumber();
  }

  /** Builds one value of any kind (objects as plain objects, integers exact), as the reference codec's parser does. */
  value(depth = 0): unknown {
    if (depth > 256) throw JSON_SYNTAX;
    const c = this.b[this.p];
    if (c === 34) return this.string();
    if (c === 123) {
      this.p++;
      const o: Record<string, unknown> = {};
      this.ws();
      if (this.b[this.p] === 125) {
        this.p++;
        return o;
      }
      for (;;) {
        this.ws();
        if (this.b[this.p] !== 34) throw JSON_SYNTAX;
        const k = this.string();
        this.ws();
        this.expect(58);
        this.ws();
        const v = this.value(depth + 1);
        if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
        else o[k] = v;
        this.ws();
        const d = this.b[this.p++];
        if (d === 125) return o;
        if (d !== 44) throw JSON_SYNTAX;
      }
    }
    if (c === 91) {
      this.p++;
      const a: unknown[] = [];
      this.ws();
      if (this.b[this.p] === 93) {
        this.p++;
        return a;
      }
      for (;;) {
        this.ws();
        a.push(this.value(depth + 1));
        this.ws();
        const d = this.b[this.p++];
        if (d === 93) return a;
        if (d !== 44) throw JSON_SYNTAX;
      }
    }
    if (c === 116) return this.literal('true'), true;
    if (c === 102) return this.literal('false'), false;
    if (c === 110) return this.literal('null'), null;
    return this.number(true);
  }

  /**
   * At an opening quote: reads a date-time string of the common shapes (`YYYY-MM-DD[T ]HH:MM:SS[.fff...]`
   * then `Z`, `±HH:MM` or nothing = UTC) as epoch milliseconds, without building the string; NaN (and the
   * position unchanged) for any other text, which the caller reads with the reference parser.
   */
  isoTimestamp(): number {
    const b = this.b;
    const s = this.p + 1;
    const d2 = (i: number): number => {
      const x = b[i]! - 48;
      const y = b[i + 1]! - 48;
      return x >= 0 && x <= 9 && y >= 0 && y <= 9 ? x * 10 + y : -1;
    };
    if (s + 19 > this.n || b[s + 4] !== 45 || b[s + 7] !== 45 || b[s + 13] !== 58 || b[s + 16] !== 58) return NaN;
    const sep = b[s + 10];
    if (sep !== 84 && sep !== 32) return NaN;
    const yh = d2(s);
    const yl = d2(s + 2);
    const mo = d2(s + 5);
    const da = d2(s + 8);
    const hh = d2(s + 11);
    const mi = d2(s + 14);
    const ss = d2(s + 17);
    if (yh < 0 || yl < 0 || mo < 1 || mo > 12 || da < 1 || da > 31 || hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59) return NaN;
    let p = s + 19;
    let ms = 0;
    if (b[p] === 46) {
      p++;
      if (!isDigit(b[p] ?? 0)) return NaN;
      let scale = 100;
      while (isDigit(b[p] ?? 0)) {
        ms += (b[p]! - 48) * scale;
        scale /= 10;
        p++;
      }
      ms = Math.trunc(ms);
    }
    let offsetMin = 0;
    const z = b[p];
    if (z === 90) {
      if (sep === 32) return NaN;
      p++;
    } else if (z === 43 || z === 45) {
      if (sep === 32 || b[p + 3] !== 58) return NaN;
      const oh = d2(p + 1);
      const om = d2(p + 4);
      if (oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
      offsetMin = (z === 45 ? -1 : 1) * (oh * 60 + om);
      p += 6;
    }
    if (b[p] !== 34) return NaN;
    this.p = p + 1;
    // records come in time order: the date of the last one is usually this one's
    const date = (yh * 100 + yl) * 10000 + mo * 100 + da;
    if (date !== this.lastDate) {
      this.lastDate = date;
      this.lastDays = daysFromCivil(yh * 100 + yl, mo, da);
    }
    return ((this.lastDays * 24 + hh) * 60 + mi - offsetMin) * 60000 + ss * 1000 + ms;
  }
}
