import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeKafkaHelpers, consumeN, createTopics, endOffsets, kafkaBootstrap, produce, uniqueTopic } from '../helpers/kafka.js';
import { startCli } from '../helpers/process.js';

/**
 * `dirk run script.sql` with a statement set of three INSERTs reading one Kafka topic: a filter to a Kafka
 * JSON table, a TUMBLE count to another, and a running SUM to an upsert-kafka table. Every output is checked
 * exactly (each topic holds exactly the expected records). The job is then stopped (final checkpoint), more
 * input is produced, and the restarted job resumes every branch from the one checkpoint: no filter row is
 * written twice, the open window keeps the row it had before the stop, and the sums continue.
 */
const dir = mkdtempSync(join(tmpdir(), 'dirk-statement-set-'));
afterAll(() => closeKafkaHelpers());

type Json = Record<string, unknown>;
const values = (ms: { value: Buffer | null }[]): (Json | null)[] => ms.map((m) => (m.value ? (JSON.parse(m.value.toString()) as Json) : null));

/** The number of records in the topic's one partition. */
async function count(topic: string): Promise<number> {
  return (await endOffsets(topic)).get(0)!;
}

describe('statement set: several INSERTs in one job', () => {
  it('writes each INSERT to its own Kafka topic from one read of the source, and resumes all from one checkpoint', async () => {
    const input = uniqueTopic('ss-in');
    const big = uniqueTopic('ss-big');
    const perMinute = uniqueTopic('ss-minute');
    const totals = uniqueTopic('ss-totals');
    await createTopics([input, big, perMinute, totals], 1);
    const script = join(dir, `${input}.sql`);
    const kafka = (topic: string, extra: string): string =>
      `'connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${kafkaBootstrap()}'${extra}`;
    writeFileSync(
      script,
      `SET 'pipeline.name' = 'ss-${input}';
SET 'execution.checkpointing.interval' = '1 s';
CREATE TABLE bids (bidder STRING, price BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH (${kafka(input, `, 'properties.group.id' = 'g-${input}', 'scan.startup.mode' = 'earliest-offset', 'format' = 'json'`)});
CREATE TABLE big (bidder STRING, price BIGINT) WITH (${kafka(big, `, 'format' = 'json'`)});
CREATE TABLE per_minute (bids BIGINT, window_end TIMESTAMP(3)) WITH (${kafka(perMinute, `, 'format' = 'json'`)});
CREATE TABLE totals (bidder STRING, total BIGINT, PRIMARY KEY (bidder) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = '${totals}', 'properties.bootstrap.servers' = '${kafkaBootstrap()}', 'key.format' = 'json', 'value.format' = 'json');
EXECUTE STATEMENT SET BEGIN
  INSERT INTO big SELECT bidder, price FROM bids WHERE price >= 100;
  INSERT INTO per_minute SELECT COUNT(*), TUMBLE_END(ts, INTERVAL '1' MINUTE) FROM bids GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE);
  INSERT INTO totals SELECT bidder, SUM(price) FROM bids GROUP BY bidder;
END;
`,
    );
    const bid = (bidder: string, price: number, ts: string): { value: string } => ({ value: JSON.stringify({ bidder, price, ts: `2026-01-01 ${ts}` }) });
    await produce(input, [bid('ann', 50, '09:00:05'), bid('bob', 150, '09:00:20'), bid('ann', 200, '09:00:40'), bid('bob', 10, '09:01:30')]);
    const args = ['run', script, '--checkpoint-dir', join(dir, `cp-${input}`)];
    const first = startCli(args, { env: { METRICS_PORT: '0' } });
    try {
      expect(values(await consumeN(big, 2, 60_000))).toEqual([
        { bidder: 'bob', price: 150 },
        { bidder: 'ann', price: 200 },
      ]);
      // the 09:01:30 row moved the watermark past 09:01:00 (1 s out-of-orderness), closing the first minute only
      expect(values(await consumeN(perMinute, 1, 60_000))).toEqual([{ bids: 3, window_end: '2026-01-01 09:01:00' }]);
      await expect.poll(() => latest(totals), { timeout: 30_000 }).toEqual({ '{"bidder":"ann"}': { bidder: 'ann', total: 250 }, '{"bidder":"bob"}': { bidder: 'bob', total: 160 } });
      // metrics name each sink by its table
      const url = /metrics at (\S+)/.exec(await first.waitForLine('metrics at'))![1]!;
      await expect
        .poll(async () => (await (await fetch(url)).text()).split('\n').filter((l) => l.startsWith('dirk_sink_records_total{')).map((l) => l.replace(/,?job="[^"]*"/, '')).sort(), { timeout: 15_000 })
        .toEqual(['dirk_sink_records_total{sink="big"} 2', 'dirk_sink_records_total{sink="per_minute"} 1', expect.stringMatching(/^dirk_sink_records_total\{sink="totals"\} [2-4]$/)]);
    } finally {
      // SIGTERM: the batch in flight finishes, then a final checkpoint flushes every sink and commits the offsets.
      await first.stop();
    }
    expect(first.stderr()).not.toMatch(/ (ERROR|WARN) /);
    // one read of the topic feeds the three INSERTs
    expect(first.stderr()).toContain('records_read=4 ');
    expect(await count(big)).toBe(2);
    expect(await count(perMinute)).toBe(1);
    const totalsBefore = await count(totals);

    await produce(input, [bid('ann', 300, '09:01:40'), bid('cat', 5, '09:02:30')]);
    const second = startCli(args, { env: { METRICS_PORT: '0' } });
    try {
      // only the new row: the filter branch resumed after the rows it had written
      expect(values(await consumeN(big, 3, 60_000)).slice(2)).toEqual([{ bidder: 'ann', price: 300 }]);
      // the minute 09:01 holds the row read before the restart (window state restored) and the new one
      expect(values(await consumeN(perMinute, 2, 60_000)).slice(1)).toEqual([{ bids: 2, window_end: '2026-01-01 09:02:00' }]);
      await expect
        .poll(() => latest(totals), { timeout: 30_000 })
        .toEqual({ '{"bidder":"ann"}': { bidder: 'ann', total: 550 }, '{"bidder":"bob"}': { bidder: 'bob', total: 160 }, '{"bidder":"cat"}': { bidder: 'cat', total: 5 } });
      // nothing else reached the topics (the filter row is not written twice, the first window not refired)
      expect(await count(big)).toBe(3);
      expect(await count(perMinute)).toBe(2);
    } finally {
      await second.stop();
    }
    // the sums after the restart went on from the checkpoint: ann's old sum is not written again
    const after = values(await consumeN(totals, await count(totals), 30_000)).slice(totalsBefore);
    expect(after).toContainEqual({ bidder: 'ann', total: 550 });
    expect(after).toContainEqual({ bidder: 'cat', total: 5 });
    expect(after).not.toContainEqual({ bidder: 'bob', total: 160 });

    async function latest(topic: string): Promise<Record<string, Json | null>> {
      const ms = await consumeN(topic, await count(topic), 10_000);
      const out: Record<string, Json | null> = {};
      for (const m of ms) out[m.key!.toString()] = m.value ? (JSON.parse(m.value.toString()) as Json) : null;
      return out;
    }
  }, 240_000);
});
