import { defineScalar } from '../../src/udf/api.js';
import { instantOf, wallTime } from './zones.js';

/*
 * Dagger's calendar helpers. Units differ on purpose, as in Dagger: StartOfMonth, EndOfMonth and TimeInDate
 * take and return epoch SECONDS; StartOfWeek and EndOfWeek take and return epoch MILLISECONDS. Weeks run
 * Monday to Sunday. An unknown time zone is read as UTC (Java's TimeZone falls back to GMT).
 */

const toNum = (v: number | bigint): number => Number(v);

export const StartOfMonth = defineScalar({
  name: 'StartOfMonth',
  description: 'Epoch seconds of the first instant (00:00:00) of the month containing the given epoch seconds, in the time zone.',
  signatures: [{ params: ['BIGINT', 'STRING'], returns: 'BIGINT' }],
  eval: (seconds, tz) => {
    const w = wallTime(toNum(seconds!) * 1000, tz!);
    return Math.floor(instantOf({ ...w, day: 1, hour: 0, minute: 0, second: 0, ms: 0 }, tz!) / 1000);
  },
  examples: [
    { args: [1562224758, 'Asia/Kolkata'], result: 1561919400, sql: "StartOfMonth(1562224758, 'Asia/Kolkata')" },
    { args: [1562224758, 'UTC'], result: 1561939200 },
    { args: [1562224758, 'Asia/Jakarta'], result: 1561914000 },
    { args: [1565000000, 'UTC'], result: 1564617600 },
  ],
});

export const EndOfMonth = defineScalar({
  name: 'EndOfMonth',
  description: 'Epoch seconds of the last second (23:59:59) of the month containing the given epoch seconds, in the time zone.',
  signatures: [{ params: ['BIGINT', 'STRING'], returns: 'BIGINT' }],
  eval: (seconds, tz) => {
    const w = wallTime(toNum(seconds!) * 1000, tz!);
    // Day 0 of the next month is the last day of this one.
    return Math.floor(instantOf({ ...w, month: w.month + 1, day: 0, hour: 23, minute: 59, second: 59, ms: 999 }, tz!) / 1000);
  },
  examples: [
    { args: [1562224758, 'Asia/Kolkata'], result: 1564597799, sql: "EndOfMonth(1562224758, 'Asia/Kolkata')" },
    { args: [1562224758, 'UTC'], result: 1564617599 },
    { args: [1562224758, 'Asia/Jakarta'], result: 1564592399 },
    { args: [1580515200, 'UTC'], result: 1583020799 },
  ],
});

export const StartOfWeek = defineScalar({
  name: 'StartOfWeek',
  description: 'Epoch milliseconds of Monday 00:00:00.000 of the week containing the given epoch milliseconds, in the time zone.',
  signatures: [{ params: ['BIGINT', 'STRING'], returns: 'BIGINT' }],
  eval: (ms, tz) => {
    const w = wallTime(toNum(ms!), tz!);
    return instantOf({ ...w, day: w.day - (w.weekday - 1), hour: 0, minute: 0, second: 0, ms: 0 }, tz!);
  },
  examples: [
    { args: [1562224758000, 'Asia/Kolkata'], result: 1561919400000, sql: "StartOfWeek(1562224758000, 'Asia/Kolkata')" },
    { args: [1562224758000, 'Asia/Jakarta'], result: 1561914000000 },
    { args: [1562224758000, 'UTC'], result: 1561939200000 },
    { args: [1561939200000, 'UTC'], result: 1561939200000 },
  ],
});

export const EndOfWeek = defineScalar({
  name: 'EndOfWeek',
  description: 'Epoch milliseconds of Sunday 23:59:59.999 of the week containing the given epoch milliseconds, in the time zone.',
  signatures: [{ params: ['BIGINT', 'STRING'], returns: 'BIGINT' }],
  eval: (ms, tz) => {
    const w = wallTime(toNum(ms!), tz!);
    return instantOf({ ...w, day: w.day + (7 - w.weekday), hour: 23, minute: 59, second: 59, ms: 999 }, tz!);
  },
  examples: [
    { args: [1562224758000, 'Asia/Kolkata'], result: 1562524199999, sql: "EndOfWeek(1562224758000, 'Asia/Kolkata')" },
    { args: [1562224758000, 'Asia/Jakarta'], result: 1562518799999 },
    { args: [1562224758000, 'UTC'], result: 1562543999999 },
    { args: [1561939200000, 'UTC'], result: 1562543999999 },
  ],
});

export const TimeInDate = defineScalar({
  name: 'TimeInDate',
  description: "Epoch seconds of hour:minute:00 on the same calendar date as the given epoch seconds, in the time zone (default 'UTC').",
  signatures: [
    { params: ['BIGINT', 'INT', 'INT'], returns: 'BIGINT' },
    { params: ['BIGINT', 'INT', 'INT', 'STRING'], returns: 'BIGINT' },
  ],
  eval: (seconds, hour, minute, tz?: string | null) => {
    const zone = tz ?? 'UTC';
    const w = wallTime(toNum(seconds!) * 1000, zone);
    return Math.floor(instantOf({ ...w, hour: hour!, minute: minute!, second: 0, ms: 0 }, zone) / 1000);
  },
  examples: [
    { args: [1562224758, 21, 0, 'Asia/Kolkata'], result: 1562254200, sql: "TimeInDate(1562224758, 21, 0, 'Asia/Kolkata')" },
    { args: [1562224758, 21, 0, 'Asia/Jakarta'], result: 1562248800 },
    { args: [1562224758, 21, 0, 'UTC'], result: 1562274000 },
    { args: [1562224758, 21, 0], result: 1562274000 },
  ],
});

export const TimestampFromUnix = defineScalar({
  name: 'TimestampFromUnix',
  description: 'TIMESTAMP from epoch seconds (the absolute value is used, as in Dagger).',
  signatures: [{ params: ['BIGINT'], returns: 'TIMESTAMP(3)' }],
  eval: (seconds) => Math.abs(toNum(seconds!)) * 1000,
  examples: [
    { args: [1562224758], result: 1562224758000, sql: 'TimestampFromUnix(event_seconds)' },
    { args: [-10], result: 10000 },
    { args: [null], result: null },
  ],
});
