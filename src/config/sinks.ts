/**
 * One sink (SINK_TYPE with its SINK_* keys at the top level, as in Dagger) or several (SINKS: an array of
 * objects, each with its own SINK_TYPE and keys). Each SINKS entry is read exactly as the top level would be,
 * with messages naming `SINKS[i].KEY`.
 */
import { closest } from '../core/errors.js';
import { SINK_KEY_PREFIXES } from '../connectors/catalog.js';
import { JOB_KEYS } from './defaults.js';
import { Section, isPlainObject } from './reader.js';
import { parseSink } from './sink.js';
import type { SinkConfig } from './types.js';

const SINK_KEYS = Object.keys(JOB_KEYS).filter((k) => k.startsWith('SINK_') && !k.endsWith('*'));
const SINK_PREFIXES = SINK_KEY_PREFIXES;

export function parseSinks(s: Section): SinkConfig[] {
  if (!s.has('SINKS')) return [parseSink(s)];
  const v = s.json('SINKS', 'a JSON array of sink objects');
  if (!Array.isArray(v) || v.length === 0 || !v.every(isPlainObject)) {
    s.error('SINKS', 'a non-empty JSON array of sink objects, each with its own SINK_TYPE', v);
    return [{ type: 'log' }];
  }
  // Top-level sink keys next to SINKS would be silently unused: say so.
  for (const k of Object.keys(s.values)) {
    if (k.startsWith('SINK_') && s.values[k] !== undefined) {
      s.error(k, 'no top-level sink keys when SINKS is given', s.values[k], `move it into the SINKS entry it belongs to`);
    }
  }
  return v.map((entry, i) => {
    const e = new Section(entry as Record<string, unknown>, `SINKS[${i}]`, s.issues);
    if (!e.has('SINK_TYPE')) e.error('SINK_TYPE', 'the type of this sink (log, kafka, influx, http)', undefined);
    const table = e.optional('SINK_TABLE');
    const sink: SinkConfig = { ...parseSink(e), ...(table !== undefined ? { table } : {}) };
    for (const k of e.unusedKeys()) {
      if (SINK_KEYS.includes(k) || SINK_PREFIXES.some((p) => k.startsWith(p))) continue; // a key of another sink type
      const guess = closest(k, SINK_KEYS);
      s.issues.warn(`${e.path(k)} is not a sink key and is ignored${guess ? ` (did you mean ${guess}?)` : ''}`);
    }
    return sink;
  });
}

/**
 * Metric and log names of the sinks: the type, or `<type>_<i>` when two sinks share a type; a statement set's
 * sinks go by their INSERT target table (`<table>_<type>` when a table has several sinks).
 */
export function sinkNames(sinks: readonly SinkConfig[]): string[] {
  return sinks.map((c, i) => {
    if (c.table !== undefined) return sinks.filter((o) => o.table === c.table).length > 1 ? `${c.table}_${c.type}_${i}` : c.table;
    return sinks.filter((o) => o.type === c.type).length > 1 ? `${c.type}_${i}` : c.type;
  });
}
