import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { SourcePositions } from '../core/connector.js';

/**
 * Completed checkpoints on local disk: operator state and source positions written together, atomically
 * (write to a temp file, fsync, rename, fsync the folder). Structured clone keeps Map, bigint and bytes intact.
 *
 * Each checkpoint is its own file, `ckpt-<id>.ckpt`, framed as MAGIC, the payload's SHA-256, the payload, so
 * a file that was cut short or damaged is recognised rather than half-read. Only the newest `keep` (2) files
 * are kept: the latest, and the previous one to fall back on when the latest cannot be read. Falling back is
 * safe: the previous checkpoint's state goes with its own source positions (records after them are read
 * again; output may repeat, state counts each record once).
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
const HASH_BYTES = 32;
const FILE = /^ckpt-(\d+)\.ckpt$/;
/** The single file of Dirk before numbered checkpoints; still read, never written. */
const LEGACY = 'latest.ckpt';

export interface CheckpointStoreOptions {
  /** Checkpoint files kept on disk (the newest ones); at least 1, default 2. */
  readonly keep?: number;
  /** Told about each file that cannot be read (restore then falls back to an older one). */
  readonly onUnreadable?: (file: string, error: Error) => void;
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
        return decode(readFileSync(join(this.dir, file)));
      } catch (e) {
        this.options.onUnreadable?.(join(this.dir, file), e as Error);
      }
    }
    if (existsSync(join(this.dir, LEGACY))) {
      try {
        return deserialize(readFileSync(join(this.dir, LEGACY))) as Checkpoint;
      } catch (e) {
        this.options.onUnreadable?.(join(this.dir, LEGACY), e as Error);
      }
    }
    return undefined;
  }

  /** Writes the checkpoint; returns the file's size in bytes. */
  save(c: Checkpoint): number {
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, `ckpt-${c.id}.ckpt`);
    const tmp = `${file}.tmp`;
    const payload = serialize(c);
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
    this.prune(c.id);
    return MAGIC.length + HASH_BYTES + payload.length;
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
  private prune(savedId: number): void {
    let files = this.files();
    // Ids above the one just written belong to a run this one did not restore (an unreadable latest, or
    // another query's): left, they would outrank the new checkpoints forever.
    for (const f of files) {
      if (Number(FILE.exec(f)![1]) > savedId) rmSync(join(this.dir, f), { force: true });
    }
    files = files.filter((f) => Number(FILE.exec(f)![1]) <= savedId);
    for (const f of files.slice(this.keep)) rmSync(join(this.dir, f), { force: true });
    for (const f of readdirSync(this.dir)) {
      if (f.endsWith('.tmp') || f === LEGACY) rmSync(join(this.dir, f), { force: true });
    }
  }
}

function decode(buf: Buffer): Checkpoint {
  if (buf.length < MAGIC.length + HASH_BYTES || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new Error(`not a Dirk checkpoint file or cut short (${buf.length} bytes)`);
  }
  const hash = buf.subarray(MAGIC.length, MAGIC.length + HASH_BYTES);
  const payload = buf.subarray(MAGIC.length + HASH_BYTES);
  if (!createHash('sha256').update(payload).digest().equals(hash)) {
    throw new Error(`checksum mismatch (${buf.length} bytes): the file is truncated or damaged`);
  }
  const c = deserialize(payload) as Checkpoint;
  if (typeof c !== 'object' || c === null || typeof c.id !== 'number' || !Array.isArray(c.operatorStates)) {
    throw new Error('the file does not hold a checkpoint');
  }
  return c;
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
