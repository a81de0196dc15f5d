/**
 * Kafka's record-batch compression codecs (the attributes' low three bits): none 0, gzip 1, snappy 2, lz4 3,
 * zstd 4. kafkajs ships gzip only and throws on the others, so a topic written compressed by the Java
 * client (Dagger's large-message sink writes snappy) could not be read. The codecs come from npm packages
 * that carry their native binary inside a per-platform package (napi-rs), so nothing is built or
 * downloaded at install time: `snappy`, `lz4-napi` and `@toondepauw/node-zstd`.
 *
 * The formats are Kafka's, not the libraries' defaults:
 * - snappy: the Java client writes xerial's framing (an 8-byte magic, two version ints, then blocks of
 *   int32 length + raw snappy, 32 KiB of input per block); librdkafka and others may write one raw snappy
 *   block. Reading accepts both (as the Java client's SnappyInputStream does); writing uses the framing.
 * - lz4: the LZ4 frame format (magic 0x184D2204) with independent blocks and a correct header checksum, as
 *   KafkaLZ4BlockOutputStream writes for message format v1 and later.
 * - zstd: plain zstd frames (the Java client streams them, so no content size in the header). Produce
 *   requests carrying zstd batches must be version 7 or later (KIP-110): see batch-producer.ts.
 */
import { gzip, gzipSync, unzip } from 'node:zlib';
import { createRequire } from 'node:module';
import { KAFKA_COMPRESSION_TYPES, type KafkaCompressionType } from '../../config/defaults.js';

export const COMPRESSION_TYPES = KAFKA_COMPRESSION_TYPES;
export type CompressionType = KafkaCompressionType;

/** The attribute bits of each codec. */
export const CODEC_IDS: Readonly<Record<CompressionType, number>> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

export function isCompressionType(v: string): v is CompressionType {
  return (COMPRESSION_TYPES as readonly string[]).includes(v);
}

/** The type of a codec id; undefined for an id Kafka does not define. */
export function compressionOf(id: number): CompressionType | undefined {
  return COMPRESSION_TYPES[id];
}

// The native packages are loaded on first use: a job that never meets a compressed batch never loads them.
const require = createRequire(import.meta.url);
interface SnappyLib {
  compressSync(input: Uint8Array): Buffer;
  uncompressSync(input: Uint8Array, options?: { asBuffer: true }): Buffer | string;
}
interface Lz4Lib {
  compressFrame(data: Uint8Array, options?: { contentChecksum?: boolean; blockChecksums?: boolean }): Promise<Buffer>;
  compressFrameSync(data: Buffer): Buffer;
  decompressFrame(data: Uint8Array): Promise<Buffer>;
}
interface ZstdLib {
  Encoder: new (level: number) => { encode(data: Buffer): Promise<Buffer>; encodeSync(data: Buffer): Buffer };
  Decoder: new () => { decode(data: Buffer): Promise<Buffer> };
}
let snappyLib: SnappyLib | undefined;
let lz4Lib: Lz4Lib | undefined;
let zstdLib: ZstdLib | undefined;
/** Loads a codec's package; on a platform its npm package has no binary for, the error says which codec. */
function load<T>(pkg: string, codec: string): T {
  try {
    return require(pkg) as T;
  } catch (e) {
    throw new Error(`the ${codec} codec's package ${pkg} could not be loaded on ${process.platform}-${process.arch} (${(e as Error).message.split('\n')[0]})`, { cause: e });
  }
}
const snappy = (): SnappyLib => (snappyLib ??= load<SnappyLib>('snappy', 'snappy'));
const lz4 = (): Lz4Lib => (lz4Lib ??= load<Lz4Lib>('lz4-napi', 'lz4'));
const zstd = (): ZstdLib => (zstdLib ??= load<ZstdLib>('@toondepauw/node-zstd', 'zstd'));
/** The Java client's default zstd level (zstd's own default). */
const ZSTD_LEVEL = 3;
let zstdEncoder: { encode(data: Buffer): Promise<Buffer>; encodeSync(data: Buffer): Buffer } | undefined;
let zstdDecoder: { decode(data: Buffer): Promise<Buffer> } | undefined;

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;
/** Input bytes per xerial block: the Java client's SnappyOutputStream default. */
const XERIAL_BLOCK = 32 * 1024;

function zlibAsync(fn: typeof gzip, b: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => fn(b, (e, out) => (e ? reject(e) : resolve(out))));
}

/**
 * Snappy runs on the calling thread: at GB/s a 1 MB batch takes about a millisecond, while one thread-pool
 * task per 32 KiB block cost several times the compression itself (measured: bench/codec-bench.ts).
 */
function snappyCompress(data: Buffer): Buffer {
  const blocks: Buffer[] = [];
  for (let at = 0; at < data.length; at += XERIAL_BLOCK) blocks.push(snappy().compressSync(data.subarray(at, Math.min(data.length, at + XERIAL_BLOCK))));
  return xerialFrame(blocks);
}

function xerialFrame(packed: readonly Buffer[]): Buffer {
  const out = Buffer.allocUnsafe(XERIAL_HEADER_BYTES + packed.reduce((n, b) => n + 4 + b.length, 0));
  XERIAL_MAGIC.copy(out, 0);
  out.writeInt32BE(1, 8);
  out.writeInt32BE(1, 12);
  let pos = XERIAL_HEADER_BYTES;
  for (const b of packed) {
    out.writeInt32BE(b.length, pos);
    b.copy(out, pos + 4);
    pos += 4 + b.length;
  }
  return out;
}

function isXerial(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_BYTES && data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC);
}

function snappyUncompress(data: Buffer): Buffer {
  const raw = (b: Uint8Array): Buffer => snappy().uncompressSync(b, { asBuffer: true }) as Buffer;
  if (!isXerial(data)) return raw(data);
  const blocks: Buffer[] = [];
  let pos = XERIAL_HEADER_BYTES;
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new Error(`snappy: truncated xerial block header at byte ${pos} of ${data.length}`);
    const length = data.readInt32BE(pos);
    if (length < 0 || pos + 4 + length > data.length) throw new Error(`snappy: xerial block of ${length} bytes at byte ${pos} runs past the end (${data.length} bytes)`);
    blocks.push(raw(data.subarray(pos + 4, pos + 4 + length)));
    pos += 4 + length;
  }
  return blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks);
}

/** Compresses a record batch's records section with `type` (none returns the input). */
export async function compress(type: CompressionType, data: Buffer): Promise<Buffer> {
  switch (type) {
    case 'none':
      return data;
    case 'gzip':
      return zlibAsync(gzip, data);
    case 'snappy':
      return snappyCompress(data);
    case 'lz4':
      // lz4_flex's frame defaults are Kafka's: 64 KiB independent blocks, no content size, no checksums.
      return lz4().compressFrame(data);
    case 'zstd':
      zstdEncoder ??= new (zstd().Encoder)(ZSTD_LEVEL);
      return zstdEncoder.encode(data);
  }
}

/**
 * compress, on the calling thread: for the size check of a single record near the topic's limit
 * (bounded-send.ts), where the codec's real output decides whether the record can be sent.
 */
export function compressSync(type: CompressionType, data: Buffer): Buffer {
  switch (type) {
    case 'none':
      return data;
    case 'gzip':
      return gzipSync(data);
    case 'snappy':
      return snappyCompress(data);
    case 'lz4':
      return lz4().compressFrameSync(data);
    case 'zstd':
      zstdEncoder ??= new (zstd().Encoder)(ZSTD_LEVEL);
      return zstdEncoder.encodeSync(data);
  }
}

/** Decompresses the records section of a batch whose attributes name codec `id`. */
export async function decompress(id: number, data: Buffer): Promise<Buffer> {
  const type = compressionOf(id);
  switch (type) {
    case 'none':
      return data;
    case 'gzip':
      return zlibAsync(unzip, data);
    case 'snappy':
      return snappyUncompress(data);
    case 'lz4':
      return lz4().decompressFrame(data);
    case 'zstd':
      zstdDecoder ??= new (zstd().Decoder)();
      return zstdDecoder.decode(data);
    default:
      throw new Error(`unknown compression codec ${id} in a record batch's attributes (Kafka defines 0-4)`);
  }
}

/** The shape kafkajs's CompressionCodecs entries return: compress gets kafkajs's Encoder. */
interface KafkajsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

/**
 * Puts snappy, lz4 and zstd into kafkajs's codec table (gzip stays kafkajs's own), so its consumer reads
 * batches in any codec and its producer (exactly-once sink, side outputs) writes them.
 */
export function registerKafkajsCodecs(codecs: Record<number, () => KafkajsCodec>): void {
  for (const type of ['snappy', 'lz4', 'zstd'] as const) {
    const codec: KafkajsCodec = {
      compress: (encoder) => compress(type, encoder.buffer),
      decompress: (buffer) => decompress(CODEC_IDS[type], buffer),
    };
    codecs[CODEC_IDS[type]] = () => codec;
  }
}
