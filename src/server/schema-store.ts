import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { RootRegistry } from '../schema/index.js';

/**
 * The versioned descriptor sets `dirk serve` keeps: the service's built-in Stencil-compatible registry.
 * Every version is a binary FileDescriptorSet file under `<data-dir>/schemas/<namespace>/<name>/<n>.desc`,
 * listed in `<data-dir>/schemas/index.json` (written atomically after the version's file), so the store
 * survives a service restart. Versions are never changed or deleted: a job pinned to version n keeps it.
 */
export interface SchemaVersion {
  readonly version: number;
  readonly createdAt: string;
  readonly sha256: string;
  readonly bytes: number;
  /** Message types the version defines (full names), sorted. */
  readonly messages: readonly string[];
}

export interface SchemaEntry {
  readonly namespace: string;
  readonly name: string;
  readonly versions: readonly SchemaVersion[];
}

interface IndexFile {
  schemas: SchemaEntry[];
}

export class SchemaStore {
  private readonly entries = new Map<string, SchemaEntry>();
  private readonly data = new Map<string, Uint8Array[]>();
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly dir: string) {}

  static async open(dataDir: string): Promise<SchemaStore> {
    const store = new SchemaStore(join(dataDir, 'schemas'));
    await mkdir(store.dir, { recursive: true });
    let index: IndexFile = { schemas: [] };
    try {
      index = JSON.parse(await readFile(join(store.dir, 'index.json'), 'utf8')) as IndexFile;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    for (const entry of index.schemas) {
      const key = keyOf(entry.namespace, entry.name);
      store.entries.set(key, entry);
      store.data.set(key, await Promise.all(entry.versions.map(async (v) => new Uint8Array(await readFile(store.fileOf(entry.namespace, entry.name, v.version))))));
    }
    return store;
  }

  list(): SchemaEntry[] {
    return [...this.entries.values()].sort((a, b) => keyOf(a.namespace, a.name).localeCompare(keyOf(b.namespace, b.name)));
  }

  get(namespace: string, name: string): SchemaEntry | undefined {
    return this.entries.get(keyOf(namespace, name));
  }

  /** The descriptor sets of a schema, oldest first (what the Stencil routes serve). */
  versionsOf(namespace: string, name: string): readonly Uint8Array[] | undefined {
    return this.data.get(keyOf(namespace, name));
  }

  latest(namespace: string, name: string): Uint8Array | undefined {
    const list = this.versionsOf(namespace, name);
    return list?.[list.length - 1];
  }

  /** Stores `bytes` (already checked to be a descriptor set) as the schema's next version. */
  async publish(namespace: string, name: string, bytes: Uint8Array, root: protobuf.Root): Promise<SchemaVersion> {
    const key = keyOf(namespace, name);
    const run = this.writing.then(async () => {
      const prev = this.entries.get(key);
      const version: SchemaVersion = {
        version: (prev?.versions.length ?? 0) + 1,
        createdAt: new Date().toISOString(),
        sha256: createHash('sha256').update(bytes).digest('hex'),
        bytes: bytes.length,
        messages: messageNames(root),
      };
      await mkdir(join(this.dir, namespace, name), { recursive: true });
      await writeFile(this.fileOf(namespace, name, version.version), bytes);
      this.entries.set(key, { namespace, name, versions: [...(prev?.versions ?? []), version] });
      this.data.set(key, [...(this.data.get(key) ?? []), Uint8Array.from(bytes)]);
      const tmp = join(this.dir, 'index.json.tmp');
      await writeFile(tmp, JSON.stringify({ schemas: this.list() } satisfies IndexFile, null, 1));
      await rename(tmp, join(this.dir, 'index.json'));
      return version;
    });
    this.writing = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private fileOf(namespace: string, name: string, version: number): string {
    return join(this.dir, namespace, name, `${version}.desc`);
  }
}

function keyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function messageNames(root: protobuf.Root): string[] {
  return new RootRegistry(root).messageNames();
}
