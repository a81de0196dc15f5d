/**
 * Kafka record batches (message format v2), written directly into one reusable buffer per partition: no
 * object per record, varints written in place, the CRC32C computed once over the finished batch. The Kafka
 * sink's at-least-once path (batch-producer.ts) sends these bytes as they are.
 *
 * Layout (all big-endian): baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 (2)
 * | crc uint32 (CRC32C of everything after it) | attributes int16 | lastOffsetDelta int32 | firstTimestamp
 * int64 | maxTimestamp int64 | producerId int64 | producerEpoch int16 | baseSequence int32 | records count
 * int32 | records. A record: length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
 * key length varint (-1 = null) | key | value length varint | value | header count varint | headers
 * (key length varint, key, value length varint, value). Varints are zigzag-encoded.
 */
import { crc32c } from './crc32c.js';
import { CODEC_IDS, compress, type CompressionType } from './compression.js';

export const BATCH_HEADER_BYTES = 61;
export const ATTRIBUTES_OFFSET = 21;

/** Kafka's compression.type values: the records section is compressed with it (compression.ts). */
export type BatchCompression = CompressionType;

/** The producer fields of the batch header: -1/-1/-1 for a plain producer; set by an idempotent one. */
export interface BatchProducerFields {
  readonly producerId?: bigint;
  readonly producerEpoch?: number;
  readonly baseSequence?: number;
  readonly transactional?: boolean;
}

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

/** Bytes of an unsigned varint (the value already zigzag-encoded). */
function uvarintSize(u: number): number {
  let size = 1;
  while (u >= 128) {
    u = Math.floor(u / 128);
    size++;
  }
  return size;
}

export function varintSize(n: number): number {
  return uvarintSize(zigzag(n));
}

/** The exact size of one record in a batch (without headers), given its offset and timestamp deltas. */
export function recordSize(keyLength: number, valueLength: number, offsetDelta: number, timestampDelta: number): number {
  const body =
    1 +
    varintSize(timestampDelta) +
    varintSize(offsetDelta) +
    (keyLength < 0 ? 1 : varintSize(keyLength) + keyLength) +
    (valueLength < 0 ? 1 : varintSize(valueLength) + valueLength) +
    1;
  return varintSize(body) + body;
}

const NO_HEADERS: Array<[Buffer, Uint8Array | null]> = [];

export class RecordBatchWriter {
  private buf: Buffer;
  private pos = BATCH_HEADER_BYTES;
  private firstTimestamp = 0;
  private maxTimestamp = 0;
  /** Records appended since the last reset. */
  count = 0;

  constructor(initialCapacity = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(Math.max(initialCapacity, BATCH_HEADER_BYTES));
  }

  /** Size of the batch so far (header included, uncompressed). */
  get bytes(): number {
    return this.pos;
  }

  /** Empties the batch; the buffer is kept for the next one. */
  reset(): void {
    this.pos = BATCH_HEADER_BYTES;
    this.count = 0;
  }

  /** The size the next record would add (see `append`). */
  nextRecordSize(key: Uint8Array | null, value: Uint8Array | null, timestamp: number): number {
    return recordSize(key ? key.length : -1, value ? value.length : -1, this.count, this.count === 0 ? 0 : timestamp - this.firstTimestamp);
  }

  /** Appends one record: `key`/`value` null for a null key / a tombstone, `timestamp` in epoch ms (create time). */
  append(key: Uint8Array | null, value: Uint8Array | null, timestamp: number, headers?: ReadonlyArray<readonly [string, Uint8Array | null]>): void {
    if (this.count === 0) {
      this.firstTimestamp = timestamp;
      this.maxTimestamp = timestamp;
    } else if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
    const tsDelta = timestamp - this.firstTimestamp;
    const keyLength = key ? key.length : -1;
    const valueLength = value ? value.length : -1;
    let headerBytes = 0;
    const encodedHeaders: Array<[Buffer, Uint8Array | null]> = headers ? [] : NO_HEADERS;
    if (headers) {
      for (const [k, v] of headers) {
        const kb = Buffer.from(k, 'utf8');
        encodedHeaders.push([kb, v]);
        headerBytes += varintSize(kb.length) + kb.length + (v ? varintSize(v.length) + v.length : 1);
      }
    }
    const body =
      1 +
      varintSize(tsDelta) +
      varintSize(this.count) +
      (key ? varintSize(keyLength) + keyLength : 1) +
      (value ? varintSize(valueLength) + valueLength : 1) +
      varintSize(encodedHeaders.length) +
      headerBytes;
    this.ensure(varintSize(body) + body);
    this.varint(body);
    this.buf[this.pos++] = 0;
    this.varint(tsDelta);
    this.varint(this.count);
    this.bytesField(key);
    this.bytesField(value);
    this.varint(encodedHeaders.length);
    for (const [k, v] of encodedHeaders) {
      this.bytesField(k);
      this.bytesField(v);
    }
    this.count++;
  }

  /**
   * The finished batch. Uncompressed, it is a view of the writer's buffer, valid until the next reset or
   * append; compressed, a new buffer (gzip, lz4 and zstd run on worker threads, snappy on this one: compression.ts).
   */
  async finish(fields: BatchProducerFields = {}, compression: BatchCompression = 'none'): Promise<Buffer> {
    if (compression !== 'none') {
      const packed = await compress(compression, this.buf.subarray(BATCH_HEADER_BYTES, this.pos));
      const out = Buffer.allocUnsafe(BATCH_HEADER_BYTES + packed.length);
      packed.copy(out, BATCH_HEADER_BYTES);
      this.header(out, out.length, fields, CODEC_IDS[compression]);
      return out;
    }
    this.header(this.buf, this.pos, fields, 0);
    return this.buf.subarray(0, this.pos);
  }

  private header(b: Buffer, size: number, f: BatchProducerFields, codec: number): void {
    b.writeBigInt64BE(0n, 0);
    b.writeInt32BE(size - 12, 8);
    b.writeInt32BE(-1, 12);
    b.writeInt8(2, 16);
    b.writeInt16BE(codec | (f.transactional ? 0x10 : 0), ATTRIBUTES_OFFSET);
    b.writeInt32BE(this.count - 1, 23);
    b.writeBigInt64BE(BigInt(this.firstTimestamp), 27);
    b.writeBigInt64BE(BigInt(this.maxTimestamp), 35);
    b.writeBigInt64BE(f.producerId ?? -1n, 43);
    b.writeInt16BE(f.producerEpoch ?? -1, 51);
    b.writeInt32BE(f.baseSequence ?? -1, 53);
    b.writeInt32BE(this.count, 57);
    b.writeUInt32BE(crc32c(b, ATTRIBUTES_OFFSET, size), 17);
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + extra) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  private varint(n: number): void {
    let u = zigzag(n);
    const b = this.buf;
    let p = this.pos;
    while (u >= 128) {
      b[p++] = (u & 0x7f) | 0x80;
      u = Math.floor(u / 128);
    }
    b[p++] = u;
    this.pos = p;
  }

  private bytesField(v: Uint8Array | null): void {
    if (v === null) {
      this.buf[this.pos++] = 1; // zigzag(-1)
      return;
    }
    this.varint(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }
}
