import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/core/logger.js';
import { T, type Row, type TableSchema } from '../../../src/core/types.js';
import type { StreamConfig } from '../../../src/config/index.js';
import { createLateRecordOutput, LOG_LINES_PER_WINDOW, type LateProducer } from '../../../src/job/late-records.js';
import { buildDataflow, type LateInfo } from '../../../src/runtime/dataflow.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import { planSql } from '../../../src/sql/planner.js';
import { createFunctionCatalog } from '../../../src/udf/registry.js';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const booking: TableSchema = {
  name: 'booking',
  columns: [
    { name: 'order_number', type: T.STRING },
    { name: 'amount', type: T.DOUBLE },
    { name: 'rowtime', type: T.ROWTIME },
  ],
  rowtimeIndex: 2,
};
const payment: TableSchema = { name: 'payment', columns: [{ name: 'order_id', type: T.STRING }, { name: 'rowtime', type: T.ROWTIME }], rowtimeIndex: 1 };
const catalog = {
  table: (n: string) => [booking, payment].find((t) => t.name === n),
  tableNames: () => ['booking', 'payment'],
  functions: createFunctionCatalog(builtinFunctions),
};

/** Runs a query, pushing `before`, then a watermark, then `after` into one table; returns the late calls. */
function lateCalls(sql: string, table: string, before: Row[], watermark: number, after: Row[]): { rows: Row[]; info: LateInfo }[] {
  const calls: { rows: Row[]; info: LateInfo }[] = [];
  const flow = buildDataflow(planSql(sql, catalog), { data() {}, watermark() {} }, { hooks: { late: (rows, info) => calls.push({ rows, info }) }, retentionMs: 0, now: () => 0 });
  for (const i of flow.inputs) if (i.table !== table) i.watermark(watermark);
  const port = flow.inputs.find((i) => i.table === table)!;
  port.push(before);
  port.watermark(watermark);
  port.push(after);
  return calls;
}

function stream(table: string, lateRecords: StreamConfig['lateRecords']): StreamConfig {
  return { index: 0, table, lateRecords, kafka: { bootstrapServers: ['127.0.0.1:9092'] } } as unknown as StreamConfig;
}

function memoryLogger(): Logger & { lines: { msg: string; fields?: Record<string, unknown> }[] } {
  const lines: { msg: string; fields?: Record<string, unknown> }[] = [];
  const l = {
    lines,
    debug() {},
    info() {},
    warn: (msg: string, fields?: Record<string, unknown>) => void lines.push(fields ? { msg, fields } : { msg }),
    error() {},
    child: () => l,
  };
  return l;
}

const windowInfo = (): LateInfo => lateCalls(
  "SELECT COUNT(*) FROM booking GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE)",
  'booking',
  [['o1', 1, T0 + 1000]],
  T0 + 60_000,
  [['o2', 2.5, T0 + 30_000]],
)[0]!.info;

describe('late rows: what the dataflow hook carries', () => {
  it('a window aggregate reports its label, watermark, input columns and table', () => {
    const calls = lateCalls("SELECT COUNT(*) FROM booking GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE)", 'booking', [['o1', 1, T0 + 1000]], T0 + 60_000, [['o2', 2.5, T0 + 30_000]]);
    expect(calls).toHaveLength(1);
    const { rows, info } = calls[0]!;
    expect(rows).toEqual([['o2', 2.5, T0 + 30_000]]);
    expect(info.operator).toBe('WindowAggregate[TUMBLE panes of 60000 ms]');
    expect(info.watermark).toBe(T0 + 60_000);
    expect(info.table).toBe('booking');
    expect(info.fields.map((f) => f.name)).toEqual(['order_number', 'amount', 'rowtime']);
    expect(info.rowtimeIndex).toBe(2);
  });

  it('an interval join names the side (and the table) the late row came from', () => {
    const calls = lateCalls(
      "SELECT b.order_number FROM booking b JOIN payment p ON b.order_number = p.order_id AND p.rowtime BETWEEN b.rowtime AND b.rowtime + INTERVAL '1' MINUTE",
      'payment',
      [],
      T0 + 120_000,
      [['o1', T0]],
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]!.info).toMatchObject({ input: 1, table: 'payment', operator: 'IntervalJoin[INNER, right.time - left.time in [0 ms, 60000 ms]]' });
    expect(calls[0]!.info.fields.map((f) => f.name)).toEqual(['order_id', 'rowtime']);
  });
});

describe('late record policies', () => {
  it('DROP counts per table and writes nothing', async () => {
    const counts = new Map<string, number>();
    const out = createLateRecordOutput({
      streams: [stream('booking', { mode: 'DROP' })],
      logger: memoryLogger(),
      lateRecords: (t) => ({ inc: (n = 1) => void counts.set(t, (counts.get(t) ?? 0) + n) }),
    });
    out.late([['o2', 2.5, T0 + 30_000], ['o3', 1, T0]], windowInfo());
    out.late([['x', 1, T0]], { ...windowInfo(), table: undefined, tables: ['booking', 'payment'] });
    await out.flush();
    expect(Object.fromEntries(counts)).toEqual({ booking: 2, '*': 1 });
  });

  it('LOG writes a warn line per row with its columns by name, rate-limited', async () => {
    const logger = memoryLogger();
    let now = 1_000_000;
    const out = createLateRecordOutput({ streams: [stream('booking', { mode: 'LOG' })], logger, lateRecords: () => ({ inc() {} }), now: () => now });
    out.late([['o2', 2.5, T0 + 30_000]], windowInfo());
    expect(logger.lines).toEqual([
      {
        msg: 'late record dropped: WindowAggregate[TUMBLE panes of 60000 ms]: event time 2026-01-01T09:00:30.000Z is behind watermark 2026-01-01T09:01:00.000Z',
        fields: { table: 'booking', row: '{"order_number":"o2","amount":2.5,"rowtime":"2026-01-01T09:00:30.000Z"}' },
      },
    ]);
    const many: Row[] = Array.from({ length: 30 }, (_, i) => [`m${i}`, i, T0]);
    out.late(many, windowInfo());
    expect(logger.lines).toHaveLength(LOG_LINES_PER_WINDOW);
    now += 10_000;
    out.late([['later', 1, T0]], windowInfo());
    expect(logger.lines[LOG_LINES_PER_WINDOW]!.msg).toBe('21 more late record(s) were not logged (at most 10 lines per 10 s)');
    expect(logger.lines[LOG_LINES_PER_WINDOW + 1]!.fields!['row']).toContain('"later"');
    await out.close();
  });

  it('TOPIC sends JSON objects keyed by column name with a dirk-late-reason header', async () => {
    const sent: Parameters<LateProducer['send']>[0][] = [];
    let connects = 0;
    const producer: LateProducer = {
      connect: async () => void connects++,
      send: async (r) => void sent.push(r),
      disconnect: async () => {},
    };
    const out = createLateRecordOutput({
      streams: [stream('booking', { mode: 'TOPIC', topic: 'late-bookings' })],
      logger: memoryLogger(),
      lateRecords: () => ({ inc() {} }),
      producer: () => producer,
    });
    await out.open();
    out.late([['o2', 2.5, T0 + 30_000]], windowInfo());
    await out.flush();
    expect(connects).toBe(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.topic).toBe('late-bookings');
    const m = sent[0]!.messages[0]!;
    expect(JSON.parse(m.value.toString('utf8'))).toEqual({ order_number: 'o2', amount: 2.5, rowtime: '2026-01-01T09:00:30.000Z' });
    expect(m.headers).toEqual({
      'dirk-late-reason': 'WindowAggregate[TUMBLE panes of 60000 ms]: event time 2026-01-01T09:00:30.000Z is behind watermark 2026-01-01T09:01:00.000Z',
      'dirk-table': 'booking',
    });
    await out.close();
  });

  it('TOPIC: a failed send fails the next flush (so the checkpoint does not commit)', async () => {
    const out = createLateRecordOutput({
      streams: [stream('booking', { mode: 'TOPIC', topic: 'late' })],
      logger: memoryLogger(),
      lateRecords: () => ({ inc() {} }),
      producer: () => ({ connect: async () => {}, send: async () => Promise.reject(new Error('broker gone')), disconnect: async () => {} }),
    });
    out.late([['o2', 2.5, T0]], windowInfo());
    await expect(out.flush()).rejects.toThrow('cannot write 1 late record(s) to late: broker gone');
    await out.flush();
  });
});
