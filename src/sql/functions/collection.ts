import { userError } from '../../core/errors.js';
import { T, type SqlType } from '../../core/types.js';
import type { ScalarFunctionDef } from '../../udf/api.js';
import { builtin, ex, sig, sqlEquals } from './util.js';

/** Collection functions over ARRAY (JS arrays) and MAP (JS Map) values. */

const elementType = (ts: readonly SqlType[]): SqlType => {
  const t = ts[0];
  return t?.kind === 'ARRAY' ? t.element : T.ANY;
};
const mapKeys = (ts: readonly SqlType[]): SqlType => {
  const t = ts[0];
  return T.array(t?.kind === 'MAP' ? t.key : T.ANY);
};
const mapValues = (ts: readonly SqlType[]): SqlType => {
  const t = ts[0];
  return T.array(t?.kind === 'MAP' ? t.value : T.ANY);
};

export const collectionFunctions: readonly ScalarFunctionDef[] = [
  builtin({
    name: 'CARDINALITY',
    description: 'The number of elements of an array or entries of a map.',
    signatures: [sig(['ARRAY<ANY>'], 'INT'), sig(['MAP<ANY, ANY>'], 'INT')],
    eval: (c: unknown[] | Map<unknown, unknown>) => (c instanceof Map ? c.size : c.length),
    examples: [ex([[1, 2, 3]], 3), ex([new Map([['a', 1]])], 1), ex([[]], 0)],
  }),
  builtin({
    name: 'ELEMENT',
    description: 'The only element of an array: NULL for an empty array, an error for more than one element.',
    signatures: [sig(['ARRAY<ANY>'], elementType)],
    eval: (a: unknown[]) => {
      if (a.length === 0) return null;
      if (a.length > 1) throw userError(`ELEMENT: the array has ${a.length} elements; ELEMENT needs at most one`);
      return a[0] ?? null;
    },
    examples: [ex([[7]], 7), ex([[]], null)],
  }),
  builtin({
    name: 'ARRAY_CONTAINS',
    description: 'Whether the array holds the element (a NULL element is looked for too); NULL for a NULL array.',
    signatures: [sig(['ARRAY<ANY>', 'ANY'], 'BOOLEAN')],
    nullOnNullInput: false,
    eval: (a: unknown[] | null, v: unknown) => {
      if (a === null) return null;
      if (v === null) return a.some((x) => x === null || x === undefined);
      if (typeof v !== 'object' && typeof v !== 'bigint') return a.includes(v) || (typeof v === 'number' && a.some((x) => typeof x === 'bigint' && (x as unknown as number) == v));
      return a.some((x) => sqlEquals(x, v));
    },
    examples: [ex([[1, 2, 3], 2], true), ex([[1, 2], 5], false), ex([[1, null], null], true), ex([null, 1], null), ex([[[1, 2]], [1, 2]], true)],
  }),
  builtin({
    name: 'MAP_KEYS',
    signatures: [sig(['MAP<ANY, ANY>'], mapKeys)],
    eval: (m: Map<unknown, unknown>) => [...m.keys()],
    examples: [ex([new Map([['a', 1], ['b', 2]])], ['a', 'b'])],
  }),
  builtin({
    name: 'MAP_VALUES',
    signatures: [sig(['MAP<ANY, ANY>'], mapValues)],
    eval: (m: Map<unknown, unknown>) => [...m.values()],
    examples: [ex([new Map([['a', 1], ['b', 2]])], [1, 2])],
  }),
  builtin({
    name: 'ARRAY_JOIN',
    description: 'Joins a string array with a delimiter; NULL elements are skipped, or replaced when a replacement is given.',
    signatures: [sig(['ARRAY<STRING>', 'STRING'], 'STRING'), sig(['ARRAY<STRING>', 'STRING', 'STRING'], 'STRING')],
    eval: (a: unknown[], sep: string, nullReplacement?: string) => {
      let out = '';
      let first = true;
      for (const x of a) {
        const s = x === null || x === undefined ? nullReplacement : String(x);
        if (s === undefined) continue;
        out += first ? s : sep + s;
        first = false;
      }
      return out;
    },
    examples: [ex([['a', null, 'b'], ','], 'a,b'), ex([['a', null, 'b'], ',', 'n'], 'a,n,b'), ex([[], ','], '')],
  }),
];
