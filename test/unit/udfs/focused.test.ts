import { describe, expect, it } from 'vitest';
import { T } from '../../../src/core/types.js';
import { createFunctionCatalog, createAsyncInvoker, invokeScalar, invokeTable } from '../../../src/udf/registry.js';
import { CollectArray, DistinctCount, PercentileAggregator } from '../../../udfs/aggregate/aggregates.js';
import { containsCache, getCache } from '../../../udfs/dart/dart.js';
import { DartCache } from '../../../udfs/dart/dart-store.js';
import { FeaturesWithType } from '../../../udfs/feast/features.js';
import { daggerFunctions } from '../../../udfs/index.js';

const cat = createFunctionCatalog(daggerFunctions);
const call = (name: string, types: ReturnType<typeof T.array>[], args: unknown[]): unknown => invokeScalar(cat.resolve(name, types), args);

describe('bad arguments are clear user errors', () => {
  it('rejects wrong types at plan time', () => {
    expect(() => cat.resolve('distance', [T.STRING, T.INT])).toThrow(
      'function DISTANCE expects (DOUBLE, DOUBLE, DOUBLE, DOUBLE), got (STRING, INT)',
    );
    expect(() => cat.resolve('geohsh', [])).toThrow('unknown function GEOHSH (did you mean GeoHash?)');
  });
  it('rejects bad values at run time', () => {
    expect(() => call('GeoHash', [T.DOUBLE, T.DOUBLE, T.INT], [1, 2, 0])).toThrow('function GeoHash failed: GeoHash: length must be an integer from 1 to 12');
    expect(() => call('S2Id', [T.DOUBLE, T.DOUBLE, T.INT], [1, 2, 31])).toThrow('level must be an integer from 0 to 30');
    expect(() => call('S2AreaInKm2', [T.STRING], ['abc'])).toThrow('not a valid S2 cell id');
    expect(() => call('ArrayAggregate', [T.array(T.INT), T.STRING, T.STRING], [[1], 'sum', 'complex'])).toThrow('no support for data type "complex"');
    expect(() => call('ArrayAggregate', [T.array(T.INT), T.STRING, T.STRING], [[1], 'median', 'INT'])).toThrow('unknown operation "median"');
    expect(() => call('ArrayAggregate', [T.array(T.STRING), T.STRING, T.STRING], [['a'], 'sum', 'OTHER'])).toThrow('needs a numeric data type');
    expect(() => call('JsonQuery', [T.STRING, T.STRING], ['{bad', '$.a'])).toThrow('invalid JSON');
    expect(() => call('JsonUpdate', [T.STRING, T.STRING, T.STRING], [null, '$.a', 'x'])).toThrow('json string can not be null or empty');
    expect(() => call('SingleFeatureWithType', [T.STRING, T.STRING], ['a', 'b'])).toThrow('triplets');
    expect(() => call('SingleFeatureWithType', [T.STRING, T.STRING, T.STRING], ['a', 'b', 'Text'])).toThrow('unknown feature type "Text"');
    expect(() => call('LinearTrend', [T.array(T.TIMESTAMP), T.array(T.DOUBLE), T.TIMESTAMP, T.INT], [[600_000], [1], 0, 3])).toThrow('outside the 3-minute window');
  });
});

describe('NULLs and empty input', () => {
  it('returns NULL or Dagger defaults', () => {
    expect(call('Distance', [T.DOUBLE, T.DOUBLE, T.DOUBLE, T.DOUBLE], [null, 1, 2, 3])).toBeNull();
    expect(call('ListContains', [T.array(T.STRING), T.STRING], [null, 'a'])).toBe(false);
    expect(call('Split', [T.STRING, T.STRING], [null, ','])).toEqual([]);
    expect(call('ArrayOperate', [T.array(T.INT), T.STRING, T.STRING], [[], 'distinct', 'INT'])).toEqual([]);
    expect(call('ArrayAggregate', [T.array(T.INT), T.STRING, T.STRING], [[], 'count', 'INT'])).toBe(0);
    expect(call('ElementAt', [T.array(T.INT), T.INT], [[], 0])).toBeNull();
    expect(invokeTable(cat.resolve('HistogramBucket', [T.DOUBLE, T.STRING]), [null, '1,2'])).toEqual([]);
    expect(invokeTable(cat.resolve('OutlierMad', [T.array(T.DOUBLE), T.array(T.TIMESTAMP), T.TIMESTAMP, T.INT, T.INT, T.INT, T.INT]), [[], [], 0, 5, 2, 2, 50])).toEqual([]);
  });
  it('keeps large BIGINT sums exact', () => {
    expect(call('ArrayAggregate', [T.array(T.BIGINT), T.STRING, T.STRING], [[2n ** 62n, 2n ** 62n], 'sum', 'LONG'])).toBe(2n ** 63n);
  });
  it('types generic results from the arguments', () => {
    expect(cat.resolve('ArrayOperate', [T.array(T.STRING), T.STRING, T.STRING]).returnType).toEqual(T.array(T.STRING));
    expect(cat.resolve('CollectArray', [T.BIGINT]).returnType).toEqual(T.array(T.BIGINT));
    expect(cat.resolve('MapGet', [T.array(T.row([{ name: 'k', type: T.STRING }, { name: 'v', type: T.DOUBLE }])), T.STRING]).returnType).toEqual(T.DOUBLE);
  });
});

describe('aggregates', () => {
  it('retract and merge', () => {
    const a = CollectArray.createAccumulator();
    CollectArray.accumulate(a, 'x');
    CollectArray.accumulate(a, 'y');
    CollectArray.retract!(a, 'x');
    const b = CollectArray.createAccumulator();
    CollectArray.accumulate(b, 'z');
    CollectArray.merge!(a, b);
    expect(CollectArray.getValue(a)).toEqual(['y', 'z']);

    const d = DistinctCount.createAccumulator();
    for (const v of ['a', 'a', 'b']) DistinctCount.accumulate(d, v);
    DistinctCount.retract!(d, 'a');
    expect(DistinctCount.getValue(d)).toBe(2);
    DistinctCount.retract!(d, 'a');
    expect(DistinctCount.getValue(d)).toBe(1);

    const f = FeaturesWithType.createAccumulator();
    FeaturesWithType.accumulate(f, 'n', 1, 'IntegerType', 's', 'x', 'StringType');
    FeaturesWithType.retract!(f, 'n', 1, 'IntegerType');
    expect((FeaturesWithType.getValue(f) as { name: string }[]).map((r) => r.name)).toEqual(['s']);

    const p = PercentileAggregator.createAccumulator();
    expect(PercentileAggregator.getValue(p)).toBeNaN();
    PercentileAggregator.accumulate(p, 0, 1);
    expect(() => PercentileAggregator.getValue(p)).toThrow('must be in (0, 100]');
  });
});

describe('dart cache', () => {
  it('refetches after the TTL and when the data was empty', async () => {
    let now = 0;
    let reads = 0;
    const data: Record<string, unknown> = { l: { data: ['a'] }, e: { data: [] } };
    const cache = new DartCache<Set<string>>('T', 'dart-contains', (raw) => {
      const list = (raw as { data: string[] }).data;
      return { data: new Set(list), empty: list.length === 0 };
    }, () => now);
    cache.useStore({ read: async (_k, name) => (reads++, data[name]) });
    await cache.get('l', 1);
    await cache.get('l', 1);
    expect(reads).toBe(1);
    now = 3_600_001;
    await cache.get('l', 1);
    expect(reads).toBe(2);
    await cache.get('e', 1);
    await cache.get('e', 1);
    expect(reads).toBe(4);
  });
  it('explains a missing store and a missing key', async () => {
    containsCache.open({ config: {} });
    const contains = createAsyncInvoker(cat.resolve('DartContains', [T.STRING, T.STRING]));
    await expect(contains([['cities', 'x']])).rejects.toThrow('no dart store configured; set UDF_DART_STORE_PATH');
    getCache.useStore({ read: async () => ({ a: '1' }) });
    const get = createAsyncInvoker(cat.resolve('DartGet', [T.STRING, T.STRING, T.INT]));
    await expect(get([['m', 'b', 1]])).rejects.toThrow('key "b" does not exist in dart-get/m');
    expect(await get([['m', 'a', 1]])).toEqual(['1']);
  });
});
