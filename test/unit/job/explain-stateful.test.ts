import { describe, expect, it } from 'vitest';
import { T, type TableSchema } from '../../../src/core/types.js';
import { explainPlan } from '../../../src/plan/printer.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import { planSql } from '../../../src/sql/planner.js';
import { createFunctionCatalog } from '../../../src/udf/registry.js';
import { daggerFunctions } from '../../../udfs/index.js';

const orders: TableSchema = {
  name: 'orders',
  columns: [
    { name: 'id', type: T.STRING },
    { name: 'amount', type: T.DOUBLE },
    { name: 'tags', type: T.array(T.STRING) },
    { name: 'rowtime', type: T.ROWTIME },
  ],
  rowtimeIndex: 3,
};
const payments: TableSchema = { name: 'payments', columns: [{ name: 'id', type: T.STRING }, { name: 'rowtime', type: T.ROWTIME }], rowtimeIndex: 1 };
const catalog = {
  table: (n: string) => [orders, payments].find((t) => t.name === n),
  tableNames: () => ['orders', 'payments'],
  functions: createFunctionCatalog(builtinFunctions).with(daggerFunctions, 'udfs'),
};
const explain = (sql: string): string => explainPlan(planSql(sql, catalog));

describe('explain of correlate, rank, over and outer joins', () => {
  it('prints UNNEST and LATERAL TABLE generators', () => {
    expect(explain('SELECT id, tag, n FROM orders LEFT JOIN UNNEST(tags) WITH ORDINALITY AS t(tag, n) ON TRUE')).toContain(
      'Correlate(UNNEST(tags) WITH ORDINALITY, columns=[tag, n], LEFT (NULL-padded when empty))',
    );
    expect(explain("SELECT id, b FROM orders, LATERAL TABLE(HistogramBucket(amount, '1,5')) AS T(b)")).toContain(
      "Correlate(TABLE HistogramBucket(amount, '1,5'), columns=[b], CROSS)",
    );
  });

  it('prints deduplication and Top-N', () => {
    const dedup = explain('SELECT id, amount FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY id ORDER BY rowtime) AS rn FROM orders) WHERE rn = 1');
    expect(dedup).toContain('Deduplicate(keep=first row, emitted at the watermark, append-only, partition=[id], order=[rowtime ASC])');
    const topn = explain('SELECT * FROM (SELECT id, amount, ROW_NUMBER() OVER (ORDER BY amount DESC) AS pos FROM orders) WHERE pos <= 3');
    expect(topn).toContain('TopN(n=3, partition=[], order=[amount DESC], rowNumber=pos)');
    expect(topn).toContain('(updating result: insert / update / delete changelog)');
  });

  it('prints rank ranges, RANK and DENSE_RANK, and Top-N through a SELECT * layer', () => {
    const range = explain('SELECT id FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY id ORDER BY amount) AS rn FROM orders) WHERE rn > 1 AND rn <= 3');
    expect(range).toContain('TopN(rows=2..3, partition=[id], order=[amount ASC])');
    const rank = explain('SELECT * FROM (SELECT id, amount, RANK() OVER (ORDER BY amount DESC) AS rk FROM orders) WHERE rk <= 2');
    expect(rank).toContain('TopN(n=2, function=RANK (ties share a rank), partition=[], order=[amount DESC], rank=rk)');
    const dense = explain('SELECT id FROM (SELECT id, amount, DENSE_RANK() OVER (ORDER BY amount) AS rk FROM orders) WHERE rk BETWEEN 2 AND 5');
    expect(dense).toContain('TopN(ranks=2..5, function=DENSE_RANK (ties share a rank), partition=[], order=[amount ASC])');
    const layered = explain('SELECT id FROM (SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY id ORDER BY rowtime DESC) AS rn FROM orders)) WHERE rn = 1');
    expect(layered).toContain('Deduplicate(keep=last row, updating, partition=[id], order=[rowtime DESC])');
  });

  it('prints an OVER aggregate of a named window like an inline one', () => {
    expect(explain('SELECT id, SUM(amount) OVER w FROM orders WINDOW w AS (PARTITION BY id ORDER BY rowtime ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)')).toContain(
      'OverAggregate(partition=[id], order=rowtime, frame=ROWS BETWEEN 2 PRECEDING AND CURRENT ROW, aggs=[SUM(amount)])',
    );
  });

  it('prints OVER windows and outer joins', () => {
    expect(explain("SELECT id, SUM(amount) OVER (PARTITION BY id ORDER BY rowtime RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) FROM orders")).toContain(
      'OverAggregate(partition=[id], order=rowtime, frame=RANGE BETWEEN 3600000 ms PRECEDING AND CURRENT ROW, aggs=[SUM(amount)])',
    );
    expect(explain('SELECT o.id, p.id AS pid FROM orders o FULL JOIN payments p ON o.id = p.id')).toContain('Join(type=FULL, keys=1)');
  });

  it('prints IN / EXISTS sub-queries as semi joins and NOT EXISTS as an anti join', () => {
    expect(explain('SELECT id FROM orders WHERE id IN (SELECT id FROM payments)')).toContain('Join(type=SEMI, keys=1) -- semi join (IN / EXISTS sub-query)');
    const anti = explain('SELECT id FROM orders o WHERE NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = o.id AND p.rowtime > o.rowtime)');
    expect(anti).toContain('Join(type=ANTI, keys=1, with residual condition) -- anti join (NOT EXISTS)');
    expect(anti).toContain('(updating result');
  });
});
