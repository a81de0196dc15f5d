import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what the last full (mark-compact) collection kept before it
 * collects again: DIRK_HEAP_GROWING_PERCENT while the heap is small, V8's own choice above HEAP_GROWTH_CEILING.
 *
 * Why: a streaming job's old generation is mostly garbage that outlived two scavenges (a fetch's rows and
 * output still in use while the young generation filled twice) and dies there. V8 sets the next full
 * collection at up to 4 times the live heap when it has room (a 4 GB heap limit here), so a job with 20 MB
 * live carries 40-60 MB of dead rows in its peak RSS (BENCHMARKS.md, "Peak RSS: what the baseline is made of").
 * A full collection of a small heap is short (10-30 ms for 20-30 MB live), so collecting at 1.5 times costs
 * little; for a large heap (a join or GROUP BY with much state) marking costs in proportion to the state, so
 * V8's own factor applies there. The setting is V8's `--heap-growing-percent`, which V8 reads each time it
 * sets the limit after a full collection, so it can be changed while the process runs (after every full
 * collection, from the size it kept). It is process-wide: the tasks of one process share it.
 */
export const HEAP_GROWTH_CEILING_BYTES = 128 * 1024 * 1024;
/**
 * The least room given to garbage between full collections: at a few MB live, 50% would mean a full collection
 * for every few MB promoted (measured: 28 in a Nexmark q1 run instead of 2, for 10 MB less peak RSS).
 */
export const HEAP_GROWTH_MIN_ROOM_BYTES = 24 * 1024 * 1024;

/** The percent to set for `live` bytes kept by the last full collection (0: V8's own growth). */
export function heapGrowingPercentFor(live: number, percent: number, ceilingBytes = HEAP_GROWTH_CEILING_BYTES): number {
  if (!(percent > 0) || live >= ceilingBytes) return 0;
  return Math.max(Math.round(percent), Math.ceil((100 * HEAP_GROWTH_MIN_ROOM_BYTES) / Math.max(live, 1)));
}

export interface HeapGrowth {
  stop(): void;
}

let active = 0;
let observer: PerformanceObserver | undefined;
let applied = -1;

function apply(percent: number): void {
  if (percent === applied) return;
  applied = percent;
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/**
 * Starts the control (percent 0: V8's own growth throughout, nothing is set). Calls nest (tasks of one
 * process): the last stop() gives V8 its own choice back.
 */
export function startHeapGrowth(percent: number, ceilingBytes = HEAP_GROWTH_CEILING_BYTES): HeapGrowth {
  if (!(percent > 0)) return { stop() {} };
  const pick = (): void => apply(heapGrowingPercentFor(getHeapStatistics().used_heap_size, percent, ceilingBytes));
  active++;
  if (!observer) {
    observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (((e as unknown as { detail?: { kind?: number } }).detail)?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
          pick();
          break;
        }
      }
    });
    observer.observe({ entryTypes: ['gc'] });
  }
  pick();
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      if (--active > 0) return;
      observer?.disconnect();
      observer = undefined;
      apply(0);
    },
  };
}
