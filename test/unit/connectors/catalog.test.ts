import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { JOB_KEYS, STREAM_KEYS, parseJobConfig } from '../../../src/config/index.js';
import { NOT_CATALOGUED, SINK_CATALOG, SINK_FOLDERS, SOURCE_CATALOG } from '../../../src/connectors/catalog.js';
import { SINK_RUNTIMES, SOURCE_RUNTIMES } from '../../../src/connectors/index.js';

const CONNECTORS = fileURLToPath(new URL('../../../src/connectors/', import.meta.url));

describe('connector catalog (src/connectors/catalog.ts)', () => {
  it('lists every folder under src/connectors, or says why a folder is no connector', () => {
    const folders = readdirSync(CONNECTORS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    const catalogued = new Set([...Object.values(SINK_FOLDERS), ...Object.keys(SOURCE_CATALOG)]);
    const missing = folders.filter((f) => !catalogued.has(f) && !(f in NOT_CATALOGUED));
    expect(missing, 'add each to SINK_CATALOG / SOURCE_CATALOG (or to NOT_CATALOGUED with the reason)').toEqual([]);
    // And nothing listed is gone.
    for (const f of [...catalogued, ...Object.keys(NOT_CATALOGUED)]) expect(folders, f).toContain(f);
  });

  it('composes every connector key into the one key table, each under one connector', () => {
    const seen = new Map<string, string>();
    const add = (owner: string, keys: object, table: object): void => {
      for (const k of Object.keys(keys)) {
        expect(seen.get(k), `${k} declared by ${owner} and ${seen.get(k)}`).toBeUndefined();
        seen.set(k, owner);
        expect(k in table, `${k} (${owner}) is in the key table`).toBe(true);
      }
    };
    for (const [t, c] of Object.entries(SINK_CATALOG)) add(`sink ${t}`, c.keys, JOB_KEYS);
    for (const [id, c] of Object.entries(SOURCE_CATALOG)) add(`source ${id}`, c.keys, STREAM_KEYS);
  });

  it('has a runtime entry for every catalogued connector', () => {
    expect(Object.keys(SOURCE_RUNTIMES).sort()).toEqual(Object.keys(SOURCE_CATALOG).sort());
    expect(Object.keys(SINK_RUNTIMES).sort()).toEqual(Object.keys(SINK_CATALOG).sort());
    for (const [id, c] of Object.entries(SOURCE_CATALOG)) expect(SOURCE_RUNTIMES[id as keyof typeof SOURCE_RUNTIMES].name, id).toBe(c.names[0]);
  });

  it('dispatches SINK_TYPE to the connector reader, whose slice is a SinkConfig member', () => {
    const { config: cfg } = parseJobConfig({
      STREAMS: [{ INPUT_SCHEMA_TABLE: 't', INPUT_SCHEMA_PROTO_CLASS: 'x.Y', INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX: '1', SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'DATAGEN_SOURCE' }] }],
      FLINK_SQL_QUERY: 'SELECT * FROM t',
      SINK_TYPE: 'http',
      SINK_HTTP_URL: 'http://127.0.0.1:1/x',
    });
    expect(cfg.sink.type).toBe('http');
    if (cfg.sink.type === 'http') expect(cfg.sink.method).toBe('POST');
    expect(cfg.streams[0]!.datagen).toEqual({ rows: 1000, seed: 1 });
  });
});
