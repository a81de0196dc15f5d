// Shared API keys: two processes drawing from one Redis-coordinated pool (the machine's Redis) never use a
// key more often than its rate, as measured by the HTTP server the calls go to.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiKeyPool } from '../../src/processors/api-keys/api-key-pool.js';
import { jsonFileStream } from '../helpers/jobs.js';
import { REPO_ROOT, runCli } from '../helpers/process.js';

const hits: { at: number; key: string; drawn: number }[] = [];
const server = createServer((req, res) => {
  hits.push({ at: Date.now(), key: String(req.headers['x-api-key']), drawn: Number(req.headers['x-drawn-at']) });
  res.end('{}');
});

// The http post-processor's calls: the key comes in a header (one job) or the query string (the other).
const jobHits: { at: number; key: string; ride: string; via: string }[] = [];
const lookup = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const header = req.headers['authorization'];
  const key = header ? String(header).replace(/^Bearer /, '') : String(url.searchParams.get('key'));
  jobHits.push({ at: Date.now(), key, ride: url.pathname.split('/').pop()!, via: header ? 'header' : 'query' });
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ name: `rider of ${url.pathname.split('/').pop()}` }));
});

const dirs: string[] = [];
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await new Promise<void>((r) => lookup.close(() => r()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function mostInWindow(times: number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

function caller(port: number, pool: string, calls: number): Promise<number | null> {
  const module = join(REPO_ROOT, 'dist', 'src', 'processors', 'api-keys', 'api-key-pool.js');
  const script = `
    const { ApiKeyPool } = await import(${JSON.stringify(module)});
    const pool = new ApiKeyPool({ name: ${JSON.stringify(pool)}, keys: ['key-a', 'key-b'], ratePerSecond: 5 });
    for (let i = 0; i < ${calls}; i++) {
      const { key, drawnAtMs } = await pool.draw();
      await fetch('http://127.0.0.1:${port}/call', { headers: { 'x-api-key': key, 'x-drawn-at': String(drawnAtMs) } });
    }
    await pool.close();`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' });
    child.once('close', (code) => resolve(code));
  });
}

describe('a shared API key pool across processes', () => {
  it('keeps every key within its rate per second', async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    const pool = `it-pool-${Date.now()}`;
    const codes = await Promise.all([caller(port, pool, 20), caller(port, pool, 20)]);
    expect(codes).toEqual([0, 0]);
    expect(hits).toHaveLength(40);
    // A call drawn in time can arrive late and so look closer to the next one: that is the caller's jitter
    // (large on a busy 2-core machine), not the pool's. So the server checks two ways: by the draw time (Redis's clock) each
    // request carries, any one-second window; by its own arrival times, windows of a second less the longest
    // delivery delay it saw.
    const delay = Math.max(0, ...hits.map((h) => h.at - h.drawn));
    for (const key of ['key-a', 'key-b']) {
      const mine = hits.filter((h) => h.key === key);
      expect(mine.length).toBeGreaterThan(0);
      expect(mostInWindow(mine.map((h) => h.drawn).sort((a, b) => a - b), 1000)).toBeLessThanOrEqual(5);
      expect(mostInWindow(mine.map((h) => h.at).sort((a, b) => a - b), Math.max(1, 1000 - delay))).toBeLessThanOrEqual(5);
    }
    // 40 calls over two keys at 5/s each take close to 4 s: the pool waits rather than failing.
    const span = hits.at(-1)!.at - hits[0]!.at;
    expect(span).toBeGreaterThan(2_500);
  }, 60_000);

  it('the http post-processor draws its key from the pool: two jobs share a quota through Redis', async () => {
    await new Promise<void>((r) => lookup.listen(0, '127.0.0.1', () => r()));
    const port = (lookup.address() as AddressInfo).port;
    const dir = mkdtempSync(join(tmpdir(), 'dirk-keys-'));
    dirs.push(dir);
    const pool = `it-job-pool-${Date.now()}`;
    const job = (name: string, where: Record<string, string>): string => {
      const data = join(dir, `${name}.jsonl`);
      writeFileSync(data, Array.from({ length: 15 }, (_, i) => JSON.stringify({ ride_id: `${name}-${i}`, event_time: new Date(Date.UTC(2026, 0, 1, 12, 0, i)).toISOString() })).join('\n') + '\n');
      const file = join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify({
        FLINK_JOB_ID: `it-keys-${name}`,
        STREAMS: [jsonFileStream('rides', data, ['ride_id'], 'event_time')],
        FLINK_ROWTIME_ATTRIBUTE_NAME: 'rowtime',
        FLINK_SQL_QUERY: 'SELECT ride_id FROM rides',
        PROCESSOR_POSTPROCESSOR_ENABLE: 'true',
        PROCESSOR_POSTPROCESSOR_CONFIG: {
          // the keys come from the environment, as a job file should keep them
          api_key_pools: { [pool]: { api_keys: ['\${KEYS_TEST_A}', '\${KEYS_TEST_B}'], rate_per_second: 4 } },
          external_source: {
            http: [{
              endpoint: `http://127.0.0.1:${port}/riders/`, verb: 'GET', request_pattern: '%s', request_variables: 'ride_id',
              stream_timeout: '30000', connect_timeout: '2000', capacity: '4', fail_on_errors: 'true',
              api_key: { pool, ...where },
              output_mapping: { rider: { path: '$.name' } },
            }],
          },
          internal_source: [{ output_field: 'ride_id', type: 'sql', value: 'ride_id' }],
        },
        SINK_TYPE: 'log',
        METRIC_TELEMETRY_ENABLE: 'false',
      }));
      return file;
    };
    const env = { KEYS_TEST_A: 'secret-key-a', KEYS_TEST_B: 'secret-key-b' };
    const explained = await runCli(['explain', job('one', { header: 'Authorization', format: 'Bearer %s' })], { env });
    expect(explained.stdout).toContain(`api key from pool ${pool} (2 keys at 4/s each, shared through Redis) in header Authorization`);
    expect(explained.stdout + explained.stderr).not.toContain('secret-key');
    const [a, b] = await Promise.all([
      runCli(['run', job('one', { header: 'Authorization', format: 'Bearer %s' })], { env, timeoutMs: 90_000 }),
      runCli(['run', job('two', { query_param: 'key' })], { env, timeoutMs: 90_000 }),
    ]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    expect(a.stdout).toContain('rider of one-14');
    expect(b.stdout).toContain('rider of two-0');
    expect(jobHits).toHaveLength(30);
    expect(new Set(jobHits.map((h) => h.via))).toEqual(new Set(['header', 'query']));
    // Both keys used, each about 4 times a second at most as the server saw it. The pool grants a key just
    // before the call, but a loaded machine can delay one call and bunch it with the next ones (CI once saw 5
    // in 800 ms): one call of slack. Without the shared quota, each key's 15 calls would arrive within
    // milliseconds of each other.
    for (const key of ['secret-key-a', 'secret-key-b']) {
      const mine = jobHits.filter((h) => h.key === key).map((h) => h.at).sort((x, y) => x - y);
      expect(mine.length).toBeGreaterThan(0);
      expect(mostInWindow(mine, 800)).toBeLessThanOrEqual(5);
    }
    expect(jobHits.every((h) => h.key === 'secret-key-a' || h.key === 'secret-key-b')).toBe(true);
    // 30 calls over two keys at 4/s take more than 3 s together: the jobs waited for the shared quota.
    const times = jobHits.map((h) => h.at).sort((x, y) => x - y);
    expect(times.at(-1)! - times[0]!).toBeGreaterThan(2_500);
    expect(a.stdout + a.stderr + b.stdout + b.stderr).not.toContain('secret-key');
  }, 120_000);

  it('names the pool when Redis is not reachable', async () => {
    const p = new ApiKeyPool({ name: 'nowhere', keys: ['k'], ratePerSecond: 1, redisUrl: 'redis://127.0.0.1:1' });
    await expect(p.acquire()).rejects.toThrow(/api key pool nowhere: Redis is not reachable/);
    await p.close();
  });
});
