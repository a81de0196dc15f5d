import type { SqlType } from '../../core/types.js';
import type { ScalarFunctionDef } from '../../udf/api.js';
import { builtin, commonType, ex, sig, sqlCompare, sqlEquals } from './util.js';

/**
 * Conditional helpers as plain functions. The compiler evaluates CASE / COALESCE / NULLIF / IF natively (lazily);
 * these exist for when it prefers a call. All of them see NULL arguments (nullOnNullInput: false).
 */

const common = (from = 0) => (ts: readonly SqlType[]): SqlType => commonType(ts.slice(from));

function extreme(sign: 1 | -1) {
  // Flink: NULL if any argument is NULL.
  return (...args: unknown[]): unknown => {
    let best: unknown = null;
    for (let i = 0; i < args.length; i++) {
      const v = args[i];
      if (v === null || v === undefined) return null;
      if (i === 0 || sqlCompare(v, best) * sign > 0) best = v;
    }
    return best;
  };
}

export const conditionalFunctions: readonly ScalarFunctionDef[] = [
  builtin({
    name: 'IF',
    description: 'IF(cond, a, b): a when cond is TRUE, otherwise (FALSE or NULL) b.',
    signatures: [sig(['BOOLEAN', 'ANY', 'ANY'], common(1))],
    nullOnNullInput: false,
    eval: (cond: boolean | null, a: unknown, b: unknown) => (cond === true ? a : b),
    examples: [ex([true, 1, 2], 1), ex([false, 1, 2], 2), ex([null, 1, 2], 2), ex([true, null, 2], null)],
  }),
  builtin({
    name: 'IFNULL',
    signatures: [sig(['ANY', 'ANY'], common())],
    nullOnNullInput: false,
    eval: (a: unknown, b: unknown) => a ?? b,
    examples: [ex([null, 'x'], 'x'), ex(['a', 'x'], 'a'), ex([null, null], null)],
  }),
  builtin({
    name: 'COALESCE',
    signatures: [sig(['ANY'], common(), true)],
    nullOnNullInput: false,
    eval: (...args: unknown[]) => {
      for (const a of args) if (a !== null && a !== undefined) return a;
      return null;
    },
    examples: [ex([null, null, 3, 4], 3), ex([null], null)],
  }),
  builtin({
    name: 'NULLIF',
    description: 'NULL if the two values are equal, else the first.',
    signatures: [sig(['ANY', 'ANY'], common())],
    nullOnNullInput: false,
    eval: (a: unknown, b: unknown) => (a !== null && sqlEquals(a, b) ? null : a),
    examples: [ex([1, 1], null), ex([1, 2], 1), ex([null, 1], null), ex([1, null], 1), ex([5, 5n], null)],
  }),
  builtin({
    name: 'GREATEST',
    description: 'The greatest argument; NULL if any argument is NULL.',
    signatures: [sig(['ANY'], common(), true)],
    nullOnNullInput: false,
    eval: extreme(1),
    examples: [ex([1, 5, 3], 5), ex(['b', 'a'], 'b'), ex([1, null, 3], null), ex([1, 9007199254740993n], 9007199254740993n)],
  }),
  builtin({
    name: 'LEAST',
    description: 'The least argument; NULL if any argument is NULL.',
    signatures: [sig(['ANY'], common(), true)],
    nullOnNullInput: false,
    eval: extreme(-1),
    examples: [ex([1, 5, 3], 1), ex(['b', 'a'], 'a'), ex([null, 1], null)],
  }),
];
