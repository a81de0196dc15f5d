/**
 * Feast FeatureRow entries as Dagger builds them: a row (name, value, key) where value has one slot per Feast
 * value type (bytes, string, int32, int64, double, float, bool, timestamp), only the slot of the feature's type
 * set. Dagger puts the feature name in the third field too; it is kept for positional compatibility.
 */
export const FEATURE_VALUE_TYPE =
  'ROW<bytes_val BYTES, string_val STRING, int32_val INT, int64_val BIGINT, double_val DOUBLE, float_val FLOAT, bool_val BOOLEAN, timestamp_val ROW<seconds BIGINT, nanos INT>>';
export const FEATURE_ROW_TYPE = `ROW<name STRING, \`value\` ${FEATURE_VALUE_TYPE}, key STRING>`;
export const FEATURE_ROWS_TYPE = `ARRAY<${FEATURE_ROW_TYPE}>`;

/** Dagger's ValueEnum names, in the order of the value slots. */
export const VALUE_TYPES = ['ByteType', 'StringType', 'IntegerType', 'LongType', 'DoubleType', 'FloatType', 'BooleanType', 'TimestampType'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];
const SLOTS = ['bytes_val', 'string_val', 'int32_val', 'int64_val', 'double_val', 'float_val', 'bool_val', 'timestamp_val'] as const;

export interface FeatureRow {
  name: string;
  value: Record<(typeof SLOTS)[number], unknown>;
  key: string;
}

function emptyValue(): FeatureRow['value'] {
  return { bytes_val: null, string_val: null, int32_val: null, int64_val: null, double_val: null, float_val: null, bool_val: null, timestamp_val: null };
}

/** A Dagger timestamp value: a row of (seconds, nanos). */
function isTimestampRow(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array || v instanceof Map) return false;
  return Object.keys(v).length === 2;
}

/**
 * The Feast type of an untyped value (Features). JS numbers do not say INT from BIGINT or DOUBLE, so: an
 * integer within 32 bits is IntegerType, a larger integer or a bigint LongType, any other number DoubleType.
 */
export function inferType(v: unknown): ValueType | undefined {
  if (typeof v === 'boolean') return 'BooleanType';
  if (v instanceof Uint8Array) return 'ByteType';
  if (typeof v === 'string') return 'StringType';
  if (typeof v === 'bigint') return 'LongType';
  if (typeof v === 'number') return Number.isInteger(v) ? (Math.abs(v) <= 2147483647 ? 'IntegerType' : 'LongType') : 'DoubleType';
  if (isTimestampRow(v)) return 'TimestampType';
  return undefined;
}

export function parseValueType(t: unknown, fn: string): ValueType {
  const s = String(t);
  if (!(VALUE_TYPES as readonly string[]).includes(s)) throw new Error(`${fn}: unknown feature type "${s}"; use one of ${VALUE_TYPES.join(', ')}`);
  return s as ValueType;
}

const toNumber = (v: unknown, fn: string, name: string): number => {
  const n = typeof v === 'bigint' ? Number(v) : Number(String(v));
  if (Number.isNaN(n) && String(v) !== 'NaN') throw new Error(`${fn}: feature ${name}: "${String(v)}" is not a number`);
  return n;
};

/** Build one feature row. NULL values give defaults as in Dagger (0, false), or an empty value row. */
export function featureRow(name: string, value: unknown, type: ValueType | undefined, fn: string): FeatureRow {
  const out = emptyValue();
  const row: FeatureRow = { name, value: out, key: name };
  if (type === undefined) {
    if (value === null || value === undefined) return row;
    throw new Error(`${fn}: feature ${name}: cannot tell the Feast type of ${typeof value} ${String(value)}`);
  }
  switch (type) {
    case 'ByteType':
      if (value !== null && value !== undefined) out.bytes_val = value instanceof Uint8Array ? value : new TextEncoder().encode(String(value));
      return row;
    case 'StringType':
      if (value !== null && value !== undefined) out.string_val = typeof value === 'string' ? value : String(value);
      return row;
    case 'IntegerType':
      out.int32_val = value === null || value === undefined ? 0 : Math.trunc(toNumber(value, fn, name));
      return row;
    case 'LongType': {
      if (value === null || value === undefined) out.int64_val = 0;
      else if (typeof value === 'bigint') out.int64_val = value;
      else out.int64_val = Math.trunc(toNumber(value, fn, name));
      return row;
    }
    case 'DoubleType':
    case 'FloatType':
      out[type === 'DoubleType' ? 'double_val' : 'float_val'] = value === null || value === undefined ? 0 : toNumber(value, fn, name);
      return row;
    case 'BooleanType':
      out.bool_val = value === null || value === undefined ? false : value === true || value === 'true';
      return row;
    case 'TimestampType':
      if (isTimestampRow(value)) out.timestamp_val = value;
      return row;
  }
}
