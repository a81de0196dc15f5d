import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { jobJsonSchema, renderJobJsonSchema } from '../../../src/config/json-schema.js';
import { parseProperties } from '../../../src/config/properties.js';

const SCHEMA_FILE = fileURLToPath(new URL('../../../schemas/job.schema.json', import.meta.url));

type Schema = { properties: Record<string, unknown>; patternProperties: Record<string, unknown> };

function known(schema: Schema, key: string): boolean {
  return key in schema.properties || Object.keys(schema.patternProperties).some((p) => new RegExp(p).test(key));
}

describe('schemas/job.schema.json', () => {
  it('is the one generated from defaults.ts (npm run docs:schema)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8'), 'run npm run docs:schema').toBe(renderJobJsonSchema());
  });

  it("names every key of the sample job and of Dagger's quickstart, top level and per stream", () => {
    const schema = jobJsonSchema() as unknown as Schema & { properties: { STREAMS: { anyOf: [{ items: Schema & { required: string[] } }] } } };
    const streamSchema = schema.properties.STREAMS.anyOf[0].items;
    const sample = JSON.parse(readFileSync(fileURLToPath(new URL('../../../configs/example-booking-job.json', import.meta.url)), 'utf8')) as Record<string, unknown>;
    const quickstart = parseProperties(readFileSync(fileURLToPath(new URL('../../fixtures/dagger-quickstart/local.properties', import.meta.url)), 'utf8')).values;
    for (const job of [sample, { ...quickstart, STREAMS: JSON.parse(quickstart['STREAMS']!) as unknown }]) {
      for (const k of Object.keys(job)) {
        if (k === 'PYTHON_UDF_ENABLE' || k === 'PYTHON_UDF_CONFIG') continue; // Dagger keys Dirk warns about
        expect(known(schema, k), k).toBe(true);
      }
      for (const stream of job['STREAMS'] as Record<string, unknown>[]) {
        for (const k of Object.keys(stream)) expect(known(streamSchema, k), `STREAMS[].${k}`).toBe(true);
      }
    }
    expect(streamSchema.required).toContain('INPUT_SCHEMA_TABLE');
    expect(schema.properties['FLINK_WATERMARK_DELAY_MS']).toMatchObject({ default: 10000 });
  });
});
