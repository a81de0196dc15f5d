import http from 'node:http';
import https from 'node:https';
import type { CallOutcome } from './async-stage.js';

/**
 * One HTTP exchange with a connect timeout, over a keep-alive agent, answering a CallOutcome: 2xx with a
 * JSON body is a success; other statuses fail with their code (404, 4xx, 5xx); a body that is not JSON is
 * a `parse` failure; a refused, reset or slow-to-connect connection is a retriable `request` failure.
 */
export interface HttpExchange {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly connectTimeoutMs: number;
  /** Inactivity bound on the socket once connected (Elasticsearch's socket_timeout). */
  readonly socketTimeoutMs?: number;
}

export function createAgents(maxSockets: number): { http: http.Agent; https: https.Agent } {
  return {
    http: new http.Agent({ keepAlive: true, maxSockets }),
    https: new https.Agent({ keepAlive: true, maxSockets }),
  };
}

const RETRIABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'CONNECT_TIMEOUT']);

export function exchange(x: HttpExchange, agents: { http: http.Agent; https: https.Agent }, signal: AbortSignal): Promise<CallOutcome> {
  return new Promise<CallOutcome>((resolve) => {
    const secure = x.url.protocol === 'https:';
    const lib = secure ? https : http;
    let settled = false;
    const done = (o: CallOutcome): void => {
      if (settled) return;
      settled = true;
      resolve(o);
    };
    const headers: Record<string, string | number> = { ...x.headers };
    if (x.body !== undefined) headers['content-length'] = Buffer.byteLength(x.body);
    const req = lib.request(x.url, { method: x.method, headers, agent: secure ? agents.https : agents.http, signal });
    let connectTimer: NodeJS.Timeout | undefined;
    req.on('socket', (socket) => {
      // A reused keep-alive socket is already connected.
      if ((socket as { connecting?: boolean }).connecting) {
        connectTimer = setTimeout(() => {
          const e = Object.assign(new Error(`connect timeout after ${x.connectTimeoutMs} ms`), { code: 'CONNECT_TIMEOUT' });
          req.destroy(e);
        }, x.connectTimeoutMs);
        socket.once('connect', () => clearTimeout(connectTimer));
      }
      if (x.socketTimeoutMs !== undefined) socket.setTimeout(x.socketTimeoutMs, () => req.destroy(Object.assign(new Error(`no data for socket_timeout ${x.socketTimeoutMs} ms`), { code: 'SOCKET_TIMEOUT' })));
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(connectTimer);
      const code = e.code ?? '';
      done({ ok: false, reason: code === 'SOCKET_TIMEOUT' ? 'timeout' : 'request', message: `${x.method} ${x.url.href}: ${e.message}`, retriable: RETRIABLE.has(code) });
    });
    req.on('response', (res) => {
      clearTimeout(connectTimer);
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => done({ ok: false, reason: 'read_response', message: `${x.method} ${x.url.href}: reading the answer failed: ${e.message}` }));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString('utf8');
        if (status < 200 || status > 299) {
          const reason = status === 404 ? 'http_404' : status >= 400 && status < 500 ? 'http_4xx' : status >= 500 && status < 600 ? 'http_5xx' : 'other';
          done({ ok: false, reason, status, message: `${x.method} ${x.url.href} answered status ${status}` });
          return;
        }
        try {
          done({ ok: true, doc: text.trim() === '' ? {} : JSON.parse(text) });
        } catch (e) {
          done({ ok: false, reason: 'parse', status, message: `${x.method} ${x.url.href}: the answer is not JSON (${(e as Error).message})` });
        }
      });
    });
    if (x.body !== undefined) req.write(x.body);
    req.end();
  });
}
