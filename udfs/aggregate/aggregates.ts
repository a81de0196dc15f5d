import { defineAggregate } from '../../src/udf/api.js';

const sameValue = (a: unknown, b: unknown): boolean => a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));

export const CollectArray = defineAggregate<{ items: unknown[] }>({
  name: 'CollectArray',
  description: 'Collects the values of a group into an array in arrival order (NULLs included); CollectArray(DISTINCT x) for distinct values.',
  signatures: [{ params: ['ANY'], returns: (ts) => ({ kind: 'ARRAY', element: ts[0] ?? { kind: 'ANY' } }) }],
  createAccumulator: () => ({ items: [] }),
  accumulate: (acc, value) => {
    acc.items.push(value ?? null);
  },
  retract: (acc, value) => {
    const i = acc.items.findIndex((x) => sameValue(x, value ?? null));
    if (i >= 0) acc.items.splice(i, 1);
  },
  merge: (acc, other) => {
    acc.items.push(...other.items);
  },
  getValue: (acc) => [...acc.items],
  examples: [
    { rows: [['a'], ['b'], ['a']], result: ['a', 'b', 'a'] },
    { rows: [[1], [null]], result: [1, null] },
    { rows: [], result: [] },
  ],
});

export const DistinctCount = defineAggregate<{ counts: Map<string, number> }>({
  name: 'DistinctCount',
  description: 'Number of distinct non-NULL values of a group.',
  signatures: [{ params: ['STRING'], returns: 'INT' }],
  createAccumulator: () => ({ counts: new Map() }),
  accumulate: (acc, item) => {
    if (item === null || item === undefined) return;
    const k = String(item);
    acc.counts.set(k, (acc.counts.get(k) ?? 0) + 1);
  },
  retract: (acc, item) => {
    if (item === null || item === undefined) return;
    const k = String(item);
    const n = (acc.counts.get(k) ?? 0) - 1;
    if (n > 0) acc.counts.set(k, n);
    else acc.counts.delete(k);
  },
  merge: (acc, other) => {
    for (const [k, n] of other.counts) acc.counts.set(k, (acc.counts.get(k) ?? 0) + n);
  },
  getValue: (acc) => acc.counts.size,
  examples: [
    { rows: [['a'], ['b'], ['a'], [null]], result: 2 },
    { rows: [], result: 0 },
  ],
});

/**
 * Percentile with Apache Commons Math's default estimator (as Dagger): position p(n+1)/100 in the sorted
 * values, interpolated linearly, clamped to the smallest / largest value. The percentile of the last row wins.
 */
export function percentileOf(sorted: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new Error(`PercentileAggregator: the percentile must be in (0, 100], got ${p}`);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (n === 1) return sorted[0]!;
  const pos = (p * (n + 1)) / 100;
  const lowerIndex = Math.floor(pos);
  const dif = pos - lowerIndex;
  if (pos < 1) return sorted[0]!;
  if (pos >= n) return sorted[n - 1]!;
  const lower = sorted[lowerIndex - 1]!;
  const upper = sorted[lowerIndex]!;
  return lower + dif * (upper - lower);
}

export const PercentileAggregator = defineAggregate<{ percentile: number; values: number[] }>({
  name: 'PercentileAggregator',
  description: 'The given percentile (0 < p <= 100) of the values of a group, linearly interpolated (Apache Commons Math default); NaN for no rows.',
  signatures: [{ params: ['DECIMAL(30, 3)', 'DECIMAL(30, 3)'], returns: 'DOUBLE' }],
  createAccumulator: () => ({ percentile: 50, values: [] }),
  accumulate: (acc, percentile, value) => {
    if (percentile === null || value === null || percentile === undefined || value === undefined) return;
    acc.percentile = Number(percentile);
    acc.values.push(Number(value));
  },
  retract: (acc, _percentile, value) => {
    if (value === null || value === undefined) return;
    const i = acc.values.indexOf(Number(value));
    if (i >= 0) acc.values.splice(i, 1);
  },
  merge: (acc, other) => {
    acc.values.push(...other.values);
    acc.percentile = other.percentile;
  },
  getValue: (acc) => percentileOf([...acc.values].sort((a, b) => a - b), acc.percentile),
  examples: [
    { rows: [[90, 1], [90, 2], [90, 3], [90, 4], [90, 5], [90, 6], [90, 7], [90, 8], [90, 9], [90, 10]], result: 9.9 },
    { rows: [[50, 4], [50, 1], [50, 3], [50, 2]], result: 2.5 },
    { rows: [[99, 7]], result: 7 },
  ],
});
