/**
 * Checkpoints of large keyed state: a non-windowed GROUP BY holding BENCH_STATE_KEYS keys (default
 * 1,000,000) is checkpointed the way a running job does it, while batches keep arriving, and the longest
 * event-loop stall, the checkpoint's time and size and the peak RSS are printed.
 *
 *   npm run build && BENCH_STATE_MODE=sync  node dist/bench/state-bench.js   # before: serialise + write inside the barrier
 *   npm run build && BENCH_STATE_MODE=async node dist/bench/state-bench.js   # after: capture at the barrier, chunks after it
 *
 * One mode per process, so that peak RSS belongs to that mode.
 *
 * BENCH_STATE_BACKEND=rocksdb keeps the GROUP BY state off the heap (LMDB, FLINK_STATE_BACKEND_TYPE=rocksdb)
 * with BENCH_STATE_CACHE entries (default 100,000) cached; the checkpoint is then an LMDB copy in a background
 * thread plus a small file (async mode only).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { T, type Row, type TableSchema } from '../src/core/types.js';
import { CheckpointStore, type Checkpoint } from '../src/runtime/checkpoint-store.js';
import { buildDataflow } from '../src/runtime/dataflow.js';
import { builtinFunctions } from '../src/sql/functions/index.js';
import { planSql } from '../src/sql/planner.js';
import { createFunctionCatalog } from '../src/udf/registry.js';

const KEYS = Number(process.env['BENCH_STATE_KEYS'] ?? 1_000_000);
const MODE = process.env['BENCH_STATE_MODE'] ?? 'async';
const BATCH = 1000;
const BACKEND = process.env['BENCH_STATE_BACKEND'] ?? 'hashmap';
const CACHE = Number(process.env['BENCH_STATE_CACHE'] ?? 100_000);

const table: TableSchema = {
  name: 't',
  columns: [
    { name: 'k', type: T.STRING },
    { name: 'v', type: T.BIGINT },
  ],
  rowtimeIndex: undefined,
};

function rowsFor(from: number, n: number, keys: number): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) rows.push([`customer-${(from + i) % keys}`, BigInt(from + i)]);
  return rows;
}

/** The longest gap between timer turns while `during` runs: what a metrics scrape or a heartbeat would wait. */
async function longestStall<T>(during: () => Promise<T>): Promise<{ result: T; stallMs: number }> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  await new Promise((r) => setTimeout(r, 5));
  last = performance.now();
  try {
    const result = await during();
    await new Promise((r) => setTimeout(r, 5));
    worst = Math.max(worst, performance.now() - last);
    return { result, stallMs: worst };
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<void> {
  const functions = createFunctionCatalog(builtinFunctions);
  const plan = planSql('SELECT k, COUNT(*) AS n, SUM(v) AS s, MAX(v) AS m FROM t GROUP BY k', { table: (n) => (n === 't' ? table : undefined), tableNames: () => ['t'], functions });
  const dir = mkdtempSync(join(tmpdir(), 'dirk-state-bench-'));
  const offHeap = BACKEND === 'rocksdb' ? { localDir: join(dir, 'state-local'), cacheEntries: CACHE } : undefined;
  const flow = buildDataflow(plan, { data: () => {}, watermark: () => {} }, { hooks: { late() {} }, retentionMs: 0, now: Date.now, offHeap });
  const input = flow.inputs[0]!;
  const t0 = performance.now();
  for (let i = 0; i < KEYS; i += 10_000) {
    input.push(rowsFor(i, Math.min(10_000, KEYS - i), KEYS));
    flow.batchEnd();
  }
  const loadS = (performance.now() - t0) / 1000;
  // The heap the state takes once loaded (after a full collection when --expose-gc is given).
  (globalThis as { gc?: () => void }).gc?.();
  const heapAfterLoadMb = Math.round((await import('node:v8')).getHeapStatistics().used_heap_size / 1e6);
  const store = new CheckpointStore(dir);
  const checkpoint = (): Checkpoint => ({ id: 1, takenAt: Date.now(), planFingerprint: 'bench', positions: {}, operatorStates: flow.snapshot(), watermarks: {} });

  // Batches keep arriving (1000 rows, existing keys) whenever the event loop is free, as a running job's would.
  let delivered = 0;
  let delivering = true;
  let longestBatchMs = 0;
  const deliver = (): void => {
    if (!delivering) return;
    const t = performance.now();
    input.push(rowsFor(delivered, BATCH, KEYS));
    flow.batchEnd();
    longestBatchMs = Math.max(longestBatchMs, performance.now() - t);
    delivered += BATCH;
    setImmediate(deliver);
  };

  let barrierMs = 0;
  const { stallMs, result: totalMs } = await longestStall(async () => {
    setImmediate(deliver);
    await new Promise((r) => setTimeout(r, 20));
    const start = performance.now();
    if (MODE === 'sync') {
      store.save(checkpoint());
      barrierMs = performance.now() - start;
    } else {
      const pending = store.begin(checkpoint());
      barrierMs = performance.now() - start;
      await pending.write();
    }
    const total = performance.now() - start;
    delivering = false;
    return total;
  });
  // The checkpoint file and the off-heap snapshot files it names.
  const sizeMb = readdirSync(dir)
    .filter((f) => f.startsWith('ckpt-'))
    .reduce((n, f) => n + statSync(join(dir, f)).size / 1e6, 0);
  // The file restores to the same number of keys.
  const restored = store.latest()!;
  const restoredFlow = buildDataflow(plan, { data: () => {}, watermark: () => {} }, { hooks: { late() {} }, retentionMs: 0, now: Date.now, offHeap: offHeap && { ...offHeap, localDir: join(dir, 'restored') } });
  const r0 = performance.now();
  restoredFlow.restore(restored.operatorStates);
  const restoreMs = performance.now() - r0;
  const restoredKeys = restoredFlow.stateEntries() || (restoredFlow.operators.find((op) => op.offHeap) as unknown as { groups: { size: number } }).groups.size;
  await flow.close();
  await restoredFlow.close();
  rmSync(dir, { recursive: true, force: true });
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(
    `${JSON.stringify({
      mode: MODE,
      backend: BACKEND,
      keys: KEYS,
      restoredKeys,
      restoreMs: Math.round(restoreMs),
      loadSeconds: Number(loadS.toFixed(1)),
      heapAfterLoadMb,
      checkpointMs: Math.round(totalMs),
      barrierMs: Math.round(barrierMs),
      longestStallMs: Math.round(stallMs),
      longestBatchMs: Math.round(longestBatchMs),
      rowsDeliveredDuringCheckpoint: delivered,
      fileMb: Number(sizeMb.toFixed(1)),
      peakRssMb,
      heapLimitMb: Math.round((await import('node:v8')).getHeapStatistics().heap_size_limit / 1e6),
    })}\n`,
  );
}

await main();
