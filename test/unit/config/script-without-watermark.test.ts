import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigErrors, loadJobConfigFile, parseJobConfig } from '../../../src/config/index.js';
import { scriptToConfig } from '../../../src/job/sql-script.js';

/**
 * A SQL script's JSON source table without a WATERMARK (processing time only, as Flink allows) has no
 * event-time field; a JSON stream of a Dagger config still needs INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME.
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dirk-script-nowm-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SCRIPT = `CREATE TABLE orders (order_id STRING, amount DOUBLE, pt AS PROCTIME())
WITH ('connector' = 'kafka', 'topic' = 'o', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');
CREATE TABLE out_t (order_id STRING, amount DOUBLE) WITH ('connector' = 'kafka', 'topic' = 'x', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');
INSERT INTO out_t SELECT order_id, amount FROM orders;
`;

describe('a script source table without WATERMARK', () => {
  it('loads from a .sql file with no event-time field', async () => {
    const p = join(dir, 'job.sql');
    await writeFile(p, SCRIPT);
    const { config } = await loadJobConfigFile(p, { env: {} });
    expect(config.streams).toHaveLength(1);
    expect(config.streams[0]!.table).toBe('orders');
    expect(config.streams[0]!.jsonEventTimestampFieldName).toBeUndefined();
  });

  it('is still an error in a JSON config without the flag', () => {
    const err = (() => {
      try {
        parseJobConfig(scriptToConfig(SCRIPT));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigErrors);
    expect((err as Error).message).toContain('STREAMS[0].INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: expected the name of the event-time field');
  });
});
