import { defineTable } from '../../src/udf/api.js';

const MINUTE_MS = 60_000;

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) throw new Error('median of nothing');
  return n % 2 === 0 ? (s[n / 2 - 1]! + s[n / 2]!) / 2 : s[(n - 1) / 2]!;
}

/** Median absolute deviation; undefined when it is 0 (outliers cannot be detected then). */
function mad(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const m = median(values);
  const d = median(values.map((v) => Math.abs(v - m)));
  return d === 0 ? undefined : d;
}

/**
 * OutlierMad: double-MAD outlier detection. Points in the last `observationPeriod` minutes of the window are
 * observed; each gets bounds median ± tolerance × MAD, where the MAD is that of the values at or below the median
 * for points at or below it and of the values at or above it otherwise. An observed point is an outlier when its
 * distance from the median exceeds tolerance MADs; the whole window is flagged (isOutlier on every row) when at
 * least outlierPercentage % of the observed points are outliers. When a MAD is 0 no point is an outlier and the
 * bounds equal the value, as in Dagger.
 */
export const OutlierMad = defineTable({
  name: 'OutlierMad',
  description:
    'Double-MAD outlier detection over a window: one row (timestamp, value, upperBound, lowerBound, isOutlier) per observed point, isOutlier telling whether at least outlierPercentage % of observed points are outliers.',
  signatures: [
    {
      params: ['ARRAY<DOUBLE>', 'ARRAY<TIMESTAMP>', 'TIMESTAMP', 'INT', 'INT', 'INT', 'INT'],
      returns: 'ROW<`timestamp` TIMESTAMP(3), `value` DOUBLE, upperBound DOUBLE, lowerBound DOUBLE, isOutlier BOOLEAN>',
    },
  ],
  columns: [
    { name: 'timestamp', type: 'TIMESTAMP(3)' },
    { name: 'value', type: 'DOUBLE' },
    { name: 'upperBound', type: 'DOUBLE' },
    { name: 'lowerBound', type: 'DOUBLE' },
    { name: 'isOutlier', type: 'BOOLEAN' },
  ],
  *eval(values, timestamps, windowStart, windowLength, observationPeriod, tolerance, outlierPercentage) {
    const args = [values, timestamps, windowStart, windowLength, observationPeriod, tolerance, outlierPercentage];
    if (args.some((a) => a === null || a === undefined)) return;
    const vs = values as number[];
    const ts = timestamps as number[];
    if (vs.length !== ts.length) throw new Error(`OutlierMad: ${vs.length} values but ${ts.length} timestamps`);
    if (vs.length === 0) return;
    const observedFrom = (windowStart as number) + ((windowLength as number) - (observationPeriod as number)) * MINUTE_MS;
    const points = vs
      .map((v, i) => ({ t: ts[i]!, v, observed: ts[i]! >= observedFrom, upper: v, lower: v, outlier: false }))
      .sort((a, b) => a.t - b.t);
    const all = points.map((p) => p.v);
    const m = median(all);
    const lowMad = mad(all.filter((v) => v <= m));
    const highMad = mad(all.filter((v) => v >= m));
    const tol = tolerance as number;
    if (lowMad !== undefined && highMad !== undefined) {
      for (const p of points) {
        const d = p.v <= m ? lowMad : highMad;
        p.upper = m + tol * d;
        p.lower = m - tol * d;
        p.outlier = p.observed && Math.abs(p.v - m) / d > tol;
      }
    }
    const observed = points.filter((p) => p.observed);
    const outliers = points.filter((p) => p.outlier).length;
    const flagged = observed.length > 0 && (outliers * 100) / observed.length >= (outlierPercentage as number);
    for (const p of observed) yield [p.t, p.v, p.upper, p.lower, flagged];
  },
  examples: [
    {
      // Window 0..5 min, last 2 minutes observed; 100 is far outside median 3 ± 2 × MAD.
      args: [[1, 2, 3, 4, 100], [0, 60_000, 120_000, 180_000, 240_000], 0, 5, 2, 2, 50],
      argTypes: ['ARRAY<DOUBLE>', 'ARRAY<TIMESTAMP>', 'TIMESTAMP', 'INT', 'INT', 'INT', 'INT'],
      result: [
        [180_000, 4, 5, 1, true],
        [240_000, 100, 5, 1, true],
      ],
    },
    {
      args: [[5, 5, 5], [0, 60_000, 120_000], 0, 3, 3, 1, 10],
      argTypes: ['ARRAY<DOUBLE>', 'ARRAY<TIMESTAMP>', 'TIMESTAMP', 'INT', 'INT', 'INT', 'INT'],
      result: [
        [0, 5, 5, 5, false],
        [60_000, 5, 5, 5, false],
        [120_000, 5, 5, 5, false],
      ],
    },
  ],
});
