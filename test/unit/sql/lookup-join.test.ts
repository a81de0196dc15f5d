import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RowKind, T, type Row, type TableSchema } from '../../../src/core/types.js';
import { createJdbcLookups } from '../../../src/connectors/jdbc/jdbc-lookup.js';
import { explainPlan } from '../../../src/plan/printer.js';
import { buildDataflow } from '../../../src/runtime/dataflow.js';
import { LookupCache } from '../../../src/runtime/lookup-join.js';
import { explainPhysical } from '../../../src/runtime/physical-plan.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import { planSql } from '../../../src/sql/planner.js';
import { createFunctionCatalog } from '../../../src/udf/registry.js';

/**
 * Lookup joins against the machine's PostgreSQL (127.0.0.1:5432, trust auth, database test): the join's rows
 * in input order, LEFT padding, NULL keys, the partial cache (TTL on an injected clock, max rows, missing
 * keys), Flink's option checks, errors naming the table without the password, and explain.
 */
const TABLE = `lookup_customers_${process.pid}`;
const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
const functions = createFunctionCatalog(builtinFunctions);
const ORDERS: TableSchema = {
  name: 'orders',
  columns: [
    { name: 'order_id', type: T.STRING },
    { name: 'cid', type: T.BIGINT },
  ],
  rowtimeIndex: undefined,
};

const ddl = (options = '', table = TABLE): string => `CREATE TABLE customers (id BIGINT, name STRING, credit DECIMAL(10, 2), since TIMESTAMP(3)) WITH (
  'connector' = 'jdbc', 'url' = 'jdbc:postgresql://127.0.0.1:5432/test', 'table-name' = '${table}',
  'username' = 'postgres', 'password' = 's3cret-pw'${options});`;

const plan = (sql: string) => planSql(sql, { table: (n) => (n === 'orders' ? ORDERS : undefined), tableNames: () => ['orders'], functions });

const JOIN = (type = 'JOIN', on = 'o.cid = c.id') => `SELECT o.order_id, c.name, c.credit, c.since FROM (SELECT *, PROCTIME() AS pt FROM orders) AS o
  ${type} customers FOR SYSTEM_TIME AS OF o.pt AS c ON ${on}`;

/** Runs the query over batches of orders (each an array of [order_id, cid]); returns the output lines. */
async function run(sql: string, batches: [string, number | null][][], opts: { now?: () => number; between?: (i: number) => Promise<void> } = {}): Promise<string[]> {
  const p = plan(sql);
  const out: string[] = [];
  const lookups = createJdbcLookups({ retryBaseMs: 10 });
  const flow = buildDataflow(
    p,
    {
      data: (rows: Row[], kinds?: RowKind[]) => rows.forEach((r, i) => out.push(`${kinds?.[i] ?? 0}:${r.map((v) => (v === null ? 'NULL' : String(v))).join(',')}`)),
      watermark: () => undefined,
    },
    { hooks: { late: () => undefined }, retentionMs: 0, now: opts.now ?? Date.now, lookups: lookups.clients },
  );
  try {
    await lookups.check();
    for (const [i, b] of batches.entries()) {
      flow.inputs[0]!.push(b.map(([id, cid]) => [id, cid]));
      await flow.settle();
      await opts.between?.(i);
    }
  } finally {
    await lookups.close();
  }
  return out;
}

beforeAll(async () => {
  await client.connect();
  await client.query(`DROP TABLE IF EXISTS ${TABLE}`);
  await client.query(`CREATE TABLE ${TABLE} (id bigint, name text, credit numeric(10,2), since timestamp)`);
  await client.query(`INSERT INTO ${TABLE} VALUES (1, 'ann', 10.50, '2026-01-01 09:00:00'), (2, 'bob', NULL, NULL), (3, 'cy', 1.25, '2026-01-02 00:00:00'), (3, 'cy2', 2.00, NULL)`);
});
afterAll(async () => {
  await client.query(`DROP TABLE IF EXISTS ${TABLE}`);
  await client.end();
});

describe('lookup join against PostgreSQL', () => {
  it('joins each row with its key rows, in input order; a key with two rows gives two', async () => {
    const out = await run(ddl() + JOIN(), [[['o1', 3], ['o2', 1], ['o3', 9], ['o4', 2]], [['o5', 1]]]);
    expect(out).toEqual([
      `0:o1,cy,1.25,${Date.parse('2026-01-02T00:00:00Z')}`,
      '0:o1,cy2,2.00,NULL',
      `0:o2,ann,10.50,${Date.parse('2026-01-01T09:00:00Z')}`,
      '0:o4,bob,NULL,NULL',
      `0:o5,ann,10.50,${Date.parse('2026-01-01T09:00:00Z')}`,
    ]);
  });

  it('LEFT JOIN pads a row without a match (or with a NULL key) with NULLs; a residual condition filters matches', async () => {
    const out = await run(ddl() + JOIN('LEFT JOIN', "o.cid = c.id AND c.name <> 'cy2'"), [[['o1', 9], ['o2', null], ['o3', 3]]]);
    expect(out).toEqual(['0:o1,NULL,NULL,NULL', '0:o2,NULL,NULL,NULL', `0:o3,cy,1.25,${Date.parse('2026-01-02T00:00:00Z')}`]);
  });

  it('a literal equality on the table is part of the lookup key', async () => {
    const out = await run(ddl() + JOIN('JOIN', "o.cid = c.id AND c.name = 'cy2'"), [[['o1', 3], ['o2', 1]]]);
    expect(out).toEqual(['0:o1,cy2,2.00,NULL']);
    expect(explainPlan(plan(ddl() + JOIN('JOIN', "o.cid = c.id AND c.name = 'cy2'")))).toContain("keys=[customers.id=cid, customers.name='cy2']");
  });

  it('the partial cache serves a key until it expires after write (injected clock); without a cache every batch queries', async () => {
    let now = 0;
    const change = async (i: number): Promise<void> => {
      if (i === 0) await client.query(`UPDATE ${TABLE} SET name = 'ann-new' WHERE id = 1`);
      now += 30_000;
    };
    try {
      const cached = await run(ddl(", 'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.expire-after-write' = '1 min'") + JOIN(), [[['a', 1]], [['b', 1]], [['c', 1]]], { now: () => now, between: change });
      expect(cached.map((l) => l.split(',')[1])).toEqual(['ann', 'ann', 'ann-new']);
      await client.query(`UPDATE ${TABLE} SET name = 'ann' WHERE id = 1`);
      now = 0;
      const uncached = await run(ddl() + JOIN(), [[['a', 1]], [['b', 1]]], { now: () => now, between: change });
      expect(uncached.map((l) => l.split(',')[1])).toEqual(['ann', 'ann-new']);
    } finally {
      await client.query(`UPDATE ${TABLE} SET name = 'ann' WHERE id = 1`);
    }
  });

  it('the cache keeps at most max-rows keys (least recently used first), expires after access, and caches missing keys only when asked', () => {
    let now = 0;
    const c = new LookupCache({ maxRows: 2, cacheMissingKey: false, expireAfterAccessMs: 100 }, () => now);
    c.put('a', [[1]]);
    c.put('b', [[2]]);
    expect(c.get('a')).toEqual([[1]]);
    c.put('c', [[3]]);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toEqual([[1]]);
    c.put('missing', []);
    expect(c.get('missing')).toBeUndefined();
    now = 99;
    expect(c.get('a')).toEqual([[1]]);
    now = 199;
    expect(c.get('a')).toBeUndefined();
    const m = new LookupCache({ cacheMissingKey: true, expireAfterWriteMs: 10 }, () => now);
    m.put('missing', []);
    expect(m.get('missing')).toEqual([]);
  });

  it('a table that cannot be read stops the job naming it, and no message shows the password', async () => {
    const err = await run(ddl('', 'no_such_table_here') + JOIN(), [[['a', 1]]]).catch((e: Error) => e);
    expect(String(err)).toContain('lookup table customers (jdbc:postgresql://127.0.0.1:5432/test, table-name no_such_table_here): cannot be read');
    expect(String(err)).not.toContain('s3cret-pw');
    const explained = explainPlan(plan(ddl(", 'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.max-rows' = '100'") + JOIN('LEFT JOIN')));
    expect(explained).toContain(
      `LookupJoin(type=LEFT, table=customers, jdbc jdbc:postgresql://127.0.0.1:5432/test table-name=${TABLE}, cache=PARTIAL(max 100 keys, missing keys cached), keys=[customers.id=cid])`,
    );
    expect(explained).not.toContain('s3cret-pw');
    expect(explainPhysical(plan(ddl() + JOIN()))).toContain('LookupJoin[INNER, customers]');
  });

  it('retries a lookup failing on its connection lookup.max-retries times, then fails naming the table, never the password', async () => {
    const table = plan(ddl(", 'lookup.max-retries' = '2'").replace('127.0.0.1:5432', '127.0.0.1:1') + JOIN()).root;
    const node = table.kind === 'project' && table.input.kind === 'lookupJoin' ? table.input : undefined;
    expect(node).toBeDefined();
    const lookups = createJdbcLookups({ retryBaseMs: 1 });
    try {
      const err = await lookups.clients(node!.table, [0]).lookup([1]).catch((e: Error) => e);
      expect(String(err)).toMatch(/^DirkError: lookup table customers \(jdbc:postgresql:\/\/127\.0\.0\.1:1\/test, table-name lookup_customers_\d+\): the lookup failed after 3 attempts: /);
      expect(String(err)).not.toContain('s3cret-pw');
    } finally {
      await lookups.close();
    }
  });

  it("Flink's options are checked at their positions", () => {
    const bad = (options: string) => () => plan(ddl(options) + JOIN());
    expect(bad(", 'lookup.cache' = 'PARTIAL'")).toThrow("'lookup.cache' = 'PARTIAL' needs a bound");
    expect(bad(", 'lookup.partial-cache.expire-after-write' = 'soon'")).toThrow("expected a duration such as '10 min'");
    expect(bad(", 'lookup.cache' = 'FULL'")).toThrow("'FULL' (the whole table reloaded periodically) is not supported");
    expect(bad(", 'scan.fetch-size' = '10'")).toThrow("line 3, column 54: CREATE TABLE customers: option 'scan.fetch-size' is not supported");
    expect(() => plan(ddl().replace('postgresql', 'mysql') + JOIN())).toThrow("only PostgreSQL is supported");
    // the older options: a cache only when both are set
    const legacy = plan(ddl(", 'lookup.cache.max-rows' = '5', 'lookup.cache.ttl' = '10s', 'lookup.cache.caching-missing-key' = 'false'") + JOIN());
    expect(explainPlan(legacy)).toContain('cache=PARTIAL(max 5 keys, expire 10000 ms after write, missing keys not cached)');
  });

  it('explain shows a temporal join against a versioned table (event time, or processing time)', () => {
    const RATES: TableSchema = {
      name: 'rates',
      columns: [
        { name: 'currency', type: T.STRING },
        { name: 'rate', type: T.INT },
        { name: 'ts', type: T.ROWTIME },
      ],
      rowtimeIndex: 2,
      changelog: true,
      primaryKey: [0],
    };
    const FX: TableSchema = { name: 'fx', columns: [{ name: 'cur', type: T.STRING }, { name: 'ts', type: T.ROWTIME }], rowtimeIndex: 1 };
    const tables = [RATES, FX];
    const planned = (sql: string) => planSql(sql, { table: (n) => tables.find((t) => t.name === n), tableNames: () => ['rates', 'fx'], functions });
    const event = planned('SELECT f.cur, r.rate, f.ts FROM fx AS f LEFT JOIN rates FOR SYSTEM_TIME AS OF f.ts AS r ON f.cur = r.currency');
    expect(explainPlan(event)).toContain("TemporalJoin(type=LEFT, event time: each left row with its key's version at its time, emitted when the watermark passes it, keys=1)");
    expect(explainPhysical(event)).toContain('TemporalJoin[LEFT, event time]');
    expect(event.root.rowtimeIndex).toBe(2);
    const proc = planned('SELECT f.cur, r.rate FROM (SELECT *, PROCTIME() AS p FROM fx) AS f JOIN rates FOR SYSTEM_TIME AS OF f.p AS r ON f.cur = r.currency');
    expect(explainPlan(proc)).toContain("TemporalJoin(type=INNER, processing time: each left row with its key's latest version, keys=1)");
  });

  it('a temporal join keeps its versions and waiting rows through a checkpoint', async () => {
    const RATES: TableSchema = { name: 'rates', columns: [{ name: 'c', type: T.STRING }, { name: 'rate', type: T.INT }, { name: 'ts', type: T.ROWTIME }], rowtimeIndex: 2, changelog: true, primaryKey: [0] };
    const FX: TableSchema = { name: 'fx', columns: [{ name: 'id', type: T.STRING }, { name: 'c', type: T.STRING }, { name: 'ts', type: T.ROWTIME }], rowtimeIndex: 2 };
    const p = planSql('SELECT f.id, r.rate FROM fx AS f JOIN rates FOR SYSTEM_TIME AS OF f.ts AS r ON f.c = r.c', {
      table: (n) => [RATES, FX].find((t) => t.name === n),
      tableNames: () => ['rates', 'fx'],
      functions,
    });
    const flowOf = (out: string[]) =>
      buildDataflow(p, { data: (rows: Row[]) => rows.forEach((r) => out.push(r.join(','))), watermark: () => undefined }, { hooks: { late: () => undefined }, retentionMs: 0, now: () => 0 });
    const first: string[] = [];
    const a = flowOf(first);
    a.inputs[1]!.push([['EUR', 100, 1000], ['EUR', 110, 5000]]);
    a.inputs[0]!.push([['x', 'EUR', 2000], ['y', 'EUR', 6000]]);
    const state = structuredClone(a.snapshot());
    const second: string[] = [];
    const b = flowOf(second);
    b.restore(state);
    b.inputs[0]!.watermark(10_000);
    b.inputs[1]!.watermark(10_000);
    expect(first).toEqual([]);
    expect(second).toEqual(['x,100', 'y,110']);
  });

  it('needs a processing-time attribute, an equality key, and INNER or LEFT', () => {
    expect(() => plan(`${ddl()} SELECT * FROM (SELECT *, CAST(PROCTIME() AS TIMESTAMP(3)) AS pt FROM orders) AS o JOIN customers FOR SYSTEM_TIME AS OF o.pt AS c ON o.cid = c.id`)).toThrow(
      'a lookup join (table customers) needs FOR SYSTEM_TIME AS OF a processing-time attribute (a PROCTIME() column), not the column pt',
    );
    expect(() => plan(ddl() + JOIN('JOIN', 'o.cid > c.id'))).toThrow('a lookup join needs an equality between a column of customers and the left input in ON');
    expect(() => plan(ddl() + JOIN('RIGHT JOIN'))).toThrow('a lookup join is an INNER JOIN or a LEFT JOIN, not RIGHT JOIN');
    expect(() => plan(`${ddl()} SELECT * FROM customers`)).toThrow("table customers is a lookup table ('connector' = 'jdbc')");
    expect(() => plan('SELECT * FROM (SELECT *, PROCTIME() AS pt FROM orders) AS o JOIN orders FOR SYSTEM_TIME AS OF o.pt AS c ON o.cid = c.cid')).toThrow(
      'a temporal join needs a versioned table: orders has no PRIMARY KEY',
    );
  });
});
