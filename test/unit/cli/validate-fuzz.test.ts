/**
 * A bounded fuzz test of `dirk validate` (in-process, through the same entry point the CLI uses): a few
 * hundred mutated job files and SQL queries, generated from a fixed seed, must each end in exit 0 or 2 with
 * no "internal error" and no stack trace. Pathological shapes (long OR chains, deep parentheses, nested
 * CASEs, deeply nested JSON) are included on purpose.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkJobFile } from '../../../src/cli/check.js';
import { silentLogger } from '../../../src/core/logger.js';

const dir = mkdtempSync(join(tmpdir(), 'dirk-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** mulberry32: a small seeded PRNG, so every run checks the same cases. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JSON_SCHEMA = JSON.stringify({
  type: 'object',
  properties: { order_id: { type: 'string' }, service: { type: 'string' }, amount: { type: 'number' }, qty: { type: 'integer' }, event_time: { type: 'integer' } },
});

const BASE: Record<string, unknown> = {
  FLINK_JOB_ID: 'fuzz',
  FLINK_SQL_QUERY: 'SELECT service, COUNT(*) AS n FROM orders GROUP BY TUMBLE(rowtime, INTERVAL \'1\' MINUTE), service',
  SINK_TYPE: 'log',
  METRIC_TELEMETRY_ENABLE: 'false',
  STREAMS: [
    {
      INPUT_SCHEMA_TABLE: 'orders',
      INPUT_DATATYPE: 'JSON',
      INPUT_SCHEMA_JSON_SCHEMA: JSON_SCHEMA,
      INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'event_time',
      SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'FILE_SOURCE' }],
      SOURCE_FILE_PATH: resolve('configs/data/bookings.jsonl'),
      SOURCE_FILE_FORMAT: 'JSONL',
    },
  ],
};

const QUERIES = [
  "SELECT order_id, amount * 2 AS twice FROM orders WHERE service = 'GO_RIDE' AND amount > 10",
  "SELECT service, SUM(amount) AS total, TUMBLE_END(rowtime, INTERVAL '1' MINUTE) AS w FROM orders GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE), service",
  'SELECT service, COUNT(DISTINCT order_id) AS n FROM orders GROUP BY service',
  "SELECT CASE WHEN amount > 100 THEN 'big' WHEN amount > 10 THEN 'mid' ELSE 'small' END AS size, UPPER(service) AS s FROM orders",
  'SELECT a.order_id FROM orders a JOIN orders b ON a.order_id = b.order_id AND a.rowtime BETWEEN b.rowtime - INTERVAL \'1\' MINUTE AND b.rowtime',
];

const TOKENS = ['(', ')', ',', 'SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'CASE', 'WHEN', 'THEN', 'END', 'GROUP BY', "'x'", '1e309', '-', '*', '/', '||', 'NULL', 'CAST(', 'AS', 'INTERVAL', 'OVER (', '`', '"', ';', '\u0000', '€', 'LATERAL TABLE(', 'IN (', 'BETWEEN'];

function mutateSql(q: string, r: () => number): string {
  const words = q.split(/(\s+|(?=[(),])|(?<=[(),]))/).filter((w) => w && w.trim());
  const pick = (): number => Math.floor(r() * words.length);
  const n = 1 + Math.floor(r() * 3);
  for (let k = 0; k < n; k++) {
    const op = Math.floor(r() * 5);
    if (op === 0 && words.length > 1) words.splice(pick(), 1);
    else if (op === 1) words.splice(pick(), 0, TOKENS[Math.floor(r() * TOKENS.length)]!);
    else if (op === 2) words.splice(pick(), 0, words[pick()]!);
    else if (op === 3) {
      const i = pick();
      const j = pick();
      [words[i], words[j]] = [words[j]!, words[i]!];
    } else words.length = Math.max(1, pick());
  }
  return words.join(' ');
}

function pathologicalSql(r: () => number): string {
  const n = 50 + Math.floor(r() * 2500);
  switch (Math.floor(r() * 7)) {
    case 0:
      return `SELECT order_id FROM orders WHERE ${Array.from({ length: n }, (_, i) => `order_id = 'o${i}'`).join(' OR ')}`;
    case 1:
      return `SELECT ${'('.repeat(n)}amount${')'.repeat(n)} AS x FROM orders`;
    case 2: {
      let c = 'amount';
      for (let i = 0; i < n; i++) c = `CASE WHEN qty > ${i} THEN ${c} ELSE 0 END`;
      return `SELECT ${c} AS x FROM orders`;
    }
    case 3:
      return `SELECT ${Array.from({ length: n }, () => 'amount').join(' + ')} AS x FROM orders`;
    case 4:
      return `SELECT order_id FROM orders WHERE ${'NOT '.repeat(n)}qty > 1`;
    case 5:
      return `SELECT x FROM ${'(SELECT amount AS x FROM '.repeat(Math.min(n, 600))}orders${') t'.repeat(Math.min(n, 600))}`;
    default:
      return `SELECT ${'-'.repeat(n)}amount AS x FROM orders WHERE ${Array.from({ length: n }, () => 'qty > 0').join(' AND ')}`;
  }
}

const VALUES: unknown[] = [null, true, 0, -1, 1e309, 'x', '', [], {}, [1, 'a'], { a: { b: [null] } }, 'é\u0000"\\', '1'.repeat(5000)];

/** JSON text nested `depth` levels (built as text: JSON.stringify itself would overflow on it). */
function deepJson(depth: number): string {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    open += i % 2 ? '[' : '{"k":';
    close = (i % 2 ? ']' : '}') + close;
  }
  return `${open}1${close}`;
}

function mutateConfig(r: () => number): string {
  const c = structuredClone(BASE) as Record<string, unknown>;
  const stream = (c['STREAMS'] as Record<string, unknown>[])[0]!;
  const target = r() < 0.5 ? c : stream;
  const keys = Object.keys(target);
  const key = keys[Math.floor(r() * keys.length)]!;
  switch (Math.floor(r() * 5)) {
    case 0:
      delete target[key];
      break;
    case 1:
      target[key] = VALUES[Math.floor(r() * VALUES.length)];
      break;
    case 2:
      target[key] = '__DEEP__';
      return JSON.stringify(c).replace('"__DEEP__"', deepJson(1 + Math.floor(r() * 5000)));
    case 3:
      target[`${key}_TYPO`] = 'x';
      target[key.replace(/_/g, '-')] = target[key];
      break;
    default:
      c['STREAMS'] = r() < 0.5 ? JSON.stringify(c['STREAMS']) : [stream, { ...stream, INPUT_SCHEMA_TABLE: 'orders' }];
  }
  return JSON.stringify(c);
}

interface Case {
  readonly name: string;
  readonly text: string;
}

function cases(): Case[] {
  const r = prng(20261203);
  const out: Case[] = [];
  for (const q of QUERIES) out.push({ name: `valid: ${q.slice(0, 40)}`, text: JSON.stringify({ ...BASE, FLINK_SQL_QUERY: q }) });
  for (let i = 0; i < 130; i++) {
    const q = mutateSql(QUERIES[i % QUERIES.length]!, r);
    out.push({ name: `sql ${i}: ${q.slice(0, 60)}`, text: JSON.stringify({ ...BASE, FLINK_SQL_QUERY: q }) });
  }
  for (let i = 0; i < 40; i++) out.push({ name: `pathological sql ${i}`, text: JSON.stringify({ ...BASE, FLINK_SQL_QUERY: pathologicalSql(r) }) });
  for (let i = 0; i < 100; i++) out.push({ name: `config ${i}`, text: mutateConfig(r) });
  for (let i = 0; i < 30; i++) {
    const text = JSON.stringify(BASE, null, 2);
    const at = Math.floor(r() * text.length);
    const junk = ['', '{', '}', '[', ']]]]', ',', '"', '\\', ': :', '\u0000', '/*', '9e9999'][Math.floor(r() * 12)]!;
    out.push({ name: `text ${i} at ${at}`, text: r() < 0.3 ? text.slice(0, at) : text.slice(0, at) + junk + text.slice(at) });
  }
  out.push({ name: 'json nested 100,000 deep', text: `{"STREAMS":${'['.repeat(100_000)}${']'.repeat(100_000)}}` });
  return out;
}

describe('validate fuzz (in-process, bounded)', () => {
  it('every mutated job file or query ends in exit 0 or 2 with a message and no stack trace', async () => {
    const all = cases();
    expect(all.length).toBeGreaterThanOrEqual(300);
    const failures: string[] = [];
    let ok = 0;
    for (const [i, c] of all.entries()) {
      const file = join(dir, `job-${i}.json`);
      writeFileSync(file, c.text);
      const res = await checkJobFile('validate', file, silentLogger);
      if (res.code === 0) ok++;
      const bad = (res.code !== 0 && res.code !== 2) || /internal error|\n\s+at .+:\d+:\d+/.test(res.stderr) || (res.code === 2 && !res.stderr.startsWith('error: '));
      if (bad) failures.push(`${c.name}: exit ${res.code}: ${res.stderr.slice(0, 300)}`);
    }
    expect(failures).toEqual([]);
    // The generator is not degenerate: the valid queries pass and most mutations are refused.
    expect(ok).toBeGreaterThanOrEqual(QUERIES.length);
    expect(ok).toBeLessThan(all.length / 2);
  }, 120_000);
});

describe('pathological input named in issue 17', () => {
  const check = async (name: string, text: string) => {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, text);
    return checkJobFile('validate', file, silentLogger);
  };
  const withQuery = (q: string): string => JSON.stringify({ ...BASE, FLINK_SQL_QUERY: q });

  it('a 2,000-term OR chain is planned (AND/OR chains are built balanced)', async () => {
    const q = `SELECT order_id FROM orders WHERE ${Array.from({ length: 2000 }, (_, i) => `order_id = 'o${i}'`).join(' OR ')}`;
    expect(await check('or2000', withQuery(q))).toMatchObject({ code: 0 });
  });

  it('1,000 nested parentheses and 2,000 nested CASEs are SQL errors with a position', async () => {
    const parens = await check('parens', withQuery(`SELECT ${'('.repeat(1000)}amount${')'.repeat(1000)} AS x FROM orders`));
    expect(parens.code).toBe(2);
    expect(parens.stderr).toMatch(/^error: SQL error at line 1, column \d+: the expression is nested more than 200 levels deep/);
    let c = 'amount';
    for (let i = 0; i < 2000; i++) c = `CASE WHEN qty > ${i} THEN ${c} ELSE 0 END`;
    const cases = await check('cases', withQuery(`SELECT ${c} AS x FROM orders`));
    expect(cases.code).toBe(2);
    expect(cases.stderr).toContain('nested more than 200 levels deep');
  });

  it('a job file nested 100,000 levels deep is a config error naming where', async () => {
    const res = await check('deepjson', `{"STREAMS":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^error: config STREAMS\[0\]\[0\].*expected JSON nested at most 64 levels deep/);
  });
});
