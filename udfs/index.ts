import type { FunctionDef } from '../src/udf/api.js';
import { ArrayAggregate, ArrayOperate } from './array/array-aggregate.js';
import { ElementAt, ListContains, MapGet } from './array/collections.js';
import { Distance } from './geo/distance.js';
import { GeoHash } from './geo/geohash.js';
import { S2AreaInKm2, S2Id } from './geo/s2.js';
import { ByteToString, Split } from './string/strings.js';
import { EndOfMonth, EndOfWeek, StartOfMonth, StartOfWeek, TimeInDate, TimestampFromUnix } from './time/calendar.js';
import { FormatTimeInZone } from './time/format-time-in-zone.js';

/** Dagger's function library (dagger.md section 4), registered under Dagger's class names. */
export const daggerFunctions: FunctionDef[] = [
  ArrayAggregate,
  ArrayOperate,
  ByteToString,
  Distance,
  ElementAt,
  StartOfMonth,
  EndOfMonth,
  StartOfWeek,
  EndOfWeek,
  FormatTimeInZone,
  GeoHash,
  ListContains,
  MapGet,
  S2AreaInKm2,
  S2Id,
  Split,
  TimeInDate,
  TimestampFromUnix,
];
