import { mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { CheckpointStore, type Checkpoint } from '../../../src/runtime/checkpoint-store.js';
import { Decimal } from '../../../src/core/decimal.js';

const checkpoint = (id: number): Checkpoint => ({
  id,
  takenAt: 1_700_000_000_000 + id,
  planFingerprint: 'fp',
  positions: { t: { 'topic:0': String(id * 10), 'topic:1': String(id * 10 + 1) } },
  operatorStates: [new Map([['k', { n: BigInt(id), bytes: new Uint8Array([id]) }]]), null],
  watermarks: { t: id * 1000 },
});

const dir = (): string => mkdtempSync(join(tmpdir(), 'dirk-ckpt-'));
const files = (d: string): string[] => readdirSync(d).sort();

describe('CheckpointStore', () => {
  it('gives DECIMAL values in state back as Decimal instances (exact sums, MIN/MAX values)', () => {
    const d = dir();
    const store = new CheckpointStore(d);
    const c: Checkpoint = { ...checkpoint(1), operatorStates: [new Map([['k', { s: 150n, v: new Decimal(150n, 2), xs: [new Decimal(-5n, 1)] }]])] };
    store.save(c);
    const back = store.latest()!;
    const acc = (back.operatorStates[0] as Map<string, { v: Decimal; xs: Decimal[] }>).get('k')!;
    expect(acc.v).toBeInstanceOf(Decimal);
    expect(String(acc.v)).toBe('1.50');
    expect(String(acc.xs[0])).toBe('-0.5');
  });

  it('returns undefined for an empty or missing folder', () => {
    expect(new CheckpointStore(join(dir(), 'none')).latest()).toBeUndefined();
  });

  it('round-trips Map, bigint and bytes, and keeps only the latest and the previous file', () => {
    const d = dir();
    const store = new CheckpointStore(d);
    for (let id = 1; id <= 5; id++) store.save(checkpoint(id));
    expect(files(d)).toEqual(['ckpt-4.ckpt', 'ckpt-5.ckpt']);
    expect(store.latest()).toEqual(checkpoint(5));
  });

  it('get(id) reads one checkpoint; a protected older one survives pruning (exactly-once: the committed one)', () => {
    const d = dir();
    const store = new CheckpointStore(d);
    for (let id = 1; id <= 4; id++) store.save(checkpoint(id), 1);
    expect(files(d)).toEqual(['ckpt-1.ckpt', 'ckpt-3.ckpt', 'ckpt-4.ckpt']);
    expect(store.get(1)).toEqual(checkpoint(1));
    expect(store.get(2)).toBeUndefined();
    expect(store.ids()).toEqual([4, 3, 1]);
    store.save(checkpoint(5), 4);
    expect(files(d)).toEqual(['ckpt-4.ckpt', 'ckpt-5.ckpt']);
    truncateSync(join(d, 'ckpt-5.ckpt'), 10);
    expect(() => store.get(5)).toThrow(/cut short|checksum/);
  });

  it('falls back to the previous checkpoint when the latest file is truncated', () => {
    const d = dir();
    const unreadable: string[] = [];
    const store = new CheckpointStore(d, { onUnreadable: (f, e) => unreadable.push(`${f}: ${e.message}`) });
    store.save(checkpoint(1));
    store.save(checkpoint(2));
    const latest = join(d, 'ckpt-2.ckpt');
    truncateSync(latest, Math.floor(readFileSync(latest).length / 2));
    expect(store.latest()).toEqual(checkpoint(1));
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]).toMatch(/ckpt-2\.ckpt: checksum mismatch.*truncated/);
    // The run that restored checkpoint 1 writes 2 again, over the damaged file.
    store.save(checkpoint(2));
    expect(store.latest()).toEqual(checkpoint(2));
    expect(files(d)).toEqual(['ckpt-1.ckpt', 'ckpt-2.ckpt']);
  });

  it('falls back when the latest file is cut inside its header, or empty', () => {
    const d = dir();
    const store = new CheckpointStore(d);
    store.save(checkpoint(7));
    store.save(checkpoint(8));
    truncateSync(join(d, 'ckpt-8.ckpt'), 5);
    expect(store.latest()?.id).toBe(7);
    truncateSync(join(d, 'ckpt-8.ckpt'), 0);
    expect(store.latest()?.id).toBe(7);
  });

  it('returns undefined when no file can be read', () => {
    const d = dir();
    const store = new CheckpointStore(d);
    store.save(checkpoint(1));
    writeFileSync(join(d, 'ckpt-1.ckpt'), 'garbage');
    expect(store.latest()).toBeUndefined();
  });

  it('ignores a temp file left by a crash during a write, and removes it at the next save', () => {
    const d = dir();
    const store = new CheckpointStore(d);
    store.save(checkpoint(3));
    writeFileSync(join(d, 'ckpt-4.ckpt.tmp'), 'half a checkpoint');
    expect(store.latest()?.id).toBe(3);
    store.save(checkpoint(4));
    expect(files(d)).toEqual(['ckpt-3.ckpt', 'ckpt-4.ckpt']);
  });

  it('drops files with higher ids than the one written (a run that did not restore them)', () => {
    const d = dir();
    const store = new CheckpointStore(d);
    store.save(checkpoint(9));
    store.save(checkpoint(10));
    store.save(checkpoint(1));
    expect(files(d)).toEqual(['ckpt-1.ckpt']);
    expect(store.latest()?.id).toBe(1);
  });

  it('reads the single latest.ckpt of earlier versions, and replaces it with numbered files', () => {
    const d = dir();
    writeFileSync(join(d, 'latest.ckpt'), serialize(checkpoint(6)));
    const store = new CheckpointStore(d);
    expect(store.latest()).toEqual(checkpoint(6));
    store.save(checkpoint(7));
    expect(files(d)).toEqual(['ckpt-7.ckpt']);
  });
});
