/**
 * The Confluent Schema Registry API for Avro, kept in memory and served by `dirk registry serve` next to the
 * Stencil routes (src/schema/stencil-server.ts), so Avro jobs and their tests need no other service.
 *
 * Routes (the subset Kafka serializers and Flink's avro-confluent format use):
 *   GET  /subjects                                    -> ["orders-value", ...]
 *   GET  /subjects/{s}/versions                       -> [1, 2]
 *   GET  /subjects/{s}/versions/{n|latest}            -> {"subject","version","id","schema"}
 *   POST /subjects/{s}/versions      {"schema": ...}  -> {"id"}: registers (the same schema again: its id)
 *   POST /subjects/{s}               {"schema": ...}  -> {"subject","version","id","schema"} or 404 (lookup)
 *   GET  /schemas/ids/{id}                            -> {"schema"}
 *   GET  /schemas/ids/{id}/versions                   -> [{"subject","version"}]
 *   POST /compatibility/subjects/{s}/versions/{n|latest} {"schema"} -> {"is_compatible": bool}
 *   GET|PUT /config, /config/{s}                      -> {"compatibilityLevel": ...}
 *
 * Compatibility levels: NONE, BACKWARD (default, as Confluent's: the new schema reads data written with the
 * latest one), BACKWARD_TRANSITIVE (every earlier one), FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE.
 * "Reads" is Avro schema resolution, checked with avsc's resolver. Only Avro schemas (no schemaType, or
 * schemaType AVRO) are accepted. Registering is a write: the server's publish token applies to it.
 */
import type avro from 'avsc';
import { createRequire } from 'node:module';

// avsc is required with the first schema registered, not with this module: it is loaded with the schema
// layer by every job, and only `dirk registry serve` parses schemas here.
const require = createRequire(import.meta.url);
let avsc: typeof avro | undefined;

export const COMPATIBILITY_LEVELS = ['NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE'] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

interface Stored {
  readonly id: number;
  /** Canonical text of the schema (avsc's canonical form), used to find an equal schema. */
  readonly canonical: string;
  /** The schema as registered. */
  readonly text: string;
  readonly type: avro.Type;
}

export interface ConfluentReply {
  readonly status: number;
  readonly body: unknown;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
export const CONFLUENT_CONTENT_TYPE = CONTENT_TYPE;

const err = (status: number, code: number, message: string): ConfluentReply => ({ status, body: { error_code: code, message } });

/** The store and the route handler; the HTTP plumbing (bodies, auth, limits) stays in the server. */
export class ConfluentRegistry {
  private readonly byId = new Map<number, Stored>();
  private readonly byCanonical = new Map<string, Stored>();
  private readonly subjects = new Map<string, Stored[]>();
  private readonly levels = new Map<string, CompatibilityLevel>();
  private globalLevel: CompatibilityLevel = 'BACKWARD';

  /** Whether a request is one of these routes (so the Stencil routes see the rest). */
  static owns(parts: readonly string[]): boolean {
    return parts[0] === 'subjects' || parts[0] === 'schemas' || parts[0] === 'compatibility' || parts[0] === 'config';
  }

  /** Whether the request changes the registry (then the server's publish token applies). */
  static writes(method: string, parts: readonly string[]): boolean {
    return (method === 'POST' && parts[0] === 'subjects' && parts[2] === 'versions') || method === 'PUT';
  }

  /** Registers a schema under a subject (in-process, for tests and `dirk registry serve`); returns its id. */
  register(subject: string, schema: string | object): number {
    const text = typeof schema === 'string' ? schema : JSON.stringify(schema);
    const r = this.handle('POST', ['subjects', subject, 'versions'], JSON.stringify({ schema: text }));
    if (r.status !== 200) throw new Error(`schema registry: ${(r.body as { message: string }).message}`);
    return (r.body as { id: number }).id;
  }

  handle(method: string, parts: readonly string[], bodyText: string): ConfluentReply {
    const [root, a, b, c, d] = parts;
    if (root === 'subjects') {
      if (method === 'GET' && parts.length === 1) return { status: 200, body: [...this.subjects.keys()] };
      const subject = a!;
      const list = this.subjects.get(subject);
      if (method === 'GET' && parts.length === 3 && b === 'versions') {
        return list ? { status: 200, body: list.map((_s, i) => i + 1) } : err(404, 40401, `Subject '${subject}' not found.`);
      }
      if (method === 'GET' && parts.length === 4 && b === 'versions') {
        if (!list) return err(404, 40401, `Subject '${subject}' not found.`);
        const v = versionIndex(c!, list.length);
        if (v === undefined) return err(404, 40402, `Version ${c} not found.`);
        const s = list[v]!;
        return { status: 200, body: { subject, version: v + 1, id: s.id, schema: s.text } };
      }
      if (method === 'POST' && (parts.length === 2 || (parts.length === 3 && b === 'versions'))) {
        const parsed = this.parseBody(bodyText);
        if ('status' in parsed) return parsed;
        const same = list?.findIndex((s) => s.canonical === parsed.canonical) ?? -1;
        if (parts.length === 2) {
          if (!list) return err(404, 40401, `Subject '${subject}' not found.`);
          if (same < 0) return err(404, 40403, 'Schema not found');
          return { status: 200, body: { subject, version: same + 1, id: list[same]!.id, schema: list[same]!.text } };
        }
        if (same >= 0) return { status: 200, body: { id: list![same]!.id } };
        const problem = this.incompatibility(subject, parsed.type, list ?? [], 'all');
        if (problem) return err(409, 409, `Schema being registered is incompatible with an earlier schema for subject "${subject}": ${problem}`);
        const stored = this.byCanonical.get(parsed.canonical) ?? this.store(parsed);
        if (list) list.push(stored);
        else this.subjects.set(subject, [stored]);
        return { status: 200, body: { id: stored.id } };
      }
      return err(404, 404, 'HTTP 404 Not Found');
    }
    if (root === 'schemas' && a === 'ids' && method === 'GET' && (parts.length === 3 || (parts.length === 4 && c === 'versions'))) {
      const s = this.byId.get(Number(b));
      if (!s) return err(404, 40403, 'Schema not found');
      if (parts.length === 3) return { status: 200, body: { schema: s.text } };
      const uses: { subject: string; version: number }[] = [];
      for (const [subject, list] of this.subjects) list.forEach((x, i) => x.id === s.id && uses.push({ subject, version: i + 1 }));
      return { status: 200, body: uses };
    }
    if (root === 'compatibility' && a === 'subjects' && c === 'versions' && method === 'POST' && parts.length === 5) {
      const list = this.subjects.get(b!);
      if (!list) return err(404, 40401, `Subject '${b}' not found.`);
      const v = versionIndex(d!, list.length);
      if (v === undefined) return err(404, 40402, `Version ${d} not found.`);
      const parsed = this.parseBody(bodyText);
      if ('status' in parsed) return parsed;
      const problem = this.incompatibility(b!, parsed.type, list.slice(0, v + 1), d === 'latest' ? 'all' : 'one');
      return { status: 200, body: { is_compatible: problem === undefined, ...(problem ? { messages: [problem] } : {}) } };
    }
    if (root === 'config' && parts.length <= 2) {
      if (method === 'GET') {
        const level = a === undefined ? this.globalLevel : this.levels.get(a) ?? this.globalLevel;
        return { status: 200, body: { compatibilityLevel: level } };
      }
      if (method === 'PUT') {
        let level: unknown;
        try {
          level = (JSON.parse(bodyText) as { compatibility?: unknown }).compatibility;
        } catch {
          level = undefined;
        }
        if (typeof level !== 'string' || !(COMPATIBILITY_LEVELS as readonly string[]).includes(level.toUpperCase())) {
          return err(422, 42203, `Invalid compatibility level; use one of ${COMPATIBILITY_LEVELS.join(', ')}`);
        }
        const l = level.toUpperCase() as CompatibilityLevel;
        if (a === undefined) this.globalLevel = l;
        else this.levels.set(a, l);
        return { status: 200, body: { compatibility: l } };
      }
    }
    return err(404, 404, 'HTTP 404 Not Found');
  }

  private store(parsed: { canonical: string; text: string; type: avro.Type }): Stored {
    const stored: Stored = { id: this.byId.size + 1, ...parsed };
    this.byId.set(stored.id, stored);
    this.byCanonical.set(stored.canonical, stored);
    return stored;
  }

  private parseBody(bodyText: string): { canonical: string; text: string; type: avro.Type } | ConfluentReply {
    let body: { schema?: unknown; schemaType?: unknown };
    try {
      body = JSON.parse(bodyText) as typeof body;
    } catch {
      return err(422, 42201, 'the request body is not JSON');
    }
    if (body.schemaType !== undefined && body.schemaType !== 'AVRO') return err(422, 42201, `schemaType ${String(body.schemaType)} is not served here; only AVRO`);
    if (typeof body.schema !== 'string') return err(422, 42201, 'the body needs "schema": the schema as a JSON string');
    try {
      const type = (avsc ??= require('avsc') as typeof avro).Type.forSchema(JSON.parse(body.schema) as avro.Schema);
      return { canonical: JSON.stringify(type.schema()), text: body.schema, type };
    } catch (e) {
      return err(422, 42201, `Invalid schema: ${(e as Error).message}`);
    }
  }

  /** Why `type` may not follow `earlier` under the subject's level; undefined when it may. */
  private incompatibility(subject: string, type: avro.Type, earlier: readonly Stored[], scope: 'all' | 'one'): string | undefined {
    const level = this.levels.get(subject) ?? this.globalLevel;
    if (level === 'NONE' || earlier.length === 0) return undefined;
    const transitive = level.endsWith('_TRANSITIVE') && scope === 'all';
    const against = transitive ? earlier : earlier.slice(-1);
    const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
    const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
    for (const old of against) {
      const version = earlier.indexOf(old) + 1;
      if (backward) {
        const why = resolveProblem(type, old.type);
        if (why) return `${level}: the new schema cannot read data written with version ${version} (${why})`;
      }
      if (forward) {
        const why = resolveProblem(old.type, type);
        if (why) return `${level}: version ${version} cannot read data written with the new schema (${why})`;
      }
    }
    return undefined;
  }
}

function versionIndex(v: string, count: number): number | undefined {
  if (v === 'latest' || v === '-1') return count > 0 ? count - 1 : undefined;
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 && n <= count ? n - 1 : undefined;
}

/** Why `reader` cannot read data written with `writer` (Avro schema resolution), or undefined. */
function resolveProblem(reader: avro.Type, writer: avro.Type): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
