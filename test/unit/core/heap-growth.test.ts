import { describe, expect, it } from 'vitest';
import { getHeapStatistics } from 'node:v8';
import { HEAP_GROWTH_CEILING_BYTES, heapGrowingPercentFor, startHeapGrowth } from '../../../src/core/heap-growth.js';

const MB = 1024 * 1024;

describe('heap growth between full collections (DIRK_HEAP_GROWING_PERCENT)', () => {
  it('the configured percent on a mid-sized heap, at least 24 MB of room on a small one, V8 own above the ceiling', () => {
    expect(heapGrowingPercentFor(80 * MB, 50)).toBe(50);
    expect(heapGrowingPercentFor(20 * MB, 50)).toBe(120);
    expect(heapGrowingPercentFor(12 * MB, 50)).toBe(200);
    expect(heapGrowingPercentFor(HEAP_GROWTH_CEILING_BYTES, 50)).toBe(0);
    expect(heapGrowingPercentFor(20 * MB, 0)).toBe(0);
  });

  it('starts and stops (nested, as the tasks of one process do) without disturbing the heap', () => {
    const a = startHeapGrowth(50);
    const b = startHeapGrowth(50);
    a.stop();
    b.stop();
    b.stop();
    startHeapGrowth(0).stop();
    expect(getHeapStatistics().used_heap_size).toBeGreaterThan(0);
  });
});
