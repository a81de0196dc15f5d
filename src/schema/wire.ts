/**
 * Protobuf wire format primitives: a bounds-checked reader and a growable writer.
 *
 * We read and write the wire format ourselves (instead of protobufjs' Reader/Writer) for two reasons:
 * 64-bit integers must be exact (number while safe, bigint beyond 2^53, see `canonicalInt64`), and the
 * generated row decoders need cheap skipping of fields a query does not read.
 */
import { DecodeError, userError } from '../core/errors.js';

const TWO_32 = 4294967296;
/** hi word below this means |value| < 2^53, i.e. a safe integer. */
const SAFE_HI = 0x200000;

const f32 = new Float32Array(1);
const f32b = new Uint8Array(f32.buffer);
const f64 = new Float64Array(1);
const f64b = new Uint8Array(f64.buffer);
const utf8 = new TextDecoder('utf-8');

export const WireType = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;

export function truncated(): DecodeError {
  return new DecodeError('truncated protobuf message (read past the end of the record)');
}

/** Combine two 32-bit words into the canonical int64 value (number when safe, else bigint). */
export function joinUnsigned(lo: number, hi: number): number | bigint {
  if (hi < SAFE_HI) return hi * TWO_32 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

export function joinSigned(lo: number, hi: number): number | bigint {
  if (hi >>> 31 === 0) return joinUnsigned(lo, hi);
  // two's complement magnitude
  let nlo = (~lo + 1) >>> 0;
  let nhi = ~hi >>> 0;
  if (nlo === 0) nhi = (nhi + 1) >>> 0;
  if (nhi < SAFE_HI) return -(nhi * TWO_32 + nlo);
  return -((BigInt(nhi) << 32n) | BigInt(nlo));
}

export class Reader {
  buf: Uint8Array = new Uint8Array(0);
  pos = 0;
  /** Scratch for the high word of the last 64-bit varint. */
  private hi = 0;

  reset(buf: Uint8Array): void {
    this.buf = buf;
    this.pos = 0;
  }

  /** Low 32 bits of a varint as unsigned (tags, uint32, lengths). */
  uint32(): number {
    const b = this.buf;
    let p = this.pos;
    const end = b.length;
    if (p >= end) throw truncated();
    let c = b[p++]!;
    let v = c & 0x7f;
    if (c < 0x80) {
      this.pos = p;
      return v;
    }
    for (let shift = 7; shift < 70; shift += 7) {
      if (p >= end) throw truncated();
      c = b[p++]!;
      if (shift < 32) v |= (c & 0x7f) << shift;
      if (c < 0x80) {
        this.pos = p;
        return v >>> 0;
      }
    }
    throw new DecodeError('malformed varint (more than 10 bytes)');
  }

  int32(): number {
    return this.uint32() | 0;
  }

  sint32(): number {
    const n = this.uint32();
    return (n >>> 1) ^ -(n & 1);
  }

  bool(): boolean {
    return this.uint32() !== 0;
  }

  /** Reads a 64-bit varint; returns the low word and leaves the high word in `this.hi`. */
  private varint64(): number {
    const b = this.buf;
    let p = this.pos;
    const end = b.length;
    let lo = 0;
    let hi = 0;
    let c = 0;
    // bytes 0..3 → low word bits 0..27
    for (let i = 0; i < 4; i++) {
      if (p >= end) throw truncated();
      c = b[p++]!;
      lo |= (c & 0x7f) << (i * 7);
      if (c < 0x80) {
        this.pos = p;
        this.hi = 0;
        return lo >>> 0;
      }
    }
    // byte 4: bits 28..31 of lo, bits 0..2 of hi
    if (p >= end) throw truncated();
    c = b[p++]!;
    lo |= (c & 0x7f) << 28;
    hi = (c & 0x7f) >> 4;
    if (c >= 0x80) {
      for (let i = 0; i < 5; i++) {
        if (p >= end) throw truncated();
        c = b[p++]!;
        hi |= (c & 0x7f) << (i * 7 + 3);
        if (c < 0x80) break;
        if (i === 4) throw new DecodeError('malformed varint (more than 10 bytes)');
      }
    }
    this.pos = p;
    this.hi = hi >>> 0;
    return lo >>> 0;
  }

  int64(): number | bigint {
    const lo = this.varint64();
    return joinSigned(lo, this.hi);
  }

  uint64(): number | bigint {
    const lo = this.varint64();
    return joinUnsigned(lo, this.hi);
  }

  sint64(): number | bigint {
    let lo = this.varint64();
    let hi = this.hi;
    const mask = -(lo & 1);
    lo = (((lo >>> 1) | (hi << 31)) ^ mask) >>> 0;
    hi = ((hi >>> 1) ^ mask) >>> 0;
    return joinSigned(lo, hi);
  }

  fixed32(): number {
    const p = this.pos;
    const b = this.buf;
    if (p + 4 > b.length) throw truncated();
    this.pos = p + 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x1000000;
  }

  sfixed32(): number {
    return this.fixed32() | 0;
  }

  fixed64(): number | bigint {
    const lo = this.fixed32();
    const hi = this.fixed32();
    return joinUnsigned(lo, hi);
  }

  sfixed64(): number | bigint {
    const lo = this.fixed32();
    const hi = this.fixed32();
    return joinSigned(lo, hi);
  }

  float(): number {
    const p = this.pos;
    const b = this.buf;
    if (p + 4 > b.length) throw truncated();
    f32b[0] = b[p]!;
    f32b[1] = b[p + 1]!;
    f32b[2] = b[p + 2]!;
    f32b[3] = b[p + 3]!;
    this.pos = p + 4;
    return f32[0]!;
  }

  double(): number {
    const p = this.pos;
    const b = this.buf;
    if (p + 8 > b.length) throw truncated();
    for (let i = 0; i < 8; i++) f64b[i] = b[p + i]!;
    this.pos = p + 8;
    return f64[0]!;
  }

  /** Reads a length prefix and returns the end position of the delimited bytes (checked). */
  delimited(): number {
    const len = this.uint32();
    const end = this.pos + len;
    if (end > this.buf.length) throw truncated();
    return end;
  }

  string(): string {
    const end = this.delimited();
    const b = this.buf;
    const start = this.pos;
    this.pos = end;
    // Short ASCII strings are the common case in event payloads: build them directly.
    if (end - start < 32) {
      let s = '';
      for (let i = start; i < end; i++) {
        const c = b[i]!;
        if (c >= 0x80) return utf8.decode(b.subarray(start, end));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return utf8.decode(b.subarray(start, end));
  }

  /** A copy, so rows never pin the (large) Kafka fetch buffer. */
  bytes(): Uint8Array {
    const end = this.delimited();
    const out = new Uint8Array(end - this.pos);
    out.set(this.buf.subarray(this.pos, end));
    this.pos = end;
    return out;
  }

  /** Skips one field whose tag has just been read. */
  skip(tag: number): void {
    const wt = tag & 7;
    switch (wt) {
      case 0: {
        const b = this.buf;
        let p = this.pos;
        for (let i = 0; ; i++) {
          if (p >= b.length) throw truncated();
          if (b[p++]! < 0x80) break;
          if (i >= 9) throw new DecodeError('malformed varint (more than 10 bytes)');
        }
        this.pos = p;
        return;
      }
      case 1:
        if (this.pos + 8 > this.buf.length) throw truncated();
        this.pos += 8;
        return;
      case 2:
        this.pos = this.delimited();
        return;
      case 3: {
        // deprecated group: skip nested fields until the matching end-group tag
        const field = tag >>> 3;
        for (;;) {
          const t = this.uint32();
          if ((t & 7) === 4) {
            if (t >>> 3 !== field) throw new DecodeError('malformed protobuf group');
            return;
          }
          this.checkTag(t);
          this.skip(t);
        }
      }
      case 5:
        if (this.pos + 4 > this.buf.length) throw truncated();
        this.pos += 4;
        return;
      default:
        throw new DecodeError(`invalid wire type ${wt} at byte ${this.pos}`);
    }
  }

  checkTag(tag: number): void {
    if (tag >>> 3 === 0) throw new DecodeError(`invalid field number 0 at byte ${this.pos}`);
  }
}

/** A growable output buffer; one per encoder, reused across records. */
export class Writer {
  buf: Buffer;
  pos = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  reset(): void {
    this.pos = 0;
  }

  /** A copy of what was written since the last reset. */
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  tag(field: number, wireType: number): void {
    this.uint32(((field << 3) | wireType) >>> 0);
  }

  uint32(v: number): void {
    this.ensure(5);
    const b = this.buf;
    let p = this.pos;
    while (v > 0x7f) {
      b[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[p++] = v;
    this.pos = p;
  }

  int32(v: number): void {
    if (v >= 0) this.uint32(v);
    else this.varint64(v >>> 0, 0xffffffff); // negative int32 is sign-extended to 10 bytes
  }

  sint32(v: number): void {
    this.uint32(((v << 1) ^ (v >> 31)) >>> 0);
  }

  varint64(lo: number, hi: number): void {
    this.ensure(10);
    const b = this.buf;
    let p = this.pos;
    while (hi !== 0) {
      b[p++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    while (lo > 0x7f) {
      b[p++] = (lo & 0x7f) | 0x80;
      lo >>>= 7;
    }
    b[p++] = lo;
    this.pos = p;
  }

  fixed32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  float(v: number): void {
    this.ensure(4);
    this.buf.writeFloatLE(v, this.pos);
    this.pos += 4;
  }

  double(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  bytes(v: Uint8Array): void {
    this.uint32(v.length);
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  string(s: string): void {
    const n = Buffer.byteLength(s);
    this.uint32(n);
    this.ensure(n);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** Starts a length-delimited section; pass the result to `endLen`. Reserves one length byte. */
  beginLen(): number {
    this.ensure(1);
    return this.pos++;
  }

  endLen(start: number): void {
    const len = this.pos - start - 1;
    if (len < 0x80) {
      this.buf[start] = len;
      return;
    }
    let size = 1;
    for (let v = len >>> 7; v > 0; v >>>= 7) size++;
    this.ensure(size - 1);
    this.buf.copy(this.buf, start + size, start + 1, this.pos);
    let p = start;
    let v = len;
    while (v > 0x7f) {
      this.buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[p] = v;
    this.pos += size - 1;
  }
}

/** Splits an exact int64 value into two's complement words; throws for non-integers and overflow. */
export function splitInt64(v: number | bigint, unsigned: boolean, what: string): [lo: number, hi: number] {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw userError(`cannot write ${v} to ${what}: not an integer`);
    if (unsigned ? v < 0 || v > 18446744073709551615 : v < -9223372036854775808 || v > 9223372036854775807) {
      throw userError(`cannot write ${v} to ${what}: out of range`);
    }
    if (Number.isSafeInteger(v)) {
      const a = Math.abs(v);
      let lo = a >>> 0;
      let hi = Math.floor(a / TWO_32) >>> 0;
      if (v < 0) {
        lo = (~lo + 1) >>> 0;
        hi = ~hi >>> 0;
        if (lo === 0) hi = (hi + 1) >>> 0;
      }
      return [lo, hi];
    }
    v = BigInt(v);
  }
  if (unsigned ? v < 0n || v > 0xffffffffffffffffn : v < -0x8000000000000000n || v > 0x7fffffffffffffffn) {
    throw userError(`cannot write ${v} to ${what}: out of range`);
  }
  const u = BigInt.asUintN(64, v);
  return [Number(u & 0xffffffffn), Number(u >> 32n)];
}
