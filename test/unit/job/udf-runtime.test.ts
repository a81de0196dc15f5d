import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceBatch } from '../../../src/core/connector.js';
import { createLogger } from '../../../src/core/logger.js';
import { RowKind, T, type Row, type TableSchema } from '../../../src/core/types.js';
import type { JobConfig } from '../../../src/config/index.js';
import type { PreparedJob } from '../../../src/job/prepare.js';
import { describeOrigin, startUdfRuntime } from '../../../src/job/udf-lifecycle.js';
import { buildDataflow, type Dataflow } from '../../../src/runtime/dataflow.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import { planSql } from '../../../src/sql/planner.js';
import { createTelemetry } from '../../../src/telemetry/index.js';
import { defineAggregate, defineScalar, type FunctionDef } from '../../../src/udf/api.js';
import { loadUdfFolders } from '../../../src/udf/loader.js';
import { createFunctionCatalog, invokeScalar } from '../../../src/udf/registry.js';
import { FunctionSlot, UdfCallError, type SlotBinding, type UdfErrorPolicy } from '../../../src/udf/slots.js';
import { daggerFunctions } from '../../../udfs/index.js';

const TABLE: TableSchema = {
  name: 't',
  columns: [
    { name: 'id', type: T.STRING },
    { name: 'x', type: T.BIGINT },
    { name: 'rowtime', type: T.ROWTIME },
  ],
  rowtimeIndex: 2,
};

const quiet = createLogger({ level: 'error' });

interface Harness {
  readonly out: string[];
  readonly flow: Dataflow;
  readonly slots: Map<string, FunctionSlot>;
  push(rows: Row[], batch?: Partial<SourceBatch>): Promise<void>;
  watermark(t: number): Promise<void>;
}

function harness(query: string, defs: readonly FunctionDef[], policy: UdfErrorPolicy = 'NULL'): Harness {
  const slots = new Map(defs.map((d) => [d.name.toUpperCase(), new FunctionSlot(d)]));
  let current: SourceBatch | undefined;
  const binding: SlotBinding = {
    policy,
    origin: (row) => (current ? describeOrigin(current, row) : undefined),
    onNullResult: () => {},
  };
  for (const s of slots.values()) s.binding = binding;
  const functions = createFunctionCatalog(builtinFunctions).with([...slots.values()].map((s) => s.proxy), 'test');
  const plan = planSql(query, { table: (n) => (n === 't' ? TABLE : undefined), tableNames: () => ['t'], functions });
  const out: string[] = [];
  const flow = buildDataflow(
    plan,
    {
      data(rows: Row[], kinds?: RowKind[]) {
        rows.forEach((r, i) => out.push(`${kinds?.[i] === RowKind.Delete || kinds?.[i] === RowKind.UpdateBefore ? '-' : '+'}${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))}`));
      },
      watermark() {},
    },
    { hooks: { late() {} }, retentionMs: 0, now: () => 0 },
  );
  return {
    out,
    flow,
    slots,
    async push(rows, batch = {}) {
      current = { rows, split: batch.split ?? 'orders:3', ...(batch.offsets ? { offsets: batch.offsets } : {}) };
      try {
        for (const p of flow.inputs) p.push(rows);
        await flow.settle();
        flow.batchEnd();
        await flow.settle();
      } finally {
        current = undefined;
      }
    },
    async watermark(t) {
      for (const p of flow.inputs) p.watermark(t);
      await flow.settle();
      flow.batchEnd();
      await flow.settle();
    },
  };
}

const Twice = defineScalar({
  name: 'Twice',
  signatures: [{ params: ['BIGINT'], returns: 'BIGINT' }],
  eval: (x) => {
    if (Number(x) < 0) throw new Error(`negative input ${x}`);
    return Number(x) * 2;
  },
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function asyncPlusOne(track?: { now: number; max: number }) {
  return defineScalar({
    name: 'SlowPlusOne',
    signatures: [{ params: ['BIGINT'], returns: 'BIGINT' }],
    async: { maxInFlight: 2, timeoutMs: 1000 },
    evalAsync: async (x) => {
      if (track) track.max = Math.max(track.max, ++track.now);
      await sleep(5);
      if (track) track.now--;
      if (Number(x) === 13) throw new Error('unlucky');
      return Number(x) + 1;
    },
  });
}

const rows = (...xs: number[]): Row[] => xs.map((x, i) => [`r${i}`, BigInt(x), 1000 + i]);

describe('UDF slots in a running dataflow', () => {
  it('counts calls and errors; the NULL policy gives NULL for a failing call', async () => {
    const h = harness('SELECT id, Twice(x) AS y FROM t', [Twice]);
    await h.push(rows(1, -2, 3));
    expect(h.out).toEqual(['+["r0",2]', '+["r1",null]', '+["r2",6]']);
    const slot = h.slots.get('TWICE')!;
    expect([slot.calls, slot.errors]).toEqual([3, 1]);
  });

  it('the FAIL policy stops with a message naming the function, its place in the query and the record', async () => {
    const h = harness('SELECT id, Twice(x) AS y FROM t WHERE x <> 0', [Twice], 'FAIL');
    const err = await h.push(rows(1, 5, -7, 3), { split: 'orders:3', offsets: ['40', '41', '42', '43'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UdfCallError);
    expect((err as Error).message).toBe('function Twice at line 1, column 12 failed on the record at topic orders, partition 3, offset 42: negative input -7');
    expect((err as UdfCallError).domain).toBe('user');
    expect((err as UdfCallError).position).toEqual({ line: 1, column: 12 });
  });

  it('a swapped body applies to the next call, and a window keeps its state across the swap', async () => {
    const query =
      "SELECT COUNT(*) AS n, SUM(Twice(x)) AS s, TUMBLE_END(rowtime, INTERVAL '1' MINUTE) AS e FROM t GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE)";
    const h = harness(query, [Twice]);
    await h.push(rows(1, 2));
    const slot = h.slots.get('TWICE')!;
    const Thrice = defineScalar({ name: 'Twice', signatures: [{ params: ['BIGINT'], returns: 'BIGINT' }], eval: (x) => Number(x) * 3 });
    expect(slot.incompatibility(Thrice)).toBeUndefined();
    slot.swap(Thrice);
    await h.push(rows(10));
    await h.watermark(60_000);
    expect(h.out).toEqual(['+[3,36,60000]']); // 2 + 4 before, 30 after
    const changed = defineScalar({ name: 'Twice', signatures: [{ params: ['STRING'], returns: 'BIGINT' }], eval: () => 1 });
    expect(slot.incompatibility(changed)).toMatch(/signatures changed/);
  });

  it('a UDAF runs through its slot (calls counted, body swappable)', async () => {
    const make = (k: number) =>
      defineAggregate<{ s: number }>({
        name: 'WeightedSum',
        signatures: [{ params: ['BIGINT'], returns: 'BIGINT' }],
        createAccumulator: () => ({ s: 0 }),
        accumulate: (a, x) => void (a.s += k * Number(x)),
        getValue: (a) => a.s,
      });
    const h = harness("SELECT WeightedSum(x) AS w FROM t GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE)", [make(1)]);
    await h.push(rows(1, 2));
    h.slots.get('WEIGHTEDSUM')!.swap(make(10));
    await h.push(rows(3));
    await h.watermark(60_000);
    expect(h.out).toEqual(['+[33]']);
    expect(h.slots.get('WEIGHTEDSUM')!.calls).toBe(3);
  });
});

describe('async scalar functions in SELECT and WHERE', () => {
  it('evaluates them per batch with bounded concurrency, in order, nested, before the watermark', async () => {
    const track = { now: 0, max: 0 };
    const h = harness(
      'SELECT id, SlowPlusOne(SlowPlusOne(x)) AS y FROM t WHERE SlowPlusOne(x) > 2',
      [asyncPlusOne(track)],
    );
    await h.push(rows(1, 2, 3, 4, 5));
    expect(h.out).toEqual(['+["r1",4]', '+["r2",5]', '+["r3",6]', '+["r4",7]']);
    expect(track.max).toBeLessThanOrEqual(2);
    expect(track.max).toBeGreaterThan(0);
  });

  it('feeds a window: rows looked up asynchronously are counted before the watermark closes it', async () => {
    const h = harness(
      "SELECT w, COUNT(*) AS n FROM (SELECT SlowPlusOne(x) AS w, rowtime FROM t) GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE), w",
      [asyncPlusOne()],
    );
    await h.push(rows(1, 1, 2));
    await h.watermark(60_000);
    expect(h.out.sort()).toEqual(['+[2,2]', '+[3,1]']);
  });

  it('a failing async call is NULL under the NULL policy and names its record under FAIL', async () => {
    const h = harness('SELECT id, SlowPlusOne(x) AS y FROM t', [asyncPlusOne()]);
    await h.push(rows(12, 13));
    expect(h.out).toEqual(['+["r0",13]', '+["r1",null]']);
    expect(h.slots.get('SLOWPLUSONE')!.errors).toBe(1);

    const f = harness('SELECT id, SlowPlusOne(x) AS y FROM t', [asyncPlusOne()], 'FAIL');
    const err = await f.push(rows(12, 13), { split: 'in:0', offsets: ['7', '8'] }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('function SlowPlusOne at line 1, column 12 failed on the record at topic in, partition 0, offset 8: unlucky');
  });
});

describe('async scalar functions in GROUP BY keys and aggregate arguments', () => {
  const WINDOW = "TUMBLE(rowtime, INTERVAL '1' MINUTE)";

  it('a window keyed by an async call, summing another: the pre-step runs per batch with bounded concurrency', async () => {
    const track = { now: 0, max: 0 };
    const h = harness(
      `SELECT SlowPlusOne(x) AS k, COUNT(*) AS n, SUM(SlowPlusOne(x * 10)) AS s, TUMBLE_END(rowtime, INTERVAL '1' MINUTE) AS e FROM t GROUP BY SlowPlusOne(x), ${WINDOW}`,
      [asyncPlusOne(track)],
    );
    await h.push(rows(1, 2, 1, 3));
    await h.watermark(60_000);
    expect(h.out.sort()).toEqual(['+[2,2,22,60000]', '+[3,1,21,60000]', '+[4,1,31,60000]']);
    // maxInFlight (2) holds per call site; the key and the argument are two call sites running side by side.
    expect(track.max).toBeGreaterThan(2);
    expect(track.max).toBeLessThanOrEqual(4);
  });

  it('rows pushed before a watermark are counted in the window it closes, though their lookups are still running', async () => {
    const h = harness(`SELECT COUNT(*) AS n, SUM(SlowPlusOne(x)) AS s FROM t GROUP BY ${WINDOW}`, [asyncPlusOne()]);
    const input = h.flow.inputs[0]!;
    input.push(rows(1, 2, 3));
    input.watermark(60_000); // arrives while the batch is being looked up: it waits behind it
    input.push([['late', 100n, 1500]]); // behind the watermark: late, not counted
    input.push([['next', 5n, 61_000]]);
    input.watermark(120_000);
    await h.flow.settle();
    expect(h.out).toEqual(['+[3,9]', '+[1,6]']);
  });

  it('a non-windowed aggregation with an async key emits updates once the batch is looked up', async () => {
    const h = harness('SELECT SlowPlusOne(x) AS k, COUNT(*) AS n FROM t GROUP BY SlowPlusOne(x)', [asyncPlusOne()]);
    await h.push(rows(1, 1));
    await h.push(rows(1, 4));
    expect(h.out).toEqual(['+[2,2]', '-[2,2]', '+[2,3]', '+[5,1]']);
  });

  it('a failing async key is NULL under the NULL policy (its own group) and names its record under FAIL', async () => {
    const h = harness(`SELECT SlowPlusOne(x) AS k, COUNT(*) AS n FROM t GROUP BY SlowPlusOne(x), ${WINDOW}`, [asyncPlusOne()]);
    await h.push(rows(13, 13, 1));
    await h.watermark(60_000);
    expect(h.out.sort()).toEqual(['+[2,1]', '+[null,2]']);

    const f = harness(`SELECT COUNT(*) AS n FROM t GROUP BY SlowPlusOne(x), ${WINDOW}`, [asyncPlusOne()], 'FAIL');
    const err = await f.push(rows(12, 13), { split: 'in:0', offsets: ['7', '8'] }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('function SlowPlusOne at line 1, column 38 failed on the record at topic in, partition 0, offset 8: unlucky');
  });

  it('keeps the window state in a checkpoint taken between batches', async () => {
    const query = `SELECT COUNT(*) AS n, SUM(SlowPlusOne(x)) AS s FROM t GROUP BY ${WINDOW}`;
    const a = harness(query, [asyncPlusOne()]);
    await a.push(rows(1, 2));
    const state = a.flow.snapshot();
    const b = harness(query, [asyncPlusOne()]);
    b.flow.restore(state);
    await b.push(rows(3));
    await b.watermark(60_000);
    expect(b.out).toEqual(['+[3,9]']);
  });
});

describe('startUdfRuntime', () => {
  let server: Server;
  let url: string;
  let requests = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      if (req.url === '/darts/dart-get/surge') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ '1': '1.5', '2': '2.0' }));
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/darts`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  function prepared(query: string, user: readonly FunctionDef[], udf: Partial<JobConfig['udf']> = {}) {
    const slotFor = new Map([...daggerFunctions, ...user].map((d) => [d, new FunctionSlot(d)] as const));
    const functions = createFunctionCatalog(builtinFunctions).with([...slotFor.values()].map((s) => s.proxy), 'test');
    const plan = planSql(query, { table: (n) => (n === 't' ? TABLE : undefined), tableNames: () => ['t'], functions });
    const job = {
      config: { udf: { folders: [], watch: false, errorPolicy: 'NULL', settings: {}, dart: { storeProvider: 'GCS', tkeOidcProvider: false }, ...udf } },
      registry: undefined,
      functions,
      slots: new Map([...slotFor.values()].map((s) => [s.name.toUpperCase(), s])),
      plan,
    } as unknown as PreparedJob;
    return job;
  }

  it('opens the functions the plan uses with the UDF settings, reads Dart files over HTTP, meters and closes them', async () => {
    const events: string[] = [];
    const Probe = defineScalar({
      name: 'Probe',
      signatures: [{ params: ['STRING'], returns: 'STRING' }],
      open: (ctx) => void events.push(`open ${String(ctx.config['UDF_PROBE'])}`),
      close: () => void events.push('close'),
      eval: (s) => s,
    });
    const Unused = defineScalar({ name: 'Unused', signatures: [{ params: [], returns: 'INT' }], open: () => void events.push('unused'), eval: () => 1 });
    const job = prepared("SELECT Probe(id) AS p, DartGet('surge', CAST(x AS STRING), 1) AS surge FROM t", [Probe, Unused], {
      settings: { UDF_PROBE: 'on', UDF_DART_STORE_URL: url },
    });
    const telemetry = createTelemetry({ jobId: 'udf-test' });
    const udfs = await startUdfRuntime(job, { telemetry, logger: quiet, watch: false });
    expect(events).toEqual(['open on']);

    const out: Row[] = [];
    const flow = buildDataflow(job.plan, { data: (r) => void out.push(...r), watermark() {} }, { hooks: { late() {} }, retentionMs: 0, now: () => 0 });
    const input = rows(1, 2, 3);
    udfs.setBatch({ rows: input, split: 'in:0', offsets: ['0', '1', '2'] });
    flow.inputs[0]!.push(input);
    await flow.settle();
    udfs.setBatch(undefined);
    udfs.flush();
    // Key 3 is missing and has no default: NULL under the default policy.
    expect(out).toEqual([
      ['r0', '1.5'],
      ['r1', '2.0'],
      ['r2', null],
    ]);
    expect(requests).toBe(1); // one fetch, cached for the batch
    await udfs.close();
    expect(events).toEqual(['open on', 'close']);
    const text = await telemetry.metrics();
    expect(text).toMatch(/dirk_udf_calls_total\{[^}]*udf="DartGet"[^}]*\} 3/);
    expect(text).toMatch(/dirk_udf_errors_total\{[^}]*udf="DartGet"[^}]*\} 1/);
    expect(text).toMatch(/dirk_udf_calls_total\{[^}]*udf="Probe"[^}]*\} 3/);
    expect(text).toMatch(/dirk_udf_duration_seconds_count\{[^}]*udf="DartGet"[^}]*\} 3/);
  });

  it('DartGet over HTTP as a GROUP BY key and inside SUM of a window (golden output)', async () => {
    const query =
      "SELECT DartGet('surge', CAST(x AS STRING), 1, 'none') AS surge, COUNT(*) AS n, SUM(CAST(DartGet('surge', CAST(x AS STRING), 1, '0') AS DOUBLE) * x) AS weighted, " +
      "TUMBLE_END(rowtime, INTERVAL '1' MINUTE) AS e FROM t GROUP BY DartGet('surge', CAST(x AS STRING), 1, 'none'), TUMBLE(rowtime, INTERVAL '1' MINUTE)";
    const job = prepared(query, [], { settings: { UDF_DART_STORE_URL: url } });
    const udfs = await startUdfRuntime(job, { telemetry: createTelemetry({ jobId: 'dart-group' }), logger: quiet, watch: false });
    const out: unknown[] = [];
    const flow = buildDataflow(job.plan, { data: (r) => void out.push(...r), watermark() {} }, { hooks: { late() {} }, retentionMs: 0, now: () => 0 });
    try {
      const input = rows(1, 2, 1, 3, 2, 2);
      udfs.setBatch({ rows: input, split: 'in:0', offsets: ['0', '1', '2', '3', '4', '5'] });
      flow.inputs[0]!.push(input);
      flow.inputs[0]!.watermark(60_000); // waits behind the lookups of the batch
      await flow.settle();
      udfs.setBatch(undefined);
      expect(out.sort((a, b) => String(a).localeCompare(String(b)))).toEqual([
        ['1.5', 2, 3, 60_000],
        ['2.0', 3, 12, 60_000],
        ['none', 1, 0, 60_000],
      ]);
    } finally {
      await udfs.close();
    }
  });

  it('a failing open() stops the start with a message naming the function', async () => {
    const Bad = defineScalar({
      name: 'Bad',
      signatures: [{ params: ['STRING'], returns: 'STRING' }],
      open: () => {
        throw new Error('no credentials');
      },
      eval: (s) => s,
    });
    const job = prepared('SELECT Bad(id) AS b FROM t', [Bad]);
    await expect(startUdfRuntime(job, { telemetry: createTelemetry({ jobId: 'x' }), logger: quiet, watch: false })).rejects.toThrow(
      'function Bad could not be opened: no credentials',
    );
  });

  it('reloads a changed UDF file into the running slots, and refuses a changed signature', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'dirk-udf-watch-'));
    const file = join(folder, 'scale.ts');
    const write = (body: string, param = 'BIGINT'): void =>
      writeFileSync(file, `import { defineScalar } from 'dirk/udf';\nexport const Scale = defineScalar({ name: 'Scale', signatures: [{ params: ['${param}'], returns: 'BIGINT' }], eval: (x: any) => ${body} });\n`);
    write('Number(x) * 2');
    const user = await loadUdfFolders([folder]);
    const job = prepared('SELECT Scale(x) AS s FROM t', user, { folders: [folder], watch: true });
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', write: (l) => lines.push(l) });
    const waitFor = async (re: RegExp): Promise<void> => {
      const end = Date.now() + 10_000;
      while (!lines.some((l) => re.test(l))) {
        if (Date.now() > end) throw new Error(`no log line ${re}: ${lines.join('\n')}`);
        await sleep(20);
      }
    };
    const udfs = await startUdfRuntime(job, { telemetry: createTelemetry({ jobId: 'w' }), logger, watch: true, debounceMs: 50 });
    try {
      const slot = job.slots.get('SCALE')!;
      const call = (x: number): unknown => invokeScalar(job.functions.resolve('Scale', [T.BIGINT]), [BigInt(x)]);
      expect(call(5)).toBe(10);
      await sleep(300); // the watcher reads the folder once before it reloads anything
      write('Number(x) * 3');
      await waitFor(/reloaded function Scale from .*scale\.ts/);
      expect(call(5)).toBe(15);
      write('1', 'STRING');
      await waitFor(/not reloading function Scale from .*: its signatures changed/);
      expect(call(5)).toBe(15);
      expect(slot.current.signatures[0]!.params).toEqual(['BIGINT']);
    } finally {
      await udfs.close();
    }
  });
  it('a changed helper module (in a sub-folder) reloads the UDF file importing it; the open window keeps its state', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'dirk-udf-helper-'));
    mkdirSync(join(folder, 'lib'));
    const factor = (k: number): void => writeFileSync(join(folder, 'lib', 'factor.ts'), `export const factor = (): number => ${k};\n`);
    factor(2);
    writeFileSync(join(folder, 'lib', 'apply.ts'), `import { factor } from './factor.js';\nexport const apply = (x: number): number => x * factor();\n`);
    writeFileSync(
      join(folder, 'scale.ts'),
      `import { defineScalar } from 'dirk/udf';\nimport { apply } from './lib/apply.js';\nexport const Scale = defineScalar({ name: 'Scale', signatures: [{ params: ['BIGINT'], returns: 'BIGINT' }], eval: (x: any) => apply(Number(x)) });\n`,
    );
    const user = await loadUdfFolders([folder]);
    const job = prepared("SELECT COUNT(*) AS n, SUM(Scale(x)) AS s FROM t GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE)", user, { folders: [folder], watch: true });
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', write: (l) => lines.push(l) });
    const count = (re: RegExp): number => lines.filter((l) => re.test(l)).length;
    const waitFor = async (re: RegExp): Promise<void> => {
      const end = Date.now() + 10_000;
      while (count(re) === 0) {
        if (Date.now() > end) throw new Error(`no log line ${re}: ${lines.join('\n')}`);
        await sleep(20);
      }
    };
    const out: Row[] = [];
    const flow = buildDataflow(job.plan, { data: (r) => void out.push(...r), watermark() {} }, { hooks: { late() {} }, retentionMs: 0, now: () => 0 });
    const udfs = await startUdfRuntime(job, { telemetry: createTelemetry({ jobId: 'h' }), logger, watch: true, debounceMs: 50 });
    try {
      flow.inputs[0]!.push(rows(1, 2)); // 2 + 4
      await sleep(300); // the watcher reads the folders once before it reloads anything
      factor(10);
      await waitFor(/reloaded function Scale from .*scale\.ts \(it imports .*lib[/\\]factor\.ts, which changed\)/);
      flow.inputs[0]!.push(rows(3)); // 30
      flow.inputs[0]!.watermark(60_000);
      await flow.settle();
      expect(out).toEqual([[3, 36]]);

      // A new function name while running: logged once, usable after a restart.
      const extra = `import { defineScalar } from 'dirk/udf';\nexport const Fresh = defineScalar({ name: 'Fresh', signatures: [{ params: [], returns: 'INT' }], eval: () => VALUE });\n`;
      writeFileSync(join(folder, 'fresh.ts'), extra.replace('VALUE', '1'));
      await waitFor(/function Fresh in .*fresh\.ts is new: available after a restart/);
      writeFileSync(join(folder, 'fresh.ts'), extra.replace('VALUE', '2'));
      await sleep(400);
      expect(count(/function Fresh .* is new/)).toBe(1);

      // A deleted UDF file: its function keeps working until a restart, warned once.
      rmSync(join(folder, 'scale.ts'));
      await waitFor(/UDF file .*scale\.ts was deleted; its function Scale keeps working in the running job until a restart/);
      factor(100); // nothing imports it any more
      await sleep(400);
      expect(count(/scale\.ts was deleted/)).toBe(1);
      expect(invokeScalar(job.functions.resolve('Scale', [T.BIGINT]), [5n])).toBe(50);
    } finally {
      await udfs.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
