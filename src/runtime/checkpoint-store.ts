import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { SourcePositions } from '../core/connector.js';

/**
 * Completed checkpoints on local disk: operator state and source positions written together, atomically
 * (write to a temp file, fsync, rename). Structured clone keeps Map, bigint and bytes intact.
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
}

export class CheckpointStore {
  constructor(private readonly dir: string) {}

  private get file(): string {
    return join(this.dir, 'latest.ckpt');
  }

  latest(): Checkpoint | undefined {
    if (!existsSync(this.file)) return undefined;
    return deserialize(readFileSync(this.file)) as Checkpoint;
  }

  save(c: Checkpoint): void {
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, serialize(c));
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }
}
