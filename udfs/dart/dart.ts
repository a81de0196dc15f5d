import { defineScalar } from '../../src/udf/api.js';
import { DartCache } from './dart-store.js';

function toSet(raw: unknown, name: string): { data: Set<string>; empty: boolean } {
  const list = (raw as { data?: unknown } | null)?.data;
  if (!Array.isArray(list)) throw new Error(`DartContains: dart-contains/${name} must be a JSON object {"data": [...]}`);
  return { data: new Set(list.map(String)), empty: list.length === 0 };
}

function toMap(raw: unknown, name: string): { data: Map<string, string>; empty: boolean } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`DartGet: dart-get/${name} must be a JSON object`);
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(raw)) if (v !== null) m.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  return { data: m, empty: m.size === 0 };
}

export const containsCache = new DartCache<Set<string>>('DartContains', 'dart-contains', toSet);
export const getCache = new DartCache<Map<string, string>>('DartGet', 'dart-get', toMap);

const regexCache = new Map<string, RegExp>();
/** Dagger fills the list item into the pattern with Java's String.format ('%s') and matches the whole value. */
function matchesPattern(pattern: string, item: string, value: string): boolean {
  const src = `^(?:${pattern.replace(/%s/g, () => item).replace(/%%/g, '%')})$`;
  let re = regexCache.get(src);
  if (re === undefined) {
    re = new RegExp(src, 'u');
    if (regexCache.size > 10_000) regexCache.clear();
    regexCache.set(src, re);
  }
  return re.test(value);
}

export const DartContains = defineScalar({
  name: 'DartContains',
  description:
    "True if value is in the list dart-contains/<list> ({\"data\": [...]}) of the dart store; with a regex, true if value fully matches the regex with '%s' replaced by some list item. The list is cached for ttlHours (default 1).",
  signatures: [
    { params: ['STRING', 'STRING'], returns: 'BOOLEAN' },
    { params: ['STRING', 'STRING', 'INT'], returns: 'BOOLEAN' },
    { params: ['STRING', 'STRING', 'STRING'], returns: 'BOOLEAN' },
    { params: ['STRING', 'STRING', 'STRING', 'INT'], returns: 'BOOLEAN' },
  ],
  deterministic: false,
  open: (ctx) => containsCache.open(ctx),
  evalAsync: async (listName: string | null, value: string | null, third?: string | number | null, fourth?: number | null) => {
    const regex = typeof third === 'string' ? third : undefined;
    const ttl = typeof third === 'number' ? third : (fourth ?? 1);
    const set = await containsCache.get(listName!, ttl);
    if (regex === undefined) return set.has(value!);
    for (const item of set) if (matchesPattern(regex, item, value!)) return true;
    return false;
  },
  // The examples read the store of the test fixtures (test/unit/udfs/fixtures/darts).
  examples: [
    { args: ['cities', 'jakarta'], result: true, sql: "DartContains('cities', city)" },
    { args: ['cities', 'paris', 24], result: false },
    { args: ['cities', 'south jakarta', '.*%s'], result: true, sql: "DartContains('cities', area, '.*%s')" },
    { args: ['cities', 'jakarta!', '%s', 2], result: false },
  ],
});

export const DartGet = defineScalar({
  name: 'DartGet',
  description:
    'Value of key in the map dart-get/<collection> ({"key": "value", ...}) of the dart store, cached for ttlHours; a missing key is an error unless a default is given.',
  signatures: [
    { params: ['STRING', 'STRING', 'INT'], returns: 'STRING' },
    { params: ['STRING', 'STRING', 'INT', 'STRING'], returns: 'STRING' },
  ],
  deterministic: false,
  nullOnNullInput: false,
  open: (ctx) => getCache.open(ctx),
  evalAsync: async (collection: string | null, key: string | null, ttlHours: number | null, ...rest: (string | null)[]) => {
    if (collection === null || ttlHours === null) return null;
    const map = await getCache.get(collection, ttlHours);
    const v = key === null ? undefined : map.get(key);
    if (v !== undefined) return v;
    if (rest.length > 0) return rest[0] ?? null;
    throw new Error(`DartGet: key "${key}" does not exist in dart-get/${collection}`);
  },
  examples: [
    { args: ['surge', 'jakarta', 1], result: '1.5', sql: "DartGet('surge', city, 1)" },
    { args: ['surge', 'bandung', 1, '1.0'], result: '1.0', sql: "DartGet('surge', city, 1, '1.0')" },
  ],
});
