import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckpointStore, type Checkpoint } from '../../../src/runtime/checkpoint-store.js';
import { KeyedState } from '../../../src/runtime/state/keyed-state.js';
import { OffHeapState, encodeKey, isOffHeapRef } from '../../../src/runtime/state/off-heap.js';
import { Decimal } from '../../../src/core/decimal.js';
import { T, type TableSchema } from '../../../src/core/types.js';
import { explainPhysical } from '../../../src/runtime/physical-plan.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import { planSql } from '../../../src/sql/planner.js';
import { createFunctionCatalog } from '../../../src/udf/registry.js';

interface G {
  n: bigint;
  touchedAt: number;
  d?: Decimal;
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'dirk-offheap-'));
const open: OffHeapState<G>[] = [];
const state = (o: { cacheEntries?: number; retentionMs?: number; now?: () => number } = {}): OffHeapState<G> => {
  const s = new OffHeapState<G>({ dir: join(tmp(), 'op0'), cacheEntries: o.cacheEntries ?? 1000, retentionMs: o.retentionMs ?? 0, now: o.now ?? Date.now });
  open.push(s);
  return s;
};
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const checkpoint = (id: number, groups: unknown): Checkpoint => ({
  id,
  takenAt: 1_700_000_000_000,
  planFingerprint: 'fp',
  positions: { t: { 't:0': String(id) } },
  operatorStates: [{ $kind: 'GroupAggregate', $v: 1, data: { groups } }],
  watermarks: {},
});

describe('OffHeapState (FLINK_STATE_BACKEND_TYPE=rocksdb)', () => {
  it('puts, gets and deletes entries of every key type, counting them', () => {
    const s = state();
    const keys: unknown[] = ['a', 1, '1', null, true, 'x'.repeat(2000)];
    keys.forEach((k, i) => s.set(k, { n: BigInt(i), touchedAt: 0 }));
    s.endBatch();
    expect(s.size).toBe(keys.length);
    keys.forEach((k, i) => expect(s.get(k)?.n).toBe(BigInt(i)));
    expect(encodeKey(1)).not.toBe(encodeKey('1'));
    expect(s.delete('1')).toBe(true);
    expect(s.delete('1')).toBe(false);
    expect(s.delete('missing')).toBe(false);
    s.endBatch();
    expect(s.get('1')).toBeUndefined();
    expect(s.get(1)?.n).toBe(1n);
    expect(s.size).toBe(keys.length - 1);
  });

  it('writes back entries changed in place through forUpdate, also after they left the cache', () => {
    const s = state({ cacheEntries: 10 });
    for (let i = 0; i < 100; i++) s.set(`k${i}`, { n: 0n, touchedAt: 0 });
    s.endBatch();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 100; i++) s.forUpdate(`k${i}`)!.n += BigInt(i);
      s.endBatch();
    }
    for (let i = 0; i < 100; i++) expect(s.get(`k${i}`)!.n).toBe(BigInt(3 * i));
  });

  it('keeps at most cacheEntries entries decoded on the heap: evicted ones are read back from the store', () => {
    const s = state({ cacheEntries: 5 });
    for (let i = 0; i < 50; i++) s.set(i, { n: BigInt(i), touchedAt: 0 });
    s.endBatch();
    const cache = (s as unknown as { cache: Map<string, unknown> }).cache;
    expect(cache.size).toBe(5);
    // The most recently used survive.
    expect([...cache.keys()]).toEqual([45, 46, 47, 48, 49].map(encodeKey));
    expect(s.get(3)!.n).toBe(3n);
    s.endBatch();
    expect(cache.size).toBe(5);
    expect(cache.has(encodeKey(3))).toBe(true);
  });

  it('drops entries idle longer than the retention time', () => {
    let now = 1_000_000;
    const s = state({ retentionMs: 60_000, now: () => now });
    s.set('old', { n: 1n, touchedAt: now });
    now += 50_000;
    s.set('new', { n: 2n, touchedAt: now });
    s.endBatch();
    now += 20_000;
    const dropped: unknown[] = [];
    expect(s.expireIdle((k) => dropped.push(k))).toBe(1);
    expect(dropped).toEqual(['old']);
    expect(s.get('old')).toBeUndefined();
    expect(s.get('new')!.n).toBe(2n);
    expect(s.size).toBe(1);
  });

  it('expires a large store in slices, resuming where the last call stopped', () => {
    let now = 1_000_000;
    const s = state({ retentionMs: 60_000, now: () => now });
    for (let i = 0; i < 50_000; i++) s.set(`k${i}`, { n: 1n, touchedAt: i % 2 === 0 ? now : now + 30_000 });
    s.endBatch();
    now += 70_000;
    const first = s.expireIdle();
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(25_000);
    let total = first;
    for (let calls = 0; calls < 5 && total < 25_000; calls++) total += s.expireIdle();
    expect(total).toBe(25_000);
    expect(s.size).toBe(25_000);
    expect(s.get('k0')).toBeUndefined();
    expect(s.get('k1')!.n).toBe(1n);
  });

  it('checkpoints as a snapshot file holding exactly the state at the barrier, restored into a new store', async () => {
    const d = tmp();
    const store = new CheckpointStore(d);
    const s = state({ cacheEntries: 100 });
    for (let i = 0; i < 1000; i++) s.set(`k${i}`, { n: BigInt(i), touchedAt: 0, d: new Decimal(BigInt(i), 2) });
    s.endBatch();
    const pending = store.begin(checkpoint(1, s));
    // Changes after the barrier are not part of the checkpoint (but are kept by the live state).
    s.forUpdate('k1')!.n = 999n;
    s.set('after', { n: 1n, touchedAt: 0 });
    s.delete('k2');
    s.endBatch();
    await pending.write();
    expect(readdirSync(d).filter((f) => f.endsWith('.mdb'))).toEqual(['ckpt-1.s0.mdb']);
    // The checkpoint's size counts its snapshot file.
    expect(store.fileBytes(1)).toBeGreaterThan(statSync(join(d, 'ckpt-1.s0.mdb')).size);
    expect(s.get('k1')!.n).toBe(999n);
    expect(s.get('k2')).toBeUndefined();
    expect(s.get('after')!.n).toBe(1n);

    const back = store.latest()!;
    const groups = (back.operatorStates[0] as { data: { groups: unknown } }).data.groups;
    expect(isOffHeapRef(groups)).toBe(true);
    const r = state();
    r.load(groups as never);
    expect(r.size).toBe(1000);
    expect(r.get('k1')!.n).toBe(1n);
    expect(r.get('k2')!.n).toBe(2n);
    expect(r.get('after')).toBeUndefined();
    expect(r.get('k7')!.d).toBeInstanceOf(Decimal);
    expect(String(r.get('k7')!.d)).toBe('0.07');

    // The same checkpoint restores into heap state too (a job switched back to hashmap).
    const heap = new KeyedState<G>({ retentionMs: 0, now: Date.now });
    heap.load(groups as never);
    expect(heap.size).toBe(1000);
    expect(heap.get('k2')!.n).toBe(2n);
  });

  it('restores a heap checkpoint into the store, writes a whole checkpoint with save(), and prunes old snapshot files', async () => {
    const d = tmp();
    const store = new CheckpointStore(d);
    const s = state();
    s.load(new Map([['a', { n: 5n, touchedAt: 0 }]]));
    expect(s.size).toBe(1);
    expect(s.get('a')!.n).toBe(5n);
    // save(): the entries go into the one file as a Map.
    store.save(checkpoint(1, s));
    const saved = (store.latest()!.operatorStates[0] as { data: { groups: Map<string, G> } }).data.groups;
    expect(saved).toBeInstanceOf(Map);
    expect(saved.get('a')!.n).toBe(5n);
    for (let id = 2; id <= 5; id++) {
      s.set(`k${id}`, { n: 1n, touchedAt: 0 });
      s.endBatch();
      await store.begin(checkpoint(id, s)).write();
    }
    expect(readdirSync(d).filter((f) => f.includes('.mdb')).sort()).toEqual(['ckpt-4.s0.mdb', 'ckpt-5.s0.mdb']);
  });

  it('refuses a snapshot written by a newer Dirk, naming both versions', () => {
    const s = state();
    expect(() => s.load({ $dirkOffHeapFile: '/nowhere.mdb', v: 2 })).toThrow(/version 2, written by a newer Dirk; this one reads up to version 1/);
  });

  it('removes its working folder when closed', async () => {
    const s = state();
    s.set('a', { n: 1n, touchedAt: 0 });
    s.endBatch();
    expect(existsSync(s.dir)).toBe(true);
    await s.close();
    expect(existsSync(s.dir)).toBe(false);
  });
});

describe('explain with FLINK_STATE_BACKEND_TYPE=rocksdb', () => {
  it('says the non-windowed GROUP BY is off the heap and other state stays on it', () => {
    const table: TableSchema = {
      name: 't',
      columns: [
        { name: 'k', type: T.STRING },
        { name: 'v', type: T.BIGINT },
      ],
      rowtimeIndex: undefined,
    };
    const plan = planSql('SELECT k, n FROM (SELECT k, n, ROW_NUMBER() OVER (PARTITION BY k ORDER BY n DESC) AS r FROM (SELECT k, COUNT(*) AS n FROM t GROUP BY k)) WHERE r = 1', {
      table: (n) => (n === 't' ? table : undefined),
      tableNames: () => ['t'],
      functions: createFunctionCatalog(builtinFunctions),
    });
    const text = explainPhysical(plan, { stateBackend: 'rocksdb' });
    expect(text).toMatch(/GroupAggregate\[1 key\]; state: accumulators by key, idle-state retention; off the heap in LMDB/);
    expect(text).toMatch(/on the heap \(FLINK_STATE_BACKEND_TYPE=rocksdb covers the non-windowed GROUP BY only\)/);
    expect(explainPhysical(plan)).not.toMatch(/LMDB|on the heap/);
  });
});
