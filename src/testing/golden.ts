/**
 * Golden SQL files: a table declaration, a query, input rows with event times and watermarks, and the exact
 * expected output (or `-- fail: <message>` for an exact user-facing error). Format:
 *
 *   # free comment lines
 *   table booking (order_number STRING, service_type STRING, amount DOUBLE, rowtime TIMESTAMP ROWTIME)
 *   (ending the columns with `PRIMARY KEY (k)` makes a changelog table: its rows may start `+I`/`-U`/`+U`/`-D`)
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
 * jumps to the end (bounded input), which fires all open windows. The processing-time clock (PROCTIME(),
 * processing-time windows) starts at 1970-01-01 00:00:00 and moves only by input lines `proctime <time>`;
 * processing-time windows whose end the clock passes fire then (the end of input does not fire them).
 *
 * Users' own cases (`dirk test <folder>`) may also say, in the header:
 *   udf-folder <path>   load the UDF files of that folder (relative to the case file), as UDF_FOLDERS does
 *   job <path>          take the tables (from STREAMS and their schemas), the UDF folders and, unless the
 *                       case has its own `---- query`, the query from that job file (JSON or properties)
 *
 * Refresh expectations with `dirk test <folder> --update`, or for Dirk's own cases
 * DIRK_UPDATE_GOLDEN=1 npx vitest run test/sql (then review the diff by eye).
 */
import { planBranches } from '../plan/nodes.js';
import { Decimal, fitDecimal, rescale, toDecimal } from '../core/decimal.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { SqlError, userError } from '../core/errors.js';
import { ManualClock } from '../core/clock.js';
import { silentLogger } from '../core/logger.js';
import { RowKind, type Field, type Row, type SqlType, type TableSchema } from '../core/types.js';
import type { StreamConfig } from '../config/index.js';
import { loadLayeredJobConfig } from '../config/sources.js';
import { createJsonRowDecoder, createProtoRowDecoder, type DescriptorRegistry } from '../schema/index.js';
import { prepareJob } from '../job/prepare.js';
import { buildDataflow } from '../runtime/dataflow.js';
import { builtinFunctions } from '../sql/functions/index.js';
import { planSql } from '../sql/planner.js';
import { L, parseTimestamp } from '../runtime/expr/runtime-lib.js';
import type { FunctionDef } from '../udf/api.js';
import { loadUdfFolders } from '../udf/loader.js';
import { createFunctionCatalog } from '../udf/registry.js';
import { parseType } from '../udf/types.js';
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
  /** `udf-folder` header lines, as absolute paths. */
  readonly udfFolders: readonly string[];
  /** `job` header line, as an absolute path. */
  readonly job?: string;
}

export interface GoldenOptions {
  /** Rewrite the expected section of the case file with what the query produced. */
  readonly update?: boolean;
}

export function parseGolden(file: string): GoldenCase {
  const raw = readFileSync(file, 'utf8');
  const sections = raw.split(/^---- /m);
  const header = sections.shift() ?? '';
  const tables: TableSchema[] = [];
  const darts = new Map<string, string>();
  const udfFolders: string[] = [];
  let job: string | undefined;
  for (const line of header.split('\n')) {
    const m = /^table\s+(\w+)\s*\((.*)\)\s*$/.exec(line.trim());
    if (m) tables.push(parseTable(m[1]!, m[2]!));
    const d = /^(dart-get|dart-contains)\s+(\S+)\s+(.+)$/.exec(line.trim());
    if (d) darts.set(`${d[1]}/${d[2]}`, d[3]!);
    const u = /^udf-folder\s+(.+)$/.exec(line.trim());
    if (u) udfFolders.push(resolve(dirname(file), u[1]!.trim()));
    const j = /^job\s+(.+)$/.exec(line.trim());
    if (j) job = resolve(dirname(file), j[1]!.trim());
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
    else throw new Error(`${file}: unknown section '---- ${head}' (expected query, input <table>, output, fail or error)`);
  }
  if (!query && job === undefined) throw new Error(`${file}: no '---- query' section (or 'job <file>' header line)`);
  return {
    file,
    tables,
    query,
    inputs,
    expected: expected ?? { kind: 'output', unordered: false, lines: [] },
    raw,
    darts,
    udfFolders,
    ...(job !== undefined ? { job } : {}),
  };
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
  let primaryKey: string[] | undefined;
  for (const c of splitTop(cols)) {
    // `PRIMARY KEY (k, ...)`: a changelog table with that key (input rows may carry +I/-U/+U/-D).
    const pk = /^PRIMARY\s+KEY\s*\((.*)\)$/i.exec(c);
    if (pk) {
      primaryKey = pk[1]!.split(',').map((k) => k.trim());
      continue;
    }
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
  if (!primaryKey) return { name, columns, rowtimeIndex };
  const keyIndexes = primaryKey.map((k) => {
    const i = columns.findIndex((c) => c.name === k);
    if (i < 0) throw new Error(`PRIMARY KEY column '${k}' is not a column of ${name}`);
    return i;
  });
  return { name, columns, rowtimeIndex, changelog: true, primaryKey: keyIndexes };
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
    case 'DECIMAL': {
      // a JSON number or, for digits a double cannot hold, a string: "12345678901234567.89"
      const d = toDecimal(v);
      return d === null ? v : fitDecimal(d, t.precision, t.scale);
    }
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
  if (v instanceof Decimal) return (t?.kind === 'DECIMAL' ? rescale(v, t.scale) : v).toString();
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

/** What a case runs against: its tables, its functions (with the user's), and its query. */
interface CaseSetup {
  readonly tables: TableSchema[];
  readonly userFunctions: readonly FunctionDef[];
  readonly query: string;
  readonly udfSettings: Readonly<Record<string, unknown>>;
  /**
   * For a job's tables: an input line is a record as the job's source reads it (a JSON record, or a protobuf
   * message in its JSON form), decoded by the job's own decoder, so the event time comes from the same field.
   */
  readonly decoders: ReadonlyMap<string, (line: string) => Row>;
  close(): void;
}

async function setUpCase(c: GoldenCase): Promise<CaseSetup> {
  let tables = c.tables;
  let query = c.query;
  const folders = [...c.udfFolders];
  let udfSettings: Readonly<Record<string, unknown>> = {};
  const decoders = new Map<string, (line: string) => Row>();
  let close = (): void => undefined;
  if (c.job !== undefined) {
    const { config } = await loadLayeredJobConfig({ path: c.job, env: process.env });
    const job = await prepareJob(config, silentLogger);
    close = () => job.registry?.close();
    tables = [...tables, ...[...job.tables.values()].map((t) => t.schema)];
    for (const { stream, schema } of job.tables.values()) decoders.set(schema.name, recordDecoder(job.registry, stream, schema));
    if (!query) query = config.sqlQuery;
    folders.push(...config.udf.folders);
    udfSettings = config.udf.settings;
  }
  try {
    const userFunctions = folders.length > 0 ? await loadUdfFolders([...new Set(folders)]) : [];
    return { tables, userFunctions, query, udfSettings, decoders, close };
  } catch (e) {
    close();
    throw e;
  }
}

function recordDecoder(registry: DescriptorRegistry | undefined, stream: StreamConfig, schema: TableSchema): (line: string) => Row {
  if (stream.dataType === 'AVRO') throw new Error(`golden cases read PROTO or JSON lines; ${stream.table} is AVRO`);
  if (stream.dataType === 'JSON') {
    const dec = createJsonRowDecoder(schema, stream.jsonEventTimestampFieldName ? { rowtimeFieldName: stream.jsonEventTimestampFieldName } : {});
    return (line) => dec.decode(Buffer.from(line, 'utf8'));
  }
  const type = registry!.lookupType(stream.protoClass!);
  const dec = createProtoRowDecoder(registry!, stream.protoClass!, schema, {
    ...(stream.eventTimestampFieldIndex !== undefined ? { rowtimeFieldNumber: stream.eventTimestampFieldIndex } : {}),
  });
  return (line) => dec.decode(type.encode(type.fromObject(JSON.parse(line) as Record<string, unknown>)).finish());
}

/** Runs one case; returns the output lines, or throws the planning/runtime error. */
export async function runGolden(c: GoldenCase): Promise<string[]> {
  const setup = await setUpCase(c);
  let functions = createFunctionCatalog(builtinFunctions).with(daggerFunctions, 'udfs');
  if (setup.userFunctions.length > 0) functions = functions.with(setup.userFunctions, 'udf-folder');
  const plan = planSql(setup.query, {
    table: (n) => setup.tables.find((t) => t.name === n) ?? setup.tables.find((t) => t.name.toLowerCase() === n.toLowerCase()),
    tableNames: () => setup.tables.map((t) => t.name),
    functions,
  });
  const out: string[] = [];
  // A statement set's rows are prefixed by the table they are written to, in the order they are written.
  const clock = new ManualClock(0);
  const outputs = planBranches(plan).map(({ target, root }) => ({
    data(rows: Row[], kinds?: RowKind[]) {
      const prefix = target === undefined ? '' : `${target} `;
      rows.forEach((r, i) => out.push(`${prefix}${KIND[kinds?.[i] ?? RowKind.Insert]}[${r.map((v, j) => formatGoldenValue(v, root.fields[j]?.type)).join(', ')}]`));
    },
    watermark() {},
  }));
  const flow = buildDataflow(plan, plan.branches ? outputs : outputs[0]!, { hooks: { late() {} }, retentionMs: 0, now: () => clock.now() });
  const store = c.darts.size > 0 ? await serveDarts(c.darts) : undefined;
  try {
    if (store) for (const d of daggerFunctions) if (d.name === 'DartGet' || d.name === 'DartContains') await d.open?.({ config: { UDF_DART_STORE_URL: store.url } });
    for (const d of setup.userFunctions) await d.open?.({ config: setup.udfSettings });
    await feed(c, setup, flow, clock);
  } catch (e) {
    if (e !== null && typeof e === 'object') runtimeFailures.add(e);
    throw e;
  } finally {
    await store?.close();
    for (const d of setup.userFunctions) await d.close?.();
    setup.close();
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

async function feed(c: GoldenCase, setup: CaseSetup, flow: ReturnType<typeof buildDataflow>, clock: ManualClock): Promise<void> {
  const { tables } = setup;
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
    const schema = tables.find((t) => t.name === section.table);
    if (!schema) throw userError(`${c.file}: '---- input ${section.table}' names no table (tables: ${tables.map((t) => t.name).join(', ') || 'none'})`);
    const ports = inputsOf(section.table);
    let batch: Row[] = [];
    let kinds: RowKind[] = [];
    const flush = async (): Promise<void> => {
      const changes = kinds.some((k) => k !== RowKind.Insert) ? kinds : undefined;
      if (batch.length) for (const p of ports) p.push(batch, changes);
      batch = [];
      kinds = [];
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
      const pt = /^proctime\s+(.+)$/.exec(line.trim());
      if (pt) {
        await flush();
        const t = /^-?\d+$/.test(pt[1]!) ? Number(pt[1]) : parseTimestamp(pt[1]!);
        if (t === null) throw userError(`${c.file}: 'proctime ${pt[1]}' is not a time`);
        clock.set(t);
        await end();
        continue;
      }
      if (line.trim() === 'batch') {
        await flush();
        continue;
      }
      const decode = setup.decoders.get(schema.name);
      if (decode) {
        try {
          batch.push(decode(line));
        } catch (e) {
          throw userError(`${c.file}: input row of ${section.table} cannot be decoded as the job's source would: ${(e as Error).message}: ${line}`);
        }
        continue;
      }
      // A changelog table's row may start with its kind: `-D {...}`.
      const kind = /^([+-][IUD])\s+(\{.*)$/.exec(line.trim());
      const obj = parseInputRow(c.file, section.table, kind ? kind[2]! : line);
      batch.push(schema.columns.map((col) => toValue(obj[col.name], col.type)));
      kinds.push(kind ? (KIND.indexOf(kind[1]!) as RowKind) : RowKind.Insert);
    }
    await flush();
  }
  for (const i of flow.inputs) i.watermark(Infinity);
  await end();
}

function parseInputRow(file: string, table: string, line: string): Record<string, unknown> {
  try {
    const obj = JSON.parse(line) as unknown;
    if (typeof obj === 'object' && obj !== null && !Array.isArray(obj)) return obj as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw userError(`${file}: input row of ${table} is not a JSON object, 'watermark <time>', 'proctime <time>' or 'batch': ${line}`);
}

export async function checkGolden(c: GoldenCase, opts: GoldenOptions = {}): Promise<{ ok: boolean; actual: string; expected: string }> {
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
  if (opts.update) {
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
