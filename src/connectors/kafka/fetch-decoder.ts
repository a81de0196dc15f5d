/**
 * The consume path's record-batch decoder, in place of kafkajs 2.2.4's (protocol/requests/fetch/v4/decodeMessages,
 * used by every Fetch version from 4 on). kafkajs builds two `Long`s per record from decimal strings (offset and
 * timestamp: `Long.fromValue(firstOffset).add(delta).toString()`), a `Decoder` per record, a headers object
 * by spreading, and its consumer Batch parses every offset string again (`Long.fromValue(offset).gte(...)`).
 * Here a record keeps numbers (offset, timestamp), its key and value as views of the fetched buffer (no copy, as
 * kafkajs), and its headers undecoded until read; `offset`, `timestamp` and `headers` are computed on first read,
 * so the message still has kafkajs's shape for the consumer, Dirk's source and dead letters.
 *
 * Kept as kafkajs does: no CRC check (kafkajs reads the CRC and ignores it; TCP and the broker, which validates
 * batches on produce, are the guard), a batch cut by the fetch size at the end of the response is dropped (the
 * next fetch starts at it), legacy message sets (magic 0 and 1, decided by the first batch as kafkajs does) go
 * to kafkajs's own decoder, control records are marked `isControlRecord` and aborted transactions are removed by
 * the consumer batch (LeanBatch below) from the fetch response's aborted list. A batch whose offsets or
 * timestamps do not fit a double exactly (beyond 2^53, never seen in practice) is decoded by kafkajs's code.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface KafkajsDecoder {
  buffer: Buffer;
  offset: number;
  readInt32(): number;
  canReadBytes(n: number): boolean;
  readBytes(n: number): Buffer;
}
type DecoderClass = new (b: Buffer) => KafkajsDecoder;
interface Codec {
  decompress(b: Buffer): Promise<Buffer>;
}
interface KafkajsMessage {
  offset: string;
  key: Buffer | null;
  isControlRecord?: boolean;
  batchContext?: { producerId: string; inTransaction: boolean };
}

const Decoder = require('kafkajs/src/protocol/decoder') as DecoderClass;
const MessageSetDecoder = require('kafkajs/src/protocol/messageSet/decoder') as (d: KafkajsDecoder, size: number) => Promise<unknown[]>;
const KafkajsRecordBatchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (d: KafkajsDecoder) => Promise<{ records: unknown[] }>;
const { lookupCodecByAttributes } = require('kafkajs/src/protocol/message/compression') as { lookupCodecByAttributes(a: number): Codec | null };
const { KafkaJSProtocolError } = require('kafkajs/src/errors') as { KafkaJSProtocolError: new (m: string) => Error };

/** Bytes before a v2 batch's first record: base offset 8, length 4, then 49 of header, record count 4. */
const BATCH_HEADER = 61;
/** What the batch `length` field covers at least (the header after offset and length). */
const MIN_BATCH_LENGTH = BATCH_HEADER - 12;
const TIMESTAMP_TYPE_FLAG = 0x8;
const TRANSACTIONAL_FLAG = 0x10;
const CONTROL_FLAG = 0x20;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** The batch fields kafkajs puts on every record as `batchContext` (strings where kafkajs has strings). */
export interface BatchContext {
  readonly firstOffset: string;
  readonly firstTimestamp: string;
  readonly partitionLeaderEpoch: number;
  readonly inTransaction: boolean;
  readonly isControlBatch: boolean;
  readonly lastOffsetDelta: number;
  readonly producerId: string;
  readonly producerEpoch: number;
  readonly firstSequence: number;
  readonly maxTimestamp: string;
  readonly timestampType: number;
  readonly magicByte: number;
}

export type Headers = Record<string, Buffer | null | Array<Buffer | null>>;

/**
 * One record of a v2 batch, shaped like kafkajs's message. Its key and value are kept as positions in the
 * fetched buffer and made into Buffer views when read (a new view on every read, the same bytes): a fetch
 * response's messages live until its last partition batch is processed, often across two scavenges, so they
 * move to the old generation; without a view each they are about 40% smaller there, and the views the job
 * takes die young (BENCHMARKS.md, "Peak RSS: what the baseline is made of").
 */
export class FetchedMessage {
  private offsetText: string | undefined = undefined;
  private headerValues: Headers | undefined = undefined;
  constructor(
    /** The record offset as a number (exact: batches beyond 2^53 are not decoded here). */
    readonly offsetNumber: number,
    /** Milliseconds since the epoch (the batch's max timestamp under LOG_APPEND_TIME, as kafkajs). */
    readonly timestampNumber: number,
    readonly attributes: number,
    /** The fetched (or decompressed) buffer holding the record. */
    private readonly buffer: Buffer,
    /** Where the key starts in `buffer`, and its length (-1: null). */
    private readonly keyStart: number,
    private readonly keyLength: number,
    private readonly valueStart: number,
    private readonly valueLength: number,
    readonly isControlRecord: boolean,
    readonly batchContext: BatchContext,
    /** Where the record's headers (count first) start in `buffer`; decoded when `headers` is read. */
    private readonly headerStart: number,
  ) {}

  get magicByte(): 2 {
    return 2;
  }

  get key(): Buffer | null {
    return this.keyLength < 0 ? null : this.buffer.subarray(this.keyStart, this.keyStart + this.keyLength);
  }

  get value(): Buffer | null {
    return this.valueLength < 0 ? null : this.buffer.subarray(this.valueStart, this.valueStart + this.valueLength);
  }

  get offset(): string {
    return (this.offsetText ??= String(this.offsetNumber));
  }

  get timestamp(): string {
    return String(this.timestampNumber);
  }

  get headers(): Headers {
    return (this.headerValues ??= decodeHeaders(this.buffer, this.headerStart));
  }
}

// The read position of the varint readers below: one module variable, so reading a record allocates nothing.
let at = 0;

/** A zigzag varint of at most 32 bits (lengths, offset deltas, counts). */
function varint(b: Buffer): number {
  let v = 0;
  let shift = 0;
  let byte: number;
  do {
    if (at >= b.length) throw new KafkaJSProtocolError('record batch: varint runs past the end of the batch');
    byte = b[at++]!;
    v |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80 && shift < 35);
  return (v >>> 1) ^ -(v & 1);
}

/** A zigzag varlong (timestamp deltas) as a double: exact up to 2^53, far beyond any millisecond delta. */
function varlong(b: Buffer): number {
  let v = 0;
  let scale = 1;
  let byte: number;
  do {
    if (at >= b.length) throw new KafkaJSProtocolError('record batch: varlong runs past the end of the batch');
    byte = b[at++]!;
    v += (byte & 0x7f) * scale;
    scale *= 128;
  } while (byte & 0x80 && scale <= 2 ** 63);
  return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
}

function bytes(b: Buffer): Buffer | null {
  const n = varint(b);
  if (n < 0) return null;
  const start = at;
  at += n;
  if (at > b.length) throw new KafkaJSProtocolError('record batch: a key or value runs past the end of the batch');
  return b.subarray(start, at);
}

export function decodeHeaders(b: Buffer, start: number): Headers {
  at = start;
  const headers: Headers = {};
  const count = varint(b);
  for (let i = 0; i < count; i++) {
    const keyLength = varint(b);
    const key = b.toString('utf8', at, at + Math.max(0, keyLength));
    at += Math.max(0, keyLength);
    const value = bytes(b);
    const prev = headers[key];
    headers[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return headers;
}

function int64(b: Buffer, pos: number): number {
  return b.readInt32BE(pos) * 4294967296 + b.readUInt32BE(pos + 4);
}

/** Decodes `count` records of `b[start, end)` into `out`. */
function decodeRecords(b: Buffer, start: number, end: number, count: number, base: number, firstTimestamp: number, logAppendTime: number | undefined, control: boolean, context: BatchContext, out: unknown[]): void {
  at = start;
  for (let i = 0; i < count; i++) {
    const length = varint(b);
    const recordEnd = at + length;
    if (length < 0 || recordEnd > end) throw new KafkaJSProtocolError(`record batch: record ${i} of ${count} runs past the end of its batch`);
    const attributes = b[at++]!;
    const timestampDelta = varlong(b);
    const offsetDelta = varint(b);
    const keyLength = varint(b);
    const keyStart = at;
    if (keyLength > 0) at += keyLength;
    const valueLength = varint(b);
    const valueStart = at;
    if (valueLength > 0) at += valueLength;
    if (at > recordEnd) throw new KafkaJSProtocolError('record batch: a key or value runs past the end of the batch');
    const timestamp = logAppendTime ?? firstTimestamp + timestampDelta;
    out.push(new FetchedMessage(base + offsetDelta, timestamp, attributes, b, keyStart, keyLength, valueStart, valueLength, control, context, at));
    at = recordEnd;
  }
}

/** One v2 batch at `b[pos, end)`; returns false when kafkajs's decoder has to take it (offsets beyond 2^53). */
async function decodeBatch(b: Buffer, pos: number, end: number, out: unknown[]): Promise<boolean> {
  const base = int64(b, pos);
  const attributes = b.readInt16BE(pos + 21);
  const lastOffsetDelta = b.readInt32BE(pos + 23);
  const firstTimestamp = int64(b, pos + 27);
  const maxTimestamp = int64(b, pos + 35);
  const safe = (x: number): boolean => Math.abs(x) <= MAX_SAFE;
  if (!safe(base) || !safe(base + lastOffsetDelta) || !safe(firstTimestamp) || !safe(maxTimestamp)) return false;
  const control = (attributes & CONTROL_FLAG) !== 0;
  const logAppend = (attributes & TIMESTAMP_TYPE_FLAG) !== 0;
  const context: BatchContext = {
    firstOffset: String(base),
    firstTimestamp: String(firstTimestamp),
    partitionLeaderEpoch: b.readInt32BE(pos + 12),
    inTransaction: (attributes & TRANSACTIONAL_FLAG) !== 0,
    isControlBatch: control,
    lastOffsetDelta,
    producerId: b.readBigInt64BE(pos + 43).toString(),
    producerEpoch: b.readInt16BE(pos + 51),
    firstSequence: b.readInt32BE(pos + 53),
    maxTimestamp: String(maxTimestamp),
    timestampType: logAppend ? 1 : 0,
    magicByte: 2,
  };
  // LOG_APPEND_TIME: the broker's append time, the batch's max timestamp, for every record (as kafkajs).
  const logAppendTime = logAppend ? maxTimestamp : undefined;
  const count = b.readInt32BE(pos + 57);
  if (count <= 0) return true;
  const codec = lookupCodecByAttributes(attributes);
  if (!codec) {
    decodeRecords(b, pos + BATCH_HEADER, end, count, base, firstTimestamp, logAppendTime, control, context, out);
  } else {
    const plain = await codec.decompress(b.subarray(pos + BATCH_HEADER, end));
    decodeRecords(plain, 0, plain.length, count, base, firstTimestamp, logAppendTime, control, context, out);
  }
  return true;
}

/** The record batches of one partition's fetched bytes, `b` being the record set exactly. */
export async function decodeRecordBatches(b: Buffer): Promise<unknown[]> {
  const out: unknown[] = [];
  let pos = 0;
  while (b.length - pos >= BATCH_HEADER) {
    const length = b.readInt32BE(pos + 8);
    if (length < MIN_BATCH_LENGTH) throw new KafkaJSProtocolError(`record batch at byte ${pos}: length ${length} is shorter than a batch header`);
    const end = pos + 12 + length;
    // The fetch size cuts the last batch; the next fetch starts at it (Kafka's fetch protocol).
    if (end > b.length) break;
    if (b[pos + 16] !== 2) throw new KafkaJSProtocolError(`record batch at byte ${pos}: expected magic 2, found ${b[pos + 16]}`);
    if (!(await decodeBatch(b, pos, end, out))) {
      const d = new Decoder(b.subarray(pos, end));
      for (const r of (await KafkajsRecordBatchDecoder(d)).records) out.push(r);
    }
    pos = end;
  }
  return out;
}

/** kafkajs's `decodeMessages(decoder)` for Fetch v4 and later: reads the record set's size, then the set. */
export async function decodeMessages(decoder: KafkajsDecoder): Promise<unknown[]> {
  const size = decoder.readInt32();
  if (size <= 0 || !decoder.canReadBytes(size)) return [];
  const b = decoder.readBytes(size);
  // The magic byte is at byte 16 in every message format; the first batch decides, as in kafkajs.
  if (b.length > 16 && b[16]! < 2) return MessageSetDecoder(new Decoder(b), size);
  return decodeRecordBatches(b);
}

/** An offset as a double when exact, else as a bigint (comparisons below take either). */
function offsetOf(m: KafkajsMessage): number | bigint {
  const n = (m as Partial<FetchedMessage>).offsetNumber;
  if (n !== undefined) return n;
  const d = Number(m.offset);
  return Number.isSafeInteger(d) ? d : BigInt(m.offset);
}
function parseOffset(s: string): number | bigint {
  const d = Number(s);
  return Number.isSafeInteger(d) ? d : BigInt(s);
}

const ABORT_MARKER = Buffer.from([0, 0, 0, 0]);

/**
 * Drops the records of aborted transactions: kafkajs's filterAbortedMessages with numeric offsets. A producer's
 * records from an aborted transaction's first offset on are dropped until its abort marker (a control record).
 */
export function filterAborted<M extends KafkajsMessage>(messages: M[], aborted: ReadonlyArray<{ producerId: string; firstOffset: string }> | undefined): M[] {
  if (!aborted || aborted.length === 0) return messages;
  const remaining = aborted.map((t) => ({ producerId: t.producerId, firstOffset: parseOffset(t.firstOffset) }));
  let next = 0;
  const open = new Set<string>();
  return messages.filter((m) => {
    if (next < remaining.length && offsetOf(m) >= remaining[next]!.firstOffset) open.add(remaining[next++]!.producerId);
    const ctx = m.batchContext;
    if (!ctx) return true;
    // Only a control record is a marker (kafkajs took any record whose key is 0x00000000).
    if (m.isControlRecord && m.key && m.key.equals(ABORT_MARKER)) open.delete(ctx.producerId);
    else if (ctx.inTransaction && open.has(ctx.producerId)) return false;
    return true;
  });
}

const Long = require('kafkajs/src/utils/long') as { fromValue(v: string): { add(n: number): { toString(): string; multiply(n: number): unknown }; gte(o: unknown): boolean } };

interface PartitionData {
  partition: number;
  highWatermark: string;
  abortedTransactions?: Array<{ producerId: string; firstOffset: string }>;
  messages: KafkajsMessage[];
}

/**
 * kafkajs's consumer Batch (consumer/batch.js) with offsets compared as numbers: the messages of one fetched
 * partition from the fetched offset on, without aborted transactions and control records. Same fields and
 * methods; kafkajs parsed every record's offset string into a Long here.
 */
export class LeanBatch {
  readonly fetchedOffset: string;
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark: string;
  readonly rawMessages: KafkajsMessage[];
  readonly messagesWithinOffset: KafkajsMessage[];
  readonly messages: KafkajsMessage[];

  constructor(topic: string, fetchedOffset: string, partitionData: PartitionData) {
    this.fetchedOffset = fetchedOffset;
    this.topic = topic;
    this.partition = partitionData.partition;
    this.highWatermark = partitionData.highWatermark;
    this.rawMessages = partitionData.messages;
    // A fetch may return records before the fetched offset (a compressed batch is returned whole): dropped.
    const from = parseOffset(fetchedOffset);
    const raw = this.rawMessages;
    let first = 0;
    while (first < raw.length && offsetOf(raw[first]!) < from) first++;
    this.messagesWithinOffset = first === 0 ? raw : raw.slice(first);
    const kept = filterAborted(this.messagesWithinOffset, partitionData.abortedTransactions);
    this.messages = kept.some((m) => m.isControlRecord) ? kept.filter((m) => !m.isControlRecord) : kept;
  }

  isEmpty(): boolean {
    return this.messages.length === 0;
  }
  isEmptyIncludingFiltered(): boolean {
    return this.messagesWithinOffset.length === 0;
  }
  isEmptyDueToFiltering(): boolean {
    return this.isEmpty() && this.rawMessages.length > 0;
  }
  isEmptyControlRecord(): boolean {
    return this.isEmpty() && this.messagesWithinOffset.some((m) => m.isControlRecord);
  }
  isEmptyDueToLogCompactedMessages(): boolean {
    return this.rawMessages.length > 0 && this.isEmptyIncludingFiltered();
  }
  firstOffset(): string | null {
    return this.isEmptyIncludingFiltered() ? null : this.messagesWithinOffset[0]!.offset;
  }
  lastOffset(): string {
    if (this.isEmptyDueToLogCompactedMessages()) return this.fetchedOffset;
    if (this.isEmptyIncludingFiltered()) return Long.fromValue(this.highWatermark).add(-1).toString();
    return this.messagesWithinOffset[this.messagesWithinOffset.length - 1]!.offset;
  }
  offsetLag(): string {
    return lag(this.highWatermark, this.lastOffset());
  }
  offsetLagLow(): string {
    if (this.isEmptyIncludingFiltered()) return '0';
    return lag(this.highWatermark, this.firstOffset()!);
  }
}

/** highWatermark - 1 - offset, as kafkajs computes it (a decimal string). */
function lag(highWatermark: string, offset: string): string {
  return (BigInt(highWatermark) - 1n - BigInt(offset)).toString();
}
