/** Retry timing of the HTTP sink: exponential backoff with jitter, or the server's Retry-After. */

/** Delay before retry number `attempt` (0-based): base * 2^attempt, between half and all of it, capped. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const full = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(full / 2 + (random() * full) / 2);
}

/**
 * A Retry-After header in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. A server
 * asking for longer than `maxMs` gets `maxMs` (the flush must end; the retry count still bounds the total).
 */
export function retryAfterMs(header: string | null, maxMs: number, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const t = header.trim();
  let ms: number;
  if (/^\d+$/.test(t)) ms = Number(t) * 1000;
  else {
    const at = Date.parse(t);
    if (Number.isNaN(at)) return undefined;
    ms = Math.max(0, at - now);
  }
  return Math.min(ms, maxMs);
}

export function isRetryableStatus(status: number, ranges: readonly (readonly [number, number])[]): boolean {
  return ranges.some(([lo, hi]) => status >= lo && status <= hi);
}
