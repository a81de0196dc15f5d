import { typeToString, type Field, type Row, type SqlType } from '../../../core/types.js';
import { parseType } from '../../../udf/types.js';
import { FEATURE_ROWS_TYPE, featureRow, inferType, parseValueType, VALUE_TYPES, type ValueType } from '../../../../udfs/feast/feature-row.js';
import { defineTransformer, type TransformerBuildContext } from '../api.js';

/** The Feast FeatureRow array the UDFs FeaturesWithType and Features produce; the transformers write the same. */
const FEATURE_ROWS: SqlType = parseType(FEATURE_ROWS_TYPE);

/**
 * The Feast type of a column, from its SQL type (Dagger picks it from the Java class of the value, which
 * follows the column type). Undefined: decided per value (e.g. ANY columns).
 */
function valueTypeOf(t: SqlType): ValueType | undefined {
  switch (t.kind) {
    case 'STRING':
      return 'StringType';
    case 'INT':
      return 'IntegerType';
    case 'BIGINT':
      return 'LongType';
    case 'DOUBLE':
    case 'DECIMAL':
      return 'DoubleType';
    case 'FLOAT':
      return 'FloatType';
    case 'BOOLEAN':
      return 'BooleanType';
    case 'ROW':
      return t.fields.length === 2 && t.fields[0]!.name === 'seconds' && t.fields[1]!.name === 'nanos' ? 'TimestampType' : undefined;
    default:
      return undefined;
  }
}

const UNSUPPORTED = new Set(['BYTES', 'ARRAY', 'MAP', 'TIMESTAMP']);

interface FeatureArgs {
  readonly keyColumnName: string;
  readonly valueColumnName: string;
}

/** Dagger's FeatureTransformer: the value column becomes a one-element Feast FeatureRow array named by the key column. */
export const FeatureTransformer = defineTransformer<FeatureArgs, { key: number; value: number; type: ValueType | undefined }>({
  name: 'FeatureTransformer',
  description:
    'Replaces valueColumnName by a Feast FeatureRow array with one feature: its name is the keyColumnName value (as text), its value the valueColumnName value, typed by the column type.',
  places: ['post'],
  arguments: {
    keyColumnName: { type: 'column', required: true, description: 'The column whose value (as text) names the feature.' },
    valueColumnName: { type: 'column', required: true, description: "The column holding the feature's value; replaced by the FeatureRow array." },
  },
  checkArguments(raw, ctx) {
    // Dagger's reference page shows FeatureWithTypeTransformer's arguments under this class name.
    if (raw.keyColumnName === undefined && raw.outputColumnName !== undefined && raw.data !== undefined) {
      throw ctx.argumentError('keyColumnName', 'keyColumnName and valueColumnName (outputColumnName and data are the arguments of FeatureWithTypeTransformer: use that transformation_class)');
    }
  },
  outputSchema(input, ctx): Field[] {
    const v = ctx.column(ctx.args.valueColumnName);
    const t = input[v]!.type;
    if (UNSUPPORTED.has(t.kind) || (t.kind === 'ROW' && !valueTypeOf(t))) {
      throw ctx.argumentError('valueColumnName', 'a column of a Feast value type (STRING, INT, BIGINT, FLOAT, DOUBLE, BOOLEAN, or a seconds/nanos timestamp row)', `${ctx.args.valueColumnName} of type ${typeToString(t)}`);
    }
    return input.map((f, j) => (j === v ? { name: f.name, type: FEATURE_ROWS } : f));
  },
  open(ctx) {
    const value = ctx.column(ctx.args.valueColumnName);
    ctx.state = { key: ctx.column(ctx.args.keyColumnName), value, type: valueTypeOf(ctx.input[value]!.type) };
  },
  transform(rows, ctx): Row[] {
    const { key, value, type } = ctx.state;
    return rows.map((r) => {
      const out = r.slice();
      const name = String(r[key]);
      out[value] = [featureRow(name, r[value], type ?? inferType(r[value]), 'FeatureTransformer')];
      return out;
    });
  },
  examples: [
    {
      title: 'A float feature named by a BIGINT key',
      config: { transformation_class: 'FeatureTransformer', transformation_arguments: { keyColumnName: 'featuresKey', valueColumnName: 'features' } },
      input: {
        columns: [
          { name: 'entityKey', type: 'STRING' },
          { name: 'featuresKey', type: 'BIGINT' },
          { name: 'features', type: 'FLOAT' },
        ],
        rows: [['test', 1, 2]],
      },
      output: [
        [
          'test',
          1,
          [{ name: '1', key: '1', value: { bytes_val: null, string_val: null, int32_val: null, int64_val: null, double_val: null, float_val: 2, bool_val: null, timestamp_val: null } }],
        ],
      ],
    },
  ],
});

interface FeatureSpec {
  readonly key: number;
  readonly value: number;
  readonly type: ValueType;
}

interface WithTypeArgs {
  readonly outputColumnName: string;
  readonly data: unknown;
}

function featureSpecs(ctx: TransformerBuildContext<WithTypeArgs>): FeatureSpec[] {
  const data = ctx.args.data;
  if (!Array.isArray(data) || data.length === 0) throw ctx.argumentError('data', 'a non-empty array of {keyColumnName, valueColumnName, type}', data);
  return data.map((d: unknown, i) => {
    const e = (d ?? {}) as Record<string, unknown>;
    const col = (k: string): number => {
      const name = e[k];
      if (typeof name !== 'string') throw ctx.argumentError(`data[${i}].${k}`, 'a column name', name);
      const idx = ctx.column(name);
      if (idx < 0) throw ctx.argumentError(`data[${i}].${k}`, `one of the columns ${ctx.input.map((f) => f.name).join(', ')}`, name);
      return idx;
    };
    const key = col('keyColumnName');
    const value = col('valueColumnName');
    let type: ValueType;
    try {
      type = parseValueType(e.type, 'FeatureWithTypeTransformer');
    } catch {
      throw ctx.argumentError(`data[${i}].type`, `one of ${VALUE_TYPES.join(', ')}`, e.type);
    }
    return { key, value, type };
  });
}

/** Dagger's FeatureWithTypeTransformer: every data entry adds one typed feature to the FeatureRow array in outputColumnName. */
export const FeatureWithTypeTransformer = defineTransformer<WithTypeArgs, { output: number; specs: FeatureSpec[] }>({
  name: 'FeatureWithTypeTransformer',
  description:
    'Writes a Feast FeatureRow array to outputColumnName (an existing column, e.g. a constant from the internal post-processor): one feature per data entry, named by its keyColumnName value and typed by its type (StringType, IntegerType, LongType, FloatType, DoubleType, BooleanType, ByteType, TimestampType).',
  places: ['post'],
  arguments: {
    outputColumnName: { type: 'column', required: true, description: 'The column replaced by the FeatureRow array.' },
    data: { type: 'json', required: true, description: 'An array of {keyColumnName, valueColumnName, type}: one feature each, in this order.' },
  },
  outputSchema(input, ctx): Field[] {
    featureSpecs(ctx);
    const o = ctx.column(ctx.args.outputColumnName);
    return input.map((f, j) => (j === o ? { name: f.name, type: FEATURE_ROWS } : f));
  },
  open(ctx) {
    ctx.state = { output: ctx.column(ctx.args.outputColumnName), specs: featureSpecs(ctx) };
  },
  transform(rows, ctx): Row[] {
    const { output, specs } = ctx.state;
    return rows.map((r) => {
      const out = r.slice();
      out[output] = specs.map((s) => featureRow(String(r[s.key]), r[s.value], s.type, 'FeatureWithTypeTransformer'));
      return out;
    });
  },
  examples: [
    {
      title: 'A float feature from a string column (Dagger converts the text)',
      config: {
        transformation_class: 'FeatureWithTypeTransformer',
        transformation_arguments: { outputColumnName: 'features', data: [{ keyColumnName: 'customer_id', valueColumnName: 'order_number', type: 'FloatType' }] },
      },
      input: {
        columns: [
          { name: 'customer_id', type: 'STRING' },
          { name: 'order_number', type: 'STRING' },
          { name: 'features', type: 'STRING' },
        ],
        rows: [['test_customer_id', '1.4', 'test_features']],
      },
      output: [
        [
          'test_customer_id',
          '1.4',
          [{ name: 'test_customer_id', key: 'test_customer_id', value: { bytes_val: null, string_val: null, int32_val: null, int64_val: null, double_val: null, float_val: 1.4, bool_val: null, timestamp_val: null } }],
        ],
      ],
    },
  ],
});

