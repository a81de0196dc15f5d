import { describe, expect, it } from 'vitest';
import { isUserError } from '../../../src/core/errors.js';
import { T, type SqlType } from '../../../src/core/types.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import { translateJavaRegex } from '../../../src/sql/functions/java-regex.js';
import { JavaRandom } from '../../../src/sql/functions/math.js';
import type { ScalarFunctionDef } from '../../../src/udf/api.js';
import { call } from './helpers.js';

const ts = (s: string): number => Date.parse(`${s.replace(' ', 'T')}Z`);

function returnsOf(name: string, types: SqlType[]): SqlType | string {
  const f = builtinFunctions.find((d): d is ScalarFunctionDef => d.kind === 'scalar' && d.name === name)!;
  const r = f.signatures[0]!.returns;
  return typeof r === 'function' ? r(types) : r;
}

describe('NULL handling', () => {
  it('propagates NULL by default and not for the NULL-aware functions', () => {
    expect(call('UPPER', null)).toBeNull();
    expect(call('SUBSTRING', 'abc', null)).toBeNull();
    expect(call('CONCAT', 'a', null, 'b')).toBeNull();
    expect(call('CONCAT_WS', ',', null, 'b', null)).toBe('b');
    expect(call('COALESCE', null, 'x')).toBe('x');
    expect(call('IS_DIGIT', null)).toBe(false);
    expect(call('ARRAY_CONTAINS', null, 1)).toBeNull();
    expect(call('GREATEST', 1, null)).toBeNull();
  });
});

describe('ROUND and TRUNCATE', () => {
  it('rounds HALF_UP on the decimal spelling, like BigDecimal.valueOf', () => {
    expect(call('ROUND', 0.5)).toBe(1);
    expect(call('ROUND', -0.5)).toBe(-1);
    expect(call('ROUND', 1.45, 1)).toBe(1.5);
    expect(call('ROUND', -1.45, 1)).toBe(-1.5);
    expect(call('ROUND', 0.285, 2)).toBe(0.29); // binary 0.28499999... would round down
    expect(call('ROUND', 123.456, 5)).toBe(123.456);
    expect(call('ROUND', 0.004, 2)).toBe(0);
    expect(call('ROUND', 1e-7, 3)).toBe(0);
    expect(call('ROUND', 5.5e20, -20)).toBe(6e20);
  });
  it('keeps bigint exact', () => {
    expect(call('ROUND', 123456789012345678905n, -1)).toBe(123456789012345678910n);
    expect(call('TRUNCATE', -123456789012345678905n, -1)).toBe(-123456789012345678900n);
    expect(call('ABS', -(2n ** 62n))).toBe(2n ** 62n);
    expect(call('SIGN', 2n ** 62n)).toBe(1);
  });
  it('returns the argument type', () => {
    expect(returnsOf('ROUND', [T.INT])).toEqual(T.INT);
    expect(returnsOf('ROUND', [T.DOUBLE])).toEqual(T.DOUBLE);
    expect(returnsOf('ABS', [T.BIGINT])).toEqual(T.BIGINT);
    expect(returnsOf('CEIL', [T.decimal(10, 2)])).toEqual(T.decimal(9, 0));
    expect(returnsOf('GREATEST', [T.INT, T.DOUBLE, T.NULL])).toEqual(T.DOUBLE);
    expect(returnsOf('MOD', [T.BIGINT, T.INT])).toEqual(T.INT);
  });
});

describe('MOD', () => {
  it('takes the sign of the dividend', () => {
    expect(call('MOD', -7, 3)).toBe(-1);
    expect(call('MOD', 7, -3)).toBe(1);
    expect(call('MOD', -7, -3)).toBe(-1);
    expect(call('MOD', -(2n ** 70n) - 1n, 2)).toBe(-1);
  });
  it('fails on integer division by zero with a user error', () => {
    expect(() => call('MOD', 1, 0)).toThrow(/division by zero/);
    try {
      call('MOD', 1n << 60n, 0);
    } catch (e) {
      expect(isUserError(e)).toBe(true);
    }
  });
});

describe('strings', () => {
  it('SUBSTRING out of range', () => {
    expect(call('SUBSTRING', 'hello', 6)).toBe('');
    expect(call('SUBSTRING', 'hello', -10)).toBe('');
    expect(call('SUBSTRING', 'hello', -10, 3)).toBe('');
    expect(call('SUBSTRING', 'hello', 4, 100)).toBe('lo');
    expect(call('SUBSTRING', 'a😀b', 2, 1)).toBe('😀');
  });
  it('LPAD/RPAD truncate when the length is shorter', () => {
    expect(call('LPAD', 'hello', 3, 'x')).toBe('hel');
    expect(call('RPAD', 'hello', 3, 'x')).toBe('hel');
    expect(call('LPAD', '', 3, 'ab')).toBe('aba');
  });
  it('SPLIT_INDEX out of range is NULL', () => {
    expect(call('SPLIT_INDEX', 'a,b', ',', 2)).toBeNull();
    expect(call('SPLIT_INDEX', 'a,b', ',', -1)).toBeNull();
    expect(call('SPLIT_INDEX', 'a b', '', 1)).toBe('b');
    expect(call('SPLIT_INDEX', 'a,b', 300, 0)).toBeNull();
  });
  it('TRIM removes only spaces by default', () => {
    expect(call('TRIM', ' \t x \n ')).toBe('\t x \n');
  });
  it('STR_TO_MAP uses Java regex delimiters', () => {
    expect(call('STR_TO_MAP', 'a=1 ;  b=2', '\\s*;\\s*', '=')).toEqual(new Map([['a', '1'], ['b', '2']]));
    expect(call('STR_TO_MAP', 'a.1|b.2', '\\|', '\\.')).toEqual(new Map([['a', '1'], ['b', '2']]));
  });
  it('FROM_BASE64 rejects invalid input with a user error', () => {
    expect(() => call('FROM_BASE64', 'a b')).toThrow(/not valid base64/);
  });
  it('UUID is a v4 uuid', () => {
    expect(call('UUID')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('Java regex translation', () => {
  it('translates common differences', () => {
    expect(call('REGEXP_EXTRACT', 'Order-42', '(?i)order-(\\d+)', 1)).toBe('42');
    expect(call('REGEXP_EXTRACT', 'abc123', '\\p{Alpha}+')).toBe('abc');
    expect(call('REGEXP_EXTRACT', 'x.y', '\\Q.\\E')).toBe('.');
    expect(call('REGEXP_EXTRACT', 'k=v', '(?<key>\\w)=(?<val>\\w)', 2)).toBe('v');
    expect(call('REGEXP', 'line\n', 'line$')).toBe(true);
    expect(call('REGEXP', 'line\nx', 'line$')).toBe(false);
    expect(call('REGEXP', 'ab', '\\Aab\\z')).toBe(true);
    expect(call('REGEXP_REPLACE', 'a-b_c', '[\\-_]', ' ')).toBe('a b c');
    expect(call('REGEXP', 'é', '^\\p{L}$')).toBe(true);
  });
  it('gives a clear user error for unsupported Java features', () => {
    expect(() => call('REGEXP', 'aaa', 'a*+')).toThrow(/possessive quantifier/);
    expect(() => call('REGEXP', 'aaa', '(?>a)')).toThrow(/atomic group/);
    expect(() => call('REGEXP', 'aaa', '[a-z&&[^b]]')).toThrow(/intersection|nested/);
    expect(() => translateJavaRegex('a(?i)b')).toThrow(/inline flags/);
  });
  it('caches compiled patterns', () => {
    const a = translateJavaRegex('(?i)x+');
    expect(a).toEqual({ source: 'x+', flags: 'i' });
  });
});

describe('time', () => {
  it('TIMESTAMPDIFF across month ends counts whole calendar months', () => {
    expect(call('TIMESTAMPDIFF', 'MONTH', ts('2024-01-31 00:00:00'), ts('2024-02-28 00:00:00'))).toBe(0);
    expect(call('TIMESTAMPDIFF', 'MONTH', ts('2024-01-31 00:00:00'), ts('2024-02-29 00:00:00'))).toBe(1);
    expect(call('TIMESTAMPDIFF', 'MONTH', ts('2024-02-29 00:00:00'), ts('2024-01-31 00:00:00'))).toBe(-1);
    expect(call('TIMESTAMPDIFF', 'MONTH', ts('2024-03-31 00:00:00'), ts('2024-04-30 00:00:00'))).toBe(1);
    expect(call('TIMESTAMPDIFF', 'YEAR', ts('2020-06-01 00:00:00'), ts('2024-05-31 23:59:59'))).toBe(3);
    expect(call('TIMESTAMPDIFF', 'SECOND', ts('2024-01-01 00:00:00'), ts('2024-01-01 00:00:01.999'))).toBe(1);
    expect(call('TIMESTAMPDIFF', 'HOUR', ts('2024-01-01 00:00:00'), ts('2023-12-31 22:30:00'))).toBe(-1);
  });
  it('rejects unknown units with a user error', () => {
    expect(() => call('TIMESTAMPADD', 'FORTNIGHT', 1, 0)).toThrow(/unsupported time unit/);
  });
  it('DATE_FORMAT patterns', () => {
    const t = ts('2024-07-04 00:05:06.007');
    expect(call('DATE_FORMAT', t, 'yy-M-d H:m:s')).toBe('24-7-4 0:5:6');
    expect(call('DATE_FORMAT', t, 'hh:mm a')).toBe('12:05 AM');
    expect(call('DATE_FORMAT', t, 'S SS SSS')).toBe('0 00 007');
    expect(call('DATE_FORMAT', t, "yyyy-MM-dd'T'HH:mm:ss.SSSXXX")).toBe('2024-07-04T00:05:06.007Z');
    expect(call('DATE_FORMAT', t, "'o''clock' ''")).toBe("o'clock '");
    expect(call('DATE_FORMAT', t, 'Z')).toBe('+0000');
    expect(call('DATE_FORMAT', t, 'w')).toBe('27');
    expect(call('FROM_UNIXTIME', 1720051506, 'S')).toBe('0');
    expect(() => call('DATE_FORMAT', t, 'yyyy-qq')).not.toThrow();
    expect(() => call('DATE_FORMAT', t, 'yyyy-bb')).toThrow(/illegal pattern character 'b'/);
  });
  it('UNIX_TIMESTAMP is lenient like SimpleDateFormat', () => {
    expect(call('UNIX_TIMESTAMP', '1970-01-01 00:00:10 trailing')).toBe(10);
    expect(call('UNIX_TIMESTAMP', '1970-01-32 00:00:00')).toBe(31 * 86400);
  });
  it('EXTRACT and FLOOR before 1970 use calendar fields', () => {
    expect(call('EXTRACT', 'HOUR', ts('1969-12-31 23:00:00'))).toBe(23);
    expect(call('EXTRACT', 'YEAR', ts('1969-12-31 23:00:00'))).toBe(1969);
    expect(call('FLOOR_TIME', ts('1969-12-31 23:30:00'), 'DAY')).toBe(ts('1969-12-31 00:00:00'));
  });
});

describe('collections', () => {
  it('ELEMENT throws a user error for more than one element', () => {
    expect(() => call('ELEMENT', [1, 2])).toThrow(/at most one/);
  });
});

describe('JavaRandom', () => {
  it('matches java.util.Random for seed 42', () => {
    // new java.util.Random(42): nextInt(10) x3 = 0, 3, 8; nextDouble() first = 0.7275636800328681
    const r = new JavaRandom(42);
    expect([r.nextInt(10), r.nextInt(10), r.nextInt(10)]).toEqual([0, 3, 8]);
    expect(new JavaRandom(42).nextDouble()).toBe(0.7275636800328681);
  });
  it('RAND stays in [0, 1)', () => {
    for (let i = 0; i < 100; i++) {
      const v = call('RAND') as number;
      expect(v >= 0 && v < 1).toBe(true);
    }
    const n = call('RAND_INTEGER', 10) as number;
    expect(Number.isInteger(n) && n >= 0 && n < 10).toBe(true);
  });
});
