import type { FunctionDef } from '../src/udf/api.js';
import { CollectArray, DistinctCount, PercentileAggregator } from './aggregate/aggregates.js';
import { ArrayAggregate, ArrayOperate } from './array/array-aggregate.js';
import { ElementAt, ListContains, MapGet } from './array/collections.js';
import { DartContains, DartGet } from './dart/dart.js';
import { Features, FeaturesWithType, SingleFeatureWithType } from './feast/features.js';
import { Distance } from './geo/distance.js';
import { GeoHash } from './geo/geohash.js';
import { S2AreaInKm2, S2Id } from './geo/s2.js';
import { JsonDelete, JsonQuery, JsonUpdate } from './json/json-path.js';
import { CondEq, Filters, SelectFields } from './longbow/longbow.js';
import { ExponentialMovingAverage, LinearTrend } from './stats/trends.js';
import { ByteToString, Split } from './string/strings.js';
import { HistogramBucket } from './table/histogram-bucket.js';
import { OutlierMad } from './table/outlier-mad.js';
import { EndOfMonth, EndOfWeek, StartOfMonth, StartOfWeek, TimeInDate, TimestampFromUnix } from './time/calendar.js';
import { FormatTimeInZone } from './time/format-time-in-zone.js';

/** Dagger's function library (dagger.md section 4), registered under Dagger's class names. */
export const daggerFunctions: FunctionDef[] = [
  // scalar
  ArrayAggregate,
  ArrayOperate,
  ByteToString,
  CondEq,
  DartContains,
  DartGet,
  Distance,
  ElementAt,
  StartOfMonth,
  EndOfMonth,
  StartOfWeek,
  EndOfWeek,
  ExponentialMovingAverage,
  Filters,
  FormatTimeInZone,
  GeoHash,
  JsonQuery,
  JsonUpdate,
  JsonDelete,
  LinearTrend,
  ListContains,
  MapGet,
  S2AreaInKm2,
  S2Id,
  SelectFields,
  SingleFeatureWithType,
  Split,
  TimeInDate,
  TimestampFromUnix,
  // aggregate
  CollectArray,
  DistinctCount,
  Features,
  FeaturesWithType,
  PercentileAggregator,
  // table
  HistogramBucket,
  OutlierMad,
];
