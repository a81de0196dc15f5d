import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildCatalogue, type Catalogue } from './catalogue.js';
import { ControlPlaneError, type ControlPlane } from './control-plane.js';
import { checkBody, HttpError, queryFlag, queryInt, readJson, sendJson, sendText } from './http-util.js';
import { summarize } from './metrics-summary.js';
import { buildOpenApi } from './openapi.js';
import type { PipelineService } from './pipelines.js';
import { planGraph } from './plan-graph.js';
import { maskInText } from './redact.js';
import type { SchemaService } from './schemas.js';
import { stencilRead } from '../schema/index.js';
import { UI_HTML, uiScript } from './ui/page.js';

/**
 * The REST API of `dirk serve` (documented in /openapi.json, built from the same route list). Reads are
 * open; every call that changes something needs `Authorization: Bearer <token>`. Errors are JSON
 * `{ "error": "...", "details": [...] }` with the status saying whose problem it is.
 */
export interface ApiContext {
  readonly plane: ControlPlane;
  readonly pipelines: PipelineService;
  readonly schemas: SchemaService;
  readonly token: string;
}

type Handler = (ctx: ApiContext, req: IncomingMessage, url: URL, params: Record<string, string>) => Promise<{ status: number; body?: unknown }>;

interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly mutating: boolean;
  readonly handler: Handler;
}

const JOB_BODY = { id: { type: 'string', required: true }, config: { type: 'object', required: true }, start: { type: 'boolean' } } as const;
const UPDATE_BODY = { config: { type: 'object', required: true }, dropState: { type: 'boolean' } } as const;
const VALIDATE_BODY = { config: { type: 'object', required: true } } as const;
const SCHEMA_BODY = { namespace: { type: 'string', required: true }, name: { type: 'string', required: true }, descriptorSet: { type: 'string' }, protos: { type: 'object' } } as const;
const SCHEMA_VERSION_BODY = { descriptorSet: { type: 'string' }, protos: { type: 'object' } } as const;
type SchemaBody = { namespace: string; name: string; descriptorSet?: string; protos?: Record<string, unknown> };

let catalogue: Catalogue | undefined;
let openapi: Record<string, unknown> | undefined;

export const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/api/jobs', mutating: false, handler: async ({ plane }) => ({ status: 200, body: { jobs: await plane.list() } }) },
  {
    method: 'POST',
    path: '/api/jobs',
    mutating: true,
    handler: async ({ plane }, req) => {
      const b = checkBody<{ id: string; config: Record<string, unknown>; start?: boolean }>(await readJson(req), JOB_BODY);
      const { job, check } = await plane.add(b.id, b.config, b.start ?? true);
      return { status: 201, body: { job, warnings: check.warnings } };
    },
  },
  {
    method: 'POST',
    path: '/api/validate',
    mutating: false,
    handler: async ({ plane }, req) => {
      const b = checkBody<{ config: Record<string, unknown> }>(await readJson(req), VALIDATE_BODY);
      const c = await plane.check(b.config);
      return { status: 200, body: { ok: c.ok, errors: c.errors, warnings: c.warnings, explain: c.explain } };
    },
  },
  { method: 'GET', path: '/api/jobs/:id', mutating: false, handler: async ({ plane }, _r, _u, p) => ({ status: 200, body: { job: await plane.get(p['id']!) } }) },
  {
    method: 'PUT',
    path: '/api/jobs/:id',
    mutating: true,
    handler: async ({ plane }, req, _u, p) => {
      const b = checkBody<{ config: Record<string, unknown>; dropState?: boolean }>(await readJson(req), UPDATE_BODY);
      const { job, check } = await plane.update(p['id']!, b.config, b.dropState ?? false);
      return { status: 200, body: { job, warnings: check.warnings } };
    },
  },
  {
    method: 'DELETE',
    path: '/api/jobs/:id',
    mutating: true,
    handler: async ({ plane }, _r, url, p) => {
      const purge = queryFlag(url, 'purge');
      const { topicsDeleted } = await plane.remove(p['id']!, purge);
      return { status: 200, body: { deleted: p['id'], purged: purge, topicsDeleted } };
    },
  },
  { method: 'POST', path: '/api/jobs/:id/start', mutating: true, handler: async ({ plane }, _r, _u, p) => ({ status: 200, body: { job: await plane.setDesired(p['id']!, 'running') } }) },
  { method: 'POST', path: '/api/jobs/:id/stop', mutating: true, handler: async ({ plane }, _r, _u, p) => ({ status: 200, body: { job: await plane.setDesired(p['id']!, 'stopped') } }) },
  { method: 'POST', path: '/api/jobs/:id/restart', mutating: true, handler: async ({ plane }, _r, _u, p) => ({ status: 200, body: { job: await plane.restart(p['id']!) } }) },
  {
    method: 'GET',
    path: '/api/jobs/:id/logs',
    mutating: false,
    handler: async ({ plane }, _r, url, p) => ({ status: 200, body: { lines: await plane.logs(p['id']!, queryInt(url, 'limit', 200, 2_000)) } }),
  },
  {
    method: 'GET',
    path: '/api/jobs/:id/events',
    mutating: false,
    handler: async ({ plane }, _r, url, p) => ({ status: 200, body: { events: await plane.events(p['id']!, queryInt(url, 'limit', 50, 200)) } }),
  },
  {
    method: 'GET',
    path: '/api/jobs/:id/checkpoints',
    mutating: false,
    handler: async ({ plane }, _r, url, p) => ({ status: 200, body: { checkpoints: await plane.checkpoints(p['id']!, queryInt(url, 'limit', 20, 100)) } }),
  },
  {
    method: 'GET',
    path: '/api/jobs/:id/plan',
    mutating: false,
    handler: async ({ plane }, _r, _u, p) => {
      const rec = await plane.repository.get(p['id']!);
      if (!rec) throw new ControlPlaneError(`no job "${p['id']}"`, 404);
      const c = await plane.check(rec.config);
      const sink = String(rec.config['SINK_TYPE'] ?? 'influx');
      return { status: 200, body: { ok: c.ok, errors: c.errors, explain: c.explain ?? null, graph: c.explain ? planGraph(c.explain, sink) : null, outputColumns: c.outputColumns ?? [] } };
    },
  },
  {
    method: 'GET',
    path: '/api/jobs/:id/metrics',
    mutating: false,
    handler: async ({ plane }, _r, _u, p) => {
      const text = await plane.metricsText(p['id']!);
      return { status: 200, body: { available: text !== undefined, summary: text === undefined ? null : summarize(text) } };
    },
  },
  { method: 'GET', path: '/api/catalogue', mutating: false, handler: () => Promise.resolve({ status: 200, body: (catalogue ??= buildCatalogue()) }) },
  { method: 'GET', path: '/api/schemas', mutating: false, handler: ({ schemas }) => Promise.resolve({ status: 200, body: { schemas: schemas.list() } }) },
  {
    method: 'POST',
    path: '/api/schemas',
    mutating: true,
    handler: async ({ schemas }, req) => {
      const b = checkBody<SchemaBody>(await readJson(req), SCHEMA_BODY);
      return { status: 201, body: await schemas.publish(b.namespace, b.name, b, true) };
    },
  },
  { method: 'GET', path: '/api/schemas/:namespace/:name', mutating: false, handler: async ({ schemas }, _r, _u, p) => ({ status: 200, body: { schema: await schemas.get(p['namespace']!, p['name']!) } }) },
  {
    method: 'PUT',
    path: '/api/schemas/:namespace/:name',
    mutating: true,
    handler: async ({ schemas }, req, _u, p) => {
      const b = checkBody<Omit<SchemaBody, 'namespace' | 'name'>>(await readJson(req), SCHEMA_VERSION_BODY);
      return { status: 200, body: await schemas.publish(p['namespace']!, p['name']!, b, false) };
    },
  },
  { method: 'GET', path: '/api/pipelines', mutating: false, handler: async ({ pipelines }) => ({ status: 200, body: { pipelines: await pipelines.list() } }) },
  {
    method: 'POST',
    path: '/api/pipelines',
    mutating: true,
    handler: async ({ pipelines }, req) => ({ status: 201, body: { pipeline: await pipelines.up(await readJson(req)) } }),
  },
  { method: 'GET', path: '/api/pipelines/:name', mutating: false, handler: async ({ pipelines }, _r, _u, p) => ({ status: 200, body: { pipeline: await pipelines.status(p['name']!) } }) },
  {
    method: 'DELETE',
    path: '/api/pipelines/:name',
    mutating: true,
    handler: async ({ pipelines }, _r, url, p) => {
      await pipelines.down(p['name']!, queryFlag(url, 'purge'));
      return { status: 204 };
    },
  },
];

function match(route: Route, method: string, path: string): Record<string, string> | undefined {
  if (route.method !== method) return undefined;
  const want = route.path.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(':')) {
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        throw new HttpError(400, `path: bad percent-escape in "${g}"`);
      }
    } else if (w !== g) return undefined;
  }
  return params;
}

function authorized(req: IncomingMessage, token: string): boolean {
  const h = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  if (!m) return false;
  const a = Buffer.from(m[1]!);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function handleRequest(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  try {
    if (method === 'GET' && (url.pathname === '/' || url.pathname === '/ui' || url.pathname.startsWith('/ui/'))) {
      return sendText(res, 200, 'text/html; charset=utf-8', UI_HTML);
    }
    if (method === 'GET' && url.pathname === '/ui.js') return sendText(res, 200, 'text/javascript; charset=utf-8', await uiScript());
    if (method === 'GET' && url.pathname === '/openapi.json') return sendJson(res, 200, (openapi ??= buildOpenApi(ROUTES)));
    if (method === 'GET' && url.pathname === '/healthz') return sendJson(res, 200, { ok: true });
    if (method === 'GET' && (url.pathname.startsWith('/v1beta1/') || url.pathname.startsWith('/v1/namespaces/'))) {
      // the built-in Stencil-compatible registry: what jobs' SCHEMA_REGISTRY_STENCIL_URLS point at
      let parts: string[];
      try {
        parts = url.pathname.split('/').filter(Boolean).map((x) => decodeURIComponent(x));
      } catch {
        throw new HttpError(400, `path: bad percent-escape in "${url.pathname}"`);
      }
      const r = stencilRead(parts, (ns, name) => ctx.schemas.versionsOf(ns, name));
      res.writeHead(r.status, { 'content-type': r.type, 'cache-control': 'no-store' });
      res.end(r.body);
      return;
    }
    let found = false;
    for (const route of ROUTES) {
      const params = match(route, method, url.pathname);
      if (!params) {
        if (route.path.split('/').length === url.pathname.split('/').length && matchPath(route.path, url.pathname)) found = true;
        continue;
      }
      if (route.mutating && !authorized(req, ctx.token)) {
        res.setHeader('www-authenticate', 'Bearer');
        return sendJson(res, 401, { error: 'this call changes state: send Authorization: Bearer <token> (printed by dirk serve at its first start, or DIRK_SERVE_TOKEN)' });
      }
      const out = await route.handler(ctx, req, url, params);
      if (out.status === 204) {
        res.writeHead(204);
        res.end();
        return;
      }
      return sendJson(res, out.status, out.body);
    }
    if (found) return sendJson(res, 405, { error: `${method} is not allowed on ${url.pathname}` });
    return sendJson(res, 404, { error: `no such endpoint: ${method} ${url.pathname} (see /openapi.json)` });
  } catch (e) {
    if (e instanceof HttpError) return sendJson(res, e.status, { error: e.message, ...(e.details ? { details: e.details } : {}) });
    if (e instanceof ControlPlaneError) return sendJson(res, e.status, { error: e.message, ...(e.details ? { details: e.details } : {}) });
    return sendJson(res, 500, { error: `internal error: ${maskInText((e as Error).message)}` });
  }
}

function matchPath(pattern: string, path: string): boolean {
  const a = pattern.split('/');
  const b = path.split('/');
  return a.every((w, i) => w.startsWith(':') || w === b[i]);
}
