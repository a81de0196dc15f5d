/**
 * MATCH_RECOGNIZE in process: BENCH_MATCH_ROWS (default 200,000) ticker rows over 100 symbols, one per symbol
 * per second of event time, watermark after every 1,000-row batch, through the dataflow; prints rows/s, the
 * number of matches and the heap. Two queries: `ticker` (the docs' falling-price pattern with navigation only)
 * and `agg` (A+ B with DEFINE A AS AVG(A.price) < 50, aggregates recomputed per evaluation), both WITHIN 1 minute.
 *
 *   npm run build && node dist/bench/match-bench.js ticker
 *   npm run build && node dist/bench/match-bench.js agg
 */
import { performance } from 'node:perf_hooks';
import { T, type Row, type TableSchema } from '../src/core/types.js';
import { buildDataflow } from '../src/runtime/dataflow.js';
import { builtinFunctions } from '../src/sql/functions/index.js';
import { planSql } from '../src/sql/planner.js';
import { createFunctionCatalog } from '../src/udf/registry.js';

const ticker: TableSchema = { name: 'Ticker', columns: [{ name: 'symbol', type: T.STRING }, { name: 'price', type: T.BIGINT }, { name: 'rowtime', type: T.ROWTIME }], rowtimeIndex: 2 };
const catalog = { table: (n: string) => (n === 'Ticker' ? ticker : undefined), tableNames: () => ['Ticker'], functions: createFunctionCatalog(builtinFunctions) };
const sql = process.argv[2] === 'agg' ? `SELECT * FROM Ticker MATCH_RECOGNIZE (PARTITION BY symbol ORDER BY rowtime
  MEASURES FIRST(A.rowtime) AS s, LAST(A.rowtime) AS e, AVG(A.price) AS avgPrice AFTER MATCH SKIP PAST LAST ROW
  PATTERN (A+ B) WITHIN INTERVAL '1' MINUTE DEFINE A AS AVG(A.price) < ${process.env['BENCH_MATCH_LIMIT'] ?? 50})` : `SELECT * FROM Ticker MATCH_RECOGNIZE (PARTITION BY symbol ORDER BY rowtime
  MEASURES START_ROW.rowtime AS s, LAST(PRICE_DOWN.rowtime) AS b, LAST(PRICE_UP.rowtime) AS e
  AFTER MATCH SKIP TO LAST PRICE_UP PATTERN (START_ROW PRICE_DOWN+ PRICE_UP) WITHIN INTERVAL '1' MINUTE
  DEFINE PRICE_DOWN AS (LAST(PRICE_DOWN.price, 1) IS NULL AND PRICE_DOWN.price < START_ROW.price) OR PRICE_DOWN.price < LAST(PRICE_DOWN.price, 1),
  PRICE_UP AS PRICE_UP.price > LAST(PRICE_DOWN.price, 1))`;
const plan = planSql(sql, catalog);
let n = 0;
const flow = buildDataflow(plan, { data: (rows: Row[]) => { n += rows.length; }, watermark() {} }, { hooks: { late() {} }, retentionMs: 0, now: () => 0 });
const N = Number(process.env['BENCH_MATCH_ROWS'] ?? 200_000);
let seed = 1;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const t0 = performance.now();
for (let b = 0; b < N / 1000; b++) {
  const rows: Row[] = [];
  for (let i = 0; i < 1000; i++) { const k = b * 1000 + i; rows.push([`s${k % 100}`, Math.floor(rnd() * 100), k * 10]); }
  flow.inputs[0]!.push(rows);
  flow.inputs[0]!.watermark((b + 1) * 1000 * 10 - 1);
  flow.batchEnd();
}
const ms = performance.now() - t0;
console.log(`${process.argv[2] ?? 'ticker'}: ${N} rows, 100 symbols, ${n} matches in ${ms.toFixed(0)} ms = ${Math.round(N / ms * 1000)} rows/s; heap ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB`);
