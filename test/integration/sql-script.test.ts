import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeKafkaHelpers, consumeN, createTopics, kafkaBootstrap, produce, uniqueTopic } from '../helpers/kafka.js';
import { runCli, startCli } from '../helpers/process.js';

/**
 * `dirk run script.sql`: a Flink SQL script (SET, CREATE TABLE for a Kafka JSON source with a watermark and a
 * Kafka JSON sink, CREATE FUNCTION, CREATE VIEW, a statement set with one INSERT) end to end on the broker,
 * with exact DECIMAL sums; and a script error naming its line, column and option.
 */
const dir = mkdtempSync(join(tmpdir(), 'dirk-sql-script-'));
afterAll(() => closeKafkaHelpers());

describe('dirk run script.sql', () => {
  it('runs a Flink SQL script from a Kafka JSON table into a Kafka JSON table', async () => {
    const input = uniqueTopic('script-in');
    const output = uniqueTopic('script-out');
    await createTopics([input, output], 1);
    const rows = [
      { city: 'jakarta', fare: '12345678901234567.89', ts: '2026-01-01 09:00:05' },
      { city: 'jakarta', fare: 0.11, ts: '2026-01-01 09:00:35' },
      { city: 'bandung', fare: 3.1, ts: '2026-01-01 09:00:50' },
      // moves the watermark past 09:01:00 (5 s out-of-orderness), closing the first minute
      { city: 'bandung', fare: 1, ts: '2026-01-01 09:01:30' },
    ];
    await produce(input, rows.map((r) => ({ value: JSON.stringify(r) })));
    const script = join(dir, `${input}.sql`);
    writeFileSync(
      script,
      `SET 'pipeline.name' = 'script-${input}';
CREATE TABLE rides (
  city STRING,
  fare DECIMAL(20, 2),
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = '${input}',
  'properties.bootstrap.servers' = '${kafkaBootstrap()}',
  'properties.group.id' = 'g-${input}',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json'
);
CREATE TABLE totals (city STRING, rides BIGINT, total DECIMAL(38, 2), window_end TIMESTAMP(3)) WITH (
  'connector' = 'kafka',
  'topic' = '${output}',
  'properties.bootstrap.servers' = '${kafkaBootstrap()}',
  'format' = 'json'
);
CREATE TEMPORARY FUNCTION shout AS 'UPPER';
CREATE TEMPORARY VIEW named AS SELECT shout(city) AS city, fare, ts FROM rides;
EXECUTE STATEMENT SET BEGIN
  INSERT INTO totals
  SELECT city, COUNT(*), SUM(fare), TUMBLE_END(ts, INTERVAL '1' MINUTE)
  FROM named GROUP BY city, TUMBLE(ts, INTERVAL '1' MINUTE);
END;
`,
    );
    const cli = startCli(['run', script, '--checkpoint-dir', join(dir, `cp-${input}`)], { env: { METRICS_PORT: '0' } });
    try {
      const got = (await consumeN(output, 2, 60_000)).map((m) => JSON.parse(m.value!.toString()) as Record<string, unknown>);
      got.sort((a, b) => String(a['city']).localeCompare(String(b['city'])));
      expect(got).toEqual([
        { city: 'BANDUNG', rides: 1, total: 3.1, window_end: '2026-01-01 09:01:00' },
        { city: 'JAKARTA', rides: 2, total: 12345678901234568, window_end: '2026-01-01 09:01:00' },
      ]);
      // the exact digits, as written (JSON.parse above reads doubles)
      const raw = (await consumeN(output, 2, 10_000)).map((m) => m.value!.toString()).join('\n');
      expect(raw).toContain('"total":12345678901234568.00');
    } finally {
      await cli.stop();
    }
  }, 120_000);

  it('names the line, column and option a script uses that Dirk does not support', async () => {
    const script = join(dir, 'bad.sql');
    writeFileSync(
      script,
      `CREATE TABLE src (a BIGINT) WITH (
  'connector' = 'kafka',
  'topic' = 't',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'scan.topic-partition-discovery.interval' = '10 s'
);
CREATE TABLE snk (a BIGINT) WITH ('connector' = 'print');
INSERT INTO snk SELECT a FROM src;
`,
    );
    const r = await runCli(['validate', script], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("line 5, column 3: CREATE TABLE src: option 'scan.topic-partition-discovery.interval' is not supported");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 90_000);
});
