/**
 * The checkpoint coordinator of a running job: restores the newest usable checkpoint at start, takes
 * checkpoints (flush the output, write operator state + watermarks + source positions to one file, then
 * commit the positions to the sources), counts failed ones against FLINK_CHECKPOINT_TOLERABLE_FAILURES, and
 * stops the job when output was lost. It does not take the delivery lock itself: the caller runs `take()`
 * inside it, which is what makes a checkpoint an aligned barrier (see docs/architecture.md, Guarantees).
 *
 * Exactly-once (a transactional sink): the positions do not go to the consumer groups directly but into the
 * sink's open transaction (sendOffsets, each tagged `dirk-checkpoint:<id>`), which then commits: output and
 * offsets become visible together, once. The file is written before the commit, so after a crash the newest
 * file may be one whose transaction never committed; restore reads the tag back from the groups' committed
 * offsets and restores exactly that checkpoint (the store keeps it: the latest and the previous file).
 *
 * With large state the caller splits it: `begin()` inside the lock (flush, capture: keyed state is captured
 * copy-on-write, the rest serialised), then `complete()` of what it returned outside the lock (the state
 * serialised and written in chunks between batches, then the positions committed), so the event loop never
 * stalls for the whole state. Under exactly-once the whole checkpoint completes inside `begin()`: the
 * transaction must commit before any later output enters it.
 */
import { join } from 'node:path';
import type { Counter, Histogram, SinkTransactions, Source } from '../core/connector.js';
import { DirkError, externalError, mayRetry } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Checkpoint, CheckpointStore, PendingSave } from '../runtime/checkpoint-store.js';
import type { Dataflow } from '../runtime/dataflow.js';
import type { TrackerSnapshot, WatermarkEmitter } from './watermarks.js';

/** One input as a checkpoint sees it: its source's positions and its watermark state. */
export interface CheckpointedInput {
  readonly table: string;
  readonly source: Pick<Source, 'positions' | 'commit' | 'seek' | 'committedMetadata'>;
  readonly watermarks: Pick<WatermarkEmitter, 'snapshot' | 'restore'>;
}

export interface CheckpointMetrics {
  readonly completed: Counter;
  readonly failed: Counter;
  readonly durationSeconds: Histogram;
}

export interface CheckpointCoordinatorOptions {
  /** With `begin`, state is written after the barrier in chunks; without, `save` writes it at the barrier. */
  readonly store: Pick<CheckpointStore, 'latest' | 'save'> & Partial<Pick<CheckpointStore, 'get' | 'ids' | 'begin'>>;
  /**
   * Exactly-once: the sink's transactions. Positions go into the open transaction and each checkpoint
   * commits it; restore picks the checkpoint whose transaction committed.
   */
  readonly transactions?: SinkTransactions | undefined;
  /** Told about every completed checkpoint (history, checkpoint and state size metrics). */
  readonly observe?: ((done: { readonly checkpoint: Checkpoint; readonly durationMs: number }) => void) | undefined;
  /** Named in the "taken for a different query" warning. */
  readonly checkpointDir: string;
  /** Identifies the query; a checkpoint of another query is not restored. */
  readonly fingerprint: string;
  readonly dataflow: Pick<Dataflow, 'snapshot' | 'restore'>;
  readonly inputs: readonly CheckpointedInput[];
  /**
   * Every input is bounded: the job re-reads them from the start on every run, so nothing is restored or
   * saved; a "checkpoint" only flushes the output.
   */
  readonly bounded: boolean;
  /** Writes everything buffered (the sink, then the late-record topic); rejects when a write failed. */
  readonly flushOutput: () => Promise<void>;
  /**
   * Waits for rows still between the dataflow and the sink (the post-processor chain's lookups) before the
   * output is flushed; its failure stops the job as it is (not as lost output).
   */
  readonly drain?: (() => Promise<void>) | undefined;
  /** State kept outside the dataflow: pre-processor (per table) and post-processor stages. */
  readonly stageState?: {
    snapshot(): Pick<Checkpoint, 'preprocessors' | 'postprocessors'>;
    restore(c: Checkpoint): void;
  };
  /** At the barrier, before the output is flushed (exactly-once scale-out: held output enters the transaction). */
  readonly barrier?: (() => void) | undefined;
  /**
   * Exactly-once scaled out: the committed state lives in Kafka (the changelog topic and the groups'
   * offsets, committed by one transaction per task), so no checkpoint file is restored.
   */
  readonly stateInKafka?: boolean | undefined;
  /** After the checkpoint file is saved and before positions are committed (scale-out: the changelog topic). */
  readonly beforeCommit?: ((c: Checkpoint) => Promise<void>) | undefined;
  readonly tolerableFailures: number;
  readonly metrics: CheckpointMetrics;
  readonly logger: Logger;
  /** Stops the job from inside with this error (lost output, too many failed checkpoints). */
  readonly stopWith: (e: unknown) => void;
  readonly now?: () => number;
}

/**
 * A checkpoint captured at the barrier; `complete()` writes it and commits its positions. It must be called
 * (the next `begin` waits for it: one capture and one write at a time).
 */
export interface BegunCheckpoint {
  complete(): Promise<void>;
}

export class CheckpointCoordinator {
  private checkpointId = 0;
  /** Settles when the checkpoint begun last has completed or failed. */
  private writing: Promise<void> | undefined;
  private consecutiveFailures = 0;
  private lost: DirkError | undefined;
  /** The newest checkpoint that completed (or was restored); a restart resumes from it. */
  lastCompleted: number | undefined;
  /** Exactly-once: the newest checkpoint whose tag a transaction committed; its file is never pruned. */
  private lastTagged: number | undefined;

  constructor(private readonly o: CheckpointCoordinatorOptions) {}

  /** Set once an output write failed: no later checkpoint can complete. */
  get outputLost(): DirkError | undefined {
    return this.lost;
  }

  /**
   * Puts the newest checkpoint of this query back: operator state, watermarks and source positions, all
   * from the same checkpoint and all before the first fetch (sources apply positions on assignment).
   */
  restore(): void {
    const { o } = this;
    if (o.bounded) return;
    const restored = o.store.latest();
    if (!restored) return;
    // Ids go on from the newest checkpoint found, so a new one always outranks the files already there.
    this.checkpointId = restored.id;
    this.apply(restored);
  }

  /**
   * Exactly-once restore: the checkpoint whose transaction committed, named by the tag the consumer groups
   * hold with their committed offsets. Newer files (written, then the process died before the commit) are
   * passed over; their output was aborted, and the next checkpoint overwrites them. Without a tag (nothing
   * committed yet, or a job that ran at-least-once before) this is `restore()`.
   */
  async restoreCommitted(): Promise<void> {
    const { o } = this;
    if (o.bounded || !o.transactions) return this.restore();
    if (o.stateInKafka) {
      // Ids go on from the files there (the next checkpoint outranks them).
      this.checkpointId = Math.max(0, ...(o.store.ids?.() ?? [o.store.latest()?.id ?? 0]));
      o.logger.info('exactly-once scaled out: state is restored from the changelog topic and the committed offsets');
      return;
    }
    const tags = (await Promise.all(o.inputs.map((i) => i.source.committedMetadata?.() ?? Promise.resolve([])))).flat();
    const ids = tags.map(parseCheckpointTag).filter((id): id is number => id !== undefined);
    if (ids.length === 0) return this.restore();
    const committed = Math.max(...ids);
    const onDisk = o.store.ids?.() ?? [];
    let restored: Checkpoint | undefined;
    try {
      restored = o.store.get ? o.store.get(committed) : undefined;
    } catch (e) {
      throw externalError(
        `checkpoint ${committed}, the last one committed to Kafka, cannot be read from ${o.checkpointDir} (${(e as Error).message}); its state is needed for exactly-once output. ` +
          `Delete the folder to start without state from the committed offsets (windows open at the crash then miss their earlier records)`,
        { cause: e },
      );
    }
    // The next checkpoint is committed + 1: it replaces an uncommitted file of that id (and prunes newer ones).
    this.checkpointId = committed;
    if (!restored) {
      o.logger.warn(`checkpoint ${committed}, the last one committed to Kafka, is not in ${join(o.checkpointDir, '')}; starting without state from the committed offsets`);
      return;
    }
    this.lastTagged = committed;
    const discarded = onDisk.filter((id) => id > committed);
    if (discarded.length > 0) o.logger.info(`checkpoint(s) ${discarded.join(', ')} on disk never committed their transaction; restoring ${committed}, the last committed one`);
    this.apply(restored);
  }

  private apply(restored: Checkpoint): void {
    const { o } = this;
    if (restored.planFingerprint !== o.fingerprint) {
      o.logger.warn(`checkpoint ${restored.id} was taken for a different query; starting without restoring state (delete ${join(o.checkpointDir, '')} to silence this)`);
      return;
    }
    o.dataflow.restore(restored.operatorStates);
    o.stageState?.restore(restored);
    for (const input of o.inputs) {
      const pos = restored.positions[input.table];
      if (pos && input.source.seek) input.source.seek(pos);
      input.watermarks.restore(restored.watermarks[input.table], restored.trackers?.[input.table] as TrackerSnapshot | undefined);
    }
    this.lastCompleted = restored.id;
    o.logger.info(`restored checkpoint ${restored.id} taken at ${new Date(restored.takenAt).toISOString()}`);
  }

  /**
   * Flushes the output. A failed sink (or late-record topic) write has lost its rows: the sink buffers
   * nothing for a retry, so no later checkpoint may commit offsets past them; the job stops and a restart
   * replays them.
   */
  async flushOutput(): Promise<void> {
    if (this.lost) throw this.lost;
    await this.o.drain?.();
    try {
      await this.o.flushOutput();
    } catch (e) {
      this.lost ??= externalError(
        `${(e as Error).message}; the rows of the failed write are lost, so no later checkpoint can complete: the job stops and a restart ` +
          `resumes from ${this.lastCompleted === undefined ? 'the committed Kafka offsets' : `checkpoint ${this.lastCompleted}`}`,
        // Whether a restart can help is the failed write's own verdict (a refused row is refused again).
        { cause: e, retriable: mayRetry(e) },
      );
      this.o.stopWith(this.lost);
      throw this.lost;
    }
  }

  /** Takes one checkpoint; call it inside the delivery lock. Rejects when it failed (counted, maybe fatal). */
  async take(): Promise<void> {
    await (await this.begin()).complete();
  }

  /**
   * The barrier half of a checkpoint (call it inside the delivery lock): waits for the previous one's write,
   * flushes the output and captures the state. Rejects when that failed (counted, maybe fatal).
   */
  async begin(): Promise<BegunCheckpoint> {
    const { o } = this;
    const now = o.now ?? Date.now;
    const started = now();
    if (o.bounded) {
      o.barrier?.();
      await this.flushOutput();
      if (o.transactions) await this.commitTransaction(undefined, o.transactions);
      return { complete: async () => undefined };
    }
    let pending: PendingSave | undefined;
    let c: Checkpoint;
    try {
      // One capture at a time: a KeyedState tracks one capture, and the files must be written in id order.
      await this.writing;
      o.barrier?.();
      await this.flushOutput();
      c = this.snapshot(started);
      this.checkpointId = c.id;
      if (o.store.begin) pending = o.store.begin(c, this.lastTagged);
      else o.store.save(c, this.lastTagged);
    } catch (e) {
      this.failed(e);
      throw e;
    }
    const complete = async (): Promise<void> => {
      try {
        await pending?.write();
        await o.beforeCommit?.(c);
        if (o.transactions) {
          await this.commitTransaction(c, o.transactions);
        } else {
          // Only a completed checkpoint's positions are committed. A crash between save and commit is
          // harmless: the restart seeks to the saved positions, whatever the group has committed.
          for (const i of o.inputs) await i.source.commit(c.positions[i.table] ?? {});
        }
        this.lastCompleted = c.id;
        this.consecutiveFailures = 0;
        o.metrics.completed.inc();
        const durationMs = now() - started;
        o.metrics.durationSeconds.observe(durationMs / 1000);
        try {
          o.observe?.({ checkpoint: c, durationMs });
        } catch (e) {
          o.logger.warn(`checkpoint ${c.id} complete, but recording its history and size failed: ${(e as Error).message}`);
        }
        o.logger.debug(`checkpoint ${c.id} complete`);
      } catch (e) {
        this.failed(e);
        throw e;
      }
    };
    let run: Promise<void> | undefined;
    let settled!: () => void;
    this.writing = new Promise<void>((r) => (settled = r));
    const begun: BegunCheckpoint = {
      complete: () => (run ??= complete().finally(settled)),
    };
    // Exactly-once: the transaction must commit before any later output enters it, so the checkpoint
    // completes here, inside the lock (the file is still written in chunks that yield to the event loop).
    if (o.transactions) await begun.complete();
    return begun;
  }

  /**
   * Puts the checkpoint's positions into the open transaction and commits it. A failure here has lost the
   * transaction's output (it is aborted), which no later checkpoint can make up for: the job stops, and the
   * restart restores the last committed checkpoint.
   */
  private async commitTransaction(c: Checkpoint | undefined, tx: SinkTransactions): Promise<void> {
    const { o } = this;
    try {
      let tagged = false;
      if (c) {
        const tag = checkpointTag(c.id);
        for (const i of o.inputs) {
          await i.source.commit(c.positions[i.table] ?? {}, (groupId, offsets) => {
            tagged = true;
            return tx.sendOffsets(groupId, offsets, tag);
          });
        }
      }
      await tx.commit();
      // A checkpoint without positions (nothing read yet) commits no tag: restore still finds the older one.
      if (c && tagged) this.lastTagged = c.id;
    } catch (e) {
      this.lost ??= externalError(
        `${(e as Error).message}; the transaction's output is aborted, so the job stops and a restart resumes from ` +
          `${this.lastCompleted === undefined ? 'the committed Kafka offsets' : `checkpoint ${this.lastCompleted}`}, the last committed one`,
        // A fenced producer (a second instance of the job) is not restarted into a fight over the transactional id.
        { cause: e, retriable: mayRetry(e) },
      );
      o.stopWith(this.lost);
      throw this.lost;
    }
  }

  private snapshot(takenAt: number): Checkpoint {
    const { o } = this;
    const watermarks = o.inputs.map((i) => [i.table, i.watermarks.snapshot()] as const);
    return {
      id: this.checkpointId + 1,
      takenAt,
      planFingerprint: o.fingerprint,
      positions: Object.fromEntries(o.inputs.map((i) => [i.table, i.source.positions()])),
      operatorStates: o.dataflow.snapshot(),
      ...o.stageState?.snapshot(),
      watermarks: Object.fromEntries(watermarks.map(([t, w]) => [t, w.emitted])),
      trackers: Object.fromEntries(watermarks.map(([t, w]) => [t, w.tracker])),
    };
  }

  /** Counts a failed checkpoint; past the tolerance (and unless output was lost, already fatal) stops the job. */
  private failed(e: unknown): void {
    const { o } = this;
    o.metrics.failed.inc();
    this.consecutiveFailures++;
    const message = (e as Error).message;
    o.logger.warn(`checkpoint failed (${this.consecutiveFailures} in a row, ${o.tolerableFailures} tolerated): ${message}`);
    if (this.lost || this.consecutiveFailures <= o.tolerableFailures) return;
    o.stopWith(
      externalError(
        `${this.consecutiveFailures} checkpoints in a row failed (FLINK_CHECKPOINT_TOLERABLE_FAILURES=${o.tolerableFailures}), the last with: ${message}; ` +
          `offsets were not committed past ${this.lastCompleted === undefined ? "the group's committed offsets" : `checkpoint ${this.lastCompleted}`}, where a restart resumes`,
        { cause: e },
      ),
    );
  }
}

const TAG = 'dirk-checkpoint:';

/** The metadata committed with every offset of checkpoint `id`'s transaction. */
export function checkpointTag(id: number): string {
  return `${TAG}${id}`;
}

export function parseCheckpointTag(metadata: string): number | undefined {
  if (!metadata.startsWith(TAG)) return undefined;
  const id = Number(metadata.slice(TAG.length));
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}
