/** DATAGEN_SOURCE: a stream's generator keys (SOURCE_DATAGEN_*). */
import { sourceConfig } from '../../config/connector-spec.js';
import { keyReader } from '../../config/read-key.js';
import type { Section } from '../../config/reader.js';
import { DATAGEN_KEYS as D } from './keys.js';

const read = keyReader(D);

export interface DatagenSourceConfig {
  /** Rows to generate; Infinity with SOURCE_DATAGEN_UNBOUNDED. */
  readonly rows: number;
  /** Rows per second; absent = as fast as possible. */
  readonly ratePerSecond?: number;
  readonly seed: number;
  /** SOURCE_DATAGEN_FIELDS: Flink's datagen options by column, then option name. */
  readonly flinkFields?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** `{"id.kind": "sequence", ...}` -> `{ id: { kind: 'sequence' } }` (the option is after the last dot). */
function fieldOptions(s: Section): DatagenSourceConfig['flinkFields'] {
  const flat = s.stringMap('SOURCE_DATAGEN_FIELDS');
  if (flat === undefined) return undefined;
  const out: Record<string, Record<string, string>> = {};
  for (const [k, v] of Object.entries(flat)) {
    const dot = k.lastIndexOf('.');
    if (dot <= 0 || dot === k.length - 1) {
      s.error(`SOURCE_DATAGEN_FIELDS.${k}`, '"<column>.<option>" (e.g. "id.kind")', k);
      continue;
    }
    (out[k.slice(0, dot)] ??= {})[k.slice(dot + 1)] = v;
  }
  return out;
}

function parseDatagen(s: Section): DatagenSourceConfig {
  const rows = read(s, 'SOURCE_DATAGEN_ROWS');
  const seed = read(s, 'SOURCE_DATAGEN_SEED');
  const unbounded = read(s, 'SOURCE_DATAGEN_UNBOUNDED');
  if (unbounded && s.has('SOURCE_DATAGEN_ROWS')) s.error('SOURCE_DATAGEN_UNBOUNDED', 'false when SOURCE_DATAGEN_ROWS is given (a row count bounds the source)', true);
  const out: { -readonly [K in keyof DatagenSourceConfig]?: DatagenSourceConfig[K] } = { rows: unbounded ? Infinity : rows, seed };
  if (s.has('SOURCE_DATAGEN_RATE_PER_SECOND')) out.ratePerSecond = s.int('SOURCE_DATAGEN_RATE_PER_SECOND', 1, { min: 1 });
  const fields = fieldOptions(s);
  if (fields !== undefined) out.flinkFields = fields;
  return out as DatagenSourceConfig;
}

export const datagenSourceConfig = sourceConfig({ names: ['DATAGEN_SOURCE'], runsAs: 'BOUNDED', slot: 'datagen', keys: D, parse: parseDatagen, dataTypes: ['PROTO', 'JSON'] });
