import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeJobFile } from '../helpers/jobs.js';
import { AUCTION_SCHEMA, BID_SCHEMA, Q4, Q5 } from '../helpers/nexmark.js';
import { closeKafkaHelpers, createTopics, kafkaBootstrap, kafkaClient, produce, uniqueTopic, type ConsumedMessage } from '../helpers/kafka.js';
import { REPO_ROOT, runCli } from '../helpers/process.js';

/**
 * A bounded job (SOURCE_DETAILS BOUNDED) scaled out as 2 worker threads: every task reads its partitions to
 * the end offsets taken at start, each split's end crosses every exchange of the chain, and `dirk run` exits
 * by itself with the output the same job gives as one task. Nexmark q5 (HOP counts, a MAX per window over
 * them, a window join of both: four exchanges) and q4 (a GROUP BY over the GROUP BY of a join, an upsert
 * result), over a 3-partition bid topic and a 1-partition auction topic (task 1 reads no auction partition).
 * No sentinel: the end of input closes the last windows, as in a 1-task bounded run.
 */
const dir = mkdtempSync(join(tmpdir(), 'dirk-bounded-scale-'));
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const iso = (ms: number): string => new Date(ms).toISOString();
const PARTS = 3;

let auctionTopic: string;
let bidTopic: string;

beforeAll(async () => {
  auctionTopic = uniqueTopic('it-bounded-auction');
  bidTopic = uniqueTopic('it-bounded-bid');
  await createTopics([auctionTopic], 1);
  await createTopics([bidTopic], PARTS);
  const auctions = Array.from({ length: 30 }, (_, j) => {
    const i = j + 1;
    const at = T0 + i * 1000;
    return { value: JSON.stringify({ id: i, itemName: `item-${i}`, ts: iso(at), expires: iso(at + 5000 + ((i * 3301) % 15000)), seller: 100 + (i % 7), category: 10 + (i % 4) }) };
  });
  // Bids dealt round-robin over the partitions, up to 1.5 s out of order (within the watermark delay).
  const bids = Array.from({ length: 400 }, (_, k) => ({
    partition: k % PARTS,
    value: JSON.stringify({
      auction: k % 17 === 0 ? 31 + (k % 5) : Math.min(30, Math.max(1, Math.floor(k / 5) - (k % 9))),
      bidder: 1000 + (k % 13),
      price: 1 + ((k * 7919) % 10007),
      ts: iso(T0 + k * 200 - ((k * 613) % 1500)),
      extra: '',
    }),
  }));
  await produce(auctionTopic, auctions);
  await produce(bidTopic, bids);
});
afterAll(() => closeKafkaHelpers());

function stream(table: string, topic: string, schema: object, group: string): Record<string, unknown> {
  return {
    INPUT_SCHEMA_TABLE: table,
    INPUT_DATATYPE: 'JSON',
    INPUT_SCHEMA_JSON_SCHEMA: JSON.stringify(schema),
    INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'ts',
    SOURCE_KAFKA_TOPIC_NAMES: topic,
    SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: kafkaBootstrap(),
    SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: group,
    SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET: 'earliest',
    SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'KAFKA_SOURCE' }],
  };
}

/** A job file reading both tables bounded and writing JSON to a new topic. */
async function boundedJob(name: string, query: string, extra: Record<string, string>): Promise<{ job: string; output: string }> {
  const output = uniqueTopic(`it-bounded-${name}-out`);
  await createTopics([output], 1);
  const group = `it-bounded-${name}-${output}`;
  const job = writeJobFile(dir, name, {
    FLINK_JOB_ID: group,
    STREAMS: [stream('auction', auctionTopic, AUCTION_SCHEMA, group), stream('bid', bidTopic, BID_SCHEMA, group)],
    FLINK_SQL_QUERY: query,
    FLINK_ROWTIME_ATTRIBUTE_NAME: 'dateTime',
    FLINK_WATERMARK_DELAY_MS: '3000',
    FLINK_WATERMARK_PER_PARTITION_ENABLE: 'true',
    FLINK_WATERMARK_INTERVAL_MS: '100',
    FLINK_CHECKPOINT_INTERVAL_MS: '500',
    SCHEMA_PROTO_DIRS: join(REPO_ROOT, 'protos'),
    METRIC_TELEMETRY_ENABLE: 'false',
    SINK_TYPE: 'kafka',
    SINK_KAFKA_BROKERS: kafkaBootstrap(),
    SINK_KAFKA_TOPIC: output,
    SINK_KAFKA_DATA_TYPE: 'JSON',
    ...extra,
  });
  return { job, output };
}

/** Runs the job to its own end: `dirk run` must exit 0 by itself. Returns its log. */
async function runToEnd(job: string): Promise<string> {
  const r = await runCli(['run', job, '--checkpoint-dir', mkdtempSync(join(tmpdir(), 'dirk-bounded-ckpt-'))], { timeoutMs: 90_000 });
  expect(r.timedOut, r.stderr.slice(-4000)).toBe(false);
  expect(r.code, r.stderr.slice(-4000)).toBe(0);
  return r.stderr;
}

/** Every committed record of the topic (read_committed), once no more arrive. */
async function readAll(topic: string): Promise<ConsumedMessage[]> {
  const records: ConsumedMessage[] = [];
  const consumer = kafkaClient().consumer({ groupId: uniqueTopic('it-bounded-read'), sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  let fetched = 0;
  consumer.on(consumer.events.FETCH, () => void fetched++);
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) =>
        void records.push({ topic, partition, offset: Number(message.offset), timestamp: Number(message.timestamp), key: message.key, value: message.value, headers: {} }),
    });
    // Done when a few fetches in a row bring nothing new (the job has exited: nothing more is written).
    let seen = -1;
    let quiet = 0;
    for (let i = 0; i < 300 && quiet < 5; i++) {
      await new Promise((r) => setTimeout(r, 200));
      if (fetched === 0) continue;
      quiet = records.length === seen ? quiet + 1 : 0;
      seen = records.length;
      fetched = 0;
    }
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return records;
}

const rowsOf = (records: ConsumedMessage[]): string[] => records.map((r) => r.value!.toString()).sort();

/** Upsert records folded into the final table: key -> row (tombstones delete). */
function upsertTable(records: ConsumedMessage[]): Record<string, unknown> {
  const table = new Map<string, unknown>();
  for (const r of records) {
    if (r.value === null) table.delete(r.key!.toString());
    else table.set(r.key!.toString(), JSON.parse(r.value.toString()));
  }
  return Object.fromEntries([...table].sort(([a], [b]) => a.localeCompare(b)));
}

describe('a bounded job scaled out (2 worker threads) ends by itself with the 1-task output', () => {
  it('q5 through four exchanges, at-least-once; run twice, the second run reads only its own repartition records', async () => {
    const one = await boundedJob('q5-one', Q5, {});
    await runToEnd(one.job);
    const expected = rowsOf(await readAll(one.output));
    expect(expected.length).toBeGreaterThan(20);

    const two = await boundedJob('q5-two', Q5, { DIRK_TASKS: '2' });
    const explained = await runCli(['explain', two.job]);
    expect(explained.stdout).toContain('bounded: partition p of every topic read by task p mod 2');
    const logs = await runToEnd(two.job);
    expect(logs).toContain('-windowaggregate-repartition-4');
    expect(logs).toMatch(/bounded input read to its end by every task \(3 output partitions ended\): stopping 2 tasks/);
    const first = await readAll(two.output);
    expect(rowsOf(first)).toEqual(expected);

    // The same job again: its repartition topics hold the first run's records (and its +infinity
    // watermarks), which this run must not read; its output is the same rows once more.
    await runToEnd(two.job);
    const both = await readAll(two.output);
    expect(rowsOf(both.slice(first.length))).toEqual(expected);
  }, 240_000);

  it('q4 under EXACTLY_ONCE: the read_committed final table equals the 1-task one', async () => {
    const one = await boundedJob('q4-one', Q4, {});
    await runToEnd(one.job);
    const expected = upsertTable(await readAll(one.output));
    expect(Object.keys(expected).length).toBe(4);

    // A long checkpoint interval: the end of each split and stage partition takes its own checkpoint (its
    // +infinity crosses only with a committed transaction), so the run need not wait for the interval.
    const two = await boundedJob('q4-two', Q4, { DIRK_TASKS: '2', SINK_KAFKA_DELIVERY_GUARANTEE: 'EXACTLY_ONCE', FLINK_CHECKPOINT_INTERVAL_MS: '20000' });
    const logs = await runToEnd(two.job);
    expect(logs).toMatch(/join reads through \S+-join-repartition-2 \(both sides\)/);
    expect(upsertTable(await readAll(two.output))).toEqual(expected);
  }, 180_000);

  it('refuses a bounded job as one member of a multi-process group (DIRK_EXCHANGE_ENABLE at one task), naming the keys', async () => {
    const { job } = await boundedJob('q5-refused', Q5, { DIRK_EXCHANGE_ENABLE: 'true' });
    const r = await runCli(['validate', job]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/DIRK_EXCHANGE_ENABLE with DIRK_TASKS \/ FLINK_PARALLELISM = 1 .* BOUNDED \(SOURCE_DETAILS\)/);
  });
});
