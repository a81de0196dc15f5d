/** DATAGEN_SOURCE: a stream's generator keys (SOURCE_DATAGEN_*). */
import { sourceConfig } from '../../config/connector-spec.js';
import { keyReader } from '../../config/read-key.js';
import type { Section } from '../../config/reader.js';
import { DATAGEN_KEYS as D } from './keys.js';

const read = keyReader(D);

export interface DatagenSourceConfig {
  readonly rows: number;
  /** Rows per second; absent = as fast as possible. */
  readonly ratePerSecond?: number;
  readonly seed: number;
}

function parseDatagen(s: Section): DatagenSourceConfig {
  const rows = read(s, 'SOURCE_DATAGEN_ROWS');
  const seed = read(s, 'SOURCE_DATAGEN_SEED');
  const out: { -readonly [K in keyof DatagenSourceConfig]?: DatagenSourceConfig[K] } = { rows, seed };
  if (s.has('SOURCE_DATAGEN_RATE_PER_SECOND')) out.ratePerSecond = s.int('SOURCE_DATAGEN_RATE_PER_SECOND', 1, { min: 1 });
  return out as DatagenSourceConfig;
}

export const datagenSourceConfig = sourceConfig({ names: ['DATAGEN_SOURCE'], runsAs: 'BOUNDED', slot: 'datagen', keys: D, parse: parseDatagen, dataTypes: ['PROTO', 'JSON'] });
