// The example jobs under examples/ run end to end from their own folders, as a user runs them: the starter
// (JSON file, one window, a TypeScript UDF), the datagen job, and the Kafka job (JSON in, windowed totals
// out, through the machine's broker; topics, group and brokers come from the environment the job file names).

import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeKafkaHelpers, consumeN, createTopics, kafkaBootstrap, produce, uniqueTopic } from '../helpers/kafka.js';
import { REPO_ROOT, runCli } from '../helpers/process.js';

afterAll(() => closeKafkaHelpers());

const example = (name: string): string => join(REPO_ROOT, 'examples', name);

/** The log sink's rows: `+I {a=1, b=x}` -> { a: '1', b: 'x' }. */
function logRows(stdout: string): Record<string, string>[] {
  return [...stdout.matchAll(/^\+I \{(.*)\}$/gm)].map((m) => Object.fromEntries(m[1]!.split(', ').map((kv) => kv.split('=') as [string, string])));
}

describe('examples/', () => {
  it('starter: JSON file, window and UDF', async () => {
    const res = await runCli(['run', 'job.json'], { cwd: example('starter'), timeoutMs: 60_000 });
    expect(res.code, res.stderr).toBe(0);
    const rows = logRows(res.stdout);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => ['low', 'mid', 'high'].includes(r['fare_band']!))).toBe(true);
    expect(res.stderr).toMatch(/summary records_read=\d+ records_written=\d+/);
  }, 90_000);

  it('datagen: 2,000 generated rides counted per city in 5-second windows', async () => {
    const res = await runCli(['run', 'job.json'], { cwd: example('datagen'), timeoutMs: 60_000 });
    expect(res.code, res.stderr).toBe(0);
    const rows = logRows(res.stdout);
    expect(rows.reduce((n, r) => n + Number(r['rides']), 0)).toBe(2000);
    expect(new Set(rows.map((r) => r['window_end']))).toEqual(new Set(['2024-01-01T00:00:05.000Z', '2024-01-01T00:00:10.000Z', '2024-01-01T00:00:15.000Z', '2024-01-01T00:00:20.000Z']));
  }, 90_000);

  it('kafka: orders from a topic, per-minute totals to another', async () => {
    const [input, output] = [uniqueTopic('ex-orders'), uniqueTopic('ex-totals')];
    await createTopics([input, output], 1);
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
    await produce(
      input,
      [
        ['o1', 'Jakarta', 10, 1_000],
        ['o2', 'Bandung', 5, 2_000],
        ['o3', 'Jakarta', 7, 30_000],
        ['o4', 'Jakarta', 1, 61_000],
      ].map(([id, city, amount, at]) => ({ value: JSON.stringify({ order_id: id, city, amount, ts: new Date(t0 + (at as number)).toISOString() }) })),
    );
    const env = { ORDERS_TOPIC: input, TOTALS_TOPIC: output, ORDERS_GROUP: `ex-${input}`, KAFKA_BROKERS: kafkaBootstrap() };
    const res = await runCli(['run', 'job.json'], { cwd: example('kafka'), env, timeoutMs: 90_000 });
    expect(res.code, res.stderr).toBe(0);
    const totals = (await consumeN(output, 3, 30_000)).map((r) => JSON.parse(r.value!.toString('utf8')) as Record<string, unknown>);
    expect(totals).toEqual(
      expect.arrayContaining([
        { city: 'Jakarta', orders: 2, revenue: 17, window_end: '2026-01-01T12:01:00.000Z' },
        { city: 'Bandung', orders: 1, revenue: 5, window_end: '2026-01-01T12:01:00.000Z' },
        { city: 'Jakarta', orders: 1, revenue: 1, window_end: '2026-01-01T12:02:00.000Z' },
      ]),
    );
  }, 150_000);
});
