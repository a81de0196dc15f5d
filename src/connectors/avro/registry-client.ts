/**
 * Client of a Confluent-compatible schema registry (Confluent's REST API; `dirk registry serve` serves it):
 * schemas by id, a subject's latest version, lookup and registration. Ids are immutable, so schemas fetched
 * by id are cached for the client's life.
 */
import { externalError, userError } from '../../core/errors.js';
import { redactUrl } from '../../core/redact.js';

export interface RegistryClientOptions {
  /** SCHEMA_REGISTRY_CONFLUENT_URL: the registry's base URL. */
  readonly url: string;
  /** SCHEMA_REGISTRY_CONFLUENT_BEARER_AUTH_TOKEN: sent as `Authorization: Bearer ...` (registration). */
  readonly token?: string | undefined;
  readonly timeoutMs?: number;
  /** Attempts for a request failing with a network error or a 5xx (default 3). */
  readonly attempts?: number;
}

export interface SubjectSchema {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  /** The Avro schema as JSON text. */
  readonly schema: string;
}

const MEDIA = 'application/vnd.schemaregistry.v1+json';

export class RegistryClient {
  private readonly base: string;
  private readonly byId = new Map<number, Promise<string>>();

  constructor(private readonly opts: RegistryClientOptions) {
    this.base = opts.url.replace(/\/+$/, '');
  }

  /** The registry's address without credentials, for messages. */
  get where(): string {
    return redactUrl(this.base);
  }

  schemaById(id: number): Promise<string> {
    let p = this.byId.get(id);
    if (!p) {
      p = this.request('GET', `/schemas/ids/${id}`).then((r) => {
        if (r.status === 404) throw userError(`schema id ${id} is not in the schema registry at ${this.where}`);
        return (r.body as { schema: string }).schema;
      });
      // A failed fetch is not cached: the next record asks again.
      p.catch(() => this.byId.delete(id));
      this.byId.set(id, p);
    }
    return p;
  }

  async latest(subject: string, key: string): Promise<SubjectSchema> {
    const r = await this.request('GET', `/subjects/${encodeURIComponent(subject)}/versions/latest`);
    if (r.status === 404) {
      throw userError(`${key}: subject "${subject}" has no schema in the registry at ${this.where} (register one, or name another subject)`, { key });
    }
    const b = r.body as SubjectSchema;
    this.byId.set(b.id, Promise.resolve(b.schema));
    return { subject, version: b.version, id: b.id, schema: b.schema };
  }

  /** Registers `schema` under `subject` (the same schema again returns its id); 409 = incompatible. */
  async register(subject: string, schema: string, key: string): Promise<number> {
    const r = await this.request('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema });
    if (r.status === 409 || r.status === 422) {
      throw userError(`${key}: the registry at ${this.where} refused the schema for subject "${subject}": ${messageOf(r.body)}`, { key });
    }
    if (r.status === 401 || r.status === 403) {
      throw userError(
        `${key}: the registry at ${this.where} refused to register a schema for subject "${subject}" (HTTP ${r.status}: ${messageOf(r.body)}); set SCHEMA_REGISTRY_CONFLUENT_BEARER_AUTH_TOKEN, or register the schema yourself and set SINK_KAFKA_AVRO_AUTO_REGISTER=false`,
        { key },
      );
    }
    const id = (r.body as { id: number }).id;
    this.byId.set(id, Promise.resolve(schema));
    return id;
  }

  private async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const attempts = this.opts.attempts ?? 3;
    let last: unknown;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 200 * 2 ** i));
      try {
        const headers: Record<string, string> = { accept: MEDIA };
        if (body !== undefined) headers['content-type'] = MEDIA;
        if (this.opts.token) headers['authorization'] = `Bearer ${this.opts.token}`;
        const res = await fetch(this.base + path, {
          method,
          headers,
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
        });
        const text = await res.text();
        let parsed: unknown;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = text;
        }
        if (res.status >= 500) {
          last = new Error(`HTTP ${res.status}: ${messageOf(parsed)}`);
          continue;
        }
        if (res.status >= 400 && ![401, 403, 404, 409, 422].includes(res.status)) {
          throw userError(`schema registry at ${this.where}: ${method} ${path} answered HTTP ${res.status}: ${messageOf(parsed)}`);
        }
        return { status: res.status, body: parsed };
      } catch (e) {
        if (e instanceof Error && e.name === 'DirkError') throw e;
        last = e;
      }
    }
    throw externalError(`schema registry at ${this.where} is not reachable (${method} ${path}): ${(last as Error)?.message ?? String(last)}`);
  }
}

function messageOf(body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body) return String((body as { message: unknown }).message);
  return typeof body === 'string' ? body.slice(0, 200) : JSON.stringify(body)?.slice(0, 200) ?? '';
}
