import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SourcePositions } from '../../../src/core/connector.js';
import { createLogger, type Logger } from '../../../src/core/logger.js';
import { CheckpointStore } from '../../../src/runtime/checkpoint-store.js';
import { CheckpointCoordinator, type CheckpointCoordinatorOptions } from '../../../src/job/checkpoint-coordinator.js';
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
});
