import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { T, type Field } from '../../src/core/types.js';
import { createInfluxSink } from '../../src/connectors/influxdb/influx-sink.js';
import { createTelemetry } from '../../src/telemetry/index.js';

function influxUrl(): string {
  try {
    return inject('influxUrl');
  } catch {
    return process.env['DIRK_TEST_INFLUX_URL'] ?? '';
  }
}

const url = influxUrl();

async function influxql(q: string, db?: string): Promise<{ results: { series?: { name: string; columns: string[]; values: unknown[][] }[]; error?: string }[] }> {
  const params = new URLSearchParams({ q, epoch: 'ms' });
  if (db) params.set('db', db);
  const res = await fetch(`${url}/query?${params.toString()}`, { method: 'POST' });
  expect(res.status).toBe(200);
  return (await res.json()) as Awaited<ReturnType<typeof influxql>>;
}

const columns: Field[] = [
  { name: 'tag_service_type', type: T.STRING },
  { name: 'label_area', type: T.STRING },
  { name: 'number_of_bookings', type: T.BIGINT },
  { name: 'total_amount', type: T.DOUBLE },
  { name: 'is_peak', type: T.BOOLEAN },
  { name: 'city', type: T.STRING },
  { name: 'window_timestamp', type: T.TIMESTAMP },
];

// Skipped only on a developer machine without Debian's influxdb package (global setup says so loudly);
// under CI=true a missing InfluxDB fails the whole run instead.
describe.skipIf(!url)('influx sink against InfluxDB', () => {
  it('writes one point per row and reads them back with InfluxQL', async () => {
    const db = `dirk_test_${randomBytes(4).toString('hex')}`;
    await influxql(`CREATE DATABASE ${db}`);
    try {
      const telemetry = createTelemetry({ jobId: 'influx-it' });
      const sink = createInfluxSink({
        url,
        database: db,
        measurement: 'booking_count',
        columns,
        batchSize: 3,
        logger: silentLogger,
        metrics: telemetry.sinkMetrics('influx'),
      });
      await sink.open();
      const t0 = Date.UTC(2024, 0, 1, 10, 0);
      sink.write({
        kind: 'data',
        rows: Array.from({ length: 8 }, (_, i) => [
          i % 2 ? 'GO_RIDE' : 'GO_FOOD',
          `area-${i % 3}`,
          2 ** 40 + i,
          i * 1.25,
          i % 4 === 0,
          i === 5 ? null : `c${i}`,
          t0 + i * 60_000,
        ]),
      });
      await sink.flush();
      await sink.close();

      const r = await influxql('SELECT * FROM booking_count ORDER BY time', db);
      const s = r.results[0]!.series![0]!;
      const rows = s.values.map((v) => Object.fromEntries(s.columns.map((c, i) => [c, v[i]])));
      expect(rows.length).toBe(8);
      expect(rows[0]).toEqual({
        time: t0,
        tag_service_type: 'GO_FOOD',
        area: 'area-0',
        number_of_bookings: 2 ** 40,
        total_amount: 0,
        is_peak: true,
        city: 'c0',
      });
      expect(rows[5]).toMatchObject({ time: t0 + 5 * 60_000, tag_service_type: 'GO_RIDE', area: 'area-2', city: null, total_amount: 6.25 });

      const tags = await influxql('SHOW TAG KEYS FROM booking_count', db);
      expect(tags.results[0]!.series![0]!.values.flat().sort()).toEqual(['area', 'tag_service_type']);
      const fields = await influxql('SHOW FIELD KEYS FROM booking_count', db);
      expect(Object.fromEntries(fields.results[0]!.series![0]!.values as [string, string][])).toEqual({
        city: 'string',
        is_peak: 'boolean',
        number_of_bookings: 'integer',
        total_amount: 'float',
      });
      expect(await telemetry.metrics()).toContain('dirk_sink_records_total{sink="influx",job="influx-it"} 8');
    } finally {
      await influxql(`DROP DATABASE ${db}`);
    }
  });

  it('counts points beyond the retention policy as late drops, not failures', async () => {
    const db = `dirk_test_${randomBytes(4).toString('hex')}`;
    await influxql(`CREATE DATABASE ${db}`);
    await influxql(`CREATE RETENTION POLICY short ON ${db} DURATION 1h REPLICATION 1`);
    try {
      const telemetry = createTelemetry({ jobId: 'influx-late' });
      const sink = createInfluxSink({
        url,
        database: db,
        retentionPolicy: 'short',
        measurement: 'm',
        columns,
        logger: silentLogger,
        metrics: telemetry.sinkMetrics('influx'),
        lateRecordsDropped: telemetry.sinkLateRecordsDropped('influx'),
      });
      await sink.open();
      sink.write({
        kind: 'data',
        rows: [
          ['A', 'x', 1, 1, true, 'old', Date.UTC(2020, 0, 1)],
          ['A', 'x', 2, 2, true, 'new', Date.now()],
        ],
      });
      await sink.flush();
      await sink.close();
      const text = await telemetry.metrics();
      expect(text).toContain('dirk_sink_late_records_dropped_total{sink="influx",job="influx-late"} 1');
      const r = await influxql('SELECT city FROM short.m', db);
      expect(r.results[0]!.series![0]!.values.map((v) => v[1])).toEqual(['new']);
    } finally {
      await influxql(`DROP DATABASE ${db}`);
    }
  });
});
