import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/process.js';

/**
 * Flink's usual DDL for JSON events whose time is a number or a string: a computed column read as a time
 * carries the WATERMARK (`ts AS TO_TIMESTAMP_LTZ(event_ms, 3)`). `dirk run script.sql` over a JSON lines
 * file: the windows close on that time, and `SELECT *` shows the columns in the DDL's order.
 */
const dir = mkdtempSync(join(tmpdir(), 'dirk-computed-rowtime-'));
const BASE = Date.UTC(2026, 0, 1, 9, 0, 0);
const data = join(dir, 'events.jsonl');
const pad = (n: number, w: number): string => String(n).padStart(w, '0');
writeFileSync(
  data,
  Array.from({ length: 100 }, (_, i) => {
    const ms = BASE + i * 250;
    return JSON.stringify({ user_id: `u${i % 3}`, event_ms: ms, t_s: Math.floor(ms / 1000), t_str: `2026-01-01 09:00:${pad(Math.floor((i * 250) / 1000), 2)}.${pad((i * 250) % 1000, 3)}` });
  }).join('\n') + '\n',
);
const env = { METRICS_PORT: '0' };

function script(name: string, tsExpr: string, insert: string, sink: string): string {
  const p = join(dir, `${name}.sql`);
  writeFileSync(
    p,
    `CREATE TABLE ev (user_id STRING, event_ms BIGINT, t_s BIGINT, t_str STRING, ts AS ${tsExpr}, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '${data}', 'format' = 'json');
CREATE TABLE out_t (${sink}) WITH ('connector' = 'print');
${insert};
`,
  );
  return p;
}

const WINDOWS = "INSERT INTO out_t SELECT window_start, COUNT(*), MAX(ts) FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end";
const WINDOW_SINK = 'window_start TIMESTAMP(3), n BIGINT, last_ts TIMESTAMP(3)';

describe('a computed event-time column in a SQL script', () => {
  const cases: [string, string, string][] = [
    ['TO_TIMESTAMP_LTZ(event_ms, 3)', 'millis', '09:00:09.750'],
    ['TO_TIMESTAMP_LTZ(t_s, 0)', 'seconds', '09:00:09.000'],
    ['TO_TIMESTAMP(FROM_UNIXTIME(t_s))', 'from-unixtime', '09:00:09.000'],
    ['TO_TIMESTAMP(t_str)', 'string', '09:00:09.750'],
    ['CAST(t_str AS TIMESTAMP(3))', 'cast', '09:00:09.750'],
  ];
  for (const [expr, name, last] of cases) {
    it(`${expr}: 10 s windows close on it`, async () => {
      const r = await runCli(['run', script(name, expr, WINDOWS, WINDOW_SINK)], { env, timeoutMs: 60_000 });
      expect(r.code, r.stderr).toBe(0);
      const lines = r.stdout.split('\n').filter((l) => l.startsWith('+I '));
      expect(lines).toEqual([
        `+I {window_start=2026-01-01T09:00:00.000Z, n=40, last_ts=2026-01-01T${last}Z}`,
        expect.stringMatching(/^\+I \{window_start=2026-01-01T09:00:10\.000Z, n=40, /) as unknown as string,
        expect.stringMatching(/^\+I \{window_start=2026-01-01T09:00:20\.000Z, n=20, /) as unknown as string,
      ]);
    }, 90_000);
  }

  it('SELECT * keeps the DDL order, the time read from the same field as a column', async () => {
    const r = await runCli(['run', script('star', 'TO_TIMESTAMP_LTZ(event_ms, 3)', 'INSERT INTO out_t SELECT * FROM ev WHERE event_ms % 1000 = 250', 'user_id STRING, event_ms BIGINT, t_s BIGINT, t_str STRING, ts TIMESTAMP(3)')], { env, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('+I {user_id=u1, event_ms=1767258000250, t_s=1767258000, t_str=2026-01-01 09:00:00.250, ts=2026-01-01T09:00:00.250Z}');
  }, 90_000);

  it('another expression is a SQL error naming the forms it may take', async () => {
    const r = await runCli(['run', script('bad', 'event_ms + 1', WINDOWS, WINDOW_SINK)], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 1, column \d+: WATERMARK FOR ts: the computed event-time column must read one column of the record as a time: TO_TIMESTAMP_LTZ\(<BIGINT column>, 3\)/);
  });
});
