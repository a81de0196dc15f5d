/**
 * GET /metrics (the job's own registry, Prometheus text format) and GET /healthz over plain node:http.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenError } from '../core/listen-errors.js';
import type { Telemetry } from './telemetry.js';

export interface MetricsServerOptions {
  readonly host?: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** What /metrics serves: a job's telemetry, or the merged series of a process's tasks. */
  readonly telemetry: Pick<Telemetry, 'metrics' | 'contentType'>;
  /**
   * Health probe for /healthz: 200 when it returns true (or a report with healthy: true), 503 otherwise; a
   * report is served as its JSON (the reasons). Default: always healthy.
   */
  readonly healthy?: () => boolean | { readonly healthy: boolean };
  /** The JSON served at /status (a running job's state, sources, watermarks, last checkpoint); 404 without. */
  readonly status?: () => Promise<unknown>;
}

export interface MetricsServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? '0.0.0.0';
  const { telemetry } = options;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    if (path === '/metrics') {
      telemetry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': telemetry.contentType });
          res.end(req.method === 'HEAD' ? undefined : text);
        },
        (e: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics collection failed: ${String(e)}\n`);
        },
      );
      return;
    }
    if (path === '/healthz') {
      const probe = options.healthy ? options.healthy() : true;
      const report = typeof probe === 'boolean' ? { healthy: probe, status: probe ? 'ok' : 'unhealthy' } : probe;
      const body = req.method === 'HEAD' ? undefined : `${JSON.stringify(report)}\n`;
      res.writeHead(report.healthy ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
      return;
    }
    if (path === '/status' && options.status) {
      options.status().then(
        (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(body, null, 2)}\n`),
        (e: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`status failed: ${String(e)}\n`),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found; try /metrics${options.status ? ', /status' : ''} or /healthz\n`);
  });
  // Scrapes are short; do not let a keep-alive connection hold close() open.
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error): void =>
      reject(listenError(e, { portKey: 'METRICS_PORT', hostKey: 'METRICS_HOST', host, port: options.port, what: 'the metrics server' }));
    server.once('error', onError);
    server.listen(options.port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
