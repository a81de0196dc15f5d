import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { T } from '../../../src/core/types.js';
import { CheckpointStore, type Checkpoint } from '../../../src/runtime/checkpoint-store.js';
import { IntervalJoinOperator } from '../../../src/runtime/join-operators.js';
import { noHooks, type Output } from '../../../src/runtime/operator.js';
import { EntryCounter, KeyedState } from '../../../src/runtime/state/keyed-state.js';
import { readVersionedState, versionedState } from '../../../src/runtime/state/versioned.js';

interface Counter {
  n: number;
  touchedAt: number;
}

const checkpoint = (operatorStates: unknown[]): Checkpoint => ({ id: 1, takenAt: 0, planFingerprint: 'fp', positions: { t: { 'x:0': '5' } }, operatorStates, watermarks: { t: 9 } });

describe('KeyedState', () => {
  it('drops entries idle for the retention time, scanning at most every tenth of it', () => {
    let now = 0;
    const s = new KeyedState<Counter>({ retentionMs: 1000, now: () => now });
    s.set('a', { n: 1, touchedAt: 0 });
    s.set('b', { n: 1, touchedAt: 0 });
    now = 1001;
    s.forUpdate('b')!.touchedAt = now;
    expect(s.expireIdle()).toBe(1);
    expect([...s.keys()]).toEqual(['b']);
    now = 2050; // b idle for 1049 ms, and the last scan was 1049 ms ago
    expect(s.expireIdle()).toBe(1);
    s.set('c', { n: 1, touchedAt: 0 });
    now = 2100; // 50 ms after the last scan: no scan
    expect(s.expireIdle()).toBe(0);
    expect(s.has('c')).toBe(true);
    expect(new KeyedState<Counter>({ retentionMs: 0, now: () => 1e12 }).set('x', { n: 1, touchedAt: 0 }).expireIdle()).toBe(0);
  });

  it('keeps a running count of the entries of every state sharing a counter', () => {
    let now = 0;
    const counter = new EntryCounter();
    const a = new KeyedState<Counter>({ retentionMs: 1000, now: () => now, counter });
    const b = new KeyedState<Counter>({ retentionMs: 0, now: () => now, counter });
    a.set('x', { n: 1, touchedAt: 0 }).set('y', { n: 1, touchedAt: 0 });
    a.set('x', { n: 2, touchedAt: 0 }); // a replaced entry is not a new one
    b.set('x', { n: 1, touchedAt: 0 });
    expect(counter.entries).toBe(3);
    expect(a.delete('y')).toBe(true);
    expect(a.delete('y')).toBe(false);
    expect(counter.entries).toBe(2);
    now = 2000;
    expect(a.expireIdle()).toBe(1);
    expect(counter.entries).toBe(1);
    b.load(new Map([['p', { n: 1, touchedAt: 0 }], ['q', { n: 1, touchedAt: 0 }]]));
    expect(counter.entries).toBe(2);
    b.clear();
    expect(counter.entries).toBe(0);
  });

  it('a capture writes every entry as it was at the barrier, whatever changes while it is written', async () => {
    const d = mkdtempSync(join(tmpdir(), 'dirk-keyed-'));
    const store = new CheckpointStore(d);
    const s = new KeyedState<Counter>({ retentionMs: 0, now: () => 0 });
    for (let i = 0; i < 10_000; i++) s.set(`k${i}`, { n: i, touchedAt: 0 });
    const pending = store.begin(checkpoint([versionedState({ kind: 'G', version: 1 }, { groups: s, other: [1, 2] })]));
    // After the barrier: changes in place, new keys, deletions, a cleared... all invisible to the checkpoint.
    s.forUpdate('k1')!.n = -1;
    s.set('new', { n: 42, touchedAt: 0 });
    s.delete('k2');
    const writing = pending.write();
    for (let i = 3; i < 10_000; i += 7) s.forUpdate(`k${i}`)!.n += 1_000_000;
    await writing;
    s.forUpdate('k4')!.n = -4; // after the write: not tracked any more
    const restored = store.latest()!;
    const state = readVersionedState({ kind: 'G', version: 1 }, restored.operatorStates[0], 'operator #0') as { groups: Map<string, Counter>; other: number[] };
    expect(state.other).toEqual([1, 2]);
    expect(state.groups).toBeInstanceOf(Map);
    expect(state.groups.size).toBe(10_000);
    for (let i = 0; i < 10_000; i++) expect(state.groups.get(`k${i}`)?.n).toBe(i);
    expect(state.groups.has('new')).toBe(false);
    expect(restored.positions).toEqual({ t: { 'x:0': '5' } });
    expect(s.get('k1')!.n).toBe(-1);
    expect(readdirSync(d)).toEqual(['ckpt-1.ckpt']);
    // A torn format-2 file is recognised (checksum), as format 1 files are.
    const file = join(d, 'ckpt-1.ckpt');
    writeFileSync(file, readFileSync(file).subarray(0, 5000));
    expect(() => new CheckpointStore(d, { onUnreadable: (_f, e) => { throw e; } }).latest()).toThrow(/checksum mismatch|cut short/);
  });
});

describe('versioned operator state', () => {
  const spec = { kind: 'GroupAggregate', version: 1 };

  it('reads the unversioned state of earlier checkpoints as version 1', () => {
    const old = { groups: new Map([['a', 1]]) };
    expect(readVersionedState(spec, old, 'operator #0 (GroupAggregate)')).toBe(old);
    expect(readVersionedState(spec, versionedState(spec, old), 'operator #0')).toBe(old);
  });

  it('fails clearly on another kind, a newer version, or an old version without a migration, and migrates when it can', () => {
    expect(() => readVersionedState(spec, versionedState({ kind: 'Rank', version: 1 }, {}), 'operator #2 (GroupAggregate)')).toThrow(
      'checkpoint state of operator #2 (GroupAggregate) is Rank state, expected GroupAggregate: the query changed since the checkpoint was taken',
    );
    expect(() => readVersionedState(spec, versionedState({ kind: 'GroupAggregate', version: 3 }, {}), 'operator #0')).toThrow(
      /is GroupAggregate version 3, written by a newer Dirk; this one reads up to version 1/,
    );
    const v3 = { kind: 'GroupAggregate', version: 3 };
    expect(() => readVersionedState(v3, versionedState(spec, {}), 'operator #0')).toThrow(/version 1, which this Dirk no longer reads \(it reads version 3\)/);
    const migrating = { ...v3, migrate: (data: unknown, from: number) => ({ from, data }) };
    expect(readVersionedState(migrating, { groups: 1 }, 'operator #0')).toEqual({ from: 1, data: { groups: 1 } });
  });
});

describe('IntervalJoinOperator and idle-state retention', () => {
  const key = { k: 'col', index: 0, type: T.STRING } as const;
  const spec = (joinType: 'INNER' | 'LEFT') => ({
    joinType,
    leftKeys: [key],
    rightKeys: [key],
    leftTime: 1,
    rightTime: 1,
    lower: 0,
    upper: 60_000,
    residual: null,
    leftWidth: 2,
    rightWidth: 2,
  });
  const sink = (): Output & { rows: unknown[][] } => {
    const rows: unknown[][] = [];
    return { rows, data: (b) => void rows.push(...b), watermark() {} };
  };

  it('a LEFT join expires rows in event-time order, not arrival order: an unmatched row is emitted when the watermark passes it', () => {
    const out = sink();
    const op = new IntervalJoinOperator({ ...spec('LEFT'), upper: 1000 }, { out, hooks: noHooks, retentionMs: 0, now: () => 0 });
    // 'late' arrives after 'early' but is 50 s older in event time.
    op.process([['early', 60_000], ['late', 10_000]], undefined, 0);
    op.onWatermark(20_000);
    // 'late' can no longer match (its bound, 11 s, is below the watermark): due now, even behind 'early'.
    expect(out.rows).toEqual([['late', 10_000, null, null]]);
    expect(op.stateSize()).toEqual([1, 0]);
    // The state still restores and expires in order after a checkpoint.
    const again = new IntervalJoinOperator({ ...spec('LEFT'), upper: 1000 }, { out, hooks: noHooks, retentionMs: 0, now: () => 0 });
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
    const op = new IntervalJoinOperator(spec('LEFT'), { out, hooks: noHooks, retentionMs: 60_000, now: () => now });
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
    const op = new IntervalJoinOperator(spec('INNER'), { out: sink(), hooks: noHooks, retentionMs: 0, now: () => now });
    op.process([['a', 1000]], undefined, 0);
    now = 1e9;
    op.onBatchEnd();
    expect(op.stateSize()).toEqual([1, 0]);
  });
});
