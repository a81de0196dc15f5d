import * as crypto from 'node:crypto';
import type protobuf from 'protobufjs';
import { canonicalInt64 } from '../../../core/types.js';

/**
 * SHA-256 hashing of one value, byte-identical to Dagger's HashTransformer (Guava's `Hashing.sha256()`):
 * - a string: the lowercase hex of the SHA-256 of its UTF-8 bytes;
 * - an int (proto int32, uint32, sint32, fixed32, sfixed32): SHA-256 of its 4 little-endian bytes, the first
 *   4 bytes of the digest read back as a little-endian signed int (Guava's `hashInt(..).asInt()`);
 * - a long (proto 64-bit integers): the same over 8 bytes (`hashLong(..).asLong()`).
 * NULL stays NULL (Dagger throws on it; a missing value has nothing to hide).
 */
export type ValueHasher = (v: unknown) => unknown;

type OneShot = (algorithm: string, data: string | Uint8Array, encoding: 'hex' | 'buffer') => string | Buffer;
/** Node's one-shot `crypto.hash` (20.12+) is about 3x faster than createHash for short inputs; older 20.x fall back. */
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;
const sha256Hex = (s: string): string => (oneShot ? (oneShot('sha256', s, 'hex') as string) : crypto.createHash('sha256').update(s, 'utf8').digest('hex'));
const sha256 = (b: Uint8Array): Buffer => (oneShot ? (oneShot('sha256', b, 'buffer') as Buffer) : crypto.createHash('sha256').update(b).digest());
const INT_BYTES = Buffer.alloc(4);
const LONG_BYTES = Buffer.alloc(8);

export const hashString: ValueHasher = (v) => (v === null || v === undefined ? v : sha256Hex(String(v)));

export const hashInt: ValueHasher = (v) => {
  if (v === null || v === undefined) return v;
  INT_BYTES.writeInt32LE(Number(v) | 0);
  return sha256(INT_BYTES).readInt32LE(0);
};

export const hashLong: ValueHasher = (v) => {
  if (v === null || v === undefined) return v;
  LONG_BYTES.writeBigInt64LE(BigInt.asIntN(64, typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)))));
  return canonicalInt64(sha256(LONG_BYTES).readBigInt64LE(0));
};

const INT_KINDS = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);
const LONG_KINDS = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

/** Replaces the value at a path inside a row (nested ROW values are plain objects keyed by field name). */
export type PathHasher = (row: unknown[]) => void;

/**
 * Resolves a dotted path (`booking_log.event_timestamp.seconds`) against the output proto, as Dagger's
 * PathReader does: every step but the last must be a singular message field, the last a singular string, int
 * or long field. Returns a hasher for the path, or a message saying why the path cannot be hashed.
 */
export function pathHasher(type: protobuf.Type, path: string, rootIndex: number): PathHasher | string {
  const parts = path.split('.');
  let current: protobuf.Type = type;
  for (let i = 0; i < parts.length; i++) {
    const field = fieldByName(current, parts[i]!);
    if (!field) return i === 0 ? `no field ${parts[0]} in ${current.fullName.replace(/^\./, '')}` : `no field ${parts[i]} in ${current.fullName.replace(/^\./, '')} (at ${parts.slice(0, i + 1).join('.')})`;
    if (field.repeated || field.map) return `${parts.slice(0, i + 1).join('.')} is a repeated field; only singular string, int and long fields can be hashed`;
    field.resolve();
    const last = i === parts.length - 1;
    if (!last) {
      if (!(field.resolvedType && 'fieldsArray' in field.resolvedType)) return `${parts.slice(0, i + 1).join('.')} is not a message, so it has no field ${parts[i + 1]}`;
      current = field.resolvedType as protobuf.Type;
      continue;
    }
    const hasher = field.resolvedType ? undefined : field.type === 'string' ? hashString : INT_KINDS.has(field.type) ? hashInt : LONG_KINDS.has(field.type) ? hashLong : undefined;
    if (!hasher) {
      const kind = field.resolvedType ? (('fieldsArray' in field.resolvedType) ? 'a message' : 'an enum') : field.type;
      return `${path} is ${kind}; only string, int and long fields can be hashed (name a field inside a message with a dotted path)`;
    }
    const nested = parts.slice(1);
    return (row) => {
      if (nested.length === 0) {
        row[rootIndex] = hasher(row[rootIndex]);
        return;
      }
      row[rootIndex] = replaceIn(row[rootIndex], nested, hasher);
    };
  }
  return `empty path`;
}

function fieldByName(type: protobuf.Type, name: string): protobuf.Field | undefined {
  return type.fields[name] ?? type.fieldsArray.find((f) => f.name === name);
}

/** Copies the nested objects along the path (the input row may be shared with other consumers) and hashes the leaf. */
function replaceIn(value: unknown, path: readonly string[], hasher: ValueHasher): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return value;
  const copy = { ...(value as Record<string, unknown>) };
  const [head, ...rest] = path;
  copy[head!] = rest.length === 0 ? hasher(copy[head!]) : replaceIn(copy[head!], rest, hasher);
  return copy;
}
