import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/logger.js';
import { DecodeError } from '../../../src/core/errors.js';
import { T } from '../../../src/core/types.js';
import { parseJobConfig } from '../../../src/config/index.js';
import { detectPassThrough } from '../../../src/job/pass-through.js';
import { prepareJob } from '../../../src/job/prepare.js';
import {
  createProtoRowDecoder,
  createProtoRowEncoder,
  loadProtoFiles,
  protoTableSchema,
  RootRegistry,
  type SchemaChangeEvent,
} from '../../../src/schema/index.js';

/** Live schema refresh in the decoders and encoders, wire-type checks, and pass-through detection. */
const V1 = `syntax = "proto3";
package dirk.live;
import "google/protobuf/timestamp.proto";
enum Status { S_UNKNOWN = 0; CREATED = 1; DONE = 2; }
message Ev {
  string id = 1;
  Status status = 2;
  int64 amount = 3;
  google.protobuf.Timestamp ts = 4;
  string note = 5;
}
message Other { double x = 2; google.protobuf.Timestamp y = 4; }
`;
/** Compatible: a new enum value and a new field. */
const V2 = V1.replace('DONE = 2;', 'DONE = 2; REFUNDED = 3;').replace('string note = 5;', 'string note = 5;\n  string channel = 6;');
/** Incompatible for queries that read `amount`: int64 -> string. */
const V3 = V2.replace('int64 amount = 3;', 'string amount = 3;');
/** Changes only `note` (to bytes) and removes nothing the tests read via pushdown. */
const V4 = V2.replace('string note = 5;', 'bytes note = 5;');

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'dirk-live-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function root(name: string, text: string): protobuf.Root {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'ev.proto'), text);
  return loadProtoFiles([dir]);
}

function ev(r: protobuf.Root, obj: Record<string, unknown>): Uint8Array {
  const t = r.lookupType('dirk.live.Ev');
  return t.encode(t.fromObject(obj)).finish();
}

describe('decoders follow registry refreshes', () => {
  it('compatible v2: recompiled at once (generation), new enum values by name, new fields reported', () => {
    const v1 = root('a1', V1);
    const reg = new RootRegistry(v1);
    const table = protoTableSchema(reg, 'dirk.live.Ev', { table: 'ev', rowtimeFieldNumber: 4, rowtimeName: 'rowtime' });
    const events: SchemaChangeEvent[] = [];
    const dec = createProtoRowDecoder(reg, 'dirk.live.Ev', table, { onSchemaChange: (e) => events.push(e) });
    const v2 = root('a2', V2);
    const rec = ev(v2, { id: 'o1', status: 'REFUNDED', amount: 5, ts: { seconds: 3 }, channel: 'app' });
    expect(dec.decode(rec)).toEqual(['o1', '3', 5, { seconds: 3, nanos: 0 }, '', 3000]);
    const before = reg.generation;
    reg.setRoot(v2);
    // the hook ran synchronously with the swap, before any record
    expect(events).toEqual([{ protoClass: 'dirk.live.Ev', generation: before + 1, applied: true, problems: [], newFields: ['channel'] }]);
    expect(dec.decode(rec)).toEqual(['o1', 'REFUNDED', 5, { seconds: 3, nanos: 0 }, '', 3000]);
  });

  it('incompatible change to a column the query reads: rejected, reported, the decoder keeps its schema', () => {
    const reg = new RootRegistry(root('b2', V2));
    const table = protoTableSchema(reg, 'dirk.live.Ev', { table: 'ev', rowtimeFieldNumber: 4, rowtimeName: 'rowtime' });
    const events: SchemaChangeEvent[] = [];
    // reads id, status, amount (+ rowtime)
    const dec = createProtoRowDecoder(reg, 'dirk.live.Ev', table, { columns: new Set([0, 1, 2]), onSchemaChange: (e) => events.push(e) });
    const v2rec = ev(reg.lookupType('dirk.live.Ev').root, { id: 'o2', status: 'DONE', amount: 7, ts: { seconds: 1 } });
    reg.setRoot(root('b3', V3));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      applied: false,
      problems: [{ field: 'amount', reason: 'type_changed', detail: 'field amount changed type from BIGINT to STRING' }],
    });
    // still decodes with v2: amount is a number, not null
    expect(dec.decode(v2rec)).toEqual(['o2', 'DONE', 7, null, null, null, 1000]);
  });

  it('a removed or renumbered column, or a gone rowtime source, is incompatible; unread columns are not', () => {
    const reg = new RootRegistry(root('c2', V2));
    const table = protoTableSchema(reg, 'dirk.live.Ev', { table: 'ev', rowtimeFieldNumber: 4, rowtimeName: 'rowtime' });
    const events: SchemaChangeEvent[] = [];
    createProtoRowDecoder(reg, 'dirk.live.Ev', table, { columns: new Set([0, 1]), onSchemaChange: (e) => events.push(e) });
    reg.setRoot(root('c4', V4)); // note changed type, but the query does not read it
    expect(events.pop()).toMatchObject({ applied: true, problems: [] });
    reg.setRoot(root('c5', V2.replace('string id = 1;', '').replace('Status status = 2;', 'Status status = 9;').replace('google.protobuf.Timestamp ts = 4;', '')));
    expect(events.pop()!.problems.map((p) => `${p.field} ${p.reason}`)).toEqual(['id field_removed', 'status number_changed', 'ts field_removed']);
    reg.setRoot(root('c6', V2.replace(/message Ev[\s\S]*?\n}/, 'message Renamed { string id = 1; }')));
    expect(events.pop()).toMatchObject({ applied: false, problems: [{ reason: 'message_removed' }] });
  });

  it('without a hook, the decoder refreshes lazily on its next record (generation)', () => {
    const reg = new RootRegistry(root('d1', V1));
    const table = protoTableSchema(reg, 'dirk.live.Ev', { table: 'ev', rowtimeFieldNumber: 4, rowtimeName: 'rowtime' });
    const dec = createProtoRowDecoder(reg, 'dirk.live.Ev', table, { columns: new Set([1]) });
    const v2 = root('d2', V2);
    const rec = ev(v2, { status: 'REFUNDED' });
    expect(dec.decode(rec)[1]).toBe('3');
    reg.setRoot(v2);
    expect(dec.decode(rec)[1]).toBe('REFUNDED');
  });

  it('the sink encoder recompiles after a refresh: new enum names become writable', () => {
    const reg = new RootRegistry(root('e1', V1));
    const enc = createProtoRowEncoder(reg, 'dirk.live.Ev', [
      { name: 'id', type: T.STRING },
      { name: 'status', type: T.STRING },
    ]);
    expect(() => enc.encode(['x', 'REFUNDED'])).toThrow(/not a value of enum dirk.live.Status/);
    const v2 = root('e2', V2);
    reg.setRoot(v2);
    const t = v2.lookupType('dirk.live.Ev');
    expect(t.toObject(t.decode(enc.encode(['x', 'REFUNDED'])), { enums: String })).toEqual({ id: 'x', status: 'REFUNDED' });
  });
});

describe('wire-type check: a record of another message type', () => {
  it('a known field number with a wire type its type never uses is a DecodeError, also when the field is not read', () => {
    const r = root('w1', V1);
    const reg = new RootRegistry(r);
    const table = protoTableSchema(reg, 'dirk.live.Ev', { table: 'ev', rowtimeFieldNumber: 4, rowtimeName: 'rowtime' });
    const other = r.lookupType('dirk.live.Other');
    const bytes = other.encode(other.fromObject({ x: 1.5, y: { seconds: 1 } })).finish();
    for (const columns of [undefined, new Set([0])]) {
      const dec = createProtoRowDecoder(reg, 'dirk.live.Ev', table, columns ? { columns } : {});
      expect(() => dec.decode(bytes)).toThrow(DecodeError);
      expect(() => dec.decode(bytes)).toThrow(
        'cannot decode dirk.live.Ev: field 2 (status) has wire type 1 where dirk.live.Ev expects wire type 0 at byte 1: the bytes are not a dirk.live.Ev (a record of another message type?)',
      );
    }
  });

  it('packed and unpacked repeated fields, unknown field numbers and groups still decode', () => {
    const text = `syntax = "proto3"; package dirk.pk; message P { repeated int32 v = 1; }`;
    const reg = new RootRegistry(root('p1', text));
    const table = protoTableSchema(reg, 'dirk.pk.P', { table: 'p', rowtimeName: 'rowtime' });
    const dec = createProtoRowDecoder(reg, 'dirk.pk.P', table);
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 0).int32(4); // unpacked
    w.uint32((1 << 3) | 2).fork().int32(5).int32(6).ldelim(); // packed
    w.uint32((7 << 3) | 1).double(1); // unknown field
    w.uint32((1 << 3) | 3).uint32((2 << 3) | 0).int32(1).uint32((1 << 3) | 4); // a group under a known number: skipped
    expect(dec.decode(w.finish())).toEqual([[4, 5, 6]]);
  });
});

describe('pass-through detection', () => {
  const job = (query: string, sinkClass = 'dirk.examples.BookingLogMessage') =>
    prepareJob(
      parseJobConfig({
        FLINK_JOB_ID: 'pt',
        STREAMS: [
          {
            INPUT_SCHEMA_TABLE: 'booking',
            INPUT_SCHEMA_PROTO_CLASS: 'dirk.examples.BookingLogMessage',
            INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX: '5',
            SOURCE_KAFKA_TOPIC_NAMES: 'in',
            SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: '127.0.0.1:9092',
            SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: 'g',
          },
        ],
        FLINK_SQL_QUERY: query,
        SINK_TYPE: 'kafka',
        SINK_KAFKA_BROKERS: '127.0.0.1:9092',
        SINK_KAFKA_TOPIC: 'out',
        SINK_KAFKA_DATA_TYPE: 'PROTO',
        SINK_KAFKA_PROTO_MESSAGE: sinkClass,
        SCHEMA_PROTO_DIRS: 'protos',
      }).config,
      silentLogger,
    );

  it('SELECT * [WHERE] to the same class passes through; the identity projection is dropped', async () => {
    const a = detectPassThrough(await job('SELECT * FROM booking'));
    expect(a?.table).toBe('booking');
    expect(a?.plan.root.kind).toBe('scan');
    const b = detectPassThrough(await job("SELECT * FROM booking WHERE status = 'CREATED'"));
    expect(b?.plan.root.kind).toBe('filter');
  });

  it('a projection, an expression or another sink class does not', async () => {
    expect(detectPassThrough(await job('SELECT order_number, status FROM booking'))).toBeUndefined();
    expect(detectPassThrough(await job('SELECT *, 1 AS x FROM booking'))).toBeUndefined();
    expect(detectPassThrough(await job('SELECT * FROM booking', 'dirk.examples.PaymentLogMessage'))).toBeUndefined();
  });
});
