import { describe, expect, it } from 'vitest';
import { isProctimeType, T, typeToString, type TableSchema } from '../../../src/core/types.js';
import { scriptToConfig } from '../../../src/job/sql-script.js';
import { explainPlan } from '../../../src/plan/printer.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import { planSql } from '../../../src/sql/planner.js';
import { createFunctionCatalog } from '../../../src/udf/registry.js';

/** The processing-time attribute in plans: how a plan node's field says it is one, and what keeps it one. */
const BID: TableSchema = {
  name: 'bid',
  columns: [
    { name: 'auction', type: T.BIGINT },
    { name: 'price', type: T.BIGINT },
    { name: 'dateTime', type: T.ROWTIME },
  ],
  rowtimeIndex: 2,
};
const functions = createFunctionCatalog(builtinFunctions);
const plan = (sql: string) => planSql(sql, { table: (n) => (n === 'bid' ? BID : undefined), tableNames: () => ['bid'], functions });
const proctimeColumns = (sql: string) => plan(sql).root.fields.filter((f) => isProctimeType(f.type)).map((f) => f.name);

describe('PROCTIME attribute', () => {
  it('is TIMESTAMP_LTZ(3) *PROCTIME*, and not an event-time attribute', () => {
    expect(typeToString(T.PROCTIME)).toBe('TIMESTAMP_LTZ(3) *PROCTIME*');
    const p = plan('SELECT auction, PROCTIME() AS p FROM bid');
    expect(p.root.fields[1]!.type).toEqual(T.PROCTIME);
    expect(p.root.rowtimeIndex).toBeUndefined();
    expect(explainPlan(p)).toContain('p TIMESTAMP_LTZ(3) *PROCTIME*');
    expect(explainPlan(p)).toContain('p=PROCTIME()');
  });

  it('stays an attribute through views, sub-queries, SELECT * and filters', () => {
    expect(proctimeColumns('SELECT * FROM (SELECT *, PROCTIME() AS p_time FROM bid) WHERE price > 1')).toEqual(['p_time']);
    expect(proctimeColumns('CREATE VIEW B AS SELECT *, PROCTIME() AS p_time FROM bid; SELECT auction, p_time AS t FROM B')).toEqual(['t']);
  });

  it('becomes a plain TIMESTAMP in an expression, a CAST or a group key', () => {
    expect(proctimeColumns("SELECT p + INTERVAL '1' SECOND AS a, CAST(p AS TIMESTAMP(3)) AS b FROM (SELECT *, PROCTIME() AS p FROM bid)")).toEqual([]);
    expect(proctimeColumns('SELECT p, COUNT(*) FROM (SELECT *, PROCTIME() AS p FROM bid) GROUP BY p')).toEqual([]);
  });

  it('a script computed column is left out of the record schema and planned over the scan', () => {
    const script = `CREATE TABLE bid (auction BIGINT, p AS PROCTIME(), price BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'kafka', 'topic' = 'b', 'properties.bootstrap.servers' = 'x:1');
CREATE TABLE out (auction BIGINT, p TIMESTAMP_LTZ(3)) WITH ('connector' = 'print');
INSERT INTO out SELECT auction, p FROM bid;`;
    const config = scriptToConfig(script);
    const stream = (config['STREAMS'] as Record<string, string>[])[0]!;
    expect(Object.keys((JSON.parse(stream['INPUT_SCHEMA_JSON_SCHEMA']!) as { properties: object }).properties)).toEqual(['auction', 'price', 'ts']);
    const table: TableSchema = { name: 'bid', columns: [{ name: 'auction', type: T.BIGINT }, { name: 'price', type: T.BIGINT }, { name: 'ts', type: T.ROWTIME }], rowtimeIndex: 2 };
    const p = planSql(script, { table: (n) => (n === 'bid' ? table : undefined), tableNames: () => ['bid'], functions });
    expect(isProctimeType(p.root.fields[1]!.type)).toBe(true);
    expect(explainPlan(p)).toContain('Project(auction=auction, p=PROCTIME(), price=price, ts=ts)');
  });

  it('a script source table without a watermark has no event-time field and no rowtime config', () => {
    const config = scriptToConfig(`CREATE TABLE bid (auction BIGINT, p AS PROCTIME()) WITH ('connector' = 'kafka', 'topic' = 'b', 'properties.bootstrap.servers' = 'x:1');
CREATE TABLE out (auction BIGINT) WITH ('connector' = 'print');
INSERT INTO out SELECT auction FROM bid;`);
    const stream = (config['STREAMS'] as Record<string, unknown>[])[0]!;
    expect(stream['INPUT_SCHEMA_TABLE']).toBe('bid');
    expect(stream).not.toHaveProperty('INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME');
    expect(config).not.toHaveProperty('FLINK_ROWTIME_ATTRIBUTE_NAME');
  });

  it('a watermark on a computed column is refused at its position', () => {
    expect(() => scriptToConfig(`CREATE TABLE bid (auction BIGINT, p AS PROCTIME(), WATERMARK FOR p AS p) WITH ('connector' = 'kafka', 'topic' = 'b', 'properties.bootstrap.servers' = 'x:1');
CREATE TABLE out (auction BIGINT) WITH ('connector' = 'print');
INSERT INTO out SELECT auction FROM bid;`)).toThrow('SQL error at line 1, column 52: WATERMARK FOR p: a processing-time attribute (PROCTIME()) cannot carry a watermark');
  });
});
