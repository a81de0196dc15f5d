/**
 * Positional rows -> protobuf bytes (the Kafka sink), with Dagger's ProtoSerializer semantics:
 * columns are matched to fields by name, unmatched columns are ignored, a dotted column name `a.b` fills
 * field b of message field a, and a column whose type cannot be written to its field is an error when the
 * encoder is created (not at the first record).
 */
import { Decimal } from '../core/decimal.js';
import protobuf from 'protobufjs';
import { userError } from '../core/errors.js';
import { typeToString, type Field, type Row, type SqlType } from '../core/types.js';
import type { DescriptorRegistry } from './descriptor-registry.js';
import { wireTypeOf } from './proto-decoder.js';
import { sqlToList, sqlToStruct, sqlToValue } from './proto-json.js';
import { fieldInfo, isPackable, messageInfos, TIMESTAMP_TYPE, typeName, type FieldInfo, type ScalarKind, type Shape } from './proto-types.js';
import { splitInt64, Writer } from './wire.js';

export interface RowEncoder {
  encode(row: Row): Uint8Array;
  /** Called once before the first encode when present (an Avro encoder fetches or registers its schema). */
  open?(): Promise<void>;
}

type Payload = (w: Writer, v: unknown) => void;
type FieldWriter = (w: Writer, v: unknown) => void;

function describeShape(shape: Shape): string {
  switch (shape.k) {
    case 'scalar':
      return shape.t;
    case 'enum':
      return `enum ${typeName(shape.e)}`;
    case 'wrapper':
      return typeName(shape.type);
    case 'json':
      return shape.which === 'struct' ? 'google.protobuf.Struct' : shape.which === 'list' ? 'google.protobuf.ListValue' : 'google.protobuf.Value';
    case 'message':
    case 'recursive':
      return `message ${typeName(shape.type)}`;
  }
}

export function describeField(f: FieldInfo): string {
  if (f.card === 'repeated') return `repeated ${describeShape(f.shape)}`;
  if (f.card === 'map') return `map<${f.keyKind ?? 'string'}, ${describeShape(f.shape)}>`;
  return describeShape(f.shape);
}

const FLOATING = new Set(['INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL']);
const INTEGRAL = new Set(['INT', 'BIGINT']);

function scalarAccepts(k: ScalarKind, t: SqlType): boolean {
  switch (k) {
    case 'double':
    case 'float':
      return FLOATING.has(t.kind);
    case 'bool':
      return t.kind === 'BOOLEAN';
    case 'string':
      // a DECIMAL goes exactly into a string field (its plain text); into double/float as the nearest double
      return t.kind === 'STRING' || t.kind === 'DECIMAL';
    case 'bytes':
      return t.kind === 'BYTES';
    default:
      return INTEGRAL.has(t.kind);
  }
}

class Mismatch extends Error {
  constructor(
    readonly fieldPath: string,
    readonly sqlType: SqlType,
    readonly protoType: string,
  ) {
    super('mismatch');
  }
}

/** Throws Mismatch (with the deepest offending field) when `t` cannot be written as `shape`. */
function checkElem(shape: Shape, t: SqlType, path: string): void {
  if (t.kind === 'ANY' || t.kind === 'NULL') return;
  const fail = (): never => {
    throw new Mismatch(path, t, describeShape(shape));
  };
  switch (shape.k) {
    case 'scalar':
    case 'wrapper':
      if (!scalarAccepts(shape.t, t)) fail();
      return;
    case 'enum':
      if (t.kind !== 'STRING' && t.kind !== 'INT') fail();
      return;
    case 'json':
      if (t.kind !== 'STRING' && !(shape.which === 'struct' && (t.kind === 'MAP' || t.kind === 'ROW'))) fail();
      return;
    case 'recursive':
      if (t.kind !== 'STRING') fail();
      return;
    case 'message':
      if (shape.type.fullName === TIMESTAMP_TYPE) {
        if (t.kind !== 'TIMESTAMP' && t.kind !== 'ROW' && t.kind !== 'STRING') fail();
        if (t.kind === 'ROW') checkRowFields(shape, t.fields, path);
        return;
      }
      if (t.kind !== 'ROW') fail();
      if (t.kind === 'ROW') checkRowFields(shape, t.fields, path);
      return;
  }
}

function checkRowFields(shape: Shape & { k: 'message' }, fields: readonly Field[], path: string): void {
  const infos = new Map(messageInfos(shape.type, shape.stack).map((f) => [f.name, f]));
  for (const rf of fields) {
    const info = infos.get(rf.name);
    if (info) checkField(info, rf.type, `${path}.${rf.name}`);
  }
}

function checkField(f: FieldInfo, t: SqlType, path: string): void {
  if (t.kind === 'ANY' || t.kind === 'NULL') return;
  if (f.card === 'repeated') {
    if (t.kind !== 'ARRAY') throw new Mismatch(path, t, describeField(f));
    checkElem(f.shape, t.element, `${path}[]`);
    return;
  }
  if (f.card === 'map') {
    if (t.kind === 'MAP') {
      checkElem({ k: 'scalar', t: f.keyKind ?? 'string' }, t.key, `${path}{key}`);
      checkElem(f.shape, t.value, `${path}{value}`);
      return;
    }
    // Dagger's shape for maps: an array of key/value rows
    if (t.kind === 'ARRAY' && t.element.kind === 'ROW') return;
    throw new Mismatch(path, t, describeField(f));
  }
  checkElem(f.shape, t, path);
}

// ---- value writers ----

function bad(what: string, v: unknown, expected: string): never {
  const shown = typeof v === 'bigint' ? `${v}n` : typeof v === 'string' ? JSON.stringify(v) : v instanceof Uint8Array ? 'bytes' : JSON.stringify(v);
  throw userError(`cannot write ${shown} to ${what}: expected ${expected}`);
}

function toNumber(v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint' || v instanceof Decimal) return Number(v);
  return bad(what, v, 'a number');
}

function toInt32(v: unknown, what: string, unsigned: boolean): number {
  const n = toNumber(v, what);
  if (!Number.isInteger(n)) bad(what, v, 'an integer');
  if (unsigned ? n < 0 || n > 0xffffffff : n < -0x80000000 || n > 0x7fffffff) {
    throw userError(`cannot write ${String(v)} to ${what}: out of ${unsigned ? 'uint32' : 'int32'} range`);
  }
  return n;
}

function int64Value(v: unknown, what: string): number | bigint {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  return bad(what, v, 'an integer');
}

function scalarPayload(k: ScalarKind, what: string): Payload {
  switch (k) {
    case 'double':
      return (w, v) => w.double(toNumber(v, what));
    case 'float':
      return (w, v) => w.float(toNumber(v, what));
    case 'int32':
      return (w, v) => w.int32(toInt32(v, what, false));
    case 'uint32':
      return (w, v) => w.uint32(toInt32(v, what, true));
    case 'sint32':
      return (w, v) => w.sint32(toInt32(v, what, false));
    case 'fixed32':
      return (w, v) => w.fixed32(toInt32(v, what, true));
    case 'sfixed32':
      return (w, v) => w.fixed32(toInt32(v, what, false));
    case 'int64':
      return (w, v) => {
        const [lo, hi] = splitInt64(int64Value(v, what), false, what);
        w.varint64(lo, hi);
      };
    case 'uint64':
      return (w, v) => {
        const [lo, hi] = splitInt64(int64Value(v, what), true, what);
        w.varint64(lo, hi);
      };
    case 'sint64':
      return (w, v) => {
        const x = int64Value(v, what);
        const [lo, hi] = splitInt64(x, false, what);
        // zigzag: (n << 1) ^ (n >> 63)
        const sign = hi >>> 31 ? 0xffffffff : 0;
        const zlo = ((lo << 1) ^ sign) >>> 0;
        const zhi = (((hi << 1) | (lo >>> 31)) ^ sign) >>> 0;
        w.varint64(zlo, zhi);
      };
    case 'fixed64':
    case 'sfixed64':
      return (w, v) => {
        const [lo, hi] = splitInt64(int64Value(v, what), k === 'fixed64', what);
        w.fixed32(lo);
        w.fixed32(hi);
      };
    case 'bool':
      return (w, v) => {
        if (typeof v !== 'boolean') bad(what, v, 'a boolean');
        w.uint32(v ? 1 : 0);
      };
    case 'string':
      return (w, v) => {
        if (v instanceof Decimal) return void w.string(v.toString());
        if (typeof v !== 'string') bad(what, v, 'a string');
        w.string(v);
      };
    case 'bytes':
      return (w, v) => {
        if (v instanceof Uint8Array) w.bytes(v);
        else if (typeof v === 'string') w.string(v);
        else bad(what, v, 'bytes');
      };
  }
}

function enumNumber(e: protobuf.Enum, v: unknown, what: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') {
    const name = v.trim();
    const n = e.values[name];
    if (n !== undefined) return n;
    if (/^-?\d+$/.test(name)) return Number(name); // an unknown number read back from a decoded row
    throw userError(`cannot write ${JSON.stringify(v)} to ${what}: not a value of enum ${typeName(e)} (values: ${Object.keys(e.values).join(', ')})`);
  }
  return bad(what, v, `a name of enum ${typeName(e)}`);
}

function timestampParts(v: unknown, what: string): [seconds: number | bigint, nanos: number] {
  let ms: number;
  if (typeof v === 'number') ms = v;
  else if (typeof v === 'bigint') ms = Number(v);
  else if (v instanceof Date) ms = v.getTime();
  else if (typeof v === 'string') {
    ms = Date.parse(v);
    if (Number.isNaN(ms)) bad(what, v, 'an ISO-8601 timestamp');
  } else if (v !== null && typeof v === 'object') {
    const o = v as { seconds?: unknown; nanos?: unknown };
    const s = o.seconds ?? 0;
    const n = o.nanos ?? 0;
    if ((typeof s !== 'number' && typeof s !== 'bigint') || typeof n !== 'number') bad(what, v, 'a ROW<seconds, nanos>');
    return [s, n];
  } else return bad(what, v, 'a timestamp');
  if (!Number.isFinite(ms)) bad(what, v, 'a finite timestamp');
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

class EncoderBuilder {
  private readonly messages = new Map<string, Payload>();

  /** Writes the body of a message from a ROW object (fields matched by name; others ignored). */
  messagePayload(type: protobuf.Type, stack: readonly string[]): Payload {
    const key = stack.join('>');
    const cached = this.messages.get(key);
    if (cached) return cached;
    const writers: Array<[string, FieldWriter]> = [];
    // registered before building children so recursion through the cache terminates
    const payload: Payload = (w, v) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) bad(typeName(type), v, 'a ROW');
      const obj = v as Record<string, unknown>;
      for (let i = 0; i < writers.length; i++) {
        const [name, fw] = writers[i]!;
        const x = obj[name];
        if (x !== undefined && x !== null) fw(w, x);
      }
    };
    this.messages.set(key, payload);
    for (const f of messageInfos(type, stack)) writers.push([f.name, this.fieldWriter(f, `${typeName(type)}.${f.name}`)]);
    return payload;
  }

  elemPayload(shape: Shape, what: string): Payload {
    switch (shape.k) {
      case 'scalar':
        return scalarPayload(shape.t, what);
      case 'enum': {
        const e = shape.e;
        return (w, v) => w.int32(enumNumber(e, v, what));
      }
      case 'wrapper': {
        const inner = scalarPayload(shape.t, what);
        const tag = (1 << 3) | wireTypeOf(shape.t);
        return (w, v) => {
          const s = w.beginLen();
          w.uint32(tag);
          inner(w, v);
          w.endLen(s);
        };
      }
      case 'json':
        return (w, v) => {
          const s = w.beginLen();
          if (shape.which === 'struct') sqlToStruct(w, v, what);
          else if (shape.which === 'list') sqlToList(w, v, what);
          else sqlToValue(w, v);
          w.endLen(s);
        };
      case 'recursive': {
        const type = shape.type;
        return (w, v) => {
          let obj: unknown = v;
          if (typeof v === 'string') {
            try {
              obj = JSON.parse(v);
            } catch {
              bad(what, v, `JSON text of ${typeName(type)}`);
            }
          }
          w.bytes(type.encode(type.fromObject(obj as Record<string, unknown>)).finish());
        };
      }
      case 'message': {
        if (shape.type.fullName === TIMESTAMP_TYPE) {
          return (w, v) => {
            const [seconds, nanos] = timestampParts(v, what);
            const s = w.beginLen();
            if (seconds !== 0 && seconds !== 0n) {
              w.uint32(0x08);
              const [lo, hi] = splitInt64(seconds, false, what);
              w.varint64(lo, hi);
            }
            if (nanos !== 0) {
              w.uint32(0x10);
              w.int32(nanos);
            }
            w.endLen(s);
          };
        }
        const body = this.messagePayload(shape.type, shape.stack);
        return (w, v) => {
          const s = w.beginLen();
          body(w, v instanceof Map ? Object.fromEntries(v) : v);
          w.endLen(s);
        };
      }
    }
  }

  fieldWriter(f: FieldInfo, what: string): FieldWriter {
    const { wt } = { wt: elemWireType(f.shape) };
    const elem = this.elemPayload(f.shape, what);
    const num = f.number;
    if (f.card === 'single') {
      const tag = ((num << 3) | wt) >>> 0;
      const skipDefaults = !f.hasPresence && (f.shape.k === 'scalar' || f.shape.k === 'enum');
      if (f.shape.k === 'enum' && skipDefaults) {
        const e = f.shape.e;
        return (w, v) => {
          const n = enumNumber(e, v, what);
          if (n === 0) return;
          w.uint32(tag);
          w.int32(n);
        };
      }
      return (w, v) => {
        if (skipDefaults && (v === 0 || v === 0n || v === false || v === '' || (v instanceof Uint8Array && v.length === 0))) return;
        w.uint32(tag);
        elem(w, v);
      };
    }
    if (f.card === 'repeated') {
      const packed = f.packed && ((f.shape.k === 'scalar' && isPackable(f.shape.t)) || f.shape.k === 'enum');
      const tag = ((num << 3) | (packed ? 2 : wt)) >>> 0;
      return (w, v) => {
        if (!Array.isArray(v)) bad(what, v, 'an ARRAY');
        if (packed) {
          if (v.length === 0) return;
          w.uint32(tag);
          const s = w.beginLen();
          for (const x of v) if (x !== null && x !== undefined) elem(w, x);
          w.endLen(s);
          return;
        }
        for (const x of v) {
          if (x === null || x === undefined) continue;
          w.uint32(tag);
          elem(w, x);
        }
      };
    }
    // map
    const keyKind = f.keyKind ?? 'string';
    const keyPayload = scalarPayload(keyKind, `${what} key`);
    const keyTag = (1 << 3) | wireTypeOf(keyKind);
    const valTag = (2 << 3) | wt;
    const tag = ((num << 3) | 2) >>> 0;
    const entry = (w: Writer, k: unknown, val: unknown): void => {
      w.uint32(tag);
      const s = w.beginLen();
      w.uint32(keyTag);
      keyPayload(w, k);
      if (val !== null && val !== undefined) {
        w.uint32(valTag);
        elem(w, val);
      }
      w.endLen(s);
    };
    return (w, v) => {
      if (v instanceof Map) for (const [k, val] of v) entry(w, k, val);
      else if (Array.isArray(v)) {
        for (const e of v as Array<{ key?: unknown; value?: unknown } | null>) if (e) entry(w, e.key, e.value);
      } else if (typeof v === 'object' && v !== null) {
        for (const [k, val] of Object.entries(v)) entry(w, keyKind === 'string' ? k : coerceKey(keyKind, k), val);
      } else bad(what, v, 'a MAP');
    };
  }
}

function coerceKey(k: ScalarKind, s: string): unknown {
  if (k === 'bool') return s === 'true';
  if (k === 'int64' || k === 'uint64' || k === 'sint64' || k === 'fixed64' || k === 'sfixed64') return BigInt(s);
  return Number(s);
}

function elemWireType(shape: Shape): number {
  if (shape.k === 'scalar') return wireTypeOf(shape.t);
  if (shape.k === 'enum') return 0;
  return 2;
}

interface PathNode {
  info: FieldInfo;
  column: number | undefined;
  children: Map<string, PathNode>;
}

/**
 * An encoder writing rows with the given columns as `protoClass`. Throws DirkError('user') at creation
 * when a column's type cannot be written to its field, naming the column, the field and both types.
 */
export function createProtoRowEncoder(
  reg: DescriptorRegistry,
  protoClass: string,
  columns: readonly Field[],
  opts: { onRefreshFailed?: (error: Error) => void } = {},
): RowEncoder {
  let encode = compileEncoder(reg.lookupType(protoClass), columns);
  let generation = reg.generation;
  // After a registry refresh, recompile against the new version (new enum names become writable); a
  // version the columns no longer fit is refused and the encoder keeps the one it has.
  const refresh = (): void => {
    generation = reg.generation;
    try {
      encode = compileEncoder(reg.lookupType(protoClass), columns);
    } catch (e) {
      opts.onRefreshFailed?.(e as Error);
    }
  };
  return {
    encode(row: Row): Uint8Array {
      if (reg.generation !== generation) refresh();
      return encode(row);
    },
  };
}

function compileEncoder(type: protobuf.Type, columns: readonly Field[]): (row: Row) => Uint8Array {
  const stack = [type.fullName];
  const top = new Map<string, PathNode>();
  const infosOf = (t: protobuf.Type, st: readonly string[]): Map<string, FieldInfo> =>
    new Map(messageInfos(t, st).map((f) => [f.name, f]));
  const topInfos = infosOf(type, stack);

  columns.forEach((col, i) => {
    const parts = col.name.split('.');
    let infos = topInfos;
    let level = top;
    let node: PathNode | undefined;
    for (let p = 0; p < parts.length; p++) {
      const info = infos.get(parts[p]!);
      if (!info) return; // unmatched columns are ignored, as in Dagger
      node = level.get(info.name);
      if (!node) {
        node = { info, column: undefined, children: new Map() };
        level.set(info.name, node);
      }
      if (p < parts.length - 1) {
        if (info.card !== 'single' || info.shape.k !== 'message') {
          throw userError(
            `column "${col.name}": field ${info.name} of ${typeName(type)} is ${describeField(info)}, not a message, so "${parts
              .slice(p + 1)
              .join('.')}" cannot be filled inside it`,
          );
        }
        infos = infosOf(info.shape.type, info.shape.stack);
        level = node.children;
      }
    }
    if (!node) return;
    try {
      checkField(node.info, col.type, parts.join('.'));
    } catch (e) {
      if (!(e instanceof Mismatch)) throw e;
      throw userError(
        `type mismatch writing column "${col.name}" (${typeToString(col.type)}) to ${typeName(type)}: ` +
          `field ${e.fieldPath} is ${e.protoType}, which cannot hold ${typeToString(e.sqlType)}`,
      );
    }
    node.column = i;
  });

  const builder = new EncoderBuilder();
  const writers: Array<[get: (row: Row) => unknown, write: FieldWriter]> = [];
  // write in field-number order for canonical output
  const nodes = [...top.values()].sort((a, b) => a.info.number - b.info.number);
  for (const n of nodes) writers.push([getter(n), builder.fieldWriter(n.info, `${typeName(type)}.${n.info.name}`)]);

  const w = new Writer();
  return (row: Row): Uint8Array => {
    w.reset();
    for (let i = 0; i < writers.length; i++) {
      const [get, write] = writers[i]!;
      const v = get(row);
      if (v !== null && v !== undefined) write(w, v);
    }
    return w.finish();
  };
}

function getter(n: PathNode): (row: Row) => unknown {
  const col = n.column;
  if (n.children.size === 0) return col === undefined ? () => null : (row) => row[col];
  const kids = [...n.children.entries()].map(([name, child]) => [name, getter(child)] as const);
  return (row) => {
    const base = col === undefined ? null : row[col];
    let o: Record<string, unknown> | null =
      base !== null && typeof base === 'object' && !Array.isArray(base) ? { ...(base as Record<string, unknown>) } : null;
    for (const [name, get] of kids) {
      const v = get(row);
      if (v === null || v === undefined) continue;
      (o ??= {})[name] = v;
    }
    return o;
  };
}
