import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeKafkaHelpers, consumeN, createTopics, endOffsets, kafkaBootstrap, produce, uniqueTopic } from '../helpers/kafka.js';
import { startCli } from '../helpers/process.js';

/**
 * A Flink SQL script whose source table has a computed `p AS PROCTIME()` column and a processing-time group
 * window on it (GROUP BY TUMBLE(p, ...)), end to end through the CLI and the broker: the windows fire on the
 * wall clock: the records' event times are all one instant in 2020, so their watermark never passes a window
 * end of this run. (A script source table must declare a WATERMARK today: a JSON stream needs an event-time
 * field.)
 */
const dir = mkdtempSync(join(tmpdir(), 'dirk-proctime-script-'));
afterAll(() => closeKafkaHelpers());

describe('a script with a PROCTIME() computed column', () => {
  it('counts per key in 2 s processing-time windows', async () => {
    const input = uniqueTopic('proctime-in');
    const output = uniqueTopic('proctime-out');
    await createTopics([input, output], 1);
    const rows = Array.from({ length: 30 }, (_, k) => ({ bidder: 1 + (k % 3), price: k, ts: '2020-01-01 00:00:00' }));
    await produce(input, rows.map((r) => ({ value: JSON.stringify(r) })));
    const script = join(dir, `${input}.sql`);
    writeFileSync(
      script,
      `CREATE TABLE bid (
  bidder BIGINT,
  price BIGINT,
  p AS PROCTIME(),
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
CREATE TABLE counts (bidder BIGINT, n BIGINT, total BIGINT, ws TIMESTAMP(3), we TIMESTAMP(3)) WITH (
  'connector' = 'kafka',
  'topic' = '${output}',
  'properties.bootstrap.servers' = '${kafkaBootstrap()}',
  'format' = 'json'
);
INSERT INTO counts
SELECT bidder, COUNT(*), SUM(price), TUMBLE_START(p, INTERVAL '2' SECOND), TUMBLE_END(p, INTERVAL '2' SECOND)
FROM bid GROUP BY bidder, TUMBLE(p, INTERVAL '2' SECOND);
`,
    );
    const started = Date.now();
    const cli = startCli(['run', script, '--checkpoint-dir', join(dir, `cp-${input}`)], { env: { METRICS_PORT: '0' } });
    try {
      type Out = { bidder: number; n: number; total: number; ws: string; we: string };
      const want = [1, 2, 3].map((b) => [b, 10, rows.filter((r) => r.bidder === b).reduce((a, r) => a + r.price, 0)]);
      let got: Out[] = [];
      const sums = (rs: Out[]) =>
        [1, 2, 3].map((b) => [b, rs.filter((r) => r.bidder === b).reduce((a, r) => a + r.n, 0), rs.filter((r) => r.bidder === b).reduce((a, r) => a + r.total, 0)]);
      for (let deadline = Date.now() + 60_000; JSON.stringify(sums(got)) !== JSON.stringify(want) && Date.now() < deadline; ) {
        await new Promise((r) => setTimeout(r, 500));
        const n = [...(await endOffsets(output)).values()].reduce((a, b) => a + b, 0);
        if (n > 0) got = (await consumeN(output, n, 10_000)).map((m) => JSON.parse(m.value!.toString()) as Out);
      }
      expect(sums(got), cli.stderr()).toEqual(want);
      for (const r of got) {
        // 2 s windows of the wall clock of this run, not of the records (which carry no time).
        expect(Date.parse(r.we) - Date.parse(r.ws)).toBe(2000);
        expect(Date.parse(r.ws)).toBeGreaterThanOrEqual(Math.floor(started / 2000) * 2000);
        expect(Date.parse(r.we)).toBeLessThanOrEqual(Date.now());
      }
    } finally {
      const status = await cli.stop();
      expect(status.code, cli.stderr()).toBe(0);
    }
  }, 120_000);
});
