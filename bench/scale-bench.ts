/**
 * Scale-out bench: Kafka to Kafka, TUMBLE count by a key that is not the record key, and a filter, run by
 * `dirk run` (the built CLI) with DIRK_TASKS=1 and 2 worker threads. The input (BENCH_SCALE_ROWS booking
 * records, 6 partitions) is preloaded; a run is timed from the first offset commit covering a fifth of
 * the input (so every task has joined and is past its first fetches) to the commit that
 * covers the whole input (source group, and for TUMBLE with the exchange also the repartition group), so
 * start-up and group joins are left out. Checkpoints every second.
 *
 * BENCH_SCALE_MODE=delivery runs the TUMBLE instead at 1 and 2 tasks, at-least-once against exactly-once
 * (SINK_KAFKA_DELIVERY_GUARANTEE), with checkpoints every 1 s and every 10 s. Under exactly-once the offsets
 * (and the output) commit only with each checkpoint's transaction, so a run ends at the first checkpoint
 * after the last record: at 10 s intervals the figure includes up to 10 s of that wait. Each line also gives the
 * "read" rate, over the same fifth-to-all span of records the job has decoded (its /metrics), which does not
 * wait for commits: that is the throughput to compare between the guarantees.
 *
 *   npm run build && node dist/bench/scale-bench.js                          (1 vs 2 tasks)
 *   npm run build && BENCH_SCALE_MODE=delivery node dist/bench/scale-bench.js   (EOS vs ALO, 1 s and 10 s)
 * Env: BENCH_SCALE_ROWS (default 300000), BENCH_KAFKA (default 127.0.0.1:9092), BENCH_SCALE_MODE
 * (tasks, delivery or all; default tasks), BENCH_SCALE_NODE_ARGS (node flags for `dirk run`), BENCH_BROKER_PID (the broker JVM's pid: its CPU is then reported
 * beside Dirk's; scripts/kafka.mjs writes it to <DIRK_KAFKA_DIR>/kafka.pid).
 *
 * Why CPU per record: on a 2-core machine that also runs the broker, wall-clock records/s of 1 against 2
 * tasks says little by itself. Dirk's and the broker's CPU microseconds per record over the whole run
 * give the ceiling the machine allows: 2 cores / (Dirk + broker CPU per record).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import protobuf from 'protobufjs';
import kafkajs from '../src/connectors/kafka/kafkajs.js';

const ROWS = Number(process.env['BENCH_SCALE_ROWS'] ?? 300_000);
const BROKER = process.env['BENCH_KAFKA'] ?? '127.0.0.1:9092';
const ROOT = resolve(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const T0 = Date.UTC(2026, 0, 1);
const SERVICES = ['GO_RIDE', 'GO_CAR', 'GO_FOOD', 'GO_SEND'];

const BROKER_PID = process.env['BENCH_BROKER_PID'] ? Number(process.env['BENCH_BROKER_PID']) : undefined;
// e.g. BENCH_SCALE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (one profile per thread, tasks included)
const NODE_ARGS = (process.env['BENCH_SCALE_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds (user + system, all threads) a live process has used so far, from /proc/<pid>/stat. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime (14), stime (15)
  } catch {
    return NaN;
  }
}

const kafka = new kafkajs.Kafka({ clientId: 'dirk-scale-bench', brokers: [BROKER], logLevel: kafkajs.logLevel.NOTHING });
const admin = kafka.admin();

async function preload(topic: string): Promise<void> {
  const root = await protobuf.load(join(ROOT, 'protos', 'dirk', 'examples', 'booking.proto'));
  const Booking = root.lookupType('dirk.examples.BookingLogMessage');
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6, replicationFactor: 1 }] });
  const producer = kafka.producer();
  await producer.connect();
  const batch = 10_000;
  for (let i = 0; i < ROWS; i += batch) {
    const messages = [];
    for (let j = i; j < Math.min(ROWS, i + batch); j++) {
      const t = T0 + j; // 1000 records per second of event time: 300 one-second windows per 300k
      const value = Booking.encode(
        Booking.fromObject({ order_number: `o${j}`, service_type: SERVICES[j % 4], status: 'COMPLETED', event_timestamp: { seconds: Math.floor(t / 1000), nanos: (t % 1000) * 1e6 }, order_amount: j % 100 }),
      ).finish();
      messages.push({ key: `o${j}`, value: Buffer.from(value), partition: j % 6 });
    }
    await producer.send({ topic, messages, compression: kafkajs.CompressionTypes.None });
  }
  await producer.disconnect();
}

/** Records the job has decoded from the input table so far, from its /metrics (every task's series); 0 before the endpoint is up. */
async function recordsRead(log: string): Promise<number> {
  const url = /metrics at (http:\/\/\S+\/metrics)/.exec(log)?.[1];
  if (!url) return 0;
  try {
    const text = await (await fetch(url)).text();
    let n = 0;
    for (const line of text.split('\n')) if (line.startsWith('dirk_source_records_total{') && line.includes('table="booking"')) n += Number(line.slice(line.lastIndexOf(' ') + 1));
    return n;
  } catch {
    return 0;
  }
}

async function committed(group: string, topic: string): Promise<number> {
  const r = await admin.fetchOffsets({ groupId: group, topics: [topic] }).catch(() => []);
  return r.flatMap((t) => t.partitions).reduce((a, p) => a + Math.max(0, Number(p.offset)), 0);
}

async function endOf(topic: string): Promise<number> {
  const r = await admin.fetchTopicOffsets(topic).catch(() => []);
  return r.reduce((a, p) => a + Number(p.high), 0);
}

interface RunOptions {
  readonly guarantee?: 'AT_LEAST_ONCE' | 'EXACTLY_ONCE';
  readonly checkpointMs?: number;
}

async function runOnce(name: string, input: string, sql: string, tasks: number, exchange: boolean, o: RunOptions = {}): Promise<string> {
  const guarantee = o.guarantee ?? 'AT_LEAST_ONCE';
  const checkpointMs = o.checkpointMs ?? 1000;
  const id = `bench-scale-${name}-${tasks}-${Date.now().toString(36)}`;
  const output = `${id}-out`;
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: output, numPartitions: 6, replicationFactor: 1 }] });
  const dir = mkdtempSync(join(tmpdir(), 'dirk-scale-bench-'));
  const group = `${id}-g`;
  const job = join(dir, 'job.json');
  writeFileSync(
    job,
    JSON.stringify({
      FLINK_JOB_ID: id,
      STREAMS: [
        {
          INPUT_SCHEMA_TABLE: 'booking',
          INPUT_SCHEMA_PROTO_CLASS: 'dirk.examples.BookingLogMessage',
          INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX: '5',
          SOURCE_KAFKA_TOPIC_NAMES: input,
          SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: BROKER,
          SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: group,
          SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET: 'earliest',
          SOURCE_DETAILS: [{ SOURCE_TYPE: 'UNBOUNDED', SOURCE_NAME: 'KAFKA_CONSUMER' }],
        },
      ],
      FLINK_SQL_QUERY: sql,
      FLINK_WATERMARK_DELAY_MS: '0',
      FLINK_WATERMARK_INTERVAL_MS: '200',
      FLINK_CHECKPOINT_INTERVAL_MS: String(checkpointMs),
      SCHEMA_PROTO_DIRS: join(ROOT, 'protos'),
      // On, at a free port: the bench reads how many records the job has decoded (every task's, aggregated).
      METRIC_TELEMETRY_ENABLE: 'true',
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      SINK_TYPE: 'kafka',
      SINK_KAFKA_BROKERS: BROKER,
      SINK_KAFKA_TOPIC: output,
      SINK_KAFKA_DATA_TYPE: 'JSON',
      DIRK_TASKS: String(tasks),
      DIRK_EXCHANGE_ENABLE: String(exchange),
      SINK_KAFKA_DELIVERY_GUARANTEE: guarantee,
    }),
  );
  const child = spawn(process.execPath, [...NODE_ARGS, CLI, 'run', job, '--checkpoint-dir', join(dir, 'ckpt')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const repartition = `${id}-windowaggregate-repartition`;
  let first: number | undefined;
  let firstCount = 0;
  // The same span by records read (the job's dirk_source_records_total for the input table), which does not
  // wait for commits: under exactly-once at 10 s the commit-based span is bounded by the checkpoint interval.
  const read = { from: undefined as number | undefined, fromCount: 0, to: undefined as number | undefined };
  const brokerAtStart = cpuSeconds(BROKER_PID);
  const deadline = Date.now() + 300_000;
  try {
    for (;;) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${name} ${tasks} task(s) did not finish:\n${log.slice(-3000)}`);
      const c = await committed(group, input);
      const r = read.to === undefined ? await recordsRead(log) : ROWS;
      if (read.from === undefined && r >= ROWS / 5) [read.from, read.fromCount] = [Date.now(), r];
      if (read.to === undefined && r >= ROWS) read.to = Date.now();
      // The clock starts at the first commit covering a fifth of the input, not at the first commit: by then
      // every task has joined the group and is past its first fetches (a task that joins first reads ahead
      // alone until the others join, and its first commit covers little of what it has read).
      if (first === undefined && c >= ROWS / 5) {
        first = Date.now();
        firstCount = c;
      }
      let done = c >= ROWS;
      if (done && exchange) done = (await committed(`${group}-windowaggregate-repartition`, repartition)) >= (await endOf(repartition));
      if (done && first !== undefined) {
        const s = (Date.now() - first) / 1000;
        // CPU over the whole run (start-up included) per input record: the timed window starts at the first
        // commit, by which time the tasks may have read well ahead, so CPU inside the window undercounts.
        const perRecord = (cpu: number): number => (cpu * 1e6) / ROWS;
        const dirkUs = perRecord(cpuSeconds(child.pid));
        const brokerUs = perRecord(cpuSeconds(BROKER_PID) - brokerAtStart);
        const cpu = Number.isNaN(brokerUs)
          ? `  Dirk ${dirkUs.toFixed(2)} CPU µs/record`
          : `  Dirk ${dirkUs.toFixed(2)} + broker ${brokerUs.toFixed(2)} CPU µs/record, 2-core ceiling ${Math.round(2e6 / (dirkUs + brokerUs)).toLocaleString('en-US')} records/s`;
        const delivery = o.guarantee ? ` ${guarantee.padEnd(13)} checkpoint=${String(checkpointMs / 1000).padStart(2)} s` : '';
        const readRate =
          read.from !== undefined && read.to !== undefined && read.fromCount < ROWS
            ? `  read ${Math.round((ROWS - read.fromCount) / Math.max((read.to - read.from) / 1000, 0.001)).toLocaleString('en-US')} records/s`
            : '  read span not measured';
        const committedRate =
          firstCount >= ROWS
            ? 'committed: the first commit past a fifth covered the whole input (raise BENCH_SCALE_ROWS)'
            : `committed ${Math.round((ROWS - firstCount) / s).toLocaleString('en-US').padStart(8)} records/s  (${(ROWS - firstCount).toLocaleString('en-US')} records in ${s.toFixed(1)} s)`;
        return `${name.padEnd(7)} tasks=${tasks} exchange=${exchange ? 'yes' : 'no '}${delivery}  ${committedRate}${readRate}${cpu}`;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await admin.connect();
  const input = `bench-scale-in-${Date.now().toString(36)}`;
  await preload(input);
  const tumble =
    "SELECT service_type AS k, COUNT(1) AS n, TUMBLE_END(rowtime, INTERVAL '1' SECOND) AS w FROM `booking` GROUP BY TUMBLE(rowtime, INTERVAL '1' SECOND), service_type";
  const filter = 'SELECT order_number, order_amount FROM `booking` WHERE order_amount > 50';
  const mode = process.env['BENCH_SCALE_MODE'] ?? 'tasks';
  if (!['tasks', 'delivery', 'all'].includes(mode)) throw new Error(`BENCH_SCALE_MODE: expected tasks, delivery or all, found "${mode}"`);
  // Each line as soon as its run ends (a full run takes a while).
  const run = async (...args: Parameters<typeof runOnce>): Promise<void> => console.log(await runOnce(...args));
  if (mode !== 'delivery') {
    await run('filter', input, filter, 1, false);
    await run('filter', input, filter, 2, false);
    await run('tumble', input, tumble, 1, false);
    await run('tumble', input, tumble, 1, true);
    await run('tumble', input, tumble, 2, true);
  }
  if (mode !== 'tasks') {
    for (const checkpointMs of [1000, 10_000]) {
      for (const tasks of [1, 2]) {
        for (const guarantee of ['AT_LEAST_ONCE', 'EXACTLY_ONCE'] as const) await run('tumble', input, tumble, tasks, tasks > 1, { guarantee, checkpointMs });
      }
    }
  }
  await admin.disconnect();
}

await main();
