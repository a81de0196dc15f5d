import { defineTable } from '../../src/udf/api.js';

export const HistogramBucket = defineTable({
  name: 'HistogramBucket',
  description:
    "Histogram buckets a value falls in, for cumulative (Prometheus-style) histograms: one row '+Inf', then one row per bound of the comma-separated list that is >= the value (bounds kept as written).",
  signatures: [{ params: ['DOUBLE', 'STRING'], returns: 'ROW<bucket STRING>' }],
  columns: [{ name: 'bucket', type: 'STRING' }],
  *eval(value, buckets) {
    if (value === null || buckets === null || value === undefined || buckets === undefined) return;
    yield ['+Inf'];
    for (const b of String(buckets).split(',')) {
      const bound = Number(b.trim());
      if (b.trim() === '' || Number.isNaN(bound)) throw new Error(`HistogramBucket: "${b}" is not a number`);
      if ((value as number) <= bound) yield [b];
    }
  },
  examples: [
    { args: [3, '1,5,10'], result: [['+Inf'], ['5'], ['10']], sql: "LATERAL TABLE(HistogramBucket(latency, '1,5,10')) AS T(bucket)" },
    { args: [11, '1,5,10'], result: [['+Inf']] },
    { args: [5, '5'], result: [['+Inf'], ['5']] },
    { args: [null, '1'], result: [] },
  ],
});
