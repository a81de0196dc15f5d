import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaStream, loadBookingProtos, metricsUrl, protoTimestamp, writeJobFile } from '../helpers/jobs.js';
import { closeKafkaHelpers, consumeN, createTopics, kafkaBootstrap, kafkaClient, produce, uniqueTopic } from '../helpers/kafka.js';
import { REPO_ROOT, runCli, startCli } from '../helpers/process.js';

/**
 * Post-processors through the CLI (`npm run build` first) with Kafka in and out and real services: an HTTP
 * server started by the test (200 with JSON, 404, 500, random latencies), the machine's PostgreSQL (a table
 * created here, an injection attempt bound as a value), internal processors, /metrics, and fail_on_errors.
 */
let Booking: protobuf.Type;
const dir = mkdtempSync(join(tmpdir(), 'dirk-post-it-'));
const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
let server: Server;
let base: string;
const table = `post_it_${process.pid}_${Date.now()}`;
const db = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });

beforeAll(async () => {
  Booking = (await loadBookingProtos()).lookupType('dirk.examples.BookingLogMessage');
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const id = decodeURIComponent(req.url!.split('/').pop()!);
    const answer = (status: number, json: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    if (id === 'missing') return answer(404, { error: 'no such customer' });
    if (id === 'boom') return answer(500, { error: 'boom' });
    // Slow lookups for the crash test: many calls are in flight whenever the job is killed.
    if (id.startsWith('slow-')) return void setTimeout(() => answer(200, { profile: { name: `Customer ${id}`, tier: 1 } }), 150);
    setTimeout(() => answer(200, { profile: { name: `Customer ${id}`, tier: id.length } }), Math.floor(Math.random() * 30));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await db.connect();
  await db.query(`CREATE TABLE ${table} (customer_id text primary key, email text)`);
  await db.query(`INSERT INTO ${table} SELECT 'c' || i, 'c' || i || '@example.com' FROM generate_series(0, 49) AS i`);
});
afterAll(async () => {
  await db.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
  await db.end();
  await new Promise<void>((r) => server.close(() => r()));
  await closeKafkaHelpers();
});

const booking = (order: string, customer: string, atMs: number): Buffer =>
  Buffer.from(Booking.encode(Booking.fromObject({ order_number: order, service_type: 'GO_RIDE', status: 'COMPLETED', event_timestamp: protoTimestamp(atMs), customer_id: customer, order_amount: 10 })).finish());

function job(name: string, input: string, output: string, post: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return writeJobFile(dir, name, {
    FLINK_JOB_ID: `it-post-${name}-${input}`,
    STREAMS: [kafkaStream({ table: 'booking', protoClass: 'dirk.examples.BookingLogMessage', timestampIndex: '5', topic: input, groupId: `it-post-${input}` })],
    FLINK_SQL_QUERY: 'SELECT order_number, customer_id, order_amount FROM `booking`',
    FLINK_WATERMARK_DELAY_MS: '0',
    FLINK_CHECKPOINT_INTERVAL_MS: '1000',
    SCHEMA_PROTO_DIRS: join(REPO_ROOT, 'protos'),
    SINK_TYPE: 'kafka',
    SINK_KAFKA_BROKERS: kafkaBootstrap(),
    SINK_KAFKA_TOPIC: output,
    SINK_KAFKA_DATA_TYPE: 'JSON',
    PROCESSOR_POSTPROCESSOR_ENABLE: 'true',
    // As a properties file gives it: a string holding JSON.
    PROCESSOR_POSTPROCESSOR_CONFIG: JSON.stringify(post),
    ...extra,
  });
}

const httpEntry = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  endpoint: base,
  verb: 'get',
  request_pattern: '/customers/%s',
  request_variables: 'customer_id',
  stream_timeout: '5000',
  connect_timeout: '5000',
  fail_on_errors: 'false',
  capacity: '8',
  headers: { 'content-type': 'application/json' },
  output_mapping: { customer_name: { path: '$.profile.name' } },
  ...over,
});

const pgEntry = {
  host: '127.0.0.1',
  port: '5432',
  user: 'postgres',
  password: 'unused-with-trust-auth',
  database: 'test',
  capacity: '4',
  stream_timeout: '5000',
  connect_timeout: '5000',
  idle_timeout: '5000',
  query_pattern: `select email from ${table} where customer_id = '%s'`,
  query_variables: 'customer_id',
  output_mapping: { customer_email: 'email' },
  fail_on_errors: 'true',
};

describe('dirk run with post-processors', () => {
  it('enriches every record from HTTP and PostgreSQL in input order, with internal fields, and counts calls on /metrics', async () => {
    const input = uniqueTopic('it-post-in');
    const output = uniqueTopic('it-post-out');
    await createTopics([input, output], 1);
    const customers = Array.from({ length: 60 }, (_v, i) => `c${i % 50}`);
    customers[7] = 'missing';
    customers[11] = 'boom';
    const evil = `x'); DROP TABLE ${table}; --`;
    customers[13] = evil;
    await produce(input, customers.map((c, i) => ({ value: booking(`o${i}`, c, T0 + i * 1000) })));
    const file = job('enrich', input, output, {
      external_source: { http: [httpEntry()], pg: [pgEntry] },
      internal_source: [
        { output_field: 'order_number', type: 'sql', value: 'order_number' },
        { output_field: 'source', type: 'constant', value: 'dirk' },
        { output_field: 'enriched_at', type: 'function', value: 'CURRENT_TIMESTAMP' },
      ],
    }, { METRIC_TELEMETRY_ENABLE: 'true', METRICS_PORT: '0' });
    const explain = await runCli(['explain', file]);
    expect(explain.code, explain.stderr).toBe(0);
    expect(explain.stdout).toMatch(/post-processors \(after the SQL, in order\):\n\s+1\. initialization[\s\S]*2\. http\[0\][\s\S]*3\. pg\[0\][\s\S]*4\. internal[\s\S]*5\. projection/);
    expect(explain.stdout).toContain(`query: select email from ${table} where customer_id = $1 (bound: customer_id)`);
    const cli = startCli(['run', file]);
    try {
      const started = Date.now();
      const records = (await consumeN(output, customers.length, 40_000)).map((r) => JSON.parse(r.value!.toString('utf8')) as Record<string, unknown>);
      expect(records.map((r) => r['order_number'])).toEqual(customers.map((_c, i) => `o${i}`));
      expect(records[0]).toMatchObject({ customer_name: 'Customer c0', customer_email: 'c0@example.com', order_number: 'o0', source: 'dirk' });
      expect(Object.keys(records[0]!)).toEqual(['customer_name', 'customer_email', 'order_number', 'source', 'enriched_at']);
      // Processing time, not event time.
      expect(Date.parse(records[0]!['enriched_at'] as string)).toBeGreaterThanOrEqual(started - 60_000);
      expect(records[7]).toMatchObject({ customer_name: null, customer_email: null, order_number: 'o7' });
      expect(records[11]).toMatchObject({ customer_name: null, order_number: 'o11' });
      // The injection attempt is a value that matches no row; the table survives.
      expect(records[13]).toMatchObject({ customer_name: `Customer ${evil}`, customer_email: null });
      expect((await db.query(`select count(*)::int as n from ${table}`)).rows[0].n).toBe(50);
      const metrics = await (await fetch(await metricsUrl(cli))).text();
      expect(metrics).toMatch(/dirk_external_calls_total\{metric_id="HTTP\.0",job="[^"]+"\} 60/);
      expect(metrics).toMatch(/dirk_external_successes_total\{metric_id="HTTP\.0",job="[^"]+"\} 58/);
      expect(metrics).toMatch(/dirk_external_failures_total\{metric_id="HTTP\.0",reason="http_404",job="[^"]+"\} 1/);
      expect(metrics).toMatch(/dirk_external_failures_total\{metric_id="HTTP\.0",reason="http_5xx",job="[^"]+"\} 1/);
      expect(metrics).toMatch(/dirk_external_calls_total\{metric_id="PG\.0",job="[^"]+"\} 60/);
      expect(metrics).toMatch(/dirk_external_duration_seconds_count\{job="[^"]+",metric_id="PG\.0",status="success"\} 60/);
    } finally {
      const status = await cli.stop('SIGTERM', 20_000);
      expect(status.code, cli.stderr()).toBe(0);
    }
  });

  it('fail_on_errors true stops the job with exit 2 naming the processor, the request and the record', async () => {
    const input = uniqueTopic('it-post-fail-in');
    const output = uniqueTopic('it-post-fail-out');
    await createTopics([input, output], 1);
    await produce(input, [{ value: booking('o1', 'c1', T0) }, { value: booking('o2', 'boom', T0 + 1000) }]);
    const file = job('fail', input, output, { external_source: { http: [httpEntry({ fail_on_errors: 'true', exclude_fail_on_errors_code_range: '400-404' })] } });
    const r = await runCli(['run', file], { timeoutMs: 40_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`http[0] (HTTP.0): GET ${base}/customers/boom failed: GET ${base}/customers/boom answered status 500 (record from table booking, ${input}`);
    expect(r.stderr).toContain('fail_on_errors is true, so the job stops');
  });

  it('a SIGKILL while lookups are in flight loses no record: checkpoints wait for the calls', async () => {
    const input = uniqueTopic('it-post-crash-in');
    const output = uniqueTopic('it-post-crash-out');
    await createTopics([input, output], 1);
    const n = 80;
    const ckpt = mkdtempSync(join(tmpdir(), 'dirk-post-crash-'));
    const file = job('crash', input, output, { external_source: { http: [httpEntry({ capacity: '3' })] }, internal_source: [{ output_field: 'order_number', type: 'sql', value: 'order_number' }] }, {
      FLINK_CHECKPOINT_INTERVAL_MS: '200',
      STREAMS: [
        kafkaStream(
          { table: 'booking', protoClass: 'dirk.examples.BookingLogMessage', timestampIndex: '5', topic: input, groupId: `it-post-crash-${input}` },
          { SOURCE_KAFKA_CONSUMER_CONFIG_SESSION_TIMEOUT_MS: '2000', SOURCE_KAFKA_CONSUMER_CONFIG_HEARTBEAT_INTERVAL_MS: '300', SOURCE_KAFKA_CONSUMER_CONFIG_MAX_POLL_RECORDS: '10' },
        ),
      ],
    });
    const seen = new Set<string>();
    const consumer = kafkaClient().consumer({ groupId: `dirk-test-${uniqueTopic('tail')}`, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [output], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.add(String((JSON.parse(message.value!.toString('utf8')) as { order_number: string }).order_number)) });
    const until = async (what: string, check: () => boolean, timeoutMs: number): Promise<void> => {
      const end = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what} (${seen.size} of ${n} orders seen)`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      const first = startCli(['run', file, '--checkpoint-dir', ckpt]);
      await first.waitForLine('partitions assigned', { timeoutMs: 30_000 });
      // Records arrive in chunks while the job runs, so there are many deliveries and checkpoints.
      const producing = (async () => {
        for (let c = 0; c < n / 10; c++) {
          await produce(input, Array.from({ length: 10 }, (_v, j) => ({ value: booking(`o${c * 10 + j}`, `slow-${c * 10 + j}`, T0 + c * 10 + j) })));
          await new Promise((r) => setTimeout(r, 250));
        }
      })();
      await until('some output before the kill', () => seen.size >= 15, 40_000);
      const killed = await first.stop('SIGKILL');
      expect(killed.signal).toBe('SIGKILL');
      expect(seen.size).toBeLessThan(n);
      await producing;
      const second = startCli(['run', file, '--checkpoint-dir', ckpt]);
      try {
        await until('every order after the restart', () => seen.size === n, 25_000);
      } finally {
        expect((await second.stop('SIGTERM', 20_000)).code, second.stderr()).toBe(0);
      }
      expect([...seen].sort()).toEqual(Array.from({ length: n }, (_v, i) => `o${i}`).sort());
    } finally {
      await consumer.disconnect();
    }
  });

  it('validate names the path of a bad post-processor field', async () => {
    const file = job('bad', 'unused-in', 'unused-out', { external_source: { http: [httpEntry({ output_mapping: { customer_name: { path: 'profile.name' } } })] } });
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('PROCESSOR_POSTPROCESSOR_CONFIG.external_source.http[0].output_mapping.customer_name.path: expected a JSONPath starting with $');
  });
});
