import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { freePort } from '../../../helpers/postgres-logical.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_PROCESS_DEFAULTS, parquetBookingStream, runBoundedJob } from '../../../helpers/inprocess-job.js';
import { REPO_ROOT } from '../../../helpers/process.js';
import { writeBookings } from '../../../connectors/parquet/parquet-files.js';

/**
 * The InfluxDB sink's API 2 (/api/v2/write with org, bucket and token) against a real server that speaks it:
 * QuestDB 9.2.2 from Maven Central, started by scripts/questdb.mjs on a free port for this file, and read back
 * with QuestDB's own SQL endpoint (/exec). (API 1 runs against Debian's InfluxDB 1.6.7 in the other influx
 * tests.)
 */
const dir = mkdtempSync(join(tmpdir(), 'dirk-questdb-'));
let base = '';
const H9 = Date.UTC(2026, 0, 1, 9, 0, 0);


function questdb(...args: string[]): void {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'questdb.mjs'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scripts/questdb.mjs ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
}

beforeAll(async () => {
  const port = await freePort();
  questdb('start', String(port), dir);
  base = `http://127.0.0.1:${port}`;
}, 180_000);
afterAll(() => questdb('stop', dir), 30_000);

async function sql(query: string): Promise<{ columns: { name: string }[]; dataset: unknown[][] } | undefined> {
  const res = await fetch(`${base}/exec?${new URLSearchParams({ query })}`);
  if (res.status !== 200) return undefined; // e.g. the table does not exist yet
  return (await res.json()) as { columns: { name: string }[]; dataset: unknown[][] };
}

describe('influx sink, SINK_INFLUX_API_VERSION=2, against QuestDB', () => {
  it('writes every window row as a point that QuestDB reads back', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dirk-questdb-data-'));
    writeBookings(
      join(root, 'dt=2026-01-01/hr=09/part-0.parquet'),
      Array.from({ length: 40 }, (_, i) => ({ order_number: `o-${i}`, service_type: i % 2 ? 'GO_FOOD' : 'GO_RIDE', status: 'COMPLETED', event_timestamp: H9 + i * 3000, order_amount: i })),
    );
    await runBoundedJob({
      FLINK_JOB_ID: 'questdb-test',
      STREAMS: [parquetBookingStream([root])],
      FLINK_SQL_QUERY:
        "SELECT service_type AS tag_service_type, COUNT(*) AS number_of_bookings, SUM(order_amount) AS total_amount, TUMBLE_END(rowtime, INTERVAL '1' MINUTE) AS window_timestamp " +
        "FROM booking GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE), service_type",
      SINK_TYPE: 'influx',
      SINK_INFLUX_API_VERSION: '2',
      SINK_INFLUX_URL: base,
      SINK_INFLUX_ORG: 'dirk',
      SINK_INFLUX_BUCKET: 'bookings',
      SINK_INFLUX_TOKEN: 'not-checked-by-questdb',
      SINK_INFLUX_MEASUREMENT_NAME: 'booking_counts',
      ...IN_PROCESS_DEFAULTS,
    });
    // QuestDB applies its write-ahead log asynchronously: poll until the rows are visible.
    let rows: string[] = [];
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 300))) {
      const r = await sql('SELECT tag_service_type, number_of_bookings, total_amount, timestamp FROM booking_counts ORDER BY timestamp, tag_service_type');
      rows = (r?.dataset ?? []).map((v) => `${String(v[3])} ${String(v[0])} ${String(v[1])} ${String(v[2])}`);
      if (rows.length >= 4) break;
    }
    const t = (ms: number): string => new Date(ms).toISOString().replace('Z', '000Z');
    expect(rows).toEqual([
      `${t(H9 + 60_000)} GO_FOOD 10 100`,
      `${t(H9 + 60_000)} GO_RIDE 10 90`,
      `${t(H9 + 120_000)} GO_FOOD 10 300`,
      `${t(H9 + 120_000)} GO_RIDE 10 290`,
    ]);
  });
});
