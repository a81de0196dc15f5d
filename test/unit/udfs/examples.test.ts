import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { T, type SqlType } from '../../../src/core/types.js';
import type { FunctionDef } from '../../../src/udf/api.js';
import { createFunctionCatalog, createAsyncInvoker, invokeScalar, invokeTable, runAggregate } from '../../../src/udf/registry.js';
import { parseType } from '../../../src/udf/types.js';
import { daggerFunctions } from '../../../udfs/index.js';

/** Every example of every library function runs as a test, through the same path the engine uses. */

/** The SQL type of an example value, for resolving the overload the example calls. */
function typeOf(v: unknown): SqlType {
  if (v === null || v === undefined) return T.NULL;
  if (typeof v === 'boolean') return T.BOOLEAN;
  if (typeof v === 'bigint') return T.BIGINT;
  if (typeof v === 'number') return Number.isInteger(v) ? (Math.abs(v) <= 2147483647 ? T.INT : T.BIGINT) : T.DOUBLE;
  if (typeof v === 'string') return T.STRING;
  if (v instanceof Uint8Array) return T.BYTES;
  if (Array.isArray(v)) return T.array(v.length > 0 ? typeOf(v.find((x) => x !== null) ?? null) : T.ANY);
  if (v instanceof Map) return T.map(T.ANY, T.ANY);
  if (typeof v === 'function') return T.ANY;
  return T.row(Object.entries(v as object).map(([name, x]) => ({ name, type: typeOf(x) })));
}

/** Deep equality with a relative tolerance for floating results. */
function expectClose(actual: unknown, expected: unknown): void {
  if (typeof expected === 'number' && typeof actual === 'number' && !Number.isInteger(expected)) {
    expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
  } else if (Array.isArray(expected) && Array.isArray(actual)) {
    expect(actual.length).toBe(expected.length);
    expected.forEach((e, i) => expectClose(actual[i], e));
  } else if (expected !== null && typeof expected === 'object' && !(expected instanceof Uint8Array) && !(expected instanceof Map) && actual !== null && typeof actual === 'object') {
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const [k, e] of Object.entries(expected)) expectClose((actual as Record<string, unknown>)[k], e);
  } else if (typeof expected === 'function' && typeof actual === 'function') {
    expect(String((actual as { description?: unknown }).description)).toBe(String((expected as { description?: unknown }).description));
  } else {
    expect(actual).toEqual(expected);
  }
}

const catalog = createFunctionCatalog(daggerFunctions, 'udfs/');
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

// Some functions need the job's context: the dart store and the protobuf descriptors of the fixtures.
beforeAll(async () => {
  const root = await protobuf.load(`${fixtures}item.proto`);
  const ctx = {
    config: { UDF_DART_STORE_PATH: `${fixtures}darts` },
    protoTypes: (name: string) => {
      try {
        return root.lookupType(name);
      } catch {
        return undefined;
      }
    },
  };
  for (const d of daggerFunctions) await d.open?.(ctx);
});

describe('the Dagger function library', () => {
  it('registers every function of Dagger section 4 under its class name', () => {
    const expected = [
      'ArrayAggregate', 'ArrayOperate', 'ByteToString', 'CondEq', 'DartContains', 'DartGet', 'Distance', 'ElementAt',
      'StartOfMonth', 'EndOfMonth', 'StartOfWeek', 'EndOfWeek', 'ExponentialMovingAverage', 'Filters', 'FormatTimeInZone',
      'GeoHash', 'JsonQuery', 'JsonUpdate', 'JsonDelete', 'LinearTrend', 'ListContains', 'MapGet', 'S2AreaInKm2', 'S2Id',
      'SelectFields', 'SingleFeatureWithType', 'Split', 'TimeInDate', 'TimestampFromUnix', 'CollectArray', 'DistinctCount',
      'Features', 'FeaturesWithType', 'PercentileAggregator', 'HistogramBucket', 'OutlierMad',
    ];
    expect([...catalog.names()].sort()).toEqual([...expected].sort());
  });

  it('gives every function a description and examples', () => {
    for (const d of daggerFunctions) {
      expect(d.description, d.name).toBeTruthy();
      expect(d.examples?.length ?? 0, d.name).toBeGreaterThan(0);
    }
  });
});

const withExamples = (daggerFunctions as FunctionDef[]).filter((d) => (d.examples?.length ?? 0) > 0);

describe.each(withExamples.map((d) => [d.name, d] as const))('%s examples', (_name, def) => {
  const examples = def.examples ?? [];
  it.each(examples.map((e, i) => [i, e] as const))('example %i', async (_i, ex) => {
    if (def.kind === 'aggregate') {
      const e = ex as { rows: readonly (readonly unknown[])[]; result: unknown };
      expectClose(runAggregate(def, e.rows), e.result);
      return;
    }
    const e = ex as { args: readonly unknown[]; result: unknown; argTypes?: readonly string[] };
    const types = e.argTypes ? e.argTypes.map(parseType) : e.args.map(typeOf);
    const resolved = catalog.resolve(def.name, types);
    if (def.kind === 'table') {
      expectClose(invokeTable(resolved, e.args), e.result);
    } else if (def.eval) {
      expectClose(invokeScalar(resolved, e.args), e.result);
    } else {
      const [r] = await createAsyncInvoker(resolved)([e.args]);
      expectClose(r, e.result);
    }
  });
});
