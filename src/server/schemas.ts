import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type protobuf from 'protobufjs';
import { DirkError } from '../core/errors.js';
import { buildDescriptorSet, rootFromDescriptorSet, schemaProblems } from '../schema/index.js';
import type { ControlPlane } from './control-plane.js';
import { ControlPlaneError } from './control-plane.js';
import { HttpError } from './http-util.js';
import { protoStreamUses } from './job-check.js';
import type { SchemaEntry, SchemaStore, SchemaVersion } from './schema-store.js';

/**
 * Schema management of `dirk serve`: descriptor sets published into the service's own Stencil-compatible
 * registry (served at /v1beta1/namespaces/<ns>/schemas/<name>, the URL jobs put in
 * SCHEMA_REGISTRY_STENCIL_URLS), each publish a new version. A new version of a schema that jobs read
 * through its latest URL is checked against what those jobs' queries read (the same rule a running job's
 * live refresh applies: a removed field, a changed SQL type or field number, a message gone) and refused
 * with 409 naming job, message and field when it breaks one.
 */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const PROTO_FILE = /^(?:[A-Za-z0-9_-]+\/)*[A-Za-z0-9_.-]+\.proto$/;

export interface SchemaView extends SchemaEntry {
  /** The URL of the latest version, as a job's SCHEMA_REGISTRY_STENCIL_URLS names it. */
  readonly url: string;
}

export interface PublishInput {
  readonly descriptorSet?: string | undefined;
  readonly protos?: Readonly<Record<string, unknown>> | undefined;
}

export class SchemaService {
  /** Base URL of the service (set once it listens), for the Stencil URLs the API hands out. */
  baseUrl = '';

  constructor(
    private readonly store: SchemaStore,
    private readonly plane: ControlPlane,
    private readonly cwd: string,
  ) {}

  versionsOf(namespace: string, name: string): readonly Uint8Array[] | undefined {
    return this.store.versionsOf(namespace, name);
  }

  list(): SchemaView[] {
    return this.store.list().map((e) => this.view(e));
  }

  async get(namespace: string, name: string): Promise<SchemaView & { jobs: string[] }> {
    const e = this.store.get(namespace, name);
    if (!e) throw new ControlPlaneError(`no schema "${namespace}/${name}"`, 404);
    const jobs = (await this.plane.repository.list()).filter((j) => readsSchema(j.config, namespace, name) !== 'none').map((j) => j.id).sort();
    return { ...this.view(e), jobs };
  }

  /**
   * Publishes a new version. `create` (POST /api/schemas) refuses a schema that exists; PUT adds a version
   * to an existing one or creates it. Returns the version and the jobs that were checked (with warnings for
   * jobs that could not be planned, so could not be checked).
   */
  async publish(namespace: string, name: string, input: PublishInput, create: boolean): Promise<{ schema: SchemaView; version: SchemaVersion; checked: string[]; warnings: string[] }> {
    if (!NAME.test(namespace)) throw new HttpError(400, `namespace: expected letters, digits, '.', '_' or '-' (at most 100, starting with a letter or digit), found "${namespace}"`);
    if (!NAME.test(name)) throw new HttpError(400, `name: expected letters, digits, '.', '_' or '-' (at most 100, starting with a letter or digit), found "${name}"`);
    if (create && this.store.get(namespace, name)) throw new ControlPlaneError(`schema "${namespace}/${name}" exists already (PUT /api/schemas/${namespace}/${name} adds a version)`, 409);
    const bytes = await descriptorBytes(input);
    let root: protobuf.Root;
    try {
      root = rootFromDescriptorSet(bytes);
    } catch (e) {
      throw new HttpError(400, `body.${input.descriptorSet !== undefined ? 'descriptorSet' : 'protos'}: ${(e as Error).message}`);
    }
    const old = this.store.latest(namespace, name);
    const { checked, warnings, conflicts } = old ? await this.check(namespace, name, rootFromDescriptorSet(old), root) : { checked: [], warnings: [], conflicts: [] };
    if (conflicts.length) {
      throw new ControlPlaneError(`the new version of "${namespace}/${name}" breaks ${conflicts.length === 1 ? 'a job' : `${conflicts.length} job reads`}: ${conflicts[0]}`, 409, conflicts);
    }
    const version = await this.store.publish(namespace, name, bytes, root);
    return { schema: this.view(this.store.get(namespace, name)!), version, checked, warnings };
  }

  /** Every job reading this schema's latest version, checked against the new one. */
  private async check(namespace: string, name: string, was: protobuf.Root, now: protobuf.Root): Promise<{ checked: string[]; warnings: string[]; conflicts: string[] }> {
    const checked: string[] = [];
    const warnings: string[] = [];
    const conflicts: string[] = [];
    for (const job of await this.plane.repository.list()) {
      if (readsSchema(job.config, namespace, name) !== 'latest') continue;
      let uses: Awaited<ReturnType<typeof protoStreamUses>>['uses'];
      try {
        uses = (await protoStreamUses(job.config, this.cwd)).uses;
      } catch (e) {
        warnings.push(`job "${job.id}" was not checked: it does not validate (${e instanceof DirkError ? e.message : String(e)})`);
        continue;
      }
      checked.push(job.id);
      for (const use of uses) {
        if (!hasType(was, use.protoClass)) continue; // the class comes from another of the job's registry URLs
        const next = lookup(now, use.protoClass);
        if (!next) {
          conflicts.push(`job "${job.id}" reads message ${use.protoClass} (table ${use.stream}), which the new version no longer defines`);
          continue;
        }
        for (const p of schemaProblems(use.type, next, use.table, use.used, use.rowtimeNumber)) {
          conflicts.push(`job "${job.id}" reads field ${p.field} of message ${use.protoClass} (table ${use.stream}): ${p.detail}`);
        }
      }
    }
    return { checked, warnings, conflicts };
  }

  private view(e: SchemaEntry): SchemaView {
    return { ...e, url: `${this.baseUrl}/v1beta1/namespaces/${encodeURIComponent(e.namespace)}/schemas/${encodeURIComponent(e.name)}` };
  }
}

function lookup(root: protobuf.Root, fullName: string): protobuf.Type | undefined {
  try {
    return root.lookupType(fullName.replace(/^\.?/, '.'));
  } catch {
    return undefined;
  }
}

function hasType(root: protobuf.Root, fullName: string): boolean {
  return lookup(root, fullName) !== undefined;
}

/**
 * How a job config reads a schema of this registry: through its latest version (a new version reaches the
 * job: checked), pinned to one version (unaffected), or not at all. URLs are matched by path, so the
 * service may be reached under any host name.
 */
export function readsSchema(config: Readonly<Record<string, unknown>>, namespace: string, name: string): 'latest' | 'pinned' | 'none' {
  if (String(config['SCHEMA_REGISTRY_STENCIL_ENABLE'] ?? 'false').toLowerCase() !== 'true') return 'none';
  const ns = encodeURIComponent(namespace);
  const nm = encodeURIComponent(name);
  let found: 'latest' | 'pinned' | 'none' = 'none';
  for (const raw of String(config['SCHEMA_REGISTRY_STENCIL_URLS'] ?? '').split(',')) {
    let path: string;
    try {
      path = new URL(raw.trim()).pathname.replace(/\/+$/, '');
    } catch {
      continue;
    }
    if (path === `/v1beta1/namespaces/${ns}/schemas/${nm}` || path === `/v1/namespaces/${ns}/descriptors/${nm}/versions/latest`) return 'latest';
    if (path.startsWith(`/v1beta1/namespaces/${ns}/schemas/${nm}/versions/`) || path.startsWith(`/v1/namespaces/${ns}/descriptors/${nm}/versions/`)) found = 'pinned';
  }
  return found;
}

/** The descriptor set a publish request carries: base64 bytes, or .proto sources built here. */
async function descriptorBytes(input: PublishInput): Promise<Uint8Array> {
  if ((input.descriptorSet === undefined) === (input.protos === undefined)) {
    throw new HttpError(400, 'body: expected exactly one of descriptorSet (a base64 FileDescriptorSet) or protos ({"file.proto": "source"})');
  }
  if (input.descriptorSet !== undefined) {
    const text = input.descriptorSet.trim();
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text) || text.length === 0) throw new HttpError(400, 'body.descriptorSet: expected a base64 FileDescriptorSet (protoc --include_imports --descriptor_set_out)');
    return new Uint8Array(Buffer.from(text, 'base64'));
  }
  const files = Object.entries(input.protos!);
  if (files.length === 0) throw new HttpError(400, 'body.protos: expected at least one "file.proto": "source" entry');
  for (const [file, source] of files) {
    if (!PROTO_FILE.test(file) || file.split('/').includes('..')) throw new HttpError(400, `body.protos: "${file}" is not a relative .proto file name`);
    if (typeof source !== 'string') throw new HttpError(400, `body.protos.${file}: expected a string (the .proto source)`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'dirk-schema-'));
  try {
    for (const [file, source] of files) {
      await mkdir(dirname(join(dir, file)), { recursive: true });
      await writeFile(join(dir, file), source as string);
    }
    try {
      return buildDescriptorSet([dir]);
    } catch (e) {
      throw new HttpError(400, `body.protos: ${(e as Error).message.replace(dir + '/', '').replaceAll(dir, '.')}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
