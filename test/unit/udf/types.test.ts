import { describe, expect, it } from 'vitest';
import { T, typeToString } from '../../../src/core/types.js';
import { accepts, paramTypeToString, parseParamType, parseType } from '../../../src/udf/types.js';

describe('parseType', () => {
  it('parses simple names and aliases', () => {
    expect(parseType('STRING')).toEqual(T.STRING);
    expect(parseType('varchar(20)')).toEqual(T.STRING);
    expect(parseType('INTEGER')).toEqual(T.INT);
    expect(parseType('BIGINT NOT NULL')).toEqual(T.BIGINT);
    expect(parseType('DOUBLE PRECISION')).toEqual(T.DOUBLE);
    expect(parseType('TIMESTAMP(3)')).toEqual(T.TIMESTAMP);
    expect(parseType('TIMESTAMP')).toEqual(T.TIMESTAMP);
    expect(parseType('ANY')).toEqual(T.ANY);
  });
  it('parses nested types', () => {
    expect(parseType('ARRAY<STRING>')).toEqual(T.array(T.STRING));
    expect(parseType('MAP<STRING, DOUBLE>')).toEqual(T.map(T.STRING, T.DOUBLE));
    expect(parseType('ROW<a INT, `b c` STRING>')).toEqual(
      T.row([
        { name: 'a', type: T.INT },
        { name: 'b c', type: T.STRING },
      ]),
    );
    expect(parseType('ARRAY<ROW<name STRING, value ARRAY<DOUBLE>>>')).toEqual(
      T.array(T.row([{ name: 'name', type: T.STRING }, { name: 'value', type: T.array(T.DOUBLE) }])),
    );
    expect(parseType('STRING[]')).toEqual(T.array(T.STRING));
    expect(parseType('DECIMAL(10,2)')).toEqual(T.decimal(10, 2));
    expect(parseType('DECIMAL')).toEqual(T.decimal(10, 0));
  });
  it('round-trips through typeToString', () => {
    for (const s of ['ARRAY<MAP<STRING, BIGINT>>', 'DECIMAL(10, 2)', 'TIMESTAMP(3)']) {
      expect(typeToString(parseType(s))).toBe(s);
    }
    expect(paramTypeToString(parseParamType('array<numeric>'))).toBe('ARRAY<NUMERIC>');
  });
  it('rejects bad names with a clear message', () => {
    expect(() => parseType('ARRAY<STRNG>')).toThrow('bad type "ARRAY<STRNG>": expected a type name, found "STRNG"');
    expect(() => parseType('MAP<STRING>')).toThrow('expected ","');
    expect(() => parseType('INT INT')).toThrow('expected the end of the type');
    expect(() => parseType('NUMERIC')).toThrow('parameter pattern');
    expect(() => parseType('DECIMAL(50, 2)')).toThrow('out of range');
    expect(() => parseType('ROW<a INT, a INT>')).toThrow('appears twice');
  });
});

describe('accepts', () => {
  const p = parseParamType;
  it('widens numbers one way', () => {
    expect(accepts(p('DOUBLE'), T.INT)).toBe(true);
    expect(accepts(p('DOUBLE'), T.decimal(10, 2))).toBe(true);
    expect(accepts(p('BIGINT'), T.INT)).toBe(true);
    expect(accepts(p('INT'), T.BIGINT)).toBe(false);
    expect(accepts(p('INT'), T.DOUBLE)).toBe(false);
    expect(accepts(p('STRING'), T.INT)).toBe(false);
  });
  it('takes NULL everywhere and ANY for all', () => {
    expect(accepts(p('ARRAY<STRING>'), T.NULL)).toBe(true);
    expect(accepts(p('ANY'), T.array(T.INT))).toBe(true);
    expect(accepts(p('STRING'), T.ANY)).toBe(true);
    expect(accepts(p('NUMERIC'), T.BIGINT)).toBe(true);
    expect(accepts(p('NUMERIC'), T.STRING)).toBe(false);
  });
  it('matches nested types', () => {
    expect(accepts(p('ARRAY<DOUBLE>'), T.array(T.INT))).toBe(true);
    expect(accepts(p('ARRAY<ANY>'), T.array(T.STRING))).toBe(true);
    expect(accepts(p('ARRAY<STRING>'), T.array(T.INT))).toBe(false);
    expect(accepts(p('ROW'), T.row([{ name: 'x', type: T.INT }]))).toBe(true);
    expect(accepts(p('ROW<a DOUBLE>'), T.row([{ name: 'x', type: T.INT }]))).toBe(true);
    expect(accepts(p('TIMESTAMP'), T.ROWTIME)).toBe(true);
  });
});
