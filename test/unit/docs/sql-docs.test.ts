import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { SqlError } from '../../../src/core/errors.js';
import type { TableSchema } from '../../../src/core/types.js';
import { jsonTableSchema, openDescriptorRegistry, protoTableSchema } from '../../../src/schema/index.js';
import { scriptToConfig } from '../../../src/job/sql-script.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import { planSql, type Catalog } from '../../../src/sql/planner.js';
import { createFunctionCatalog } from '../../../src/udf/registry.js';
import { daggerFunctions } from '../../../udfs/index.js';
import { missingDocs, renderDoc } from '../../../scripts/gen-sql-docs.js';

/**
 * Every ```sql block of docs/sql.md is planned against the example tables `booking` and `payment` (built from
 * protos/dirk/examples/booking.proto as bench/run.ts builds them) with the built-in and Dagger functions.
 * A ```sql fail block must fail to plan with a SqlError; when a ```text block follows it, that is the exact
 * message. The generated function reference must be up to date (npm run docs:sql).
 */

const DOC = fileURLToPath(new URL('../../../docs/sql.md', import.meta.url));
const PROTOS = fileURLToPath(new URL('../../../protos', import.meta.url));

interface Block {
  readonly line: number;
  readonly sql: string;
  readonly fail: boolean;
  /** ```sql script: a Flink SQL script (dirk run script.sql), planned against its own CREATE TABLEs. */
  readonly script?: boolean;
  readonly message: string | undefined;
}

/** The fenced blocks of a markdown text: info string, body and the 1-based line of the opening fence. */
function fences(md: string): { info: string; body: string; line: number; endLine: number }[] {
  const lines = md.split('\n');
  const out: { info: string; body: string; line: number; endLine: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    out.push({ info: open[1]!.trim(), body: body.join('\n'), line: start + 1, endLine: i + 1 });
  }
  return out;
}

export function sqlBlocks(md: string): Block[] {
  const fs = fences(md);
  const lines = md.split('\n');
  const out: Block[] = [];
  fs.forEach((f, k) => {
    const [lang, flag] = f.info.split(/\s+/);
    if (lang !== 'sql') return;
    const fail = flag === 'fail';
    let message: string | undefined;
    const next = fs[k + 1];
    // The expected message: a ```text block right after the failing block (only blank lines between).
    if (fail && next?.info === 'text' && lines.slice(f.endLine, next.line - 1).every((l) => l.trim() === '')) message = next.body.trim();
    out.push({ line: f.line, sql: f.body, fail, message, ...(flag === 'script' ? { script: true } : {}) });
  });
  return out;
}

const doc = readFileSync(DOC, 'utf8');
const blocks = sqlBlocks(doc);
let catalog: Catalog;

beforeAll(async () => {
  const reg = await openDescriptorRegistry({ kind: 'files', dirs: [PROTOS] });
  const booking = protoTableSchema(reg, 'dirk.examples.BookingLogMessage', { table: 'booking', rowtimeFieldNumber: 5, rowtimeName: 'rowtime' });
  const payment = protoTableSchema(reg, 'dirk.examples.PaymentLogMessage', { table: 'payment', rowtimeFieldNumber: 4, rowtimeName: 'rowtime' });
  reg.close();
  const tables = new Map<string, TableSchema>([
    ['booking', booking],
    ['payment', payment],
  ]);
  catalog = {
    table: (name) => tables.get(name),
    tableNames: () => [...tables.keys()],
    functions: createFunctionCatalog(builtinFunctions).with(daggerFunctions, 'udfs'),
  };
});

describe('docs/sql.md', () => {
  it('has SQL examples, including failing ones with their messages', () => {
    expect(blocks.length).toBeGreaterThan(30);
    expect(blocks.filter((b) => b.fail).length).toBeGreaterThan(3);
    for (const b of blocks.filter((x) => x.fail)) expect(b.message, `sql fail block at docs/sql.md:${b.line} has no text block with its message`).toBeDefined();
  });

  it.each(blocks.filter((b) => !b.fail && !b.script).map((b) => [b.line, b] as const))('the example at line %i plans', (_line, b) => {
    expect(() => planSql(b.sql, catalog)).not.toThrow();
  });

  it.each(blocks.filter((b) => b.script).map((b) => [b.line, b] as const))('the script at line %i becomes a job that plans', (_line, b) => {
    // the job config the script becomes, and its query planned against the tables its streams declare
    const config = scriptToConfig(b.sql);
    const streams = config['STREAMS'] as Record<string, string>[];
    const tables = new Map(
      streams.map((s) => [
        s['INPUT_SCHEMA_TABLE']!,
        jsonTableSchema(s['INPUT_SCHEMA_JSON_SCHEMA']!, { table: s['INPUT_SCHEMA_TABLE']!, rowtimeFieldName: s['INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME']!, rowtimeName: String(config['FLINK_ROWTIME_ATTRIBUTE_NAME']) }),
      ]),
    );
    expect(() => planSql(String(config['FLINK_SQL_QUERY']), { ...catalog, table: (n) => tables.get(n), tableNames: () => [...tables.keys()] })).not.toThrow();
  });

  it.each(blocks.filter((b) => b.fail).map((b) => [b.line, b] as const))('the failing example at line %i fails as shown', (_line, b) => {
    let error: unknown;
    try {
      planSql(b.sql, catalog);
    } catch (e) {
      error = e;
    }
    expect(error, 'expected a planning error').toBeInstanceOf(SqlError);
    if (b.message !== undefined) expect((error as Error).message).toBe(b.message);
  });

  it('has an up-to-date built-in function reference (npm run docs:sql)', () => {
    expect(missingDocs()).toEqual([]);
    expect(renderDoc(doc) === doc, 'docs/sql.md is out of date; run npm run docs:sql').toBe(true);
  });
});
