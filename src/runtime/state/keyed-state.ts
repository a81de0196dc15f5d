import { serialize } from 'node:v8';
import { isOffHeapRef, readOffHeapSnapshot, type OffHeapSnapshotRef } from './off-heap.js';

/**
 * Keyed operator state with idle-state expiry (FLINK_RETENTION_IDLE_STATE_MINUTE), written once for every
 * operator that keeps state per key (GROUP BY, regular joins, Top-N / deduplication, OVER, interval joins, and the window operators).
 *
 * It is a Map (so a snapshot that holds it serialises as a plain Map, and tests can structured-clone it) with
 * two additions:
 *
 * - `expireIdle()` drops entries whose last touch is older than the retention time. A full scan runs at most
 *   once every tenth of the retention time, so an entry lives between `retention` and `1.1 x retention`
 *   after its last touch (Flink's retention is likewise a lower bound), and a watermark per batch never
 *   turns into a scan of a million keys per batch.
 * - `expireClosed(watermark)` drops entries whose window the watermark has closed (window operators, whose
 *   state ends with its window rather than by idle retention).
 * - A copy-on-write capture for checkpoints (`capture()`): the checkpoint takes the set of keys inside the
 *   delivery lock (cheap) and serialises the entries in chunks afterwards, while batches keep changing the
 *   state. An entry about to change (`forUpdate`, `set`, `delete`) that the capture has not written yet is
 *   serialised first, as it was at the barrier; entries created after the barrier are not part of it.
 *   Operators that change an entry in place must therefore get it with `forUpdate`, never with `get`.
 */
/**
 * A running count of the entries of every KeyedState that shares it (one per dataflow), kept as entries come
 * and go, so the heap guard reads the size of the job's state without walking or copying it.
 */
export class EntryCounter {
  entries = 0;
}

/** What a KeyedState is built with: the operator's context (runtime/operator.ts) provides all of it. */
export interface KeyedStateContext {
  /** Idle-state retention (FLINK_RETENTION_IDLE_STATE_MINUTE); 0 keeps entries forever. */
  readonly retentionMs: number;
  /** The processing-time clock the retention is measured on. */
  readonly now: () => number;
  readonly counter?: EntryCounter | undefined;
}

export class KeyedState<V> extends Map<unknown, V> {
  private active: KeyedCapture | undefined;
  private lastExpiry = -Infinity;
  private readonly retentionMs: number;
  private readonly now: () => number;
  private readonly counter: EntryCounter;

  constructor(
    ctx: KeyedStateContext,
    /** When an entry was last touched (processing time); default `entry.touchedAt`. */
    private readonly touchedAt: (v: V) => number = (v) => (v as { touchedAt: number }).touchedAt,
  ) {
    super();
    this.retentionMs = ctx.retentionMs;
    this.now = ctx.now;
    this.counter = ctx.counter ?? new EntryCounter();
  }

  /** Replaces the content with restored entries (a plain Map from a checkpoint). */
  load(saved: ReadonlyMap<unknown, V> | OffHeapSnapshotRef | undefined): this {
    // A checkpoint of the off-heap backend (the job switched back to hashmap): its snapshot file is read.
    const entries = isOffHeapRef(saved) ? (readOffHeapSnapshot(saved) as ReadonlyMap<unknown, V>) : saved;
    this.counter.entries -= this.size;
    super.clear();
    if (entries) for (const [k, v] of entries) super.set(k, v);
    this.counter.entries += this.size;
    return this;
  }

  /** The entry of `k` for changing it in place (a running capture keeps its value as of the barrier first). */
  forUpdate(k: unknown): V | undefined {
    this.active?.before(k);
    return super.get(k);
  }

  override set(k: unknown, v: V): this {
    this.active?.before(k, v);
    const before = this.size;
    super.set(k, v);
    this.counter.entries += this.size - before;
    return this;
  }

  override delete(k: unknown): boolean {
    this.active?.before(k);
    const had = super.delete(k);
    if (had) this.counter.entries--;
    return had;
  }

  override clear(): void {
    if (this.active) for (const k of [...super.keys()]) this.active.before(k);
    this.counter.entries -= this.size;
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
   * Watermark-driven expiry, for state that belongs to a window (window aggregates' panes and sessions,
   * cascaded window groups, window joins): drops every entry whose window has closed, `endOf(v) - 1 <=
   * watermark` (its last instant is at or behind the watermark), however recently it was touched. Such
   * state is built with retention 0, so idle-state retention never drops a window that is still open.
   * Returns how many entries went.
   */
  expireClosed(watermark: number, endOf: (v: V) => number = (v) => (v as { end: number }).end, onDrop?: (k: unknown, v: V) => void): number {
    let dropped = 0;
    for (const [k, v] of this) {
      if (endOf(v) - 1 <= watermark) {
        this.delete(k);
        onDrop?.(k, v);
        dropped++;
      }
    }
    return dropped;
  }

  /**
   * Starts a capture of the current entries (call it at the barrier, inside the delivery lock). Costs
   * nothing at the barrier: the capture walks the live Map afterwards. Only one capture runs at a time; a
   * new one replaces an abandoned one.
   */
  capture(): KeyedCapture {
    this.active?.abandon();
    const c = new KeyedCapture(this, (k) => super.get(k), () => {
      if (this.active === c) this.active = undefined;
    });
    this.active = c;
    return c;
  }
}

/** Marks an entry object as written by the capture of that number (a symbol: never serialised). */
const WRITTEN = Symbol('dirk.capture');
let captures = 0;

/** Not enumerable either, so equality checks and clones never see it. */
function stamp(o: { [WRITTEN]?: number }, epoch: number): void {
  if (WRITTEN in o) o[WRITTEN] = epoch;
  else Object.defineProperty(o, WRITTEN, { value: epoch, writable: true, enumerable: false, configurable: true });
}

/**
 * One capture of a KeyedState, written out as v8-serialised chunks of `[k1, v1, k2, v2, ...]`. It walks the
 * live Map in insertion order: entries added after the barrier come last, already marked, and are skipped;
 * an entry about to change (`before`) is serialised first and marked, so the walk skips it too. Every entry
 * present at the barrier is therefore written once, with its value at the barrier. Entries that are not
 * objects (a time per key) cannot be marked: such a state is serialised whole at the barrier.
 */
export class KeyedCapture {
  private readonly epoch = ++captures;
  private walk: Iterator<[unknown, unknown]> | undefined;
  /** Entries serialised because they were about to change (or all of them, for non-object values). */
  private early: Buffer[] = [];
  readonly size: number;

  constructor(
    state: Map<unknown, unknown>,
    private readonly read: (k: unknown) => unknown,
    private readonly detach: () => void,
  ) {
    this.size = state.size;
    const first = state.values().next();
    if (!first.done && (typeof first.value !== 'object' || first.value === null)) {
      const flat: unknown[] = [];
      for (const [k, v] of state) flat.push(k, v);
      this.early.push(serialize(flat));
      return;
    }
    this.walk = state.entries();
  }

  /** Marks `v` as written by this capture; false when it already was. */
  private mark(v: unknown): boolean {
    const o = v as { [WRITTEN]?: number };
    if (o[WRITTEN] === this.epoch) return false;
    stamp(o, this.epoch);
    return true;
  }

  /** An entry is about to change or go (or `k` is about to be created: `v` undefined). */
  before(k: unknown, created?: unknown): void {
    if (!this.walk) return;
    const v = this.read(k);
    if (v !== undefined && this.mark(v)) this.early.push(serialize([k, v]));
    // A new entry (or a replacing one) is not part of this capture.
    if (typeof created === 'object' && created !== null) stamp(created, this.epoch);
  }

  /** The next chunk (at most `limit` entries), or undefined when every entry has been handed out. */
  next(limit: number): Buffer | undefined {
    if (this.early.length > 0) return this.early.pop();
    const walk = this.walk;
    if (!walk) return undefined;
    const flat: unknown[] = [];
    let n = 0;
    for (let r = walk.next(); ; r = walk.next()) {
      if (r.done) {
        this.finish();
        break;
      }
      const [k, v] = r.value;
      if (!this.mark(v)) continue;
      flat.push(k, v);
      if (++n >= limit) break;
    }
    return flat.length > 0 ? serialize(flat) : this.early.pop();
  }

  /** Stops tracking changes (after the last chunk, or when the checkpoint failed). */
  abandon(): void {
    this.finish();
    this.early = [];
  }

  private finish(): void {
    this.walk = undefined;
    this.detach();
  }
}
