/**
 * A Stencil-compatible descriptor server kept in memory (for tests and `dirk registry serve <dir>`). `dirk serve`
 * answers the same GET routes from its versioned schema store (stencilRead).
 *
 * Routes (raystack/stencil v1beta1, plus the legacy v1 shape):
 *   GET  /ping                                               -> "pong"
 *   GET  /v1beta1/namespaces/{ns}/schemas/{name}             -> latest FileDescriptorSet (octet-stream)
 *   GET  /v1beta1/namespaces/{ns}/schemas/{name}/versions    -> {"versions":[1,2,...]}
 *   GET  /v1beta1/namespaces/{ns}/schemas/{name}/versions/{n}-> that version
 *   POST /v1beta1/namespaces                                 -> create a namespace (JSON {"id": ...})
 *   POST /v1beta1/namespaces/{ns}/schemas/{name}             -> publish the body as a new version
 *   GET  /v1/namespaces/{ns}/descriptors/{name}/versions/{latest|n}
 */
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '../core/logger.js';
import { buildDescriptorSet, rootFromDescriptorSet } from './descriptor-registry.js';
import { CONFLUENT_CONTENT_TYPE, ConfluentRegistry } from './confluent-registry.js';

export interface StencilServerOptions {
  /** Build a descriptor set from the .proto files under this dir and publish it as version 1. */
  dir?: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Namespace and schema name `dir` is published under (default dirk / protos). */
  namespace?: string;
  name?: string;
  logger?: Logger;
  /**
   * Publishing over HTTP (POST) is off unless a token is given; then a POST must carry
   * `Authorization: Bearer <token>`. A published version reaches every auto-refreshing job, so an open
   * POST endpoint would let anyone change their schemas. (`publish()` in-process is always allowed.)
   */
  publishToken?: string;
  /** Largest request body accepted, in bytes (default 16 MiB): a larger one is refused with 413. */
  maxBodyBytes?: number;
}

const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Path segments, or undefined when a segment is not valid percent-encoding (answered with 400). */
function pathParts(pathname: string): string[] | undefined {
  try {
    return pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer\s+/i, '') ?? '');
  const want = Buffer.from(token);
  return header !== undefined && /^Bearer\s+/i.test(header) && given.length === want.length && timingSafeEqual(given, want);
}

export interface StencilReply {
  readonly status: number;
  readonly body: string | Uint8Array;
  readonly type: string;
}

const notFoundReply = (what: string): StencilReply => ({ status: 404, body: JSON.stringify({ code: 5, message: `${what} not found` }), type: 'application/json' });
const bytesReply = (bytes: Uint8Array): StencilReply => ({ status: 200, body: bytes, type: 'application/octet-stream' });

/**
 * The read side of the Stencil protocol over any store (this server's memory, or `dirk serve`'s versioned
 * schema store): `parts` are the decoded path segments of a GET; `versionsOf` gives a schema's versions,
 * oldest first.
 */
export function stencilRead(parts: readonly string[], versionsOf: (ns: string, name: string) => readonly Uint8Array[] | undefined): StencilReply {
  if (parts.length === 1 && parts[0] === 'ping') return { status: 200, body: 'pong', type: 'text/plain' };
  // legacy: /v1/namespaces/{ns}/descriptors/{name}/versions/{v}
  if (parts[0] === 'v1' && parts[1] === 'namespaces' && parts[3] === 'descriptors' && parts[5] === 'versions' && parts.length === 7) {
    const list = versionsOf(parts[2]!, parts[4]!);
    const v = parts[6] === 'latest' ? list?.length : Number(parts[6]);
    const bytes = v !== undefined ? list?.[v - 1] : undefined;
    return bytes ? bytesReply(bytes) : notFoundReply('schema');
  }
  if (parts[0] !== 'v1beta1' || parts[1] !== 'namespaces' || parts[3] !== 'schemas' || parts.length < 5) return notFoundReply('route');
  const list = versionsOf(parts[2]!, parts[4]!);
  if (!list || list.length === 0) return notFoundReply(`schema ${parts[2]}/${parts[4]}`);
  if (parts.length === 5) return bytesReply(list[list.length - 1]!);
  if (parts[5] === 'versions' && parts.length === 6) return { status: 200, body: JSON.stringify({ versions: list.map((_, i) => i + 1) }), type: 'application/json' };
  if (parts[5] === 'versions' && parts.length === 7) {
    const bytes = list[Number(parts[6]) - 1];
    return bytes ? bytesReply(bytes) : notFoundReply(`version ${parts[6]}`);
  }
  return notFoundReply('route');
}

export interface StencilServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly port: number;
  /** URL of the latest version of a schema, the form SCHEMA_REGISTRY_STENCIL_URLS takes. */
  schemaUrl(namespace?: string, name?: string): string;
  /** Stores a new version and returns its number. */
  publish(namespace: string, name: string, descriptorSet: Uint8Array): number;
  /** The Confluent (Avro) half: subjects, versions, ids, compatibility. */
  readonly confluent: ConfluentRegistry;
  /** Versions stored for a schema. */
  versions(namespace: string, name: string): number[];
  close(): Promise<void>;
}

/** Reads a request body up to `maxBody` bytes (whatever content-length claims), then calls `then`; a larger one gets 413. */
function readCappedBody(req: http.IncomingMessage, res: http.ServerResponse, maxBody: number, then: (body: Buffer) => void): void {
  const tooLarge = (): void => {
    res.setHeader('connection', 'close');
    res.writeHead(413, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 8, message: `request body larger than ${maxBody} bytes` }));
    req.destroy();
  };
  if (Number(req.headers['content-length'] ?? 0) > maxBody) return tooLarge();
  const chunks: Buffer[] = [];
  let received = 0;
  let refused = false;
  req.on('data', (c: Buffer) => {
    if (refused) return;
    received += c.length;
    if (received > maxBody) {
      refused = true;
      tooLarge();
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    if (!refused) then(Buffer.concat(chunks));
  });
}

export async function startStencilServer(opts: StencilServerOptions = {}): Promise<StencilServer> {
  const logger = opts.logger ?? silentLogger;
  const defaultNs = opts.namespace ?? 'dirk';
  const defaultName = opts.name ?? 'protos';
  const store = new Map<string, Map<string, Uint8Array[]>>();
  const confluent = new ConfluentRegistry();

  const publish = (ns: string, name: string, bytes: Uint8Array): number => {
    let schemas = store.get(ns);
    if (!schemas) store.set(ns, (schemas = new Map()));
    let list = schemas.get(name);
    if (!list) schemas.set(name, (list = []));
    list.push(Uint8Array.from(bytes));
    return list.length;
  };
  const versionsOf = (ns: string, name: string): Uint8Array[] | undefined => store.get(ns)?.get(name);

  if (opts.dir !== undefined) publish(defaultNs, defaultName, buildDescriptorSet([opts.dir]));

  const server = http.createServer((req, res) => {
    const send = (status: number, body: string | Uint8Array, type = 'application/json'): void => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const notFound = (what: string): void => send(404, JSON.stringify({ code: 5, message: `${what} not found` }));
    const url = new URL(req.url ?? '/', 'http://localhost');
    const decoded = pathParts(url.pathname);
    if (!decoded) return send(400, JSON.stringify({ code: 3, message: 'the path has an invalid percent-escape' }));
    const parts = decoded;

    /** The publish token rule for writes; false when the request was answered (refused). */
    const authorised = (): boolean => {
      if (opts.publishToken === undefined) {
        req.resume();
        send(403, JSON.stringify({ code: 7, message: 'publishing is disabled on this registry (start it with DIRK_REGISTRY_PUBLISH_TOKEN set)' }));
        return false;
      }
      if (!tokenMatches(req.headers.authorization, opts.publishToken)) {
        req.resume();
        send(401, JSON.stringify({ code: 16, message: 'publishing needs Authorization: Bearer <token>' }));
        return false;
      }
      return true;
    };
    const readBody = (then: (body: Buffer) => void): void => readCappedBody(req, res, opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, then);

    // The Confluent Schema Registry routes (Avro): see confluent-registry.ts.
    if (ConfluentRegistry.owns(parts)) {
      const method = req.method ?? 'GET';
      if (ConfluentRegistry.writes(method, parts) && !authorised()) return;
      return readBody((body) => {
        const reply = confluent.handle(method, parts, body.toString('utf8'));
        if (reply.status === 200 && ConfluentRegistry.writes(method, parts)) logger.info('schema registry: subject written', { subject: parts[1] ?? '(global config)' });
        send(reply.status, JSON.stringify(reply.body), CONFLUENT_CONTENT_TYPE);
      });
    }

    // The Stencil read routes (also served by `dirk serve` from its schema store).
    if (req.method === 'GET') {
      const r = stencilRead(parts, versionsOf);
      return send(r.status, r.body, r.type);
    }

    if (parts[0] !== 'v1beta1' || parts[1] !== 'namespaces') return notFound('route');

    if (req.method === 'POST') {
      if (!authorised()) return;
      readBody((body) => {
        if (parts.length === 2) {
          let id: unknown;
          try {
            id = (JSON.parse(body.toString('utf8')) as { id?: unknown }).id;
          } catch {
            id = undefined;
          }
          if (typeof id !== 'string' || !id) return send(400, JSON.stringify({ code: 3, message: 'namespace id required' }));
          if (!store.has(id)) store.set(id, new Map());
          return send(200, JSON.stringify({ namespace: { id, format: 'FORMAT_PROTOBUF' } }));
        }
        if (parts.length === 5 && parts[3] === 'schemas') {
          try {
            rootFromDescriptorSet(body);
          } catch (e) {
            return send(400, JSON.stringify({ code: 3, message: (e as Error).message }));
          }
          const version = publish(parts[2]!, parts[4]!, body);
          logger.info('stencil server: published', { namespace: parts[2], name: parts[4], version });
          return send(200, JSON.stringify({ version, id: `${parts[2]}-${parts[4]}-${version}`, location: url.pathname }));
        }
        return notFound('route');
      });
      return;
    }

    return notFound('route');
  });

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info('stencil server listening', { url: base });
  return {
    url: base,
    port,
    schemaUrl: (ns = defaultNs, name = defaultName) =>
      `${base}/v1beta1/namespaces/${encodeURIComponent(ns)}/schemas/${encodeURIComponent(name)}`,
    publish,
    confluent,
    versions: (ns, name) => (versionsOf(ns, name) ?? []).map((_, i) => i + 1),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
