// The web UI of `dirk serve` in a real browser: Debian's Chromium driven by playwright-core (no browser
// download). Covers the job list, a job's plan graph with live numbers, and adding a job whose validation
// error is shown inline. Screenshots go to DIRK_UI_SCREENSHOTS (docs/images holds the committed ones).

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { startServe, type RunningService } from '../../src/server/serve.js';
import { createTopics, kafkaBootstrap, produce, uniqueTopic } from '../helpers/kafka.js';
import { REPO_ROOT } from '../helpers/process.js';

const CHROMIUM = process.env['DIRK_CHROMIUM'] ?? '/usr/bin/chromium';
const SHOTS = process.env['DIRK_UI_SCREENSHOTS'] ?? join(REPO_ROOT, '.dirk', 'ui-screenshots');

let service: RunningService;
let browser: Browser;
let dataDir: string;
let producing: NodeJS.Timeout | undefined;

const SCHEMA = JSON.stringify({ type: 'object', properties: { order_id: { type: 'string' }, city: { type: 'string' }, amount: { type: 'number' }, ts: { type: 'string', format: 'date-time' } } });

function job(input: string, output: string, query: string): Record<string, unknown> {
  return {
    FLINK_JOB_ID: 'ui-orders',
    STREAMS: [
      {
        INPUT_SCHEMA_TABLE: 'orders',
        INPUT_DATATYPE: 'JSON',
        INPUT_SCHEMA_JSON_SCHEMA: SCHEMA,
        INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'ts',
        SOURCE_KAFKA_TOPIC_NAMES: input,
        SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: kafkaBootstrap(),
        SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: `ui-${input}`,
        SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET: 'earliest',
        SOURCE_DETAILS: [{ SOURCE_TYPE: 'UNBOUNDED', SOURCE_NAME: 'KAFKA_CONSUMER' }],
      },
    ],
    FLINK_SQL_QUERY: query,
    FLINK_ROWTIME_ATTRIBUTE_NAME: 'rowtime',
    FLINK_WATERMARK_DELAY_MS: '1000',
    FLINK_CHECKPOINT_INTERVAL_MS: '1000',
    SINK_TYPE: 'kafka',
    SINK_KAFKA_BROKERS: kafkaBootstrap(),
    SINK_KAFKA_TOPIC: output,
    SINK_KAFKA_DATA_TYPE: 'JSON',
  };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'dirk-ui-'));
  mkdirSync(SHOTS, { recursive: true });
  service = await startServe({ port: 0, dataDir, token: 'ui-token', syncIntervalMs: 500, cwd: REPO_ROOT, logger: createLogger({ level: 'error' }) });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}, 120_000);

afterAll(async () => {
  clearInterval(producing);
  await browser?.close();
  await service?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the web UI in Chromium', () => {
  it('lists jobs, draws a job graph with live numbers, and shows validation errors inline', async () => {
    const [input, output] = [uniqueTopic('ui-in'), uniqueTopic('ui-out')];
    await createTopics([input, output], 1);
    const config = job(input, output, "SELECT city, COUNT(*) AS orders, SUM(amount) AS total, TUMBLE_END(rowtime, INTERVAL '1' SECOND) AS window_end FROM orders WHERE amount > 0 GROUP BY TUMBLE(rowtime, INTERVAL '1' SECOND), city");
    const res = await fetch(`${service.url}/api/jobs`, { method: 'POST', headers: { authorization: 'Bearer ui-token', 'content-type': 'application/json' }, body: JSON.stringify({ id: 'orders-by-city', config }) });
    expect(res.status).toBe(201);
    let n = 0;
    producing = setInterval(() => {
      const now = Date.now();
      const batch = Array.from({ length: 50 }, (_, i) => ({ value: JSON.stringify({ order_id: `o${n++}`, city: ['Jakarta', 'Bandung', 'Surabaya'][i % 3], amount: 1 + (i % 7), ts: new Date(now).toISOString() }) }));
      void produce(input, batch).catch(() => undefined);
    }, 200);

    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.addInitScript("localStorage.setItem('dirk-token', 'ui-token')");

    // Job list: the job appears and reaches "running".
    await page.goto(`${service.url}/#/jobs`);
    // Up to 2 minutes: under CI load the job's `dirk run` child once took over 40 s to reach running.
    await page.locator('tr[data-job="orders-by-city"] [data-state="running"]').waitFor({ timeout: 120_000 });
    await page.screenshot({ path: join(SHOTS, 'ui-jobs.png') });

    // Job page: the operator graph from the physical plan, and numbers that move.
    await page.click('a[href="#/jobs/orders-by-city"]');
    await page.locator('#plan-graph g.node').first().waitFor();
    const labels = await page.locator('#plan-graph g.node text:first-of-type').allTextContents();
    expect(labels.some((l) => l.startsWith('Source[orders]'))).toBe(true);
    expect(labels.some((l) => l.startsWith('WindowAggregate'))).toBe(true);
    expect(labels).toContain('Sink[kafka]');
    // Browser-side expressions are strings: the test program has no DOM types.
    const count = (id: string): string => `Number((document.getElementById('${id}')?.textContent ?? '0').replace(/,/g, ''))`;
    await page.waitForFunction(`${count('m-in')} > 0`, undefined, { timeout: 40_000 });
    await page.waitForFunction(`${count('m-out')} > 0`, undefined, { timeout: 40_000 });
    const first = Number((await page.textContent('#m-in'))!.replace(/,/g, ''));
    await page.waitForFunction(`${count('m-in')} > ${first}`, undefined, { timeout: 20_000 });
    await page.waitForFunction(`/^[\\d.,]+$/.test(document.getElementById('m-in-rate')?.textContent ?? '')`, undefined, { timeout: 20_000 });
    // Checkpoint history: a table row per completed checkpoint, newest first, with duration, size and positions.
    await page.waitForFunction(`document.querySelectorAll('#checkpoints tr[data-checkpoint]').length >= 2`, undefined, { timeout: 40_000 });
    const ids = await Promise.all((await page.locator('#checkpoints tr[data-checkpoint]').all()).map(async (r) => Number(await r.getAttribute('data-checkpoint'))));
    expect(ids[0]).toBeGreaterThan(ids[1]!);
    const cells = await page.locator('#checkpoints tr[data-checkpoint]').first().locator('td').allTextContents();
    expect(cells[2]).toMatch(/^[\d,]+ ms$/);
    expect(cells[3]).toMatch(/^[\d.,]+ (B|KiB|MiB)$/);
    expect(cells[4]).toMatch(new RegExp(`^orders: ${input}:0@\\d+`));
    const api = (await (await fetch(`${service.url}/api/jobs/orders-by-city/checkpoints?limit=2`)).json()) as { checkpoints: { id: number; takenAt: number; durationMs: number; bytes: number; positions: Record<string, Record<string, string>> }[] };
    expect(api.checkpoints).toHaveLength(2);
    expect(api.checkpoints[0]!.bytes).toBeGreaterThan(0);
    expect(Object.keys(api.checkpoints[0]!.positions)).toEqual(['orders']);
    // State size measured at the checkpoints (the window's panes), and the output's event-time lag.
    await page.waitForFunction(`/^[1-9][\\d,]* \\/ [\\d.,]+ (B|KiB|MiB)$/.test(document.getElementById('m-state')?.textContent ?? '')`, undefined, { timeout: 20_000 });
    await page.waitForFunction(`/^[\\d.,]+$/.test(document.getElementById('m-out-lag')?.textContent ?? '')`, undefined, { timeout: 20_000 });
    await page.screenshot({ path: join(SHOTS, 'ui-job.png'), fullPage: true });

    // Add a job with a SQL mistake: the validator's message (line and column) is shown inline.
    await page.goto(`${service.url}/#/new`);
    await page.fill('#job-id', 'broken');
    await page.fill('#job-config', JSON.stringify(job(input, output, 'SELECT city,\n  COUNT(nope) AS n FROM orders GROUP BY city'), null, 2));
    await page.click('#validate');
    const error = page.locator('#messages .errors li').first();
    await error.waitFor();
    expect(await error.textContent()).toMatch(/line 2, column \d+/);
    await page.click('#save');
    await page.locator('#messages .errors li', { hasText: 'is not valid' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'ui-add-job.png') });
    const jobs = (await (await fetch(`${service.url}/api/jobs`)).json()) as { jobs: { id: string }[] };
    expect(jobs.jobs.map((j) => j.id)).toEqual(['orders-by-city']);
    await page.close();
  }, 300_000);
});
