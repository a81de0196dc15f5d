import { defineScalar } from '../../src/udf/api.js';

const MINUTE_MS = 60_000;

function checkSameLength(ts: readonly unknown[], vs: readonly unknown[], fn: string): void {
  if (ts.length !== vs.length) throw new Error(`${fn}: ${ts.length} timestamps but ${vs.length} values`);
}

/**
 * Slope of the least-squares line through the window's per-minute values: minute i of the window (0-based,
 * from hopStart) holds the value whose timestamp falls in it, minutes without a value count as 0.
 */
export const LinearTrend = defineScalar({
  name: 'LinearTrend',
  description:
    'Slope of the best-fit line over a window of windowLengthInMinutes one-minute slots starting at hopStart; each value goes to the slot of its timestamp, empty slots are 0.',
  signatures: [{ params: ['ARRAY<TIMESTAMP>', 'ARRAY<DOUBLE>', 'TIMESTAMP', 'INT'], returns: 'DOUBLE' }],
  eval: (timestamps, values, hopStart, windowMinutes) => {
    checkSameLength(timestamps!, values!, 'LinearTrend');
    const n = windowMinutes!;
    if (!(n > 1)) throw new Error(`LinearTrend: the window must be at least 2 minutes, got ${n}`);
    const ys = new Array<number>(n).fill(0);
    timestamps!.forEach((t, i) => {
      const slot = Math.trunc(((t as number) - hopStart!) / MINUTE_MS);
      if (slot < 0 || slot >= n) throw new Error(`LinearTrend: timestamp ${t} is outside the ${n}-minute window starting at ${hopStart}`);
      ys[slot] = values![i] as number;
    });
    let sx = 0;
    let sy = 0;
    let sxy = 0;
    let sxx = 0;
    for (let x = 0; x < n; x++) {
      sx += x;
      sy += ys[x]!;
      sxy += x * ys[x]!;
      sxx += x * x;
    }
    return (sxy - (sx * sy) / n) / (sxx - (sx * sx) / n);
  },
  examples: [
    { args: [[0, 60_000, 120_000], [1, 2, 3], 0, 3], result: 1, argTypes: ['ARRAY<TIMESTAMP>', 'ARRAY<DOUBLE>', 'TIMESTAMP', 'INT'], sql: 'LinearTrend(timestamps, values, HOP_START(...), 3)' },
    { args: [[60_000], [4], 0, 3], result: 0, argTypes: ['ARRAY<TIMESTAMP>', 'ARRAY<DOUBLE>', 'TIMESTAMP', 'INT'] },
    { args: [[], [], 0, 4], result: 0, argTypes: ['ARRAY<TIMESTAMP>', 'ARRAY<DOUBLE>', 'TIMESTAMP', 'INT'] },
  ],
});

/**
 * Exponential moving average over a window of one-minute slots: the value in the most recent slot has lag 0;
 * a value with lag k weighs alpha * (1 - alpha)^k, except the oldest slot (lag window - 1), which weighs
 * (1 - alpha)^k so that the weights of a full window sum to 1. Of several values in one slot the last wins.
 */
export const ExponentialMovingAverage = defineScalar({
  name: 'ExponentialMovingAverage',
  description: 'Exponential moving average of per-minute values in a window of `window` minutes starting at hopStart, with smoothing factor alpha.',
  signatures: [{ params: ['ARRAY<TIMESTAMP>', 'ARRAY<DOUBLE>', 'TIMESTAMP', 'DOUBLE', 'DOUBLE'], returns: 'DOUBLE' }],
  eval: (timestamps, values, hopStart, window, alpha) => {
    checkSameLength(timestamps!, values!, 'ExponentialMovingAverage');
    const byLag = new Map<number, number>();
    timestamps!.forEach((t, i) => {
      const lag = window! - 1 - Math.trunc(((t as number) - hopStart!) / MINUTE_MS);
      byLag.set(lag, values![i] as number);
    });
    let sum = 0;
    for (const [lag, v] of [...byLag.entries()].sort(([a], [b]) => a - b)) {
      sum += lag === window! - 1 ? v * (1 - alpha!) ** lag : v * alpha! * (1 - alpha!) ** lag;
    }
    return sum;
  },
  examples: [
    {
      args: [[0, 60_000, 120_000], [1, 2, 3], 0, 3, 0.5],
      // lags 2, 1, 0: 1 * 0.5^2 (oldest slot) + 2 * 0.5 * 0.5 + 3 * 0.5 = 2.25
      result: 2.25,
      argTypes: ['ARRAY<TIMESTAMP>', 'ARRAY<DOUBLE>', 'TIMESTAMP', 'DOUBLE', 'DOUBLE'],
      sql: 'ExponentialMovingAverage(timestamps, values, HOP_START(...), CAST(3 AS DOUBLE), CAST(0.5 AS DOUBLE))',
    },
    { args: [[], [], 0, 3, 0.5], result: 0, argTypes: ['ARRAY<TIMESTAMP>', 'ARRAY<DOUBLE>', 'TIMESTAMP', 'DOUBLE', 'DOUBLE'] },
  ],
});
