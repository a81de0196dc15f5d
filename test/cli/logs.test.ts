import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/process.js';

/** DIRK_LOG_FORMAT=json: every stderr line parses back, with time, level, job and msg first. */
const dir = mkdtempSync(join(tmpdir(), 'dirk-logs-'));
const job = join(dir, 'datagen.json');
writeFileSync(
  job,
  JSON.stringify({
    FLINK_JOB_ID: 'log-test',
    STREAMS: [
      {
        INPUT_SCHEMA_TABLE: 't',
        INPUT_DATATYPE: 'JSON',
        INPUT_SCHEMA_JSON_SCHEMA: { type: 'object', properties: { a: { type: 'integer' }, ts: { type: 'string', format: 'date-time' } } },
        INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'ts',
        SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'DATAGEN_SOURCE' }],
        SOURCE_DATAGEN_ROWS: '600',
        SOURCE_DATAGEN_RATE_PER_SECOND: '400',
      },
    ],
    FLINK_SQL_QUERY: "SELECT COUNT(1) AS n, TUMBLE_END(rowtime, INTERVAL '1' SECOND) AS w FROM t GROUP BY TUMBLE(rowtime, INTERVAL '1' SECOND)",
    SINK_TYPE: 'log',
    METRIC_TELEMETRY_ENABLE: 'false',
  }),
);

describe('logs', () => {
  it('DIRK_LOG_FORMAT=json: stable fields, progress lines and a summary at the end of a bounded run', async () => {
    const r = await runCli(['run', job, '--progress-interval', '0.2'], { env: { DIRK_LOG_FORMAT: 'json' } });
    expect(r.code).toBe(0);
    const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const l of lines) {
      expect(Object.keys(l).slice(0, 4)).toEqual(['time', 'level', 'job', 'msg']);
      expect(Number.isNaN(Date.parse(l['time'] as string))).toBe(false);
      expect(l['job']).toBe('log-test');
    }
    const progress = lines.filter((l) => l['msg'] === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(Object.keys(progress[0]!)).toEqual(expect.arrayContaining(['records_in', 'records_out', 'in_per_second', 'out_per_second', 'late', 'bad']));
    const summary = lines.filter((l) => l['msg'] === 'summary');
    expect(summary).toHaveLength(1);
    const windows = r.stdout.trim().split('\n').length;
    expect(summary[0]).toMatchObject({ level: 'info', records_read: 600, records_written: windows, late: 0, bad: 0, udf_errors: 0 });
    expect(lines.at(-1)!['msg']).toBe('job finished');
  });

  it('text logs by default; a bad --progress-interval is a user error', async () => {
    const r = await runCli(['run', job, '--progress-interval', '0']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^\S+Z INFO {2}summary records_read=600 records_written=\d+ late=0 bad=0 udf_errors=0 duration_seconds=[\d.]+$/m);
    expect(r.stderr).not.toContain('progress');
    const bad = await runCli(['run', job, '--progress-interval', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error: --progress-interval: expected seconds >= 0 (0 turns progress lines off), found "soon"\n');
  });
});
