/** Wall-clock arithmetic in IANA time zones with Intl only. Unknown zones fall back to UTC, as Java's TimeZone does (GMT). */

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  weekday: number; // 1 = Monday ... 7 = Sunday
}

const formatters = new Map<string, Intl.DateTimeFormat>();

export function resolveZone(tz: string): string {
  if (formatters.has(tz)) return tz;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz;
  } catch {
    return 'UTC';
  }
}

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
      era: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

const WEEKDAYS: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export function wallTime(epochMs: number, tz: string): WallTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(resolveZone(tz)).formatToParts(new Date(epochMs))) parts[p.type] = p.value;
  const year = Number(parts.year) * (parts.era === 'BC' ? -1 : 1) + (parts.era === 'BC' ? 1 : 0);
  return {
    year,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    ms: ((epochMs % 1000) + 1000) % 1000,
    weekday: WEEKDAYS[parts.weekday!]!,
  };
}

/** Offset of the zone from UTC at an instant, in ms. */
export function offsetAt(epochMs: number, tz: string): number {
  const w = wallTime(epochMs, tz);
  return utcOf(w) - (epochMs - w.ms);
}

function utcOf(w: Pick<WallTime, 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second'>): number {
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  d.setUTCHours(w.hour, w.minute, w.second, 0);
  return d.getTime();
}

/**
 * The instant at which the zone's clock shows the given wall time (fields may overflow, e.g. day 0 is the
 * last day of the previous month). In a DST gap the later offset is used, like java.util.Calendar.
 */
export function instantOf(
  w: { year: number; month: number; day: number; hour: number; minute: number; second: number; ms: number },
  tz: string,
): number {
  const zone = resolveZone(tz);
  const local = utcOf(w) + w.ms;
  let guess = local - offsetAt(local, zone);
  const second = local - offsetAt(guess, zone);
  if (second !== guess) guess = second;
  return guess;
}
