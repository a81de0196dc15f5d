import { describe, expect, it } from 'vitest';
import { T } from '../../../src/core/types.js';
import { Binder, Scope } from '../../../src/sql/binder.js';
import { compileExpr, compilePredicate, compileProjection } from '../../../src/runtime/expr/compile.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import { parseExpression } from '../../../src/sql/parser.js';
import type { BExpr } from '../../../src/plan/nodes.js';
import { createFunctionCatalog } from '../../../src/udf/registry.js';

/** Expressions over two BOOLEAN columns p, q and two INT columns a, b, compiled exactly as queries are. */
const scope = Scope.of(
  [
    { name: 'p', type: T.BOOLEAN },
    { name: 'q', type: T.BOOLEAN },
    { name: 'a', type: T.INT },
    { name: 'b', type: T.INT },
  ],
  't',
);
const binder = new Binder(createFunctionCatalog(builtinFunctions));
const bind = (sql: string): BExpr => binder.bind(parseExpression(sql), scope);
const fn = (sql: string) => compileExpr(bind(sql));

type B = boolean | null;
const VALUES: B[] = [true, false, null];
const PAIRS: [B, B][] = VALUES.flatMap((p) => VALUES.map((q): [B, B] => [p, q]));

// Kleene logic, written independently of the code generator.
const and = (p: B, q: B): B => (p === false || q === false ? false : p === null || q === null ? null : true);
const or = (p: B, q: B): B => (p === true || q === true ? true : p === null || q === null ? null : false);
const not = (p: B): B => (p === null ? null : !p);
const eq = (p: B, q: B): B => (p === null || q === null ? null : p === q);

describe('three-valued logic in compiled expressions', () => {
  const cases: [string, (p: B, q: B) => unknown][] = [
    ['p AND q', and],
    ['p OR q', or],
    ['NOT p', (p) => not(p)],
    ['NOT (p AND q)', (p, q) => not(and(p, q))],
    ['p AND NOT q OR NOT p AND q', (p, q) => or(and(p, not(q)), and(not(p), q))],
    ['p = q', eq],
    ['p <> q', (p, q) => not(eq(p, q))],
    ['p IS DISTINCT FROM q', (p, q) => (p === null || q === null ? p !== q : p !== q)],
    ['p IS NOT DISTINCT FROM q', (p, q) => p === q],
    ['(p AND q) IS NULL', (p, q) => and(p, q) === null],
    ['(p OR q) IS NOT TRUE', (p, q) => or(p, q) !== true],
    ['(p AND q) IS FALSE', (p, q) => and(p, q) === false],
    ['p IN (q, TRUE)', (p, q) => (p === null ? null : p === true ? true : q === null ? null : p === q)],
    ['p NOT IN (q)', (p, q) => not(eq(p, q))],
    ['CASE WHEN p THEN 1 WHEN q THEN 2 ELSE 3 END', (p, q) => (p === true ? 1 : q === true ? 2 : 3)],
    ['CASE p WHEN q THEN 1 ELSE 0 END', (p, q) => (eq(p, q) === true ? 1 : 0)],
    ['COALESCE(p, q, FALSE)', (p, q) => p ?? q ?? false],
    ['NULLIF(p, q)', (p, q) => (p !== null && q !== null && p === q ? null : p)],
    ["IF(p AND q, 'y', 'n')", (p, q) => (and(p, q) === true ? 'y' : 'n')],
  ];
  for (const [sql, expected] of cases) {
    it(sql, () => {
      const f = fn(sql);
      for (const [p, q] of PAIRS) expect([p, q, f([p, q, 1, 2])]).toEqual([p, q, expected(p, q)]);
    });
  }

  it('a predicate keeps only TRUE rows', () => {
    const pred = compilePredicate(bind('p AND q'));
    expect(PAIRS.filter(([p, q]) => pred([p, q, 0, 0]))).toEqual([[true, true]]);
  });

  it('comparisons and arithmetic propagate NULL', () => {
    const f = fn('a + b > 2 OR a IS NULL');
    expect(f([null, null, 1, 2])).toBe(true);
    expect(f([null, null, null, 2])).toBe(true);
    expect(f([null, null, 2, null])).toBe(null);
    expect(f([null, null, 0, 1])).toBe(false);
    expect(fn('a BETWEEN b AND 10')([null, null, 5, null])).toBe(null);
    expect(fn('a BETWEEN b AND 10')([null, null, 50, null])).toBe(false);
  });

  it('one projection sharing temporaries computes each column as if compiled alone', () => {
    const exprs = ['p IS DISTINCT FROM q', 'q IS NOT DISTINCT FROM p', 'COALESCE(q, p)', 'a IN (b, NULL)', 'NULLIF(a, b)', 'p AND q'];
    const together = compileProjection(exprs.map(bind));
    const alone = exprs.map(fn);
    for (const [p, q] of PAIRS) {
      for (const [a, b] of [[1, 1], [1, 2], [null, 2], [3, null]] as const) {
        const row = [p, q, a, b];
        expect(together(row)).toEqual(alone.map((f) => f(row)));
      }
    }
  });
});
