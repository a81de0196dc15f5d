import { userError } from '../../core/errors.js';
import { BoundedCache } from './util.js';

/**
 * Calendar arithmetic on epoch milliseconds (UTC, proleptic Gregorian) and the two Java date pattern dialects
 * Flink uses: java.time DateTimeFormatter ('dtf': DATE_FORMAT of a TIMESTAMP, TO_TIMESTAMP with a format) and
 * java.text.SimpleDateFormat ('sdf': FROM_UNIXTIME, UNIX_TIMESTAMP, DATE_FORMAT of a STRING, TO_DATE with a format).
 * They agree on the common letters; they differ on S (dtf: fraction of second, sdf: milliseconds), u (dtf:
 * year, sdf: ISO day number) and parsing (sdf is lenient and ignores trailing text; dtf is strict).
 * Zone letters (z Z X x O V) print UTC forms; Flink would reject them for a zone-less TIMESTAMP under dtf.
 */

export const MS_PER_DAY = 86_400_000;

export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

export function floorMod(a: number, b: number): number {
  return a - Math.floor(a / b) * b;
}

/** Days since 1970-01-01 for a civil date (month 1-12). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export interface Civil {
  y: number;
  m: number;
  d: number;
}

export function civilFromDays(days: number): Civil {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: era * 400 + yoe + (m <= 2 ? 1 : 0), m, d };
}

export function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function lastDayOfMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Calcite/Flink addMonths: the day is clamped to the end of the target month (Jan 31 + 1 month = Feb 28/29). */
export function addMonthsToDays(days: number, months: number): number {
  const c = civilFromDays(days);
  const total = c.y * 12 + (c.m - 1) + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  return daysFromCivil(y, m, Math.min(c.d, lastDayOfMonth(y, m)));
}

export function addMonths(ts: number, months: number): number {
  const ms = floorMod(ts, MS_PER_DAY);
  return addMonthsToDays((ts - ms) / MS_PER_DAY, months) * MS_PER_DAY + ms;
}

function subtractMonthsDays(d0: number, d1: number): number {
  if (d0 < d1) return -subtractMonthsDays(d1, d0);
  let m = Math.trunc((d0 - d1) / 31); // no month is longer than 31 days, so this underestimates
  for (;;) {
    if (addMonthsToDays(d1, m) >= d0) return m;
    if (addMonthsToDays(d1, m + 1) > d0) return m;
    m++;
  }
}

/** Whole months from t1 to t0 as Flink's DateTimeUtils.subtractMonths counts them. */
export function subtractMonths(t0: number, t1: number): number {
  const ms0 = floorMod(t0, MS_PER_DAY);
  const ms1 = floorMod(t1, MS_PER_DAY);
  const d0 = (t0 - ms0) / MS_PER_DAY;
  const d1 = (t1 - ms1) / MS_PER_DAY;
  let x = subtractMonthsDays(d0, d1);
  if (addMonthsToDays(d1, x) === d0 && ms0 < ms1) x--;
  return x;
}

/** Day of week with Sunday = 1 ... Saturday = 7 (SQL DAYOFWEEK). */
export function dayOfWeekSun1(days: number): number {
  return floorMod(days + 4, 7) + 1;
}

/** ISO day of week, Monday = 1 ... Sunday = 7. */
export function isoDayOfWeek(days: number): number {
  return floorMod(days + 3, 7) + 1;
}

export function isoWeek(days: number): { week: number; year: number } {
  const thursday = days - isoDayOfWeek(days) + 4;
  const year = civilFromDays(thursday).y;
  return { week: Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1, year };
}

/** US-locale week fields (weeks start on Sunday, week 1 contains January 1), as Java's default locale prints 'w'/'Y'. */
function usWeek(days: number): { week: number; year: number } {
  const sunday = days - (dayOfWeekSun1(days) - 1);
  const year = civilFromDays(sunday + 6).y;
  const jan1 = daysFromCivil(year, 1, 1);
  const firstSunday = jan1 - (dayOfWeekSun1(jan1) - 1);
  return { week: Math.floor((sunday - firstSunday) / 7) + 1, year };
}

export interface Fields extends Civil {
  days: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
}

export function fieldsOf(ts: number): Fields {
  const days = Math.floor(ts / MS_PER_DAY);
  let rem = ts - days * MS_PER_DAY;
  const h = Math.floor(rem / 3_600_000);
  rem -= h * 3_600_000;
  const mi = Math.floor(rem / 60_000);
  rem -= mi * 60_000;
  const s = Math.floor(rem / 1000);
  const c = civilFromDays(days);
  return { days, y: c.y, m: c.m, d: c.d, h, mi, s, ms: rem - s * 1000 };
}

export function epochMillis(y: number, m: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  return daysFromCivil(y, m, d) * MS_PER_DAY + h * 3_600_000 + mi * 60_000 + s * 1000 + ms;
}

// ---------------------------------------------------------------------------------------------------------------
// Patterns

export type Dialect = 'dtf' | 'sdf';

type Token = { readonly lit: string } | { readonly letter: string; readonly count: number };

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const LETTERS: Readonly<Record<Dialect, string>> = {
  sdf: 'GyYMLwWDdFEuaHkKhmsSzZX',
  dtf: 'GuyYMLQqwWDdFEecaHkKhmsSAnNzZXxOVB',
};

const compiled = new BoundedCache<readonly Token[]>(256);

export function compilePattern(pattern: string, dialect: Dialect): readonly Token[] {
  return compiled.get(`${dialect}\u0000${pattern}`, () => tokenize(pattern, dialect));
}

function tokenize(p: string, dialect: Dialect): Token[] {
  const out: Token[] = [];
  const lit = (s: string): void => {
    const last = out[out.length - 1];
    if (last !== undefined && 'lit' in last) out[out.length - 1] = { lit: last.lit + s };
    else out.push({ lit: s });
  };
  let i = 0;
  while (i < p.length) {
    const c = p[i]!;
    if (c === "'") {
      if (p[i + 1] === "'") {
        lit("'");
        i += 2;
        continue;
      }
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= p.length) throw userError(`date pattern "${p}": unterminated quote`);
        if (p[j] === "'") {
          if (p[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += p[j];
        j++;
      }
      lit(text);
      i = j + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      if (!LETTERS[dialect].includes(c)) throw userError(`date pattern "${p}": illegal pattern character '${c}'`);
      let j = i;
      while (p[j] === c) j++;
      out.push({ letter: c, count: j - i });
      i = j;
      continue;
    }
    if (dialect === 'dtf' && (c === '[' || c === ']')) {
      i++; // optional sections: every field is available when formatting, so they always print
      continue;
    }
    if (dialect === 'dtf' && (c === '{' || c === '}' || c === '#')) {
      throw userError(`date pattern "${p}": reserved character '${c}'`);
    }
    lit(c);
    i++;
  }
  return out;
}

const pad = (n: number, width: number): string => {
  const s = String(Math.abs(n));
  const body = s.length >= width ? s : '0'.repeat(width - s.length) + s;
  return n < 0 ? `-${body}` : body;
};

export function formatMillis(ts: number, pattern: string, dialect: Dialect): string {
  const tokens = compilePattern(pattern, dialect);
  const f = fieldsOf(ts);
  let out = '';
  for (const t of tokens) {
    if ('lit' in t) {
      out += t.lit;
      continue;
    }
    const n = t.count;
    switch (t.letter) {
      case 'G':
        out += f.y > 0 ? (n === 4 && dialect === 'dtf' ? 'Anno Domini' : 'AD') : n === 4 && dialect === 'dtf' ? 'Before Christ' : 'BC';
        break;
      case 'u':
        // SimpleDateFormat: ISO day number; java.time: the proleptic year
        out += dialect === 'sdf' ? pad(isoDayOfWeek(f.days), n) : n === 2 ? pad(floorMod(f.y, 100), 2) : pad(f.y, n);
        break;
      case 'y':
        out += n === 2 ? pad(floorMod(f.y, 100), 2) : pad(f.y, n);
        break;
      case 'Y': {
        const wy = usWeek(f.days).year;
        out += n === 2 ? pad(floorMod(wy, 100), 2) : pad(wy, n);
        break;
      }
      case 'M':
      case 'L':
        out += n >= 4 ? MONTHS[f.m - 1]! : n === 3 ? MONTHS[f.m - 1]!.slice(0, 3) : pad(f.m, n);
        break;
      case 'Q':
      case 'q': {
        const q = Math.floor((f.m - 1) / 3) + 1;
        out += n >= 4 ? `${['1st', '2nd', '3rd', '4th'][q - 1]} quarter` : n === 3 ? `Q${q}` : pad(q, n);
        break;
      }
      case 'w':
        out += pad(usWeek(f.days).week, n);
        break;
      case 'W': {
        const first = f.days - (f.d - 1);
        out += pad(Math.floor((f.d - 1 + dayOfWeekSun1(first) - 1) / 7) + 1, n);
        break;
      }
      case 'D':
        out += pad(f.days - daysFromCivil(f.y, 1, 1) + 1, n);
        break;
      case 'd':
        out += pad(f.d, n);
        break;
      case 'F':
        out += pad(Math.floor((f.d - 1) / 7) + 1, n);
        break;
      case 'E':
      case 'e':
      case 'c': {
        const dow = dayOfWeekSun1(f.days);
        if (t.letter !== 'E' && n <= 2) out += pad(dow, n);
        else out += n >= 4 ? DAYS[dow - 1]! : DAYS[dow - 1]!.slice(0, 3);
        break;
      }
      case 'a':
        out += f.h < 12 ? 'AM' : 'PM';
        break;
      case 'B':
        out += f.h < 12 ? 'in the morning' : f.h < 18 ? 'in the afternoon' : 'in the evening';
        break;
      case 'H':
        out += pad(f.h, n);
        break;
      case 'k':
        out += pad(f.h === 0 ? 24 : f.h, n);
        break;
      case 'K':
        out += pad(f.h % 12, n);
        break;
      case 'h':
        out += pad(f.h % 12 === 0 ? 12 : f.h % 12, n);
        break;
      case 'm':
        out += pad(f.mi, n);
        break;
      case 's':
        out += pad(f.s, n);
        break;
      case 'S':
        out += dialect === 'sdf' ? pad(f.ms, n) : (pad(f.ms, 3) + '000000').slice(0, n).padEnd(n, '0');
        break;
      case 'A':
        out += pad(f.h * 3_600_000 + f.mi * 60_000 + f.s * 1000 + f.ms, n);
        break;
      case 'n':
        out += pad(f.ms * 1_000_000, n);
        break;
      case 'N':
        out += pad((f.h * 3_600_000 + f.mi * 60_000 + f.s * 1000 + f.ms) * 1_000_000, n);
        break;
      case 'z':
        out += n >= 4 ? 'Coordinated Universal Time' : 'UTC';
        break;
      case 'V':
        out += 'UTC';
        break;
      case 'O':
        out += 'GMT';
        break;
      case 'Z':
        out += n === 4 ? 'GMT' : n === 5 ? 'Z' : '+0000';
        break;
      case 'X':
        out += 'Z';
        break;
      case 'x':
        out += n === 1 ? '+00' : n === 2 || n === 4 ? '+0000' : '+00:00';
        break;
      default:
        throw userError(`date pattern "${pattern}": unsupported letter '${t.letter}'`);
    }
  }
  return out;
}

// ---- parsing ----

const NUMERIC = new Set(['y', 'u', 'Y', 'M', 'L', 'd', 'D', 'H', 'k', 'K', 'h', 'm', 's', 'S', 'w', 'W', 'F', 'n', 'A']);

function isNumericToken(t: Token | undefined): boolean {
  return t !== undefined && 'letter' in t && NUMERIC.has(t.letter) && !((t.letter === 'M' || t.letter === 'L') && t.count >= 3);
}

/**
 * Parse `text` with `pattern`. Returns epoch millis, or null when the text does not match. 'sdf' is lenient
 * (field overflow rolls over, trailing text is ignored); 'dtf' requires the whole text and valid fields, and
 * clamps a day past the end of its month as java.time's SMART resolver does.
 */
export function parseMillis(text: string, pattern: string, dialect: Dialect): number | null {
  const tokens = compilePattern(pattern, dialect);
  let y = 1970;
  let mo = 1;
  let d = 1;
  let h = 0;
  let mi = 0;
  let s = 0;
  let ms = 0;
  let pm: boolean | undefined;
  let hour12: number | undefined;
  let offsetMin = 0;
  let pos = 0;
  for (let ti = 0; ti < tokens.length; ti++) {
    const t = tokens[ti]!;
    if ('lit' in t) {
      if (!text.startsWith(t.lit, pos)) return null;
      pos += t.lit.length;
      continue;
    }
    const n = t.count;
    if (isNumericToken(t)) {
      // Width: fixed when the next field abuts (sdf) or when the pattern letter repeats (dtf, except years);
      // otherwise as many digits as there are.
      const abutting = isNumericToken(tokens[ti + 1]);
      let min = 1;
      let max = 19;
      if (dialect === 'dtf') {
        if (t.letter === 'S') min = max = n;
        else if (t.letter === 'y' || t.letter === 'u' || t.letter === 'Y') {
          if (n === 2) min = max = 2;
          else min = n;
        } else if (n >= 2) min = max = n;
      } else if (abutting) max = n;
      if (abutting && max === 19) {
        // leave room for the digits the following fixed-width fields need
        let reserve = 0;
        for (let k = ti + 1; k < tokens.length && isNumericToken(tokens[k]); k++) reserve += (tokens[k] as { count: number }).count;
        let avail = 0;
        while (/[0-9]/.test(text[pos + avail] ?? '')) avail++;
        max = Math.max(min, avail - reserve);
      }
      let end = pos;
      while (end < text.length && end - pos < max && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
      if (end - pos < min) return null;
      const digits = text.slice(pos, end);
      const v = Number(digits);
      pos = end;
      switch (t.letter) {
        case 'y':
        case 'u':
        case 'Y':
          if (n === 2 && digits.length === 2) y = dialect === 'dtf' ? 2000 + v : twoDigitYear(v);
          else y = v;
          break;
        case 'M':
        case 'L':
          mo = v;
          break;
        case 'd':
          d = v;
          break;
        case 'H':
          h = v;
          break;
        case 'k':
          h = v === 24 ? 0 : v;
          break;
        case 'K':
        case 'h':
          hour12 = v;
          break;
        case 'm':
          mi = v;
          break;
        case 's':
          s = v;
          break;
        case 'S':
          ms = dialect === 'sdf' ? v : Math.floor(Number(digits.padEnd(9, '0')) / 1_000_000);
          break;
        default:
          break; // day-of-year, week fields: accepted, not used
      }
      continue;
    }
    switch (t.letter) {
      case 'M':
      case 'L': {
        const idx = matchName(text, pos, MONTHS, n >= 4);
        if (idx === null) return null;
        mo = idx.index + 1;
        pos = idx.end;
        break;
      }
      case 'E': {
        const idx = matchName(text, pos, DAYS, n >= 4);
        if (idx === null) return null;
        pos = idx.end;
        break;
      }
      case 'a': {
        const ap = text.slice(pos, pos + 2).toUpperCase();
        if (ap !== 'AM' && ap !== 'PM') return null;
        pm = ap === 'PM';
        pos += 2;
        break;
      }
      case 'G':
        if (text.startsWith('AD', pos)) pos += 2;
        else return null;
        break;
      case 'z':
      case 'Z':
      case 'X':
      case 'x':
      case 'O':
      case 'V': {
        const m = /^(?:Z|UTC|GMT|UT)?(?:([+-])(\d{2}):?(\d{2})?)?/.exec(text.slice(pos));
        if (m === null || m[0].length === 0) return null;
        if (m[1] !== undefined) offsetMin = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
        pos += m[0].length;
        break;
      }
      default:
        return null;
    }
  }
  if (dialect === 'dtf' && pos !== text.length) return null;
  if (hour12 !== undefined) h = (hour12 % 12) + (pm ? 12 : 0);
  else if (pm !== undefined && h < 12 && pm) h += 12;
  if (dialect === 'dtf') {
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
    d = Math.min(d, lastDayOfMonth(y, mo));
    return epochMillis(y, mo, d, h, mi, s, ms) - offsetMin * 60_000;
  }
  // lenient: months roll into years, days into months, and so on
  const total = y * 12 + (mo - 1);
  const yy = Math.floor(total / 12);
  const days = daysFromCivil(yy, total - yy * 12 + 1, 1) + (d - 1);
  return days * MS_PER_DAY + h * 3_600_000 + mi * 60_000 + s * 1000 + ms - offsetMin * 60_000;
}

/** SimpleDateFormat's window for 'yy': within 80 years before and 20 years after now. */
function twoDigitYear(v: number): number {
  const now = new Date().getUTCFullYear();
  let y = Math.floor((now - 80) / 100) * 100 + v;
  if (y < now - 80) y += 100;
  return y;
}

function matchName(text: string, pos: number, names: readonly string[], full: boolean): { index: number; end: number } | null {
  const rest = text.slice(pos, pos + 12).toLowerCase();
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!.toLowerCase();
    if (full && rest.startsWith(name)) return { index: i, end: pos + name.length };
  }
  for (let i = 0; i < names.length; i++) {
    const abbr = names[i]!.slice(0, 3).toLowerCase();
    if (rest.startsWith(abbr)) return { index: i, end: pos + 3 };
  }
  return null;
}

/** Flink's default TO_TIMESTAMP parser: 'yyyy-[M]M-[d]d[ [H]H:[m]m:[s]s[.fraction]]'. */
const DEFAULT_TS = /^(\d{4,9})-(\d{1,2})-(\d{1,2})(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{0,9}))?)?$/;

export function parseDefaultTimestamp(text: string): number | null {
  const m = DEFAULT_TS.exec(text);
  if (m === null) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  let d = Number(m[3]);
  const h = Number(m[4] ?? 0);
  const mi = Number(m[5] ?? 0);
  const s = Number(m[6] ?? 0);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  d = Math.min(d, lastDayOfMonth(y, mo));
  const ms = m[7] ? Math.floor(Number(m[7].padEnd(9, '0')) / 1_000_000) : 0;
  return epochMillis(y, mo, d, h, mi, s, ms);
}

/** java.sql.Timestamp.valueOf / Date.valueOf, Flink's fallback when a TO_TIMESTAMP format does not match. */
export function parseJdbcTimestamp(text: string): number | null {
  const t = text.trim();
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?: (\d+):(\d+):(\d+)(?:\.(\d{1,9}))?)?$/.exec(t);
  if (m === null) return null;
  if (t.includes(' ') !== (m[4] !== undefined)) return null;
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const ms = m[7] ? Math.floor(Number(m[7].padEnd(9, '0')) / 1_000_000) : 0;
  // the deprecated Date constructor behind valueOf is lenient about days and times
  return daysFromCivil(Number(m[1]), mo, 1) * MS_PER_DAY + (d - 1) * MS_PER_DAY + Number(m[4] ?? 0) * 3_600_000 + Number(m[5] ?? 0) * 60_000 + Number(m[6] ?? 0) * 1000 + ms;
}
