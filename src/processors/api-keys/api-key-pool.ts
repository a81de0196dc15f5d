import type { Redis } from 'ioredis';
import { DirkError } from '../../core/errors.js';

/**
 * Shared API keys (CodeFeedr's key manager): a named pool of keys, each allowed `ratePerSecond` calls in any
 * one-second window, shared by every job and process that draws from the pool. The count lives in Redis and
 * is taken by one Lua script per draw (atomic on the server, timed by the server's own clock), so two
 * processes on two machines cannot both take the last call of a second.
 *
 * Per key, the script keeps a sorted set of the draw times (microseconds) in the last second: a key with
 * fewer than `ratePerSecond` entries is handed out and the draw recorded; when every key is at its limit the
 * script answers how long until the oldest draw leaves the window, and `acquire()` waits that long.
 */
export interface ApiKeyPoolOptions {
  readonly name: string;
  readonly keys: readonly string[];
  readonly ratePerSecond: number;
  /** redis://host:port[/db]; default redis://127.0.0.1:6379. */
  readonly redisUrl?: string;
  /** Give up (DirkError, external) after waiting this long for a free key. Default 30 s. */
  readonly maxWaitMs?: number;
  /** Prefix of the Redis keys; default `dirk:api-keys`. */
  readonly prefix?: string;
}

// KEYS: one sorted set per API key. ARGV: limit, window in µs, a unique member suffix.
// Returns {index (1-based), 0, seconds, µs} (the server time of the draw) when a key was taken, {0, wait µs}
// when all are at their limit.
const DRAW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local wait = window
for i, k in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', k, '-inf', now - window)
  local n = redis.call('ZCARD', k)
  if n < limit then
    redis.call('ZADD', k, now, now .. ':' .. ARGV[3])
    redis.call('PEXPIRE', k, math.ceil(window / 1000) + 1000)
    return {i, 0, t[1], t[2]}
  end
  local oldest = redis.call('ZRANGE', k, 0, 0, 'WITHSCORES')
  local w = tonumber(oldest[2]) + window - now
  if w < wait then wait = w end
end
return {0, wait}
`;

let drawSeq = 0;

export class ApiKeyPool {
  /** The client, loaded on first use: a job without an API key pool never loads ioredis (memory, start-up). */
  private readonly redis: Promise<Redis>;
  private readonly slots: string[];

  constructor(private readonly opts: ApiKeyPoolOptions) {
    if (opts.keys.length === 0) throw new DirkError(`api key pool ${opts.name}: expected at least one key`, { domain: 'user' });
    if (!(opts.ratePerSecond > 0)) throw new DirkError(`api key pool ${opts.name}: rate_per_second: expected a positive number, found ${opts.ratePerSecond}`, { domain: 'user' });
    this.redis = import('ioredis').then(({ Redis }) => {
      const redis = new Redis(opts.redisUrl ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 3, enableOfflineQueue: true });
      // Connection errors surface through acquire() with the pool's name; the client's own event would only
      // print "Unhandled error event" to stderr.
      redis.on('error', () => undefined);
      return redis;
    });
    this.redis.catch(() => undefined); // a failed load surfaces through draw()
    // Slot names carry the key's position, never the key itself: secrets stay out of Redis.
    const prefix = opts.prefix ?? 'dirk:api-keys';
    this.slots = opts.keys.map((_, i) => `${prefix}:${opts.name}:${i}`);
  }

  /** An API key whose use now stays within its rate; waits while every key is at its limit. */
  async acquire(): Promise<string> {
    return (await this.draw()).key;
  }

  /** As acquire(), with the time of the draw on the Redis server's clock (epoch ms). */
  async draw(): Promise<{ key: string; drawnAtMs: number }> {
    const deadline = Date.now() + (this.opts.maxWaitMs ?? 30_000);
    for (;;) {
      const member = `${process.pid}:${++drawSeq}`;
      let res: [number, number, string?, string?];
      try {
        res = (await (await this.redis).eval(DRAW, this.slots.length, ...this.slots, String(this.opts.ratePerSecond), '1000000', member)) as [number, number, string?, string?];
      } catch (e) {
        throw new DirkError(`api key pool ${this.opts.name}: Redis is not reachable (${(e as Error).message})`, { domain: 'external', retriable: true, cause: e });
      }
      const [index, waitUs, sec, usec] = res;
      if (index > 0) return { key: this.opts.keys[index - 1]!, drawnAtMs: Number(sec) * 1000 + Number(usec) / 1000 };
      const waitMs = Math.max(1, Math.ceil(waitUs / 1000));
      if (Date.now() + waitMs > deadline) {
        throw new DirkError(`api key pool ${this.opts.name}: no key free within ${this.opts.maxWaitMs ?? 30_000} ms (${this.opts.keys.length} keys at ${this.opts.ratePerSecond}/s)`, { domain: 'external', retriable: true });
      }
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }

  async close(): Promise<void> {
    (await this.redis.catch(() => undefined))?.disconnect();
  }
}
