import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/logger.js';
import { T, type Row, type TableSchema } from '../../../src/core/types.js';
import { createDatagenSource, createRowGenerator } from '../../../src/connectors/datagen/datagen-source.js';
import { createTelemetry } from '../../../src/telemetry/index.js';

const schema: TableSchema = {
  name: 'booking',
  columns: [
    { name: 'order_id', type: T.BIGINT },
    { name: 'service_type', type: T.STRING },
    { name: 'amount', type: T.DOUBLE },
    { name: 'active', type: T.BOOLEAN },
    { name: 'pickup', type: T.row([{ name: 'lat', type: T.DOUBLE }, { name: 'area', type: T.STRING }]) },
    { name: 'tags', type: T.array(T.STRING) },
    { name: 'meta', type: T.map(T.STRING, T.INT) },
    { name: 'rowtime', type: T.ROWTIME },
  ],
  rowtimeIndex: 7,
};

describe('datagen', () => {
  it('is deterministic per seed and typed by the schema', () => {
    const a = createRowGenerator(schema, { seed: 7 }).batch(100);
    const b = createRowGenerator(schema, { seed: 7 }).batch(100);
    const c = createRowGenerator(schema, { seed: 8 }).batch(100);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (const r of a) {
      expect(typeof r[0]).toBe('number');
      expect(r[1]).toMatch(/^service_type-\d$/);
      expect(typeof r[3]).toBe('boolean');
      expect(r[4]).toMatchObject({ lat: expect.any(Number) as unknown, area: expect.stringMatching(/^area-/) as unknown });
      expect(Array.isArray(r[5])).toBe(true);
      expect(r[6]).toBeInstanceOf(Map);
    }
    expect(new Set(a.map((r) => r[1])).size).toBeLessThanOrEqual(10);
  });

  it('advances event time with bounded out-of-orderness', () => {
    const start = Date.UTC(2024, 0, 1);
    const rows = createRowGenerator(schema, { startTime: start, eventIntervalMs: 100, outOfOrdernessMs: 250, vocabulary: { service_type: 3 } }).batch(1000);
    let max = -Infinity;
    let late = 0;
    rows.forEach((r, i) => {
      const t = r[7] as number;
      expect(t).toBeLessThanOrEqual(start + i * 100);
      expect(t).toBeGreaterThanOrEqual(start + i * 100 - 250);
      if (t < max) late++;
      max = Math.max(max, t);
      expect(max - t).toBeLessThanOrEqual(350);
    });
    expect(late).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r[1])).size).toBe(3);
  });

  it('runs as a bounded source in batches and resumes after seek with the same rows', async () => {
    const collect = async (seek?: Record<string, string>): Promise<{ rows: Row[]; sizes: number[]; pos: Record<string, string> }> => {
      const src = createDatagenSource({ table: schema, rows: 2500, batchSize: 1000, seed: 3 });
      if (seek) src.seek!(seek);
      const rows: Row[] = [];
      const sizes: number[] = [];
      await src.run({
        logger: silentLogger,
        metrics: createTelemetry({ jobId: 'x' }).sourceMetrics('booking'),
        deliver: async (b) => {
          sizes.push(b.rows.length);
          rows.push(...b.rows);
        },
      });
      return { rows, sizes, pos: { ...src.positions() } };
    };
    const all = await collect();
    expect(all.sizes).toEqual([1000, 1000, 500]);
    expect(all.pos).toEqual({ datagen: '2500' });
    const rest = await collect({ datagen: '1000' });
    expect(rest.rows).toEqual(all.rows.slice(1000));
  });

  it('an unbounded source stops on stop()', async () => {
    const src = createDatagenSource({ table: schema, rows: Infinity, batchSize: 100 });
    let n = 0;
    const done = src.run({
      logger: silentLogger,
      metrics: createTelemetry({ jobId: 'x' }).sourceMetrics('booking'),
      deliver: async (b) => {
        n += b.rows.length;
        if (n >= 1000) await src.stop();
      },
    });
    await done;
    expect(n).toBe(1000);
  });
});
