/**
 * The shape of a config key's entry in the key table (src/config/defaults.ts), in a module of its own so a
 * connector can declare its keys in its own folder (`src/connectors/<name>/keys.ts`): those files import this
 * one only, and the table composes them (docs/architecture.md, "Adding a connector").
 */
export type DefaultValue = string | number | boolean | readonly string[];

/**
 * How a key's value is read (src/config/spec.ts `readKey`): the one place a key's type, range and allowed
 * values are stated, so no call site restates them. `string` is trimmed (blank means not set); `text` is
 * taken as written (passwords); `enum` matches case-insensitively and returns the canonical spelling; `list`
 * is a comma-separated string or an array of strings.
 */
export type KeyType =
  | { readonly type: 'int'; readonly min?: number; readonly max?: number }
  | { readonly type: 'bool' }
  | { readonly type: 'string' }
  | { readonly type: 'text' }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | { readonly type: 'list' };

export interface KeySpec {
  readonly group: string;
  readonly description: string;
  /** How the value is read; keys without one are read by hand (JSON, alias pairs, per-prefix keys). */
  readonly type?: KeyType['type'];
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
  /** Present when the key has a default. */
  readonly default?: DefaultValue;
  /** When the key is required: `true`, or the condition in words. */
  readonly required?: true | string;
  readonly dagger?: string;
}

/** One key's entry, its literal types kept (so `keyof` the table names every key). */
export const key = <const S extends KeySpec>(s: S): S => s;

/** Kafka's `compression.type` values (src/connectors/kafka/compression.ts implements each). */
export const KAFKA_COMPRESSION_TYPES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type KafkaCompressionType = (typeof KAFKA_COMPRESSION_TYPES)[number];
