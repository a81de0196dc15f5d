import { describe, expect, it } from 'vitest';
import { DirkError } from '../../../src/core/errors.js';
import { T } from '../../../src/core/types.js';
import { defineAggregate, defineScalar, defineTable } from '../../../src/udf/api.js';
import {
  createAsyncInvoker,
  createFunctionCatalog,
  instrumentScalar,
  invokeScalar,
  invokeTable,
  runAggregate,
} from '../../../src/udf/registry.js';

const distance = defineScalar({
  name: 'Distance',
  signatures: [{ params: ['DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE'], returns: 'DOUBLE' }],
  eval: (a, b, c, d) => a! + b! + c! + d!,
});
const concat = defineScalar({
  name: 'Concat2',
  signatures: [
    { params: ['STRING', 'STRING'], returns: 'STRING' },
    { params: ['ARRAY<ANY>', 'ARRAY<ANY>'], returns: (ts) => ts[0]! },
    { params: ['STRING'], varargs: true, returns: 'STRING' },
  ],
  eval: (...xs: unknown[]) => (Array.isArray(xs[0]) ? xs.flat() : xs.join('')),
});
const big = defineScalar({
  name: 'Big',
  signatures: [{ params: ['BIGINT'], returns: 'BIGINT' }],
  eval: (x) => BigInt(x!) * 2n,
});
const coalesceLike = defineScalar({
  name: 'Nvl',
  signatures: [{ params: ['ANY', 'ANY'], returns: (ts) => ts[0]! }],
  nullOnNullInput: false,
  eval: (a, b) => a ?? b,
});

describe('createFunctionCatalog', () => {
  const cat = createFunctionCatalog([distance, concat, big, coalesceLike], 'test');

  it('looks names up case-insensitively', () => {
    expect(cat.lookup('distance')).toBe(distance);
    expect(cat.lookup('DISTANCE')).toBe(distance);
    expect(cat.lookup('nope')).toBeUndefined();
    expect(cat.names()).toEqual(['Distance', 'Concat2', 'Big', 'Nvl']);
    expect(cat.origin('big')).toBe('test');
  });

  it('resolves with widening and NULL', () => {
    const r = cat.resolve('distance', [T.INT, T.BIGINT, T.DOUBLE, T.NULL]);
    expect(r.returnType).toEqual(T.DOUBLE);
    expect(r.argTypes).toEqual([T.DOUBLE, T.DOUBLE, T.DOUBLE, T.DOUBLE]);
  });

  it('picks the first overload that matches, with varargs and generic results', () => {
    expect(cat.resolve('concat2', [T.STRING, T.STRING]).signature.params).toEqual(['STRING', 'STRING']);
    expect(cat.resolve('concat2', [T.array(T.INT), T.array(T.INT)]).returnType).toEqual(T.array(T.INT));
    expect(cat.resolve('concat2', [T.STRING, T.STRING, T.STRING]).signature.varargs).toBe(true);
    expect(cat.resolve('concat2', []).argTypes).toEqual([]);
    expect(cat.resolve('nvl', [T.BIGINT, T.INT]).returnType).toEqual(T.BIGINT);
  });

  it('explains a mismatch listing every overload', () => {
    expect(() => cat.resolve('Distance', [T.STRING, T.INT])).toThrow(
      'function DISTANCE expects (DOUBLE, DOUBLE, DOUBLE, DOUBLE), got (STRING, INT)',
    );
    expect(() => cat.resolve('concat2', [T.INT])).toThrow(
      'function CONCAT2 expects (STRING, STRING) or (ARRAY<ANY>, ARRAY<ANY>) or (STRING...), got (INT)',
    );
    try {
      cat.resolve('Distance', [T.STRING]);
    } catch (e) {
      expect(e).toBeInstanceOf(DirkError);
      expect((e as DirkError).domain).toBe('user');
    }
  });

  it('suggests a close name for an unknown function', () => {
    expect(() => cat.resolve('distanse', [])).toThrow('unknown function DISTANSE (did you mean Distance?)');
    expect(() => cat.resolve('zzzzzz', [])).toThrow(/^unknown function ZZZZZZ$/);
  });

  it('rejects a duplicate name naming both origins', () => {
    const other = defineScalar({ name: 'DISTANCE', signatures: [{ params: [], returns: 'INT' }], eval: () => 1 });
    expect(() => cat.with([other], 'udfs/mine.ts')).toThrow(
      'function DISTANCE is defined twice: in test and in udfs/mine.ts',
    );
    const more = cat.with([defineScalar({ name: 'One', signatures: [{ params: [], returns: 'INT' }], eval: () => 1 })], 'x.ts');
    expect(more.lookup('one')).toBeDefined();
    expect(cat.lookup('one')).toBeUndefined();
  });

  it('rejects bad definitions at registration', () => {
    expect(() =>
      createFunctionCatalog([defineScalar({ name: 'Bad', signatures: [{ params: ['STRNG'], returns: 'INT' }], eval: () => 1 })], 'f.ts'),
    ).toThrow('function Bad (f.ts): signature 1: bad type "STRNG"');
    expect(() =>
      createFunctionCatalog([defineScalar({ name: 'bad-name', signatures: [{ params: [], returns: 'INT' }], eval: () => 1 })], 'f.ts'),
    ).toThrow('the name must be an identifier');
    expect(() => createFunctionCatalog([defineScalar({ name: 'NoBody', signatures: [{ params: [], returns: 'INT' }] })])).toThrow(
      'needs eval or evalAsync',
    );
  });
});

describe('invokeScalar', () => {
  const cat = createFunctionCatalog([distance, big, coalesceLike]);
  it('returns null on null input unless the function opts out', () => {
    expect(invokeScalar(cat.resolve('distance', [T.DOUBLE, T.DOUBLE, T.DOUBLE, T.DOUBLE]), [1, null, 2, 3])).toBeNull();
    expect(invokeScalar(cat.resolve('nvl', [T.INT, T.INT]), [null, 3])).toBe(3);
  });
  it('converts bigint arguments for floating parameters and canonicalises BIGINT results', () => {
    expect(invokeScalar(cat.resolve('distance', [T.BIGINT, T.INT, T.INT, T.INT]), [10n ** 17n, 0, 0, 0])).toBe(1e17);
    expect(invokeScalar(cat.resolve('big', [T.BIGINT]), [3])).toBe(6);
    expect(invokeScalar(cat.resolve('big', [T.BIGINT]), [2n ** 60n])).toBe(2n ** 61n);
  });
  it('turns exceptions into user errors', () => {
    const boom = defineScalar({ name: 'Boom', signatures: [{ params: [], returns: 'INT' }], eval: () => { throw new Error('bad'); } });
    const r = createFunctionCatalog([boom]).resolve('boom', []);
    expect(() => invokeScalar(r, [])).toThrow('function Boom failed: bad');
  });
  it('instruments calls', () => {
    const calls: string[] = [];
    const inv = instrumentScalar(cat.resolve('big', [T.BIGINT]), {
      onCall: (n) => calls.push(`call ${n}`),
      onLatency: (n, ms) => calls.push(`latency ${n} ${ms >= 0}`),
    });
    expect(inv([1])).toBe(2);
    expect(calls).toEqual(['call Big', 'latency Big true']);
  });
});

describe('createAsyncInvoker', () => {
  const slow = defineScalar({
    name: 'Slow',
    signatures: [{ params: ['INT'], returns: 'INT' }],
    evalAsync: async (ms) => {
      await new Promise((r) => setTimeout(r, ms!));
      if (ms === 13) throw new Error('unlucky');
      return ms! * 10;
    },
  });
  const r = createFunctionCatalog([slow]).resolve('slow', [T.INT]);

  it('keeps the input order and bounds concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const counted = defineScalar({
      name: 'Counted',
      signatures: [{ params: ['INT'], returns: 'INT' }],
      evalAsync: async (ms) => {
        peak = Math.max(peak, ++inFlight);
        await new Promise((res) => setTimeout(res, ms!));
        inFlight--;
        return ms;
      },
    });
    const run = createAsyncInvoker(createFunctionCatalog([counted]).resolve('counted', [T.INT]), { maxInFlight: 2 });
    expect(await run([[30], [1], [null], [20], [5]])).toEqual([30, 1, null, 20, 5]);
    expect(peak).toBe(2);
  });
  it('times out each call', async () => {
    const run = createAsyncInvoker(r, { timeoutMs: 20 });
    await expect(run([[1], [200]])).rejects.toThrow('function Slow timed out after 20 ms');
    const lenient = createAsyncInvoker(r, { timeoutMs: 20, onError: 'null' });
    expect(await lenient([[1], [200], [13]])).toEqual([10, null, null]);
  });
  it('reports the failure of one call', async () => {
    await expect(createAsyncInvoker(r)([[13]])).rejects.toThrow('function Slow failed: unlucky');
  });
});

describe('table and aggregate helpers', () => {
  it('runs a table function and exposes its columns', () => {
    const split = defineTable({
      name: 'SplitRows',
      signatures: [{ params: ['STRING'], returns: 'ROW<word STRING>' }],
      columns: [{ name: 'word', type: 'STRING' }],
      *eval(s) {
        for (const w of String(s).split(' ')) yield [w];
      },
    });
    const r = createFunctionCatalog([split]).resolve('splitrows', [T.STRING]);
    expect(r.columns).toEqual([{ name: 'word', type: T.STRING }]);
    expect(invokeTable(r, ['a b'])).toEqual([['a'], ['b']]);
  });
  it('runs an aggregate', () => {
    const sum = defineAggregate<{ s: number }>({
      name: 'MySum',
      signatures: [{ params: ['DOUBLE'], returns: 'DOUBLE' }],
      createAccumulator: () => ({ s: 0 }),
      accumulate: (acc, v) => {
        acc.s += v as number;
      },
      getValue: (acc) => acc.s,
    });
    expect(runAggregate(sum, [[1], [2], [3.5]])).toBe(6.5);
  });
});
