/**
 * Kafka compression codecs, per codec (`npm run build && node dist/bench/codec-bench.js`):
 * 1. the codec alone: the bench's JSON booking records in record batches of 5,000 (record-batch.ts), the
 *    records section compressed and decompressed by compression.ts (MB/s of uncompressed bytes, best of 5
 *    rounds, one batch at a time; ratio);
 * 2. end to end on the broker: a topic of CODEC_BENCH_ROWS (default 300,000) JSON bookings written in that
 *    codec (kafkajs producer, 2 partitions), read by bench/run.ts's filter+project job (BOUNDED) whose Kafka
 *    sink writes the same codec; events/s and CPU-s per event.
 * Env: BENCH_KAFKA (default 127.0.0.1:9092, a broker started with `npm run kafka:start`), CODEC_BENCH_ROWS,
 * CODEC_BENCH_ONLY=codec|kafka.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import kafkajs from '../src/connectors/kafka/kafkajs.js';
import { CODEC_IDS, COMPRESSION_TYPES, compress, decompress, type CompressionType } from '../src/connectors/kafka/compression.js';
import { RecordBatchWriter } from '../src/connectors/kafka/record-batch.js';
import { parseJobConfig } from '../src/config/index.js';
import { silentLogger } from '../src/core/logger.js';
import { prepareJob } from '../src/job/prepare.js';
import { startJob } from '../src/job/stream-manager.js';
import { BOOKING_JSON_SCHEMA, bookingJson } from './booking-json.js';

const BROKER = process.env['BENCH_KAFKA'] ?? '127.0.0.1:9092';
const ROWS = Number(process.env['CODEC_BENCH_ROWS'] ?? 300_000);
const ONLY = process.env['CODEC_BENCH_ONLY'];
const T0 = Date.UTC(2026, 0, 1);
const SQL = "SELECT order_number, UPPER(service_type) AS service, order_amount * 1.1 AS amount_with_tax, rowtime FROM booking WHERE status <> 'CANCELLED' AND order_amount > 10";

async function codecAlone(codec: CompressionType): Promise<string> {
  const sections: Buffer[] = [];
  for (let b = 0; b < 40; b++) {
    const w = new RecordBatchWriter();
    for (let j = b * 5000; j < (b + 1) * 5000; j++) w.append(null, bookingJson(j, T0 + j * 10), T0 + j * 10);
    sections.push(Buffer.from((await w.finish()).subarray(61)));
  }
  const raw = sections.reduce((n, s) => n + s.length, 0);
  // Best of 5 rounds: on a shared machine the slowest rounds measure the neighbours.
  let cMs = Infinity;
  let dMs = Infinity;
  let packed: Buffer[] = [];
  for (let round = 0; round < 5; round++) {
    let t = performance.now();
    packed = [];
    for (const s of sections) packed.push(await compress(codec, s));
    cMs = Math.min(cMs, performance.now() - t);
    t = performance.now();
    for (const p of packed) await decompress(CODEC_IDS[codec], p);
    dMs = Math.min(dMs, performance.now() - t);
  }
  const size = packed.reduce((n, s) => n + s.length, 0);
  const mbs = (ms: number): string => ((raw / 1e6 / ms) * 1000).toFixed(0).padStart(6);
  return `codec ${codec.padEnd(6)} ${(raw / 1e6).toFixed(1)} MB -> ${(size / 1e6).toFixed(1).padStart(5)} MB (ratio ${(raw / size).toFixed(1).padStart(4)})  compress ${mbs(cMs)} MB/s  decompress ${mbs(dMs)} MB/s`;
}

async function preload(topic: string, codec: CompressionType): Promise<void> {
  const kafka = new kafkajs.Kafka({ brokers: [BROKER], clientId: 'dirk-codec-bench', logLevel: kafkajs.logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }, { topic: `${topic}-out`, numPartitions: 2 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  for (let i = 0; i < ROWS; i += 5000) {
    const messages = [];
    for (let j = i; j < Math.min(ROWS, i + 5000); j++) messages.push({ value: bookingJson(j, T0 + j * 10), partition: j % 2 });
    await producer.send({ topic, messages, compression: CODEC_IDS[codec] });
  }
  await producer.disconnect();
}

async function endToEnd(codec: CompressionType): Promise<string> {
  const topic = `codec-bench-${codec}-${Date.now()}`;
  await preload(topic, codec);
  const { config } = parseJobConfig({
    FLINK_JOB_ID: `codec-bench-${codec}`,
    STREAMS: [
      {
        INPUT_SCHEMA_TABLE: 'booking',
        INPUT_DATATYPE: 'JSON',
        INPUT_SCHEMA_JSON_SCHEMA: JSON.stringify(BOOKING_JSON_SCHEMA),
        INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'event_timestamp',
        SOURCE_KAFKA_TOPIC_NAMES: topic,
        SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: BROKER,
        SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: `${topic}-group`,
        SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET: 'earliest',
        SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'KAFKA_SOURCE' }],
      },
    ],
    FLINK_SQL_QUERY: SQL,
    FLINK_WATERMARK_DELAY_MS: '1000',
    METRIC_TELEMETRY_ENABLE: 'false',
    SINK_TYPE: 'kafka',
    SINK_KAFKA_BROKERS: BROKER,
    SINK_KAFKA_TOPIC: `${topic}-out`,
    SINK_KAFKA_DATA_TYPE: 'JSON',
    SINK_KAFKA_PRODUCER_CONFIG_COMPRESSION_TYPE: codec,
  });
  const job = await prepareJob(config, silentLogger);
  const dir = mkdtempSync(join(tmpdir(), 'dirk-codec-bench-'));
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const running = await startJob(job, { logger: silentLogger, checkpointDir: dir });
  await running.done;
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  rmSync(dir, { recursive: true, force: true });
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return `kafka ${codec.padEnd(6)} ${ROWS.toLocaleString('en-US')} events  ${seconds.toFixed(2).padStart(6)} s  ${Math.round(ROWS / seconds).toLocaleString('en-US').padStart(8)} events/s  ${Math.round(ROWS / cpuSeconds).toLocaleString('en-US').padStart(8)} events/cpu-s`;
}

for (const codec of COMPRESSION_TYPES) {
  if (ONLY !== 'kafka' && codec !== 'none') console.log(await codecAlone(codec));
}
for (const codec of COMPRESSION_TYPES) {
  if (ONLY !== 'codec') console.log(await endToEnd(codec));
}
