import protobuf from 'protobufjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DecodeError, DirkError } from '../../../src/core/errors.js';
import { typeToString, type Row, type TableSchema } from '../../../src/core/types.js';
import {
  createProtoRowDecoder,
  createProtoRowEncoder,
  openDescriptorRegistry,
  protoTableSchema,
  type DescriptorRegistry,
} from '../../../src/schema/index.js';

const CLASS = 'dirk.test.AllTypes';
let reg: DescriptorRegistry;
let type: protobuf.Type;
let table: TableSchema;

beforeAll(async () => {
  reg = await openDescriptorRegistry({ kind: 'files', dirs: ['protos'] });
  type = reg.lookupType(CLASS);
  table = protoTableSchema(reg, CLASS, { table: 'all', rowtimeFieldNumber: 18, rowtimeName: 'rowtime' });
});

function col(name: string): number {
  const i = table.columns.findIndex((c) => c.name === name);
  if (i < 0) throw new Error(`no column ${name}`);
  return i;
}

/** Encodes with protobufjs (an independent implementation) from a plain object. */
function pbEncode(obj: Record<string, unknown>, t: protobuf.Type = type): Uint8Array {
  return t.encode(t.fromObject(obj)).finish();
}

const FULL = {
  f_double: 1.5,
  f_float: 2.5,
  f_int32: -7,
  f_int64: '9007199254740993', // 2^53 + 1: not a safe double
  f_uint32: 4000000000,
  f_uint64: '18446744073709551615',
  f_sint32: -123,
  f_sint64: '-9223372036854775808',
  f_fixed32: 4294967295,
  f_fixed64: '18446744073709551614',
  f_sfixed32: -5,
  f_sfixed64: '-9007199254740993',
  f_bool: true,
  f_string: 'héllo wörld, a longer string with unicode ✓ to pass the short-ascii path',
  f_bytes: new Uint8Array([0, 1, 2, 255]),
  f_enum: 2,
  f_message: { label: 'in', count: '42', color: 3, at: { seconds: 10, nanos: 5 }, values: [1, 2, 3] },
  event_timestamp: { seconds: 1700000000, nanos: 123456789 },
  f_duration: { seconds: 3, nanos: 4 },
  f_struct: { fields: { a: { number_value: 1 }, b: { list_value: { values: [{ string_value: 'x' }, { bool_value: true }] } } } },
  f_value: { string_value: 'just text' },
  f_string_wrapper: { value: 'wrapped' },
  f_int64_wrapper: { value: '-9007199254740993' },
  f_bool_wrapper: { value: false },
  f_double_wrapper: { value: 0.25 },
  r_int64: ['1', '-1', '9223372036854775807'],
  r_string: ['a', '', 'c'],
  r_enum: [1, 2, 3],
  r_message: [{ label: 'x' }, { label: 'y', count: 2 }],
  m_string_int64: { k1: '1', k2: '12345678901234567890'.slice(0, 19) },
  m_int32_inner: { 5: { label: 'five' } },
  o_int32: 0,
  c_inner: { label: 'chosen' },
  r_double: [1.25, -2.5],
  f_uint64_wrapper: { value: '18446744073709551615' },
  f_bytes_wrapper: { value: new Uint8Array([9]) },
};

describe('protoTableSchema', () => {
  it('maps every field in declaration order and appends the rowtime', () => {
    const shown = table.columns.map((c) => `${c.name} ${typeToString(c.type)}`);
    expect(shown).toMatchInlineSnapshot(`
      [
        "f_double DOUBLE",
        "f_float FLOAT",
        "f_int32 INT",
        "f_int64 BIGINT",
        "f_uint32 BIGINT",
        "f_uint64 BIGINT",
        "f_sint32 INT",
        "f_sint64 BIGINT",
        "f_fixed32 BIGINT",
        "f_fixed64 BIGINT",
        "f_sfixed32 INT",
        "f_sfixed64 BIGINT",
        "f_bool BOOLEAN",
        "f_string STRING",
        "f_bytes BYTES",
        "f_enum STRING",
        "f_message ROW<\`label\` STRING, \`count\` BIGINT, \`color\` STRING, \`at\` ROW<\`seconds\` BIGINT, \`nanos\` INT>, \`values\` ARRAY<INT>>",
        "event_timestamp ROW<\`seconds\` BIGINT, \`nanos\` INT>",
        "f_duration ROW<\`seconds\` BIGINT, \`nanos\` INT>",
        "f_struct STRING",
        "f_value STRING",
        "f_string_wrapper STRING",
        "f_int64_wrapper BIGINT",
        "f_bool_wrapper BOOLEAN",
        "f_double_wrapper DOUBLE",
        "r_int64 ARRAY<BIGINT>",
        "r_string ARRAY<STRING>",
        "r_enum ARRAY<STRING>",
        "r_message ARRAY<ROW<\`label\` STRING, \`count\` BIGINT, \`color\` STRING, \`at\` ROW<\`seconds\` BIGINT, \`nanos\` INT>, \`values\` ARRAY<INT>>>",
        "m_string_int64 MAP<STRING, BIGINT>",
        "m_int32_inner MAP<INT, ROW<\`label\` STRING, \`count\` BIGINT, \`color\` STRING, \`at\` ROW<\`seconds\` BIGINT, \`nanos\` INT>, \`values\` ARRAY<INT>>>",
        "o_int32 INT",
        "c_string STRING",
        "c_inner ROW<\`label\` STRING, \`count\` BIGINT, \`color\` STRING, \`at\` ROW<\`seconds\` BIGINT, \`nanos\` INT>, \`values\` ARRAY<INT>>",
        "r_double ARRAY<DOUBLE>",
        "other_time ROW<\`seconds\` BIGINT, \`nanos\` INT>",
        "f_uint64_wrapper BIGINT",
        "f_bytes_wrapper BYTES",
        "rowtime TIMESTAMP(3) *ROWTIME*",
      ]
    `);
    expect(table.rowtimeIndex).toBe(table.columns.length - 1);
  });

  it('names the config key when the rowtime field is missing or not a Timestamp', () => {
    expect(() => protoTableSchema(reg, CLASS, { table: 't', rowtimeFieldNumber: 99, rowtimeName: 'rowtime' })).toThrow(
      /INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX = 99: dirk.test.AllTypes has no field with number 99; the Timestamp fields of dirk.test.AllTypes are: event_timestamp = 18, other_time = 36/,
    );
    expect(() => protoTableSchema(reg, CLASS, { table: 't', rowtimeFieldNumber: 14, rowtimeName: 'rowtime' })).toThrow(
      /INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX = 14: field f_string of dirk.test.AllTypes is string, not google.protobuf.Timestamp/,
    );
  });

  it('reports an unknown proto class with the closest name', () => {
    let err: unknown;
    try {
      reg.lookupType('dirk.test.AllTypse');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DirkError);
    expect((err as DirkError).domain).toBe('user');
    expect((err as Error).message).toMatch(/unknown proto class "dirk.test.AllTypse"; did you mean "dirk.test.AllTypes"\?/);
  });
});

describe('proto row decoder', () => {
  it('decodes every type exactly (protobufjs-encoded input)', () => {
    const row = createProtoRowDecoder(reg, CLASS, table).decode(pbEncode(FULL));
    const get = (n: string): unknown => row[col(n)];
    expect(get('f_double')).toBe(1.5);
    expect(get('f_float')).toBe(2.5);
    expect(get('f_int32')).toBe(-7);
    expect(get('f_int64')).toBe(9007199254740993n);
    expect(get('f_uint32')).toBe(4000000000);
    expect(get('f_uint64')).toBe(18446744073709551615n);
    expect(get('f_sint32')).toBe(-123);
    expect(get('f_sint64')).toBe(-9223372036854775808n);
    expect(get('f_fixed32')).toBe(4294967295);
    expect(get('f_fixed64')).toBe(18446744073709551614n);
    expect(get('f_sfixed32')).toBe(-5);
    expect(get('f_sfixed64')).toBe(-9007199254740993n);
    expect(get('f_bool')).toBe(true);
    expect(get('f_string')).toBe(FULL.f_string);
    expect(get('f_bytes')).toEqual(new Uint8Array([0, 1, 2, 255]));
    expect(get('f_enum')).toBe('GREEN');
    expect(get('f_message')).toEqual({
      label: 'in',
      count: 42,
      color: 'BLUE',
      at: { seconds: 10, nanos: 5 },
      values: [1, 2, 3],
    });
    expect(get('event_timestamp')).toEqual({ seconds: 1700000000, nanos: 123456789 });
    expect(get('f_duration')).toEqual({ seconds: 3, nanos: 4 });
    expect(JSON.parse(get('f_struct') as string)).toEqual({ a: 1, b: ['x', true] });
    expect(get('f_value')).toBe('just text');
    expect(get('f_string_wrapper')).toBe('wrapped');
    expect(get('f_int64_wrapper')).toBe(-9007199254740993n);
    expect(get('f_bool_wrapper')).toBe(false);
    expect(get('f_double_wrapper')).toBe(0.25);
    expect(get('r_int64')).toEqual([1, -1, 9223372036854775807n]);
    expect(get('r_string')).toEqual(['a', '', 'c']);
    expect(get('r_enum')).toEqual(['RED', 'GREEN', 'BLUE']);
    expect((get('r_message') as Array<{ label: string; count: number }>).map((m) => [m.label, m.count])).toEqual([
      ['x', 0],
      ['y', 2],
    ]);
    expect(get('m_string_int64')).toEqual(new Map<string, unknown>([['k1', 1], ['k2', 1234567890123456789n]]));
    const m = get('m_int32_inner') as Map<number, { label: string }>;
    expect([...m.keys()]).toEqual([5]);
    expect(m.get(5)?.label).toBe('five');
    expect(get('o_int32')).toBe(0); // proto3 optional explicitly set to 0 is 0, not null
    expect(get('c_string')).toBeNull();
    expect((get('c_inner') as { label: string }).label).toBe('chosen');
    expect(get('r_double')).toEqual([1.25, -2.5]);
    expect(get('f_uint64_wrapper')).toBe(18446744073709551615n);
    expect(get('f_bytes_wrapper')).toEqual(new Uint8Array([9]));
    expect(row[table.rowtimeIndex!]).toBe(1700000000123);
  });

  it('reads absent fields as Dagger does (defaults), oneof/optional/wrappers as null', () => {
    const row = createProtoRowDecoder(reg, CLASS, table).decode(new Uint8Array(0));
    const get = (n: string): unknown => row[col(n)];
    expect(get('f_double')).toBe(0);
    expect(get('f_int64')).toBe(0);
    expect(get('f_string')).toBe('');
    expect(get('f_bool')).toBe(false);
    expect(get('f_bytes')).toEqual(new Uint8Array(0));
    expect(get('f_enum')).toBe('COLOR_UNSPECIFIED');
    expect(get('f_message')).toEqual({ label: '', count: 0, color: 'COLOR_UNSPECIFIED', at: { seconds: 0, nanos: 0 }, values: [] });
    expect(get('event_timestamp')).toEqual({ seconds: 0, nanos: 0 });
    expect(get('r_int64')).toEqual([]);
    expect(get('m_string_int64')).toEqual(new Map());
    expect(get('o_int32')).toBeNull();
    expect(get('c_string')).toBeNull();
    expect(get('c_inner')).toBeNull();
    expect(get('f_string_wrapper')).toBeNull();
    expect(get('f_struct')).toBeNull();
    expect(get('f_value')).toBeNull();
    expect(row[table.rowtimeIndex!]).toBe(0);
  });

  it('keeps an unknown enum number as its decimal string', () => {
    const w = protobuf.Writer.create();
    w.uint32((16 << 3) | 0).int32(99); // f_enum = 99
    w.uint32((28 << 3) | 2).fork().int32(1).int32(77).ldelim(); // r_enum packed [1, 77]
    w.uint32((28 << 3) | 0).int32(-3); // and one unpacked element
    const full = w.finish();
    const row = createProtoRowDecoder(reg, CLASS, table).decode(full);
    expect(row[col('f_enum')]).toBe('99');
    expect(row[col('r_enum')]).toEqual(['RED', '77', '-3']);
  });

  it('pushdown: decodes only the requested columns, still fills the rowtime', () => {
    const bytes = pbEncode(FULL);
    const dec = createProtoRowDecoder(reg, CLASS, table, { columns: new Set([col('f_string'), col('f_int64')]) });
    const row = dec.decode(bytes);
    expect(row).toHaveLength(table.columns.length);
    expect(row[col('f_string')]).toBe(FULL.f_string);
    expect(row[col('f_int64')]).toBe(9007199254740993n);
    expect(row[table.rowtimeIndex!]).toBe(1700000000123);
    for (let i = 0; i < row.length; i++) {
      if (i === col('f_string') || i === col('f_int64') || i === table.rowtimeIndex) continue;
      expect(row[i], table.columns[i]!.name).toBeNull();
    }
  });

  it('pushdown of the timestamp column itself returns both ROW and rowtime', () => {
    const dec = createProtoRowDecoder(reg, CLASS, table, { columns: new Set([col('event_timestamp')]) });
    const row = dec.decode(pbEncode({ event_timestamp: { seconds: 5, nanos: 2_000_000 } }));
    expect(row[col('event_timestamp')]).toEqual({ seconds: 5, nanos: 2000000 });
    expect(row[table.rowtimeIndex!]).toBe(5002);
  });

  it('throws DecodeError on truncated messages and garbage', () => {
    const dec = createProtoRowDecoder(reg, CLASS, table);
    const bytes = pbEncode(FULL);
    for (const cut of [1, 5, bytes.length - 1, Math.floor(bytes.length / 2)]) {
      expect(() => dec.decode(bytes.subarray(0, cut)), `cut at ${cut}`).toThrow(DecodeError);
    }
    expect(() => dec.decode(new TextEncoder().encode('not a protobuf'))).toThrow(DecodeError);
    expect(() => dec.decode(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toThrow(
      DecodeError,
    );
    expect(() => dec.decode(new Uint8Array([0x07, 0x01]))).toThrow(/cannot decode dirk.test.AllTypes: /);
    // the decoder still works after errors
    expect(dec.decode(bytes)[col('f_int32')]).toBe(-7);
  });

  it('skips unknown fields of every wire type', () => {
    const w = protobuf.Writer.create();
    w.uint32((100 << 3) | 0).uint64('12345678901');
    w.uint32((101 << 3) | 1).fixed64(7);
    w.uint32((102 << 3) | 2).string('skip me');
    w.uint32((103 << 3) | 5).fixed32(1);
    w.uint32((104 << 3) | 3).uint32((1 << 3) | 0).uint32(5).uint32((104 << 3) | 4); // group
    w.uint32((3 << 3) | 0).int32(11);
    const row = createProtoRowDecoder(reg, CLASS, table).decode(w.finish());
    expect(row[col('f_int32')]).toBe(11);
  });
});

describe('proto row encoder', () => {
  it('round-trips every mapping (ours -> ours, and ours -> protobufjs)', () => {
    const dec = createProtoRowDecoder(reg, CLASS, table);
    const original = dec.decode(pbEncode(FULL));
    const enc = createProtoRowEncoder(reg, CLASS, table.columns);
    const bytes = enc.encode(original);
    const again = dec.decode(bytes);
    expect(again).toEqual(original);
    // an independent reader agrees
    const obj = type.toObject(type.decode(bytes), { longs: String, enums: String, bytes: Array }) as Record<string, unknown>;
    expect(obj['f_int64']).toBe('9007199254740993');
    expect(obj['f_uint64']).toBe('18446744073709551615');
    expect(obj['f_sint64']).toBe('-9223372036854775808');
    expect(obj['f_sfixed64']).toBe('-9007199254740993');
    expect(obj['f_enum']).toBe('GREEN');
    expect(obj['c_inner']).toMatchObject({ label: 'chosen' });
    expect(obj['o_int32']).toBe(0);
  });

  it('matches columns by name, ignores unknown ones, fills dotted nested fields', () => {
    const enc = createProtoRowEncoder(reg, CLASS, [
      { name: 'f_string', type: { kind: 'STRING' } },
      { name: 'not_a_field', type: { kind: 'BIGINT' } },
      { name: 'f_message.label', type: { kind: 'STRING' } },
      { name: 'f_message.count', type: { kind: 'BIGINT' } },
      { name: 'event_timestamp', type: { kind: 'TIMESTAMP', precision: 3 } },
      { name: 'f_enum', type: { kind: 'STRING' } },
      { name: 'f_int64', type: { kind: 'BIGINT' } },
    ]);
    const bytes = enc.encode(['s', 5, 'lbl', 2n ** 60n, 1700000000123, 'BLUE', -1]);
    const obj = type.toObject(type.decode(bytes), { longs: String, enums: String }) as Record<string, any>;
    expect(obj['f_string']).toBe('s');
    expect(obj['f_message']).toEqual({ label: 'lbl', count: String(2n ** 60n) });
    expect(obj['event_timestamp']).toEqual({ seconds: '1700000000', nanos: 123000000 });
    expect(obj['f_enum']).toBe('BLUE');
    expect(obj['f_int64']).toBe('-1');
  });

  it('rejects a column whose type cannot be written to its field, naming both', () => {
    expect(() => createProtoRowEncoder(reg, CLASS, [{ name: 'f_string', type: { kind: 'BIGINT' } }])).toThrow(
      'type mismatch writing column "f_string" (BIGINT) to dirk.test.AllTypes: field f_string is string, which cannot hold BIGINT',
    );
    expect(() =>
      createProtoRowEncoder(reg, CLASS, [
        { name: 'f_message', type: { kind: 'ROW', fields: [{ name: 'count', type: { kind: 'STRING' } }] } },
      ]),
    ).toThrow(/field f_message.count is int64, which cannot hold STRING/);
    expect(() => createProtoRowEncoder(reg, CLASS, [{ name: 'r_int64', type: { kind: 'BIGINT' } }])).toThrow(
      /field r_int64 is repeated int64, which cannot hold BIGINT/,
    );
    try {
      createProtoRowEncoder(reg, CLASS, [{ name: 'f_bool', type: { kind: 'DOUBLE' } }]);
    } catch (e) {
      expect((e as DirkError).domain).toBe('user');
    }
  });

  it('writes an unknown enum name as a user error, an unknown number back as the number', () => {
    const enc = createProtoRowEncoder(reg, CLASS, [{ name: 'f_enum', type: { kind: 'STRING' } }]);
    expect(() => enc.encode(['PURPLE'])).toThrow(/not a value of enum dirk.test.Color/);
    const row: Row = createProtoRowDecoder(reg, CLASS, table).decode(enc.encode(['99']));
    expect(row[col('f_enum')]).toBe('99');
  });
});

describe('edge cases', () => {
  it('oneof: the last member set wins, the other reads null', () => {
    const w = protobuf.Writer.create();
    w.uint32((33 << 3) | 2).string('first');
    w.uint32((34 << 3) | 2).fork().uint32(10).string('second').ldelim();
    const row = createProtoRowDecoder(reg, CLASS, table).decode(w.finish());
    expect(row[col('c_string')]).toBeNull();
    expect((row[col('c_inner')] as { label: string }).label).toBe('second');
  });

  it('nested messages longer than 127 bytes round-trip (multi-byte length prefix)', () => {
    const enc = createProtoRowEncoder(reg, CLASS, [
      { name: 'f_message.label', type: { kind: 'STRING' } },
      { name: 'f_int32', type: { kind: 'INT' } },
    ]);
    const label = 'x'.repeat(20000);
    const row = createProtoRowDecoder(reg, CLASS, table).decode(enc.encode([label, 3]));
    expect((row[col('f_message')] as { label: string }).label).toBe(label);
    expect(row[col('f_int32')]).toBe(3);
  });

  it('a recursive message is cut to JSON text at the first self-reference', () => {
    const t = protoTableSchema(reg, 'dirk.test.Tree', { table: 'tree', rowtimeName: 'rowtime' });
    expect(t.columns.map((c) => `${c.name} ${typeToString(c.type)}`)).toEqual([
      'name STRING',
      'child STRING',
      'children ARRAY<STRING>',
    ]);
    const tree = reg.lookupType('dirk.test.Tree');
    const bytes = tree.encode(tree.fromObject({ name: 'root', child: { name: 'kid', child: { name: 'grandkid' } } })).finish();
    const row = createProtoRowDecoder(reg, 'dirk.test.Tree', t).decode(bytes);
    expect(row[0]).toBe('root');
    expect(JSON.parse(row[1] as string)).toEqual({ name: 'kid', child: { name: 'grandkid' } });
    const back = createProtoRowEncoder(reg, 'dirk.test.Tree', t.columns).encode(row);
    expect(createProtoRowDecoder(reg, 'dirk.test.Tree', t).decode(back)).toEqual(row);
  });

  it('negative int32 and enum numbers use 10-byte varints and read back', () => {
    const enc = createProtoRowEncoder(reg, CLASS, [
      { name: 'f_int32', type: { kind: 'INT' } },
      { name: 'f_sint32', type: { kind: 'INT' } },
      { name: 'f_enum', type: { kind: 'STRING' } },
    ]);
    const bytes = enc.encode([-2147483648, -2147483648, '-5']);
    const obj = type.toObject(type.decode(bytes)) as Record<string, unknown>;
    expect(obj['f_int32']).toBe(-2147483648);
    expect(obj['f_sint32']).toBe(-2147483648);
    const row = createProtoRowDecoder(reg, CLASS, table).decode(bytes);
    expect([row[col('f_int32')], row[col('f_sint32')], row[col('f_enum')]]).toEqual([-2147483648, -2147483648, '-5']);
  });
});
