/**
 * CRC32C (Castagnoli), the checksum of Kafka's record batch format v2, computed eight bytes at a time with
 * eight 256-entry tables ("slicing-by-8"), over a range of one buffer without copying it.
 */
const POLY = 0x82f63b78;
const T = new Int32Array(8 * 256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  T[i] = c;
}
for (let t = 1; t < 8; t++) {
  for (let i = 0; i < 256; i++) {
    const prev = T[(t - 1) * 256 + i]!;
    T[t * 256 + i] = (prev >>> 8) ^ T[prev & 0xff]!;
  }
}

/** CRC32C of `b[start, end)`, as an unsigned 32-bit number. */
export function crc32c(b: Uint8Array, start = 0, end = b.length): number {
  let crc = -1;
  let i = start;
  const last8 = end - 8;
  while (i <= last8) {
    const lo = crc ^ (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24));
    const hi = b[i + 4]! | (b[i + 5]! << 8) | (b[i + 6]! << 16) | (b[i + 7]! << 24);
    crc =
      T[1792 + (lo & 0xff)]! ^
      T[1536 + ((lo >>> 8) & 0xff)]! ^
      T[1280 + ((lo >>> 16) & 0xff)]! ^
      T[1024 + (lo >>> 24)]! ^
      T[768 + (hi & 0xff)]! ^
      T[512 + ((hi >>> 8) & 0xff)]! ^
      T[256 + ((hi >>> 16) & 0xff)]! ^
      T[hi >>> 24]!;
    i += 8;
  }
  while (i < end) crc = (crc >>> 8) ^ T[(crc ^ b[i++]!) & 0xff]!;
  return ~crc >>> 0;
}
