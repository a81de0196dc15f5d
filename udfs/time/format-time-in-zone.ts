import { defineScalar } from '../../src/udf/api.js';
import { offsetAt, resolveZone, wallTime } from './zones.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

const pad = (n: number, width: number): string => String(Math.abs(n)).padStart(width, '0');

function offsetText(offsetMs: number, colon: boolean): string {
  const m = Math.round(offsetMs / 60000);
  const sign = m < 0 ? '-' : '+';
  return `${sign}${pad(Math.floor(Math.abs(m) / 60), 2)}${colon ? ':' : ''}${pad(Math.abs(m) % 60, 2)}`;
}

function zoneName(ms: number, tz: string): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'short' })
    .formatToParts(new Date(ms))
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? tz;
}

/**
 * Formats with java.text.SimpleDateFormat letters: G y M d H h k K m s S E u a z Z X, 'quoted text' and ''.
 * Repetition widths behave as in Java (MMM = short month name, MMMM and longer = full, yy = two digits).
 */
export function formatJava(ms: number, tzIn: string, pattern: string): string {
  const tz = resolveZone(tzIn);
  const w = wallTime(ms, tz);
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        out += "'";
        i += 2;
        continue;
      }
      out += pattern.slice(i + 1, end === -1 ? undefined : end).replace(/''/g, "'");
      i = end === -1 ? pattern.length : end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) {
      out += c;
      i++;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === c) n++;
    i += n;
    switch (c) {
      case 'G':
        out += w.year > 0 ? 'AD' : 'BC';
        break;
      case 'y':
      case 'Y':
        out += n === 2 ? pad(w.year % 100, 2) : pad(w.year, n);
        break;
      case 'M':
        out += n >= 4 ? MONTHS[w.month - 1]! : n === 3 ? MONTHS[w.month - 1]!.slice(0, 3) : pad(w.month, n);
        break;
      case 'd':
        out += pad(w.day, n);
        break;
      case 'H':
        out += pad(w.hour, n);
        break;
      case 'k':
        out += pad(w.hour === 0 ? 24 : w.hour, n);
        break;
      case 'K':
        out += pad(w.hour % 12, n);
        break;
      case 'h':
        out += pad(w.hour % 12 === 0 ? 12 : w.hour % 12, n);
        break;
      case 'm':
        out += pad(w.minute, n);
        break;
      case 's':
        out += pad(w.second, n);
        break;
      case 'S':
        out += pad(w.ms, n);
        break;
      case 'E':
        out += n >= 4 ? DAYS[w.weekday - 1]! : DAYS[w.weekday - 1]!.slice(0, 3);
        break;
      case 'u':
        out += pad(w.weekday, n);
        break;
      case 'a':
        out += w.hour < 12 ? 'AM' : 'PM';
        break;
      case 'z':
        out += zoneName(ms, tz);
        break;
      case 'Z':
        out += offsetText(offsetAt(ms, tz), false);
        break;
      case 'X': {
        const off = offsetAt(ms, tz);
        out += off === 0 ? 'Z' : n === 1 ? offsetText(off, false).slice(0, 3) : offsetText(off, n >= 3);
        break;
      }
      default:
        throw new Error(`FormatTimeInZone: unsupported pattern letter '${c}' in "${pattern}"`);
    }
  }
  return out;
}

export const FormatTimeInZone = defineScalar({
  name: 'FormatTimeInZone',
  description: "Formats a timestamp in a time zone with a Java SimpleDateFormat pattern (e.g. 'yyyy-MM-dd HH:mm:ss', 'hh:mm aa').",
  signatures: [{ params: ['TIMESTAMP', 'STRING', 'STRING'], returns: 'STRING' }],
  eval: (ts, tz, format) => formatJava(ts!, tz!, format!),
  examples: [
    { args: [1607003114000, 'Asia/Kolkata', 'hh:mm aa'], result: '07:15 PM', argTypes: ['TIMESTAMP', 'STRING', 'STRING'], sql: "FormatTimeInZone(rowtime, 'Asia/Kolkata', 'hh:mm aa')" },
    { args: [1607003114000, 'Asia/Jakarta', 'hh:mm aa'], result: '08:45 PM', argTypes: ['TIMESTAMP', 'STRING', 'STRING'] },
    { args: [1607003114000, 'Asia/Kolkata', 'yyyy/MM/dd'], result: '2020/12/03', argTypes: ['TIMESTAMP', 'STRING', 'STRING'] },
    { args: [1607003114000, 'UTC', "EEE, d MMM yyyy HH:mm:ss.SSS Z 'at' X"], result: 'Thu, 3 Dec 2020 13:45:14.000 +0000 at Z', argTypes: ['TIMESTAMP', 'STRING', 'STRING'] },
  ],
});
