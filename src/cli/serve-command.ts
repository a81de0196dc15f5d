import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DirkError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { portOption, UsageError } from './args.js';

export const SERVE_HELP = `Usage: dirk serve [--port <port>] [--host <host>] [--data-dir <dir>]

Runs the control plane: a REST API (OpenAPI at /openapi.json), a web UI at /, and every job added to it
supervised in its own process (restarted with backoff after a failure). Jobs are kept in a repository:
an embedded file store under the data folder, or PostgreSQL when DIRK_REPOSITORY_URL is set
(DIRK_REPOSITORY_SCHEMA, default dirk). Calls that change something need the bearer token: DIRK_SERVE_TOKEN,
or one generated at the first start, printed once and kept in <data-dir>/token.

Options:
  --port <port>       default 8800; 0 picks a free port
  --host <host>       default 127.0.0.1
  --data-dir <dir>    default .dirk/serve (job folders: config, checkpoints, logs)
  --sync-interval-ms  status sync period, default 10000`;

export const PIPELINE_HELP = `Usage: dirk pipeline up|down|status <pipeline.json> [--server <url>] [--token <token>]

Brings a pipeline (stages = jobs, joined by Kafka topics) up or down through a running 'dirk serve', or shows
the state of its stages. A stage may give its job inline ("config": {...}) or as a file ("job": "a.json",
relative to the pipeline file). Server: --server, DIRK_SERVE_URL or http://127.0.0.1:8800; token: --token,
DIRK_SERVE_TOKEN or .dirk/serve/token.`;

type Options = Readonly<Record<string, string | boolean | undefined>>;

export async function serveCommand(options: Options, logger: Logger): Promise<number> {
  const interval = options['sync-interval-ms'];
  if (interval !== undefined && !(Number(interval) >= 100)) {
    throw new UsageError(`--sync-interval-ms: expected milliseconds >= 100, found "${String(interval)}"`);
  }
  // The control plane (its API, UI, repositories and pg) is loaded by `dirk serve` only, not by `dirk run`.
  const { startServe } = await import('../server/serve.js');
  const service = await startServe({
    port: portOption(options['port'], '--port', 8800),
    host: typeof options['host'] === 'string' ? options['host'] : '127.0.0.1',
    ...(typeof options['data-dir'] === 'string' ? { dataDir: resolve(options['data-dir']) } : {}),
    repositoryUrl: process.env['DIRK_REPOSITORY_URL'],
    repositorySchema: process.env['DIRK_REPOSITORY_SCHEMA'],
    ...(typeof interval === 'string' ? { syncIntervalMs: Number(interval) } : {}),
    logger,
  });
  process.stdout.write(`dirk serve: API and UI at ${service.url} (repository: ${service.repository.kind})\n`);
  if (service.tokenGenerated) process.stdout.write(`API token (shown once; also in the data folder's "token" file): ${service.token}\n`);
  await new Promise<void>((done) => {
    const stop = (): void => {
      logger.info('stopping: every job takes a final checkpoint');
      void service.close().then(done, done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

async function tokenFor(options: Options): Promise<string | undefined> {
  const t = options['token'];
  if (typeof t === 'string') return t;
  if (process.env['DIRK_SERVE_TOKEN']) return process.env['DIRK_SERVE_TOKEN'];
  try {
    return (await readFile(join('.dirk', 'serve', 'token'), 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/** The pipeline file with `"job": "<file>"` stages read in. */
export async function readPipelineFile(file: string): Promise<Record<string, unknown>> {
  let spec: Record<string, unknown>;
  try {
    spec = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new DirkError(`cannot read pipeline file ${file}: ${(e as Error).message}`, { domain: 'user' });
  }
  const stages = Array.isArray(spec['stages']) ? (spec['stages'] as Record<string, unknown>[]) : [];
  const out = [];
  for (const [i, s] of stages.entries()) {
    if (typeof s?.['job'] === 'string') {
      const path = resolve(dirname(file), s['job']);
      try {
        const { job: _job, ...rest } = s;
        out.push({ ...rest, config: JSON.parse(await readFile(path, 'utf8')) as unknown });
      } catch (e) {
        throw new DirkError(`stages[${i}].job: cannot read ${path}: ${(e as Error).message}`, { domain: 'user' });
      }
    } else out.push(s);
  }
  return { ...spec, stages: out };
}

export async function pipelineCommand(args: readonly string[], options: Options): Promise<number> {
  const [action, file] = args;
  if (!action || !['up', 'down', 'status'].includes(action) || !file) throw new DirkError(`usage: dirk pipeline up|down|status <pipeline.json>`, { domain: 'user' });
  const server = (typeof options['server'] === 'string' ? options['server'] : undefined) ?? process.env['DIRK_SERVE_URL'] ?? 'http://127.0.0.1:8800';
  const token = await tokenFor(options);
  const spec = await readPipelineFile(resolve(file));
  const name = String(spec['name'] ?? '');
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; data: Record<string, unknown> }> => {
    let res: Response;
    try {
      res = await fetch(`${server}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (e) {
      throw new DirkError(`cannot reach dirk serve at ${server}: ${(e as Error).message} (start it with 'dirk serve', or pass --server)`, { domain: 'external' });
    }
    const data = res.status === 204 ? {} : ((await res.json()) as Record<string, unknown>);
    return { status: res.status, data };
  };
  const fail = (r: { status: number; data: Record<string, unknown> }): number => {
    process.stderr.write(`error: ${String(r.data['error'] ?? r.status)}\n`);
    for (const d of (r.data['details'] as string[] | undefined) ?? []) process.stderr.write(`  - ${d}\n`);
    return r.status >= 500 ? 1 : 2;
  };
  const printStatus = (p: Record<string, unknown>): void => {
    const stages = (p['stages'] as { stage: string; state: string; id: string }[]) ?? [];
    process.stdout.write(`pipeline ${String(p['name'])}\n`);
    for (const s of stages) process.stdout.write(`  ${s.stage.padEnd(20)} ${s.state.padEnd(11)} job ${s.id}\n`);
    for (const e of (p['edges'] as { from: string; to: string; topic: string }[]) ?? []) process.stdout.write(`  ${e.from} -> ${e.to} via ${e.topic}\n`);
  };
  if (action === 'up') {
    const r = await call('POST', '/api/pipelines', spec);
    if (r.status !== 201) return fail(r);
    printStatus(r.data['pipeline'] as Record<string, unknown>);
    return 0;
  }
  if (action === 'status') {
    const r = await call('GET', `/api/pipelines/${encodeURIComponent(name)}`);
    if (r.status !== 200) return fail(r);
    printStatus(r.data['pipeline'] as Record<string, unknown>);
    return 0;
  }
  const r = await call('DELETE', `/api/pipelines/${encodeURIComponent(name)}`);
  if (r.status !== 204) return fail(r);
  process.stdout.write(`pipeline ${name}: every stage stopped and removed\n`);
  return 0;
}
