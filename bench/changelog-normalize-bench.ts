/**
 * ChangelogNormalize (the operator above an upsert-kafka source) alone: BENCH_NORMALIZE_ROWS upserts (default
 * 1,000,000; one in seven a tombstone) over BENCH_NORMALIZE_KEYS keys (default 100,000), in batches of 500.
 *
 *   npm run build && node dist/bench/changelog-normalize-bench.js
 */
import { RowKind, type Row } from '../src/core/types.js';
import { ChangelogNormalizeOperator } from '../src/runtime/changelog-normalize.js';

const N = Number(process.env['BENCH_NORMALIZE_ROWS'] ?? 1_000_000);
const KEYS = Number(process.env['BENCH_NORMALIZE_KEYS'] ?? 100_000);
const BATCH = 500;
let emitted = 0;
const op = new ChangelogNormalizeOperator(
  { keys: [0] },
  { out: { data: (rows) => void (emitted += rows.length), watermark: () => undefined }, hooks: { late: () => undefined }, retentionMs: 0, now: () => 0 },
);
const rows: Row[] = [];
for (let i = 0; i < N; i++) rows.push([`k${i % KEYS}`, i % 7 === 0 ? null : `v${i}`, i]);
const kinds = rows.map((r) => (r[1] === null ? RowKind.Delete : RowKind.UpdateAfter));
const t0 = process.hrtime.bigint();
for (let i = 0; i < N; i += BATCH) op.process(rows.slice(i, i + BATCH), kinds.slice(i, i + BATCH));
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(`${N} upserts over ${KEYS} keys: ${ms.toFixed(0)} ms, ${Math.round((N / ms) * 1000)} rows/s, ${emitted} rows emitted`);
