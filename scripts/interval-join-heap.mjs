// Heap the interval join holds per buffered row beyond the row itself (issue 16, BENCHMARKS.md "Interval join
// per-event cost"): N left rows on unique keys (shaped as a decoded booking: 10 slots, an order-number string,
// an epoch time), no watermark, so all stay buffered; heapUsed after gc() around it. The rows exist before the
// first reading, so only what the operator adds is counted (an outer side's copies replace the originals).
//
//   node --expose-gc scripts/interval-join-heap.mjs <checkout with dist/> <retention ms> <1: LEFT join, 0: INNER>
const [dir, retention, outer] = process.argv.slice(2);
const { IntervalJoinOperator } = await import(`${dir}/dist/src/runtime/join-operators.js`);
const { T } = await import(`${dir}/dist/src/core/types.js`);
const key = { k: 'col', index: 0, type: T.STRING };
const spec = { joinType: outer === '1' ? 'LEFT' : 'INNER', leftKeys: [key], rightKeys: [key], leftTime: 4, rightTime: 4, lower: 0, upper: 5000, residual: null, leftWidth: 10, rightWidth: 5 };
const N = 300_000;
const T0 = Date.UTC(2026, 0, 1);
const rows = [];
for (let j = 0; j < N; j++) rows.push([`ORD-${j}`, null, j % 50, null, T0 + j * 10, null, null, null, null, null]);
gc(); gc();
const h0 = process.memoryUsage().heapUsed;
const op = new IntervalJoinOperator(spec, { out: { data() {}, watermark() {} }, hooks: { late() {} }, retentionMs: Number(retention), now: Date.now });
for (let i = 0; i < N; i += 1000) {
  op.process(rows.slice(i, i + 1000), undefined, 0);
  op.onBatchEnd();
}
rows.length = 0;
gc(); gc();
const h1 = process.memoryUsage().heapUsed;
console.log(`${dir.split('/').pop()} retention=${retention} ${spec.joinType}: ${((h1 - h0) / N).toFixed(0)} B per buffered row beyond the row`);
