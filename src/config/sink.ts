/** One sink: SINK_TYPE picks the connector (src/connectors/catalog.ts), whose reader parses its keys. */
import { closest } from '../core/errors.js';
import { SINK_TYPES, sinkSpec } from '../connectors/catalog.js';
import { JOB_KEYS as D } from './defaults.js';
import type { Section } from './reader.js';
import type { SinkConfig, SinkType } from './types.js';

export { SINK_TYPES };

export function parseSink(s: Section): SinkConfig {
  return sinkSpec(sinkType(s)).parse(s) as SinkConfig;
}

function sinkType(s: Section): SinkType {
  const v = s.get('SINK_TYPE');
  if (v === undefined || (typeof v === 'string' && v.trim() === '')) return D.SINK_TYPE.default;
  const t = typeof v === 'string' ? v.trim().toLowerCase() : undefined;
  const hit = SINK_TYPES.find((x) => x === t);
  if (hit) return hit;
  const guess = typeof v === 'string' ? closest(v.trim(), SINK_TYPES) : undefined;
  s.error(
    'SINK_TYPE',
    `one of ${SINK_TYPES.join(', ')}`,
    v,
    `${guess ? `did you mean ${guess}? ` : ''}Dagger would silently fall back to influx; Dirk does not`,
  );
  return 'log';
}
