import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/core/errors.js';
import { typeToString } from '../../../src/core/types.js';
import { createJsonRowDecoder, createJsonRowEncoder, jsonTableSchema } from '../../../src/schema/index.js';

const SCHEMA = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: {
    id: { type: 'string' },
    count: { type: 'integer' },
    amount: { type: 'number' },
    ok: { type: ['boolean', 'null'] },
    at: { type: 'string', format: 'date-time' },
    tags: { type: 'array', items: { type: 'string' } },
    loc: { type: 'object', properties: { lat: { type: 'number' }, name: { $ref: '#/definitions/name' } } },
    attrs: { type: 'object', additionalProperties: { type: 'integer' } },
    blob: { type: 'string', contentEncoding: 'base64' },
    event_time: { type: 'integer' },
  },
  definitions: { name: { type: 'string' } },
});

const enc = (o: unknown): Uint8Array => new TextEncoder().encode(typeof o === 'string' ? o : JSON.stringify(o));

describe('JSON table schema', () => {
  it('keeps the event-time property in its place when it is the rowtime itself (a SQL script\'s WATERMARK FOR dateTime)', () => {
    const schema = JSON.stringify({ type: 'object', properties: { auction: { type: 'integer' }, dateTime: { type: 'string', format: 'date-time' }, extra: { type: 'string' } } });
    const t = jsonTableSchema(schema, { table: 'bid', rowtimeFieldName: 'dateTime', rowtimeName: 'dateTime' });
    // The DDL's order: `SELECT *` and INSERT INTO by position see dateTime before extra.
    expect(t.columns.map((c) => c.name)).toEqual(['auction', 'dateTime', 'extra']);
    expect(t.rowtimeIndex).toBe(1);
    const row = createJsonRowDecoder(t).decode(enc({ auction: 7, dateTime: '2026-01-01T00:00:01.500Z', extra: 'x' }));
    expect(row).toEqual([7, Date.UTC(2026, 0, 1, 0, 0, 1, 500), 'x']);
  });

  it('maps properties in order and appends the rowtime', () => {
    const t = jsonTableSchema(SCHEMA, { table: 'j', rowtimeFieldName: 'event_time', rowtimeName: 'rowtime' });
    expect(t.columns.map((c) => `${c.name} ${typeToString(c.type)}`)).toEqual([
      'id STRING',
      'count BIGINT',
      'amount DOUBLE',
      'ok BOOLEAN',
      'at TIMESTAMP(3)',
      'tags ARRAY<STRING>',
      'loc ROW<`lat` DOUBLE, `name` STRING>',
      'attrs MAP<STRING, BIGINT>',
      'blob BYTES',
      'event_time BIGINT',
      'rowtime TIMESTAMP(3) *ROWTIME*',
    ]);
    expect(t.rowtimeIndex).toBe(10);
  });

  it('names the key for a bad schema or a missing rowtime field', () => {
    expect(() => jsonTableSchema('{nope', { table: 'j', rowtimeName: 'rowtime' })).toThrow(/INPUT_SCHEMA_JSON_SCHEMA is not valid JSON/);
    expect(() => jsonTableSchema(SCHEMA, { table: 'j', rowtimeFieldName: 'event_tme', rowtimeName: 'rowtime' })).toThrow(
      /INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME = "event_tme" is not a property of INPUT_SCHEMA_JSON_SCHEMA; did you mean "event_time"\?/,
    );
  });
});

describe('JSON row decoder', () => {
  const table = jsonTableSchema(SCHEMA, { table: 'j', rowtimeFieldName: 'event_time', rowtimeName: 'rowtime' });

  it('decodes every type; absent properties are null; big integers stay exact', () => {
    const row = createJsonRowDecoder(table).decode(
      enc(
        '{"id":"a","count":12345678901234567890,"amount":1.5,"at":"2024-01-02T03:04:05.678Z","tags":["x",null],' +
          '"loc":{"lat":1.25},"attrs":{"k":9007199254740993},"blob":"AAEC","event_time":1700000000.9}',
      ),
    );
    expect(row).toEqual([
      'a',
      12345678901234567890n,
      1.5,
      null,
      Date.parse('2024-01-02T03:04:05.678Z'),
      ['x', null],
      { lat: 1.25, name: null },
      new Map([['k', 9007199254740993n]]),
      new Uint8Array([0, 1, 2]),
      1700000000, // a BIGINT column: fractional seconds truncated
      1700000000000, // rowtime: whole epoch seconds, as Dagger
    ]);
  });

  it('takes the rowtime from an ISO string too, and fills it under pushdown', () => {
    const t = jsonTableSchema(
      JSON.stringify({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' }, ts: { type: 'string' } } }),
      { table: 't', rowtimeFieldName: 'ts', rowtimeName: 'rowtime' },
    );
    const row = createJsonRowDecoder(t, { columns: new Set([1]) }).decode(enc({ a: 'x', b: 'y', ts: '2024-01-01T00:00:01Z' }));
    expect(row).toEqual([null, 'y', null, Date.parse('2024-01-01T00:00:01Z')]);
  });

  it('throws DecodeError on bad JSON, a non-object, a wrong type and a missing rowtime', () => {
    const dec = createJsonRowDecoder(table);
    expect(() => dec.decode(enc('{"id": '))).toThrow(DecodeError);
    expect(() => dec.decode(enc('[1]'))).toThrow(/expected an object/);
    expect(() => dec.decode(enc({ count: 'many', event_time: 1 }))).toThrow('JSON field count: expected an integer, found "many"');
    expect(() => dec.decode(enc({ id: 'x' }))).toThrow(/no rowtime field "event_time"/);
  });
});

describe('JSON row encoder', () => {
  it('writes bigint exactly, timestamps as ISO-8601 UTC, bytes as base64, maps and rows as objects', () => {
    const e = createJsonRowEncoder([
      { name: 'n', type: { kind: 'BIGINT' } },
      { name: 'window_timestamp', type: { kind: 'TIMESTAMP', precision: 3 } },
      { name: 'b', type: { kind: 'BYTES' } },
      { name: 'm', type: { kind: 'MAP', key: { kind: 'STRING' }, value: { kind: 'BIGINT' } } },
      { name: 'r', type: { kind: 'ROW', fields: [{ name: 'x', type: { kind: 'DOUBLE' } }] } },
      { name: 's', type: { kind: 'STRING' } },
    ]);
    const out = Buffer.from(e.encode([2n ** 63n - 1n, 1700000000123, new Uint8Array([255]), new Map([['k', 1n << 60n]]), { x: 0.5 }, 'q"']));
    expect(out.toString()).toBe(
      '{"n":9223372036854775807,"window_timestamp":"2023-11-14T22:13:20.123Z","b":"/w==","m":{"k":1152921504606846976},"r":{"x":0.5},"s":"q\\""}',
    );
  });

  it('with a schema: writes its properties in order from same-named columns', () => {
    const e = createJsonRowEncoder(
      [
        { name: 'extra', type: { kind: 'STRING' } },
        { name: 'count', type: { kind: 'BIGINT' } },
        { name: 'ts', type: { kind: 'BIGINT' } },
      ],
      JSON.stringify({ type: 'object', properties: { ts: { type: 'string', format: 'date-time' }, count: { type: 'integer' }, missing: { type: 'string' } } }),
    );
    expect(Buffer.from(e.encode(['ignored', 3, 0])).toString()).toBe('{"ts":"1970-01-01T00:00:00.000Z","count":3,"missing":null}');
  });

  it('round-trips through the decoder', () => {
    const table = jsonTableSchema(SCHEMA, { table: 'j', rowtimeFieldName: 'event_time', rowtimeName: 'rowtime' });
    const dec = createJsonRowDecoder(table);
    const row = dec.decode(enc({ id: 'a', count: 2 ** 60, at: '2024-01-01T00:00:00.000Z', attrs: { z: 1 }, event_time: 5 }));
    const cols = table.columns.slice(0, -1);
    const again = dec.decode(createJsonRowEncoder(cols).encode(row.slice(0, -1)));
    expect(again).toEqual(row);
  });
});
