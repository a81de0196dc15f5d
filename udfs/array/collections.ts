import { defineScalar } from '../../src/udf/api.js';

const text = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'object' ? JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) : String(v));

function readPath(value: unknown, path: string): unknown {
  let cur = value;
  for (const key of path.split('.')) {
    if (cur === null || cur === undefined) return undefined;
    cur = cur instanceof Map ? cur.get(key) : typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined;
  }
  return cur;
}

/**
 * ElementAt. With (array, index) it returns the element as a string, counting from the end for a negative index,
 * and NULL out of range. With (rows, arrayPath, index, path[, table]) it reads a dotted field path inside the
 * row at index and returns it as a string, or '' when anything is missing (Dagger's behaviour). arrayPath and
 * table only served Dagger to find the proto descriptor; rows here carry their field names, so they are
 * accepted and not needed.
 */
export const ElementAt = defineScalar({
  name: 'ElementAt',
  description:
    "Element of an array as a string: ElementAt(arr, idx) (negative idx counts from the end, NULL when out of range), or ElementAt(rows, arrayPath, idx, fieldPath[, table]) reading a field of the row at idx ('' when missing).",
  signatures: [
    { params: ['ARRAY<ANY>', 'INT'], returns: 'STRING' },
    { params: ['ARRAY<ROW>', 'STRING', 'INT', 'STRING'], returns: 'STRING' },
    { params: ['ARRAY<ROW>', 'STRING', 'INT', 'STRING', 'STRING'], returns: 'STRING' },
  ],
  nullOnNullInput: false,
  eval: (...args: unknown[]) => {
    const arr = args[0] as unknown[] | null;
    if (args.length === 2) {
      const index = args[1] as number | null;
      if (arr === null || index === null || index >= arr.length) return null;
      const i = index < 0 ? arr.length + index : index;
      return i < 0 ? null : text(arr[i]);
    }
    const index = args[2] as number | null;
    const path = args[3] as string | null;
    if (arr === null || index === null || path === null || index < 0 || index >= arr.length) return '';
    const v = readPath(arr[index], path);
    return v === undefined ? '' : String(text(v));
  },
  examples: [
    { args: [['a', 'b', 'c'], 1], result: 'b', sql: 'ElementAt(arr, 1)' },
    { args: [['a', 'b', 'c'], -1], result: 'c' },
    { args: [[1, 2], 5], result: null },
    { args: [[1, 2], -3], result: null },
    { args: [null, 0], result: null },
    { args: [[{ id: 'x', loc: { lat: 1.5 } }], 'items', 0, 'loc.lat'], result: '1.5', sql: "ElementAt(items, 'items', 0, 'loc.lat')" },
    { args: [[{ id: 'x' }], 'items', 2, 'id'], result: '' },
  ],
});

export const ListContains = defineScalar({
  name: 'ListContains',
  description: 'True if the array contains the item (NULL array: false).',
  signatures: [{ params: ['ARRAY<ANY>', 'ANY'], returns: 'BOOLEAN' }],
  nullOnNullInput: false,
  eval: (list, item) => (list === null ? false : (list as unknown[]).includes(item)),
  examples: [
    { args: [['a', 'b'], 'b'], result: true, sql: "ListContains(tags, 'b')" },
    { args: [['a', 'b'], 'c'], result: false },
    { args: [[], 'a'], result: false },
    { args: [null, 'a'], result: false },
  ],
});

/** MapGet: an array of (key, value) rows, or a MAP; the value of the first entry whose key equals `key`. */
export const MapGet = defineScalar({
  name: 'MapGet',
  description: 'Value for key in an array of (key, value) rows (as Dagger reads proto maps) or in a MAP; NULL when absent.',
  signatures: [
    {
      params: ['ARRAY<ROW>', 'ANY'],
      returns: (ts) => {
        const a = ts[0];
        return a?.kind === 'ARRAY' && a.element.kind === 'ROW' && a.element.fields[1] ? a.element.fields[1].type : { kind: 'ANY' };
      },
    },
    { params: ['MAP<ANY, ANY>', 'ANY'], returns: (ts) => (ts[0]?.kind === 'MAP' ? ts[0].value : { kind: 'ANY' }) },
  ],
  eval: (entries, key) => {
    if (entries instanceof Map) return entries.get(key) ?? null;
    for (const row of entries as unknown as unknown[]) {
      if (row === null || typeof row !== 'object') continue;
      const fields = Array.isArray(row) ? row : Object.values(row);
      if (fields[0] === key) return fields[1] ?? null;
    }
    return null;
  },
  examples: [
    { args: [[{ key: 'a', value: 1 }, { key: 'b', value: 2 }], 'b'], result: 2, sql: "MapGet(metadata, 'b')" },
    { args: [[{ key: 'a', value: 1 }], 'z'], result: null },
    { args: [new Map([['k', 'v']]), 'k'], result: 'v' },
    { args: [[], 'a'], result: null },
  ],
});
