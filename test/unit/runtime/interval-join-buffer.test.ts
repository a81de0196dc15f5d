import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { T, type Row } from '../../../src/core/types.js';
import { CheckpointStore, type Checkpoint } from '../../../src/runtime/checkpoint-store.js';
import { IntervalJoinOperator } from '../../../src/runtime/join-operators.js';
import { noHooks, type Output } from '../../../src/runtime/operator.js';
import { readVersionedState, versionedState } from '../../../src/runtime/state/versioned.js';

/**
 * The interval join's buffer layout (issue 16): a key with one row maps to the row itself (or, with idle-state
 * retention, to a small record of it and its touch time), two rows or more to a list, and back; rows and their
 * keys sit in the expiry order without an object per row; an outer side records matched rows in a set. The
 * checkpoint shape stays IntervalJoin v1.
 */
const key = { k: 'col', index: 0, type: T.STRING } as const;
type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';
const spec = (joinType: JoinType, upper = 1000) => ({
  joinType,
  leftKeys: [key],
  rightKeys: [key],
  leftTime: 1,
  rightTime: 1,
  lower: 0,
  upper,
  residual: null,
  leftWidth: 2,
  rightWidth: 2,
});
const sink = (): Output & { rows: Row[] } => {
  const rows: Row[] = [];
  return { rows, data: (b) => void rows.push(...b), watermark() {} };
};
const SPEC = { kind: 'IntervalJoin', version: 1 };

interface Saved {
  left: { row: Row; time: number; key: unknown; matched: boolean }[];
  right: { row: Row; time: number; key: unknown; matched: boolean }[];
  watermark: number;
}

describe('IntervalJoinOperator buffer layout', () => {
  for (const retentionMs of [0, 60_000]) {
    it(`a key's single row turns into a list and back as rows come and expire (retention ${retentionMs})`, () => {
      const out = sink();
      const op = new IntervalJoinOperator(spec('INNER'), { out, hooks: noHooks, retentionMs, now: () => 0 });
      op.process([['a', 1000]], undefined, 0);
      op.process([['a', 1500]], undefined, 0); // 'a' now has two rows
      op.process([['a', 2000]], undefined, 0); // and three
      op.process([['b', 1200]], undefined, 0);
      op.process([['a', 2000]], undefined, 1); // joins all three 'a' rows, in arrival order
      expect(out.rows).toEqual([
        ['a', 1000, 'a', 2000],
        ['a', 1500, 'a', 2000],
        ['a', 2000, 'a', 2000],
      ]);
      op.onWatermark(2001); // the left row at 1000 expires (1000 + 1000 < 2001): 'a' holds two; the right row goes
      expect(op.stateSize()).toEqual([3, 0]);
      op.onWatermark(2600); // 1500 and 1200 go: 'a' is down to one row, 'b' gone
      expect(op.stateSize()).toEqual([1, 0]);
      out.rows.length = 0;
      op.process([['a', 2800], ['b', 2800]], undefined, 1);
      expect(out.rows).toEqual([['a', 2000, 'a', 2800]]);
      op.process([['a', 2900]], undefined, 0); // one row again becomes a list
      op.process([['a', 2950]], undefined, 1);
      expect(out.rows).toEqual([
        ['a', 2000, 'a', 2800],
        ['a', 2000, 'a', 2950],
        ['a', 2900, 'a', 2950],
      ]);
      op.onWatermark(10_000);
      expect(op.stateSize()).toEqual([0, 0]);
      expect(op.snapshot()).toEqual({ left: [], right: [], watermark: 10_000 });
    });
  }

  it('expires stragglers and in-order rows together in event-time order, also after a restore', () => {
    const out = sink();
    const op = new IntervalJoinOperator(spec('LEFT', 0), { out, hooks: noHooks, retentionMs: 0, now: () => 0 });
    // In order 10, 50, 90; stragglers 30, 20, 70, 40 behind them (several in one key).
    op.process([['k', 10], ['k', 50], ['x', 90], ['k', 30], ['y', 20], ['k', 70], ['y', 40]], undefined, 0);
    const order = (rows: Row[]) => rows.map((r) => r[1]);
    op.onWatermark(35);
    expect(order(out.rows)).toEqual([10, 20, 30]);
    const again = new IntervalJoinOperator(spec('LEFT', 0), { out, hooks: noHooks, retentionMs: 0, now: () => 0 });
    again.restore(structuredClone(op.snapshot()));
    again.process([['z', 45], ['k', 60]], undefined, 0);
    again.onWatermark(65);
    expect(order(out.rows)).toEqual([10, 20, 30, 40, 45, 50, 60]);
    again.onWatermark(1000);
    expect(order(out.rows)).toEqual([10, 20, 30, 40, 45, 50, 60, 70, 90]);
    expect(out.rows.every((r) => r[2] === null && r[3] === null)).toBe(true);
  });

  it('an outer side pads only rows that never matched, one buffered row at a time even for the same row object', () => {
    const out = sink();
    const op = new IntervalJoinOperator(spec('FULL'), { out, hooks: noHooks, retentionMs: 0, now: () => 0 });
    const a: Row = ['a', 1000];
    op.process([a], undefined, 0);
    op.process([['a', 1100], ['c', 1100]], undefined, 1); // a matches; c does not
    // The right row expires (1100 - 0 < 1150) before the left one (1000 + 1000 >= 1150) ...
    op.onWatermark(1150);
    expect(out.rows).toEqual([
      ['a', 1000, 'a', 1100],
      [null, null, 'c', 1100],
    ]);
    // ... so the same row object arriving again finds nothing to join: it must still be padded on its own.
    op.process([a, [null, 1200]], undefined, 0);
    op.onWatermark(5000);
    expect(out.rows.slice(2)).toEqual([
      ['a', 1000, null, null],
      [null, 1200, null, null],
    ]);
  });

  it('idle-state retention drops single-row and list keys alike and leaves the expiry order consistent', () => {
    let now = 1_700_000_000_000; // an epoch clock: touch times are kept relative to it
    const out = sink();
    const op = new IntervalJoinOperator(spec('LEFT'), { out, hooks: noHooks, retentionMs: 60_000, now: () => now });
    op.process([['one', 1000], ['two', 1000], ['two', 1001], ['kept', 900]], undefined, 0);
    now += 50_000;
    op.process([['kept', 1500]], undefined, 1); // a probe touches 'kept'
    now += 20_000;
    op.onBatchEnd();
    expect(op.stateSize()).toEqual([1, 1]);
    expect(out.rows).toEqual([
      ['kept', 900, 'kept', 1500],
      ['one', 1000, null, null],
      ['two', 1000, null, null],
      ['two', 1001, null, null],
    ]);
    op.onWatermark(5000); // the rest expires by event time; 'kept' matched, so nothing more is emitted
    expect(op.stateSize()).toEqual([0, 0]);
    expect(out.rows).toHaveLength(4);
  });

  it('checkpoints keep the v1 shape and restore from it', () => {
    const out = sink();
    const op = new IntervalJoinOperator(spec('LEFT'), { out, hooks: noHooks, retentionMs: 0, now: () => 0 });
    op.process([['a', 1000], ['a', 1200], [null, 1100]], undefined, 0);
    op.process([['a', 1900]], undefined, 1);
    const saved = op.snapshot() as Saved;
    expect(saved.left.map(({ row, time, key: k, matched }) => [row, time, typeof k === 'object' ? 'NULL' : k, matched])).toEqual([
      [['a', 1000], 1000, 'a', true],
      [['a', 1200], 1200, 'a', true],
      [[null, 1100], 1100, 'NULL', false],
    ]);
    expect(saved.right).toEqual([{ row: ['a', 1900], time: 1900, key: 'a', matched: false }]);
    // A v1 state as the previous layout wrote it (one Buffered object per row) restores.
    const v1: Saved = {
      left: [
        { row: ['a', 1000], time: 1000, key: 'a', matched: true },
        { row: ['b', 1100], time: 1100, key: 'b', matched: false },
      ],
      right: [],
      watermark: 500,
    };
    const again = new IntervalJoinOperator(spec('LEFT'), { out: sink(), hooks: noHooks, retentionMs: 0, now: () => 0 });
    again.restore(structuredClone(v1));
    expect(again.snapshot()).toEqual(v1);
  });

  it('a checkpoint holds the buffers as they were at the barrier, whatever the rows after it change', async () => {
    const store = new CheckpointStore(mkdtempSync(join(tmpdir(), 'dirk-ijoin-')));
    const op = new IntervalJoinOperator(spec('LEFT'), { out: sink(), hooks: noHooks, retentionMs: 60_000, now: () => 0 });
    op.process([['a', 1000], ['b', 1000]], undefined, 0);
    const c: Checkpoint = { id: 1, takenAt: 0, planFingerprint: 'fp', positions: {}, operatorStates: [versionedState(SPEC, op.snapshot())], watermarks: {} };
    const pending = store.begin(c);
    // After the barrier: 'a' gains a row (its single row turns into a list) and is matched, 'b' expires.
    op.process([['a', 1100]], undefined, 0);
    op.process([['a', 1500]], undefined, 1);
    op.onWatermark(2050);
    await pending.write();
    const state = readVersionedState(SPEC, store.latest()!.operatorStates[0], 'operator #0') as Saved;
    expect(state.left).toEqual([
      { row: ['a', 1000], time: 1000, key: 'a', matched: false },
      { row: ['b', 1000], time: 1000, key: 'b', matched: false },
    ]);
    expect(state.right).toEqual([]);
    expect(state.watermark).toBe(-Infinity);
  });
});

describe('IntervalJoinOperator and idle-state retention', () => {
  it('a LEFT join expires rows in event-time order, not arrival order: an unmatched row is emitted when the watermark passes it', () => {
    const out = sink();
    const op = new IntervalJoinOperator(spec('LEFT'), { out, hooks: noHooks, retentionMs: 0, now: () => 0 });
    // 'late' arrives after 'early' but is 50 s older in event time.
    op.process([['early', 60_000], ['late', 10_000]], undefined, 0);
    op.onWatermark(20_000);
    // 'late' can no longer match (its bound, 11 s, is below the watermark): due now, even behind 'early'.
    expect(out.rows).toEqual([['late', 10_000, null, null]]);
    expect(op.stateSize()).toEqual([1, 0]);
    // The state still restores and expires in order after a checkpoint.
    const again = new IntervalJoinOperator(spec('LEFT'), { out, hooks: noHooks, retentionMs: 0, now: () => 0 });
    again.restore(structuredClone(op.snapshot()));
    again.process([['mid', 30_000]], undefined, 0);
    again.onWatermark(40_000);
    expect(out.rows).toEqual([['late', 10_000, null, null], ['mid', 30_000, null, null]]);
    again.onWatermark(70_000);
    expect(out.rows.map((r) => r[0])).toEqual(['late', 'mid', 'early']);
  });

  it('drops keys no row touched for FLINK_RETENTION_IDLE_STATE_MINUTE even when the watermark stands still', () => {
    let now = 0;
    const out = sink();
    const op = new IntervalJoinOperator(spec('LEFT', 60_000), { out, hooks: noHooks, retentionMs: 60_000, now: () => now });
    // The right side never sends anything: its watermark never moves, so event time alone would keep every row.
    op.process([['a', 1000], ['b', 1000]], undefined, 0);
    now = 30_000;
    op.process([['b', 2000]], undefined, 0);
    op.onBatchEnd();
    expect(op.stateSize()).toEqual([3, 0]);
    now = 61_000;
    op.onBatchEnd();
    // 'a' was idle for 61 s: dropped, and as a LEFT join's unmatched row emitted NULL-padded; 'b' stays.
    expect(op.stateSize()).toEqual([2, 0]);
    expect(out.rows).toEqual([['a', 1000, null, null]]);
    op.process([['a', 1500]], undefined, 1);
    op.process([['b', 1500]], undefined, 1);
    expect(out.rows).toEqual([['a', 1000, null, null], ['b', 1000, 'b', 1500]]);
    now = 200_000;
    op.onBatchEnd();
    expect(op.stateSize()).toEqual([0, 0]);
    // A snapshot after the drops holds only live rows.
    expect(op.snapshot()).toEqual({ left: [], right: [], watermark: -Infinity });
  });

  it('keeps everything with retention 0', () => {
    let now = 0;
    const op = new IntervalJoinOperator(spec('INNER', 60_000), { out: sink(), hooks: noHooks, retentionMs: 0, now: () => now });
    op.process([['a', 1000]], undefined, 0);
    now = 1e9;
    op.onBatchEnd();
    expect(op.stateSize()).toEqual([1, 0]);
  });

  it("idle-state retention drops a key with rows on both sides: the left side's unjoined rows come out first", () => {
    let now = 0;
    const out = sink();
    const op = new IntervalJoinOperator(spec('FULL', 10), { out, hooks: noHooks, retentionMs: 60_000, now: () => now });
    op.process([['a', 1000], ['b', 1000]], undefined, 1);
    op.process([['a', 5000], ['b', 5000]], undefined, 0); // too far apart to join
    now = 61_000;
    op.onBatchEnd();
    expect(op.stateSize()).toEqual([0, 0]);
    expect(out.rows).toEqual([
      ['a', 5000, null, null],
      ['b', 5000, null, null],
      [null, null, 'a', 1000],
      [null, null, 'b', 1000],
    ]);
  });
});
