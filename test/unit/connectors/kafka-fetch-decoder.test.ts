/**
 * The consume path's record-batch decoder (src/connectors/kafka/fetch-decoder.ts) against kafkajs's own decoder,
 * record for record, on batches written by Apache Kafka's Java client (test/fixtures/kafka-batches, every
 * codec), by kafkajs's encoder (headers, repeated header keys, null values) and by Dirk's RecordBatchWriter;
 * a fetch cut inside its last batch; and the consumer batch (LeanBatch) dropping records before the fetched
 * offset, control records and aborted transactions.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { consumePathPatched } from '../../../src/connectors/kafka/kafkajs.js';
import { decodeMessages, decodeRecordBatches, FetchedMessage, LeanBatch } from '../../../src/connectors/kafka/fetch-decoder.js';
import { RecordBatchWriter } from '../../../src/connectors/kafka/record-batch.js';
import { COMPRESSION_TYPES } from '../../../src/connectors/kafka/compression.js';

const require = createRequire(import.meta.url);
const KafkajsDecoder = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => unknown;
const kafkajsDecodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (d: unknown) => Promise<{ records: KafkajsRecord[] }>;
const { RecordBatch: kafkajsRecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (o: Record<string, unknown>) => Promise<{ buffer: Buffer }> };
const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (o: Record<string, unknown>) => unknown;
const Long = require('kafkajs/src/utils/long') as { fromValue(v: string | number): unknown };
const FIXTURES = resolve(import.meta.dirname, '..', '..', 'fixtures', 'kafka-batches');

interface KafkajsRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, unknown>;
  isControlRecord: boolean;
  attributes: number;
  batchContext: Record<string, unknown>;
}

/** What a consumer sees of a record, from either decoder. */
function view(r: KafkajsRecord): unknown[] {
  return [r.offset, r.timestamp, r.key?.toString('hex') ?? null, r.value?.toString('hex') ?? null, JSON.stringify(r.headers), r.isControlRecord, r.attributes];
}

/** Asserts that ours and kafkajs's decoders agree on every batch of `set` (a fetched record set). */
async function sameAsKafkajs(set: Buffer): Promise<FetchedMessage[]> {
  const ours = (await decodeRecordBatches(set)) as FetchedMessage[];
  const theirs: KafkajsRecord[] = [];
  for (let pos = 0; pos + 12 <= set.length; ) {
    const end = pos + 12 + set.readInt32BE(pos + 8);
    if (end > set.length) break;
    theirs.push(...(await kafkajsDecodeBatch(new KafkajsDecoder(set.subarray(pos, end)))).records);
    pos = end;
  }
  expect(ours.length).toBe(theirs.length);
  expect(ours.map((r) => view(r as unknown as KafkajsRecord))).toEqual(theirs.map(view));
  if (ours.length > 0) {
    const { magicByte: _m, ...ctx } = ours[0]!.batchContext;
    const { magicByte: _k, ...theirCtx } = theirs[0]!.batchContext;
    expect(ctx).toEqual(theirCtx);
  }
  return ours;
}

/** Sets the base offset of a batch (the broker assigns it; writers put 0). */
function withBaseOffset(batch: Buffer, base: number): Buffer {
  const b = Buffer.from(batch);
  b.writeBigInt64BE(BigInt(base), 0);
  return b;
}

async function kafkajsBatch(base: number, transactional = false): Promise<Buffer> {
  const records = Array.from({ length: 50 }, (_, i) =>
    kafkajsRecord({
      offsetDelta: i,
      timestampDelta: i * 1000,
      key: i % 7 === 0 ? null : Buffer.from(`key-${i}`),
      value: i % 11 === 0 ? null : Buffer.from(`value ${i} ${'é'.repeat(i)}`),
      headers: i % 3 === 0 ? { a: Buffer.from(`h${i}`), rep: [Buffer.from('x'), Buffer.from('y')] } : {},
    }),
  );
  const { buffer } = await kafkajsRecordBatch({ firstOffset: Long.fromValue(base), firstTimestamp: 1_700_000_000_000, maxTimestamp: 1_700_000_049_000, lastOffsetDelta: 49, records, transactional, producerId: Long.fromValue(transactional ? 4321 : -1) });
  return buffer;
}

describe('consume path record-batch decoder', () => {
  it('is installed in kafkajs', () => {
    expect(consumePathPatched).toBe(true);
  });

  it.each(COMPRESSION_TYPES.filter((c) => c !== 'none'))('Java client batch, %s: same records as kafkajs', async (codec) => {
    const batch = withBaseOffset(readFileSync(join(FIXTURES, `${codec}.bin`)), 123_456_789_012);
    const ours = await sameAsKafkajs(batch);
    expect(ours.length).toBe(3000);
    expect(ours[2999]!.offsetNumber).toBe(123_456_789_012 + 2999);
    expect(ours[1]!.key!.toString()).toBe('k1');
    expect(ours[10]!.key).toBeNull();
    expect(ours[1]!.timestampNumber).toBe(1_700_000_000_001);
  });

  it('kafkajs batches with headers, null keys and values; several batches in one fetch', async () => {
    const set = Buffer.concat([await kafkajsBatch(0), await kafkajsBatch(50), await kafkajsBatch(100)]);
    const ours = await sameAsKafkajs(set);
    expect(ours.map((m) => m.offsetNumber)).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect(ours[3]!.headers).toEqual({ a: Buffer.from('h3'), rep: [Buffer.from('x'), Buffer.from('y')] });
    expect(ours[11]!.value).toBeNull();
  });

  it.each(COMPRESSION_TYPES)("Dirk's writer, %s, with headers", async (codec) => {
    const w = new RecordBatchWriter(256);
    for (let i = 0; i < 500; i++) w.append(Buffer.from(`k${i}`), Buffer.from(`v${i}`.repeat(i % 9)), 1_800_000_000_000 - i, i % 2 ? [['h', Buffer.from(String(i))]] : undefined);
    const ours = await sameAsKafkajs(withBaseOffset(await w.finish({}, codec), 7));
    expect(ours[499]!.offset).toBe('506');
    expect(ours[499]!.timestamp).toBe(String(1_800_000_000_000 - 499));
  });

  it('drops a batch cut by the fetch size, keeps the whole ones before it', async () => {
    const whole = Buffer.concat([await kafkajsBatch(0), await kafkajsBatch(50)]);
    const last = await kafkajsBatch(100);
    for (const cut of [1, 11, 12, 61, 100, last.length - 1]) {
      const set = Buffer.concat([whole, last.subarray(0, cut)]);
      const ours = await sameAsKafkajs(set);
      expect(ours.length).toBe(100);
    }
    // Through kafkajs's fetch entry point: the record set's size, then the set.
    const set = Buffer.concat([whole, last.subarray(0, 70)]);
    const size = Buffer.alloc(4);
    size.writeInt32BE(set.length);
    const d = new KafkajsDecoder(Buffer.concat([size, set]));
    expect(((await decodeMessages(d as Parameters<typeof decodeMessages>[0])) as FetchedMessage[]).length).toBe(100);
  });

  it('refuses a record that runs past its batch, naming it', async () => {
    const b = Buffer.from(await kafkajsBatch(0));
    b.writeInt32BE(b.readInt32BE(57) + 1, 57); // one record more than the batch holds
    await expect(decodeRecordBatches(b)).rejects.toThrow(/past the end/);
  });
});

describe('consumer batch (LeanBatch)', () => {
  const marker = (producerId: number, offset: number, abort: boolean): Record<string, unknown> => ({
    offset: String(offset),
    offsetNumber: offset,
    key: Buffer.from([0, 0, 0, abort ? 0 : 1]),
    isControlRecord: true,
    batchContext: { producerId: String(producerId), inTransaction: true },
  });
  const rec = (producerId: number, offset: number, tx: boolean): Record<string, unknown> => ({
    offset: String(offset),
    offsetNumber: offset,
    key: Buffer.from([0, 0, 0, 0]), // a plain record whose key looks like a marker is still a record
    isControlRecord: false,
    batchContext: { producerId: String(producerId), inTransaction: tx },
  });

  it('drops records before the fetched offset, aborted transactions and control records', () => {
    const messages = [
      rec(1, 8, true), // before the fetched offset
      rec(1, 10, true), // producer 1's aborted transaction from 10
      rec(2, 11, false),
      rec(1, 12, true),
      marker(1, 13, true),
      rec(1, 14, true), // a later, committed transaction of producer 1
      marker(1, 15, false),
    ];
    const b = new LeanBatch('t', '9', { partition: 0, highWatermark: '16', abortedTransactions: [{ producerId: '1', firstOffset: '10' }], messages: messages as never });
    expect(b.messages.map((m) => m.offset)).toEqual(['11', '14']);
    expect(b.messagesWithinOffset.length).toBe(6);
    expect([b.firstOffset(), b.lastOffset(), b.offsetLag(), b.offsetLagLow()]).toEqual(['10', '15', '0', '5']);
  });

  it('an empty fetch: lastOffset is the high watermark - 1, as kafkajs', () => {
    const b = new LeanBatch('t', '5', { partition: 0, highWatermark: '5', messages: [] });
    expect([b.isEmpty(), b.lastOffset(), b.offsetLagLow()]).toEqual([true, '4', '0']);
  });
});
