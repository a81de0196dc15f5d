import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointStore, type Checkpoint } from '../../../src/runtime/checkpoint-store.js';
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
