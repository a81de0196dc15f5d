import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OffsetCommitter, PartitionOffset, SinkTransactions, SourcePositions } from '../../../src/core/connector.js';
import { createLogger, type Logger } from '../../../src/core/logger.js';
import { CheckpointStore } from '../../../src/runtime/checkpoint-store.js';
import { CheckpointCoordinator, checkpointTag, parseCheckpointTag, type CheckpointCoordinatorOptions } from '../../../src/job/checkpoint-coordinator.js';
import { WatermarkEmitter, WatermarkTracker } from '../../../src/job/watermarks.js';
import { createTelemetry } from '../../../src/telemetry/index.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dirk-coordinator-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let dirs = 0;

/** A source that remembers what it was told: positions move when the test says, commits are recorded. */
class RecordingSource {
  position: Record<string, string> = {};
  committed: SourcePositions[] = [];
  sought: SourcePositions[] = [];
  failCommits = 0;
  positions(): SourcePositions {
    return { ...this.position };
  }
  async commit(p: SourcePositions): Promise<void> {
    if (this.failCommits > 0) {
      this.failCommits--;
      throw new Error('broker unavailable');
    }
    this.committed.push(p);
  }
  seek(p: SourcePositions): void {
    this.sought.push(p);
  }
}

/** Dataflow state: a counter the test moves. */
class CountingDataflow {
  count = 0;
  snapshot(): unknown[] {
    return [{ count: this.count }];
  }
  restore(states: unknown[]): void {
    this.count = (states[0] as { count: number }).count;
  }
}

function setup(over: Partial<CheckpointCoordinatorOptions> & { dir?: string; fingerprint?: string } = {}) {
  const dir = over.dir ?? path.join(root, `c${dirs++}`);
  const source = new RecordingSource();
  const dataflow = new CountingDataflow();
  const emitted: number[] = [];
  const watermarks = new WatermarkEmitter(new WatermarkTracker(0, false, 0), [{ watermark: (w) => void emitted.push(w) }], 0);
  const lines: string[] = [];
  const logger: Logger = createLogger({ level: 'debug', write: (l) => void lines.push(l) });
  const stops: unknown[] = [];
  const flushes: string[] = [];
  const telemetry = createTelemetry({ jobId: 'coordinator' });
  const coordinator = new CheckpointCoordinator({
    store: new CheckpointStore(dir),
    checkpointDir: dir,
    fingerprint: over.fingerprint ?? 'query-a',
    dataflow,
    inputs: [{ table: 'orders', source, watermarks }],
    bounded: false,
    flushOutput: async () => void flushes.push('flush'),
    tolerableFailures: 1,
    metrics: telemetry.checkpointMetrics(),
    logger,
    stopWith: (e) => void stops.push(e),
    ...over,
  });
  return { dir, source, dataflow, watermarks, coordinator, lines, stops, flushes, telemetry };
}

describe('CheckpointCoordinator', () => {
  it('flushes the output, saves state with positions and watermarks, then commits; a restart restores all three', async () => {
    const a = setup();
    a.dataflow.count = 7;
    a.source.position = { 'orders:0': '42' };
    a.watermarks.tracker.observe('orders:0', [[1_000]], 0, 0);
    a.watermarks.emit(0, true);
    await a.coordinator.take();
    expect(a.flushes).toEqual(['flush']);
    expect(a.source.committed).toEqual([{ 'orders:0': '42' }]);
    expect(a.coordinator.lastCompleted).toBe(1);

    const b = setup({ dir: a.dir });
    b.coordinator.restore();
    expect(b.dataflow.count).toBe(7);
    expect(b.source.sought).toEqual([{ 'orders:0': '42' }]);
    expect(b.watermarks.emitted).toBe(999);
    expect(b.coordinator.lastCompleted).toBe(1);
    await b.coordinator.take();
    expect(fs.readdirSync(a.dir).sort()).toContain('ckpt-2.ckpt');
  });

  it('does not restore a checkpoint of another query, but numbers on from it', async () => {
    const a = setup();
    a.dataflow.count = 3;
    await a.coordinator.take();
    const b = setup({ dir: a.dir, fingerprint: 'query-b' });
    b.coordinator.restore();
    expect(b.dataflow.count).toBe(0);
    expect(b.source.sought).toEqual([]);
    expect(b.lines.some((l) => l.includes('checkpoint 1 was taken for a different query'))).toBe(true);
    await b.coordinator.take();
    expect(fs.readdirSync(a.dir)).toContain('ckpt-2.ckpt');
  });

  it('tolerates FLINK_CHECKPOINT_TOLERABLE_FAILURES failed checkpoints in a row, then stops the job', async () => {
    const a = setup();
    a.source.failCommits = 2;
    await expect(a.coordinator.take()).rejects.toThrow('broker unavailable');
    expect(a.stops).toEqual([]);
    await expect(a.coordinator.take()).rejects.toThrow('broker unavailable');
    expect(a.stops).toHaveLength(1);
    expect((a.stops[0] as Error).message).toMatch(/^2 checkpoints in a row failed \(FLINK_CHECKPOINT_TOLERABLE_FAILURES=1\)/);
    // A success resets the count.
    await a.coordinator.take();
    expect(a.source.committed).toHaveLength(1);
    expect(await a.telemetry.metrics()).toMatch(/dirk_checkpoints_total\{[^}]*failed[^}]*\} 2/);
  });

  it('a failed output flush loses rows: it stops the job at once and no later checkpoint completes', async () => {
    let fail = true;
    const a = setup({ flushOutput: async () => (fail ? Promise.reject(new Error('sink write failed')) : undefined) });
    await expect(a.coordinator.take()).rejects.toThrow(/sink write failed; the rows of the failed write are lost/);
    expect(a.stops).toHaveLength(1);
    fail = false;
    await expect(a.coordinator.take()).rejects.toBe(a.coordinator.outputLost);
    expect(a.source.committed).toEqual([]);
    expect(fs.existsSync(a.dir) ? fs.readdirSync(a.dir).filter((f) => f.endsWith('.ckpt')) : []).toEqual([]);
  });

  it('with only bounded inputs restores nothing and writes no checkpoint, but still flushes', async () => {
    const a = setup();
    a.dataflow.count = 5;
    await a.coordinator.take();
    const b = setup({ dir: a.dir, bounded: true });
    b.coordinator.restore();
    expect(b.dataflow.count).toBe(0);
    await b.coordinator.take();
    expect(b.flushes).toEqual(['flush']);
    expect(b.source.committed).toEqual([]);
    expect(fs.readdirSync(a.dir).filter((f) => f.endsWith('.ckpt'))).toEqual(['ckpt-1.ckpt']);
  });

  describe('exactly-once (a transactional sink)', () => {
    /** A consumer group and a transaction coordinator: offsets sent in a transaction apply only when it commits. */
    class FakeKafka implements SinkTransactions {
      group = new Map<string, { offset: string; metadata: string }>();
      pending: { offsets: readonly PartitionOffset[]; metadata: string }[] = [];
      commits = 0;
      failNextCommit = false;
      async sendOffsets(_groupId: string, offsets: readonly PartitionOffset[], metadata: string): Promise<void> {
        this.pending.push({ offsets, metadata });
      }
      async commit(): Promise<void> {
        const pending = this.pending;
        this.pending = [];
        if (this.failNextCommit) {
          this.failNextCommit = false;
          throw new Error('the transaction was aborted');
        }
        for (const { offsets, metadata } of pending) for (const o of offsets) this.group.set(`${o.topic}:${o.partition}`, { offset: o.offset, metadata });
        this.commits++;
      }
    }

    /** The Kafka source's side: offsets go to `via` (the transaction); the group's metadata is read back. */
    class TransactionalSource extends RecordingSource {
      constructor(private readonly kafka: FakeKafka) {
        super();
      }
      override async commit(p: SourcePositions, via?: OffsetCommitter): Promise<void> {
        if (!via) return super.commit(p);
        const offsets = Object.entries(p).map(([split, offset]) => ({ topic: split.split(':')[0]!, partition: Number(split.split(':')[1]), offset }));
        if (offsets.length) await via('g', offsets);
      }
      async committedMetadata(): Promise<readonly string[]> {
        return [...this.kafka.group.values()].map((v) => v.metadata);
      }
    }

    function eos(kafka: FakeKafka, dir?: string, over: Partial<CheckpointCoordinatorOptions> = {}) {
      const source = new TransactionalSource(kafka);
      const a = setup({ transactions: kafka, ...(dir ? { dir } : {}) });
      const coordinator = new CheckpointCoordinator({
        store: new CheckpointStore(a.dir),
        checkpointDir: a.dir,
        fingerprint: 'query-a',
        dataflow: a.dataflow,
        inputs: [{ table: 'orders', source, watermarks: a.watermarks }],
        bounded: false,
        flushOutput: async () => undefined,
        transactions: kafka,
        tolerableFailures: 3,
        metrics: a.telemetry.checkpointMetrics(),
        logger: createLogger({ level: 'debug', write: (l) => void a.lines.push(l) }),
        stopWith: (e) => void a.stops.push(e),
        ...over,
      });
      return { ...a, source, coordinator };
    }

    it('scaled out (stateInKafka): the barrier runs before the flush, and a restart restores no file (state comes from the changelog)', async () => {
      const kafka = new FakeKafka();
      const order: string[] = [];
      const a = eos(kafka, undefined, { stateInKafka: true, barrier: () => void order.push('barrier'), flushOutput: async () => void order.push('flush') });
      a.dataflow.count = 5;
      a.source.position = { 'orders:0': '10' };
      await a.coordinator.take();
      expect(order).toEqual(['barrier', 'flush']);
      expect(kafka.group.get('orders:0')).toEqual({ offset: '10', metadata: checkpointTag(1) });
      const b = eos(kafka, a.dir, { stateInKafka: true });
      await b.coordinator.restoreCommitted();
      expect(b.dataflow.count).toBe(0);
      expect(b.source.sought).toEqual([]);
      // Ids go on from the files there.
      b.source.position = { 'orders:0': '12' };
      await b.coordinator.take();
      expect(kafka.group.get('orders:0')).toEqual({ offset: '12', metadata: checkpointTag(2) });
    });

    it('commits the positions inside the transaction, tagged with the checkpoint id, not through the source', async () => {
      const kafka = new FakeKafka();
      const a = eos(kafka);
      a.source.position = { 'orders:0': '10' };
      await a.coordinator.take();
      expect(a.source.committed).toEqual([]);
      expect(kafka.group.get('orders:0')).toEqual({ offset: '10', metadata: checkpointTag(1) });
      expect(parseCheckpointTag(checkpointTag(1))).toBe(1);
      expect(parseCheckpointTag('some other client')).toBeUndefined();
    });

    it('a crash between writing the file and committing: the restart restores the committed checkpoint, not the newer file', async () => {
      const kafka = new FakeKafka();
      const a = eos(kafka);
      a.dataflow.count = 5;
      a.source.position = { 'orders:0': '10' };
      await a.coordinator.take();
      a.dataflow.count = 9;
      a.source.position = { 'orders:0': '20' };
      kafka.failNextCommit = true;
      await expect(a.coordinator.take()).rejects.toThrow(/transaction was aborted.*job stops/);
      expect(a.stops).toHaveLength(1);
      expect(fs.readdirSync(a.dir).sort()).toEqual(['ckpt-1.ckpt', 'ckpt-2.ckpt']);

      const b = eos(kafka, a.dir);
      await b.coordinator.restoreCommitted();
      expect(b.dataflow.count).toBe(5);
      expect(b.source.sought).toEqual([{ 'orders:0': '10' }]);
      expect(b.lines.join('\n')).toMatch(/checkpoint\(s\) 2 on disk never committed their transaction; restoring 1/);
      // The next checkpoint takes id 2 again, over the file whose transaction never committed.
      b.source.position = { 'orders:0': '12' };
      await b.coordinator.take();
      expect(kafka.group.get('orders:0')).toEqual({ offset: '12', metadata: checkpointTag(2) });
    });

    it('the committed checkpoint file is kept while checkpoints without positions (nothing read yet) pile up', async () => {
      const kafka = new FakeKafka();
      const a = eos(kafka);
      a.source.position = { 'orders:0': '10' };
      await a.coordinator.take();
      a.source.position = {};
      for (let i = 0; i < 3; i++) await a.coordinator.take();
      expect(fs.readdirSync(a.dir).sort()).toEqual(['ckpt-1.ckpt', 'ckpt-3.ckpt', 'ckpt-4.ckpt']);
      const b = eos(kafka, a.dir);
      await b.coordinator.restoreCommitted();
      expect(b.source.sought).toEqual([{ 'orders:0': '10' }]);
    });
  });
});
