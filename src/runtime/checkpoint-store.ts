import { createHash, type Hash } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { reviveDecimals } from '../core/decimal.js';
import type { SourcePositions } from '../core/connector.js';
import { captureStates, materializeOffHeap, restoreStreams } from './state/capture.js';
import type { KeyedCapture } from './state/keyed-state.js';

/**
 * Completed checkpoints on local disk: operator state and source positions written together, atomically
 * (write to a temp file, fsync, rename, fsync the folder). Structured clone keeps Map, bigint and bytes intact.
 *
 * Each checkpoint is its own file, `ckpt-<id>.ckpt`, framed as MAGIC, the payload's SHA-256, the payload, so
 * a file that was cut short or damaged is recognised rather than half-read. Only the newest `keep` (2) files
 * are kept: the latest, and the previous one to fall back on when the latest cannot be read. Falling back is
 * safe: the previous checkpoint's state goes with its own source positions (records after them are read
 * again; output may repeat, state counts each record once).
 *
 * Two ways to write one: `save` serialises everything at once (format 1 above), `begin` + `write` keep the
 * event loop free with large state (format 2): `begin`, at the barrier, serialises the checkpoint with every
 * keyed state (runtime/state/keyed-state.ts) replaced by a stub and starts copy-on-write captures of them;
 * `write`, after the barrier, serialises the captured entries in chunks, yielding to the event loop every
 * few milliseconds, and writes them asynchronously. Format 2 is MAGIC2, then frames `[u32 stream][u32
 * length][bytes]` (the head first: stream 0xFFFFFFFF; keyed entries: their stream number), an end frame, and
 * the SHA-256 of everything before it.
 */
export interface Checkpoint {
  readonly id: number;
  readonly takenAt: number;
  /** A fingerprint of the plan; a checkpoint of another query is not restored. */
  readonly planFingerprint: string;
  readonly positions: Readonly<Record<string, SourcePositions>>;
  readonly operatorStates: unknown[];
  readonly watermarks: Readonly<Record<string, number>>;
  /** Per-source watermark trackers (largest event time per split). */
  readonly trackers?: Readonly<Record<string, unknown>>;
  /** Per-table pre-processor state (one entry per transformer: the dedup keys, a SQL transformer's operators). */
  readonly preprocessors?: Readonly<Record<string, readonly unknown[]>>;
  /** Post-processor stage state, one entry per stage of the chain (post transformers' dedup keys, SQL state). */
  readonly postprocessors?: readonly unknown[];
}

/** One line of a checkpoint folder's history.jsonl. */
export interface CheckpointRecord {
  readonly id: number;
  /** Epoch ms when the checkpoint started. */
  readonly takenAt: number;
  readonly durationMs: number;
  readonly bytes: number;
  readonly positions: Readonly<Record<string, SourcePositions>>;
}

const HISTORY_FILE = 'history.jsonl';
const HISTORY_KEPT = 100;

/** The newest `limit` entries of a checkpoint folder's history, newest first; [] when there is none. */
export function readCheckpointHistory(dir: string, limit: number): CheckpointRecord[] {
  let text: string;
  try {
    text = readFileSync(join(dir, HISTORY_FILE), 'utf8');
  } catch {
    return [];
  }
  const out: CheckpointRecord[] = [];
  for (const line of text.split('\n').filter(Boolean).reverse()) {
    if (out.length >= limit) break;
    try {
      out.push(JSON.parse(line) as CheckpointRecord);
    } catch {
      // a line cut by a crash mid-append: skipped
    }
  }
  return out;
}

const MAGIC = Buffer.from('DIRKCKP1');
const MAGIC2 = Buffer.from('DIRKCKP2');
const HEAD_FRAME = 0xffffffff;
const END_FRAME = 0xfffffffe;
/** Entries serialised per chunk, and the time spent serialising before the event loop gets a turn. */
const CHUNK_ENTRIES = 1024;
const SLICE_MS = 10;
/** Bytes gathered before one asynchronous write. */
const WRITE_BYTES = 4 << 20;
const HASH_BYTES = 32;
const FILE = /^ckpt-(\d+)\.ckpt$/;
/** An off-heap state's snapshot (FLINK_STATE_BACKEND_TYPE=rocksdb), recorded in checkpoint <id>'s file; and LMDB's lock file beside it. */
const STATE_FILE = /^ckpt-(\d+)\.s\d+\.mdb(-lock)?$/;
/** The single file of Dirk before numbered checkpoints; still read, never written. */
const LEGACY = 'latest.ckpt';

export interface CheckpointStoreOptions {
  /** Checkpoint files kept on disk (the newest ones); at least 1, default 2. */
  readonly keep?: number;
  /** Told about each file that cannot be read (restore then falls back to an older one). */
  readonly onUnreadable?: (file: string, error: Error) => void;
}

/** A checkpoint captured at the barrier, written by `write()` after it. */
export interface PendingSave {
  readonly id: number;
  /** Serialises the captured state in chunks and writes the file (temp, fsync, rename, fsync of the folder). */
  write(): Promise<void>;
  /** Stops the captures (the checkpoint will not be written). */
  abandon(): void;
}

export class CheckpointStore {
  private readonly keep: number;

  constructor(
    private readonly dir: string,
    private readonly options: CheckpointStoreOptions = {},
  ) {
    this.keep = Math.max(1, options.keep ?? 2);
  }

  /** The newest checkpoint that can be read, or undefined when there is none. */
  latest(): Checkpoint | undefined {
    for (const file of this.files()) {
      try {
        return decode(readFileSync(join(this.dir, file)), this.dir);
      } catch (e) {
        this.options.onUnreadable?.(join(this.dir, file), e as Error);
      }
    }
    if (existsSync(join(this.dir, LEGACY))) {
      try {
        return reviveDecimals(deserialize(readFileSync(join(this.dir, LEGACY)))) as Checkpoint;
      } catch (e) {
        this.options.onUnreadable?.(join(this.dir, LEGACY), e as Error);
      }
    }
    return undefined;
  }

  /**
   * The checkpoint with this id (exactly-once restore: the one whose transaction committed), undefined when
   * no file has it; throws when its file exists but cannot be read.
   */
  get(id: number): Checkpoint | undefined {
    const file = join(this.dir, `ckpt-${id}.ckpt`);
    if (!existsSync(file)) return undefined;
    const c = decode(readFileSync(file), this.dir);
    if (c.id !== id) throw new Error(`${file} holds checkpoint ${c.id}`);
    return c;
  }

  /** Size of a checkpoint's file, with the off-heap snapshot files it names, in bytes; 0 when it is not there. */
  fileBytes(id: number): number {
    try {
      let n = statSync(join(this.dir, `ckpt-${id}.ckpt`)).size;
      for (const f of readdirSync(this.dir)) {
        const m = STATE_FILE.exec(f);
        if (m && !m[2] && Number(m[1]) === id) n += statSync(join(this.dir, f)).size;
      }
      return n;
    } catch {
      return 0;
    }
  }

  /**
   * Appends one completed checkpoint to `history.jsonl` beside the files (what `dirk serve` shows as the
   * job's checkpoint history); the file is cut to its newest HISTORY_KEPT lines when it doubles that.
   */
  record(entry: CheckpointRecord): void {
    const file = join(this.dir, HISTORY_FILE);
    appendFileSync(file, `${JSON.stringify(entry)}\n`);
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    if (lines.length > 2 * HISTORY_KEPT) writeFileSync(file, `${lines.slice(-HISTORY_KEPT).join('\n')}\n`);
  }

  /** The ids of the checkpoint files on disk, newest first. */
  ids(): number[] {
    return this.files().map((f) => Number(FILE.exec(f)![1]));
  }

  /** Writes `c`; `protect` names an older checkpoint that pruning must keep (exactly-once: the committed one). */
  save(c: Checkpoint, protect?: number): void {
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, `ckpt-${c.id}.ckpt`);
    const tmp = `${file}.tmp`;
    // Off-heap state has no file of its own here: its entries are written into this one.
    const payload = serialize({ ...c, operatorStates: materializeOffHeap(c.operatorStates) });
    const fd = openSync(tmp, 'w');
    try {
      for (const part of [MAGIC, createHash('sha256').update(payload).digest(), payload]) {
        let off = 0;
        while (off < part.length) off += writeSync(fd, part, off, part.length - off);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    syncDir(this.dir);
    this.prune(c.id, protect);
  }

  /**
   * Captures `c` at the barrier: its head is serialised now, the keyed states it holds are captured
   * copy-on-write and serialised by `write()` in chunks, while batches go on.
   */
  begin(c: Checkpoint, protect?: number): PendingSave {
    const { head, streams, offHeap } = captureStates(c.operatorStates, (n) => `ckpt-${c.id}.s${n}.mdb`);
    const headBytes = serialize({ ...c, operatorStates: head, keyedStreams: streams.length });
    const abandon = (): void => streams.forEach((s) => s.abandon());
    // Off-heap states are copied (by LMDB, in a background thread) beside the checkpoint file, which names
    // them; the file is renamed into place only after every copy is complete.
    if (offHeap.length > 0) mkdirSync(this.dir, { recursive: true });
    const copies = offHeap.map((o) => o.state.startSnapshot(join(this.dir, o.file)));
    for (const p of copies) p.catch(() => undefined);
    return {
      id: c.id,
      abandon,
      write: async () => {
        try {
          await Promise.all(copies);
          await this.writeFramed(c.id, headBytes, streams, protect);
        } finally {
          abandon();
        }
      },
    };
  }

  private async writeFramed(id: number, head: Buffer, streams: readonly KeyedCapture[], protect?: number): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, `ckpt-${id}.ckpt`);
    const tmp = `${file}.tmp`;
    const fh = await open(tmp, 'w');
    try {
      const out = new FrameWriter(fh);
      await out.add(MAGIC2);
      await out.frame(HEAD_FRAME, head);
      let sliceStart = performance.now();
      for (let i = 0; i < streams.length; i++) {
        for (let chunk = streams[i]!.next(CHUNK_ENTRIES); chunk; chunk = streams[i]!.next(CHUNK_ENTRIES)) {
          await out.frame(i, chunk);
          if (performance.now() - sliceStart > SLICE_MS) {
            await new Promise<void>((r) => setImmediate(r));
            sliceStart = performance.now();
          }
        }
      }
      await out.frame(END_FRAME, Buffer.alloc(0));
      await out.end();
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
    syncDir(this.dir);
    this.prune(id, protect);
  }

  /** Checkpoint files, newest first. */
  private files(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .map((f) => ({ f, m: FILE.exec(f) }))
      .filter((x): x is { f: string; m: RegExpExecArray } => x.m !== null)
      .sort((a, b) => Number(b.m[1]) - Number(a.m[1]))
      .map((x) => x.f);
  }

  /** Keeps the newest `keep` checkpoints (the one just written among them); removes older ones and stray temp files. */
  private prune(savedId: number, protect?: number): void {
    let files = this.files();
    // Ids above the one just written belong to a run this one did not restore (an unreadable latest, or
    // another query's): left, they would outrank the new checkpoints forever.
    for (const f of files) {
      if (Number(FILE.exec(f)![1]) > savedId) rmSync(join(this.dir, f), { force: true });
    }
    files = files.filter((f) => Number(FILE.exec(f)![1]) <= savedId);
    for (const f of files.slice(this.keep)) if (Number(FILE.exec(f)![1]) !== protect) rmSync(join(this.dir, f), { force: true });
    const kept = new Set([...this.files().map((f) => Number(FILE.exec(f)![1])), savedId]);
    for (const f of readdirSync(this.dir)) {
      const state = STATE_FILE.exec(f);
      if (f.endsWith('.tmp') || f === LEGACY || (state && !kept.has(Number(state[1])))) rmSync(join(this.dir, f), { force: true });
    }
  }
}

function decode(buf: Buffer, dir: string): Checkpoint {
  if (buf.length >= MAGIC2.length && buf.subarray(0, MAGIC2.length).equals(MAGIC2)) return decodeFramed(buf, dir);
  if (buf.length < MAGIC.length + HASH_BYTES || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new Error(`not a Dirk checkpoint file or cut short (${buf.length} bytes)`);
  }
  const hash = buf.subarray(MAGIC.length, MAGIC.length + HASH_BYTES);
  const payload = buf.subarray(MAGIC.length + HASH_BYTES);
  if (!createHash('sha256').update(payload).digest().equals(hash)) {
    throw new Error(`checksum mismatch (${buf.length} bytes): the file is truncated or damaged`);
  }
  // v8 keeps a Decimal's fields but not its class: DECIMAL values in state are rebuilt
  const c = reviveDecimals(deserialize(payload)) as Checkpoint;
  if (typeof c !== 'object' || c === null || typeof c.id !== 'number' || !Array.isArray(c.operatorStates)) {
    throw new Error('the file does not hold a checkpoint');
  }
  return c;
}

/** Reads format 2: checks the trailing hash, then puts each keyed stream back where its stub is. */
function decodeFramed(buf: Buffer, dir: string): Checkpoint {
  if (buf.length < MAGIC2.length + 8 + HASH_BYTES) throw new Error(`not a Dirk checkpoint file or cut short (${buf.length} bytes)`);
  const body = buf.subarray(0, buf.length - HASH_BYTES);
  if (!createHash('sha256').update(body).digest().equals(buf.subarray(buf.length - HASH_BYTES))) {
    throw new Error(`checksum mismatch (${buf.length} bytes): the file is truncated or damaged`);
  }
  let head: (Checkpoint & { keyedStreams?: number }) | undefined;
  const streams: Map<unknown, unknown>[] = [];
  for (let off = MAGIC2.length; off < body.length; ) {
    const stream = body.readUInt32LE(off);
    const len = body.readUInt32LE(off + 4);
    const bytes = body.subarray(off + 8, off + 8 + len);
    off += 8 + len;
    if (stream === END_FRAME) break;
    if (stream === HEAD_FRAME) {
      head = deserialize(bytes) as Checkpoint & { keyedStreams?: number };
      continue;
    }
    const map = (streams[stream] ??= new Map());
    const flat = deserialize(bytes) as unknown[];
    for (let i = 0; i < flat.length; i += 2) map.set(flat[i], flat[i + 1]);
  }
  if (typeof head !== 'object' || head === null || typeof head.id !== 'number' || !Array.isArray(head.operatorStates)) {
    throw new Error('the file does not hold a checkpoint');
  }
  for (let i = 0; i < (head.keyedStreams ?? 0); i++) streams[i] ??= new Map();
  const { keyedStreams: _, ...c } = head;
  // v8 keeps a Decimal's fields but not its class: DECIMAL values in state are rebuilt
  return reviveDecimals({ ...c, operatorStates: restoreStreams(c.operatorStates, streams, dir) }) as Checkpoint;
}

/** Frames written through one file handle, gathered into large asynchronous writes, hashed as they go. */
class FrameWriter {
  private readonly hash: Hash = createHash('sha256');
  private parts: Buffer[] = [];
  private bytes = 0;

  constructor(private readonly fh: import('node:fs/promises').FileHandle) {}

  async add(b: Buffer): Promise<void> {
    this.hash.update(b);
    this.parts.push(b);
    this.bytes += b.length;
    if (this.bytes >= WRITE_BYTES) await this.flush();
  }

  async frame(stream: number, bytes: Buffer): Promise<void> {
    const h = Buffer.alloc(8);
    h.writeUInt32LE(stream, 0);
    h.writeUInt32LE(bytes.length, 4);
    await this.add(h);
    await this.add(bytes);
  }

  async end(): Promise<void> {
    const digest = this.hash.digest();
    this.parts.push(digest);
    this.bytes += digest.length;
    await this.flush();
  }

  private async flush(): Promise<void> {
    const buf = Buffer.concat(this.parts);
    this.parts = [];
    this.bytes = 0;
    for (let off = 0; off < buf.length; ) off += (await this.fh.write(buf, off, buf.length - off)).bytesWritten;
  }
}

/** Makes the rename durable (the folder entry), where the platform allows opening a folder. */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Not supported everywhere (e.g. Windows); the file itself is already synced.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
