import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { reviveDecimals } from '../../core/decimal.js';
import { userError } from '../../core/errors.js';

/**
 * Keyed state on disk (FLINK_STATE_BACKEND_TYPE=rocksdb), for the non-windowed GROUP BY: millions of keys
 * neither fill the heap nor make every garbage collection walk them.
 *
 * The store is LMDB (npm `lmdb`, which ships prebuilt binaries and needs no install script), not RocksDB:
 * no maintained RocksDB binding for Node ships its binary. The config keeps Flink's name (`rocksdb`) because
 * that is what users' job configs say. LMDB is a memory-mapped B+tree: reads are a few microseconds, and
 * `env.copy` (with compaction) copies a consistent snapshot in a background thread, which is what a
 * checkpoint needs.
 *
 * The store is a working copy, not durable by itself (noSync): the state a restart resumes from is the
 * checkpoint's snapshot file, copied back into the working folder at restore. Semantics match KeyedState's
 * use by the GROUP BY: `forUpdate` returns an entry the caller changes in place, so every entry handed out
 * is marked dirty and written back (write-through) at `endBatch()`; a bounded LRU cache keeps the most
 * recently used entries decoded on the heap.
 *
 * Checkpoints (`startSnapshot`): the dirty entries are written, then LMDB copies the store in its own
 * thread. That copy opens its read transaction when the thread starts, not when it is asked for, so while it
 * runs, writes are held on the heap (`held`, read before the store) and written after it: the copy is
 * exactly the state at the barrier, and the event loop never serialises the whole state.
 */

/** Version of the snapshot stub and file layout; a newer one is refused on restore. */
export const OFF_HEAP_SNAPSHOT_VERSION = 1;

/** What a checkpoint holds where an off-heap state was: the snapshot file (resolved to a path on restore). */
export interface OffHeapSnapshotRef {
  readonly $dirkOffHeapFile: string;
  readonly v: number;
}

export function isOffHeapRef(x: unknown): x is OffHeapSnapshotRef {
  return typeof x === 'object' && x !== null && typeof (x as OffHeapSnapshotRef).$dirkOffHeapFile === 'string';
}

export interface OffHeapOptions {
  /** The working folder of this operator's store (emptied when the state is opened). */
  readonly dir: string;
  readonly cacheEntries: number;
  readonly retentionMs: number;
  readonly now: () => number;
  readonly touchedAt?: (v: unknown) => number;
}

/** The parts of the lmdb package Dirk uses (loaded only when a job asks for off-heap state). */
interface LmdbDb {
  getBinary(k: string): Buffer | undefined;
  putSync(k: string, v: Buffer): boolean;
  removeSync(k: string): boolean;
  transactionSync<T>(f: () => T): T;
  getRange(o?: object): Iterable<{ key: string; value: Buffer }>;
  getStats(): { entryCount: number };
  backup(path: string, compact: boolean): Promise<void>;
  close(): Promise<void>;
}
type LmdbOpen = (o: object) => LmdbDb;

let lmdbOpen: LmdbOpen | undefined;
function openLmdb(path: string, readOnly = false): LmdbDb {
  if (!lmdbOpen) {
    try {
      lmdbOpen = (createRequire(import.meta.url)('lmdb') as { open: LmdbOpen }).open;
    } catch (e) {
      throw userError(`FLINK_STATE_BACKEND_TYPE=rocksdb needs the npm package lmdb with a prebuilt binary for ${process.platform}-${process.arch}: ${(e as Error).message}`);
    }
  }
  // Keys are strings made by `encodeKey`; values are v8-serialised [key, value] pairs (Map, bigint and
  // bytes kept, as in heap checkpoints). noSync: durability comes from checkpoints, not from this store.
  return lmdbOpen({ path, encoding: 'binary', keyEncoding: 'ordered-binary', noSync: true, readOnly, cache: false });
}

/** A Map key (string, number, boolean, null, undefined: what keyFunction returns) as a string that keeps types apart. */
export function encodeKey(k: unknown): string {
  switch (typeof k) {
    case 'string':
      // LMDB keys are at most 1978 bytes; a longer group key is hashed (its value is stored with the entry).
      return k.length > 480 ? `h${k.length}:${hashString(k)}` : `s${k}`;
    case 'number':
      return `d${String(k)}`;
    case 'boolean':
      return k ? 'bt' : 'bf';
    case 'undefined':
      return 'u';
    default:
      if (k === null) return 'n';
      throw new Error(`internal error: off-heap state cannot key by ${typeof k}`);
  }
}

/** Two independent 53-bit FNV-style hashes of a long key: a collision needs both to match. */
function hashString(s: string): string {
  let a = 0xcbf29ce4 ^ s.length;
  let b = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return `${(a >>> 0).toString(36)}${(b >>> 0).toString(36)}:${s.slice(0, 64)}`;
}

const DELETED = Symbol('deleted');
/** Entries one expiry call reads. */
const SCAN_SLICE = 20_000;
let generation = 0;

export class OffHeapState<V> {
  private db: LmdbDb;
  /** Decoded entries, least recently used first (a Map keeps insertion order; a hit moves the entry to the end). */
  private readonly cache = new Map<string, [unknown, V]>();
  /** Entries handed out or set since the last write-back. */
  private readonly dirty = new Map<string, [unknown, V] | typeof DELETED>();
  /** Writes kept back while a snapshot copy runs (read before the store). */
  private held = new Map<string, [unknown, V] | typeof DELETED>();
  private copying: Promise<void> | undefined;
  private count = 0;
  private lastExpiry = -Infinity;
  /** Where the running expiry pass goes on (undefined: no pass running). */
  private scanFrom: string | undefined;
  private lastMiss: string | undefined;
  private readonly touchedAt: (v: unknown) => number;
  private closed = false;

  constructor(private readonly o: OffHeapOptions) {
    this.touchedAt = o.touchedAt ?? ((v) => (v as { touchedAt: number }).touchedAt);
    this.db = this.openFresh();
  }

  /** Entries in the state (the store plus what is not written yet). */
  get size(): number {
    return this.count;
  }

  get dir(): string {
    return this.o.dir;
  }

  private openFresh(from?: string): LmdbDb {
    // A new file name per opening: the store closed before it (asynchronously) is never opened again.
    const file = join(this.o.dir, `state-${++generation}.mdb`);
    rmSync(this.o.dir, { recursive: true, force: true });
    mkdirSync(this.o.dir, { recursive: true });
    if (from) copyFileSync(from, file);
    const db = openLmdb(file);
    this.count = db.getStats().entryCount;
    return db;
  }

  /** The current [key, value] of `enc`: dirty, held, cached, then the store. */
  private lookup(enc: string): [unknown, V] | undefined {
    const d = this.dirty.get(enc);
    if (d !== undefined) return d === DELETED ? undefined : d;
    const h = this.held.get(enc);
    if (h !== undefined) return h === DELETED ? undefined : h;
    const c = this.cache.get(enc);
    if (c) {
      this.cache.delete(enc);
      this.cache.set(enc, c);
      return c;
    }
    const bytes = this.db.getBinary(enc);
    if (bytes === undefined) return undefined;
    const e = reviveDecimals(deserialize(bytes)) as [unknown, V];
    this.cache.set(enc, e);
    return e;
  }

  get(k: unknown): V | undefined {
    return this.lookup(encodeKey(k))?.[1];
  }

  has(k: unknown): boolean {
    return this.lookup(encodeKey(k)) !== undefined;
  }

  /** The entry of `k` for changing it in place: it is written back at the end of the batch. */
  forUpdate(k: unknown): V | undefined {
    const enc = encodeKey(k);
    const e = this.lookup(enc);
    if (!e) {
      this.lastMiss = enc;
      return undefined;
    }
    this.dirty.set(enc, e);
    return e[1];
  }

  set(k: unknown, v: V): this {
    const enc = encodeKey(k);
    const existed = enc === this.lastMiss ? false : this.lookup(enc) !== undefined;
    this.lastMiss = undefined;
    const e: [unknown, V] = [k, v];
    this.dirty.set(enc, e);
    this.cache.delete(enc);
    this.cache.set(enc, e);
    if (!existed) this.count++;
    return this;
  }

  delete(k: unknown): boolean {
    const enc = encodeKey(k);
    if (this.lookup(enc) === undefined) return false;
    this.lastMiss = undefined;
    this.dirty.set(enc, DELETED);
    this.cache.delete(enc);
    this.count--;
    return true;
  }

  /**
   * Writes the batch's changes (or holds them while a snapshot copy runs), then trims the cache to its size.
   * Call it at the end of every batch and at the barrier.
   */
  endBatch(): void {
    if (this.dirty.size > 0) {
      if (this.copying) {
        for (const [enc, e] of this.dirty) this.held.set(enc, e);
      } else {
        this.write(this.dirty);
        // A newer value of a key still waiting in `held` replaces it there too (held is drained later).
        for (const enc of this.dirty.keys()) this.held.delete(enc);
      }
      this.dirty.clear();
    }
    for (const enc of this.cache.keys()) {
      if (this.cache.size <= this.o.cacheEntries) break;
      // Held entries stay reachable through `held`; every other one is in the store.
      this.cache.delete(enc);
    }
  }

  private write(changes: Iterable<[string, [unknown, V] | typeof DELETED]>): void {
    this.db.transactionSync(() => {
      for (const [enc, e] of changes) {
        if (e === DELETED) this.db.removeSync(enc);
        else this.db.putSync(enc, serialize(e));
      }
    });
  }

  /**
   * Drops entries idle for the retention time. A pass over the store starts at most once per tenth of the
   * retention and goes SCAN_SLICE entries per call (calls come with watermarks), resuming after the last key
   * it read, so millions of keys never stall the event loop in one go.
   */
  expireIdle(onDrop?: (k: unknown, v: V) => void): number {
    if (!(this.o.retentionMs > 0) || this.copying) return 0;
    const now = this.o.now();
    if (this.scanFrom === undefined) {
      if (now - this.lastExpiry < this.o.retentionMs / 10) return 0;
      this.lastExpiry = now;
      this.scanFrom = '';
    }
    this.endBatch();
    const cutoff = now - this.o.retentionMs;
    const drop: [unknown, V][] = [];
    let next: string | undefined;
    let seen = 0;
    for (const { key, value } of this.db.getRange(this.scanFrom ? { start: this.scanFrom } : {})) {
      if (seen++ >= SCAN_SLICE) {
        next = key;
        break;
      }
      const e = reviveDecimals(deserialize(value)) as [unknown, V];
      if (this.touchedAt(e[1]) < cutoff) drop.push(e);
    }
    this.scanFrom = next;
    for (const [k, v] of drop) {
      this.delete(k);
      onDrop?.(k, v);
    }
    this.endBatch();
    return drop.length;
  }

  /** Replaces the content with restored entries: a heap checkpoint's Map, or an off-heap snapshot file. */
  load(entries: ReadonlyMap<unknown, V> | OffHeapSnapshotRef | undefined): this {
    this.cache.clear();
    this.dirty.clear();
    this.held.clear();
    void this.db.close();
    if (isOffHeapRef(entries)) {
      checkVersion(entries);
      this.db = this.openFresh(entries.$dirkOffHeapFile);
      return this;
    }
    this.db = this.openFresh();
    if (entries) {
      // A checkpoint of the heap backend (the job switched to rocksdb): its entries move into the store.
      const all = [...entries].map(([k, v]) => [encodeKey(k), [k, v]] as [string, [unknown, V]]);
      this.write(all);
      this.count = this.db.getStats().entryCount;
    }
    return this;
  }

  /** Every entry, decoded (a checkpoint written in one piece, `CheckpointStore.save`: small states and tests). */
  toMap(): Map<unknown, V> {
    this.endBatch();
    const byEnc = new Map<string, [unknown, V]>();
    for (const { key, value } of this.db.getRange()) byEnc.set(key, reviveDecimals(deserialize(value)) as [unknown, V]);
    for (const [enc, e] of this.held) {
      if (e === DELETED) byEnc.delete(enc);
      else byEnc.set(enc, e);
    }
    return new Map([...byEnc.values()]);
  }

  /**
   * Starts a snapshot copy to `file` (call it at the barrier): the batch's changes are written, later ones are
   * held until the copy ends. Resolves when the file is complete.
   */
  startSnapshot(file: string): Promise<void> {
    if (this.copying) throw new Error('internal error: an off-heap snapshot is already running');
    this.endBatch();
    mkdirSync(dirname(file), { recursive: true });
    rmSync(file, { force: true });
    const copy = this.db.backup(file, true);
    const done = copy.finally(() => {
      if (this.copying === done) this.copying = undefined;
      this.drainHeld();
    });
    this.copying = done;
    return done;
  }

  /** Writes the entries held during a copy, in slices so that a large backlog does not stall the event loop. */
  private drainHeld(): void {
    if (this.closed || this.copying || this.held.size === 0) return;
    const slice: [string, [unknown, V] | typeof DELETED][] = [];
    for (const e of this.held) {
      slice.push(e);
      if (slice.length >= 2000) break;
    }
    this.write(slice);
    for (const [enc] of slice) this.held.delete(enc);
    if (this.held.size > 0) setImmediate(() => this.drainHeld());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.copying?.catch(() => undefined);
    await this.db.close();
    rmSync(this.o.dir, { recursive: true, force: true });
  }
}

function checkVersion(ref: OffHeapSnapshotRef): void {
  if (ref.v > OFF_HEAP_SNAPSHOT_VERSION) {
    throw userError(
      `the checkpoint's off-heap state snapshot ${ref.$dirkOffHeapFile} is version ${ref.v}, written by a newer Dirk; this one reads up to version ${OFF_HEAP_SNAPSHOT_VERSION}: run the newer Dirk, or start without the checkpoint`,
    );
  }
}

/** The entries of an off-heap snapshot file (a job that switched back to the heap backend restores from it). */
export function readOffHeapSnapshot(ref: OffHeapSnapshotRef): Map<unknown, unknown> {
  checkVersion(ref);
  const tmp = join(dirname(ref.$dirkOffHeapFile), `.read-${process.pid}-${Date.now()}`);
  // Opened from a copy: LMDB writes a lock file beside what it opens, and the checkpoint folder stays as is.
  mkdirSync(tmp, { recursive: true });
  try {
    copyFileSync(ref.$dirkOffHeapFile, join(tmp, 'state.mdb'));
    const db = openLmdb(join(tmp, 'state.mdb'));
    const m = new Map<unknown, unknown>();
    for (const { value } of db.getRange()) {
      const [k, v] = reviveDecimals(deserialize(value)) as [unknown, unknown];
      m.set(k, v);
    }
    void db.close();
    return m;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
