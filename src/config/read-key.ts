import type { KeySpec } from './key-spec.js';
import type { Section } from './reader.js';

/**
 * Reads a config key through its spec (src/config/key-spec.ts): the key's type, range, allowed values and
 * default are stated once, in the key table, and the value's TypeScript type follows from them, so a call
 * site names only the key. Problems are recorded on the section (key, expected, found), and the default is
 * used so parsing goes on.
 *
 * This module depends on no key table, so a connector's config reader (src/connectors/<name>/config.ts) reads
 * its own keys with it (`keyReader(ITS_KEYS)`) without importing the composed table, which imports the
 * connector catalog in turn.
 */
type Spec = KeySpec & { readonly type: string };

/** The value a spec reads to (before its default is applied). */
type ValueOf<S> = S extends { readonly type: 'int' }
  ? number
  : S extends { readonly type: 'bool' }
    ? boolean
    : S extends { readonly type: 'enum'; readonly values: readonly (infer V)[] }
      ? V
      : S extends { readonly type: 'list' }
        ? string[]
        : S extends { readonly type: 'string' | 'text' }
          ? string
          : never;

/** A read gives the value, or undefined when the key is absent and has no default. */
export type KeyValue<S> = S extends { readonly default: unknown } ? ValueOf<S> : ValueOf<S> | undefined;

/** The keys of a table that have a type (the others are read by hand). */
export type TypedKeys<Table> = { [K in keyof Table]: Table[K] extends { readonly type: string } ? K : never }[keyof Table];

/** A reader of the typed keys of one table: `keyReader(HTTP_KEYS)(s, 'SINK_HTTP_METHOD')`. */
export function keyReader<Table extends Readonly<Record<string, KeySpec>>>(table: Table) {
  return <K extends TypedKeys<Table> & string>(s: Section, key: K): KeyValue<Table[K]> => readBySpec(s, key, table[key] as Spec) as KeyValue<Table[K]>;
}

export function readBySpec(s: Section, key: string, spec: Spec): unknown {
  const d = spec.default;
  switch (spec.type) {
    case 'int':
      return s.int(key, d as number | undefined, { ...(spec.min === undefined ? {} : { min: spec.min }), ...(spec.max === undefined ? {} : { max: spec.max }) });
    case 'bool':
      return s.bool(key, d as boolean | undefined);
    case 'enum':
      return s.oneOf(key, spec.values ?? [], d as string | undefined);
    case 'list':
      return s.list(key) ?? (Array.isArray(d) ? [...(d as readonly string[])] : undefined);
    case 'string':
      return s.optional(key) ?? d;
    case 'text':
      return s.str(key) ?? d;
    default:
      throw new Error(`internal error: config key ${key} has an unknown type ${spec.type}`);
  }
}
