// Shared API keys: two processes drawing from one Redis-coordinated pool (the machine's Redis) never use a
// key more often than its rate, as measured by the HTTP server the calls go to.

import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiKeyPool } from '../../src/processors/api-keys/api-key-pool.js';
import { REPO_ROOT } from '../helpers/process.js';

const hits: { at: number; key: string; drawn: number }[] = [];
const server = createServer((req, res) => {
  hits.push({ at: Date.now(), key: String(req.headers['x-api-key']), drawn: Number(req.headers['x-drawn-at']) });
  res.end('{}');
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

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
    const mostInWindow = (times: number[], windowMs: number): number => {
      let most = 0;
      for (let i = 0, j = 0; i < times.length; i++) {
        while (times[i]! - times[j]! >= windowMs) j++;
        most = Math.max(most, i - j + 1);
      }
      return most;
    };
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

  it('names the pool when Redis is not reachable', async () => {
    const p = new ApiKeyPool({ name: 'nowhere', keys: ['k'], ratePerSecond: 1, redisUrl: 'redis://127.0.0.1:1' });
    await expect(p.acquire()).rejects.toThrow(/api key pool nowhere: Redis is not reachable/);
    await p.close();
  });
});
