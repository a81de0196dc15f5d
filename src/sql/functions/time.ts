import { userError } from '../../core/errors.js';
import type { ScalarFunctionDef } from '../../udf/api.js';
import {
  MS_PER_DAY,
  addMonths,
  civilFromDays,
  dayOfWeekSun1,
  daysFromCivil,
  epochMillis,
  floorMod,
  formatMillis,
  isoDayOfWeek,
  isoWeek,
  lastDayOfMonth,
  parseDefaultTimestamp,
  parseJdbcTimestamp,
  parseMillis,
  subtractMonths,
} from './datetime.js';
import { builtin, ex, sig, toInt } from './util.js';

/**
 * Date and time functions. TIMESTAMP values are epoch milliseconds and everything is UTC (as Dagger forces),
 * so Flink's session time zone is always UTC here. There is no DATE type in the value model: TO_DATE and
 * CURRENT_DATE return a TIMESTAMP at midnight.
 *
 * Pre-1970 instants: Flink extracts some fields with truncating division, giving odd values before the epoch;
 * here calendar fields always use floor division (the correct civil date and time).
 */

const TS = 'TIMESTAMP';
const S = 'STRING';
const DEFAULT_FORMAT = 'yyyy-MM-dd HH:mm:ss';
const LONG_MIN = -9223372036854775808n;

const at = (s: string): number => {
  const v = parseDefaultTimestamp(s);
  if (v === null) throw new Error(`bad test timestamp ${s}`);
  return v;
};

const UNIT_MS: Readonly<Record<string, number>> = {
  MILLISECOND: 1,
  SECOND: 1000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: MS_PER_DAY,
  WEEK: 7 * MS_PER_DAY,
};
const UNIT_MONTHS: Readonly<Record<string, number>> = { MONTH: 1, QUARTER: 3, YEAR: 12, DECADE: 120, CENTURY: 1200, MILLENNIUM: 12000 };

function unitOf(fn: string, unit: string, allowed: readonly string[]): string {
  const u = unit.toUpperCase();
  const norm = u.startsWith('SQL_TSI_') ? u.slice(8) : u === 'FRAC_SECOND' ? 'MILLISECOND' : u;
  if (!allowed.includes(norm)) throw userError(`${fn}: unsupported time unit ${unit}; expected one of ${allowed.join(', ')}`);
  return norm;
}

const ADD_UNITS = ['MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'];

function timestampAdd(unit: string, n: number | bigint, ts: number): number {
  const u = unitOf('TIMESTAMPADD', unit, ADD_UNITS);
  const k = toInt(n);
  const months = UNIT_MONTHS[u];
  return months !== undefined ? addMonths(ts, k * months) : ts + k * UNIT_MS[u]!;
}

/** Flink: time units divide the difference truncating toward zero; month units count whole calendar months. */
function timestampDiff(unit: string, t1: number, t2: number): number {
  const u = unitOf('TIMESTAMPDIFF', unit, ADD_UNITS);
  const months = UNIT_MONTHS[u];
  if (months !== undefined) return Math.trunc(subtractMonths(t2, t1) / months);
  return Math.trunc((t2 - t1) / UNIT_MS[u]!);
}

const EXTRACT_UNITS = [
  'YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'DAYOFWEEK', 'DOW', 'DAYOFYEAR', 'DOY', 'ISODOW', 'ISOYEAR', 'HOUR', 'MINUTE', 'SECOND',
  'MILLISECOND', 'MICROSECOND', 'NANOSECOND', 'EPOCH', 'DECADE', 'CENTURY', 'MILLENNIUM',
];

export function extract(unit: string, ts: number): number {
  const u = unitOf('EXTRACT', unit, EXTRACT_UNITS);
  const days = Math.floor(ts / MS_PER_DAY);
  const msOfDay = ts - days * MS_PER_DAY;
  switch (u) {
    case 'HOUR':
      return Math.floor(msOfDay / 3_600_000);
    case 'MINUTE':
      return Math.floor(msOfDay / 60_000) % 60;
    case 'SECOND':
      return Math.floor(msOfDay / 1000) % 60;
    case 'MILLISECOND':
      return msOfDay % 1000;
    case 'MICROSECOND':
      return (msOfDay % 1000) * 1000;
    case 'NANOSECOND':
      return (msOfDay % 1000) * 1_000_000;
    case 'EPOCH':
      return Math.trunc(ts / 1000);
    case 'DAYOFWEEK':
    case 'DOW':
      return dayOfWeekSun1(days);
    case 'ISODOW':
      return isoDayOfWeek(days);
    case 'WEEK':
      return isoWeek(days).week;
    case 'ISOYEAR':
      return isoWeek(days).year;
    default:
      break;
  }
  const c = civilFromDays(days);
  switch (u) {
    case 'YEAR':
      return c.y;
    case 'QUARTER':
      return Math.floor((c.m + 2) / 3);
    case 'MONTH':
      return c.m;
    case 'DAY':
      return c.d;
    case 'DAYOFYEAR':
    case 'DOY':
      return days - daysFromCivil(c.y, 1, 1) + 1;
    case 'DECADE':
      return Math.trunc(c.y / 10);
    case 'CENTURY':
      return c.y > 0 ? Math.trunc((c.y + 99) / 100) : Math.trunc((c.y - 99) / 100);
    default:
      return c.y > 0 ? Math.trunc((c.y + 999) / 1000) : Math.trunc((c.y - 999) / 1000);
  }
}

const FLOOR_UNITS = ['MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR', 'DECADE', 'CENTURY', 'MILLENNIUM'];

/**
 * FLOOR/CEIL(ts TO unit). Units up to DAY are arithmetic. WEEK (weeks start on Sunday) and the month-based units
 * follow Flink's julianDateFloor, which looks at the date only: CEIL of a non-midnight instant on the first day
 * of a month (or on a Sunday, for WEEK) returns that day's midnight, as Flink does.
 */
export function floorCeil(ts: number, unit: string, ceil: boolean): number {
  const u = unitOf(ceil ? 'CEIL' : 'FLOOR', unit, FLOOR_UNITS);
  const step = UNIT_MS[u];
  if (step !== undefined && u !== 'WEEK') {
    const r = floorMod(ts, step);
    return r === 0 ? ts : ceil ? ts - r + step : ts - r;
  }
  const days = Math.floor(ts / MS_PER_DAY);
  const c = civilFromDays(days);
  let y = c.y;
  let result: number;
  switch (u) {
    case 'WEEK': {
      let offset = dayOfWeekSun1(days) - 1;
      if (ceil && offset > 0) offset -= 7;
      result = days - offset;
      break;
    }
    case 'MONTH':
      result = ceil && c.d > 1 ? daysFromCivil(c.m === 12 ? y + 1 : y, c.m === 12 ? 1 : c.m + 1, 1) : daysFromCivil(y, c.m, 1);
      break;
    case 'QUARTER': {
      let q = Math.floor((c.m + 2) / 3);
      if (ceil && (c.m > 1 || c.d > 1)) q += 1; // Flink's condition, kept as is
      if (q > 4) {
        q -= 4;
        y += 1;
      }
      result = daysFromCivil(y, q * 3 - 2, 1);
      break;
    }
    case 'YEAR':
      result = daysFromCivil(ceil && (c.m > 1 || c.d > 1) ? y + 1 : y, 1, 1);
      break;
    case 'DECADE':
      result = daysFromCivil(ceil ? 10 * (1 + Math.trunc(y / 10)) : 10 * Math.trunc(y / 10), 1, 1);
      break;
    case 'CENTURY':
      result = daysFromCivil(ceil ? 100 * Math.trunc((y + 99) / 100) + 1 : 100 * Math.trunc((y + 99) / 100) - 99, 1, 1);
      break;
    default:
      result = daysFromCivil(ceil ? 1000 * Math.trunc((y + 999) / 1000) + 1 : 1000 * Math.trunc((y + 999) / 1000) - 999, 1, 1);
  }
  return result * MS_PER_DAY;
}

/** Flink's DateTimeUtils.parseDate: 'yyyy[-M[M][-d[d]]]', anything after the first space ignored. */
function parseDate(s: string): number | null {
  const sp = s.indexOf(' ');
  const text = sp > 0 ? s.slice(0, sp) : s;
  const parts = text.split('-');
  if (parts.length > 3) return null;
  const nums = parts.map((p) => p.trim());
  if (!nums.every((p) => /^[0-9]+$/.test(p))) return null;
  const y = Number(nums[0]);
  const m = nums[1] === undefined ? 1 : Number(nums[1]);
  const d = nums[2] === undefined ? 1 : Number(nums[2]);
  if (y > 9999 || m < 1 || m > 12 || d < 1 || d > lastDayOfMonth(y, m)) return null;
  return epochMillis(y, m, d);
}

function toTimestamp(s: string, fmt?: string): number | null {
  if (fmt === undefined) return parseDefaultTimestamp(s);
  return parseMillis(s, fmt, 'dtf') ?? parseJdbcTimestamp(s);
}

function unixTimestamp(s: string, fmt = DEFAULT_FORMAT): number | bigint {
  const ms = parseMillis(s, fmt, 'sdf');
  return ms === null ? LONG_MIN : Math.trunc(ms / 1000);
}

function dateFormat(v: number | string, fmtOrFrom: string, to?: string): string | null {
  if (typeof v === 'number') return formatMillis(v, fmtOrFrom, 'dtf');
  const from = to === undefined ? DEFAULT_FORMAT : fmtOrFrom;
  const ms = parseMillis(v, from, 'sdf');
  return ms === null ? null : formatMillis(ms, to ?? fmtOrFrom, 'sdf');
}

const fieldFn = (name: string, unit: string, example: [string, number]): ScalarFunctionDef =>
  builtin({
    name,
    description: `EXTRACT(${unit} FROM ts).`,
    signatures: [sig([TS], 'BIGINT')],
    eval: (ts: number) => extract(unit, ts),
    examples: [ex([at(example[0])], example[1])],
  });

const now = (): number => Date.now();

export const timeFunctions: readonly ScalarFunctionDef[] = [
  builtin({
    name: 'DATE_FORMAT',
    description:
      'Formats a TIMESTAMP with a java.time pattern, or re-formats a STRING timestamp (read as yyyy-MM-dd HH:mm:ss, or with a given source pattern) with SimpleDateFormat patterns. NULL if the string does not parse.',
    signatures: [sig([TS, S], S), sig([S, S], S), sig([S, S, S], S)],
    eval: dateFormat,
    examples: [
      ex([at('2024-03-05 07:08:09.012'), 'yyyy-MM-dd HH:mm:ss'], '2024-03-05 07:08:09'),
      ex([at('2024-03-05 07:08:09.012'), 'yyyy/MM/dd HH:mm:ss.SSS'], '2024/03/05 07:08:09.012'),
      ex([at('2024-03-05 15:08:09'), "EEE, d MMM yy h:mm a 'at' z"], 'Tue, 5 Mar 24 3:08 PM at UTC'),
      ex([at('2024-03-05 15:08:09'), 'EEEE MMMM D'], 'Tuesday March 65'),
      ex(['2024-03-05 07:08:09', 'yyyyMMdd'], '20240305'),
      ex(['2024-03-05', 'yyyyMMdd'], null),
      ex(['05/03/2024', 'dd/MM/yyyy', 'yyyy-MM-dd'], '2024-03-05'),
    ],
  }),
  builtin({
    name: 'TO_TIMESTAMP',
    description: "Parses a string (default format 'yyyy-MM-dd HH:mm:ss', also with a fraction or date only) as UTC; NULL if it does not parse.",
    signatures: [sig([S], TS), sig([S, S], TS)],
    eval: toTimestamp,
    examples: [
      ex(['2024-03-05 07:08:09'], Date.UTC(2024, 2, 5, 7, 8, 9)),
      ex(['2024-03-05 07:08:09.5'], Date.UTC(2024, 2, 5, 7, 8, 9, 500)),
      ex(['2024-03-05'], Date.UTC(2024, 2, 5)),
      ex(['2024-3-5 7:08:09'], Date.UTC(2024, 2, 5, 7, 8, 9)),
      ex(['not a time'], null),
      ex(['05/03/2024 10', 'dd/MM/yyyy HH'], Date.UTC(2024, 2, 5, 10)),
      ex(['2024-02-30', 'yyyy-MM-dd'], Date.UTC(2024, 1, 29)),
      ex(['2024-03-05 07:08:09', 'yyyyMMdd'], Date.UTC(2024, 2, 5, 7, 8, 9)),
    ],
  }),
  builtin({
    name: 'TO_DATE',
    description: "Parses a date (default 'yyyy-MM-dd'); returns the TIMESTAMP at midnight UTC (Dirk has no DATE type). NULL if it does not parse.",
    signatures: [sig([S], TS), sig([S, S], TS)],
    eval: (s: string, fmt?: string) => {
      if (fmt === undefined) return parseDate(s);
      const ms = parseMillis(s, fmt, 'sdf');
      return ms === null ? null : Math.floor(ms / MS_PER_DAY) * MS_PER_DAY;
    },
    examples: [
      ex(['2024-03-05'], Date.UTC(2024, 2, 5)),
      ex(['2024-03-05 10:00:00'], Date.UTC(2024, 2, 5)),
      ex(['2024'], Date.UTC(2024, 0, 1)),
      ex(['2024-02-30'], null),
      ex(['05.03.2024', 'dd.MM.yyyy'], Date.UTC(2024, 2, 5)),
    ],
  }),
  builtin({
    name: 'FROM_UNIXTIME',
    description: "Formats seconds since the epoch (default 'yyyy-MM-dd HH:mm:ss', SimpleDateFormat patterns).",
    signatures: [sig(['BIGINT'], S), sig(['BIGINT', S], S)],
    eval: (sec: number | bigint, fmt?: string) => formatMillis(Number(sec) * 1000, fmt ?? DEFAULT_FORMAT, 'sdf'),
    examples: [ex([0], '1970-01-01 00:00:00'), ex([1709622489, 'yyyy-MM-dd'], '2024-03-05'), ex([1, 'ss.SSS'], '01.000')],
  }),
  builtin({
    name: 'UNIX_TIMESTAMP',
    description:
      "UNIX_TIMESTAMP(): now in seconds. UNIX_TIMESTAMP(s[, fmt]): seconds of a date string (default 'yyyy-MM-dd HH:mm:ss'); Long.MIN_VALUE if it does not parse, as Flink.",
    signatures: [sig([], 'BIGINT'), sig([S], 'BIGINT'), sig([S, S], 'BIGINT')],
    deterministic: false,
    eval: (s?: string, fmt?: string) => (s === undefined ? Math.floor(Date.now() / 1000) : unixTimestamp(s, fmt)),
    examples: [
      ex(['1970-01-01 00:01:40'], 100),
      ex(['2024-03-05', 'yyyy-MM-dd'], 1709596800),
      ex(['2024-03-05 10:00:00.000 +0100', 'yyyy-MM-dd HH:mm:ss.SSS X'], 1709629200),
      ex(['garbage'], -9223372036854775808n),
    ],
  }),
  builtin({
    name: 'TIMESTAMPADD',
    description: 'TIMESTAMPADD(unit, n, ts); month units clamp the day to the end of the month.',
    signatures: [sig([S, 'INT', TS], TS)],
    eval: timestampAdd,
    examples: [
      ex(['DAY', 2, at('2024-02-28 10:00:00')], at('2024-03-01 10:00:00')),
      ex(['MONTH', 1, at('2024-01-31 00:00:00')], at('2024-02-29 00:00:00')),
      ex(['YEAR', 1, at('2024-02-29 00:00:00')], at('2025-02-28 00:00:00')),
      ex(['QUARTER', -1, at('2024-05-31 00:00:00')], at('2024-02-29 00:00:00')),
      ex(['HOUR', -3, at('2024-03-01 01:00:00')], at('2024-02-29 22:00:00')),
    ],
  }),
  builtin({
    name: 'TIMESTAMPDIFF',
    description: 'TIMESTAMPDIFF(unit, t1, t2): whole units from t1 to t2 (truncated toward zero).',
    signatures: [sig([S, TS, TS], 'INT')],
    eval: timestampDiff,
    examples: [
      ex(['DAY', at('2024-01-01 12:00:00'), at('2024-01-03 11:59:59')], 1),
      ex(['DAY', at('2024-01-03 12:00:00'), at('2024-01-01 00:00:00')], -2),
      ex(['MONTH', at('2024-01-31 00:00:00'), at('2024-02-29 00:00:00')], 1),
      ex(['MONTH', at('2024-01-31 10:00:00'), at('2024-02-29 09:00:00')], 0),
      ex(['YEAR', at('2020-02-29 00:00:00'), at('2021-02-28 00:00:00')], 1),
      ex(['QUARTER', at('2024-01-15 00:00:00'), at('2024-07-14 00:00:00')], 1),
      ex(['WEEK', at('2024-01-01 00:00:00'), at('2024-01-15 00:00:00')], 2),
    ],
  }),
  builtin({
    name: 'EXTRACT',
    description: 'EXTRACT(unit FROM ts), the unit passed first as a string.',
    signatures: [sig([S, TS], 'BIGINT')],
    eval: extract,
    examples: [
      ex(['YEAR', at('2024-03-05 07:08:09.012')], 2024),
      ex(['QUARTER', at('2024-03-05 07:08:09.012')], 1),
      ex(['MONTH', at('2024-03-05 07:08:09.012')], 3),
      ex(['DAY', at('2024-03-05 07:08:09.012')], 5),
      ex(['HOUR', at('2024-03-05 07:08:09.012')], 7),
      ex(['MINUTE', at('2024-03-05 07:08:09.012')], 8),
      ex(['SECOND', at('2024-03-05 07:08:09.012')], 9),
      ex(['MILLISECOND', at('2024-03-05 07:08:09.012')], 12),
      ex(['DAYOFWEEK', at('2024-03-05 00:00:00')], 3),
      ex(['DOY', at('2024-03-05 00:00:00')], 65),
      ex(['WEEK', at('2024-12-30 00:00:00')], 1),
      ex(['EPOCH', at('1970-01-02 00:00:01')], 86401),
    ],
  }),
  fieldFn('YEAR', 'YEAR', ['2024-03-05 00:00:00', 2024]),
  fieldFn('QUARTER', 'QUARTER', ['2024-11-05 00:00:00', 4]),
  fieldFn('MONTH', 'MONTH', ['2024-03-05 00:00:00', 3]),
  fieldFn('WEEK', 'WEEK', ['2021-01-03 00:00:00', 53]),
  fieldFn('DAYOFMONTH', 'DAY', ['2024-03-05 00:00:00', 5]),
  fieldFn('DAYOFWEEK', 'DAYOFWEEK', ['2024-03-03 00:00:00', 1]),
  fieldFn('DAYOFYEAR', 'DAYOFYEAR', ['2024-12-31 00:00:00', 366]),
  fieldFn('HOUR', 'HOUR', ['2024-03-05 23:59:59', 23]),
  fieldFn('MINUTE', 'MINUTE', ['2024-03-05 23:59:59', 59]),
  fieldFn('SECOND', 'SECOND', ['2024-03-05 23:59:58', 58]),
  builtin({
    name: 'FLOOR_TIME',
    description: 'FLOOR(ts TO unit).',
    signatures: [sig([TS, S], TS)],
    eval: (ts: number, unit: string) => floorCeil(ts, unit, false),
    examples: [
      ex([at('2024-03-05 07:08:09.012'), 'HOUR'], at('2024-03-05 07:00:00')),
      ex([at('2024-03-05 07:08:09.012'), 'DAY'], at('2024-03-05 00:00:00')),
      ex([at('2024-03-05 07:08:09.012'), 'WEEK'], at('2024-03-03 00:00:00')),
      ex([at('2024-03-05 07:08:09.012'), 'MONTH'], at('2024-03-01 00:00:00')),
      ex([at('2024-03-05 07:08:09.012'), 'QUARTER'], at('2024-01-01 00:00:00')),
      ex([at('2024-03-05 07:08:09.012'), 'YEAR'], at('2024-01-01 00:00:00')),
      ex([at('1969-12-31 23:59:59.5'), 'SECOND'], at('1969-12-31 23:59:59')),
    ],
  }),
  builtin({
    name: 'CEIL_TIME',
    description: 'CEIL(ts TO unit).',
    signatures: [sig([TS, S], TS)],
    eval: (ts: number, unit: string) => floorCeil(ts, unit, true),
    examples: [
      ex([at('2024-03-05 07:08:09.012'), 'HOUR'], at('2024-03-05 08:00:00')),
      ex([at('2024-03-05 07:00:00'), 'HOUR'], at('2024-03-05 07:00:00')),
      ex([at('2024-03-05 07:08:09.012'), 'DAY'], at('2024-03-06 00:00:00')),
      ex([at('2024-03-05 07:08:09.012'), 'MONTH'], at('2024-04-01 00:00:00')),
      ex([at('2024-12-05 07:08:09.012'), 'MONTH'], at('2025-01-01 00:00:00')),
      ex([at('2024-11-05 00:00:00'), 'QUARTER'], at('2025-01-01 00:00:00')),
      ex([at('2024-03-05 07:08:09.012'), 'YEAR'], at('2025-01-01 00:00:00')),
      ex([at('2024-03-05 07:08:09.012'), 'WEEK'], at('2024-03-10 00:00:00')),
    ],
  }),
  builtin({
    name: 'TO_TIMESTAMP_LTZ',
    description: 'TO_TIMESTAMP_LTZ(n, precision): n in seconds (precision 0) or milliseconds (precision 3).',
    signatures: [sig(['DOUBLE', 'INT'], TS)],
    eval: (n: number | bigint, precision: number | bigint) => {
      const p = toInt(precision);
      if (p === 0) return Math.trunc(Number(n) * 1000);
      if (p === 3) return Math.trunc(Number(n));
      throw userError(`TO_TIMESTAMP_LTZ: precision ${p} is unsupported; use 0 (seconds) or 3 (milliseconds)`);
    },
    examples: [ex([1709622489, 0], 1709622489000), ex([1709622489123, 3], 1709622489123)],
  }),
  ...['CURRENT_TIMESTAMP', 'NOW', 'LOCALTIMESTAMP', 'CURRENT_ROW_TIMESTAMP'].map((name) =>
    builtin({
      name,
      description: 'The current instant (epoch milliseconds, UTC).',
      signatures: [sig([], TS)],
      deterministic: false,
      eval: now,
    }),
  ),
  builtin({
    name: 'CURRENT_DATE',
    description: "Today's date as a TIMESTAMP at midnight UTC.",
    signatures: [sig([], TS)],
    deterministic: false,
    eval: () => Math.floor(Date.now() / MS_PER_DAY) * MS_PER_DAY,
  }),
];

