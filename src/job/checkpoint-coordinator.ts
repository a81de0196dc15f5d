/**
 * The checkpoint coordinator of a running job: restores the newest usable checkpoint at start, takes
 * checkpoints (flush the output, write operator state + watermarks + source positions to one file, then
 * commit the positions to the sources), counts failed ones against FLINK_CHECKPOINT_TOLERABLE_FAILURES, and
 * stops the job when output was lost. It does not take the delivery lock itself: the caller runs `take()`
 * inside it, which is what makes a checkpoint an aligned barrier (see docs/architecture.md, Guarantees).
 */
import { join } from 'node:path';
import type { Counter, Histogram, Source } from '../core/connector.js';
import { externalError, type DirkError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Checkpoint, CheckpointStore } from '../runtime/checkpoint-store.js';
import type { Dataflow } from '../runtime/dataflow.js';
import type { TrackerSnapshot, WatermarkEmitter } from './watermarks.js';

/** One input as a checkpoint sees it: its source's positions and its watermark state. */
export interface CheckpointedInput {
  readonly table: string;
  readonly source: Pick<Source, 'positions' | 'commit' | 'seek'>;
  readonly watermarks: Pick<WatermarkEmitter, 'snapshot' | 'restore'>;
}

export interface CheckpointMetrics {
  readonly completed: Counter;
  readonly failed: Counter;
  readonly durationSeconds: Histogram;
}

export interface CheckpointCoordinatorOptions {
  readonly store: Pick<CheckpointStore, 'latest' | 'save'>;
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
  /** After the checkpoint file is saved and before positions are committed (scale-out: the changelog topic). */
  readonly beforeCommit?: (() => Promise<void>) | undefined;
  readonly tolerableFailures: number;
  readonly metrics: CheckpointMetrics;
  readonly logger: Logger;
  /** Stops the job from inside with this error (lost output, too many failed checkpoints). */
  readonly stopWith: (e: unknown) => void;
  readonly now?: () => number;
}

export class CheckpointCoordinator {
  private checkpointId = 0;
  private consecutiveFailures = 0;
  private lost: DirkError | undefined;
  /** The newest checkpoint that completed (or was restored); a restart resumes from it. */
  lastCompleted: number | undefined;

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
        { cause: e },
      );
      this.o.stopWith(this.lost);
      throw this.lost;
    }
  }

  /** Takes one checkpoint; call it inside the delivery lock. Rejects when it failed (counted, maybe fatal). */
  async take(): Promise<void> {
    const { o } = this;
    const now = o.now ?? Date.now;
    const started = now();
    if (o.bounded) {
      await this.flushOutput();
      return;
    }
    try {
      await this.flushOutput();
      const c = this.snapshot(started);
      o.store.save(c);
      this.checkpointId = c.id;
      await o.beforeCommit?.();
      // Only a completed checkpoint's positions are committed. A crash between save and commit is
      // harmless: the restart seeks to the saved positions, whatever the group has committed.
      for (const i of o.inputs) await i.source.commit(c.positions[i.table] ?? {});
      this.lastCompleted = c.id;
      this.consecutiveFailures = 0;
      o.metrics.completed.inc();
      o.metrics.durationSeconds.observe((now() - started) / 1000);
      o.logger.debug(`checkpoint ${c.id} complete`);
    } catch (e) {
      this.failed(e);
      throw e;
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
