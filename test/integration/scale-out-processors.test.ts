import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBooking, kafkaStream, loadBookingProtos, writeJobFile } from '../helpers/jobs.js';
import { closeKafkaHelpers, createTopics, kafkaBootstrap, produce, uniqueTopic, type ProduceMessage } from '../helpers/kafka.js';
import { REPO_ROOT, runCli, startCli, type RunningCli } from '../helpers/process.js';
import { sleep, tail, waitSettled } from '../helpers/scale.js';

/**
 * Pre- and post-processors of a job run scaled out, on the real broker and a real HTTP server: a TUMBLE count
 * by service_type (the Kafka record key is the order number, so every partition holds every service type)
 * over a 4-partition topic. Before the SQL a pre-processor filters undecodable records
 * (InvalidRecordFilterTransformer: whole batches, rows traced by identity), clears a column
 * (ClearColumnTransformer: whole batches, traced by position) and lowercases service_type (a user transformer
 * without rowMapping: one record at a time). After the SQL an HTTP post-processor looks each key's label up.
 * At 2 worker tasks the output equals the single task's, every row is enriched, and every count is exact.
 */
let Booking: protobuf.Type;
const dir = mkdtempSync(join(tmpdir(), 'dirk-scale-proc-'));
const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const KEYS = ['GO_RIDE', 'GO_CAR', 'GO_FOOD', 'GO_SEND'] as const;
const PARTITIONS = 4;
const PER_PARTITION = 250;
const STEP_MS = 13;
let server: Server;
let base: string;
let lookups = 0;

beforeAll(async () => {
  Booking = (await loadBookingProtos()).lookupType('dirk.examples.BookingLogMessage');
  server = createServer((req, res) => {
    lookups++;
    const key = decodeURIComponent(req.url!.split('/').pop()!);
    // Latencies vary, so lookups of one batch finish out of order.
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ label: `label-${key}` }));
    }, Math.floor(Math.random() * 20));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await closeKafkaHelpers();
});

/** A user transformer without rowMapping: it builds new rows, so scaled out it gets one record at a time. */
function transformerFolder(): string {
  const folder = join(dir, 'transformers');
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, 'lower-service.ts'),
    `import { defineTransformer } from 'dirk';

export const LowerService = defineTransformer({
  name: 'LowerService',
  description: 'Lowercases service_type.',
  transform(rows, ctx) {
    const i = ctx.column('service_type');
    return rows.map((r) => { const out = [...r]; out[i] = String(out[i]).toLowerCase(); return out; });
  },
});
`,
  );
  return folder;
}

function input(): { messages: ProduceMessage[]; closers: ProduceMessage[]; expected: Map<string, number> } {
  const messages: ProduceMessage[] = [];
  const expected = new Map<string, number>();
  for (let p = 0; p < PARTITIONS; p++) {
    for (let j = 0; j < PER_PARTITION; j++) {
      const t = T0 + j * STEP_MS + p;
      const k = KEYS[(j * 7 + p * 3) % KEYS.length]!;
      messages.push({ key: `order-${p}-${j}`, value: encodeBooking(Booking, `order-${p}-${j}`, k, t, 1 + (j % 5)), partition: p });
      // Undecodable records in every partition: the filter drops them (none may count).
      if (j % 50 === 7) messages.push({ key: `garbage-${p}-${j}`, value: Buffer.from([0xff, 0xff, 0xff, 0x0f]), partition: p });
      const w = `${k.toLowerCase()}|${new Date(Math.floor(t / 1000) * 1000 + 1000).toISOString()}`;
      expected.set(w, (expected.get(w) ?? 0) + 1);
    }
  }
  const far = T0 + PER_PARTITION * STEP_MS + 60_000;
  const closers = Array.from({ length: PARTITIONS }, (_, p) => ({ key: `closer-${p}`, value: encodeBooking(Booking, `closer-${p}`, 'CLOSER', far, 1), partition: p }));
  return { messages, closers, expected };
}

function jobFile(name: string, topic: string, output: string, extra: Record<string, string>): string {
  return writeJobFile(dir, name, {
    FLINK_JOB_ID: `it-scale-proc-${topic}`,
    STREAMS: [
      kafkaStream(
        { table: 'booking', protoClass: 'dirk.examples.BookingLogMessage', timestampIndex: '5', topic, groupId: `it-group-${topic}` },
        { SOURCE_KAFKA_CONSUMER_CONFIG_SESSION_TIMEOUT_MS: '6000', SOURCE_KAFKA_CONSUMER_CONFIG_HEARTBEAT_INTERVAL_MS: '300' },
      ),
    ],
    FLINK_SQL_QUERY: "SELECT service_type AS k, COUNT(1) AS n, TUMBLE_END(rowtime, INTERVAL '1' SECOND) AS w FROM `booking` GROUP BY TUMBLE(rowtime, INTERVAL '1' SECOND), service_type",
    FLINK_WATERMARK_PER_PARTITION_ENABLE: 'true',
    FLINK_WATERMARK_DELAY_MS: '0',
    FLINK_WATERMARK_INTERVAL_MS: '100',
    FLINK_CHECKPOINT_INTERVAL_MS: '500',
    SCHEMA_PROTO_DIRS: join(REPO_ROOT, 'protos'),
    METRIC_TELEMETRY_ENABLE: 'false',
    PROCESSOR_PREPROCESSOR_ENABLE: 'true',
    PROCESSOR_PREPROCESSOR_CONFIG: JSON.stringify({
      table_transformers: [
        {
          table_name: 'booking',
          transformers: [
            { transformation_class: 'InvalidRecordFilterTransformer' },
            { transformation_class: 'ClearColumnTransformer', transformation_arguments: { targetColumnName: 'customer_id' } },
            { transformation_class: 'LowerService' },
          ],
        },
      ],
    }),
    TRANSFORMER_FOLDERS: transformerFolder(),
    PROCESSOR_POSTPROCESSOR_ENABLE: 'true',
    PROCESSOR_POSTPROCESSOR_CONFIG: JSON.stringify({
      external_source: {
        http: [
          {
            endpoint: base,
            verb: 'get',
            request_pattern: '/labels/%s',
            request_variables: 'k',
            stream_timeout: '5000',
            connect_timeout: '5000',
            fail_on_errors: 'true',
            capacity: '4',
            output_mapping: { label: { path: '$.label' } },
          },
        ],
      },
      internal_source: [
        { output_field: 'k', type: 'sql', value: 'k' },
        { output_field: 'n', type: 'sql', value: 'n' },
        { output_field: 'w', type: 'sql', value: 'w' },
      ],
    }),
    SINK_TYPE: 'kafka',
    SINK_KAFKA_BROKERS: kafkaBootstrap(),
    SINK_KAFKA_TOPIC: output,
    SINK_KAFKA_DATA_TYPE: 'JSON',
    ...extra,
  });
}

interface Row {
  readonly label: string;
  readonly k: string;
  readonly n: number;
  readonly w: string;
}

/**
 * After the first third of the input: `more` writes the second third; may replace the running process,
 * returning the one that runs on (the last third follows).
 */
type Midway = (cli: RunningCli, output: readonly string[], more: () => Promise<void>, restart: () => Promise<RunningCli>) => Promise<RunningCli>;

/** Runs the job with `tasks` worker tasks over fresh topics; returns its distinct output rows as sorted text. */
async function run(name: string, tasks: number, extra: Record<string, string> = {}, midway?: Midway): Promise<string[]> {
  const { messages, closers, expected } = input();
  const topic = uniqueTopic(`it-scale-proc-in-${name}`);
  const output = uniqueTopic(`it-scale-proc-out-${name}`);
  await createTopics([topic], PARTITIONS);
  await createTopics([output], 1);
  const job = jobFile(name, topic, output, { DIRK_TASKS: String(tasks), ...extra });
  const out = await tail(output);
  let cli: RunningCli | undefined;
  const checkpoints = mkdtempSync(join(tmpdir(), 'dirk-scale-proc-ckpt-'));
  const start = async (): Promise<RunningCli> => {
    const started = startCli(['run', job, '--checkpoint-dir', checkpoints]);
    // With more than one task each has two consumers (its source and the exchange's downstream).
    await waitSettled([started], tasks > 1 ? 2 * tasks : 1, PARTITIONS / tasks);
    return started;
  };
  try {
    cli = await start();
    if (midway) {
      const third = (m: ProduceMessage): number => Math.floor((3 * Number(/-(\d+)$/.exec(m.key as string)![1])) / PER_PARTITION);
      await produce(topic, messages.filter((m) => third(m) === 0));
      cli = await midway(cli, out.records, () => produce(topic, messages.filter((m) => third(m) === 1)).then(() => undefined), start);
      await produce(topic, messages.filter((m) => third(m) === 2));
    } else await produce(topic, messages);
    await produce(topic, closers);
    const seen = (): Set<string> => new Set(out.records.map((r) => JSON.parse(r) as Row).map((r) => `${r.k}|${r.w}`));
    const until = Date.now() + 45_000;
    while ([...expected.keys()].some((w) => !seen().has(w))) {
      if (Date.now() > until) throw new Error(`windows never emitted: ${[...expected.keys()].filter((w) => !seen().has(w)).slice(0, 10).join(', ')}\n${cli.stderr().slice(-4000)}`);
      await sleep(100);
    }
    // Anything emitted twice would arrive shortly after.
    await sleep(1500);
    const rows = out.records.map((r) => JSON.parse(r) as Row);
    // At-least-once after a crash: a window emitted after the last checkpoint may come again, with its count.
    if (!midway) expect(rows.length).toBe(expected.size);
    for (const r of rows) {
      expect(r.n, `${r.k} ${r.w}`).toBe(expected.get(`${r.k}|${r.w}`));
      // Every row enriched by the HTTP lookup of its own key.
      expect(r.label).toBe(`label-${r.k}`);
    }
    return [...new Set(rows.map((r) => `${r.label}|${r.k}|${r.w}|${r.n}`))].sort();
  } finally {
    await cli?.stop('SIGTERM', 15_000);
    await out.stop();
  }
}

describe('scale-out with pre- and post-processors', () => {
  let single: string[];
  it('single task', async () => {
    single = await run('single', 1);
    expect(single.length).toBeGreaterThan(KEYS.length);
  }, 90_000);

  it('2 worker tasks: the same output, every row enriched, the pre-processor run in the upstream half', async () => {
    const before = lookups;
    const two = await run('two', 2);
    expect(two).toEqual(single);
    expect(lookups - before).toBeGreaterThanOrEqual(two.length);
  }, 90_000);

  it('2 worker tasks under EXACTLY_ONCE: held output goes through the post-processors into the transaction', async () => {
    const two = await run('eos', 2, { SINK_KAFKA_DELIVERY_GUARANTEE: 'EXACTLY_ONCE' });
    expect(two).toEqual(single);
  }, 90_000);

  it('2 worker tasks, SIGKILLed mid-run and restarted: re-read rows keep their offsets through the pre-processor, every count exact', async () => {
    let restarted: RunningCli | undefined;
    const two = await run('kill', 2, { FLINK_CHECKPOINT_INTERVAL_MS: '2000' }, async (cli, output, more, restart) => {
      const until = Date.now() + 30_000;
      while (output.length < 4 && Date.now() < until) await sleep(100);
      // A checkpoint with open windows, then input read, repartitioned and counted past it: the restart reads
      // that input again, and the downstream drops the repeats by their source offsets.
      await sleep(2500);
      await more();
      await sleep(700);
      expect((await cli.stop('SIGKILL')).signal).toBe('SIGKILL');
      restarted = await restart();
      return restarted;
    });
    expect(two).toEqual(single);
    expect(restarted!.stderr()).toMatch(/restored checkpoint \d+/);
  }, 90_000);

  it('dirk explain says where the stages run; dirk validate refuses a transformer that keeps state, by name', async () => {
    const job = jobFile('explain', 'unused-in', 'unused-out', { DIRK_TASKS: '2' });
    const explain = await runCli(['explain', job]);
    expect(explain.code, explain.stderr).toBe(0);
    expect(explain.stdout).toContain('pre-processor of table booking: upstream, in the task reading each of its partitions, before the repartition writer; LowerService one record at a time');
    expect(explain.stdout).toMatch(/post-processors \(initialization -> http\[0\] -> internal -> projection\): downstream, in the task running each repartition partition/);

    const dedup = writeJobFile(dir, 'dedup', {
      FLINK_JOB_ID: 'it-scale-proc-dedup',
      STREAMS: [kafkaStream({ table: 'booking', protoClass: 'dirk.examples.BookingLogMessage', timestampIndex: '5', topic: 'unused-in', groupId: 'unused' })],
      FLINK_SQL_QUERY: "SELECT service_type AS k, COUNT(1) AS n FROM `booking` GROUP BY TUMBLE(rowtime, INTERVAL '1' SECOND), service_type",
      SCHEMA_PROTO_DIRS: join(REPO_ROOT, 'protos'),
      DIRK_TASKS: '2',
      PROCESSOR_PREPROCESSOR_ENABLE: 'true',
      PROCESSOR_PREPROCESSOR_CONFIG: JSON.stringify({
        table_transformers: [{ table_name: 'booking', transformers: [{ transformation_class: 'DeDuplicationTransformer', transformation_arguments: { key_column: 'order_number', ttl_in_seconds: '60' } }] }],
      }),
      SINK_TYPE: 'log',
    });
    const refused = await runCli(['validate', dedup]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('PROCESSOR_PREPROCESSOR_CONFIG.table_transformers[0].transformers[0] (DeDuplicationTransformer): a job run scaled out');
    expect(refused.stderr).toContain('cannot run a transformer that keeps state');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
