// The InfluxDB and Prometheus services from scripts/ work the way Dirk's sinks and /metrics will use them.
// Skipped only when their binaries are absent outside CI (global-setup then provides '').

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { HttpError, InfluxDB, Point, setLogger } from '@influxdata/influxdb-client';
import { Counter, Gauge, Registry } from 'prom-client';
import { afterAll, describe, expect, inject, it } from 'vitest';

const influxUrl = inject('influxUrl');
const prometheusUrl = inject('prometheusUrl');
const targetsDir = inject('prometheusTargetsDir');

const id = (): string => randomBytes(4).toString('hex');

async function influxQl(db: string, q: string): Promise<unknown> {
  const url = `${influxUrl}/query?${new URLSearchParams({ db, q, epoch: 'ms' })}`;
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return res.json();
}

async function influxAdmin(q: string): Promise<void> {
  const res = await fetch(`${influxUrl}/query`, { method: 'POST', body: new URLSearchParams({ q }) });
  const body = (await res.json()) as { results?: { error?: string }[] };
  expect(res.status).toBe(200);
  expect(body.results?.[0]?.error).toBeUndefined();
}

// Skipped only on a developer machine without Debian's influxdb package (global setup says so loudly);
// under CI=true a missing InfluxDB fails the whole run instead.
describe.skipIf(!influxUrl)('InfluxDB through the v2 write shim', () => {
  const db = `dirk_test_${id()}`;
  // Built lazily: a skipped describe still runs its body, and the client rejects an empty URL.
  let cached: InfluxDB | undefined;
  const client = (): InfluxDB => (cached ??= new InfluxDB({ url: influxUrl, token: 'not-checked' }));

  // The client logs every failed write to the console; the error test provokes two on purpose.
  setLogger({ error: () => {}, warn: () => {} });

  afterAll(async () => {
    await influxAdmin(`DROP DATABASE "${db}"`);
  });

  it('writes points with @influxdata/influxdb-client and reads them back with InfluxQL', async () => {
    await influxAdmin(`CREATE DATABASE "${db}"`);
    const t0 = Date.UTC(2024, 0, 1, 12, 0, 0);
    const writeApi = client().getWriteApi('any-org', db, 'ms');
    writeApi.writePoint(
      new Point('booking').tag('service', 'GO_RIDE').tag('city', 'Jakarta').floatField('amount', 12.5).intField('count', 3).stringField('status', 'COMPLETED').booleanField('paid', true).timestamp(t0),
    );
    writeApi.writePoint(new Point('booking').tag('service', 'GO_FOOD').tag('city', 'Bandung').floatField('amount', 7.25).intField('count', 1).stringField('status', 'CANCELLED').booleanField('paid', false).timestamp(t0 + 1000));
    await writeApi.close();

    const result = await influxQl(db, 'SELECT "amount", "count", "status", "paid", "service", "city" FROM "booking" ORDER BY time');
    expect(result).toEqual({
      results: [
        {
          statement_id: 0,
          series: [
            {
              name: 'booking',
              columns: ['time', 'amount', 'count', 'status', 'paid', 'service', 'city'],
              values: [
                [t0, 12.5, 3, 'COMPLETED', true, 'GO_RIDE', 'Jakarta'],
                [t0 + 1000, 7.25, 1, 'CANCELLED', false, 'GO_FOOD', 'Bandung'],
              ],
            },
          ],
        },
      ],
    });
  });

  it('accepts gzipped batches (bodies over 1000 bytes) and nanosecond precision', async () => {
    await influxAdmin(`CREATE DATABASE "${db}"`);
    const writeApi = client().getWriteApi('any-org', db, 'ns', { batchSize: 1000, maxRetries: 0 });
    const base = 1_700_000_000_000_000_000n;
    for (let i = 0; i < 200; i++) {
      writeApi.writePoint(new Point('bulk').tag('k', `key-${i % 7}`).intField('i', i).timestamp(String(base + BigInt(i))));
    }
    await writeApi.close();
    const res = (await influxQl(db, 'SELECT count("i"), sum("i") FROM "bulk"')) as {
      results: { series: { values: number[][] }[] }[];
    };
    expect(res.results[0]?.series[0]?.values[0]?.slice(1)).toEqual([200, (199 * 200) / 2]);
  });

  it('reports write errors the way a v2 server does (status code, no silent drop)', async () => {
    const missing = client().getWriteApi('any-org', `no_such_db_${id()}`, 'ms', { maxRetries: 0 });
    missing.writePoint(new Point('m').floatField('v', 1));
    const err404 = await missing.close().then(() => undefined, (e: unknown) => e);
    expect(err404).toBeInstanceOf(HttpError);
    expect((err404 as HttpError).statusCode).toBe(404);
    expect((err404 as HttpError).message).toContain('database not found');

    await influxAdmin(`CREATE DATABASE "${db}"`);
    const seed = client().getWriteApi('any-org', db, 'ms', { maxRetries: 0 });
    seed.writePoint(new Point('typed').floatField('v', 1));
    await seed.close();
    const conflict = client().getWriteApi('any-org', db, 'ms', { maxRetries: 0 });
    conflict.writePoint(new Point('typed').stringField('v', 'text'));
    const err400 = await conflict.close().then(() => undefined, (e: unknown) => e);
    expect(err400).toBeInstanceOf(HttpError);
    expect((err400 as HttpError).statusCode).toBe(400);
    expect((err400 as HttpError).message).toContain('field type conflict');
  });
});

interface TargetsResponse {
  data: { activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] };
}
interface QueryResponse {
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

async function pollUntil<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}

// Skipped only on a developer machine without Debian's prometheus package (global setup says so loudly);
// under CI=true a missing Prometheus fails the whole run instead.
describe.skipIf(!prometheusUrl)('Prometheus scraping a prom-client endpoint', () => {
  it('discovers a target from a file_sd file, scrapes it and answers PromQL', async () => {
    const run = id();
    const registry = new Registry();
    const counter = new Counter({ name: 'dirk_test_demo_total', help: 'demo counter', registers: [registry] });
    const gauge = new Gauge({ name: 'dirk_test_lag', help: 'demo gauge', labelNames: ['topic'], registers: [registry] });
    counter.inc(42);
    gauge.set({ topic: 'bookings' }, 7);
    const server = http.createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': registry.contentType }).end(text);
      }, (err: unknown) => res.writeHead(500).end(String(err)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const targetFile = path.join(targetsDir, `services-test-${run}.json`);
    try {
      // Write then rename, so Prometheus never reads half a file.
      fs.writeFileSync(`${targetFile}.tmp`, JSON.stringify([{ targets: [`127.0.0.1:${port}`], labels: { run } }]));
      fs.renameSync(`${targetFile}.tmp`, targetFile);

      const target = await pollUntil('target up', async () => {
        const res = (await (await fetch(`${prometheusUrl}/api/v1/targets?state=active`)).json()) as TargetsResponse;
        return res.data.activeTargets.find((t) => t.labels['run'] === run && t.health === 'up');
      }, 30_000);
      expect(target.labels['instance']).toBe(`127.0.0.1:${port}`);
      expect(target.labels['job']).toBe('dirk');

      const query = async (q: string): Promise<QueryResponse['data']['result']> => {
        const res = (await (await fetch(`${prometheusUrl}/api/v1/query?${new URLSearchParams({ query: q })}`)).json()) as QueryResponse;
        return res.data.result;
      };
      const first = await pollUntil('counter sample', async () => (await query(`dirk_test_demo_total{run="${run}"}`))[0], 15_000);
      expect(first.value[1]).toBe('42');
      const lag = await query(`dirk_test_lag{run="${run}",topic="bookings"}`);
      expect(lag.map((r) => r.value[1])).toEqual(['7']);

      // Later scrapes see later values.
      counter.inc(8);
      await pollUntil('counter 50', async () => ((await query(`dirk_test_demo_total{run="${run}"}`))[0]?.value[1] === '50' ? true : undefined), 15_000);
    } finally {
      fs.rmSync(targetFile, { force: true });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
