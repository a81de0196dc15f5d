import type * as JsonPathPlus from 'jsonpath-plus';
import { createRequire } from 'node:module';
import { defineScalar } from '../../src/udf/api.js';

/*
 * JsonQuery / JsonUpdate / JsonDelete over JSONPath (jsonpath-plus), following Dagger's Jayway settings:
 * a missing leaf reads as null, a definite path ($.a.b[0]) yields one value and an indefinite one
 * ($..a, $.a[*], filters) a list, updating a missing leaf of an existing object adds it, and output is
 * compact JSON.
 */

// jsonpath-plus is required on the first call: every job registers these functions, few call them.
const require = createRequire(import.meta.url);
let lib: typeof JsonPathPlus | undefined;
const jsonPath = (): typeof JsonPathPlus.JSONPath => (lib ??= require('jsonpath-plus') as typeof JsonPathPlus).JSONPath;

function parse(json: string, fn: string): unknown {
  if (json.trim() === '') throw new Error(`${fn}: json string can not be null or empty`);
  try {
    return JSON.parse(json);
  } catch (e) {
    throw new Error(`${fn}: invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function checkPath(path: string, fn: string): void {
  if (path.trim() === '' || !path.trim().startsWith('$')) throw new Error(`${fn}: "${path}" is not a JSONPath (it must start with $)`);
}

function isDefinite(path: string): boolean {
  return !/\*|\.\.|\?\(|\[[^\]]*[,:][^\]]*\]/.test(path);
}

/** JSON text of a SQL value: ROW objects and MAPs become objects, bigints numbers. */
function toJsonValue(v: unknown): unknown {
  if (v instanceof Map) return Object.fromEntries([...v.entries()].map(([k, x]) => [String(k), toJsonValue(x)]));
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJsonValue(x)]));
  return v ?? null;
}

interface Match {
  readonly parent: unknown;
  readonly parentProperty: string | number;
}

function matches(json: unknown, path: string): Match[] {
  return jsonPath()({ path, json: json as object, resultType: 'all', wrap: true }) as unknown as Match[];
}

export const JsonQuery = defineScalar({
  name: 'JsonQuery',
  description: "JSON text of the node(s) at a JSONPath in a JSON string; NULL when the node is missing or null. E.g. JsonQuery(payload, '$.driver.id').",
  signatures: [{ params: ['STRING', 'STRING'], returns: 'STRING' }],
  eval: (json, path) => {
    checkPath(path!, 'JsonQuery');
    const doc = parse(json!, 'JsonQuery');
    const found = jsonPath()({ path: path!, json: doc as object, wrap: true }) as unknown[];
    const value = isDefinite(path!) ? (found[0] ?? null) : found;
    return value === null ? null : JSON.stringify(value);
  },
  examples: [
    { args: ['{"k1":"v1","k2":{"a":[1,2]}}', '$.k2'], result: '{"a":[1,2]}', sql: "JsonQuery(payload, '$.k2')" },
    { args: ['{"k1":"v1"}', '$.k1'], result: '"v1"' },
    { args: ['{"k1":"v1"}', '$.missing'], result: null },
    { args: ['{"a":[{"b":1},{"b":2}]}', '$.a[*].b'], result: '[1,2]' },
    { args: [null, '$.k1'], result: null },
  ],
});

export const JsonUpdate = defineScalar({
  name: 'JsonUpdate',
  description: 'Sets the node(s) at a JSONPath to a value (any SQL value, NULL included) and returns the new JSON; a missing leaf is added.',
  signatures: [{ params: ['STRING', 'STRING', 'ANY'], returns: 'STRING' }],
  nullOnNullInput: false,
  eval: (json, path, value) => {
    if (json === null) throw new Error('JsonUpdate: json string can not be null or empty');
    if (path === null) throw new Error('JsonUpdate: json path can not be null or empty');
    checkPath(path, 'JsonUpdate');
    const doc = parse(json, 'JsonUpdate');
    const v = toJsonValue(value);
    if (path.trim() === '$') return JSON.stringify(v);
    const steps = jsonPath().toPathArray(path);
    const last = steps[steps.length - 1]!;
    const parentPath = jsonPath().toPathString(steps.slice(0, -1));
    const parents = jsonPath()({ path: parentPath, json: doc as object, wrap: true }) as unknown[];
    const wildcard = last === '*';
    for (const p of parents) {
      if (p === null || typeof p !== 'object') continue;
      if (wildcard) {
        for (const k of Object.keys(p)) (p as Record<string, unknown>)[k] = v;
      } else if (Array.isArray(p)) {
        const i = Number(last);
        if (Number.isInteger(i) && i >= -p.length && i < p.length) p[i < 0 ? p.length + i : i] = v;
      } else {
        (p as Record<string, unknown>)[last] = v;
      }
    }
    return JSON.stringify(doc);
  },
  examples: [
    { args: ['{}', '$.k1', 'v1'], result: '{"k1":"v1"}', sql: "JsonUpdate(payload, '$.k1', 'v1')" },
    { args: ['{"k1":null,"k2":"v2"}', '$.k2', 'updatedValue'], result: '{"k1":null,"k2":"updatedValue"}' },
    { args: ['{"k1":null,"k2":{"key1":"value1"}}', '$.k2.key3', 'value3'], result: '{"k1":null,"k2":{"key1":"value1","key3":"value3"}}' },
    { args: ['{"k1":null,"k2":"v2"}', '$.k2', { key1: 'value1', key2: 'value2' }], result: '{"k1":null,"k2":{"key1":"value1","key2":"value2"}}' },
    { args: ['{"k1":null,"k2":"v2"}', '$.k2', null], result: '{"k1":null,"k2":null}', argTypes: ['STRING', 'STRING', 'STRING'] },
    { args: ['{"a":[1,2,3]}', '$.a[1]', 9], result: '{"a":[1,9,3]}' },
  ],
});

export const JsonDelete = defineScalar({
  name: 'JsonDelete',
  description: 'Removes the node(s) at a JSONPath and returns the new JSON (a missing node is not an error).',
  signatures: [{ params: ['STRING', 'STRING'], returns: 'STRING' }],
  eval: (json, path) => {
    checkPath(path!, 'JsonDelete');
    const doc = parse(json!, 'JsonDelete');
    // Delete array elements from the highest index down so earlier removals do not shift later ones.
    const found = matches(doc, path!).sort((a, b) =>
      typeof a.parentProperty === 'number' && typeof b.parentProperty === 'number' ? b.parentProperty - a.parentProperty : 0,
    );
    for (const m of found) {
      if (m.parent === null || typeof m.parent !== 'object') continue;
      if (Array.isArray(m.parent)) m.parent.splice(Number(m.parentProperty), 1);
      else delete (m.parent as Record<string, unknown>)[String(m.parentProperty)];
    }
    return JSON.stringify(doc);
  },
  examples: [
    { args: ['{"k1":"v1","k2":"v2"}', '$.k1'], result: '{"k2":"v2"}', sql: "JsonDelete(payload, '$.k1')" },
    { args: ['{"a":[1,2,3]}', '$.a[0]'], result: '{"a":[2,3]}' },
    { args: ['{"a":[{"b":1,"c":2},{"b":3}]}', '$.a[*].b'], result: '{"a":[{"c":2},{}]}' },
    { args: ['{"k1":"v1"}', '$.missing'], result: '{"k1":"v1"}' },
  ],
});
