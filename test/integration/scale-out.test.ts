import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Consumer } from 'kafkajs';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBooking, kafkaStream, loadBookingProtos, metricsUrl, writeJobFile } from '../helpers/jobs.js';
import { closeKafkaHelpers, createTopics, kafkaBootstrap, kafkaClient, produce, uniqueTopic, type ProduceMessage } from '../helpers/kafka.js';
import { REPO_ROOT, runCli, startCli, type RunningCli } from '../helpers/process.js';

/**
 * Scale-out on the real broker: a TUMBLE count by service_type (the Kafka record key is the order number,
 * so every partition holds every service type) over a 6-partition topic, run as one task, as 3 processes
 * and as 1 process with 3 worker threads. Each run's output (append-only: one row per key and window) must
 * equal the single task's exactly: nothing split between tasks, nothing repeated.
 */
let Booking: protobuf.Type;
const dir = mkdtempSync(join(tmpdir(), 'dirk-scale-'));
const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const KEYS = ['GO_RIDE', 'GO_CAR', 'GO_FOOD', 'GO_SEND'] as const;
const PARTITIONS = 6;
const PER_PARTITION = 400;
const STEP_MS = 11;

beforeAll(async () => {
  Booking = (await loadBookingProtos()).lookupType('dirk.examples.BookingLogMessage');
});
afterAll(() => closeKafkaHelpers());

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function tail(topic: string): Promise<{ records: string[]; stop: () => Promise<void> }> {
  const records: string[] = [];
  const consumer: Consumer = kafkaClient().consumer({ groupId: `dirk-test-${uniqueTopic('tail')}`, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void records.push(message.value!.toString('utf8')) });
  return { records, stop: () => consumer.disconnect() };
}

/** The window ends a record at `t` counts in: one TUMBLE of 1 s by default. */
type Ends = (t: number) => number[];
const tumbleEnds: Ends = (t) => [Math.floor(t / 1000) * 1000 + 1000];

/** The input: every partition in event-time order, service types spread over all partitions. */
function input(ends: Ends = tumbleEnds): { messages: ProduceMessage[]; closers: ProduceMessage[]; expected: Map<string, number> } {
  const messages: ProduceMessage[] = [];
  const expected = new Map<string, number>();
  for (let p = 0; p < PARTITIONS; p++) {
    for (let j = 0; j < PER_PARTITION; j++) {
      const t = T0 + j * STEP_MS + p;
      const k = KEYS[(j * 7 + p * 3) % KEYS.length]!;
      // Amounts vary (MIN, MAX and SUM differ per window) and are small integers (sums are exact in any order).
      messages.push({ key: `order-${p}-${j}`, value: encodeBooking(Booking, `order-${p}-${j}`, k, t, 1 + ((j * 13 + p * 5) % 17)), partition: p });
      for (const end of ends(t)) {
        const w = `${k}|${new Date(end).toISOString()}`;
        expected.set(w, (expected.get(w) ?? 0) + 1);
      }
    }
  }
  // A record far ahead on every partition closes every window of the input.
  const far = T0 + PER_PARTITION * STEP_MS + 60_000;
  const closers = Array.from({ length: PARTITIONS }, (_, p) => ({ key: `closer-${p}`, value: encodeBooking(Booking, `closer-${p}`, 'CLOSER', far, 1), partition: p }));
  return { messages, closers, expected };
}

interface Mode {
  readonly name: string;
  readonly processes: number;
  readonly extra: Record<string, string>;
  /** Partitions each consumer of each process should end up with once every member has joined. */
  readonly perConsumer: number;
  /** Checks once every member has joined. */
  readonly onSettled?: (runs: readonly RunningCli[]) => Promise<void>;
  /** Another query: it must output k, n (COUNT) and w (the window end) per key and window, as the default. */
  readonly sql?: string;
  /** The window ends of a record at t (with `sql`). */
  readonly ends?: Ends;
  /** Called after the first half of the input has produced output (the failover test kills a process here). */
  readonly midway?: (runs: readonly RunningCli[], output: readonly string[], job: string) => Promise<void>;
}

/** The last "partitions assigned" list of each consumer (table) in a process's log. */
function assignments(cli: RunningCli): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of cli.stderr().split('\n')) {
    if (!line.includes('partitions assigned')) continue;
    const m = /"?partitions"?[=:]\s*\[([^\]]*)\]/.exec(line);
    const table = /"?(?:exchange|table)"?[=:]\s*"?([^",\s}]+)/.exec(line);
    const task = /task[=:]"?(\d+)/.exec(line)?.[1] ?? '0';
    const key = `${task}:${line.includes('exchange') ? 'exchange' : 'source'}:${table?.[1] ?? '?'}`;
    out.set(key, m && m[1]!.trim() ? m[1]!.split(',').length : 0);
  }
  return out;
}

async function runMode(mode: Mode): Promise<string[]> {
  const { messages, closers, expected } = input(mode.ends);
  const topic = uniqueTopic(`it-scale-in-${mode.name}`);
  const output = uniqueTopic(`it-scale-out-${mode.name}`);
  await createTopics([topic], PARTITIONS);
  await createTopics([output], 1);
  const job = writeJobFile(dir, `scale-${mode.name}`, {
    FLINK_JOB_ID: `it-scale-${topic}`,
    STREAMS: [
      kafkaStream(
        { table: 'booking', protoClass: 'dirk.examples.BookingLogMessage', timestampIndex: '5', topic, groupId: `it-group-${topic}` },
        { SOURCE_KAFKA_CONSUMER_CONFIG_SESSION_TIMEOUT_MS: '6000', SOURCE_KAFKA_CONSUMER_CONFIG_HEARTBEAT_INTERVAL_MS: '300' },
      ),
    ],
    FLINK_SQL_QUERY:
      mode.sql ?? "SELECT service_type AS k, COUNT(1) AS n, TUMBLE_END(rowtime, INTERVAL '1' SECOND) AS w FROM `booking` GROUP BY TUMBLE(rowtime, INTERVAL '1' SECOND), service_type",
    FLINK_WATERMARK_PER_PARTITION_ENABLE: 'true',
    FLINK_WATERMARK_DELAY_MS: '0',
    FLINK_WATERMARK_INTERVAL_MS: '100',
    FLINK_CHECKPOINT_INTERVAL_MS: '500',
    SCHEMA_PROTO_DIRS: join(REPO_ROOT, 'protos'),
    METRIC_TELEMETRY_ENABLE: 'false',
    SINK_TYPE: 'kafka',
    SINK_KAFKA_BROKERS: kafkaBootstrap(),
    SINK_KAFKA_TOPIC: output,
    SINK_KAFKA_DATA_TYPE: 'JSON',
    ...mode.extra,
  });
  const out = await tail(output);
  const runs: RunningCli[] = [];
  try {
    for (let i = 0; i < mode.processes; i++) runs.push(startCli(['run', job, '--checkpoint-dir', mkdtempSync(join(tmpdir(), 'dirk-scale-ckpt-'))]));
    // Every member has joined (each consumer of each process holds its share) before the input arrives.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const all = runs.map(assignments);
      const tasks = Number(mode.extra['DIRK_TASKS'] ?? 1);
      const expectedConsumers = (mode.extra['DIRK_EXCHANGE_ENABLE'] === 'true' || tasks > 1 ? 2 : 1) * tasks;
      const settled = all.every((a) => a.size === expectedConsumers && [...a.values()].every((n) => n === mode.perConsumer));
      if (settled) break;
      if (Date.now() > deadline) throw new Error(`the group never settled: ${JSON.stringify(all.map((a) => [...a]))}\n${runs.map((r) => r.stderr().slice(-3000)).join('\n---\n')}`);
      await sleep(200);
    }
    if (mode.onSettled) await mode.onSettled(runs);
    if (mode.midway) {
      const half = (m: ProduceMessage): boolean => Number(/order-\d+-(\d+)/.exec(m.key as string)![1]) < PER_PARTITION / 2;
      await produce(topic, messages.filter(half));
      await mode.midway(runs, out.records, job);
      await produce(topic, messages.filter((m) => !half(m)));
    } else await produce(topic, messages);
    await produce(topic, closers);
    const seen = (): Set<string> => new Set(out.records.map((r) => JSON.parse(r) as { k: string; w: string }).map((r) => `${r.k}|${r.w}`));
    const until = Date.now() + 60_000;
    while ([...expected.keys()].some((w) => !seen().has(w))) {
      if (Date.now() > until) {
        throw new Error(`windows never emitted: ${[...expected.keys()].filter((w) => !seen().has(w)).slice(0, 10).join(', ')}\n${runs.map((r) => r.stderr().slice(-3000)).join('\n---\n')}`);
      }
      await sleep(100);
    }
    // Anything emitted twice would arrive shortly after.
    await sleep(1500);
    const rows = out.records.map((r) => JSON.parse(r) as { k: string; n: number; w: string });
    for (const r of rows) expect(r.n, `${r.k} ${r.w}`).toBe(expected.get(`${r.k}|${r.w}`));
    if (mode.sql) return [...out.records].sort();
    return out.records.map((r) => { const x = JSON.parse(r) as { k: string; n: number; w: string }; return `${x.k}|${x.w}|${x.n}`; }).sort();
  } finally {
    if (process.env['DIRK_TEST_KEEP_LOGS']) runs.forEach((r, i) => writeFileSync(join(tmpdir(), `dirk-scale-${mode.name}-${i}.log`), r.stderr()));
    await Promise.all(runs.map((r) => (r.child.exitCode === null && r.child.signalCode === null ? r.stop('SIGTERM', 15_000) : undefined)));
    await out.stop();
  }
}

describe('scale-out: a keyed aggregate over several tasks equals the single task', () => {
  let single: string[];
  it('single task', async () => {
    single = await runMode({ name: 'single', processes: 1, extra: {}, perConsumer: PARTITIONS });
    expect(single.length).toBeGreaterThan(KEYS.length);
  }, 120_000);

  it('3 processes with the exchange', async () => {
    const three = await runMode({ name: 'procs', processes: 3, extra: { DIRK_EXCHANGE_ENABLE: 'true' }, perConsumer: 2 });
    expect(three).toEqual(single);
  }, 180_000);

  it('1 process with 3 worker threads (DIRK_TASKS=3), one /metrics with every task', async () => {
    let metrics = '';
    const threads = await runMode({
      name: 'threads',
      processes: 1,
      extra: { DIRK_TASKS: '3', METRIC_TELEMETRY_ENABLE: 'true', METRICS_PORT: '0' },
      perConsumer: 2,
      onSettled: async ([cli]) => {
        metrics = await (await fetch(await metricsUrl(cli!))).text();
      },
    });
    expect(threads).toEqual(single);
    for (const task of ['0', '1', '2']) expect(metrics).toMatch(new RegExp(`dirk_[a-z_]+\\{[^}]*task="${task}"`));
  }, 180_000);

  it('failover: 3 processes, one SIGKILLed mid-run; the survivors restore its state from the changelog', async () => {
    let killed: RunningCli | undefined;
    let survivors: RunningCli[] = [];
    const rows = await runMode({
      name: 'failover',
      processes: 3,
      extra: { DIRK_EXCHANGE_ENABLE: 'true' },
      perConsumer: 2,
      midway: async (runs, output) => {
        // Output of the first half, and checkpoints (every 500 ms) with open windows in them.
        const until = Date.now() + 60_000;
        while (output.length < 8 && Date.now() < until) await sleep(100);
        await sleep(1500);
        killed = runs[1]!;
        survivors = [runs[0]!, runs[2]!];
        const status = await killed.stop('SIGKILL');
        expect(status.signal).toBe('SIGKILL');
      },
    });
    // At-least-once output: a window the killed process emitted after its last checkpoint may come again,
    // with the same count; every count is exact (checked in runMode) and no window is missing.
    expect([...new Set(rows)].sort()).toEqual(single);
    const logs = survivors.map((r) => r.stderr()).join('\n');
    expect(logs).toMatch(/restored the state of [1-9]\d* partition\(s\) from \S+-changelog/);
  }, 240_000);

  it('explain shows the exchange and its internal topic', async () => {
    const job = writeJobFile(dir, 'scale-explain', {
      FLINK_JOB_ID: 'explain-scale',
      STREAMS: [kafkaStream({ table: 'booking', protoClass: 'dirk.examples.BookingLogMessage', timestampIndex: '5', topic: 'never-read', groupId: 'g' })],
      FLINK_SQL_QUERY:
        "SELECT service_type AS k, COUNT(1) AS n FROM `booking` WHERE order_amount > 0 GROUP BY TUMBLE(rowtime, INTERVAL '1' SECOND), service_type",
      SCHEMA_PROTO_DIRS: join(REPO_ROOT, 'protos'),
      DIRK_TASKS: '2',
      SINK_TYPE: 'log',
    });
    const r = await runCli(['explain', job]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('tasks: 2 in this process');
    expect(r.stdout).toContain('LocalWindowAggregate[TUMBLE panes, per source batch; keys service_type; COUNT] upstream');
    expect(r.stdout).toContain('Exchange[hash(service_type)] of partial aggregates before GlobalWindowAggregate');
    expect(r.stdout).toContain('explain-scale-windowaggregate-repartition');
    expect(r.stdout).toContain('explain-scale-windowaggregate-changelog');
  });
});

describe('two-phase window aggregates across the exchange equal the single task', () => {
  const aggs = 'COUNT(1) AS n, SUM(order_amount) AS s, AVG(order_amount) AS a, MIN(order_amount) AS mi, MAX(order_amount) AS ma';
  const tumble = `SELECT service_type AS k, ${aggs}, TUMBLE_END(rowtime, INTERVAL '1' SECOND) AS w FROM \`booking\` GROUP BY TUMBLE(rowtime, INTERVAL '1' SECOND), service_type`;
  const hop = `SELECT service_type AS k, ${aggs}, HOP_END(rowtime, INTERVAL '1' SECOND, INTERVAL '3' SECOND) AS w FROM \`booking\` GROUP BY HOP(rowtime, INTERVAL '1' SECOND, INTERVAL '3' SECOND), service_type`;
  const hopEnds: Ends = (t) => [1000, 2000, 3000].map((d) => Math.floor(t / 1000) * 1000 + d);
  const distinct =
    "SELECT service_type AS k, COUNT(1) AS n, COUNT(DISTINCT order_amount) AS d, TUMBLE_END(rowtime, INTERVAL '1' SECOND) AS w FROM `booking` GROUP BY TUMBLE(rowtime, INTERVAL '1' SECOND), service_type";
  /** The processes' logs name the aggregation's phases. */
  const phases = (runs: readonly RunningCli[]): string => runs.map((r) => r.stderr()).join('\n');

  it('TUMBLE COUNT, SUM, AVG, MIN, MAX by a non-key field: 3 worker threads in two phases equal one task', async () => {
    const single = await runMode({ name: 'tp-tumble-1', processes: 1, extra: {}, perConsumer: PARTITIONS, sql: tumble });
    let logs = '';
    const threads = await runMode({
      name: 'tp-tumble-3',
      processes: 1,
      extra: { DIRK_TASKS: '3' },
      perConsumer: 2,
      sql: tumble,
      midway: async (runs) => void (logs = phases(runs)),
    });
    expect(logs).toContain('two phases: LocalWindowAggregate');
    expect(threads).toEqual(single);
  }, 240_000);

  it('HOP (panes) COUNT, SUM, AVG, MIN, MAX: 3 processes in two phases equal one task', async () => {
    const single = await runMode({ name: 'tp-hop-1', processes: 1, extra: {}, perConsumer: PARTITIONS, sql: hop, ends: hopEnds });
    const three = await runMode({ name: 'tp-hop-3', processes: 3, extra: { DIRK_EXCHANGE_ENABLE: 'true' }, perConsumer: 2, sql: hop, ends: hopEnds });
    expect(three).toEqual(single);
  }, 300_000);

  it('COUNT(DISTINCT ...) falls back to one phase (rows cross) and is still exact with 2 worker threads', async () => {
    const single = await runMode({ name: 'tp-distinct-1', processes: 1, extra: {}, perConsumer: PARTITIONS, sql: distinct });
    let logs = '';
    const two = await runMode({ name: 'tp-distinct-2', processes: 1, extra: { DIRK_TASKS: '2' }, perConsumer: PARTITIONS / 2, sql: distinct, midway: async (runs) => void (logs = phases(runs)) });
    expect(logs).toContain('one phase (COUNT(DISTINCT ...) cannot be split into local and global parts)');
    expect(two).toEqual(single);
  }, 240_000);
});

/** What every run must output: one row per key and window, with its exact count. */
function expectedRows(): string[] {
  return [...input().expected].map(([w, n]) => `${w}|${n}`).sort();
}

describe('exactly-once scaled out: one transaction per task', () => {
  /** 2 worker threads under EXACTLY_ONCE, `midway` between the two halves of the input. */
  const eos = (name: string, midway: NonNullable<Mode['midway']>): Promise<string[]> =>
    runMode({ name, processes: 1, extra: { DIRK_TASKS: '2', SINK_KAFKA_DELIVERY_GUARANTEE: 'EXACTLY_ONCE' }, perConsumer: PARTITIONS / 2, midway });

  it('2 worker threads under EXACTLY_ONCE: the read_committed output is exactly the expected counts', async () => {
    let listed = '';
    const rows = await eos('eos', async (_runs, _output, job) => {
      // The internal topics as the job created them.
      const r = await runCli(['topics', job]);
      expect(r.code, r.stderr).toBe(0);
      listed = r.stdout;
    });
    expect(rows).toEqual(expectedRows());
    expect(listed).toMatch(new RegExp(`-windowaggregate-repartition  repartition  ${PARTITIONS} partitions \\(source: ${PARTITIONS}\\)  cleanup.policy=delete max.message.bytes=8388608`));
    expect(listed).toMatch(new RegExp(`-windowaggregate-changelog  changelog  ${PARTITIONS} partitions \\(source: ${PARTITIONS}\\)  cleanup.policy=compact max.message.bytes=67108864`));
  }, 180_000);

  it('SIGKILL mid-run and a restart: restored from the changelog, the read_committed output has nothing lost or doubled', async () => {
    let restarted: RunningCli | undefined;
    const rows = await eos('eos-kill', async (runs, output, job) => {
      const until = Date.now() + 60_000;
      while (output.length < 8 && Date.now() < until) await sleep(100);
      // Committed checkpoints with open windows, then a kill with a transaction open.
      await sleep(1200);
      const status = await runs[0]!.stop('SIGKILL');
      expect(status.signal).toBe('SIGKILL');
      // The same transactional ids (task 0 and 1): the new tasks fence the dead ones' transactions.
      restarted = startCli(['run', job, '--checkpoint-dir', mkdtempSync(join(tmpdir(), 'dirk-scale-ckpt-'))]);
      (runs as RunningCli[]).push(restarted);
    });
    expect(rows).toEqual(expectedRows());
    expect(restarted!.stderr()).toMatch(/restored the state of [1-9]\d* partition\(s\) from \S+-changelog/);
  }, 240_000);
});

describe('dirk topics: internal topics on the broker', () => {
  it('lists them with partition counts and configs; one with another partition count fails run and topics, naming it', async () => {
    const topic = uniqueTopic('it-scale-topics');
    await createTopics([topic], PARTITIONS);
    const jobId = `it-topics-${topic}`;
    const job = writeJobFile(dir, 'scale-topics', {
      FLINK_JOB_ID: jobId,
      STREAMS: [kafkaStream({ table: 'booking', protoClass: 'dirk.examples.BookingLogMessage', timestampIndex: '5', topic, groupId: `g-${topic}` })],
      FLINK_SQL_QUERY: "SELECT service_type AS k, COUNT(1) AS n FROM `booking` GROUP BY TUMBLE(rowtime, INTERVAL '1' SECOND), service_type",
      SCHEMA_PROTO_DIRS: join(REPO_ROOT, 'protos'),
      DIRK_TASKS: '2',
      SINK_TYPE: 'log',
    });
    const repartition = `${jobId}-windowaggregate-repartition`;
    const before = await runCli(['topics', job]);
    expect(before.code, before.stderr).toBe(0);
    expect(before.stdout).toContain(`${repartition}  repartition  missing (created at start with ${PARTITIONS} partitions)`);
    // The repartition topic made by hand with half the partitions; the changelog as the job makes it.
    await createTopics([repartition], PARTITIONS / 2);
    const after = await runCli(['topics', job]);
    expect(after.code).toBe(2);
    expect(after.stdout).toContain(`${repartition}  repartition  ${PARTITIONS / 2} partitions (source: ${PARTITIONS})`);
    expect(after.stderr).toContain(`the repartition topic ${repartition} has ${PARTITIONS / 2} partitions, but the job's source has ${PARTITIONS}`);
    const run = await runCli(['run', job, '--checkpoint-dir', mkdtempSync(join(tmpdir(), 'dirk-scale-ckpt-'))]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`the repartition topic ${repartition} has ${PARTITIONS / 2} partitions, but the job's source (${topic}) has ${PARTITIONS}`);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 120_000);
});
