import { defineAggregate, defineScalar } from '../../src/udf/api.js';
import { FEATURE_ROWS_TYPE, featureRow, inferType, parseValueType, type FeatureRow, type ValueType } from './feature-row.js';

function checkArity(n: number, group: number, fn: string): void {
  if (n === 0 || n % group !== 0) {
    throw new Error(`${fn}: arguments must come in ${group === 2 ? 'pairs (name, value)' : 'triplets (name, value, type)'}, got ${n}`);
  }
}

export const Features = defineAggregate<{ features: [string, unknown][] }>({
  name: 'Features',
  description:
    'Feast features of a group: every (name, value) argument pair of every row becomes a FeatureRow (name, value row with the slot of the value type set, key). Integers within 32 bits are IntegerType, larger ones LongType, other numbers DoubleType.',
  signatures: [{ params: ['ANY'], varargs: true, returns: FEATURE_ROWS_TYPE }],
  createAccumulator: () => ({ features: [] }),
  accumulate: (acc, ...args) => {
    checkArity(args.length, 2, 'Features');
    for (let i = 0; i < args.length; i += 2) acc.features.push([String(args[i]), args[i + 1] ?? null]);
  },
  merge: (acc, other) => {
    acc.features.push(...other.features);
  },
  getValue: (acc): FeatureRow[] => acc.features.map(([name, value]) => featureRow(name, value, inferType(value), 'Features')),
  examples: [
    {
      rows: [['orders', 3, 'city', 'Jakarta']],
      result: [
        { name: 'orders', key: 'orders', value: { bytes_val: null, string_val: null, int32_val: 3, int64_val: null, double_val: null, float_val: null, bool_val: null, timestamp_val: null } },
        { name: 'city', key: 'city', value: { bytes_val: null, string_val: 'Jakarta', int32_val: null, int64_val: null, double_val: null, float_val: null, bool_val: null, timestamp_val: null } },
      ],
    },
  ],
});

type Typed = { name: string; value: unknown; type: ValueType };
const identity = (f: Typed): string => JSON.stringify([f.name, f.value, f.type], (_k, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x));

export const FeaturesWithType = defineAggregate<{ features: Map<string, Typed> }>({
  name: 'FeaturesWithType',
  description:
    "Typed Feast features of a group: every (name, value, type) triplet becomes a FeatureRow, type being one of ByteType, StringType, IntegerType, LongType, DoubleType, FloatType, BooleanType, TimestampType. Identical triplets count once; retract removes one.",
  signatures: [{ params: ['ANY'], varargs: true, returns: FEATURE_ROWS_TYPE }],
  createAccumulator: () => ({ features: new Map() }),
  accumulate: (acc, ...args) => {
    checkArity(args.length, 3, 'FeaturesWithType');
    for (let i = 0; i < args.length; i += 3) {
      const f = { name: String(args[i]), value: args[i + 1] ?? null, type: parseValueType(args[i + 2], 'FeaturesWithType') };
      acc.features.set(identity(f), f);
    }
  },
  retract: (acc, ...args) => {
    checkArity(args.length, 3, 'FeaturesWithType');
    for (let i = 0; i < args.length; i += 3) {
      acc.features.delete(identity({ name: String(args[i]), value: args[i + 1] ?? null, type: parseValueType(args[i + 2], 'FeaturesWithType') }));
    }
  },
  merge: (acc, other) => {
    for (const [k, f] of other.features) acc.features.set(k, f);
  },
  getValue: (acc): FeatureRow[] => [...acc.features.values()].map((f) => featureRow(f.name, f.value, f.type, 'FeaturesWithType')),
  examples: [
    {
      rows: [['rating', '4.5', 'DoubleType'], ['rating', '4.5', 'DoubleType']],
      result: [{ name: 'rating', key: 'rating', value: { bytes_val: null, string_val: null, int32_val: null, int64_val: null, double_val: 4.5, float_val: null, bool_val: null, timestamp_val: null } }],
    },
  ],
});

export const SingleFeatureWithType = defineScalar({
  name: 'SingleFeatureWithType',
  description: 'Typed Feast features of one row: (name, value, type) triplets, as FeaturesWithType but without aggregation.',
  signatures: [{ params: ['ANY'], varargs: true, returns: FEATURE_ROWS_TYPE }],
  nullOnNullInput: false,
  eval: (...args: unknown[]) => {
    checkArity(args.length, 3, 'SingleFeatureWithType');
    const seen = new Map<string, Typed>();
    for (let i = 0; i < args.length; i += 3) {
      const f = { name: String(args[i]), value: args[i + 1] ?? null, type: parseValueType(args[i + 2], 'SingleFeatureWithType') };
      seen.set(identity(f), f);
    }
    return [...seen.values()].map((f) => featureRow(f.name, f.value, f.type, 'SingleFeatureWithType'));
  },
  examples: [
    {
      args: ['active', true, 'BooleanType', 'trips', 12, 'LongType'],
      result: [
        { name: 'active', key: 'active', value: { bytes_val: null, string_val: null, int32_val: null, int64_val: null, double_val: null, float_val: null, bool_val: true, timestamp_val: null } },
        { name: 'trips', key: 'trips', value: { bytes_val: null, string_val: null, int32_val: null, int64_val: 12, double_val: null, float_val: null, bool_val: null, timestamp_val: null } },
      ],
      sql: "SingleFeatureWithType('active', is_active, 'BooleanType', 'trips', trip_count, 'LongType')",
    },
  ],
});
