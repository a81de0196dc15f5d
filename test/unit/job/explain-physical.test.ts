import { describe, expect, it } from 'vitest';
import { T, type TableSchema } from '../../../src/core/types.js';
import { explainJob } from '../../../src/job/explain-job.js';
import { explainPhysical } from '../../../src/runtime/physical-plan.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import { planSql } from '../../../src/sql/planner.js';
import { createFunctionCatalog } from '../../../src/udf/registry.js';

const booking: TableSchema = {
  name: 'booking',
  columns: [
    { name: 'order_number', type: T.STRING },
    { name: 'service_type', type: T.STRING },
    { name: 'amount', type: T.DOUBLE },
    { name: 'rowtime', type: T.ROWTIME },
  ],
  rowtimeIndex: 3,
};
const payment: TableSchema = {
  name: 'payment',
  columns: [
    { name: 'order_id', type: T.STRING },
    { name: 'paid', type: T.DOUBLE },
    { name: 'rowtime', type: T.ROWTIME },
  ],
  rowtimeIndex: 2,
};
const catalog = {
  table: (n: string) => [booking, payment].find((t) => t.name === n),
  tableNames: () => ['booking', 'payment'],
  functions: createFunctionCatalog(builtinFunctions),
};
const plan = (sql: string) => planSql(sql, catalog);

describe('explain: logical and physical plans', () => {
  it('a HOP window aggregate: both plans, panes, watermark of the source', () => {
    const sql =
      "SELECT service_type, COUNT(*) AS n, HOP_END(rowtime, INTERVAL '1' MINUTE, INTERVAL '1' HOUR) AS e FROM booking WHERE amount > 10 GROUP BY HOP(rowtime, INTERVAL '1' MINUTE, INTERVAL '1' HOUR), service_type";
    expect(explainJob(plan(sql), { watermarkDelayMs: 10000 })).toBe(
      [
        'logical plan:',
        '  Project(service_type=service_type, n=$a0, e=window_end)',
        '    WindowAggregate(window=HOP(rowtime, slide=60000 ms, size=3600000 ms, panes of 60000 ms), keys=[service_type], aggs=[COUNT(*)])',
        '      Filter((amount > 10))',
        '        Scan(table=booking, decode=[service_type, amount, rowtime])',
        '',
        '  output:',
        '    service_type STRING',
        '    n BIGINT',
        '    e TIMESTAMP(3)',
        '',
        'physical plan (operators as built, root first):',
        '  #1 Project; state: none; reads #2',
        '    #2 WindowAggregate[HOP panes of 60000 ms, windows of 3600000 ms]; state: panes by key; watermark: fires windows whose end it passes, then forwards it; reads #3',
        '      #3 Filter; state: none; reads #4',
        '        #4 Source[booking] decodes [service_type, amount, rowtime]; state: source positions (checkpointed); watermark: max(rowtime) - 10000 ms - 1 ms',
      ].join('\n'),
    );
  });

  it('an interval join: both sides by key, which input is which, watermark hold-back', () => {
    const sql =
      "SELECT b.order_number, p.paid FROM booking b JOIN payment p ON b.order_number = p.order_id AND p.rowtime BETWEEN b.rowtime - INTERVAL '1' MINUTE AND b.rowtime + INTERVAL '5' MINUTE";
    expect(explainPhysical(plan(sql))).toBe(
      [
        '#1 Project; state: none; reads #2',
        '  #2 IntervalJoin[INNER, right.time - left.time in [-60000 ms, 300000 ms]]; state: both sides by key, expire by time; watermark: held back 300000 ms; reads left #3, right #4',
        '    #3 Source[booking] decodes [order_number, rowtime]; state: source positions (checkpointed); watermark: bounded out-of-orderness on rowtime',
        '    #4 Source[payment] decodes [order_id, paid, rowtime]; state: source positions (checkpointed); watermark: bounded out-of-orderness on rowtime',
      ].join('\n'),
    );
  });

  it('deduplication feeding an updating GROUP BY, and a Top-N', () => {
    const dedup = "SELECT service_type, COUNT(*) FROM (SELECT order_number, service_type, rowtime, ROW_NUMBER() OVER (PARTITION BY order_number ORDER BY rowtime) AS rn FROM booking) WHERE rn = 1 GROUP BY service_type";
    expect(explainPhysical(plan(dedup))).toBe(
      [
        '#1 Project; state: none; reads #2',
        '  #2 GroupAggregate[1 key]; state: accumulators by key, idle-state retention; reads #3',
        '    #3 Project; state: none; reads #4',
        '      #4 Deduplicate[keep first]; state: first row by key until the watermark passes it, then its key; watermark: emits held rows it passes; reads #5',
        '        #5 Source[booking] decodes [order_number, service_type, rowtime]; state: source positions (checkpointed); watermark: bounded out-of-orderness on rowtime',
      ].join('\n'),
    );
    const topN = 'SELECT * FROM (SELECT service_type, amount, ROW_NUMBER() OVER (PARTITION BY service_type ORDER BY amount DESC) AS pos FROM booking) WHERE pos <= 2';
    expect(explainPhysical(plan(topN))).toContain('TopN[2]; state: top 2 rows by partition key, idle-state retention');
  });

  it('Top-N over a rank range, RANK and DENSE_RANK', () => {
    const range = 'SELECT service_type FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY service_type ORDER BY amount DESC) AS rn FROM booking) WHERE rn BETWEEN 2 AND 3';
    expect(explainPhysical(plan(range))).toContain('#3 TopN[rows 2..3]; state: top 3 rows by partition key, idle-state retention; reads #4');
    const rank = 'SELECT * FROM (SELECT service_type, amount, RANK() OVER (ORDER BY amount DESC) AS rk FROM booking) WHERE rk <= 2';
    expect(explainPhysical(plan(rank))).toContain('#3 TopN[RANK <= 2]; state: rows ranked up to 2, ties included, by partition key, idle-state retention; reads #4');
    const dense = 'SELECT service_type FROM (SELECT service_type, amount, DENSE_RANK() OVER (ORDER BY amount) AS rk FROM booking) WHERE rk > 1 AND rk < 4';
    expect(explainPhysical(plan(dense))).toContain('#3 TopN[DENSE_RANK 2..3]; state: rows ranked up to 3, ties included, by partition key, idle-state retention; reads #4');
  });
});
