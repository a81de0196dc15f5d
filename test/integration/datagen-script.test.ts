import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptToConfig } from '../../src/job/sql-script.js';
import { runCli } from '../helpers/process.js';

/**
 * Flink SQL scripts that need no outside system: a 'datagen' source table (Flink's options: rows-per-second,
 * number-of-rows, fields.<column>.*) into 'print' or 'blackhole', run by `dirk run script.sql` until the
 * generated input ends.
 */
const dir = mkdtempSync(join(tmpdir(), 'dirk-datagen-script-'));
const script = (name: string, text: string): string => {
  const p = join(dir, `${name}.sql`);
  writeFileSync(p, text);
  return p;
};
// No fixed metrics port: other jobs share this machine.
const env = { METRICS_PORT: '0' };

const CLICKS = `CREATE TABLE clicks (
  user_id INT,
  url STRING,
  seq BIGINT,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '400',
  'number-of-rows' = '600',
  'fields.user_id.min' = '1',
  'fields.user_id.max' = '3',
  'fields.url.length' = '4',
  'fields.seq.kind' = 'sequence',
  'fields.seq.start' = '1',
  'fields.seq.end' = '1000000',
  'fields.ts.max-past' = '500'
);
`;

describe("'connector' = 'datagen' in a SQL script", () => {
  it('maps Flink options to the datagen source, blackhole to its sink', () => {
    const config = scriptToConfig(`${CLICKS}CREATE TABLE sink_t (user_id INT) WITH ('connector' = 'blackhole');
INSERT INTO sink_t SELECT user_id FROM clicks;`);
    expect(config['SINK_TYPE']).toBe('blackhole');
    const stream = (config['STREAMS'] as Record<string, unknown>[])[0]!;
    expect(stream).toMatchObject({
      SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'DATAGEN_SOURCE' }],
      SOURCE_DATAGEN_RATE_PER_SECOND: 400,
      SOURCE_DATAGEN_ROWS: 600,
      SOURCE_DATAGEN_FIELDS: { 'user_id.min': '1', 'user_id.max': '3', 'url.length': '4', 'seq.kind': 'sequence', 'seq.start': '1', 'seq.end': '1000000', 'ts.max-past': '500' },
    });
    // Without number-of-rows the table is unbounded, at Flink's default rate.
    const unbounded = scriptToConfig(`CREATE TABLE g (x INT) WITH ('connector' = 'datagen');
CREATE TABLE s (x INT) WITH ('connector' = 'print');
INSERT INTO s SELECT x FROM g;`);
    expect((unbounded['STREAMS'] as Record<string, unknown>[])[0]).toMatchObject({ SOURCE_DATAGEN_UNBOUNDED: true, SOURCE_DATAGEN_RATE_PER_SECOND: 10_000 });
  });

  it('runs a TUMBLE count over generated clicks to the end of the input: every row counted once', async () => {
    const job = script(
      'clicks',
      `${CLICKS}CREATE TABLE counts (user_id INT, window_start TIMESTAMP(3), n BIGINT, first_seq BIGINT) WITH ('connector' = 'print');
INSERT INTO counts
SELECT user_id, window_start, COUNT(*) AS n, MIN(seq) AS first_seq
FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' SECOND))
GROUP BY user_id, window_start, window_end;`,
    );
    const r = await runCli(['run', job], { env, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('+I '));
    expect(lines.length).toBeGreaterThanOrEqual(3);
    let total = 0;
    for (const l of lines) {
      const m = /user_id=(\d+), window_start=\S+, n=(\d+), first_seq=(\d+)/.exec(l);
      expect(m, l).not.toBeNull();
      expect([1, 2, 3]).toContain(Number(m![1]));
      total += Number(m![2]);
    }
    expect(total).toBe(600);
    expect(r.stderr).toContain('records_read=600');
  }, 90_000);

  it('an event-time column computed as LOCALTIMESTAMP (Flink\'s usual datagen DDL): generated with each row, windows close on it', async () => {
    const t0 = Date.now();
    const job = script(
      'orders',
      `CREATE TABLE orders (
  order_id BIGINT,
  price DECIMAL(10, 2),
  buyer STRING,
  order_time AS LOCALTIMESTAMP,
  WATERMARK FOR order_time AS order_time - INTERVAL '1' SECOND
) WITH ('connector' = 'datagen', 'rows-per-second' = '1000', 'fields.order_id.kind' = 'sequence', 'fields.order_id.start' = '1', 'fields.order_id.end' = '1500');
CREATE TABLE counts (window_start TIMESTAMP(3), n BIGINT, last_time TIMESTAMP(3)) WITH ('connector' = 'print');
INSERT INTO counts
SELECT window_start, COUNT(*), MAX(order_time) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(order_time), INTERVAL '1' SECOND))
GROUP BY window_start, window_end;`,
    );
    const r = await runCli(['run', job], { env, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const windows = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('+I '))
      .map((l) => /window_start=(\S+), n=(\d+), last_time=(\S+)\}/.exec(l)!);
    expect(windows.length).toBeGreaterThanOrEqual(2);
    expect(windows.reduce((sum, m) => sum + Number(m[2]), 0)).toBe(1500);
    for (const m of windows) {
      const start = Date.parse(m[1]!);
      const last = Date.parse(m[3]!);
      // The rows' time is when they were made: in this run, inside their window.
      expect(start).toBeGreaterThanOrEqual(Math.floor(t0 / 1000) * 1000);
      expect(start).toBeLessThanOrEqual(Date.now());
      expect(last - start).toBeLessThan(1000);
    }
  }, 90_000);

  it('another computed event-time column of a datagen table is a SQL error at the WATERMARK', async () => {
    const job = script('badts', `CREATE TABLE g (id BIGINT, ts AS CAST('2026-01-01 00:00:00' AS TIMESTAMP(3)), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen');
CREATE TABLE s (id BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO s SELECT id FROM g;`);
    const r = await runCli(['run', job], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 1, column \d+: WATERMARK FOR ts: a 'datagen' table's computed event-time column must be the time a row is generated \(LOCALTIMESTAMP, CURRENT_TIMESTAMP or NOW\(\)\)/);
  });

  it("a sequence ends the source: 'blackhole' takes every row", async () => {
    const job = script(
      'seq',
      `CREATE TABLE g (id BIGINT, name STRING) WITH ('connector' = 'datagen', 'rows-per-second' = '100000', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '2500');
CREATE TABLE nothing (id BIGINT, name STRING) WITH ('connector' = 'blackhole');
INSERT INTO nothing SELECT id, name FROM g WHERE id % 2 = 0;`,
    );
    const r = await runCli(['run', job], { env, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('records_read=2500 records_written=1250');
  }, 90_000);

  it('a wrong option is a SQL error at its line and column (exit 2, no stack)', async () => {
    const job = script(
      'bad',
      `CREATE TABLE g (id BIGINT) WITH (
  'connector' = 'datagen',
  'fields.id.kind' = 'sequence',
  'fields.id.start' = '10',
  'fields.id.end' = '1'
);
CREATE TABLE s (id BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO s SELECT id FROM g;`,
    );
    const r = await runCli(['run', job], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("line 5, column 3: CREATE TABLE g: option 'fields.id.end': 1 is below 'start' (10)");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
