import { serialize } from 'node:v8';

/**
 * Keyed operator state with idle-state expiry (FLINK_RETENTION_IDLE_STATE_MINUTE), written once for every
 * operator that keeps state per key (GROUP BY, regular joins, Top-N / deduplication, OVER, interval joins).
 *
 * It is a Map (so a snapshot that holds it serialises as a plain Map, and tests can structured-clone it) with
 * two additions:
 *
 * - `expireIdle()` drops entries whose last touch is older than the retention time. A full scan runs at most
 *   once every tenth of the retention time, so an entry lives between `retention` and `1.1 x retention`
 *   after its last touch (Flink's retention is likewise a lower bound), and a watermark per batch never
 *   turns into a scan of a million keys per batch.
 * - A copy-on-write capture for checkpoints (`capture()`): the checkpoint takes the set of keys inside the
 *   delivery lock (cheap) and serialises the entries in chunks afterwards, while batches keep changing the
 *   state. An entry about to change (`forUpdate`, `set`, `delete`) that the capture has not written yet is
 *   serialised first, as it was at the barrier; entries created after the barrier are not part of it.
 *   Operators that change an entry in place must therefore get it with `forUpdate`, never with `get`.
 */
export class KeyedState<V> extends Map<unknown, V> {
  private active: KeyedCapture | undefined;
  private lastExpiry = -Infinity;

  constructor(
    private readonly retentionMs: number,
    private readonly now: () => number,
    /** When an entry was last touched (processing time); default `entry.touchedAt`. */
    private readonly touchedAt: (v: V) => number = (v) => (v as { touchedAt: number }).touchedAt,
  ) {
    super();
  }

  /** Replaces the content with restored entries (a plain Map from a checkpoint). */
  load(entries: ReadonlyMap<unknown, V> | undefined): this {
    super.clear();
    if (entries) for (const [k, v] of entries) super.set(k, v);
    return this;
  }

  /** The entry of `k` for changing it in place (a running capture keeps its value as of the barrier first). */
  forUpdate(k: unknown): V | undefined {
    this.active?.before(k);
    return super.get(k);
  }

  override set(k: unknown, v: V): this {
    this.active?.before(k);
    return super.set(k, v);
  }

  override delete(k: unknown): boolean {
    this.active?.before(k);
    return super.delete(k);
  }

  override clear(): void {
    if (this.active) for (const k of super.keys()) this.active.before(k);
    super.clear();
  }

  /** Drops entries idle for the retention time (at most one scan per tenth of it); returns how many. */
  expireIdle(onDrop?: (k: unknown, v: V) => void): number {
    if (!(this.retentionMs > 0)) return 0;
    const now = this.now();
    if (now - this.lastExpiry < this.retentionMs / 10) return 0;
    this.lastExpiry = now;
    const cutoff = now - this.retentionMs;
    let dropped = 0;
    for (const [k, v] of this) {
      if (this.touchedAt(v) < cutoff) {
        this.delete(k);
        onDrop?.(k, v);
        dropped++;
      }
    }
    return dropped;
  }

  /**
   * Starts a capture of the current entries (call it at the barrier, inside the delivery lock). Only one
   * capture runs at a time; a new one replaces an abandoned one.
   */
  capture(): KeyedCapture {
    this.active?.abandon();
    const c = new KeyedCapture(super.keys(), (k) => super.get(k), () => {
      if (this.active === c) this.active = undefined;
    });
    this.active = c;
    return c;
  }
}

/**
 * One capture of a KeyedState: the keys present at the barrier, written out as v8-serialised chunks of
 * `[k1, v1, k2, v2, ...]`. Values are serialised either by `next()` (entries nobody touched since) or by
 * `before()` (an entry about to change), so every entry is written once with its value at the barrier.
 */
export class KeyedCapture {
  private pending: Set<unknown> | undefined;
  /** Entries serialised because they were about to change, waiting to be handed out. */
  private early: Buffer[] = [];
  readonly size: number;

  constructor(
    keys: Iterable<unknown>,
    private readonly read: (k: unknown) => unknown,
    private readonly detach: () => void,
  ) {
    this.pending = new Set(keys);
    this.size = this.pending.size;
  }

  /** An entry is about to change: keep its barrier value. */
  before(k: unknown): void {
    if (this.pending?.delete(k)) this.early.push(serialize([k, this.read(k)]));
  }

  /** The next chunk (at most `limit` entries), or undefined when every entry has been handed out. */
  next(limit: number): Buffer | undefined {
    if (this.early.length > 0) return this.early.pop();
    const pending = this.pending;
    if (!pending || pending.size === 0) {
      this.finish();
      return undefined;
    }
    const flat: unknown[] = [];
    let n = 0;
    for (const k of pending) {
      pending.delete(k);
      flat.push(k, this.read(k));
      if (++n >= limit) break;
    }
    return serialize(flat);
  }

  /** Stops tracking changes (after the last chunk, or when the checkpoint failed). */
  abandon(): void {
    this.finish();
  }

  private finish(): void {
    this.pending = undefined;
    this.early = [];
    this.detach();
  }
}
