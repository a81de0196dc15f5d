import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import {
  Decimal,
  decimalDivide,
  decimalToJavaString,
  fitDecimal,
  parseDecimal,
  rescale,
  reviveDecimals,
} from '../../../src/core/decimal.js';
import { T } from '../../../src/core/types.js';
import type { AggCall } from '../../../src/plan/nodes.js';
import { createAccumulator } from '../../../src/runtime/aggregates.js';
import { builtinAggregates } from '../../../src/sql/functions/aggregates.js';
import { createJsonRowDecoder, createJsonRowEncoder } from '../../../src/schema/json-codec.js';

const d = (s: string): Decimal => parseDecimal(s)!;

describe('Decimal', () => {
  it('parses and prints exactly, beyond a double', () => {
    expect(String(d('12345678901234567.89'))).toBe('12345678901234567.89');
    expect(String(d('-0.07'))).toBe('-0.07');
    expect(String(d('1e3'))).toBe('1000');
    expect(String(d('1.5e-3'))).toBe('0.0015');
    expect(parseDecimal('1.2.3')).toBeNull();
    expect(parseDecimal('')).toBeNull();
    expect(parseDecimal('.')).toBeNull();
  });

  it('rounds HALF_UP (ties away from zero) and is NULL beyond the precision', () => {
    expect(String(rescale(d('2.345'), 2))).toBe('2.35');
    expect(String(rescale(d('-2.345'), 2))).toBe('-2.35');
    expect(String(rescale(d('2.344'), 2))).toBe('2.34');
    expect(fitDecimal(d('123.456'), 4, 2)).toBeNull();
    expect(String(fitDecimal(d('99.994'), 4, 2))).toBe('99.99');
    expect(fitDecimal(d('99.995'), 4, 2)).toBeNull();
  });

  it('divides at a given scale, HALF_UP', () => {
    expect(String(decimalDivide(d('1'), d('3'), 6))).toBe('0.333333');
    expect(String(decimalDivide(d('2'), d('3'), 6))).toBe('0.666667');
    expect(String(decimalDivide(d('-2'), d('3'), 6))).toBe('-0.666667');
    expect(decimalDivide(d('1'), d('0'), 2)).toBeNull();
  });

  it("writes Java's BigDecimal.toString for JSON (scientific below 1E-6)", () => {
    expect(decimalToJavaString(d('0.000000027'))).toBe('2.7E-8');
    expect(decimalToJavaString(new Decimal(0n, 18))).toBe('0E-18');
    expect(decimalToJavaString(d('0.000001'))).toBe('0.000001');
    expect(decimalToJavaString(d('12345678901234567.89'))).toBe('12345678901234567.89');
  });

  it('survives a checkpoint (v8 serialisation keeps the fields; the class is rebuilt)', () => {
    const state = { acc: [d('1.50'), new Map([['k', d('-2.5')]])], plain: { unscaled: 1, scale: 2 } };
    const back = reviveDecimals(deserialize(serialize(state))) as typeof state;
    expect(back.acc[0]).toBeInstanceOf(Decimal);
    expect(String(back.acc[0])).toBe('1.50');
    expect(String((back.acc[1] as Map<string, Decimal>).get('k'))).toBe('-2.5');
    expect(back.plain).toEqual({ unscaled: 1, scale: 2 });
  });
});

describe('DECIMAL(38, 18) SUM', () => {
  it('is exact to the last digit over 1,000,000 rows', () => {
    const type = T.decimal(38, 18);
    const def = builtinAggregates.find((a) => a.name === 'SUM')!;
    const bound = def.bindCall!([{ type }], false);
    expect(bound.type).toEqual(T.decimal(38, 18));
    const call: AggCall = { name: 'SUM', args: [{ k: 'col', index: 0, type }], distinct: false, filter: null, type: bound.type, aggregate: def };
    const acc = createAccumulator(call, false);
    const state = acc.create();
    let expected = 0n;
    let x = 123456789n;
    for (let i = 0; i < 1_000_000; i++) {
      // deterministic values with all 18 fraction digits in use, some negative
      x = (x * 6364136223846793005n + 1442695040888963407n) % 10n ** 24n;
      const u = i % 7 === 0 ? -x : x;
      expected += u;
      acc.add(state, [new Decimal(u, 18)]);
    }
    const got = acc.result(state) as Decimal;
    expect(got.unscaled).toBe(expected);
    expect(String(got)).toBe(String(new Decimal(expected, 18)));
  });
});

describe('JSON codec', () => {
  const table = { name: 't', columns: [{ name: 'a', type: T.decimal(20, 2) }, { name: 'b', type: T.decimal(38, 18) }], rowtimeIndex: undefined };

  it('reads DECIMAL exactly from long JSON numbers and numeric strings', () => {
    const dec = createJsonRowDecoder(table);
    const row = dec.decode(Buffer.from('{"a": 12345678901234567.89, "b": "1.000000000000000001"}')) as unknown[];
    expect(String(row[0])).toBe('12345678901234567.89');
    expect(String(row[1])).toBe('1.000000000000000001');
  });

  it('writes DECIMAL as a JSON number, exactly', () => {
    const enc = createJsonRowEncoder(table.columns);
    const text = Buffer.from(enc.encode([d('12345678901234567.89'), new Decimal(27n, 9)])).toString();
    // at the column's scale 18, as Java's BigDecimal.toString writes it in Flink
    expect(text).toBe('{"a":12345678901234567.89,"b":2.7000000000E-8}');
  });
});
