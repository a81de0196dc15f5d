import { describe, expect, it } from 'vitest';
import { RowKind, T, type Row, type TableSchema } from '../../../src/core/types.js';
import { buildDataflow } from '../../../src/runtime/dataflow.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import { planSql } from '../../../src/sql/planner.js';
import { defineScalar } from '../../../src/udf/api.js';
import { createFunctionCatalog } from '../../../src/udf/registry.js';

/** Async functions run where the runtime lifts them out: filters, projections (HAVING included) and aggregation inputs. */
const TABLE: TableSchema = {
  name: 't',
  columns: [
    { name: 'k', type: T.STRING },
    { name: 'x', type: T.BIGINT },
    { name: 'rowtime', type: T.ROWTIME },
  ],
  rowtimeIndex: 2,
};

const Lookup = defineScalar({
  name: 'Lookup',
  signatures: [{ params: ['STRING'], returns: 'STRING' }],
  evalAsync: async (s) => {
    await new Promise((r) => setTimeout(r, 1));
    return `${String(s)}!`;
  },
});

const functions = createFunctionCatalog(builtinFunctions).with([Lookup], 'test');
const plan = (query: string) => planSql(query, { table: (n) => (n === 't' ? TABLE : undefined), tableNames: () => ['t'], functions });

async function run(query: string, rows: Row[]): Promise<string[]> {
  const out: string[] = [];
  const flow = buildDataflow(
    plan(query),
    {
      data(batch: Row[], kinds?: RowKind[]) {
        batch.forEach((r, i) => out.push(`${kinds?.[i] === RowKind.Delete || kinds?.[i] === RowKind.UpdateBefore ? '-' : '+'}${JSON.stringify(r)}`));
      },
      watermark() {},
    },
    { hooks: { late() {} }, retentionMs: 0, now: () => 0 },
  );
  for (const p of flow.inputs) p.push(rows);
  await flow.settle();
  flow.batchEnd();
  for (const p of flow.inputs) p.watermark(Infinity);
  await flow.settle();
  flow.batchEnd();
  await flow.settle();
  return out;
}

const rows: Row[] = [
  ['a', 1, 1_000],
  ['b', 2, 2_000],
  ['a', 3, 3_000],
];

describe('async functions and where they may be used', () => {
  it('HAVING over a window aggregate is a filter of its results: the async call runs there', async () => {
    const q = "SELECT k, COUNT(*) AS n FROM t GROUP BY k, TUMBLE(rowtime, INTERVAL '1' MINUTE) HAVING Lookup(k) = 'a!'";
    expect(await run(q, rows)).toEqual(['+["a",2]']);
  });

  it('a sub-query computes the value first, so that GROUP BY can use it as a column', async () => {
    const q = "SELECT m, SUM(x) AS s FROM (SELECT Lookup(k) AS m, x, rowtime FROM t) GROUP BY m, TUMBLE(rowtime, INTERVAL '1' MINUTE)";
    expect((await run(q, rows)).sort()).toEqual(['+["a!",4]', '+["b!",2]']);
  });

  it('a GROUP BY key of a window: computed by the async pre-step, the key columns and the SELECT read it', async () => {
    const q = "SELECT Lookup(k) AS m, COUNT(*) AS n, SUM(x) AS s FROM t GROUP BY Lookup(k), TUMBLE(rowtime, INTERVAL '1' MINUTE)";
    expect((await run(q, rows)).sort()).toEqual(['+["a!",2,4]', '+["b!",1,2]']);
  });

  it('aggregate arguments and FILTER clauses of a window, nested in sync expressions', async () => {
    const q =
      "SELECT k, MAX(Lookup(k)) AS m, SUM(CHAR_LENGTH(Lookup(k)) * x) AS s, COUNT(*) FILTER (WHERE Lookup(k) = 'a!') AS fa FROM t GROUP BY k, TUMBLE(rowtime, INTERVAL '1' MINUTE)";
    expect((await run(q, rows)).sort()).toEqual(['+["a","a!",8,2]', '+["b","b!",4,0]']);
  });

  it('a non-windowed GROUP BY key and argument: an updating result', async () => {
    const q = 'SELECT Lookup(k) AS m, SUM(CHAR_LENGTH(Lookup(k))) AS s FROM t GROUP BY Lookup(k)';
    expect(await run(q, rows)).toEqual(['+["a!",4]', '+["b!",2]']);
  });

  it('a join condition, OVER and ROW_NUMBER are rejected with the call position', () => {
    const join = 'SELECT a.k FROM t AS a JOIN t AS b ON Lookup(a.k) = b.k';
    expect(() => plan(join)).toThrow(/at line 1, column 39: function Lookup is asynchronous \(evalAsync\) and cannot be used in a join condition/);
    const over = 'SELECT k, SUM(x) OVER (PARTITION BY Lookup(k) ORDER BY rowtime ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM t';
    expect(() => plan(over)).toThrow(/at line 1, column 37: function Lookup is asynchronous \(evalAsync\) and cannot be used in an OVER window/);
    const rank = 'SELECT k, x FROM (SELECT k, x, ROW_NUMBER() OVER (PARTITION BY Lookup(k) ORDER BY x DESC) AS rn FROM t) WHERE rn <= 2';
    expect(() => plan(rank)).toThrow(/at line 1, column \d+: function Lookup is asynchronous \(evalAsync\) and cannot be used in the PARTITION BY or ORDER BY of ROW_NUMBER\(\)/);
  });

  it('a table function argument and UNNEST are rejected', () => {
    expect(() => plan("SELECT k, w FROM t CROSS JOIN UNNEST(ARRAY[Lookup(k), 'z']) AS u(w)")).toThrow(
      /function Lookup is asynchronous \(evalAsync\) and cannot be used in UNNEST/,
    );
  });
});
