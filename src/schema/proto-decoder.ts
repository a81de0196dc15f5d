/**
 * Protobuf bytes -> positional rows.
 *
 * For each (message type, needed columns) we generate a decoder once: a loop with a `switch` on the tag
 * whose cases exist only for the fields the query reads; every other field falls to `default` and is
 * skipped by wire type without being decoded. Nested messages get their own generated decoders (all
 * fields, plain objects keyed by field name).
 *
 * Absent values follow Dagger (DynamicMessage.getField): an absent scalar reads as its default (0, "",
 * false, empty bytes), an absent enum as its first value's name, an absent message as a ROW of defaults
 * (Timestamp: {seconds: 0, nanos: 0}), repeated as [] and map as an empty Map. Differences, by design:
 * oneof members and proto3 `optional` fields read null when unset, wrappers read null when absent,
 * Struct/Value read null when absent. See docs/schemas.md.
 */
import protobuf from 'protobufjs';
import { DecodeError, userError } from '../core/errors.js';
import { typeToString, type Row, type TableSchema } from '../core/types.js';
import type { DescriptorRegistry } from './descriptor-registry.js';
import { listToSql, structToSql, valueToSql } from './proto-json.js';
import {
  fieldInfo,
  isPackable,
  messageInfos,
  rowtimeField,
  rowtimeSources,
  typeName,
  type FieldInfo,
  type ScalarKind,
  type Shape,
} from './proto-types.js';
import { Reader } from './wire.js';

export interface RowDecoder {
  /** Throws DecodeError on bytes that are not a valid message. */
  decode(bytes: Uint8Array): Row;
}

export interface ProtoDecoderOptions {
  /** Indexes into `table.columns` the query reads; other columns are left null. Default: all. */
  columns?: ReadonlySet<number>;
  /**
   * Called when the registry swapped its descriptors (auto refresh) and this decoder looked at the new
   * version of its class: compatible (the decoder was recompiled) or not (the decoder kept its schema).
   * With this hook the decoder follows the registry at once instead of at its next record.
   */
  onSchemaChange?: (event: SchemaChangeEvent) => void;
}

/** Why a refreshed schema cannot be used for a column the query reads. */
export type SchemaProblemReason = 'field_removed' | 'type_changed' | 'number_changed' | 'message_removed';

export interface SchemaProblem {
  /** Column (field) name; the class name for message_removed. */
  readonly field: string;
  readonly reason: SchemaProblemReason;
  /** Human-readable: what it was and what it is now. */
  readonly detail: string;
}

export interface SchemaChangeEvent {
  readonly protoClass: string;
  /** The registry generation looked at. */
  readonly generation: number;
  /** True when the decoder now runs on the new descriptors. */
  readonly applied: boolean;
  /** Incompatible changes to columns the query reads (non-empty exactly when applied is false). */
  readonly problems: readonly SchemaProblem[];
  /** Fields of the new version that the (pinned) table has no column for. */
  readonly newFields: readonly string[];
}

type NestedFn = (r: Reader, end: number) => unknown;
type TopFn = (r: Reader, end: number) => Row;

export function wireTypeOf(t: ScalarKind): number {
  switch (t) {
    case 'double':
    case 'fixed64':
    case 'sfixed64':
      return 1;
    case 'float':
    case 'fixed32':
    case 'sfixed32':
      return 5;
    case 'string':
    case 'bytes':
      return 2;
    default:
      return 0;
  }
}

function scalarDefault(t: ScalarKind, field?: protobuf.Field): string {
  const custom = field?.options?.['default'] as unknown;
  if (custom !== undefined && (typeof custom === 'number' || typeof custom === 'string' || typeof custom === 'boolean')) {
    if (t === 'bytes') return `new Uint8Array(0)`;
    return JSON.stringify(custom);
  }
  switch (t) {
    case 'bool':
      return 'false';
    case 'string':
      return '""';
    case 'bytes':
      return 'new Uint8Array(0)';
    default:
      return '0';
  }
}

export function enumDefaultName(e: protobuf.Enum, field?: protobuf.Field): string {
  const custom = field?.options?.['default'] as unknown;
  if (typeof custom === 'string' && custom in e.values) return custom;
  const first = Object.keys(e.values)[0];
  return first ?? '0';
}

function enumName(map: ReadonlyMap<number, string>, n: number): string {
  const s = map.get(n);
  return s === undefined ? String(n) : s;
}

function enumMap(e: protobuf.Enum): Map<number, string> {
  const m = new Map<number, string>();
  // first name wins for aliases (allow_alias), as protobuf does
  for (const [name, n] of Object.entries(e.values)) if (!m.has(n)) m.set(n, name);
  return m;
}

/** Code generation context: constants referenced by generated code, plus caches of nested decoders. */
class Gen {
  readonly consts: unknown[] = [];
  private readonly ids = new Map<unknown, string>();
  private readonly nested = new Map<string, NestedFn>();
  private readonly defaults = new Map<string, () => unknown>();
  private readonly wrappers = new Map<ScalarKind, NestedFn>();

  k(v: unknown): string {
    let id = this.ids.get(v);
    if (id === undefined) {
      id = `k${this.consts.length}`;
      this.consts.push(v);
      this.ids.set(v, id);
    }
    return id;
  }

  build<F>(body: string): F {
    const header = this.consts.map((_, i) => `const k${i} = K[${i}];`).join('\n');
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const factory = new Function('K', 'DecodeError', `'use strict';\n${header}\nreturn ${body};`) as (
      k: unknown[],
      d: typeof DecodeError,
    ) => F;
    return factory(this.consts, DecodeError);
  }

  /** Generated decoder of a nested message into a plain object keyed by field name. */
  message(type: protobuf.Type, stack: readonly string[]): NestedFn {
    const key = stack.join('>');
    let fn = this.nested.get(key);
    if (fn) return fn;
    const infos = messageInfos(type, stack);
    const g = new Gen();
    const vars = infos.map((_, i) => `v${i}`);
    const parts = fieldCode(g, infos, vars);
    const obj = infos.map((f, i) => `${JSON.stringify(f.name)}: ${vars[i]}`).join(', ');
    fn = g.build<NestedFn>(`function decode_${ident(type)}(r, end) {
  ${fieldLoop(g, type, parts, `malformed nested ${typeName(type)} (length mismatch)`)}
  return { ${obj} };
}`);
    this.nested.set(key, fn);
    return fn;
  }

  /** A function returning a fresh ROW of defaults for an absent message field. */
  defaultRow(type: protobuf.Type, stack: readonly string[]): () => unknown {
    const key = stack.join('>');
    let fn = this.defaults.get(key);
    if (fn) return fn;
    const infos = messageInfos(type, stack);
    const g = new Gen();
    const obj = infos.map((f) => `${JSON.stringify(f.name)}: ${defaultExpr(g, f)}`).join(', ');
    fn = g.build<() => unknown>(`function default_${ident(type)}() { return { ${obj} }; }`);
    this.defaults.set(key, fn);
    return fn;
  }

  wrapper(t: ScalarKind): NestedFn {
    let fn = this.wrappers.get(t);
    if (fn) return fn;
    const tag = (1 << 3) | wireTypeOf(t);
    fn = new Gen().build<NestedFn>(`function wrapper_${t}(r, end) {
  let v = ${scalarDefault(t)};
  while (r.pos < end) {
    const t = r.uint32();
    if (t === ${tag}) v = r.${t}();
    else { if (t < 8) throw new DecodeError('invalid field number 0'); r.skip(t); }
  }
  if (r.pos !== end) throw new DecodeError('malformed wrapper (length mismatch)');
  return v;
}`);
    this.wrappers.set(t, fn);
    return fn;
  }
}

// Every generated decoder gets its own Gen for constants but shares the nested caches through this one.
const sharedGen = new WeakMap<protobuf.Type, Gen>();

function rootGen(type: protobuf.Type): Gen {
  let g = sharedGen.get(type);
  if (!g) {
    g = new Gen();
    sharedGen.set(type, g);
  }
  return g;
}

let currentRoot: Gen | undefined;

function ident(type: protobuf.Type): string {
  return typeName(type).replace(/[^A-Za-z0-9_]/g, '_');
}

function recursiveToJson(type: protobuf.Type): NestedFn {
  return (r, end) => {
    const sub = r.buf.subarray(r.pos, end);
    r.pos = end;
    const msg = type.decode(sub);
    return JSON.stringify(type.toObject(msg, { longs: String, enums: String, bytes: String }));
  };
}

/** Expression reading one element of the given shape at the reader's position, and its wire type. */
function elemRead(g: Gen, shape: Shape): { wt: number; expr: string } {
  const root = currentRoot ?? g;
  switch (shape.k) {
    case 'scalar':
      return { wt: wireTypeOf(shape.t), expr: `r.${shape.t}()` };
    case 'enum':
      return { wt: 0, expr: `${g.k(enumName)}(${g.k(enumMap(shape.e))}, r.int32())` };
    case 'wrapper':
      return { wt: 2, expr: `${g.k(root.wrapper(shape.t))}(r, r.delimited())` };
    case 'json': {
      const fn = shape.which === 'struct' ? structToSql : shape.which === 'list' ? listToSql : valueToSql;
      return { wt: 2, expr: `${g.k(fn)}(r, r.delimited())` };
    }
    case 'message':
      return { wt: 2, expr: `${g.k(root.message(shape.type, shape.stack))}(r, r.delimited())` };
    case 'recursive':
      return { wt: 2, expr: `${g.k(recursiveToJson(shape.type))}(r, r.delimited())` };
  }
}

function elemDefault(g: Gen, shape: Shape, field?: protobuf.Field): string {
  const root = currentRoot ?? g;
  switch (shape.k) {
    case 'scalar':
      return scalarDefault(shape.t, field);
    case 'enum':
      return JSON.stringify(enumDefaultName(shape.e, field));
    case 'message':
      return `${g.k(root.defaultRow(shape.type, shape.stack))}()`;
    default:
      return 'null';
  }
}

/** The value of an absent field. */
function defaultExpr(g: Gen, f: FieldInfo): string {
  if (f.card === 'repeated') return '[]';
  if (f.card === 'map') return 'new Map()';
  if (f.inOneof) return 'null';
  return elemDefault(g, f.shape, f.field);
}

interface FieldCode {
  init: string;
  cases: string;
  finish: string;
}

/** Locals, switch cases and post-loop defaults for the given fields, stored in the given variables. */
function fieldCode(g: Gen, infos: readonly FieldInfo[], vars: readonly string[]): FieldCode {
  const init: string[] = [];
  const cases: string[] = [];
  const finish: string[] = [];
  infos.forEach((f, i) => {
    const v = vars[i]!;
    const { wt, expr } = elemRead(g, f.shape);
    const tag = (n: number): number => ((f.number << 3) | n) >>> 0;
    if (f.card === 'single') {
      const needsFinish = !f.inOneof && f.shape.k === 'message';
      init.push(`let ${v} = ${needsFinish || f.inOneof ? 'null' : defaultExpr(g, f)};`);
      if (needsFinish) finish.push(`if (${v} === null) ${v} = ${defaultExpr(g, f)};`);
      // setting one member of a oneof clears the others (last one wins)
      const resets = f.inOneof
        ? infos
            .map((o, j) => (j !== i && o.inOneof && o.oneofName === f.oneofName ? `${vars[j]} = null;` : ''))
            .join(' ')
        : '';
      cases.push(`      case ${tag(wt)}: ${v} = ${expr}; ${resets} break;`);
    } else if (f.card === 'repeated') {
      init.push(`let ${v} = null;`);
      finish.push(`if (${v} === null) ${v} = [];`);
      cases.push(`      case ${tag(wt)}: (${v} === null ? (${v} = []) : ${v}).push(${expr}); break;`);
      const packable = (f.shape.k === 'scalar' && isPackable(f.shape.t)) || f.shape.k === 'enum';
      if (packable) {
        cases.push(`      case ${tag(2)}: {
        const e = r.delimited();
        if (${v} === null) ${v} = [];
        while (r.pos < e) ${v}.push(${expr});
        if (r.pos !== e) throw new DecodeError('malformed packed field ${f.name}');
        break;
      }`);
      }
    } else {
      const keyKind = f.keyKind ?? 'string';
      init.push(`let ${v} = null;`);
      finish.push(`if (${v} === null) ${v} = new Map();`);
      const key = { wt: wireTypeOf(keyKind), expr: `r.${keyKind}()` };
      cases.push(`      case ${tag(2)}: {
        const e = r.delimited();
        let mk = ${scalarDefault(keyKind)}, mv = null, seen = false;
        while (r.pos < e) {
          const t2 = r.uint32();
          if (t2 === ${(1 << 3) | key.wt}) mk = ${key.expr};
          else if (t2 === ${(2 << 3) | wt}) { mv = ${expr}; seen = true; }
          else { if (t2 < 8) throw new DecodeError('invalid field number 0'); r.skip(t2); }
        }
        if (r.pos !== e) throw new DecodeError('malformed map entry of ${f.name}');
        if (!seen) mv = ${elemDefault(g, f.shape)};
        (${v} === null ? (${v} = new Map()) : ${v}).set(mk, mv);
        break;
      }`);
    }
  });
  return { init: init.join('\n  '), cases: cases.join('\n'), finish: finish.join('\n  ') };
}

/**
 * Wire types a valid writer may use for each field of `type`: the field's own, plus 2 (packed) for
 * packable repeated fields. Groups (3, 4) are always let through (they are skipped as unknown fields).
 */
function wireMasks(type: protobuf.Type): { masks: Uint8Array | Map<number, number>; names: Map<number, string> } {
  const entries: [number, number][] = [];
  const names = new Map<number, string>();
  let max = 0;
  for (const f of type.fieldsArray) {
    f.resolve();
    let mask: number;
    if (f.map) mask = 1 << 2;
    else {
      const rt = f.resolvedType;
      const wt = rt instanceof protobuf.Type ? 2 : rt instanceof protobuf.Enum ? 0 : wireTypeOf(f.type as ScalarKind);
      mask = 1 << wt;
      if (f.repeated && wt !== 2) mask |= 1 << 2;
    }
    mask |= (1 << 3) | (1 << 4);
    entries.push([f.id, mask]);
    names.set(f.id, f.name);
    if (f.id > max) max = f.id;
  }
  if (max <= 4096) {
    const arr = new Uint8Array(max + 1);
    for (const [n, m] of entries) arr[n] = m;
    return { masks: arr, names };
  }
  return { masks: new Map(entries), names };
}

function wireTypeError(type: protobuf.Type, names: Map<number, string>, masks: Uint8Array | Map<number, number>, t: number, pos: number): DecodeError {
  const n = t >>> 3;
  const mask = (masks instanceof Map ? masks.get(n) : masks[n]) ?? 0;
  const expected = [0, 1, 2, 5].filter((w) => (mask >>> w) & 1).join(' or ');
  return new DecodeError(
    `field ${n} (${names.get(n) ?? '?'}) has wire type ${t & 7} where ${typeName(type)} expects wire type ${expected} ` +
      `at byte ${pos}: the bytes are not a ${typeName(type)} (a record of another message type?)`,
  );
}

/**
 * Generated code for the default branch: a known field number arriving with a wire type its declared
 * type never uses means the bytes are not this message (e.g. a record of another type). protobuf-java
 * would treat such a field as unknown and read the default; we reject the record instead, so a wrong
 * message type becomes a bad record rather than a row of silent defaults.
 */
function wireCheck(g: Gen, type: protobuf.Type): string {
  const { masks, names } = wireMasks(type);
  const m = g.k(masks);
  const lookup = masks instanceof Map ? `${m}.get(t >>> 3)` : `${m}[t >>> 3]`;
  return `{ const wm = ${lookup}; if (wm !== undefined && wm !== 0 && ((wm >>> (t & 7)) & 1) === 0) throw ${g.k(
    (t: number, pos: number) => wireTypeError(type, names, masks, t, pos),
  )}(t, r.pos); }`;
}

/**
 * The body shared by nested and top-level decoders: reads tagged fields up to `end`, rejects a field
 * number 0 or a wrong wire type, checks the length, then fills the defaults of absent fields.
 */
function fieldLoop(g: Gen, type: protobuf.Type, parts: FieldCode, lengthMismatch: string): string {
  return `${parts.init}
  while (r.pos < end) {
    const t = r.uint32();
    switch (t) {
${parts.cases}
      default:
        if (t < 8) throw new DecodeError('invalid field number 0 at byte ' + r.pos);
        ${wireCheck(g, type)}
        r.skip(t);
    }
  }
  if (r.pos !== end) throw new DecodeError(${JSON.stringify(lengthMismatch)});
  ${parts.finish}`;
}

function timestampMillis(ts: unknown): number {
  if (ts === null || typeof ts !== 'object') return 0;
  const t = ts as { seconds: number | bigint; nanos: number };
  return Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6);
}

/**
 * Compiles the row decoder of a table over `type`. Columns are matched to fields by name (so a decoder
 * recompiled after a registry refresh keeps the pinned table layout: new fields are ignored, new enum
 * values take effect, as in Dagger).
 */
function compileTop(type: protobuf.Type, table: TableSchema, needed: ReadonlySet<number> | undefined, rowtimeNumber: number | undefined): TopFn {
  const g = new Gen();
  currentRoot = rootGen(type);
  try {
    const stack = [type.fullName];
    const byName = new Map(type.fieldsArray.map((f) => [f.name, f]));
    const infos: FieldInfo[] = [];
    const vars: string[] = [];
    const slots: string[] = [];
    let rowtimeVar: string | undefined;
    table.columns.forEach((col, i) => {
      if (i === table.rowtimeIndex) {
        slots.push('__ROWTIME__');
        return;
      }
      const field = byName.get(col.name);
      const wanted = needed === undefined || needed.has(i);
      const isRowtimeSource = rowtimeNumber !== undefined && field?.id === rowtimeNumber;
      if (!field || (!wanted && !isRowtimeSource)) {
        slots.push('null');
        return;
      }
      const info = fieldInfo(field, stack);
      if (typeToString(info.sqlType) !== typeToString(col.type)) {
        // the field changed type after a registry refresh: keep the pinned column, leave it null
        slots.push('null');
        return;
      }
      const v = `v${infos.length}`;
      infos.push(info);
      vars.push(v);
      slots.push(wanted ? v : 'null');
      if (isRowtimeSource) rowtimeVar = v;
    });
    if (table.rowtimeIndex !== undefined && rowtimeVar === undefined && rowtimeNumber !== undefined) {
      // the rowtime source column is not in the table under its name; decode it anyway
      const f = rowtimeField(type, rowtimeNumber);
      rowtimeVar = `v${infos.length}`;
      infos.push(fieldInfo(f, stack));
      vars.push(rowtimeVar);
    }
    const parts = fieldCode(g, infos, vars);
    const rowtimeExpr = rowtimeVar ? `${g.k(timestampMillis)}(${rowtimeVar})` : '0';
    const row = slots.map((s) => (s === '__ROWTIME__' ? rowtimeExpr : s)).join(', ');
    return g.build<TopFn>(`function decode_row_${ident(type)}(r, end) {
  ${fieldLoop(g, type, parts, 'length mismatch')}
  return [${row}];
}`);
  } finally {
    currentRoot = undefined;
  }
}

class ProtoRowDecoder implements RowDecoder {
  private readonly r = new Reader();
  private fn: TopFn;
  private generation: number;
  private name: string;
  /** The type the current `fn` was compiled from: what an incompatible refresh keeps. */
  private type: protobuf.Type;

  constructor(
    private readonly reg: DescriptorRegistry,
    private readonly protoClass: string,
    private readonly table: TableSchema,
    private readonly needed: ReadonlySet<number> | undefined,
    private readonly rowtimeNumber: number | undefined,
    private readonly onSchemaChange: ((event: SchemaChangeEvent) => void) | undefined,
  ) {
    const type = reg.lookupType(protoClass);
    this.type = type;
    this.name = typeName(type);
    this.generation = reg.generation;
    this.fn = compileTop(type, table, needed, rowtimeNumber);
    // With a hook, follow the registry at once (the report should not wait for the next record).
    if (onSchemaChange && reg.subscribe) reg.subscribe(() => this.refresh());
  }

  decode(bytes: Uint8Array): Row {
    if (this.reg.generation !== this.generation) this.refresh();
    const r = this.r;
    r.reset(bytes);
    try {
      return this.fn(r, bytes.length);
    } catch (e) {
      if (e instanceof DecodeError) throw new DecodeError(`cannot decode ${this.name}: ${e.message}`);
      throw new DecodeError(`cannot decode ${this.name}: ${(e as Error).message}`, e);
    } finally {
      r.buf = EMPTY; // do not pin the record
    }
  }

  private refresh(): void {
    if (this.reg.generation === this.generation) return;
    this.generation = this.reg.generation;
    const next = this.reg.hasMessage(this.protoClass) ? this.reg.lookupType(this.protoClass) : undefined;
    const problems: SchemaProblem[] = next
      ? schemaProblems(this.type, next, this.table, this.needed, this.rowtimeNumber)
      : [{ field: this.protoClass, reason: 'message_removed', detail: `the registry no longer has ${this.protoClass}` }];
    let applied = false;
    if (next && problems.length === 0) {
      this.fn = compileTop(next, this.table, this.needed, this.rowtimeNumber);
      this.type = next;
      this.name = typeName(next);
      applied = true;
    }
    if (this.onSchemaChange) {
      const columns = new Set(this.table.columns.map((c) => c.name));
      const newFields = next ? next.fieldsArray.map((f) => f.name).filter((n) => !columns.has(n)) : [];
      this.onSchemaChange({ protoClass: this.protoClass, generation: this.generation, applied, problems, newFields });
    }
  }
}

/**
 * Incompatible changes between the type a decoder runs on and a refreshed one, limited to the columns
 * the query reads (and the rowtime source): a removed field, a changed SQL type, a changed field number.
 */
export function schemaProblems(
  was: protobuf.Type,
  now: protobuf.Type,
  table: TableSchema,
  needed: ReadonlySet<number> | undefined,
  rowtimeNumber: number | undefined,
): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const oldByName = new Map(was.fieldsArray.map((f) => [f.name, f]));
  const newByName = new Map(now.fieldsArray.map((f) => [f.name, f]));
  const stackWas = [was.fullName];
  const stackNow = [now.fullName];
  table.columns.forEach((col, i) => {
    if (i === table.rowtimeIndex) return;
    const before = oldByName.get(col.name);
    if (!before) return; // not a field of the class (the column was null already)
    const isRowtime = rowtimeNumber !== undefined && before.id === rowtimeNumber;
    if (needed !== undefined && !needed.has(i) && !isRowtime) return;
    const after = newByName.get(col.name);
    if (!after) {
      problems.push({ field: col.name, reason: 'field_removed', detail: `field ${col.name} (number ${before.id}) was removed` });
      return;
    }
    const a = typeToString(fieldInfo(before, stackWas).sqlType);
    const b = typeToString(fieldInfo(after, stackNow).sqlType);
    if (a !== b) {
      problems.push({ field: col.name, reason: 'type_changed', detail: `field ${col.name} changed type from ${a} to ${b}` });
    } else if (before.id !== after.id) {
      problems.push({ field: col.name, reason: 'number_changed', detail: `field ${col.name} changed number from ${before.id} to ${after.id}` });
    }
  });
  if (rowtimeNumber !== undefined && table.rowtimeIndex !== undefined && !problems.some((p) => oldByName.get(p.field)?.id === rowtimeNumber)) {
    const f = now.fieldsById[rowtimeNumber];
    f?.resolve();
    if (!f || f.repeated || f.resolvedType?.fullName !== '.google.protobuf.Timestamp') {
      problems.push({
        field: f?.name ?? String(rowtimeNumber),
        reason: f ? 'type_changed' : 'field_removed',
        detail: `field number ${rowtimeNumber}, the rowtime source, is ${f ? 'no longer a google.protobuf.Timestamp' : 'gone'}`,
      });
    }
  }
  return problems;
}

const EMPTY = new Uint8Array(0);

/**
 * A row decoder for `protoClass` producing rows shaped like `table` (from `protoTableSchema`).
 * With `opts.columns`, only those columns are decoded (others stay null); the rowtime is always filled.
 */
export function createProtoRowDecoder(
  reg: DescriptorRegistry,
  protoClass: string,
  table: TableSchema,
  opts: ProtoDecoderOptions & { rowtimeFieldNumber?: number } = {},
): RowDecoder {
  const type = reg.lookupType(protoClass);
  let rowtimeNumber = opts.rowtimeFieldNumber;
  if (table.rowtimeIndex !== undefined && rowtimeNumber === undefined) rowtimeNumber = inferRowtimeNumber(type, table);
  return new ProtoRowDecoder(reg, protoClass, table, opts.columns, rowtimeNumber, opts.onSchemaChange);
}

/**
 * The table does not record which field feeds the rowtime; the schema module remembers it per table
 * object (see protoTableSchema), falling back to the only Timestamp field.
 */
function inferRowtimeNumber(type: protobuf.Type, table: TableSchema): number | undefined {
  const remembered = rowtimeSources.get(table);
  if (remembered !== undefined) return remembered;
  const ts = type.fieldsArray.filter((f) => (f.resolve(), f.resolvedType?.fullName === '.google.protobuf.Timestamp' && !f.repeated));
  if (ts.length === 1) return ts[0]!.id;
  throw userError(
    `cannot tell which Timestamp field of ${typeName(type)} feeds the rowtime column of table ${table.name}; ` +
      'build the table with protoTableSchema or pass rowtimeFieldNumber',
    { key: 'INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX' },
  );
}
