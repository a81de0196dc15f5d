/**
 * Golden SQL files: a table declaration, a query, input rows with event times and watermarks, and the exact
 * expected output (or `-- fail: <message>` for an exact user-facing error). Format:
 *
 *   # free comment lines
 *   table booking (order_number STRING, service_type STRING, amount DOUBLE, rowtime TIMESTAMP ROWTIME)
 *   ---- query
 *   SELECT ...
 *   ---- input booking
 *   {"order_number": "a", "amount": 1.5, "rowtime": "2026-01-01 09:00:01"}
 *   watermark 2026-01-01 09:01:00
 *   ---- output            (or:  ---- output unordered)
 *   +I[a, 1.5]
 *
 * Header lines `dart-get <collection> <json>` and `dart-contains <list> <json>` put files in a dart store that
 * a real HTTP server on 127.0.0.1 serves for the case (DartGet / DartContains are opened with its
 * UDF_DART_STORE_URL); async functions finish their lookups at every batch end, as in a running job.
 *
 * `---- fail` instead of output holds the exact message of an error found before any record runs (parse,
 * bind, plan); `---- error` holds the exact message of a runtime failure (a division by zero, a failed CAST,
 * a throwing function), which must name the expression's line and column. Consecutive rows of one input section form
 * one micro-batch; every `---- input` section ends a batch. After the last input every table's watermark
 * jumps to the end (bounded input), which fires all open windows.
 * Refresh expectations with DIRK_UPDATE_GOLDEN=1 npx vitest run test/sql (then review the diff by eye).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SqlError } from '../../src/core/errors.js';
import { RowKind, type Field, type Row, type SqlType, type TableSchema } from '../../src/core/types.js';
import { buildDataflow } from '../../src/runtime/dataflow.js';
import { builtinFunctions } from '../../src/sql/functions/index.js';
import { planSql } from '../../src/sql/planner.js';
import { L, parseTimestamp } from '../../src/runtime/expr/runtime-lib.js';
import { createFunctionCatalog } from '../../src/udf/registry.js';
import { parseType } from '../../src/udf/types.js';
import { daggerFunctions } from '../../udfs/index.js';

export interface GoldenCase {
  readonly file: string;
  readonly tables: TableSchema[];
  readonly query: string;
  readonly inputs: { table: string; lines: string[] }[];
  readonly expected: { kind: 'output'; unordered: boolean; lines: string[] } | { kind: 'fail' | 'error'; message: string };
  readonly raw: string;
  /** Dart store files (`dart-get/<collection>` -> JSON text) served over HTTP for the case. */
  readonly darts: ReadonlyMap<string, string>;
}

export function parseGolden(file: string): GoldenCase {
  const raw = readFileSync(file, 'utf8');
  const sections = raw.split(/^---- /m);
  const header = sections.shift() ?? '';
  const tables: TableSchema[] = [];
  const darts = new Map<string, string>();
  for (const line of header.split('\n')) {
    const m = /^table\s+(\w+)\s*\((.*)\)\s*$/.exec(line.trim());
    if (m) tables.push(parseTable(m[1]!, m[2]!));
    const d = /^(dart-get|dart-contains)\s+(\S+)\s+(.+)$/.exec(line.trim());
    if (d) darts.set(`${d[1]}/${d[2]}`, d[3]!);
  }
  let query = '';
  const inputs: { table: string; lines: string[] }[] = [];
  let expected: GoldenCase['expected'] | undefined;
  for (const s of sections) {
    const nl = s.indexOf('\n');
    const head = (nl < 0 ? s : s.slice(0, nl)).trim();
    const body = nl < 0 ? '' : s.slice(nl + 1);
    const lines = body.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    if (head === 'query') query = body.trim();
    else if (head.startsWith('input')) inputs.push({ table: head.slice(5).trim(), lines });
    else if (head.startsWith('output')) expected = { kind: 'output', unordered: head.includes('unordered'), lines };
    else if (head === 'fail' || head === 'error') expected = { kind: head, message: body.trim() };
    else throw new Error(`${file}: unknown section '---- ${head}'`);
  }
  if (!query) throw new Error(`${file}: no '---- query' section`);
  return { file, tables, query, inputs, expected: expected ?? { kind: 'output', unordered: false, lines: [] }, raw, darts };
}

function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '<' || ch === '(') depth++;
    if (ch === '>' || ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

function parseTable(name: string, cols: string): TableSchema {
  const columns: Field[] = [];
  let rowtimeIndex: number | undefined;
  for (const c of splitTop(cols)) {
    // A column name may be backquoted (`timestamp`).
    const m = /^(\w+|`[^`]+`)\s+(.+?)(\s+ROWTIME)?$/.exec(c);
    if (!m) throw new Error(`bad column '${c}'`);
    let type = parseType(m[2]!.replace(/TIMESTAMP\(3\)/, 'TIMESTAMP'));
    if (m[3]) {
      type = { kind: 'TIMESTAMP', precision: 3, rowtime: true };
      rowtimeIndex = columns.length;
    }
    columns.push({ name: m[1]!.replace(/^`(.*)`$/, '$1'), type });
  }
  return { name, columns, rowtimeIndex };
}

function toValue(v: unknown, t: SqlType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'TIMESTAMP':
      return typeof v === 'string' ? parseTimestamp(v) : v;
    case 'BIGINT':
      if (typeof v === 'string') {
        const b = BigInt(v);
        return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
      }
      return v;
    case 'ARRAY':
      return (v as unknown[]).map((x) => toValue(x, t.element));
    case 'MAP':
      return new Map(Object.entries(v as object).map(([k, x]) => [k, toValue(x, t.value)]));
    case 'ROW': {
      const o: Record<string, unknown> = {};
      for (const f of t.fields) o[f.name] = toValue((v as Record<string, unknown>)[f.name], f.type);
      return o;
    }
    case 'BYTES':
      return Buffer.from(String(v), 'utf8');
    default:
      return v;
  }
}

const KIND = ['+I', '-U', '+U', '-D'];

export function formatGoldenValue(v: unknown, t?: SqlType): string {
  if (v === null || v === undefined) return 'NULL';
  if (t?.kind === 'TIMESTAMP' && typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    const iso = new Date(v).toISOString().replace('T', ' ').replace('Z', '');
    return iso.endsWith('.000') ? iso.slice(0, -4) : iso;
  }
  if (typeof v === 'string') return v;
  // Flink prints DOUBLE/FLOAT the Java way: 7.0, 1.0E20, not 7 or 100000000000000000000.
  if (typeof v === 'number' && (t?.kind === 'DOUBLE' || t?.kind === 'FLOAT')) return L.doubleToString(v);
  // ... and a DECIMAL(p, s) with exactly s fraction digits: 1.50, 3.0. A value that is not exactly the
  // decimal it prints (0.9999999999999999 for 1.00) shows the difference, so that cases prove exactness.
  if (typeof v === 'number' && t?.kind === 'DECIMAL' && Number.isFinite(v)) {
    const text = v.toFixed(t.scale);
    return Number(text) === v ? text : `${text}(inexact: ${v})`;
  }
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return `x'${Buffer.from(v).toString('hex')}'`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${formatGoldenValue(k)}=${formatGoldenValue(x, t?.kind === 'MAP' ? t.value : undefined)}`).join(', ')}}`;
  if (Array.isArray(v)) return `[${v.map((x) => formatGoldenValue(x, t?.kind === 'ARRAY' ? t.element : undefined)).join(', ')}]`;
  if (typeof v === 'object') {
    const fields = t?.kind === 'ROW' ? t.fields : undefined;
    return `(${Object.entries(v as Record<string, unknown>).map(([k, x]) => formatGoldenValue(x, fields?.find((f) => f.name === k)?.type)).join(', ')})`;
  }
  return String(v);
}

/** Errors thrown while records flow (as opposed to while planning). */
const runtimeFailures = new WeakSet<object>();

/** Runs one case; returns the output lines, or throws the planning/runtime error. */
export async function runGolden(c: GoldenCase): Promise<string[]> {
  const functions = createFunctionCatalog(builtinFunctions).with(daggerFunctions, 'udfs');
  const plan = planSql(c.query, {
    table: (n) => c.tables.find((t) => t.name === n),
    tableNames: () => c.tables.map((t) => t.name),
    functions,
  });
  const fields = plan.root.fields;
  const out: string[] = [];
  const flow = buildDataflow(
    plan,
    {
      data(rows: Row[], kinds?: RowKind[]) {
        rows.forEach((r, i) => out.push(`${KIND[kinds?.[i] ?? RowKind.Insert]}[${r.map((v, j) => formatGoldenValue(v, fields[j]?.type)).join(', ')}]`));
      },
      watermark() {},
    },
    { hooks: { late() {} }, retentionMs: 0, now: () => 0 },
  );
  const store = c.darts.size > 0 ? await serveDarts(c.darts) : undefined;
  try {
    if (store) for (const d of daggerFunctions) if (d.name === 'DartGet' || d.name === 'DartContains') await d.open?.({ config: { UDF_DART_STORE_URL: store.url } });
    await feed(c, flow);
  } catch (e) {
    if (e !== null && typeof e === 'object') runtimeFailures.add(e);
    throw e;
  } finally {
    await store?.close();
  }
  return out;
}

/** Serves `<path>` -> JSON text on 127.0.0.1 (a dart store over HTTP). */
async function serveDarts(files: ReadonlyMap<string, string>): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const body = files.get((req.url ?? '').replace(/^\/darts\//, ''));
    if (body === undefined) res.statusCode = 404;
    else res.setHeader('content-type', 'application/json');
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/darts`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function feed(c: GoldenCase, flow: ReturnType<typeof buildDataflow>): Promise<void> {
  // Async calls (evalAsync) finish before every batch end, as the job does it.
  const end = async (): Promise<void> => {
    await flow.settle();
    flow.batchEnd();
    await flow.settle();
  };
  const inputsOf = (table: string) => {
    const ins = flow.inputs.filter((i) => i.table === table);
    return ins;
  };
  for (const section of c.inputs) {
    const schema = c.tables.find((t) => t.name === section.table);
    if (!schema) throw new Error(`${c.file}: input for unknown table ${section.table}`);
    const ports = inputsOf(section.table);
    let batch: Row[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length) for (const p of ports) p.push(batch);
      batch = [];
      await end();
    };
    for (const line of section.lines) {
      const wm = /^watermark\s+(.+)$/.exec(line.trim());
      if (wm) {
        await flush();
        const t = /^-?\d+$/.test(wm[1]!) ? Number(wm[1]) : parseTimestamp(wm[1]!);
        for (const p of ports) p.watermark(t!);
        await end();
        continue;
      }
      if (line.trim() === 'batch') {
        await flush();
        continue;
      }
      const obj = JSON.parse(line) as Record<string, unknown>;
      batch.push(schema.columns.map((col) => toValue(obj[col.name], col.type)));
    }
    await flush();
  }
  for (const i of flow.inputs) i.watermark(Infinity);
  await end();
}

export async function checkGolden(c: GoldenCase): Promise<{ ok: boolean; actual: string; expected: string }> {
  let actualLines: string[];
  let failure: string | undefined;
  let phase: 'fail' | 'error' = 'fail';
  try {
    actualLines = await runGolden(c);
  } catch (e) {
    if (!(e instanceof SqlError) && !(e instanceof Error && 'domain' in e && (e as { domain: string }).domain === 'user')) throw e;
    failure = (e as Error).message;
    phase = runtimeFailures.has(e) ? 'error' : 'fail';
    actualLines = [];
  }
  if (process.env['DIRK_UPDATE_GOLDEN']) {
    const head = c.raw.split(/^---- (?:output|fail|error).*$/m)[0]!.trimEnd();
    const tail = failure !== undefined ? `---- ${phase}\n${failure}\n` : `---- output${c.expected.kind === 'output' && c.expected.unordered ? ' unordered' : ''}\n${actualLines.join('\n')}\n`;
    writeFileSync(c.file, `${head}\n${tail}`);
  }
  const exp = c.expected;
  if (exp.kind !== 'output') {
    // The section names the phase: a plan-time error under `---- error` (or the reverse) does not match.
    const actual = failure === undefined ? actualLines.join('\n') : phase === exp.kind ? failure : `${phase}: ${failure}`;
    return { ok: actual === exp.message, actual, expected: exp.message };
  }
  if (failure !== undefined) return { ok: false, actual: `${phase}: ${failure}`, expected: exp.lines.join('\n') };
  const norm = (l: string[]) => (exp.unordered ? [...l].sort() : l).join('\n');
  return { ok: norm(actualLines) === norm(exp.lines), actual: norm(actualLines), expected: norm(exp.lines) };
}
