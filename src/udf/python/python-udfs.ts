/**
 * Python UDFs (Dagger's PYTHON_UDF_ENABLE / PYTHON_UDF_CONFIG): scalar functions defined in Python files and
 * run in a pool of python3 worker processes.
 *
 * When the job is prepared, a worker started with `--describe` loads PYTHON_FILES (each `x.py` defines a
 * function `x`, registered as `X`, as Dagger's PythonUdfManager does) and reports each function's result
 * type and arity, so the planner types the calls. When a query uses one, the pool starts PYTHON_WORKERS
 * processes (the function's open()); calls are async UDF calls: the calls issued together (the async
 * operator evaluates a whole batch at once) are sent as one request per function of at most
 * PYTHON_FN_EXECUTION_ARROW_BATCH_SIZE rows, spread over the workers. A row whose Python call raised is
 * that call's error (UDF_ERROR_POLICY: NULL or FAIL); a worker that dies fails the calls in flight.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userError } from '../../core/errors.js';
import { canonicalInt64 } from '../../core/types.js';
import type { PythonUdfConfig } from '../../config/index.js';
import { defineScalar, type FunctionDef } from '../api.js';
import { PYFLINK_INIT, PYFLINK_TABLE_INIT, PYFLINK_UDF, WORKER } from './worker-source.js';

const KEY = 'PYTHON_UDF_CONFIG';
const PYTHON = process.env['DIRK_PYTHON'] ?? 'python3';

interface Described {
  readonly name: string;
  readonly qualified: string;
  readonly result: string;
  readonly inputs: string[] | null;
  readonly params: number;
  readonly varargs: boolean;
}

/** The worker and the pyflink shim in a folder of their own (removed when the process exits). */
function writeRuntime(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dirk-python-'));
  mkdirSync(join(dir, 'pyflink', 'table'), { recursive: true });
  writeFileSync(join(dir, 'dirk_worker.py'), WORKER);
  writeFileSync(join(dir, 'pyflink', '__init__.py'), PYFLINK_INIT);
  writeFileSync(join(dir, 'pyflink', 'table', '__init__.py'), PYFLINK_TABLE_INIT);
  writeFileSync(join(dir, 'pyflink', 'table', 'udf.py'), PYFLINK_UDF);
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function startWorker(dir: string, cfg: PythonUdfConfig, describe: boolean): ChildProcessWithoutNullStreams {
  const spec = JSON.stringify({ files: cfg.files, requirements: cfg.requirements ?? null });
  return spawn(PYTHON, ['-u', join(dir, 'dirk_worker.py'), spec, ...(describe ? ['--describe'] : [])], {
    // The shim goes first on the path, so `pyflink` is Dirk's even where PyFlink is installed.
    env: { ...process.env, PYTHONPATH: [dir, process.env['PYTHONPATH']].filter(Boolean).join(':'), PYTHONDONTWRITEBYTECODE: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Reads length-prefixed JSON frames from a stream. */
function onFrames(stream: NodeJS.ReadableStream, handle: (frame: unknown) => void): void {
  let buf: Buffer = Buffer.alloc(0);
  stream.on('data', (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 4) {
      const n = buf.readUInt32BE(0);
      if (buf.length < 4 + n) break;
      const frame = JSON.parse(buf.toString('utf8', 4, 4 + n)) as unknown;
      buf = buf.subarray(4 + n);
      handle(frame);
    }
  });
}

function frame(obj: unknown): Buffer {
  const body = Buffer.from(
    JSON.stringify(obj, (_k, v: unknown) => {
      if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
      if (v instanceof Uint8Array) return Array.from(v);
      if (v instanceof Map) return Object.fromEntries(v);
      return v;
    }),
    'utf8',
  );
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

/** Loads PYTHON_FILES once to learn the functions (names, result types, arity). */
async function describe(dir: string, cfg: PythonUdfConfig): Promise<Described[]> {
  const p = startWorker(dir, cfg, true);
  let stderr = '';
  p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const first = await new Promise<unknown>((resolve, reject) => {
    let got = false;
    onFrames(p.stdout, (f) => {
      got = true;
      resolve(f);
    });
    p.on('error', (e) => reject(userError(`${KEY}: cannot start ${PYTHON}: ${e.message}`)));
    p.on('close', (code) => {
      if (!got) reject(userError(`${KEY}: the Python worker exited (code ${code}) before loading PYTHON_FILES: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
  const r = first as { functions?: Described[]; error?: string };
  if (r.error) throw userError(`${KEY}: PYTHON_FILES did not load: ${r.error}`, { key: KEY });
  return r.functions ?? [];
}

interface Pending {
  readonly fn: string;
  readonly args: unknown[][];
  readonly done: { resolve: (v: unknown) => void; reject: (e: Error) => void }[];
}

/** The running workers, shared by every Python function of the job (started by the first open()). */
class PythonPool {
  private workers: { p: ChildProcessWithoutNullStreams; stderr: string }[] = [];
  private users = 0;
  private next = 0;
  private nextId = 1;
  private readonly waiting = new Map<number, { worker: number; done: Pending['done']; conv: (v: unknown) => unknown }>();
  private queued = new Map<string, Pending>();
  private scheduled = false;

  constructor(
    private readonly dir: string,
    private readonly cfg: PythonUdfConfig,
    private readonly convs: ReadonlyMap<string, (v: unknown) => unknown>,
  ) {}

  open(): void {
    if (this.users++ > 0) return;
    for (let i = 0; i < this.cfg.workers; i++) {
      const p = startWorker(this.dir, this.cfg, false);
      const w = { p, stderr: '' };
      const index = this.workers.length;
      this.workers.push(w);
      p.stderr.on('data', (c: Buffer) => (w.stderr = (w.stderr + c.toString()).slice(-2000)));
      let ready = false;
      onFrames(p.stdout, (f) => {
        if (!ready) {
          ready = true; // the function list, already known from describe()
          return;
        }
        this.answer(f as { id: number; results: unknown[]; errors: Record<string, string> });
      });
      p.on('close', (code) => this.died(index, code));
      p.on('error', () => {});
    }
  }

  async close(): Promise<void> {
    if (--this.users > 0) return;
    const ws = this.workers;
    this.workers = [];
    await Promise.all(
      ws.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.p.exitCode !== null) return resolve();
            w.p.once('close', () => resolve());
            w.p.stdin.end();
            setTimeout(() => w.p.kill('SIGKILL'), 5000).unref();
          }),
      ),
    );
  }

  call(fn: string, args: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let q = this.queued.get(fn);
      if (!q) this.queued.set(fn, (q = { fn, args: [], done: [] }));
      q.args.push(args);
      q.done.push({ resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // Calls issued in the same turn (one batch's) go out together.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const queued = [...this.queued.values()];
    this.queued = new Map();
    for (const q of queued) {
      for (let at = 0; at < q.args.length; at += this.cfg.batchSize) {
        const args = q.args.slice(at, at + this.cfg.batchSize);
        const done = q.done.slice(at, at + this.cfg.batchSize);
        if (this.workers.length === 0) {
          for (const d of done) d.reject(new Error('Python UDF workers are not running (the function was not opened, or the job is closing)'));
          continue;
        }
        const worker = this.next++ % this.workers.length;
        const id = this.nextId++;
        this.waiting.set(id, { worker, done, conv: this.convs.get(q.fn)! });
        this.workers[worker]!.p.stdin.write(frame({ id, fn: q.fn, args }));
      }
    }
  }

  private answer(f: { id: number; results: unknown[]; errors: Record<string, string> }): void {
    const w = this.waiting.get(f.id);
    if (!w) return;
    this.waiting.delete(f.id);
    w.done.forEach((d, i) => {
      const error = f.errors[String(i)];
      if (error !== undefined) d.reject(new Error(`Python raised ${error}`));
      else {
        const v = f.results[i];
        d.resolve(v === null || v === undefined ? null : w.conv(v));
      }
    });
  }

  private died(index: number, code: number | null): void {
    const w = this.workers[index];
    const why = `the Python UDF worker exited (code ${code})${w?.stderr ? `: ${w.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`;
    for (const [id, p] of this.waiting) {
      if (p.worker !== index) continue;
      this.waiting.delete(id);
      for (const d of p.done) d.reject(new Error(why));
    }
  }
}

/** A converter from the JSON a worker returns to the SQL value of the result type. */
function resultConv(type: string): (v: unknown) => unknown {
  const t = type.toUpperCase();
  if (t === 'BIGINT') return (v) => (typeof v === 'number' ? v : canonicalInt64(BigInt(v as string)));
  if (t === 'BYTES') return (v) => Uint8Array.from(v as number[]);
  if (t.startsWith('MAP<')) return (v) => new Map(Object.entries(v as Record<string, unknown>));
  return (v) => v;
}

/** The Python functions of PYTHON_FILES, as async scalar UDFs (workers start when a query uses one). */
export async function loadPythonFunctions(cfg: PythonUdfConfig): Promise<FunctionDef[]> {
  const dir = writeRuntime();
  const described = await describe(dir, cfg);
  const pool = new PythonPool(dir, cfg, new Map(described.map((d) => [d.name, resultConv(d.result)])));
  return described.map((d) => {
    const params = d.inputs ?? Array.from({ length: d.params + (d.varargs ? 1 : 0) }, () => 'ANY');
    return defineScalar({
      name: d.name,
      description: `Python UDF ${d.qualified} (PYTHON_FILES)`,
      signatures: [{ params, varargs: d.varargs, returns: d.result }],
      // PyFlink hands None to the function; so does Dirk.
      nullOnNullInput: false,
      evalAsync: (...args: unknown[]) => pool.call(d.name, args),
      async: { maxInFlight: cfg.batchSize, timeoutMs: 60_000 },
      open: () => pool.open(),
      close: () => pool.close(),
    });
  });
}
