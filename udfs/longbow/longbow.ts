import { defineScalar, type FunctionContext } from '../../src/udf/api.js';

/*
 * Longbow+ functions. Longbow+ keeps the history of a key as serialised protobuf messages (an ARRAY<BYTES>);
 * these functions decode them with the job's descriptors, which the engine provides through
 * FunctionContext.protoTypes (a protobufjs Type per message name; Java class names are accepted).
 *   Filters(protoBytes, 'com.x.Msg', CondEq('status', 'COMPLETED'), ...) -> the messages passing every predicate
 *   SelectFields(protoBytes, 'com.x.Msg', 'driver.id') or SelectFields(Filters(...), 'driver.id') -> field values
 * A decoded message is a ROW value (a plain object: enums as names, nested messages as objects, defaults
 * filled in, 64-bit integers as numbers).
 */

interface ProtoType {
  readonly fullName: string;
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): Record<string, unknown>;
}

let protoTypes: ((name: string) => unknown) | undefined;

const openLongbow = (ctx: FunctionContext): void => {
  protoTypes = ctx.protoTypes;
};

function typeFor(className: string, fn: string): ProtoType {
  if (protoTypes === undefined) {
    throw new Error(`${fn}: the job's protobuf descriptors are not available to functions (FunctionContext.protoTypes is not set)`);
  }
  const t = protoTypes(className) as ProtoType | undefined;
  if (t === undefined || t === null || typeof (t as ProtoType).decode !== 'function') {
    throw new Error(`${fn}: unknown protobuf message ${className}`);
  }
  return t;
}

function decodeAll(bytes: readonly unknown[], className: string, fn: string): Record<string, unknown>[] {
  const type = typeFor(className, fn);
  return bytes.map((b, i) => {
    if (!(b instanceof Uint8Array)) throw new Error(`${fn}: element ${i} is not BYTES`);
    const msg = type.decode(b);
    return type.toObject(msg, { enums: String, longs: Number, defaults: true, arrays: true });
  });
}

/** Read a dotted field path; a missing field is an error naming the path, as in Dagger. */
export function readField(row: unknown, path: string, fn: string): unknown {
  let cur = row;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(key in (cur as object))) {
      throw new Error(`${fn}: key ${key} does not exist in the message (path ${path})`);
    }
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur ?? null;
}

function sameValue(a: unknown, b: unknown): boolean {
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) return Number(a) === Number(b);
  return a === b;
}

export type Predicate = ((message: Record<string, unknown>) => boolean) & { readonly description: string };

export function condEq(field: string, value: unknown): Predicate {
  const p = (message: Record<string, unknown>): boolean => sameValue(value, readField(message, field, 'CondEq'));
  return Object.assign(p, { description: `${field} = ${JSON.stringify(value)}` });
}

export const CondEq = defineScalar({
  name: 'CondEq',
  description: "An equality predicate on a (dotted) field of a protobuf message, for Filters: CondEq('status', 'COMPLETED').",
  signatures: [{ params: ['STRING', 'ANY'], returns: 'ANY' }],
  eval: (field, value) => condEq(field!, value),
  examples: [{ args: ['status', 'DONE'], result: condEq('status', 'DONE'), sql: "CondEq('status', 'DONE')" }],
});

// Example messages of type dirk.test.Item { string name = 1; int32 qty = 2; Status status = 3 (UNKNOWN, DONE) }.
const ITEM_ABC = Uint8Array.from([0x0a, 3, 0x61, 0x62, 0x63, 0x10, 5, 0x18, 1]);
const ITEM_XY = Uint8Array.from([0x0a, 2, 0x78, 0x79, 0x10, 2]);
const BYTES_TYPES = ['ARRAY<BYTES>', 'STRING', 'ANY'] as const;

const isPredicate = (p: unknown): p is Predicate => typeof p === 'function';

export const Filters = defineScalar({
  name: 'Filters',
  description:
    "Decodes an array of serialised protobuf messages of the given message type and keeps those that pass every predicate (CondEq); NULL when the first argument is not an array of BYTES.",
  signatures: [{ params: ['ANY', 'STRING', 'ANY'], varargs: true, returns: 'ARRAY<ROW>' }],
  open: openLongbow,
  eval: (bytes: unknown, className: string | null, ...predicates: unknown[]) => {
    if (!Array.isArray(bytes) || !bytes.every((b) => b instanceof Uint8Array)) return null;
    predicates.forEach((p, i) => {
      if (!isPredicate(p)) throw new Error(`Filters: argument ${i + 3} is not a predicate (use CondEq)`);
    });
    return decodeAll(bytes, className!, 'Filters').filter((m) => (predicates as Predicate[]).every((p) => p(m)));
  },
  examples: [
    {
      args: [[ITEM_ABC, ITEM_XY], 'dirk.test.Item', condEq('status', 'DONE')],
      argTypes: BYTES_TYPES,
      result: [{ name: 'abc', qty: 5, status: 'DONE' }],
      sql: "Filters(history, 'dirk.test.Item', CondEq('status', 'DONE'))",
    },
    { args: [[ITEM_ABC, ITEM_XY], 'dirk.test.Item', condEq('qty', 2), condEq('name', 'xy')], argTypes: [...BYTES_TYPES, 'ANY'], result: [{ name: 'xy', qty: 2, status: 'UNKNOWN' }] },
    { args: [[], 'dirk.test.Item', condEq('qty', 1)], argTypes: BYTES_TYPES, result: [] },
    { args: ['not bytes', 'dirk.test.Item', condEq('qty', 1)], argTypes: ['STRING', 'STRING', 'ANY'], result: null },
  ],
});

export const SelectFields = defineScalar({
  name: 'SelectFields',
  description:
    "The value of a (dotted) field path in each message: SelectFields(protoBytes, 'com.x.Msg', 'a.b') decodes serialised messages first (NULL when they are not BYTES); SelectFields(Filters(...), 'a.b') reads decoded messages.",
  signatures: [
    { params: ['ANY', 'STRING', 'STRING'], returns: 'ARRAY<ANY>' },
    { params: ['ARRAY<ANY>', 'STRING'], returns: 'ARRAY<ANY>' },
  ],
  open: openLongbow,
  eval: (...args: unknown[]) => {
    if (args.length === 2) {
      const [rows, path] = args as [unknown[], string];
      return rows.map((r) => readField(r, path, 'SelectFields'));
    }
    const [bytes, className, path] = args as [unknown, string, string];
    if (!Array.isArray(bytes) || !bytes.every((b) => b instanceof Uint8Array)) return null;
    return decodeAll(bytes, className, 'SelectFields').map((r) => readField(r, path, 'SelectFields'));
  },
  examples: [
    { args: [[ITEM_ABC, ITEM_XY], 'dirk.test.Item', 'qty'], argTypes: ['ARRAY<BYTES>', 'STRING', 'STRING'], result: [5, 2], sql: "SelectFields(history, 'dirk.test.Item', 'qty')" },
    { args: [[{ name: 'abc', driver: { id: 7 } }], 'driver.id'], result: [7], sql: "SelectFields(Filters(...), 'driver.id')" },
  ],
});
