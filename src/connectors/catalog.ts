/**
 * The connector catalog: every connector's configuration, listed once. Each line is a connector folder's
 * `config.ts` declaration (its keys, its reader, its SINK_TYPE or SOURCE_NAMEs and slot); from this list the
 * config layer composes
 *
 * - the key table (src/config/defaults.ts spreads SINK_CONNECTOR_KEYS and SOURCE_CONNECTOR_KEYS in place, in
 *   this order, which is therefore the order of docs/configuration.md and of the JSON Schema),
 * - the `SinkConfig` union and the stream's source slots (`StreamConfig.kafka`, `.parquet`, ...: src/config/types.ts
 *   derives them from the readers' return types),
 * - SINK_TYPE and SOURCE_NAME dispatch, the values listed in their errors, and the free-form key prefixes.
 *
 * This module is part of the config layer though it sits under src/connectors: it imports connectors'
 * `keys.ts` / `config.ts` only, never their runtime (lint rule connector-config-is-config). The runtime side
 * (src/connectors/index.ts) is a `Record` over the names below, so a connector listed here without a runtime
 * entry fails to compile. test/unit/connectors/catalog.test.ts fails when a folder under src/connectors is
 * neither listed here nor in NOT_CATALOGUED.
 */
import type { KeyTable, SinkConfigSpec, SourceConfigSpec } from '../config/connector-spec.js';
import { bigquerySinkConfig } from './bigquery/config.js';
import { blackholeSinkConfig } from './blackhole/config.js';
import { datagenSourceConfig } from './datagen/config.js';
import { fileSourceConfig } from './file/config.js';
import { httpSinkConfig } from './http/config.js';
import { influxSinkConfig } from './influxdb/config.js';
import { kafkaSinkConfig } from './kafka/sink-config.js';
import { kafkaSourceConfig } from './kafka/source-config.js';
import { logSinkConfig } from './log/config.js';
import { parquetSourceConfig } from './parquet/config.js';
import { postgresCdcSourceConfig } from './postgres-cdc/config.js';

/** Sinks by SINK_TYPE. Order: SINK_TYPE's list in messages, and the order of their keys in the table. */
export const SINK_CATALOG = {
  log: logSinkConfig,
  influx: influxSinkConfig,
  kafka: kafkaSinkConfig,
  http: httpSinkConfig,
  bigquery: bigquerySinkConfig,
  blackhole: blackholeSinkConfig,
} as const;

/** Sources by connector folder. Order: SOURCE_NAME's list in messages, and the order of their keys. */
export const SOURCE_CATALOG = {
  kafka: kafkaSourceConfig,
  parquet: parquetSourceConfig,
  file: fileSourceConfig,
  'postgres-cdc': postgresCdcSourceConfig,
  datagen: datagenSourceConfig,
} as const;

/**
 * Folders under src/connectors that are not a SINK_TYPE or SOURCE_NAME, and why. Every other folder must be
 * imported above (scripts/check-connector-catalog.mjs in `npm run lint`, and the catalog test).
 */
export const NOT_CATALOGUED: Readonly<Record<string, string>> = {
  shared: 'helpers every connector uses (decoder contract, bad-record policy, send chain)',
  avro: "the Kafka connector's AVRO codec and registry client",
  code: "the library's sink (rows handed to the embedding program), chosen by startJob, not SINK_TYPE",
  hybrid: 'two catalogued sources read one after the other (SOURCE_DETAILS with two entries)',
  jdbc: "lookup tables ('connector' = 'jdbc' in SQL DDL), not a stream source or sink",
};

type SinkSpecs = (typeof SINK_CATALOG)[keyof typeof SINK_CATALOG];
type SourceSpecs = (typeof SOURCE_CATALOG)[keyof typeof SOURCE_CATALOG];

/** SINK_TYPE values. */
export type SinkType = keyof typeof SINK_CATALOG;
/** The parsed sink of each connector, one union member per SINK_TYPE. */
export type CatalogSinkConfig = ReturnType<SinkSpecs['parse']>;
/** SOURCE_DETAILS[].SOURCE_NAME values. */
export type SourceName = SourceSpecs['names'][number];
/** A catalogued source connector (its folder). */
export type SourceConnectorId = keyof typeof SOURCE_CATALOG;
/** A stream's source slots: `kafka?: KafkaSourceConfig`, `parquet?: ParquetSourceConfig`, ... */
export type SourceSlots = { readonly [S in SourceSpecs as S['slot']]?: ReturnType<S['parse']> };

export const SINK_TYPES = Object.keys(SINK_CATALOG) as SinkType[];
export const SINK_SPECS: readonly SinkConfigSpec[] = Object.values(SINK_CATALOG);
export const SOURCE_SPECS: readonly (SourceConfigSpec & { readonly id: SourceConnectorId })[] = (Object.keys(SOURCE_CATALOG) as SourceConnectorId[]).map((id) => ({ ...SOURCE_CATALOG[id], id }));
export const SOURCE_NAMES: readonly SourceName[] = SOURCE_SPECS.flatMap((s) => s.names as readonly SourceName[]);

/** The sink declaration of a SINK_TYPE value. */
export function sinkSpec(type: SinkType): SinkConfigSpec {
  return SINK_CATALOG[type];
}

/** The source declaration a SOURCE_NAME selects. */
export function sourceSpec(name: SourceName): SourceConfigSpec & { readonly id: SourceConnectorId } {
  return SOURCE_SPECS.find((s) => (s.names as readonly string[]).includes(name))!;
}

function compose<T extends Record<string, { readonly keys: KeyTable }>>(catalog: T): UnionToIntersection<T[keyof T]['keys']> {
  return Object.assign({}, ...Object.values(catalog).map((c) => c.keys)) as UnionToIntersection<T[keyof T]['keys']>;
}
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** Every sink's keys, in catalog order (spread into JOB_KEYS). */
export const SINK_CONNECTOR_KEYS = compose(SINK_CATALOG);
/** Every source's keys, in catalog order (spread into STREAM_KEYS). */
export const SOURCE_CONNECTOR_KEYS = compose(SOURCE_CATALOG);
/** Free-form key prefixes the connectors declare (no unknown-key warning for them). */
export const SINK_KEY_PREFIXES: readonly string[] = SINK_SPECS.flatMap((s) => s.keyPrefixes ?? []);
export const SOURCE_KEY_PREFIXES: readonly string[] = SOURCE_SPECS.flatMap((s) => s.keyPrefixes ?? []);
