/**
 * Kafka's compression codecs (src/connectors/kafka/compression.ts): round trips, the framing Kafka expects,
 * record batches written by Apache Kafka's Java client (test/fixtures/kafka-batches, made by
 * test/fixtures/java/WriteBatches.java) decoded by kafkajs's batch decoder through Dirk's codec table, and
 * Dirk's own batches decoded the same way.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../../src/connectors/kafka/kafkajs.js';
import { CODEC_IDS, COMPRESSION_TYPES, compress, compressSync, decompress, type CompressionType } from '../../../src/connectors/kafka/compression.js';
import { oversizedBy } from '../../../src/connectors/kafka/bounded-send.js';
import { RecordBatchWriter } from '../../../src/connectors/kafka/record-batch.js';
import { produceVersion } from '../../../src/connectors/kafka/batch-producer.js';

const require = createRequire(import.meta.url);
const KafkajsDecoder = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => unknown;
const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (
  d: unknown,
) => Promise<{ records: Array<{ key: Buffer | null; value: Buffer | null; timestamp: string; offset: string }> }>;
const FIXTURES = resolve(import.meta.dirname, '..', '..', 'fixtures', 'kafka-batches');

const CODECS = COMPRESSION_TYPES.filter((c) => c !== 'none');

function sample(n: number): Buffer {
  // Half repetitive text (compressible), half random bytes.
  const text = Buffer.from('dirk record '.repeat(Math.ceil(n / 24)));
  return Buffer.concat([text.subarray(0, Math.floor(n / 2)), randomBytes(n - Math.floor(n / 2))]);
}

/** The records WriteBatches.java wrote. */
function javaRecords(): Array<[string | null, string, string]> {
  return Array.from({ length: 3000 }, (_, i) => [i % 10 === 0 ? null : `k${i % 97}`, `value ${i} ${'abc'.repeat(i % 50)}`, String(1700000000000 + i)]);
}

async function decoded(batch: Buffer): Promise<Array<[string | null, string | null, string]>> {
  const { records } = await decodeBatch(new KafkajsDecoder(batch));
  return records.map((r) => [r.key === null ? null : r.key.toString(), r.value === null ? null : r.value.toString(), r.timestamp]);
}

describe('compression codecs', () => {
  it.each(CODECS)('%s: round trip of empty, small and multi-block inputs', async (codec) => {
    for (const n of [0, 1, 100, 200_000]) {
      const data = sample(n);
      const packed = await compress(codec, data);
      expect((await decompress(CODEC_IDS[codec], packed)).equals(data)).toBe(true);
    }
  });

  it('snappy writes xerial framing in 32 KiB blocks, as the Java client', async () => {
    const data = sample(100_000);
    const packed = await compress('snappy', data);
    expect([...packed.subarray(0, 8)]).toEqual([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
    expect([packed.readInt32BE(8), packed.readInt32BE(12)]).toEqual([1, 1]);
    let blocks = 0;
    for (let pos = 16; pos < packed.length; pos += 4 + packed.readInt32BE(pos)) blocks++;
    expect(blocks).toBe(Math.ceil(100_000 / 32_768));
  });

  it('lz4 writes the LZ4 frame format Kafka reads (magic, independent blocks, header checksum)', async () => {
    const packed = await compress('lz4', sample(10_000));
    expect(packed.readUInt32LE(0)).toBe(0x184d2204);
    const flg = packed[4]!;
    expect(flg >> 6).toBe(1); // version 01
    expect(flg & 0x20).toBe(0x20); // block independence
    expect(flg & 0x08).toBe(0); // no content size (KafkaLZ4BlockInputStream does not expect one)
  });

  it('snappy reads a raw block (no xerial framing), as librdkafka-based producers write it', async () => {
    const raw = readFileSync(join(FIXTURES, 'snappy-raw-section.bin'));
    const framed = readFileSync(join(FIXTURES, 'snappy.bin'));
    // The framed batch's records section (after the 61-byte header) and the raw block hold the same bytes.
    const fromRaw = await decompress(CODEC_IDS.snappy, raw);
    expect(fromRaw.equals(await decompress(CODEC_IDS.snappy, framed.subarray(61)))).toBe(true);
  });

  it('refuses a codec id Kafka does not define, and a truncated xerial block', async () => {
    await expect(decompress(5, Buffer.alloc(4))).rejects.toThrow(/unknown compression codec 5/);
    const framed = await compress('snappy', sample(1000));
    await expect(decompress(CODEC_IDS.snappy, framed.subarray(0, framed.length - 3))).rejects.toThrow(/runs past the end/);
  });
});

describe('record batches across the Java client and kafkajs', () => {
  it.each(CODECS)('%s: a batch written by the Java client decodes to its records', async (codec) => {
    const batch = readFileSync(join(FIXTURES, `${codec}.bin`));
    expect(batch.readInt16BE(21) & 7).toBe(CODEC_IDS[codec]);
    expect(await decoded(batch)).toEqual(javaRecords());
  });

  it.each(COMPRESSION_TYPES)('%s: a batch written by Dirk decodes to its records', async (codec: CompressionType) => {
    const w = new RecordBatchWriter(256);
    const want = javaRecords();
    for (const [k, v, ts] of want) w.append(k === null ? null : Buffer.from(k), Buffer.from(v), Number(ts));
    const batch = Buffer.from(await w.finish({}, codec));
    expect(batch.readInt16BE(21) & 7).toBe(CODEC_IDS[codec]);
    if (codec !== 'none') expect(batch.length).toBeLessThan(w.bytes / 2);
    expect(await decoded(batch)).toEqual(want);
    expect(produceVersion([{ partition: 0, bytes: batch }])).toBe(codec === 'zstd' ? 7 : 3);
  });
});

describe('sizes of records near the topic limit', () => {
  it.each(CODECS)('%s: compressSync matches what compress writes, and decides whether a large record fits', async (codec) => {
    const data = sample(150_000);
    expect((await decompress(CODEC_IDS[codec], compressSync(codec, data))).equals(data)).toBe(true);
    const limits = { maxMessageBytes: 100_000, maxRequestBytes: 1_048_576, compression: codec };
    // 2 MB of text compresses under 100 kB with every codec: it is sent, not routed as oversized...
    expect(oversizedBy({ key: null, value: Buffer.from('dirk '.repeat(400_000)) }, { ...limits, maxRequestBytes: 4_000_000 })).toBeUndefined();
    // ...random bytes do not compress: the size reported is the codec's output (at least the input).
    const over = oversizedBy({ key: null, value: randomBytes(200_000) }, limits);
    expect(over).toBeGreaterThanOrEqual(200_000);
    expect(oversizedBy({ key: null, value: randomBytes(200_000) }, { ...limits, compression: 'none' })).toBeGreaterThanOrEqual(200_000);
  });
});
