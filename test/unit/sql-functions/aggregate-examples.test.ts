import { Decimal } from '../../../src/core/decimal.js';
import { describe, expect, it } from 'vitest';
import { T, type SqlType } from '../../../src/core/types.js';
import type { AggCall, BExpr } from '../../../src/plan/nodes.js';
import { createAccumulator, type Accumulator } from '../../../src/runtime/aggregates.js';
import { builtinAggregates } from '../../../src/sql/functions/aggregates.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import type { AggregateExample, AggregateFunctionDef } from '../../../src/udf/api.js';
import { parseType } from '../../../src/udf/types.js';

/**
 * The examples of every built-in aggregate (shown in docs/sql.md) run through the runtime's aggregate adapter,
 * as a query's GROUP BY would: accumulated in order, merged from two halves (HOP panes, sessions), and
 * with a retracted extra row on a changelog input.
 */

const typeOf = (v: unknown): SqlType => (typeof v === 'string' ? T.STRING : typeof v === 'boolean' ? T.BOOLEAN : T.DOUBLE);

function callFor(def: AggregateFunctionDef<unknown>, ex: AggregateExample): AggCall {
  const width = ex.rows[0]?.length ?? 0;
  const types = Array.from({ length: width }, (_, i) =>
    ex.argTypes?.[i] ? parseType(ex.argTypes[i]!) : typeOf(ex.rows.map((r) => r[i]).find((v) => v !== null) ?? 0),
  );
  const literals = (ex.literals ?? []).map((value) => ({ type: typeOf(value), literal: { value } }));
  const bound = def.bindCall!([...types.map((type) => ({ type })), ...literals], false);
  const args: BExpr[] = types.map((type, index) => ({ k: 'col', index, type }));
  return {
    name: def.name,
    args: bound.rowArgs === undefined ? args : args.slice(0, bound.rowArgs),
    distinct: false,
    filter: null,
    type: bound.type,
    aggregate: def,
    ...(bound.param !== undefined ? { param: bound.param } : {}),
  };
}

function feed(acc: Accumulator, rows: readonly (readonly unknown[])[]): unknown {
  const state = acc.create();
  for (const r of rows) acc.add(state, [...r]);
  return state;
}

/** A value of the row's column type that no example holds, to add and then retract. */
function extraRow(call: AggCall): unknown[] {
  return call.args.map((a) => (a.type.kind === 'STRING' ? 'zz-extra' : a.type.kind === 'BOOLEAN' ? true : 1000));
}

function expectResult(actual: unknown, expected: unknown): void {
  // an exact DECIMAL result against the example's number: the same value (0.30 is 0.3)
  if (actual instanceof Decimal && typeof expected === 'number') return void expect(Number(actual)).toBe(expected);
  if (typeof expected === 'number' && typeof actual === 'number') expect(actual).toBeCloseTo(expected, 9);
  else expect(actual).toEqual(expected);
}

describe('built-in aggregates', () => {
  it('are defined with defineAggregate and registered with the built-in functions', () => {
    expect(builtinAggregates.length).toBeGreaterThanOrEqual(16);
    for (const def of builtinAggregates) {
      expect(def.kind).toBe('aggregate');
      expect(builtinFunctions).toContain(def);
      expect(def.examples?.length, `${def.name} has examples`).toBeGreaterThan(0);
      expect(typeof def.merge, `${def.name} merges`).toBe('function');
      expect(typeof def.retract, `${def.name} retracts`).toBe('function');
    }
  });

  for (const def of builtinAggregates) {
    describe(def.name, () => {
      def.examples!.forEach((ex, i) => {
        it(`example ${i + 1}: ${ex.sql ?? def.name} -> ${JSON.stringify(ex.result)}`, () => {
          const call = callFor(def, ex);
          const acc = createAccumulator(call, false);
          expectResult(acc.result(feed(acc, ex.rows)), ex.result);

          // Two halves merged give the same result as one pass.
          const half = Math.ceil(ex.rows.length / 2);
          const left = feed(acc, ex.rows.slice(0, half));
          acc.merge(left, feed(acc, ex.rows.slice(half)));
          expectResult(acc.result(left), ex.result);

          // On a changelog input, an added and then retracted row leaves the result as it was.
          const retracting = createAccumulator(call, true);
          const state = feed(retracting, ex.rows);
          const extra = extraRow(call);
          retracting.add(state, extra);
          retracting.retract(state, extra);
          expectResult(retracting.result(state), ex.result);
        });
      });
    });
  }

  it('state the plan-time errors a query gets, at the call', () => {
    const sum = builtinAggregates.find((d) => d.name === 'SUM')!;
    expect(() => sum.bindCall!([{ type: T.STRING }], false)).toThrow('SUM needs a numeric argument, found STRING');
    const listagg = builtinAggregates.find((d) => d.name === 'LISTAGG')!;
    expect(() => listagg.bindCall!([{ type: T.STRING }, { type: T.STRING }], false)).toThrow('LISTAGG separator must be a string literal');
    const count = builtinAggregates.find((d) => d.name === 'COUNT')!;
    expect(() => count.bindCall!([{ type: T.INT }, { type: T.INT }], false)).toThrow('COUNT takes one argument');
  });
});
