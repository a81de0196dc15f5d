// Heap a regular join holds per stored row, the row included (issue 16, BENCHMARKS.md "Join state: one object per key for the regular join"):
// N left rows on unique keys, shaped as the booking join's decoded rows (12 columns of which the query reads
// three: an order-number string, an area id, an epoch time; the decoder leaves the rest NULL; the query reads
// the first two above the join, which a build storing only those keeps, wip/joincols), none matched, so
// all stay stored; heapUsed after gc() around it. The rows are made
// batch by batch and dropped by the script, so what stays is what the operator keeps.
//
//   node --expose-gc scripts/regular-join-heap.mjs <checkout with dist/> <retention ms> <1: LEFT join, 0: INNER> [dist dir name]
const [dir, retention, outer, distName = 'dist'] = process.argv.slice(2);
const { StreamingJoinOperator } = await import(`${dir}/${distName}/src/runtime/outer-join.js`);
const { T } = await import(`${dir}/${distName}/src/core/types.js`);
const key = { k: 'col', index: 0, type: T.STRING };
const spec = { joinType: outer === '1' ? 'LEFT' : 'INNER', leftKeys: [key], rightKeys: [key], residual: null, leftWidth: 12, rightWidth: 5, used: new Set([0, 2, 12 + 1, 12 + 4]) };
const N = 500_000;
const T0 = Date.UTC(2026, 0, 1);
gc(); gc();
const h0 = process.memoryUsage().heapUsed;
const op = new StreamingJoinOperator(spec, { out: { data() {}, watermark() {} }, hooks: { late() {} }, retentionMs: Number(retention), now: Date.now });
for (let i = 0; i < N; i += 1000) {
  const rows = [];
  for (let j = i; j < i + 1000; j++) rows.push([`ORD-${j}`, null, j % 50, null, null, null, null, null, null, null, null, T0 + j * 10]);
  op.process(rows, undefined, 0);
  op.onBatchEnd();
}
gc(); gc();
const h1 = process.memoryUsage().heapUsed;
console.log(`${dir.split('/').pop()}/${distName} retention=${retention} ${spec.joinType}: ${((h1 - h0) / N).toFixed(0)} B per stored row, the row included (${op.stateSize()[0]} rows)`);
