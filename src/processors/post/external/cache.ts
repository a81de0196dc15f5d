/**
 * A bounded response cache for one external post-processor (a Dirk addition, off by default): answers are
 * kept for `ttlMs` under the request's key, at most `maxEntries` of them; the least recently used entry
 * goes first (a Map keeps insertion order, and a hit re-inserts its entry).
 */
export class ResponseCache {
  private readonly entries = new Map<string, { doc: unknown; expires: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
  ) {}

  get(key: string, now: number): unknown {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    this.entries.delete(key);
    if (e.expires <= now) return undefined;
    this.entries.set(key, e);
    return e.doc;
  }

  set(key: string, doc: unknown, now: number): void {
    if (doc === undefined) return;
    this.entries.delete(key);
    this.entries.set(key, { doc, expires: now + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
