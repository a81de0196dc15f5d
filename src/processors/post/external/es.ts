import type { Row } from '../../../core/types.js';
import type { Layout } from '../columns.js';
import type { EsConfig, OutputMapping } from '../config.js';
import { readJsonPath, type ExternalClient, type PreparedCall } from './async-stage.js';
import { createAgents, exchange } from './http-request.js';
import { fill } from './template.js';
import { allEmpty, variableReader } from './variables.js';

/**
 * The es post-processor: a document GET on `http://<host>:<port>` + the filled `endpoint_pattern`
 * (`/customers/_doc/%s`), with basic auth when `user` is set, the answer read with JSONPath (`$._source`).
 * Several comma-separated hosts are used in turn; a connection failure moves to the next host (the
 * Elasticsearch RestClient's behaviour) for up to `retry_timeout` ms. `socket_timeout` bounds the silence
 * of a connected socket.
 */
export function createEsClient(c: EsConfig, layout: Layout): ExternalClient {
  const vars = variableReader(c.endpointVariables, layout, `${c.path}.endpoint_variables`);
  const auth = c.user ? `Basic ${Buffer.from(`${c.user}:${c.password ?? ''}`).toString('base64')}` : undefined;
  let agents: ReturnType<typeof createAgents> | undefined;
  let next = 0;
  return {
    async open() {
      agents = createAgents(c.capacity);
    },
    async close() {
      agents?.http.destroy();
      agents?.https.destroy();
    },
    prepare(row: Row): PreparedCall | undefined {
      const values = vars(row);
      if (allEmpty(values)) return undefined;
      const path = fill(c.endpointPattern, values, `${c.path}.endpoint_pattern`);
      const headers: Record<string, string> = { accept: 'application/json' };
      if (auth) headers['authorization'] = auth;
      const started = Date.now();
      return {
        key: `GET ${path}`,
        run: async (signal) => {
          for (let tries = 0; ; tries++) {
            const host = c.hosts[next++ % c.hosts.length]!;
            const url = new URL(`http://${host}:${c.port}${path.startsWith('/') ? '' : '/'}${path}`);
            const outcome = await exchange({ method: 'GET', url, headers, connectTimeoutMs: c.connectTimeoutMs, socketTimeoutMs: c.socketTimeoutMs }, agents!, signal);
            const anotherHost = tries + 1 < c.hosts.length && Date.now() - started < c.retryTimeoutMs;
            if (outcome.ok || !outcome.retriable || !anotherHost || signal.aborted) return outcome;
          }
        },
      };
    },
    read: (doc: unknown, m: OutputMapping) => readJsonPath(doc, m.path),
    describe: () => [
      `GET http://${c.hosts.join(',')}:${c.port}${c.endpointPattern.text} (variables: ${c.endpointVariables.join(', ') || 'none'})${c.user ? `, basic auth as ${c.user}` : ''}`,
      `retry_timeout ${c.retryTimeoutMs} ms, socket_timeout ${c.socketTimeoutMs} ms`,
    ],
  };
}
