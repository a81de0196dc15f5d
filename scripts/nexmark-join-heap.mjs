// Nexmark q4 / q7 in-process (issue 16, BENCHMARKS.md "Regular join: only the columns read above it"): the query's
// dataflow fed N generated events in 1000-event batches, rows as the JSON decoder leaves them (only the columns the
// plan decodes set, the others NULL; fresh strings per row); process CPU, heap held after gc() at the end (the
// state: nothing expires), peak RSS.
//
//   node --expose-gc scripts/nexmark-join-heap.mjs <checkout with dist/> <q4|q7> [events, default 2000000]
const [dir, q, n = '2000000'] = process.argv.slice(2);
const N = Number(n);
const BATCH = Number(process.env.BATCH ?? 1000);
const { planSql } = await import(`${dir}/dist/src/sql/planner.js`);
const { buildDataflow } = await import(`${dir}/dist/src/runtime/dataflow.js`);
const { builtinFunctions } = await import(`${dir}/dist/src/sql/functions/index.js`);
const { createFunctionCatalog } = await import(`${dir}/dist/src/udf/registry.js`);
const { NEXMARK_QUERIES } = await import(`${dir}/dist/bench/nexmark/queries.js`);
const { nexmarkEvent } = await import(`${dir}/dist/bench/nexmark/generator.js`);
const COLS = {
  person: 'id BIGINT, name STRING, emailAddress STRING, creditCard STRING, city STRING, state STRING, dateTime TIMESTAMP(3), extra STRING',
  auction: 'id BIGINT, itemName STRING, description STRING, initialBid BIGINT, reserve BIGINT, dateTime TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra STRING',
  bid: 'auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, dateTime TIMESTAMP(3), extra STRING',
};
const tables = Object.entries(COLS).map(([name, s]) => {
  const cols = s.split(', ').map((c) => c.split(' '));
  return {
    name,
    columns: cols.map(([cn, t]) => ({ name: cn, type: t === 'BIGINT' ? { kind: 'BIGINT' } : t === 'STRING' ? { kind: 'STRING' } : { kind: 'TIMESTAMP', precision: 3, rowtime: cn === 'dateTime' } })),
    rowtimeIndex: cols.findIndex(([cn]) => cn === 'dateTime'),
  };
});
const plan = planSql(NEXMARK_QUERIES[q].select, { table: (t) => tables.find((x) => x.name === t), tableNames: () => tables.map((t) => t.name), functions: createFunctionCatalog(builtinFunctions) });
let out = 0;
const flow = buildDataflow(plan, { data: (r) => (out += r.length), watermark() {} }, { hooks: { late() {} }, retentionMs: 0, now: Date.now });
const used = new Map(tables.map((t) => [t.name, new Set(plan.scans.filter((s) => s.table.name === t.name).flatMap((s) => [...s.used]))]));
const ts = (s) => Date.parse(s.replace(' ', 'T') + 'Z');
gc(); gc();
const h0 = process.memoryUsage().heapUsed;
const c0 = process.cpuUsage();
let batch = { person: [], auction: [], bid: [] };
let wm = -Infinity;
const flush = () => {
  for (const inp of flow.inputs) {
    const rows = batch[inp.table];
    if (rows.length) inp.push(rows);
  }
  for (const inp of flow.inputs) inp.watermark(wm);
  flow.batchEnd();
  batch = { person: [], auction: [], bid: [] };
};
for (let i = 0; i < N; i++) {
  const e = nexmarkEvent(i);
  const t = tables.find((x) => x.name === e.kind);
  const u = used.get(e.kind);
  const row = t.columns.map((c, j) => (u.has(j) ? (c.type.kind === 'TIMESTAMP' ? ts(e.value[c.name]) : e.value[c.name]) : null));
  // Fresh strings per row, as a decoder makes them.
  for (let j = 0; j < row.length; j++) if (typeof row[j] === 'string') row[j] = (' ' + row[j]).slice(1);
  batch[e.kind].push(row);
  if (i % BATCH === BATCH - 1) {
    wm = ts(e.value.dateTime) - 4000;
    flush();
  }
}
flush();
const d = process.cpuUsage(c0);
gc(); gc();
const h1 = process.memoryUsage().heapUsed;
console.log(`${dir} ${q}: ${((d.user + d.system) / 1e6).toFixed(2)} cpu-s, heap after gc ${((h1 - h0) / 1e6).toFixed(0)} MB held, out ${out}, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB, load ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
