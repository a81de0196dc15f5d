import { defineScalar } from 'dirk/udf';

/** A ride's fare band: 'low' under 10, 'mid' under 40, else 'high'; NULL stays NULL. */
export const FareBand = defineScalar({
  name: 'FareBand',
  signatures: [{ params: ['DOUBLE'], returns: 'STRING' }],
  eval: (fare) => (fare === null ? null : fare < 10 ? 'low' : fare < 40 ? 'mid' : 'high'),
  examples: [
    { args: [7.5], result: 'low' },
    { args: [40], result: 'high' },
  ],
});
