// Joins' engine cost, two builds side by side in one process (issue 16, BENCHMARKS.md "Join state: one object
// per key for the regular join"): the operators alone (no decode, no dataflow), fed 1000-row batches of fresh booking-shaped rows
// (as a decoder hands them over: new arrays and strings per batch) and payments of the same order numbers, in
// alternation A, B, A, B, ...; each run's process CPU (all threads, so the collector's helpers count) after
// gc() between runs. Running both builds in one process puts them under the same load of a shared machine.
//
//   node --expose-gc scripts/join-cpu-ab.mjs <regular|interval> <checkout A> <checkout B> [runs per build] [rows per side]
const [kind, a, b, runs = '3', n = '1000000'] = process.argv.slice(2);
const N = Number(n);
const T0 = Date.UTC(2026, 0, 1);
// The booking join's output columns read above the join (order number, area id; amount, payment time): a build
// that stores only those (wip/joincols) cuts the rows, an older one ignores the field.
const READ = new Set([0, 2, 12 + 1, 12 + 4]);
async function load(dir) {
  const { StreamingJoinOperator } = await import(`${dir}/dist/src/runtime/outer-join.js`);
  const { IntervalJoinOperator } = await import(`${dir}/dist/src/runtime/join-operators.js`);
  const { T } = await import(`${dir}/dist/src/core/types.js`);
  return { StreamingJoinOperator, IntervalJoinOperator, T, dir };
}
function run(m) {
  const key = { k: 'col', index: 0, type: m.T.STRING };
  const ctx = { out: { data() {}, watermark() {} }, hooks: { late() {} }, retentionMs: 0, now: Date.now };
  const op =
    kind === 'regular'
      ? new m.StreamingJoinOperator({ joinType: 'INNER', leftKeys: [key], rightKeys: [key], residual: null, leftWidth: 12, rightWidth: 5, used: READ }, ctx)
      : new m.IntervalJoinOperator({ joinType: 'INNER', leftKeys: [key], rightKeys: [key], leftTime: 11, rightTime: 4, lower: 0, upper: 300_000, residual: null, leftWidth: 12, rightWidth: 5 }, ctx);
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i += 1000) {
    const bookings = [];
    const payments = [];
    for (let j = i; j < i + 1000; j++) {
      const t = T0 + j;
      bookings.push([`ORD-${j}`, null, j % 50, null, null, null, null, null, null, null, null, t]);
      payments.push([`ORD-${j}`, (j % 1000) / 10, null, null, t + (j % 240) * 1000]);
    }
    op.process(bookings, undefined, 0);
    op.process(payments, undefined, 1);
    if (kind === 'interval') op.onWatermark(T0 + i - 1000);
    op.onBatchEnd?.();
  }
  const d = process.cpuUsage(c0);
  const size = op.stateSize();
  gc(); gc(); // the operator is still referenced: what stays is its state (and the builds' code)
  return { cpu: (d.user + d.system) / 1e6, heap: process.memoryUsage().heapUsed, size };
}
const builds = [await load(a), await load(b)];
for (let r = 0; r < Number(runs); r++) {
  for (const m of builds) {
    gc(); gc();
    const l = (await import('node:os')).loadavg()[0].toFixed(1);
    const res = run(m);
    console.log(`${kind} ${m.dir}: ${((2 * N) / res.cpu / 1000).toFixed(0)}k events/cpu-s (${res.cpu.toFixed(2)} cpu-s, stored ${res.size.join('+')}, heap after gc ${(res.heap / 1e6).toFixed(0)} MB) load ${l}`);
  }
}
