import { getHeapStatistics } from 'node:v8';
import { userError, type DirkError } from '../../core/errors.js';

/**
 * Stops a job whose state outgrows the heap with a Dirk error, before V8 aborts the process (exit 134,
 * "JavaScript heap out of memory", no word about the job). `check()` is cheap (a clock read; the heap is
 * looked at every `everyMs`) and is called per delivered batch and from a timer, so a tight input loop that
 * starves timers is still watched. The limit is a fraction of V8's heap limit (--max-old-space-size):
 * past it, garbage collection can no longer make room for long, and serialising a checkpoint would need
 * more memory still, so the job stops taking input at once; the job then takes a final checkpoint (written in
 * chunks, so it needs little more memory) and ends with this error.
 */
export interface HeapGuardOptions {
  /**
   * Fraction of the old-generation limit at which the job stops; default 0.8. The margin is for a large
   * Map's rehash (a new table of ~28 bytes per entry while the old one is still held) and a checkpoint.
   */
  readonly fraction?: number;
  readonly everyMs?: number;
  /** Entries of keyed state now (for the message). */
  readonly stateEntries: () => number;
  readonly retentionMinutes: number;
  readonly lastCheckpoint: () => number | undefined;
  readonly onLimit: (e: DirkError) => void;
  readonly heap?: () => { used: number; limit: number };
}

export interface HeapGuard {
  check(): void;
  stop(): void;
}

const MB = 1024 * 1024;
const YOUNG = 48 * MB;

export function startHeapGuard(o: HeapGuardOptions): HeapGuard {
  const fraction = o.fraction ?? 0.8;
  const everyMs = o.everyMs ?? 100;
  const heap =
    o.heap ??
    (() => {
      const s = getHeapStatistics();
      // heap_size_limit counts the young generation (3 semi-spaces, 48 MB on 64-bit); objects that stay
      // (state) live in the old generation, whose limit is --max-old-space-size.
      return { used: s.used_heap_size, limit: Math.max(s.heap_size_limit / 2, s.heap_size_limit - YOUNG) };
    });
  let lastLook = 0;
  let tripped = false;
  const check = (): void => {
    if (tripped) return;
    const now = performance.now();
    if (now - lastLook < everyMs) return;
    lastLook = now;
    const { used, limit } = heap();
    if (used < fraction * limit) return;
    tripped = true;
    const last = o.lastCheckpoint();
    o.onLimit(
      userError(
        `the job's state no longer fits in memory: the heap holds ${Math.round(used / MB)} MB of its ${Math.round(limit / MB)} MB limit, with ` +
          `${o.stateEntries().toLocaleString('en-US')} entries of operator state; lower FLINK_RETENTION_IDLE_STATE_MINUTE (now ${o.retentionMinutes}${o.retentionMinutes === 0 ? ': state is never dropped' : ''}) ` +
          `so idle keys are dropped sooner, keep the GROUP BY state on disk (FLINK_STATE_BACKEND_TYPE=rocksdb), or give Node more heap (NODE_OPTIONS=--max-old-space-size=<MB>). ` +
          `The job stops before V8 would abort (last completed checkpoint: ${last === undefined ? 'none' : last})`,
      ),
    );
  };
  const timer = setInterval(check, everyMs);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
