import { describe, expect, it } from 'vitest';
import { T, type TableSchema } from '../../../src/core/types.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import { planSql } from '../../../src/sql/planner.js';
import { defineAggregate } from '../../../src/udf/api.js';
import { createFunctionCatalog } from '../../../src/udf/registry.js';

// A user aggregate without merge() works in TUMBLE windows and plain GROUP BY, and is refused when planning
// HOP, CUMULATE and SESSION windows, which combine partial accumulators.
const Longest = defineAggregate<{ best: string | null }>({
  name: 'Longest',
  signatures: [{ params: ['STRING'], returns: 'STRING' }],
  createAccumulator: () => ({ best: null }),
  accumulate: (acc, v) => {
    if (typeof v === 'string' && (acc.best === null || v.length > acc.best.length)) acc.best = v;
  },
  getValue: (acc) => acc.best,
});

const booking: TableSchema = {
  name: 'booking',
  columns: [
    { name: 'name', type: T.STRING },
    { name: 'k', type: T.INT },
    { name: 'rowtime', type: T.ROWTIME },
  ],
  rowtimeIndex: 2,
};
const catalog = { table: (n: string) => (n === 'booking' ? booking : undefined), tableNames: () => ['booking'], functions: createFunctionCatalog([...builtinFunctions, Longest]) };

describe('user aggregates without merge()', () => {
  it('plan in TUMBLE windows and plain GROUP BY', () => {
    expect(() => planSql("SELECT k, Longest(name) FROM booking GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE), k", catalog)).not.toThrow();
    expect(() => planSql('SELECT k, Longest(name) FROM booking GROUP BY k', catalog)).not.toThrow();
  });

  it.each([
    ["HOP(rowtime, INTERVAL '1' MINUTE, INTERVAL '5' MINUTE)", 'HOP'],
    ["SESSION(rowtime, INTERVAL '1' MINUTE)", 'SESSION'],
  ])('are refused in %s with the position of the window', (window, kind) => {
    expect(() => planSql(`SELECT k, Longest(name)\nFROM booking\nGROUP BY ${window}, k`, catalog)).toThrow(
      `SQL error at line 3, column 10: aggregate function Longest has no merge(), which ${kind} windows need to combine partial results; use it in a TUMBLE window or a GROUP BY without a window, or give it a merge()`,
    );
  });
});
