import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/logger.js';
import { parseJobConfig } from '../../../src/config/index.js';
import { prepareJob } from '../../../src/job/prepare.js';
import { IN_PROCESS_DEFAULTS, parquetBookingStream, runBoundedJob } from '../../helpers/inprocess-job.js';
import { writeBookings, type BookingRow } from './parquet-files.js';

/**
 * PARQUET_SOURCE end to end, in process: Parquet files written by hyparquet-writer in dt=/hr= folders, read
 * by the job with Dagger's keys, through the SQL engine, to the log sink.
 */
const H9 = Date.UTC(2026, 0, 1, 9, 0, 0);

function booking(i: number, at: number, extra: Partial<BookingRow> = {}): BookingRow {
  return { order_number: `o-${i}`, service_type: i % 2 ? 'GO_FOOD' : 'GO_RIDE', status: 'COMPLETED', event_timestamp: at, order_amount: i, ...extra };
}

function parquetJob(paths: string[], query: string, stream: Record<string, unknown> = {}): Record<string, unknown> {
  return { FLINK_JOB_ID: 'parquet-test', STREAMS: [parquetBookingStream(paths, stream)], FLINK_SQL_QUERY: query, SINK_TYPE: 'log', ...IN_PROCESS_DEFAULTS };
}

const run = runBoundedJob;

describe('PARQUET_SOURCE', () => {
  it('reads dt=/hr= partitions oldest first, row group by row group, within SOURCE_PARQUET_FILE_DATE_RANGE', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dirk-pq-'));
    // Written out of order on purpose; hr=11 lies outside the date range; a _SUCCESS marker is skipped.
    writeBookings(join(root, 'dt=2026-01-01/hr=10/part-0.parquet'), Array.from({ length: 2500 }, (_, i) => booking(1000 + i, H9 + 3_600_000 + i)), { rowGroupSize: 1000 });
    writeBookings(join(root, 'dt=2026-01-01/hr=09/part-0.parquet'), Array.from({ length: 1500 }, (_, i) => booking(i, H9 + i)), { rowGroupSize: 700 });
    writeBookings(join(root, 'dt=2026-01-01/hr=11/part-0.parquet'), [booking(99_999, H9 + 7_200_000)]);
    writeBookings(join(root, 'dt=2026-01-01/hr=09/_SUCCESS'), []);
    const { lines, metrics } = await run(
      parquetJob(
        [root],
        "SELECT TUMBLE_START(rowtime, INTERVAL '1' HOUR) AS ws, COUNT(*) AS n, SUM(order_amount) AS total FROM booking GROUP BY TUMBLE(rowtime, INTERVAL '1' HOUR)",
        { SOURCE_PARQUET_FILE_DATE_RANGE: '2026-01-01T09:00:00Z,2026-01-01T10:00:00Z' },
      ),
    );
    expect(lines).toEqual([
      `+I {ws=2026-01-01T09:00:00.000Z, n=1500, total=${(1499 * 1500) / 2}}`,
      `+I {ws=2026-01-01T10:00:00.000Z, n=2500, total=${2500 * 1000 + (2499 * 2500) / 2}}`,
    ]);
    expect(metrics).toMatch(/dirk_parquet_rows_emitted_total\{[^}]*table="booking"[^}]*\} 4000/);
    expect(metrics).toMatch(/dirk_parquet_files_discovered\{[^}]*\} 3/);
    expect(metrics).toMatch(/dirk_parquet_files_selected\{[^}]*\} 2/);
    expect(metrics).toMatch(/dirk_parquet_readers_created_total\{[^}]*\} 2/);
  });

  it('matches columns to the proto by name: enums, nested groups, lists, maps, int64, timestamps; extra columns ignored', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dirk-pq-'));
    writeBookings(join(root, 'dt=2026-01-01/a.parquet'), [
      booking(1, H9, { tags: ['x', 'y'], pickup: { latitude: 1.5, longitude: 2.5, name: 'gate' }, metadata: { k: 'v' }, driver_id: 9007199254740993n, service_area_id: 7 }),
      booking(2, H9 + 1, { status: 'CANCELLED' }),
    ]);
    const { lines } = await run(
      parquetJob([root], 'SELECT order_number, service_type, status, service_area_id, driver_id, pickup.name AS pickup_name, tags[1] AS first_tag, CARDINALITY(tags) AS ntags, metadata[\'k\'] AS mk, event_timestamp.seconds AS secs FROM booking'),
    );
    expect(lines).toEqual([
      `+I {order_number=o-1, service_type=GO_FOOD, status=COMPLETED, service_area_id=7, driver_id=9007199254740993, pickup_name=gate, first_tag=x, ntags=2, mk=v, secs=${H9 / 1000}}`,
      // Absent values read as protobuf defaults: 0, an empty name in a default Location, no tags, no map entry.
      `+I {order_number=o-2, service_type=GO_RIDE, status=CANCELLED, service_area_id=0, driver_id=0, pickup_name=, ntags=0, secs=${Math.floor((H9 + 1) / 1000)}}`,
    ]);
  });

  it('SAME_SCHEMA_WITH_FAIL_ON_MISMATCH refuses a file without a field the query reads; BACKWARD_COMPATIBLE reads its default', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dirk-pq-'));
    writeBookings(join(root, 'dt=2026-01-01/a.parquet'), [booking(1, H9, { service_area_id: 3 })], { omit: ['service_area_id'] });
    const query = 'SELECT order_number, service_area_id FROM booking';
    await expect(run(parquetJob([root], query))).rejects.toThrow(/has no column "service_area_id" of dirk\.examples\.BookingLogMessage; SOURCE_PARQUET_SCHEMA_MATCH_STRATEGY=SAME_SCHEMA_WITH_FAIL_ON_MISMATCH/);
    const { lines } = await run(parquetJob([root], query, { SOURCE_PARQUET_SCHEMA_MATCH_STRATEGY: 'BACKWARD_COMPATIBLE_SCHEMA_WITH_FAIL_ON_TYPE_MISMATCH' }));
    expect(lines).toEqual(['+I {order_number=o-1, service_area_id=0}']);
    // A missing column the query does not read is no mismatch.
    expect((await run(parquetJob([root], 'SELECT order_number FROM booking'))).lines).toEqual(['+I {order_number=o-1}']);
  });

  it('a type mismatch is a user error naming the file, the column and both types', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dirk-pq-'));
    writeBookings(join(root, 'dt=2026-01-01/a.parquet'), [booking(1, H9, { service_area_id: 3 })], { areaAsString: true });
    await expect(
      run(parquetJob([root], 'SELECT service_area_id FROM booking', { SOURCE_PARQUET_SCHEMA_MATCH_STRATEGY: 'BACKWARD_COMPATIBLE_SCHEMA_WITH_FAIL_ON_TYPE_MISMATCH' })),
    ).rejects.toThrow(/a\.parquet: column "service_area_id" is BYTE_ARRAY \((UTF8|STRING)\), which cannot hold the proto field's type int32/);
  });

  it('a file outside any dt= partition cannot be ordered and is refused by name', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dirk-pq-'));
    writeBookings(join(root, 'loose.parquet'), [booking(1, H9)]);
    await expect(run(parquetJob([root], 'SELECT order_number FROM booking'))).rejects.toThrow(
      /STREAMS\[0\]\.SOURCE_PARQUET_FILE_PATHS: cannot tell the time of .*loose\.parquet .*no dt=YYYY-MM-DD/,
    );
  });
});

describe('Parquet projection pushdown', () => {
  it('names only the columns the query reads (and the rowtime source) to the reader', async () => {
    const { planParquetMapping } = await import('../../../src/connectors/parquet/row-mapper.js');
    const { usedColumns } = await import('../../../src/job/prepare.js');
    const { parquetMetadataAsync, parquetSchema, asyncBufferFromFile } = await import('hyparquet');
    const root = mkdtempSync(join(tmpdir(), 'dirk-pq-'));
    const file = join(root, 'dt=2026-01-01/a.parquet');
    writeBookings(file, [booking(1, H9)]);
    const job = await prepareJob(parseJobConfig(parquetJob([root], "SELECT service_type, COUNT(*) FROM booking GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE), service_type")).config, silentLogger);
    const table = job.tables.get('booking')!.schema;
    const mapping = planParquetMapping(parquetSchema(await parquetMetadataAsync(await asyncBufferFromFile(file))), {
      type: job.registry!.lookupType('dirk.examples.BookingLogMessage'),
      table,
      used: usedColumns(job, 'booking'),
      rowtimeFieldNumber: 5,
      strategy: 'SAME_SCHEMA_WITH_FAIL_ON_MISMATCH',
      file,
    });
    expect(mapping.columns).toEqual(['service_type', 'event_timestamp']);
    job.registry?.close();
  });
});
