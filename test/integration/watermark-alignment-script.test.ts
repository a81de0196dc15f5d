import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/process.js';

/**
 * Flink's watermark alignment table options in a SQL script (`scan.watermark.alignment.group` and
 * `.max-drift`): an interval join of bookings and payments read from two files at the same pace in records,
 * where the payments (one per three bookings over the same 200 s) run three times faster in event time. With
 * alignment the payments are held while they are more than 2 s ahead, and `dirk run` says so; the joined rows
 * are the same as without it. A wrong option is a SQL error at its line and column.
 */
const dir = mkdtempSync(join(tmpdir(), 'dirk-alignment-'));
const BASE = Date.UTC(2026, 0, 1, 9, 0, 0);
const iso = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const BOOKINGS = 20_000;
writeFileSync(join(dir, 'bookings.jsonl'), Array.from({ length: BOOKINGS }, (_, i) => JSON.stringify({ id: i, ts: iso(BASE + i * 10) })).join('\n') + '\n');
// Booking 3k is paid 1 s (k even) or 9 s (k odd) after it: only the first are within the join's 5 s.
writeFileSync(
  join(dir, 'payments.jsonl'),
  Array.from({ length: Math.floor(BOOKINGS / 3) }, (_, k) => JSON.stringify({ id: 3 * k, amount: k, ts: iso(BASE + 3 * k * 10 + (k % 2 === 0 ? 1_000 : 9_000)) })).join('\n') + '\n',
);
const env = { METRICS_PORT: '0', LOG_LEVEL: 'info' };

function script(name: string, alignment: string): string {
  const p = join(dir, `${name}.sql`);
  writeFileSync(
    p,
    `CREATE TABLE b (id BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'bookings.jsonl')}', 'format' = 'json'${alignment ? `, ${alignment}` : ''});
CREATE TABLE p (id BIGINT, amount BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'payments.jsonl')}', 'format' = 'json'${alignment ? `, ${alignment}` : ''});
CREATE TABLE out_t (id BIGINT, amount BIGINT) WITH ('connector' = 'print');
INSERT INTO out_t SELECT b.id, p.amount FROM b JOIN p ON b.id = p.id AND p.ts BETWEEN b.ts AND b.ts + INTERVAL '5' SECOND;
`,
  );
  return p;
}

const rows = (stdout: string): string[] =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('+I '))
    .sort();

describe('watermark alignment in a SQL script', () => {
  it('holds the stream that runs ahead; the joined rows are the same as without it', async () => {
    const aligned = await runCli(['run', script('aligned', "'scan.watermark.alignment.group' = 'g', 'scan.watermark.alignment.max-drift' = '2 s', 'scan.watermark.alignment.update-interval' = '1 s'")], { env, timeoutMs: 90_000 });
    expect(aligned.code, aligned.stderr).toBe(0);
    const plain = await runCli(['run', script('plain', '')], { env, timeoutMs: 90_000 });
    expect(plain.code, plain.stderr).toBe(0);
    const expected = Array.from({ length: Math.floor(BOOKINGS / 3) }, (_, k) => k)
      .filter((k) => k % 2 === 0)
      .map((k) => `+I {id=${3 * k}, amount=${k}}`)
      .sort();
    expect(rows(aligned.stdout)).toEqual(expected);
    expect(rows(plain.stdout)).toEqual(expected);
    const held = /watermark alignment held the stream while it ran ahead table=(\w+) times=(\d+)/.exec(aligned.stderr);
    expect(held?.[1]).toBe('p');
    expect(Number(held?.[2])).toBeGreaterThan(0);
    expect(plain.stderr).not.toMatch(/watermark alignment held/);
  }, 200_000);

  it('a group without its max drift is a SQL error at the option', async () => {
    const r = await runCli(['run', script('nodrift', "'scan.watermark.alignment.group' = 'g'")], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 2, column \d+: CREATE TABLE b: 'scan.watermark.alignment.max-drift' is required with 'scan.watermark.alignment.group'/);
  });

  it('a max drift that is not a duration is a SQL error at the option', async () => {
    const r = await runCli(['run', script('baddrift', "'scan.watermark.alignment.group' = 'g', 'scan.watermark.alignment.max-drift' = 'soon'")], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 2, column \d+: CREATE TABLE b: 'scan.watermark.alignment.max-drift': expected a duration such as '10 min', '30 s' or '500 ms', found 'soon'/);
  });

  it('a table without a WATERMARK cannot be aligned', async () => {
    const p = join(dir, 'nowm.sql');
    writeFileSync(
      p,
      `CREATE TABLE b (id BIGINT) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'bookings.jsonl')}', 'format' = 'json',
  'scan.watermark.alignment.group' = 'g', 'scan.watermark.alignment.max-drift' = '1 s');
CREATE TABLE out_t (id BIGINT) WITH ('connector' = 'print');
INSERT INTO out_t SELECT id FROM b;
`,
    );
    const r = await runCli(['run', p], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 2, column \d+: CREATE TABLE b: watermark alignment needs a WATERMARK/);
  });
});
