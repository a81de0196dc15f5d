import { userError } from '../../../core/errors.js';
import type { Row } from '../../../core/types.js';
import type { Layout } from '../columns.js';
import type { HttpConfig, OutputMapping } from '../config.js';
import { readJsonPath, type ExternalClient, type PreparedCall } from './async-stage.js';
import { ApiKeyPool } from '../../api-keys/api-key-pool.js';
import { createAgents, exchange } from './http-request.js';
import { fill } from './template.js';
import { allEmpty, variableReader } from './variables.js';

/**
 * The http post-processor: GET `endpoint + request_pattern`, or POST/PUT `endpoint` with `request_pattern` as
 * the body (Dagger's HttpGetRequestHandler / HttpPostRequestHandler), headers from `headers` and the filled
 * `header_pattern` (a JSON object), the answer read with JSONPath.
 */
export function createHttpClient(c: HttpConfig, layout: Layout): ExternalClient {
  const endpointVars = variableReader(c.endpointVariables, layout, `${c.path}.endpoint_variables`);
  const requestVars = variableReader(c.requestVariables, layout, `${c.path}.request_variables`);
  const headerVars = variableReader(c.headerVariables, layout, `${c.path}.header_variables`);
  let agents: ReturnType<typeof createAgents> | undefined;
  let pool: ApiKeyPool | undefined;
  return {
    async open() {
      agents = createAgents(c.capacity);
      if (c.apiKey) {
        const p = c.apiKey.pool;
        pool = new ApiKeyPool({ name: p.name, keys: p.keys, ratePerSecond: p.ratePerSecond, maxWaitMs: p.maxWaitMs, ...(p.redisUrl ? { redisUrl: p.redisUrl } : {}) });
      }
    },
    async close() {
      agents?.http.destroy();
      agents?.https.destroy();
      await pool?.close();
    },
    prepare(row: Row): PreparedCall | undefined {
      const req = requestVars(row);
      const hdr = headerVars(row);
      if (allEmpty(req) || allEmpty(hdr)) return undefined;
      const endpoint = fill(c.endpoint, endpointVars(row), `${c.path}.endpoint`);
      const pattern = fill(c.requestPattern, req, `${c.path}.request_pattern`);
      const href = c.verb === 'GET' ? endpoint + pattern : endpoint;
      let url: URL;
      try {
        url = new URL(href);
      } catch {
        throw userError(`${c.path}: the request URL "${href}" built from endpoint and request_pattern is not a valid URL`);
      }
      const headers: Record<string, string> = { ...c.headers };
      if (c.headerPattern) Object.assign(headers, dynamicHeaders(fill(c.headerPattern, hdr, `${c.path}.header_pattern`), c.path));
      const body = c.verb === 'GET' ? undefined : pattern;
      const key = `${c.verb} ${url.href}${body !== undefined ? ` ${body}` : ''}`;
      const send = (u: URL, h: Record<string, string>, signal: AbortSignal) => exchange({ method: c.verb, url: u, headers: h, ...(body !== undefined ? { body } : {}), connectTimeoutMs: c.connectTimeoutMs }, agents!, signal);
      const use = c.apiKey;
      if (!use || !pool) return { key, run: (signal) => send(url, headers, signal) };
      const keys = pool;
      return {
        key,
        // Each attempt draws a key from the shared pool (waiting while every key is at its rate), so a
        // retry counts against the quota as the service sees it.
        run: async (signal) => {
          const apiKey = await keys.acquire();
          const value = use.format.replace('%s', apiKey);
          let u = url;
          const h = { ...headers };
          if (use.header) h[use.header] = value;
          else {
            u = new URL(url.href);
            u.searchParams.set(use.queryParam!, value);
          }
          const outcome = await send(u, h, signal);
          // The key may sit in the URL a failure message quotes: never let it out.
          return outcome.ok ? outcome : { ...outcome, message: outcome.message.split(u.href).join(url.href).split(apiKey).join('***') };
        },
      };
    },
    read: (doc: unknown, m: OutputMapping) => readJsonPath(doc, m.path),
    describe: () => [
      c.verb === 'GET' ? `GET ${c.endpoint.text}${c.requestPattern.text}` : `${c.verb} ${c.endpoint.text} body ${c.requestPattern.text}`,
      ...(c.apiKey
        ? [`api key from pool ${c.apiKey.pool.name} (${c.apiKey.pool.keys.length} keys at ${c.apiKey.pool.ratePerSecond}/s each, shared through Redis) in ${c.apiKey.header ? `header ${c.apiKey.header}` : `query parameter ${c.apiKey.queryParam}`}`]
        : []),
      `variables: endpoint [${c.endpointVariables.join(', ')}], request [${c.requestVariables.join(', ')}], header [${c.headerVariables.join(', ')}]`,
    ],
  };
}

/** The filled header_pattern: a JSON object (Gson, as Dagger uses, also takes single quotes). */
function dynamicHeaders(text: string, path: string): Record<string, string> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    try {
      v = JSON.parse(text.replace(/'/g, '"'));
    } catch {
      throw userError(`${path}.header_pattern: the filled pattern ${text} is not a JSON object of header names and values`);
    }
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw userError(`${path}.header_pattern: the filled pattern ${text} is not a JSON object`);
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x)]));
}
