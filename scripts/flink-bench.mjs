#!/usr/bin/env node
// Dirk against Apache Flink 1.20.3 on the same machine, the same Kafka records and the same SQL.
// Run by hand (too heavy for npm test / CI); figures go into BENCHMARKS.md, "Dirk against Apache Flink".
//
//   node scripts/flink-bench.mjs
//
// 1. ensures the local broker (scripts/kafka.mjs start), resolves Flink's jars into .cache/flink/libs
//    (bench/flink/pom.xml, maven only when missing), generates the booking classes with protoc and compiles
//    bench/flink/src/**/*.java into .cache/flink/classes (when the sources are newer);
// 2. preloads N booking records (the record shape of bench/run.ts's preload) into a JSON topic and, with the
//    same values, into a protobuf topic, 2 partitions each, and (for the interval and join scenarios) N payment
//    records as JSON (one for two of every three bookings, 0-9 s of event time later); each topic ends with one
//    end record per partition a day ahead in event time (see scripts/lib/flink-bench-tasks.mjs);
// 3. for each format and scenario runs Flink (one JVM per job: MiniCluster, at each FLINK_BENCH_PARALLELISM)
//    and then Dirk (one Node process per job at each FLINK_BENCH_DIRK_TASKS, over BOUNDED sources: 1 task in-process
//    via dist/, more as `dirk run` worker threads timed to its own exit, see scripts/lib/flink-bench-tasks.mjs), never two at
//    once, each under /usr/bin/time; all write JSON to a fresh 2-partition Kafka topic, which is then read
//    back and compared row by row (rows of the end records left out);
// 4. prints one table of every run and a summary per scenario: each engine's best, Dirk / Flink.
//
// FLINK_BENCH_SCENARIOS=nexmark runs Nexmark q0-q8 instead (scripts/lib/flink-nexmark.mjs, bench/nexmark/), and
// nexmark-latency the end-to-end latency run; both can go with the booking scenarios in one list.
//
// Environment: FLINK_BENCH_ROWS (default 300000), FLINK_BENCH_FORMATS (json,protobuf),
// FLINK_BENCH_SCENARIOS (filter,tumble,hop,interval,join; also nexmark, nexmark-latency), FLINK_BENCH_ENGINES (flink,dirk),
// FLINK_BENCH_PARALLELISM (Flink's parallelism.default, a list: 1,2; default 1), FLINK_BENCH_DIRK_TASKS (Dirk's
// DIRK_TASKS, a list: 1,2; default 1; 1x: one task through `dirk run` with the exchange on), FLINK_BENCH_PROFILE=1 (Dirk under --cpu-prof, shares printed per run by
// scripts/profile-shares.mjs, over each run's timed span), FLINK_BENCH_BROKER_PID (or BENCH_BROKER_PID: the broker
// JVM's pid, <DIRK_KAFKA_DIR>/kafka.pid; its CPU in each Dirk run's timed span is printed beside Dirk's and the
// machine's, sampled by scripts/lib/cpu-sampler.mjs), FLINK_BENCH_HEAP (-Xmx1g),
// FLINK_BENCH_ALIGN_DRIFT (ms: both engines read booking and payment in one watermark alignment group with that max
// drift, Flink's 'scan.watermark.alignment.*' options and Dirk's SOURCE_WATERMARK_ALIGNMENT_*; unset: no alignment),
// FLINK_BENCH_BUILD=0 (skip `npm run build`), FLINK_BENCH_DIRK_CONFIG (a JSON object of job keys added to every Dirk job), FLINK_BENCH_JAVA_OPENS=0 (leave out the Java 17 --add-opens/--add-exports), FLINK_BENCH_TOPIC_PREFIX (reuse
// the topics <prefix>-json / <prefix>-protobuf / <prefix>-payment preloaded by an earlier run), BENCH_KAFKA (a broker
// of your own; unset: 127.0.0.1:9092, started by scripts/kafka.mjs when it is not running).
// Needs java/javac 17, mvn and protoc with the well-known types (apt-get install -y openjdk-17-jdk-headless maven
// protobuf-compiler libprotobuf-dev; without libprotobuf-dev protoc cannot find google/protobuf/timestamp.proto).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { timedFrom, watchGroupStable } from './lib/flink-bench-tasks.mjs';
import { startCpuSampler, threadSeconds, threadTicks } from './lib/cpu-sampler.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const POM = path.join(ROOT, 'bench', 'flink', 'pom.xml');
const JAVA_SRC = path.join(ROOT, 'bench', 'flink', 'src');
const CACHE = path.join(ROOT, '.cache', 'flink');
const LIBS = path.join(CACHE, 'libs');
const GEN = path.join(CACHE, 'gen');
const CLASSES = path.join(CACHE, 'classes');
const BROKER = process.env.BENCH_KAFKA ?? '127.0.0.1:9092';
const ROWS = Number(process.env.FLINK_BENCH_ROWS ?? 300_000);
const list = (v, d) => (v ?? d).split(',').map((s) => s.trim()).filter(Boolean);
const FORMATS = list(process.env.FLINK_BENCH_FORMATS, 'json,protobuf');
const ALL_SCENARIOS = list(process.env.FLINK_BENCH_SCENARIOS, 'filter,tumble,hop,interval,join');
const SCENARIOS = ALL_SCENARIOS.filter((s) => !s.startsWith('nexmark'));
const ENGINES = list(process.env.FLINK_BENCH_ENGINES, 'flink,dirk');
const PARALLELISM = list(process.env.FLINK_BENCH_PARALLELISM, '1').map(Number);
// A count, or a count and "x" (e.g. 1x): `dirk run` with the exchange on (DIRK_EXCHANGE_ENABLE) even at one task,
// to tell the exchange's cost from the worker threads'.
const DIRK_TASKS = list(process.env.FLINK_BENCH_DIRK_TASKS, '1').map((t) => (/^\d+x$/.test(t) ? t : Number(t)));
const PROFILE = process.env.FLINK_BENCH_PROFILE === '1';
// The broker JVM's pid (scripts/kafka.mjs writes <DIRK_KAFKA_DIR>/kafka.pid): its CPU in each Dirk run's timed span.
const SETTLE_NOTE = 'settle wait before the stop';
const BROKER_PID = Number(process.env.FLINK_BENCH_BROKER_PID ?? process.env.BENCH_BROKER_PID ?? 0) || undefined;
const HEAP = (process.env.FLINK_BENCH_HEAP ?? '-Xmx1g').split(' ').filter(Boolean);
const REQUIRED_JARS = ['flink-table-runtime-1.20.3.jar', 'flink-table-planner-loader-1.20.3.jar', 'flink-clients-1.20.3.jar', 'flink-connector-kafka-3.4.0-1.20.jar', 'flink-json-1.20.3.jar', 'flink-protobuf-1.20.0.jar'];

// The same SQL text as bench/run.ts's SCENARIOS (and bench/flink/src/dirk/bench/FlinkSqlBench.java).
const SQL = {
  filter: "SELECT order_number, UPPER(service_type) AS service, order_amount * 1.1 AS amount_with_tax, rowtime FROM booking WHERE status <> 'CANCELLED' AND order_amount > 10",
  tumble: "SELECT service_area_id, COUNT(*) AS bookings, TUMBLE_END(rowtime, INTERVAL '1' MINUTE) AS window_end FROM booking GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE), service_area_id",
  hop: "SELECT service_area_id, COUNT(*) AS bookings, HOP_END(rowtime, INTERVAL '1' MINUTE, INTERVAL '1' HOUR) AS window_end FROM booking GROUP BY HOP(rowtime, INTERVAL '1' MINUTE, INTERVAL '1' HOUR), service_area_id",
  interval:
    "SELECT b.order_number, b.service_area_id, p.amount, p.rowtime AS paid_at FROM booking b JOIN payment p ON b.order_number = p.order_number AND p.rowtime BETWEEN b.rowtime AND b.rowtime + INTERVAL '5' SECOND",
  join: 'SELECT b.order_number, b.service_area_id, p.amount, p.rowtime AS paid_at FROM booking b JOIN payment p ON b.order_number = p.order_number',
};
const JOINS = new Set(['interval', 'join']);
/** FLINK_BENCH_ALIGN_DRIFT: watermark alignment's max drift in ms for both engines (unset: none). */
const ALIGN_DRIFT = process.env.FLINK_BENCH_ALIGN_DRIFT ? Number(process.env.FLINK_BENCH_ALIGN_DRIFT) : undefined;
const AGGREGATES = new Set(['tumble', 'hop']);
const T0 = Date.UTC(2026, 0, 1);
// The end records: one per partition of every input topic, a day after the last record, in a service area of
// its own (window rows of it are left out of the comparison) and with order numbers no payment matches.
const END_AT = T0 + ROWS * 10 + 86_400_000;
const END_AREA = 999;
const PAYMENT_JSON_SCHEMA = { type: 'object', properties: { order_number: { type: 'string' }, amount: { type: 'number' }, pay_method: { type: 'string' }, event_timestamp: { type: 'string', format: 'date-time' } } };

// Java 17: flink-dist's config.yaml env.java.opts.all (FLINK-33161); the MiniCluster runs in this JVM.
const JAVA_OPENS = [
  ...['java.base/sun.net.util', 'java.rmi/sun.rmi.registry', 'java.security.jgss/sun.security.krb5', ...['api', 'file', 'parser', 'tree', 'util'].map((p) => `jdk.compiler/com.sun.tools.javac.${p}`)].map(
    (p) => `--add-exports=${p}=ALL-UNNAMED`,
  ),
  ...['java.lang', 'java.net', 'java.io', 'java.nio', 'sun.nio.ch', 'java.lang.reflect', 'java.text', 'java.time', 'java.util', 'java.util.concurrent', 'java.util.concurrent.atomic', 'java.util.concurrent.locks'].map(
    (p) => `--add-opens=java.base/${p}=ALL-UNNAMED`,
  ),
];

// JSON input for Dirk: the same fields as the protobuf message (tags and metadata are empty there too), from
// bench/booking-json.ts, as bench/run.ts writes them.

const log = (m) => process.stdout.write(`[flink-bench] ${m}\n`);
const dist = (p) => import(pathToFileURL(path.join(ROOT, 'dist', p)).href);

const INSTALL = { java: 'apt-get install -y openjdk-17-jdk-headless', javac: 'apt-get install -y openjdk-17-jdk-headless', mvn: 'apt-get install -y maven', protoc: 'apt-get install -y protobuf-compiler libprotobuf-dev' };

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.error?.code === 'ENOENT') throw new Error(`${cmd} is not installed${INSTALL[cmd] ? `: ${INSTALL[cmd]}` : ''}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 4).join(' ')} … failed (exit ${r.status ?? r.signal})`);
  return r;
}

function fetchJars() {
  if (REQUIRED_JARS.every((j) => fs.existsSync(path.join(LIBS, j)))) return;
  const scratch = `${LIBS}.tmp-${process.pid}`;
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(CACHE, { recursive: true });
  log(`resolving Flink 1.20.3 jars with maven into ${path.relative(ROOT, LIBS)} ...`);
  const t0 = Date.now();
  run('mvn', ['-B', '-q', '-Dstyle.color=never', '-f', POM, 'package', `-DlibsDir=${scratch}`]);
  fs.rmSync(LIBS, { recursive: true, force: true });
  fs.renameSync(scratch, LIBS);
  fs.rmSync(path.join(ROOT, 'bench', 'flink', 'target'), { recursive: true, force: true });
  log(`jars resolved in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

function javaSources(dir) {
  return fs.readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.java')).map((f) => path.join(dir, f));
}

function compile() {
  const proto = path.join(ROOT, 'protos', 'dirk', 'examples', 'booking.proto');
  const ours = javaSources(JAVA_SRC);
  const stamp = path.join(CLASSES, '.stamp');
  const newest = Math.max(...[proto, ...ours].map((f) => fs.statSync(f).mtimeMs));
  if (fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs >= newest) return;
  fs.rmSync(GEN, { recursive: true, force: true });
  fs.rmSync(CLASSES, { recursive: true, force: true });
  fs.mkdirSync(GEN, { recursive: true });
  fs.mkdirSync(CLASSES, { recursive: true });
  // Debian's protoc 3.21.12 (apt-get install -y protobuf-compiler) matches flink-protobuf's protobuf-java 3.21.7.
  run('protoc', [`--proto_path=${path.join(ROOT, 'protos')}`, `--java_out=${GEN}`, proto]);
  run('javac', ['-nowarn', '-d', CLASSES, '-cp', `${LIBS}/*`, ...javaSources(GEN), ...ours]);
  fs.writeFileSync(stamp, '');
  log('compiled bench/flink sources');
}

/** The records of bench/run.ts's preload: record j is 10 ms after record j-1, partition j % 2. */
async function booking(j) {
  const { bookingFields } = await dist('bench/booking-json.js');
  if (j >= ROWS) return { at: END_AT, ...bookingFields(j), order_number: `END-${j - ROWS}`, status: 'CANCELLED', service_area_id: END_AREA };
  return { at: T0 + j * 10, ...bookingFields(j) };
}

/** Booking j's payment: two of every three bookings have one, (j % 10) s of event time after the booking. */
const hasPayment = (j) => j % 3 !== 0;
const paymentAt = (j) => T0 + j * 10 + (j % 10) * 1000;

/** The payments topic (JSON, 2 partitions as the bookings, booking j's payment in partition j % 2), each partition in event-time order. */
async function preloadPayments(kafka, topic) {
  const js = [];
  for (let j = 0; j < ROWS; j++) if (hasPayment(j)) js.push(j);
  js.sort((a, b) => paymentAt(a) - paymentAt(b));
  await createTopic(kafka, topic);
  const producer = kafka.producer();
  await producer.connect();
  const json = (order, amount, method, at) => Buffer.from(JSON.stringify({ order_number: order, amount, pay_method: method, event_timestamp: new Date(at).toISOString() }));
  for (let i = 0; i < js.length; i += 5000) {
    const messages = js.slice(i, i + 5000).map((j) => ({ value: json(`ORD-${j}`, (j % 500) / 4, ['CARD', 'CASH', 'WALLET'][j % 3], paymentAt(j)), partition: j % 2 }));
    await producer.send({ topic, messages });
  }
  await producer.send({ topic, messages: [0, 1].map((p) => ({ value: json(`END-PAY-${p}`, 0, 'CARD', END_AT), partition: p })) });
  await producer.disconnect();
  return js.length;
}

async function kafkaClient() {
  const { default: kafkajs } = await dist('src/connectors/kafka/kafkajs.js');
  return { kafkajs, kafka: new kafkajs.Kafka({ brokers: [BROKER], clientId: 'dirk-flink-bench', logLevel: kafkajs.logLevel.NOTHING }) };
}

async function createTopic(kafka, topic) {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  await admin.disconnect();
}

async function preload(kafka, topic, format) {
  let encode;
  if (format === 'json') {
    encode = ({ at, ...r }) => Buffer.from(JSON.stringify({ ...r, event_timestamp: new Date(at).toISOString() }));
  } else {
    const { openDescriptorRegistry } = await dist('src/schema/index.js');
    const root = await openDescriptorRegistry({ kind: 'files', dirs: [path.join(ROOT, 'protos')] });
    const type = root.lookupType('dirk.examples.BookingLogMessage');
    encode = ({ at, ...r }) => Buffer.from(type.encode(type.fromObject({ ...r, event_timestamp: { seconds: Math.floor(at / 1000), nanos: (at % 1000) * 1e6 } })).finish());
  }
  await createTopic(kafka, topic);
  const producer = kafka.producer();
  await producer.connect();
  let bytes = 0;
  for (let i = 0; i < ROWS + 2; i += 5000) {
    const messages = [];
    for (let j = i; j < Math.min(ROWS + 2, i + 5000); j++) {
      const value = encode(await booking(j));
      bytes += value.length;
      messages.push({ value, partition: j % 2 });
    }
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
  return bytes / ROWS;
}

/** What the queries must produce from the preloaded records, computed here. */
function expected(scenario) {
  if (scenario === 'filter') {
    let n = 0;
    for (let j = 0; j < ROWS; j++) if (j % 5 !== 0 && (j % 1000) / 10 > 10) n++;
    return n;
  }
  if (JOINS.has(scenario)) {
    let n = 0; // the interval join keeps payments 0-5 s after their booking (BETWEEN includes both ends)
    for (let j = 0; j < ROWS; j++) if (hasPayment(j) && (scenario === 'join' || j % 10 <= 5)) n++;
    return n;
  }
  const panes = new Set(); // (key, minute) pairs that hold a record
  for (let j = 0; j < ROWS; j++) panes.add(`${j % 50}|${Math.floor((T0 + j * 10) / 60_000)}`);
  if (scenario === 'tumble') return panes.size;
  const ends = new Set(); // a 1 h window sliding by 1 min ends in any of the 60 minutes after a pane
  for (const p of panes) {
    const [key, m] = p.split('|').map(Number);
    for (let k = 1; k <= 60; k++) ends.add(`${key}|${m + k}`);
  }
  return ends.size;
}

/** Reads a sink topic to its end; returns the row count and a digest that both engines' rows must share. */
async function readOutput(kafka, topic, scenario) {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const want = new Map(ends.map((p) => [p.partition, Number(p.high)]));
  const done = new Map(ends.map((p) => [p.partition, Number(p.low) >= Number(p.high)]));
  const rows = [];
  const consumer = kafka.consumer({ groupId: `flink-bench-read-${Date.now()}-${Math.random()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise((resolve, reject) => {
    const finish = () => [...done.values()].every(Boolean) && resolve();
    finish();
    const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}`)), 120_000);
    consumer
      .run({
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) rows.push(JSON.parse(m.value.toString()));
          if (Number(batch.lastOffset()) + 1 >= want.get(batch.partition)) done.set(batch.partition, true);
          if ([...done.values()].every(Boolean)) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  const ms = (s) => Date.parse(/Z$|[+-]\d\d:\d\d$/.test(s) ? s : `${s}Z`);
  let keys;
  if (scenario === 'filter') keys = rows.map((r) => `${r.order_number}|${r.service}|${Math.round(r.amount_with_tax * 1e6)}|${ms(r.rowtime)}`);
  else if (JOINS.has(scenario)) keys = rows.map((r) => `${r.order_number}|${r.service_area_id}|${Math.round(r.amount * 1e6)}|${ms(r.paid_at)}`);
  else keys = rows.filter((r) => r.service_area_id !== END_AREA).map((r) => `${r.service_area_id}|${ms(r.window_end)}|${r.bookings}`);
  // Every expected row is distinct; repeats (at-least-once replays after a rebalance of a multi-task run) are
  // counted apart and left out of the digest.
  const distinct = [...new Set(keys)].sort();
  const { createHash } = await import('node:crypto');
  const digest = createHash('sha256').update(distinct.join('\n')).digest('hex').slice(0, 12);
  return { rows: distinct.length, repeats: keys.length - distinct.length, digest };
}

/** Runs one job in a child process under /usr/bin/time; returns its RESULT line plus the process figures. */
function timed(cmd, args) {
  const timeFile = path.join(os.tmpdir(), `flink-bench-time-${process.pid}`);
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-o', timeFile, '-f', '%e %U %S %M', cmd, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  const wall = (performance.now() - t0) / 1000;
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
  if (r.status !== 0 || !line) {
    process.stderr.write(`${r.stdout}\n${r.stderr}`.slice(-6000));
    throw new Error(`${path.basename(cmd)} job failed (exit ${r.status ?? r.signal})`);
  }
  const [elapsed, user, sys, maxRssKb] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  fs.rmSync(timeFile, { force: true });
  // Flink's MiniCluster logs a few harmless WARNs on every start (no log.file, no delegation tokens, ...).
  const warnings = (r.stderr ?? '').split('\n').filter((l) => /\bERROR\b|Exception/.test(l));
  return { ...JSON.parse(line.slice(7)), process_s: elapsed || wall, process_cpu_s: user + sys, peak_rss_mb: Math.round(maxRssKb / 1024), warnings };
}

const javaOpts = () => [...HEAP, ...(process.env.FLINK_BENCH_JAVA_OPENS === '0' ? [] : JAVA_OPENS)];

function runFlink(format, scenario, topics, sinkTopic, parallelism) {
  const cp = `${CLASSES}:${LIBS}/*`;
  return timed('java', [
    ...javaOpts(),
    '-cp',
    cp,
    'dirk.bench.FlinkSqlBench',
    `bootstrap=${BROKER}`,
    `topic=${topics.booking}`,
    `paymentTopic=${topics.payment}`,
    `sinkTopic=${sinkTopic}`,
    `format=${format}`,
    `scenario=${scenario}`,
    `group=flink-bench-${Date.now()}`,
    `parallelism=${parallelism}`,
    'objectReuse=true',
    `miniBatch=${AGGREGATES.has(scenario)}`,
    ...(ALIGN_DRIFT ? [`alignDriftMs=${ALIGN_DRIFT}`] : []),
  ]);
}

/** Node flags of a Dirk job's process: --cpu-prof into a fresh folder with FLINK_BENCH_PROFILE=1. */
function dirkNodeArgs() {
  if (!PROFILE) return { args: [], dir: undefined };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dirk-flink-bench-prof-'));
  return { args: ['--cpu-prof', `--cpu-prof-dir=${dir}`], dir };
}

async function runDirk(kafka, format, scenario, topics, sinkTopic, par, want) {
  const prof = dirkNodeArgs();
  const tasks = Number.parseInt(String(par), 10);
  const exchange = String(par).endsWith('x');
  let r;
  if (tasks === 1 && !exchange) {
    r = timed(process.execPath, [...prof.args, fileURLToPath(import.meta.url), 'dirk-job', JSON.stringify({ format, scenario, topics, sinkTopic })]);
  } else {
    const { runDirkTasks } = await import('./lib/flink-bench-tasks.mjs');
    const jobFile = path.join(os.tmpdir(), `dirk-flink-bench-${process.pid}-${Date.now()}.json`);
    fs.writeFileSync(jobFile, JSON.stringify(await dirkConfig({ format, scenario, topics, sinkTopic, tasks, exchange })));
    try {
      // N tasks: bounded, to the process's own exit; 1x (the exchange at one task, refused for a bounded job): unbounded, to the target count.
      r = await runDirkTasks({ root: ROOT, kafka, jobFile, sinkTopic, target: want, nodeArgs: prof.args, label: `dirk ${format} ${scenario} ${tasks} tasks`, bounded: !exchange });
    } finally {
      fs.rmSync(jobFile, { force: true });
    }
  }
  if (prof.dir) {
    const { profileSummary } = await import('./lib/flink-bench-tasks.mjs');
    // Shares over the timed span only (the group join's wait and, at N tasks, the settle and stop are idle).
    r.profile = profileSummary(ROOT, prof.dir, spawnSync, r.window_mono_us);
    // FLINK_BENCH_PROFILE_KEEP=1: the profiles stay for a closer look (PROFILE_WINDOW_US gives the timed span).
    if (process.env.FLINK_BENCH_PROFILE_KEEP === '1') log(`profiles kept in ${prof.dir}; PROFILE_WINDOW_US=${r.window_mono_us?.join(',')}`);
    else fs.rmSync(prof.dir, { recursive: true, force: true });
  }
  return r;
}

/**
 * The Dirk job of a scenario over BOUNDED sources (one task, or `tasks` worker threads), or with `exchange` at
 * one task (DIRK_EXCHANGE_ENABLE, a multi-process member, which a bounded job refuses) over UNBOUNDED ones.
 */
async function dirkConfig({ format, scenario, topics, sinkTopic, tasks = 1, exchange = false }) {
  const group = `flink-bench-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const source = !exchange ? { SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'KAFKA_SOURCE' } : { SOURCE_TYPE: 'UNBOUNDED', SOURCE_NAME: 'KAFKA_CONSUMER' };
  const kafkaKeys = (topic, g) => ({
    SOURCE_KAFKA_TOPIC_NAMES: topic,
    SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: BROKER,
    SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: g,
    SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET: 'earliest',
    SOURCE_DETAILS: [source],
    ...(ALIGN_DRIFT ? { SOURCE_WATERMARK_ALIGNMENT_GROUP: 'bench', SOURCE_WATERMARK_ALIGNMENT_MAX_DRIFT_MS: ALIGN_DRIFT } : {}),
  });
  const input =
    format === 'json'
      ? { INPUT_DATATYPE: 'JSON', INPUT_SCHEMA_JSON_SCHEMA: JSON.stringify((await dist('bench/booking-json.js')).BOOKING_JSON_SCHEMA), INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'event_timestamp' }
      : { INPUT_SCHEMA_PROTO_CLASS: 'dirk.examples.BookingLogMessage', INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX: '5' };
  const streams = [{ INPUT_SCHEMA_TABLE: 'booking', ...input, ...kafkaKeys(topics.booking, group) }];
  if (JOINS.has(scenario)) {
    streams.push({
      INPUT_SCHEMA_TABLE: 'payment',
      INPUT_DATATYPE: 'JSON',
      INPUT_SCHEMA_JSON_SCHEMA: JSON.stringify(PAYMENT_JSON_SCHEMA),
      INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'event_timestamp',
      ...kafkaKeys(topics.payment, `${group}-payment`),
    });
  }
  return {
    FLINK_JOB_ID: `flink-bench-${scenario}-${Date.now().toString(36)}`,
    STREAMS: streams,
    FLINK_SQL_QUERY: SQL[scenario],
    FLINK_WATERMARK_DELAY_MS: '1000',
    FLINK_WATERMARK_PER_PARTITION_ENABLE: 'true',
    FLINK_WATERMARK_INTERVAL_MS: '200',
    SCHEMA_PROTO_DIRS: path.join(ROOT, 'protos'),
    METRIC_TELEMETRY_ENABLE: 'false',
    SINK_TYPE: 'kafka',
    SINK_KAFKA_BROKERS: BROKER,
    SINK_KAFKA_TOPIC: sinkTopic,
    SINK_KAFKA_DATA_TYPE: 'JSON',
    DIRK_TASKS: String(tasks),
    ...(exchange ? { DIRK_EXCHANGE_ENABLE: 'true' } : {}),
    ...dirkExtraKeys(),
  };
}

/** FLINK_BENCH_DIRK_CONFIG: a JSON object of job keys added to every Dirk job (A/B runs of a setting, e.g. {"DIRK_HEAP_GROWING_PERCENT":"0"}). */
export function dirkExtraKeys() {
  return process.env.FLINK_BENCH_DIRK_CONFIG ? JSON.parse(process.env.FLINK_BENCH_DIRK_CONFIG) : {};
}

/** Child mode: one Dirk job, in-process through dist/ as bench/run.ts does, with BOUNDED KAFKA_SOURCEs. */
async function dirkJob({ format, scenario, topics, sinkTopic }) {
  const startedAt = performance.now(); // ms since this process started
  const [{ parseJobConfig }, { prepareJob }, { startJob }, { silentLogger }] = await Promise.all([
    dist('src/config/index.js'),
    dist('src/job/prepare.js'),
    dist('src/job/stream-manager.js'),
    dist('src/core/logger.js'),
  ]);
  const raw = await dirkConfig({ format, scenario, topics, sinkTopic });
  const { config } = parseJobConfig(raw);
  const job = await prepareJob(config, silentLogger);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dirk-flink-bench-'));
  // Timed, as the N-task runs are (scripts/lib/flink-bench-tasks.mjs), from the source group's first Stable
  // state: with a broker at Kafka's default group.initial.rebalance.delay.ms (3 s, which the 2-task runs need
  // to join in one generation) the first join waits that long, which is the broker's setting, not the job.
  const group = raw.STREAMS[0]?.SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID;
  const stable = group === undefined ? undefined : watchGroupStable((await kafkaClient()).kafka, group);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const mono0 = Number(process.hrtime.bigint() / 1000n);
  const running = await startJob(job, { logger: silentLogger, checkpointDir: dir });
  await running.done;
  const tEnd = performance.now();
  const cpuEnd = process.cpuUsage();
  const threadsEnd = threadTicks(process.pid);
  const monoEnd = Number(process.hrtime.bigint() / 1000n);
  const from = await timedFrom(stable, t0, tEnd);
  // CPU of the timed span alone (from the group's first Stable state), as the N-task runs report it.
  const at = from !== t0 && stable ? stable.at() : { cpu: c0, monoUs: mono0 };
  const windowCpu = (cpuEnd.user + cpuEnd.system - at.cpu.user - at.cpu.system) / 1e6;
  const jobS = (tEnd - from) / 1000;
  const cpu = process.cpuUsage(c0);
  const all = process.cpuUsage();
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(
    `RESULT ${JSON.stringify({
      engine: 'dirk',
      format,
      scenario,
      jvm_to_main_ms: 0,
      setup_ms: Number((t0 - startedAt).toFixed(1)),
      join_s: Number(((from - t0) / 1000).toFixed(2)),
      job_s: jobS,
      job_cpu_s: (cpu.user + cpu.system) / 1e6,
      window_cpu_s: windowCpu,
      window_epoch_ms: [performance.timeOrigin + from, performance.timeOrigin + tEnd],
      window_mono_us: [at.monoUs, monoEnd],
      window_threads: at.threads ? threadSeconds(at.threads, threadsEnd, process.pid) : undefined,
      process_cpu_s: (all.user + all.system) / 1e6,
      vmhwm_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    })}`,
  );
  process.exit(0);
}

const fmt = (n, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

/** Every run of one (format, scenario): Flink at each parallelism, Dirk at each task count. */
async function runScenario(kafka, format, scenario, topics, results) {
  const want = expected(scenario);
  const runs = [...(ENGINES.includes('flink') ? PARALLELISM.map((n) => ['flink', n]) : []), ...(ENGINES.includes('dirk') ? DIRK_TASKS.map((n) => ['dirk', n]) : [])];
  for (const [engine, par] of runs) {
    const sinkTopic = `${topics.booking}-${scenario}-${engine}${par}-${Date.now()}`;
    await createTopic(kafka, sinkTopic);
    const load = os.loadavg()[0];
    let r;
    const sampler = engine === 'dirk' ? startCpuSampler(BROKER_PID ? [BROKER_PID] : []) : undefined;
    try {
      r = engine === 'flink' ? runFlink(format, scenario, topics, sinkTopic, par) : await runDirk(kafka, format, scenario, topics, sinkTopic, par, want);
      if (sampler && r.window_epoch_ms) {
        sampler.stop();
        await new Promise((resolve) => setTimeout(resolve, 300));
        r.machine = sampler.usage(...r.window_epoch_ms);
      }
    } catch (e) {
      log(`${engine} ×${par} ${format} ${scenario}: ${e.message.slice(0, 3000)}`);
      results.push({ engine, par, format, scenario, failed: e.message.split('\n')[0].slice(0, 200), load, expected: want });
      continue;
    } finally {
      sampler?.stop();
      sampler?.remove();
    }
    const out = await readOutput(kafka, sinkTopic, scenario);
    const row = { ...r, ...out, engine, par, format, scenario, expected: want, run_s: r.net_runtime_s ?? r.job_s, load };
    results.push(row);
    log(
      `${engine.padEnd(5)} ×${par} ${format.padEnd(8)} ${scenario.padEnd(8)} job ${row.run_s.toFixed(2)} s = ${fmt(ROWS / row.run_s)} events/s, submit→end ${r.job_s.toFixed(2)} s, CPU ${r.job_cpu_s.toFixed(2)} s, process ${r.process_s.toFixed(2)} s / CPU ${r.process_cpu_s.toFixed(2)} s, peak RSS ${r.peak_rss_mb} MB, out ${fmt(out.rows)} rows (expected ${fmt(want)}${out.repeats ? `; ${fmt(out.repeats)} repeated` : ''}) digest ${out.digest}`,
    );
    if (r.window_cpu_s !== undefined) {
      const m = r.machine;
      const cores = (cpu) => `${cpu.toFixed(2)} s = ${(cpu / row.run_s).toFixed(2)} cores`;
      log(
        `  timed span ${row.run_s.toFixed(2)} s: Dirk CPU ${cores(r.window_cpu_s)} (${((r.window_cpu_s * 1e6) / ROWS).toFixed(2)} µs/record)` +
          (m ? `; machine busy ${(100 * m.busyShare).toFixed(1)}% of ${m.cores.toFixed(1)} cores (${m.busyCores.toFixed(2)} cores)` : '') +
          (m && BROKER_PID ? `; broker CPU ${cores(m.pids[0])} (${((m.pids[0] * 1e6) / ROWS).toFixed(2)} µs/record)` : ''),
      );
    }
    if (r.before_cpu_s !== undefined) log(`  outside the span: CPU ${r.before_cpu_s.toFixed(2)} s before it (start-up, planning, the group join), ${r.after_cpu_s.toFixed(2)} s after it (the ${SETTLE_NOTE})`);
    if (r.window_threads) log(`  threads (CPU s in the timed span): ${r.window_threads.filter(([, v]) => v >= 0.05).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
    for (const w of r.warnings.slice(0, 5)) log(`  ${engine} stderr: ${w.slice(0, 300)}`);
    for (const p of r.profile ?? []) console.log(p.replace(/^/gm, `  [profile dirk ×${par} ${format} ${scenario}] `));
  }
}

function printResults(results) {
  console.log('');
  console.log('| engine | par. | input | scenario | events/s | job s | submit→end s | CPU s (submit→end) | process s | process CPU s | start-up s | peak RSS MB | output rows | repeats | expected | digest | load |');
  console.log('|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|');
  for (const r of results) {
    if (r.failed) {
      console.log(`| ${r.engine} | ${r.par} | ${r.format} | ${r.scenario} | failed: ${r.failed.replace(/\|/g, '/')} | | | | | | | | | | ${fmt(r.expected)} | | ${r.load.toFixed(1)} |`);
      continue;
    }
    console.log(
      `| ${r.engine} | ${r.par} | ${r.format} | ${r.scenario} | ${fmt(ROWS / r.run_s)} | ${r.run_s.toFixed(2)} | ${r.job_s.toFixed(2)} | ${r.job_cpu_s.toFixed(2)} | ${r.process_s.toFixed(2)} | ${r.process_cpu_s.toFixed(2)} | ${(r.setup_ms / 1000 + r.jvm_to_main_ms / 1000).toFixed(2)} | ${r.peak_rss_mb} | ${fmt(r.rows)} | ${fmt(r.repeats)} | ${fmt(r.expected)} | ${r.digest} | ${r.load.toFixed(1)} |`,
    );
  }
  console.log(
    '\npar.: Flink parallelism.default / Dirk tasks (worker threads). job s: Flink = the job\'s net runtime in the MiniCluster (deploy, code generation, Kafka, processing);' +
      ' Dirk at 1 task = startJob() to done over BOUNDED sources; Dirk at N > 1 tasks = `dirk run` over BOUNDED sources, the first source group Stable to the process\'s exit (scripts/lib/flink-bench-tasks.mjs).' +
      ' events/s = records / job s. submit→end: Flink from executeSql(INSERT) (planning, MiniCluster start, submission) to await() returning.' +
      '\nstart-up: JVM start to main() plus table environment and DDL (Flink), process start to startJob() (Dirk at 1 task; at N tasks: to the first sink record).' +
      ' load: the 1-minute load average when the job started (2 cores; other work on the machine shows here).' +
      '\noutput rows: distinct rows (the digest is over them); repeats: rows written more than once (at-least-once replays after a rebalance while the tasks of a multi-task run join).',
  );
  console.log('\n| input | scenario | best Flink events/s (par.) | best Dirk events/s (tasks) | Dirk / Flink | Flink peak RSS MB | Dirk peak RSS MB | RSS Dirk / Flink |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const format of FORMATS) {
    for (const scenario of SCENARIOS) {
      const best = (engine) => results.filter((r) => r.engine === engine && r.format === format && r.scenario === scenario && !r.failed).sort((a, b) => a.run_s - b.run_s)[0];
      const f = best('flink');
      const d = best('dirk');
      const eps = (r) => (r ? `${fmt(ROWS / r.run_s)} (${r.par})` : '-');
      const ratio = f && d ? `${(f.run_s / d.run_s).toFixed(2)}x` : '-';
      const rss = f && d ? `${(d.peak_rss_mb / f.peak_rss_mb).toFixed(2)}` : '-';
      console.log(`| ${format} | ${scenario} | ${eps(f)} | ${eps(d)} | ${ratio} | ${f?.peak_rss_mb ?? '-'} | ${d?.peak_rss_mb ?? '-'} | ${rss} |`);
    }
  }
}

function mismatches(results) {
  const out = [];
  for (const format of FORMATS) {
    for (const scenario of SCENARIOS) {
      const rs = results.filter((r) => r.format === format && r.scenario === scenario);
      for (const r of rs) {
        if (r.failed) out.push(`${r.engine} ×${r.par} ${format} ${scenario}: failed (${r.failed})`);
        else if (r.rows !== r.expected) out.push(`${r.engine} ×${r.par} ${format} ${scenario}: ${r.rows} rows, expected ${r.expected}`);
      }
      const ok = rs.filter((r) => !r.failed);
      if (new Set(ok.map((r) => r.digest)).size > 1) out.push(`${format} ${scenario}: the runs' rows differ (${ok.map((r) => `${r.engine} ×${r.par} ${r.digest}`).join(', ')})`);
    }
  }
  return out;
}

async function main() {
  log(`node ${process.version}, ${os.cpus().length} cores, ${fmt(ROWS)} records; formats ${FORMATS}; scenarios ${ALL_SCENARIOS}; engines ${ENGINES}; Flink parallelism ${PARALLELISM}; Dirk tasks ${DIRK_TASKS}${PROFILE ? '; Dirk profiled' : ''}`);
  // A broker named by BENCH_KAFKA is the caller's; only the default local one is started here.
  if (!process.env.BENCH_KAFKA) run(process.execPath, [path.join(ROOT, 'scripts', 'kafka.mjs'), 'start']);
  // FLINK_BENCH_BUILD=0: dist/ as it is (another run of the script may be loading it while tsc rewrites it).
  if ((ENGINES.includes('dirk') && process.env.FLINK_BENCH_BUILD !== '0') || !fs.existsSync(path.join(ROOT, 'dist', 'src'))) run('npm', ['run', 'build', '--silent']);
  if (ENGINES.includes('flink')) {
    fetchJars();
    compile();
  }
  const { kafka } = await kafkaClient();
  const nexmarkCtx = { dist, kafka, broker: BROKER, engines: ENGINES, parallelism: PARALLELISM, dirkTasks: DIRK_TASKS, root: ROOT, dirkNodeArgs, spawnSync, log, timed, javaOpts, flinkClasspath: () => `${CLASSES}:${LIBS}/*`, self: fileURLToPath(import.meta.url) };
  if (ALL_SCENARIOS.includes('nexmark')) {
    const { runNexmark } = await import('./lib/flink-nexmark.mjs');
    if (!(await runNexmark(nexmarkCtx))) process.exitCode = 1;
  }
  if (ALL_SCENARIOS.includes('nexmark-latency')) {
    const { runNexmarkLatency } = await import('./lib/flink-nexmark-latency.mjs');
    await runNexmarkLatency(nexmarkCtx);
  }
  if (SCENARIOS.length === 0) return;
  const prefix = process.env.FLINK_BENCH_TOPIC_PREFIX ?? `flink-bench-${Date.now()}`;
  const results = [];
  const payment = `${prefix}-payment`;
  if (process.env.FLINK_BENCH_TOPIC_PREFIX === undefined && SCENARIOS.some((s) => JOINS.has(s))) {
    const t0 = performance.now();
    const n = await preloadPayments(kafka, payment);
    log(`preloaded ${fmt(n)} JSON payments into ${payment} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  for (const format of FORMATS) {
    const topic = `${prefix}-${format}`;
    if (process.env.FLINK_BENCH_TOPIC_PREFIX === undefined) {
      const t0 = performance.now();
      const size = await preload(kafka, topic, format);
      log(`preloaded ${fmt(ROWS)} ${format} records of ${size.toFixed(0)} bytes on average into ${topic} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
    for (const scenario of SCENARIOS) await runScenario(kafka, format, scenario, { booking: topic, payment }, results);
  }
  printResults(results);
  const bad = mismatches(results);
  console.log(bad.length ? `\nMISMATCH:\n${bad.join('\n')}` : '\nAll outputs match: same rows from every run of both engines, and the expected counts.');
  if (bad.length) process.exitCode = 1;
}

if (process.argv[2] === 'dirk-script') {
  import('./lib/flink-nexmark.mjs')
    .then(({ dirkScriptJob }) => dirkScriptJob(dist, JSON.parse(process.argv[3])))
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
} else if (process.argv[2] === 'dirk-job') {
  dirkJob(JSON.parse(process.argv[3])).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
