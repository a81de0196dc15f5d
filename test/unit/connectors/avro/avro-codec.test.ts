import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStencilServer, type StencilServer } from '../../../../src/schema/index.js';
import { avroRegistryClient, avroTableSchema, createAvroRowDecoder, createAvroRowEncoder, schemaForColumns } from '../../../../src/connectors/avro/index.js';
import { T } from '../../../../src/core/types.js';

let server: StencilServer;
beforeAll(async () => {
  server = await startStencilServer();
});
afterAll(() => server.close());

const SCHEMA = {
  type: 'record',
  name: 'R',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 3 } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-micros' } },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
};

describe('Avro codec', () => {
  it('maps types, round-trips values (big longs, negative decimals) and decodes only the columns read', async () => {
    const subject = 'codec-unit-value';
    server.confluent.register(subject, SCHEMA);
    const table = avroTableSchema(JSON.stringify(SCHEMA), { table: 't', rowtimeName: 'rowtime', rowtimeFieldName: 'at', key: 'k' });
    expect(table.columns.map((c) => `${c.name}:${c.type.kind}`)).toEqual(['id:BIGINT', 'price:DECIMAL', 'tags:ARRAY', 'at:TIMESTAMP', 'note:STRING', 'rowtime:TIMESTAMP']);
    const client = avroRegistryClient({ url: server.url });
    // Write through the sink encoder with the subject's schema (no auto-register).
    const enc = createAvroRowEncoder(table.columns.slice(0, 5), client, { subject, autoRegister: false });
    await enc.open();
    const bytes = enc.encode([2n ** 60n + 1n, -12.345, ['x', 'y'], 1_700_000_000_123, null]);
    const all = createAvroRowDecoder(table, client);
    await all.prepare([bytes]);
    expect(all.decode(bytes)).toEqual([2n ** 60n + 1n, -12.345, ['x', 'y'], 1_700_000_000_123, null, 1_700_000_000_123]);
    // Only `tags` read: the other columns stay null (the reader schema holds tags and the rowtime field).
    const some = createAvroRowDecoder(table, client, new Set([2]));
    await some.prepare([bytes]);
    expect(some.decode(bytes)).toEqual([null, null, ['x', 'y'], null, null, 1_700_000_000_123]);
  });

  it('refuses what has no mapping, naming the field', () => {
    const multi = { type: 'record', name: 'M', fields: [{ name: 'u', type: ['int', 'string'] }] };
    expect(() => avroTableSchema(JSON.stringify(multi), { table: 't', rowtimeName: 'rowtime', key: 'KEY' })).toThrow(/KEY\.u: the union/);
    expect(() => schemaForColumns([{ name: 'bad name', type: T.INT }])).toThrow(/"bad name" is not a valid Avro field name/);
    expect(() => avroTableSchema('"string"', { table: 't', rowtimeName: 'rowtime', key: 'KEY' })).toThrow(/must be an Avro record/);
  });
});
