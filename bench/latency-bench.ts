/**
 * End-to-end latency through Kafka: booking records (JSON, the shape of bench/run.ts's JSON input) produced
 * at a fixed rate into a 2-partition topic, a Dirk job (its own process) running the filter + project query
 * to a JSON Kafka topic, and a consumer reading that topic. Each record's event time is the moment it was
 * handed to the producer, and the query carries it to the output (`rowtime`), so latency = the time a row is
 * readable at the sink minus the time its record was produced (the produce time travels in the value, not
 * in a header: the job writes new records, and Kafka headers of the input do not reach the output).
 *
 *   npm run build && node dist/bench/latency-bench.js
 *
 * Env: LATENCY_RATE (records/s, default 20000), LATENCY_SECONDS (default 20), LATENCY_WARMUP_SECONDS (left out
 * of the percentiles, default 5), LATENCY_LINGER_MS (the sink's SINK_KAFKA_LINGER_MS, default 5),
 * BENCH_KAFKA (127.0.0.1:9092).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from '../src/connectors/kafka/kafkajs.js';
import { silentLogger } from '../src/core/logger.js';
import { parseJobConfig } from '../src/config/index.js';
import { prepareJob } from '../src/job/prepare.js';
import { startJob } from '../src/job/stream-manager.js';
import { BOOKING_JSON_SCHEMA, bookingJson } from './booking-json.js';

const BROKER = process.env['BENCH_KAFKA'] ?? '127.0.0.1:9092';
const RATE = Number(process.env['LATENCY_RATE'] ?? 20_000);
const SECONDS = Number(process.env['LATENCY_SECONDS'] ?? 20);
const WARMUP = Number(process.env['LATENCY_WARMUP_SECONDS'] ?? 5);
const LINGER = process.env['LATENCY_LINGER_MS'] ?? '5';


const SQL =
  "SELECT order_number, UPPER(service_type) AS service, order_amount * 1.1 AS amount_with_tax, rowtime FROM booking WHERE status <> 'CANCELLED' AND order_amount > 10";


/** The job process: runs until its parent kills it. */
async function jobProcess(topic: string, sinkTopic: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dirk-latency-'));
  const { config } = parseJobConfig({
    FLINK_JOB_ID: `latency-${Date.now()}`,
    STREAMS: [
      {
        INPUT_SCHEMA_TABLE: 'booking',
        INPUT_DATATYPE: 'JSON',
        INPUT_SCHEMA_JSON_SCHEMA: JSON.stringify(BOOKING_JSON_SCHEMA),
        INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'event_timestamp',
        SOURCE_KAFKA_TOPIC_NAMES: topic,
        SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: BROKER,
        SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: `latency-${Date.now()}`,
        SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET: 'earliest',
        SOURCE_KAFKA_CONSUMER_CONFIG_FETCH_MAX_WAIT_MS: '10',
        SOURCE_DETAILS: [{ SOURCE_TYPE: 'UNBOUNDED', SOURCE_NAME: 'KAFKA_SOURCE' }],
      },
    ],
    FLINK_SQL_QUERY: SQL,
    FLINK_WATERMARK_DELAY_MS: '1000',
    FLINK_WATERMARK_INTERVAL_MS: '200',
    METRIC_TELEMETRY_ENABLE: 'false',
    SINK_TYPE: 'kafka',
    SINK_KAFKA_BROKERS: BROKER,
    SINK_KAFKA_TOPIC: sinkTopic,
    SINK_KAFKA_DATA_TYPE: 'JSON',
    SINK_KAFKA_LINGER_MS: LINGER,
  });
  const job = await prepareJob(config, silentLogger);
  const running = await startJob(job, { logger: silentLogger, checkpointDir: dir });
  process.send?.('started');
  process.on('SIGTERM', () => {
    void running.stop().finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  });
  await running.done;
}

function percentile(sorted: number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

async function main(): Promise<void> {
  const kafka = new kafkajs.Kafka({ brokers: [BROKER], clientId: 'dirk-latency', logLevel: kafkajs.logLevel.NOTHING });
  const topic = `latency-in-${Date.now()}`;
  const sinkTopic = `${topic}-out`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }, { topic: sinkTopic, numPartitions: 2 }], waitForLeaders: true });
  await admin.disconnect();

  // Reader first, so it is in place before the first row arrives.
  const latencies: number[] = [];
  let read = 0;
  let warmupEnds = Infinity;
  const consumer = kafka.consumer({ groupId: `latency-reader-${Date.now()}`, maxWaitTimeInMs: 10 });
  await consumer.connect();
  await consumer.subscribe({ topics: [sinkTopic], fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      for (const m of batch.messages) {
        read++;
        const produced = Date.parse((JSON.parse(m.value!.toString()) as { rowtime: string }).rowtime);
        if (produced >= warmupEnds) latencies.push(now - produced);
      }
    },
  });

  const job = fork(process.argv[1]!, ['job', topic, sinkTopic], { stdio: 'inherit' });
  process.on('exit', () => job.kill('SIGKILL'));
  await new Promise<void>((ok, fail) => {
    job.once('message', () => ok());
    job.once('exit', (code) => fail(new Error(`the job process ended (exit ${code})`)));
  });

  const producer = kafka.producer();
  await producer.connect();
  // One filtered-out record first, so connecting and fetching metadata are not in the timed part.
  await producer.send({ topic, acks: 1, messages: [{ partition: 0, value: Buffer.from(JSON.stringify({ status: 'CANCELLED', event_timestamp: new Date().toISOString() })) }] });
  const start = Date.now();
  warmupEnds = start + WARMUP * 1000;
  let sent = 0;
  let expected = 0;
  // Every 10 ms, the records due by now (so the rate holds even when a tick is late).
  while (Date.now() - start < SECONDS * 1000) {
    // At most 2,000 records per tick: on a machine that cannot keep up the rate falls (reported) instead of
    // records waiting in one large request with their produce time already taken.
    const due = Math.min(sent + 2000, Math.floor(((Date.now() - start) / 1000) * RATE));
    const messages = [];
    for (; sent < due; sent++) {
      const j = sent;
      const at = Date.now();
      if (j % 5 !== 0 && (j % 1000) / 10 > 10) expected++;
      messages.push({ partition: j % 2, value: bookingJson(j, at) });
    }
    if (messages.length > 0) await producer.send({ topic, acks: 1, messages });
    await new Promise((r) => setTimeout(r, 10));
  }
  const produceSeconds = (Date.now() - start) / 1000;
  // Wait (up to 30 s) for the job to catch up.
  const deadline = Date.now() + 30_000;
  while (read < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  job.kill('SIGTERM');
  await producer.disconnect();
  await consumer.disconnect();
  const sorted = latencies.sort((a, b) => a - b);
  console.log(
    `latency    filter+project JSON -> kafka  ${sent.toLocaleString('en-US')} records at ${Math.round(sent / produceSeconds).toLocaleString('en-US')}/s for ${produceSeconds.toFixed(1)} s; ` +
      `${read.toLocaleString('en-US')} of ${expected.toLocaleString('en-US')} output rows read; after ${WARMUP} s warm-up: ` +
      `p50 ${percentile(sorted, 0.5)} ms  p99 ${percentile(sorted, 0.99)} ms  max ${sorted.at(-1)} ms (linger ${LINGER} ms)`,
  );
}

if (process.argv[2] === 'job') {
  jobProcess(process.argv[3]!, process.argv[4]!).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

