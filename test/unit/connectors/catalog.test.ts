import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigErrors, JOB_KEYS, STREAM_KEYS, parseJobConfig } from '../../../src/config/index.js';
import { NOT_CATALOGUED, SINK_CATALOG, SOURCE_CATALOG } from '../../../src/connectors/catalog.js';
import { SINK_RUNTIMES, SOURCE_RUNTIMES } from '../../../src/connectors/index.js';

const CONNECTORS = fileURLToPath(new URL('../../../src/connectors/', import.meta.url));

describe('connector catalog (src/connectors/catalog.ts)', () => {
  it('lists every folder under src/connectors, or says why a folder is no connector', () => {
    const folders = readdirSync(CONNECTORS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    // A catalogued connector's declaration is imported from its folder.
    const text = readFileSync(`${CONNECTORS}catalog.ts`, 'utf8');
    const catalogued = new Set([...text.matchAll(/from '\.\/([^/']+)\//g)].map((m) => m[1]!));
    expect(catalogued.size).toBeGreaterThanOrEqual(Object.keys(SOURCE_CATALOG).length);
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

  it("checks a stream's data type and hybrid parts against what its source connectors declare", () => {
    const errors = (stream: Record<string, unknown>): string[] => {
      try {
        parseJobConfig({ STREAMS: [{ INPUT_SCHEMA_TABLE: 't', ...stream }], FLINK_SQL_QUERY: 'SELECT * FROM t', SINK_TYPE: 'log' });
        return [];
      } catch (e) {
        return (e as ConfigErrors).message.split('\n');
      }
    };
    const json = { INPUT_DATATYPE: 'JSON', INPUT_SCHEMA_JSON_SCHEMA: { type: 'object' }, INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'ts' };
    const parquet = [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'PARQUET_SOURCE' }];
    expect(errors({ ...json, SOURCE_DETAILS: parquet, SOURCE_PARQUET_FILE_PATHS: ['x'] }).join('\n')).toContain(
      'STREAMS[0].INPUT_DATATYPE: expected PROTO for PARQUET_SOURCE (Parquet rows are decoded with the proto schema), found "JSON"',
    );
    const avro = { INPUT_DATATYPE: 'AVRO', INPUT_SCHEMA_AVRO_SUBJECT: 's', INPUT_SCHEMA_AVRO_EVENT_TIMESTAMP_FIELD_NAME: 'ts' };
    expect(errors({ ...avro, SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'FILE_SOURCE' }], SOURCE_FILE_PATH: 'x' }).join('\n')).toContain(
      'STREAMS[0].INPUT_DATATYPE: expected PROTO or JSON for FILE_SOURCE (AVRO is read from Kafka, in the Confluent wire format), found "AVRO"',
    );
    const pair = [
      { SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'FILE_SOURCE' },
      { SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'DATAGEN_SOURCE' },
    ];
    expect(errors({ ...json, SOURCE_DETAILS: pair, SOURCE_FILE_PATH: 'x' }).join('\n')).toContain(
      'STREAMS[0].SOURCE_DETAILS[1].SOURCE_NAME: expected KAFKA_SOURCE or KAFKA_CONSUMER (the unbounded part of a hybrid source, read after the bounded one), found "DATAGEN_SOURCE"',
    );
    // A source whose columns come from the source itself needs no INPUT_SCHEMA_* keys.
    const cdc = { SOURCE_DETAILS: [{ SOURCE_TYPE: 'UNBOUNDED', SOURCE_NAME: 'POSTGRES_CDC_SOURCE' }], SOURCE_POSTGRES_CDC_DATABASE: 'd', SOURCE_POSTGRES_CDC_TABLE: 'x' };
    expect(errors(cdc)).toEqual([]);
  });
});
