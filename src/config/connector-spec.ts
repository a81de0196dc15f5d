/**
 * What a connector declares about its configuration (docs/architecture.md, "Adding a connector"): its keys,
 * the reader turning them into its parsed slice, and where the slice goes. Each connector states this in its
 * own folder (`src/connectors/<name>/config.ts`); `src/connectors/catalog.ts` lists them, and the config
 * layer composes the key table, the `SinkConfig` union, the stream's source slots and the SINK_TYPE /
 * SOURCE_NAME dispatch from that list. A connector's config module imports the config layer only (lint rule
 * connector-config-is-config), never the connector's runtime.
 */
import type { KeySpec } from './key-spec.js';
import type { Section } from './reader.js';

export type DataType = 'PROTO' | 'JSON' | 'AVRO';
export type SourceType = 'BOUNDED' | 'UNBOUNDED';

export type KeyTable = Readonly<Record<string, KeySpec>>;

/** A sink chosen by SINK_TYPE: its slice is the `SinkConfig` member whose `type` is that value. */
export interface SinkConfigSpec<T extends string = string, Slice extends { readonly type: T } = { readonly type: T }> {
  /** The SINK_TYPE value (lower case). */
  readonly type: T;
  /** Its keys, spread into the key table in catalog order (`{}` for none). */
  readonly keys: KeyTable;
  /** Keys starting with these are the connector's free-form keys (passed through, no unknown-key warning). */
  readonly keyPrefixes?: readonly string[];
  /** Reads its keys from the top level or one SINKS entry; problems go to `s.issues`. */
  readonly parse: (s: Section) => Slice;
}

/** What a source reader gets besides its keys. */
export interface SourceParseContext {
  /** Relative paths are resolved against it. */
  readonly baseDir: string;
  /** SOURCE_KAFKA_CONSUME_LARGE_MESSAGE_ENABLE (job level). */
  readonly largeMessage: boolean;
  /** The stream's INPUT_DATATYPE (or the one its keys point to, when INPUT_DATATYPE was wrong). */
  readonly dataType: DataType;
}

/** A source chosen by SOURCE_DETAILS[].SOURCE_NAME: its slice goes to `StreamConfig[slot]`. */
export interface SourceConfigSpec<Slot extends string = string, Name extends string = string, Slice = unknown> {
  /** SOURCE_NAME values that select it (the first is its name). */
  readonly names: readonly Name[];
  /** The SOURCE_TYPE it runs as (Dagger builds Kafka only unbounded, Parquet only bounded). */
  readonly runsAs: SourceType;
  /** The field of StreamConfig its slice is stored in. */
  readonly slot: Slot;
  readonly keys: KeyTable;
  readonly keyPrefixes?: readonly string[];
  readonly parse: (s: Section, ctx: SourceParseContext) => Slice;
  /**
   * INPUT_DATATYPE values it reads (its records are decoded with the stream's INPUT_SCHEMA_* keys); empty
   * when the table's columns come from the source itself (PostgreSQL CDC reads them from the database).
   */
  readonly dataTypes: readonly DataType[];
  /** Why it reads no other data type, for the error (Parquet: rows are decoded with the proto schema). */
  readonly dataTypeNote?: string;
  /** Its part in a hybrid source (two SOURCE_DETAILS entries): read `first` (bounded) or `second` (Kafka). */
  readonly hybridPart?: 'first' | 'second';
  /** Brokers its dead-letter and late-record topics default to (Kafka: the stream's own). */
  sideOutputBrokers?(slice: Slice): readonly string[] | undefined;
}

/** Keeps the literal types of a sink's declaration (its `type`, its keys). */
export const sinkConfig = <const T extends string, Slice extends { readonly type: T }, const K extends KeyTable>(spec: SinkConfigSpec<T, Slice> & { readonly keys: K }) => spec;
/** Keeps the literal types of a source's declaration (its names, slot and keys). */
export const sourceConfig = <const Slot extends string, const Name extends string, Slice, const K extends KeyTable>(spec: SourceConfigSpec<Slot, Name, Slice> & { readonly keys: K }) => spec;
