import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBooking, kafkaStream, loadBookingProtos, metricsUrl, writeJobFile } from '../helpers/jobs.js';
import { closeKafkaHelpers, consumeN, createTopics, kafkaBootstrap, produce, uniqueTopic } from '../helpers/kafka.js';
import { REPO_ROOT, runCli, startCli, type RunningCli } from '../helpers/process.js';

/**
 * User functions in running jobs, through the CLI (`npm run build` first) against the real broker: a
 * TypeScript UDF from a temporary UDF_FOLDERS folder inside a windowed aggregate, hot reload with
 * --watch-udfs keeping the open window, UDF_ERROR_POLICY=FAIL naming the record, an async library function
 * (DartGet) reading an HTTP dart store in SELECT / WHERE and as a window's GROUP BY key and SUM argument, and
 * `dirk validate` pointing at a bad call.
 */
let Booking: protobuf.Type;
const dir = mkdtempSync(join(tmpdir(), 'dirk-udf-it-'));
const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

beforeAll(async () => {
  const root = await loadBookingProtos();
  Booking = root.lookupType('dirk.examples.BookingLogMessage');
});
afterAll(() => closeKafkaHelpers());

const booking = (order: string, service: string, atMs: number, amount: number): Buffer => encodeBooking(Booking, order, service, atMs, amount);

function udfFolder(name: string, factor: number): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeBonus(folder, factor);
  return folder;
}

/** A user UDF written in TypeScript against the public API. */
function writeBonus(folder: string, factor: number): void {
  writeFileSync(
    join(folder, 'bonus.ts'),
    `import { defineScalar } from 'dirk/udf';

export const Bonus = defineScalar({
  name: 'Bonus',
  signatures: [{ params: ['DOUBLE'], returns: 'DOUBLE' }],
  eval: (amount: number | null): number => {
    if (amount === 13) throw new Error('unlucky amount');
    return amount! * ${factor};
  },
});
`,
  );
}

function writeJob(name: string, input: string, output: string, extra: Record<string, unknown>): string {
  return writeJobFile(dir, name, {
    FLINK_JOB_ID: `it-udf-${name}-${input}`,
    STREAMS: [
      kafkaStream({ table: 'booking', protoClass: 'dirk.examples.BookingLogMessage', timestampIndex: '5', topic: input, groupId: `it-udf-group-${input}` }),
    ],
    FLINK_WATERMARK_DELAY_MS: '0',
    FLINK_WATERMARK_INTERVAL_MS: '100',
    FLINK_CHECKPOINT_INTERVAL_MS: '1000',
    SCHEMA_PROTO_DIRS: join(REPO_ROOT, 'protos'),
    METRIC_TELEMETRY_ENABLE: 'false',
    SINK_TYPE: 'kafka',
    SINK_KAFKA_BROKERS: kafkaBootstrap(),
    SINK_KAFKA_TOPIC: output,
    SINK_KAFKA_DATA_TYPE: 'JSON',
    ...extra,
  });
}

const WINDOWED =
  "SELECT COUNT(1) AS n, SUM(Bonus(order_amount)) AS total, TUMBLE_END(rowtime, INTERVAL '60' SECOND) AS window_timestamp " +
  "FROM `booking` GROUP BY TUMBLE(rowtime, INTERVAL '60' SECOND)";

async function udfCalls(cli: RunningCli, name: string): Promise<number> {
  const text = await (await fetch(await metricsUrl(cli))).text();
  const m = new RegExp(`dirk_udf_calls_total\\{[^}]*udf="${name}"[^}]*\\} (\\d+)`).exec(text);
  return m ? Number(m[1]) : 0;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('dirk run with user UDFs', () => {
  it('uses a TypeScript UDF from UDF_FOLDERS inside a windowed aggregate, and reloads it without losing the open window', async () => {
    const input = uniqueTopic('it-udf-in');
    const output = uniqueTopic('it-udf-out');
    await createTopics([input, output], 1);
    const folder = udfFolder('reload', 10);
    const job = writeJob('reload', input, output, {
      FLINK_SQL_QUERY: WINDOWED,
      UDF_FOLDERS: folder,
      METRIC_TELEMETRY_ENABLE: 'true',
      METRICS_PORT: '0',
    });
    await produce(input, [{ value: booking('o1', 'GO_RIDE', T0 + 1_000, 10) }, { value: booking('o2', 'GO_FOOD', T0 + 20_000, 5) }]);
    const cli = startCli(['run', '--watch-udfs', job]);
    try {
      await cli.waitForLine('watching UDF folders', { timeoutMs: 20_000 });
      // Both records are in the open 09:00 window (counted by the UDF metrics) before the reload.
      await until('two Bonus calls', async () => (await udfCalls(cli, 'Bonus')) === 2);
      writeBonus(folder, 100);
      await cli.waitForLine(/reloaded function Bonus from .*bonus\.ts/, { timeoutMs: 20_000 });
      await produce(input, [{ value: booking('o3', 'GO_RIDE', T0 + 59_000, 1) }, { value: booking('o4', 'GO_SEND', T0 + 150_000, 1) }]);
      const records = await consumeN(output, 1, 30_000);
      // 10*10 + 5*10 before the reload, 1*100 after it; the window kept its count across the reload.
      expect(records.map((r) => JSON.parse(r.value!.toString('utf8')))).toEqual([
        { n: 3, total: 250, window_timestamp: '2026-01-01T09:01:00.000Z' },
      ]);
    } finally {
      const status = await cli.stop('SIGTERM', 20_000);
      expect(status.code, cli.stderr()).toBe(0);
    }
  });

  it('UDF_ERROR_POLICY=FAIL stops the job naming the function and the record', async () => {
    const input = uniqueTopic('it-udf-fail-in');
    const output = uniqueTopic('it-udf-fail-out');
    await createTopics([input, output], 1);
    const job = writeJob('fail', input, output, { FLINK_SQL_QUERY: WINDOWED, UDF_FOLDERS: udfFolder('fail', 10), UDF_ERROR_POLICY: 'FAIL' });
    await produce(input, [
      { value: booking('o1', 'GO_RIDE', T0 + 1_000, 10) },
      { value: booking('o2', 'GO_RIDE', T0 + 2_000, 13) },
      { value: booking('o3', 'GO_RIDE', T0 + 3_000, 1) },
    ]);
    const r = await runCli(['run', job], { timeoutMs: 40_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`function Bonus at line 1, column 27 failed on the record at topic ${input}, partition 0, offset 1: unlucky amount`);
  });

  it('UDF_ERROR_POLICY=FAIL also stops the job when the failing call is on a window result', async () => {
    const input = uniqueTopic('it-udf-failwin-in');
    const output = uniqueTopic('it-udf-failwin-out');
    await createTopics([input, output], 1);
    const job = writeJob('failwin', input, output, {
      FLINK_SQL_QUERY: "SELECT Bonus(SUM(order_amount)) AS b FROM `booking` GROUP BY TUMBLE(rowtime, INTERVAL '60' SECOND)",
      UDF_FOLDERS: udfFolder('failwin', 10),
      UDF_ERROR_POLICY: 'FAIL',
    });
    await produce(input, [
      { value: booking('o1', 'GO_RIDE', T0 + 1_000, 6) },
      { value: booking('o2', 'GO_RIDE', T0 + 2_000, 7) },
      { value: booking('o3', 'GO_RIDE', T0 + 150_000, 1) },
    ]);
    const r = await runCli(['run', job], { timeoutMs: 40_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/error: function Bonus at line 1, column 8 failed( on a row derived from topic \S+, partition 0, offsets \d+\.\.\d+)?: unlucky amount/);
  });

  it('the default NULL policy counts the failure and goes on', async () => {
    const input = uniqueTopic('it-udf-null-in');
    const output = uniqueTopic('it-udf-null-out');
    await createTopics([input, output], 1);
    const job = writeJob('null', input, output, { FLINK_SQL_QUERY: WINDOWED, UDF_FOLDERS: udfFolder('null', 10) });
    await produce(input, [
      { value: booking('o1', 'GO_RIDE', T0 + 1_000, 10) },
      { value: booking('o2', 'GO_RIDE', T0 + 2_000, 13) },
      { value: booking('o3', 'GO_RIDE', T0 + 150_000, 1) },
    ]);
    const cli = startCli(['run', job]);
    try {
      const records = await consumeN(output, 1, 30_000);
      expect(records.map((r) => JSON.parse(r.value!.toString('utf8')))).toEqual([{ n: 2, total: 100, window_timestamp: '2026-01-01T09:01:00.000Z' }]);
      await cli.waitForLine(`function Bonus at line 1, column 27 failed on the record at topic ${input}, partition 0, offset 1: unlucky amount; the call gives NULL`);
    } finally {
      const status = await cli.stop('SIGTERM', 20_000);
      expect(status.code, cli.stderr()).toBe(0);
    }
  });
});

describe('async UDFs in a running job', () => {
  let server: Server;
  let storeUrl: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/darts/dart-get/surge') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ GO_RIDE: '1.5', GO_FOOD: '1.1' }));
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    storeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/darts`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('DartGet reads the HTTP dart store in SELECT and WHERE', async () => {
    const input = uniqueTopic('it-udf-dart-in');
    const output = uniqueTopic('it-udf-dart-out');
    await createTopics([input, output], 1);
    const job = writeJob('dart', input, output, {
      FLINK_SQL_QUERY:
        "SELECT order_number, DartGet('surge', service_type, 1, 'none') AS surge FROM `booking` WHERE DartGet('surge', service_type, 1, 'none') <> '1.1'",
      UDF_DART_STORE_URL: storeUrl,
    });
    await produce(input, [
      { value: booking('o1', 'GO_RIDE', T0 + 1_000, 10) },
      { value: booking('o2', 'GO_FOOD', T0 + 2_000, 5) },
      { value: booking('o3', 'GO_SEND', T0 + 3_000, 1) },
    ]);
    const cli = startCli(['run', job]);
    try {
      const records = await consumeN(output, 2, 30_000);
      expect(records.map((r) => JSON.parse(r.value!.toString('utf8')))).toEqual([
        { order_number: 'o1', surge: '1.5' },
        { order_number: 'o3', surge: 'none' },
      ]);
    } finally {
      const status = await cli.stop('SIGTERM', 20_000);
      expect(status.code, cli.stderr()).toBe(0);
    }
  });
  it('DartGet as a GROUP BY key and inside SUM of a window', async () => {
    const input = uniqueTopic('it-udf-dartgrp-in');
    const output = uniqueTopic('it-udf-dartgrp-out');
    await createTopics([input, output], 1);
    const job = writeJob('dartgrp', input, output, {
      FLINK_SQL_QUERY:
        "SELECT DartGet('surge', service_type, 1, 'none') AS surge, COUNT(1) AS n, " +
        "SUM(order_amount * CAST(DartGet('surge', service_type, 1, '1') AS DOUBLE)) AS total, TUMBLE_END(rowtime, INTERVAL '60' SECOND) AS window_timestamp " +
        "FROM `booking` GROUP BY DartGet('surge', service_type, 1, 'none'), TUMBLE(rowtime, INTERVAL '60' SECOND)",
      UDF_DART_STORE_URL: storeUrl,
    });
    await produce(input, [
      { value: booking('o1', 'GO_RIDE', T0 + 1_000, 10) },
      { value: booking('o2', 'GO_FOOD', T0 + 2_000, 10) },
      { value: booking('o3', 'GO_RIDE', T0 + 3_000, 2) },
      { value: booking('o4', 'GO_SEND', T0 + 4_000, 3) },
      { value: booking('o5', 'GO_RIDE', T0 + 150_000, 1) },
    ]);
    const cli = startCli(['run', job]);
    try {
      const records = await consumeN(output, 3, 30_000);
      const got = records.map((r) => JSON.parse(r.value!.toString('utf8')) as { surge: string; n: number; total: number; window_timestamp: string });
      got.sort((a, b) => a.surge.localeCompare(b.surge));
      expect(got.map((g) => ({ ...g, total: Math.round(g.total * 1000) / 1000 }))).toEqual([
        { surge: '1.1', n: 1, total: 11, window_timestamp: '2026-01-01T09:01:00.000Z' },
        { surge: '1.5', n: 2, total: 18, window_timestamp: '2026-01-01T09:01:00.000Z' },
        { surge: 'none', n: 1, total: 3, window_timestamp: '2026-01-01T09:01:00.000Z' },
      ]);
    } finally {
      const status = await cli.stop('SIGTERM', 20_000);
      expect(status.code, cli.stderr()).toBe(0);
    }
  });
});

describe('dirk validate with user UDFs', () => {
  const query = (call: string): string => `SELECT COUNT(1) AS n,\n  SUM(${call}) AS total FROM \`booking\` GROUP BY TUMBLE(rowtime, INTERVAL '60' SECOND)`;

  it('reports a wrong argument type of a UDF call with line and column (exit 2)', async () => {
    const job = writeJob('validate-type', 'unused-topic', 'unused-out', { FLINK_SQL_QUERY: query('Bonus(order_number)'), UDF_FOLDERS: udfFolder('validate', 10) });
    const r = await runCli(['validate', job]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('SQL error at line 2, column 7: function BONUS expects (DOUBLE), got (STRING)');
  });

  it('reports a wrong arity of a UDF call with line and column (exit 2)', async () => {
    const job = writeJob('validate-arity', 'unused-topic', 'unused-out', { FLINK_SQL_QUERY: query('Bonus(order_amount, 2)'), UDF_FOLDERS: udfFolder('validate', 10) });
    const r = await runCli(['validate', job]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('SQL error at line 2, column 7: function BONUS expects (DOUBLE), got (DOUBLE, INT)');
  });
});
