import { describe, expect, it } from 'vitest';
import { T, type Row, type TableSchema } from '../../../src/core/types.js';
import { decimalToJavaString as decimalToString } from '../../../src/core/decimal.js';
import { createFlinkRowGenerator, fieldOptionsProblem, flinkDurationMs } from '../../../src/connectors/datagen/flink-fields.js';
import { createDatagenSource } from '../../../src/connectors/datagen/datagen-source.js';
import { silentLogger } from '../../../src/core/logger.js';
import { createTelemetry } from '../../../src/telemetry/index.js';

/** Flink's datagen rules (a SQL script's 'connector' = 'datagen'): ranges, sequences, lengths, nulls, time. */
const schema: TableSchema = {
  name: 'orders',
  columns: [
    { name: 'id', type: T.BIGINT, nullable: true },
    { name: 'qty', type: T.INT, nullable: true },
    { name: 'price', type: T.decimal(10, 2), nullable: true },
    { name: 'score', type: T.DOUBLE, nullable: true },
    { name: 'buyer', type: T.STRING, nullable: true },
    { name: 'flag', type: T.BOOLEAN, nullable: true },
    { name: 'tags', type: T.array(T.INT), nullable: true },
    { name: 'ts', type: T.ROWTIME, nullable: false },
  ],
  rowtimeIndex: 7,
};

const rows = (n: number, fields: Record<string, Record<string, string>>): Row[] => {
  const g = createFlinkRowGenerator(schema, fields, 'fields');
  return Array.from({ length: Math.min(n, g.limit) }, () => g.next());
};

describe("Flink's datagen rules", () => {
  it('keeps random numbers within min and max, and strings at their length', () => {
    const out = rows(2000, {
      id: { min: '-5', max: '5' },
      qty: { min: '1', max: '3' },
      price: { min: '10', max: '20' },
      score: { min: '0.5', max: '0.75' },
      buyer: { length: '7' },
      tags: { length: '2' },
    });
    const qty = new Set(out.map((r) => r[1]));
    expect([...qty].sort()).toEqual([1, 2, 3]);
    for (const r of out) {
      expect(r[0]).toBeGreaterThanOrEqual(-5);
      expect(r[0]).toBeLessThanOrEqual(5);
      const price = Number(decimalToString(r[2] as never));
      expect(price).toBeGreaterThanOrEqual(10);
      expect(price).toBeLessThanOrEqual(20);
      expect(decimalToString(r[2] as never)).toMatch(/^\d+\.\d\d$/);
      expect(r[3]).toBeGreaterThanOrEqual(0.5);
      expect(r[3]).toBeLessThanOrEqual(0.75);
      expect(r[4]).toMatch(/^[0-9a-f]{7}$/);
      expect(typeof r[5]).toBe('boolean');
      expect(r[6]).toHaveLength(2);
    }
  });

  it('uses the whole range of a type by default (BIGINT beyond 2^53 exact)', () => {
    const out = rows(200, {});
    expect(out.some((r) => typeof r[0] === 'bigint')).toBe(true);
    expect(out.some((r) => (r[1] as number) < 0) && out.some((r) => (r[1] as number) > 0)).toBe(true);
    expect((out[0]![4] as string).length).toBe(100);
  });

  it('counts sequences from start to end and ends the source there', () => {
    const g = createFlinkRowGenerator(schema, { id: { kind: 'sequence', start: '9007199254740990', end: '9007199254740994' }, buyer: { kind: 'sequence', start: '1', end: '10' } }, 'fields');
    expect(g.limit).toBe(5);
    const out = Array.from({ length: 5 }, () => g.next());
    expect(out.map((r) => r[0])).toEqual([9007199254740990, 9007199254740991, 9007199254740992n, 9007199254740993n, 9007199254740994n]);
    expect(out.map((r) => r[4])).toEqual(['1', '2', '3', '4', '5']);
  });

  it('makes nullable columns null at the null rate, never the event time', () => {
    const out = rows(300, { qty: { 'null-rate': '1' }, buyer: { 'null-rate': '0.5' }, ts: { 'null-rate': '1' } });
    expect(out.every((r) => r[1] === null)).toBe(true);
    const nulls = out.filter((r) => r[4] === null).length;
    expect(nulls).toBeGreaterThan(60);
    expect(nulls).toBeLessThan(240);
    expect(out.every((r) => typeof r[7] === 'number')).toBe(true);
  });

  it('draws timestamps from the last max-past of the wall clock, var-len strings shorter', () => {
    const before = Date.now();
    const out = rows(500, { ts: { 'max-past': '10 s' }, buyer: { length: '8', 'var-len': 'true' } });
    const after = Date.now();
    for (const r of out) {
      expect(r[7]).toBeGreaterThanOrEqual(before - 10_000);
      expect(r[7]).toBeLessThanOrEqual(after);
      expect((r[4] as string).length).toBeGreaterThanOrEqual(1);
      expect((r[4] as string).length).toBeLessThanOrEqual(8);
    }
    expect(new Set(out.map((r) => (r[4] as string).length)).size).toBeGreaterThan(1);
    expect(Math.min(...out.map((r) => r[7] as number))).toBeLessThan(before - 1000);
    expect(flinkDurationMs('x', '5000')).toBe(5000);
    expect(flinkDurationMs('x', '2 min')).toBe(120_000);
  });

  it('names the column and option of a mistake', () => {
    expect(fieldOptionsProblem({ kind: 'seq' })).toEqual({ option: 'kind', message: "'seq' is not supported; use 'random' or 'sequence'" });
    expect(fieldOptionsProblem({ kind: 'sequence', start: '1' })?.message).toContain("needs both 'start' and 'end'");
    expect(fieldOptionsProblem({ min: '5', max: '1' })?.option).toBe('max');
    expect(fieldOptionsProblem({ colour: 'red' })?.option).toBe('colour');
    expect(fieldOptionsProblem({ 'null-rate': '2' })?.option).toBe('null-rate');
    expect(() => rows(1, { nope: { min: '1' } })).toThrow('fields.nope: the table orders has no column nope');
    expect(() => rows(1, { flag: { kind: 'sequence', start: '1', end: '2' } })).toThrow("fields.flag: 'kind' = 'sequence' is for numeric and string columns, not BOOLEAN");
    expect(() => rows(1, { qty: { kind: 'sequence', start: '0', end: '3000000000' } })).toThrow('must stay within');
    expect(() => rows(1, { buyer: { kind: 'sequence', start: '1', end: '2', length: '3' } })).toThrow("'length' is an option of the random generator");
  });

  it('as a source: number-of-rows and a sequence, whichever ends first', async () => {
    const run = async (total: number, end: string): Promise<number> => {
      const source = createDatagenSource({ table: schema, rows: total, flinkFields: { id: { kind: 'sequence', start: '1', end } } });
      let n = 0;
      await source.run({
        logger: silentLogger,
        metrics: createTelemetry({ jobId: 'x' }).sourceMetrics('orders'),
        deliver: async (b) => void (n += b.rows.length),
      });
      return n;
    };
    expect(await run(10, '100')).toBe(10);
    expect(await run(Infinity, '25')).toBe(25);
  });
});
