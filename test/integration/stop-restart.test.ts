import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Consumer } from 'kafkajs';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBooking, kafkaStream, loadBookingProtos, writeJobFile } from '../helpers/jobs.js';
import { closeKafkaHelpers, createTopics, kafkaBootstrap, kafkaClient, produce, uniqueTopic } from '../helpers/kafka.js';
import { REPO_ROOT, startCli, type RunningCli } from '../helpers/process.js';

/**
 * Stopping and restarting `dirk run` the way a supervisor does, from a working directory that is not the
 * job file's: the default checkpoint folder is next to the job file; SIGTERM mid-run stops consuming,
 * flushes, takes a final checkpoint and exits 0, and the restart resumes from it with nothing lost or
 * repeated; after a SIGKILL the restart gets its partitions back without waiting out a 30 s session.
 * Times are printed (not asserted: the machine is shared).
 */
let Booking: protobuf.Type;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

beforeAll(async () => {
  Booking = (await loadBookingProtos()).lookupType('dirk.examples.BookingLogMessage');
});
afterAll(() => closeKafkaHelpers());

async function tail(topic: string): Promise<{ values: string[]; stop: () => Promise<void> }> {
  const values: string[] = [];
  const consumer: Consumer = kafkaClient().consumer({ groupId: `dirk-test-${uniqueTopic('tail')}`, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString('utf8')) });
  return { values, stop: () => consumer.disconnect() };
}

async function waitFor(cli: RunningCli, what: string, ok: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what}: timed out\n${cli.stderr().slice(-5000)}`);
    if (cli.child.exitCode !== null) throw new Error(`${what}: the job exited (${cli.child.exitCode})\n${cli.stderr().slice(-5000)}`);
    await sleep(20);
  }
}

interface Fixture {
  readonly jobFile: string;
  readonly jobDir: string;
  readonly cwd: string;
  readonly input: string;
  readonly output: string;
  readonly sent: string[];
  produceSome(n: number): Promise<void>;
}

async function fixture(name: string, extraStream: Record<string, unknown> = {}): Promise<Fixture> {
  const input = uniqueTopic(`it-${name}-in`);
  const output = uniqueTopic(`it-${name}-out`);
  await createTopics([input], 2);
  await createTopics([output], 1);
  const jobDir = mkdtempSync(join(tmpdir(), `dirk-${name}-job-`));
  const cwd = mkdtempSync(join(tmpdir(), `dirk-${name}-cwd-`));
  const jobFile = writeJobFile(jobDir, 'job', {
    FLINK_JOB_ID: `it-${name}-${input}`,
    STREAMS: [kafkaStream({ table: 'booking', protoClass: 'dirk.examples.BookingLogMessage', timestampIndex: '5', topic: input, groupId: `it-group-${input}` }, extraStream)],
    FLINK_SQL_QUERY: 'SELECT order_number FROM `booking`',
    FLINK_CHECKPOINT_INTERVAL_MS: '1000',
    SCHEMA_PROTO_DIRS: join(REPO_ROOT, 'protos'),
    METRIC_TELEMETRY_ENABLE: 'false',
    SINK_TYPE: 'kafka',
    SINK_KAFKA_BROKERS: kafkaBootstrap(),
    SINK_KAFKA_TOPIC: output,
    SINK_KAFKA_DATA_TYPE: 'JSON',
    SINK_KAFKA_LINGER_MS: '20',
  });
  const sent: string[] = [];
  return {
    jobFile,
    jobDir,
    cwd,
    input,
    output,
    sent,
    async produceSome(n: number) {
      const batch = Array.from({ length: n }, (_, i) => {
        const id = `o-${sent.length + i}`;
        return { id, value: encodeBooking(Booking, id, 'GO_RIDE', T0 + sent.length + i, 1), partition: (sent.length + i) % 2 };
      });
      await produce(input, batch.map((b) => ({ value: b.value, partition: b.partition })));
      for (const b of batch) sent.push(b.id);
    },
  };
}

const orders = (values: readonly string[]): string[] => values.map((v) => (JSON.parse(v) as { order_number: string }).order_number);

describe('dirk run under a supervisor', () => {
  it('checkpoints next to the job file; SIGTERM mid-run checkpoints and exits 0 promptly; the restart resumes with nothing lost or repeated', async () => {
    const f = await fixture('sigterm');
    const out = await tail(f.output);
    const ckptDir = join(f.jobDir, '.dirk', 'checkpoints', `it-sigterm-${f.input}`);
    let producing = true;
    const producer = (async () => {
      while (producing) {
        await f.produceSome(20);
        await sleep(20);
      }
    })();
    try {
      const run1 = startCli(['run', f.jobFile], { cwd: f.cwd });
      await waitFor(run1, 'output of run 1', () => out.values.length > 300);
      const signalled = Date.now();
      const status = await run1.stop('SIGTERM', 30_000);
      const stopMs = Date.now() - signalled;
      expect(status.code, run1.stderr().slice(-5000)).toBe(0);
      expect(run1.stderr()).not.toMatch(/still running .* after the command ended/);
      // The folder is next to the job file, not under the working directory.
      expect(readdirSync(ckptDir).some((x) => x.endsWith('.ckpt'))).toBe(true);
      expect(existsSync(join(f.cwd, '.dirk'))).toBe(false);

      const run2 = startCli(['run', f.jobFile], { cwd: f.cwd });
      await run2.waitForLine(/restored checkpoint/, { timeoutMs: 30_000 });
      producing = false;
      await producer;
      await waitFor(run2, 'every input in the output', () => new Set(orders(out.values)).size >= f.sent.length);
      expect((await run2.stop('SIGTERM', 30_000)).code, run2.stderr().slice(-5000)).toBe(0);
      const got = orders(out.values);
      expect(f.sent.filter((id) => !got.includes(id))).toEqual([]);
      // A graceful stop repeats nothing: the final checkpoint covered every row written.
      expect(got.length).toBe(new Set(got).size);
      process.stdout.write(`SIGTERM to exit: ${stopMs} ms (${f.sent.length} records)\n`);
    } finally {
      producing = false;
      await producer.catch(() => undefined);
      await out.stop();
    }
  }, 180_000);

  it('after a SIGKILL the restart is assigned its partitions without waiting out a 30 s session', async () => {
    // DIRK_TEST_SESSION_TIMEOUT_MS=30000 measures kafkajs' default (the "before" figure).
    const session = process.env['DIRK_TEST_SESSION_TIMEOUT_MS'];
    const f = await fixture('sigkill', session ? { SOURCE_KAFKA_CONSUMER_CONFIG_SESSION_TIMEOUT_MS: session } : {});
    const out = await tail(f.output);
    try {
      await f.produceSome(200);
      const run1 = startCli(['run', f.jobFile], { cwd: f.cwd });
      await waitFor(run1, 'output of run 1', () => out.values.length >= 200);
      await sleep(1500); // a checkpoint or two
      await run1.stop('SIGKILL');
      const restarted = Date.now();
      const run2 = startCli(['run', f.jobFile], { cwd: f.cwd });
      await run2.waitForLine(/partitions assigned/, { timeoutMs: 60_000 });
      const assignedMs = Date.now() - restarted;
      const before = out.values.length;
      await f.produceSome(50);
      await waitFor(run2, 'output after the restart', () => out.values.length >= before + 50);
      const firstOutputMs = Date.now() - restarted;
      expect((await run2.stop('SIGTERM', 30_000)).code, run2.stderr().slice(-5000)).toBe(0);
      const got = new Set(orders(out.values));
      expect(f.sent.filter((id) => !got.has(id))).toEqual([]);
      process.stdout.write(`restart after SIGKILL (session ${session ?? 'default'}): partitions assigned after ${assignedMs} ms, new output after ${firstOutputMs} ms\n`);
    } finally {
      await out.stop();
    }
  }, 180_000);
});
