/**
 * Where proto descriptors come from: local .proto files, or a Stencil-style registry over HTTP.
 * Either way the result is a protobufjs Root with snake_case field names (keepCase), so SQL names are
 * the proto field names.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import descriptorExt from 'protobufjs/ext/descriptor.js';
import { closest, DirkError, userError } from '../core/errors.js';

export type RefreshStrategy = 'LONG_POLLING' | 'VERSION_BASED_REFRESH';

export type DescriptorSource =
  /** Load every .proto under these dirs (default ['protos']). Files may also be listed directly. */
  | { kind: 'files'; dirs: string[] }
  | {
      kind: 'stencil';
      urls: string[];
      timeoutMs: number;
      headers: Record<string, string>;
      retries: number;
      backoffMinMs: number;
      autoRefresh: boolean;
      ttlMs: number;
      refreshStrategy: RefreshStrategy;
    };

export interface DescriptorRegistry {
  hasMessage(fullName: string): boolean;
  messageNames(): string[];
  /** Throws DirkError (domain 'user') "unknown proto class X" naming the closest known name. */
  lookupType(fullName: string): protobuf.Type;
  /** Bumped whenever the descriptors are swapped; decoders use it to pick up new enum values. */
  readonly generation: number;
  /** Calls `listener` after every swap of the descriptors; returns the unsubscribe function. */
  subscribe?(listener: () => void): () => void;
  close(): void;
}

/** A registry over a Root that can be swapped when a refresh brings new descriptors. */
export class RootRegistry implements DescriptorRegistry {
  private types = new Map<string, protobuf.Type>();
  private closers: Array<() => void> = [];
  private readonly listeners = new Set<() => void>();
  generation = 0;

  constructor(root: protobuf.Root) {
    this.setRoot(root);
  }

  setRoot(root: protobuf.Root): void {
    const types = new Map<string, protobuf.Type>();
    collectTypes(root, types);
    this.types = types;
    this.generation++;
    for (const l of [...this.listeners]) {
      try {
        l();
      } catch {
        // a listener's failure must not undo the swap; listeners report their own problems
      }
    }
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  hasMessage(fullName: string): boolean {
    return this.types.has(stripDot(fullName));
  }

  messageNames(): string[] {
    return [...this.types.keys()].sort();
  }

  lookupType(fullName: string): protobuf.Type {
    const t = this.types.get(stripDot(fullName));
    if (t) return t;
    const hint = closest(fullName, this.types.keys());
    throw userError(
      `unknown proto class "${fullName}"${hint ? `; did you mean "${hint}"?` : ''} (${this.types.size} message types known)`,
    );
  }

  onClose(fn: () => void): void {
    this.closers.push(fn);
  }

  close(): void {
    this.listeners.clear();
    for (const fn of this.closers.splice(0)) fn();
  }
}

function stripDot(name: string): string {
  return name.startsWith('.') ? name.slice(1) : name;
}

function collectTypes(ns: protobuf.NamespaceBase, out: Map<string, protobuf.Type>): void {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) out.set(stripDot(nested.fullName), nested);
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) collectTypes(nested, out);
  }
}

/** All .proto files under the given dirs (recursively) or the given files, sorted for stable loading. */
export function findProtoFiles(dirsOrFiles: readonly string[]): { files: string[]; roots: string[] } {
  const files: string[] = [];
  const roots: string[] = [];
  for (const entry of dirsOrFiles) {
    const abs = path.resolve(entry);
    if (!existsSync(abs)) {
      throw userError(`proto path "${entry}" does not exist (resolved to ${abs})`);
    }
    if (statSync(abs).isDirectory()) {
      roots.push(abs);
      walk(abs, files);
    } else {
      roots.push(path.dirname(abs));
      files.push(abs);
    }
  }
  files.sort();
  return { files, roots };
}

function walk(dir: string, out: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && !e.name.startsWith('.')) walk(p, out);
    } else if (e.isFile() && e.name.endsWith('.proto')) out.push(p);
  }
}

/** Parses .proto files with protobufjs (no protoc needed). Imports resolve against the given roots. */
export function loadProtoFiles(dirsOrFiles: readonly string[]): protobuf.Root {
  const { files, roots } = findProtoFiles(dirsOrFiles);
  if (files.length === 0) throw userError(`no .proto files found under ${dirsOrFiles.join(', ')}`);
  const root = new protobuf.Root();
  const defaultResolve = root.resolvePath.bind(root);
  root.resolvePath = (origin: string, target: string): string | null => {
    if (path.isAbsolute(target)) return target;
    if (origin) {
      const rel = path.resolve(path.dirname(origin), target);
      if (existsSync(rel)) return rel;
    }
    for (const r of roots) {
      const p = path.join(r, target);
      if (existsSync(p)) return p;
    }
    // google/protobuf/*.proto are bundled with protobufjs; the default resolver finds them
    return defaultResolve(origin, target);
  };
  try {
    root.loadSync(files, { keepCase: true });
    snakeCaseWellKnownTypes(root);
    root.resolveAll();
  } catch (e) {
    throw userError(`cannot load .proto files from ${dirsOrFiles.join(', ')}: ${(e as Error).message}`, { cause: e });
  }
  return root;
}

/**
 * protobufjs ships google/protobuf/*.proto as JSON with camelCase field names (typeUrl, numberValue...);
 * rename them to the proto names so SQL sees the same names as with a protoc-built descriptor set.
 */
function snakeCaseWellKnownTypes(root: protobuf.Root): void {
  for (const name of ['google.protobuf.Any', 'google.protobuf.Value']) {
    const type = root.lookup(name);
    if (!(type instanceof protobuf.Type)) continue;
    // OneOf keeps the bundled JSON's member array by reference: copy it before editing, or every later
    // Root loaded in this process would see the renamed members and lose the oneof.
    for (const o of type.oneofsArray) o.oneof = [...o.oneof];
    for (const field of [...type.fieldsArray]) {
      const snake = field.name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      if (snake === field.name) continue;
      const oneof = field.partOf;
      type.remove(field);
      const renamed = new protobuf.Field(snake, field.id, field.type, field.rule, undefined, field.options);
      type.add(renamed);
      if (oneof) {
        oneof.remove(field);
        oneof.add(renamed);
      }
    }
  }
}

/** A FileDescriptorSet (binary) built from .proto files with protobufjs, like `protoc --include_imports`. */
export function buildDescriptorSet(protoDirsOrFiles: string[]): Uint8Array {
  const root = loadProtoFiles(protoDirsOrFiles);
  const set = root.toDescriptor('proto3');
  return descriptorExt.FileDescriptorSet.encode(set).finish();
}

/** Parses a binary FileDescriptorSet; throws DirkError 'external' when the bytes are not one. */
export function rootFromDescriptorSet(bytes: Uint8Array, what = 'descriptor set'): protobuf.Root {
  try {
    const root = protobuf.Root.fromDescriptor(bytes, { keepCase: true });
    root.resolveAll();
    return root;
  } catch (e) {
    throw new DirkError(`cannot parse ${what} as a protobuf FileDescriptorSet: ${(e as Error).message}`, {
      domain: 'external',
      cause: e,
    });
  }
}

interface FileDesc {
  name?: string | null;
  dependency?: string[];
  messageType?: Array<{ name?: string | null }>;
  enumType?: Array<{ name?: string | null }>;
  service?: Array<{ name?: string | null }>;
  extension?: Array<{ name?: string | null }>;
}

/**
 * Merges several descriptor sets (several registry URLs). Files are keyed by name; when two sets carry
 * different files of the same name (protobufjs-built sets name files per package), their top-level
 * definitions are merged by name, a later URL winning.
 */
export function mergeDescriptorSets(sets: readonly Uint8Array[]): protobuf.Root {
  if (sets.length === 1) return rootFromDescriptorSet(sets[0]!);
  const files = new Map<string, FileDesc>();
  for (const bytes of sets) {
    let decoded: { file: FileDesc[] };
    try {
      decoded = descriptorExt.FileDescriptorSet.decode(bytes) as unknown as typeof decoded;
    } catch (e) {
      throw new DirkError(`cannot parse descriptor set: ${(e as Error).message}`, { domain: 'external', cause: e });
    }
    for (const f of decoded.file) {
      const name = f.name ?? `unnamed_${files.size}.proto`;
      const prev = files.get(name);
      if (!prev) {
        files.set(name, f);
        continue;
      }
      const byName = <T extends { name?: string | null }>(a: T[] = [], b: T[] = []): T[] => {
        const m = new Map<string, T>();
        for (const x of [...a, ...b]) m.set(x.name ?? '', x);
        return [...m.values()];
      };
      prev.messageType = byName(prev.messageType, f.messageType);
      prev.enumType = byName(prev.enumType, f.enumType);
      prev.service = byName(prev.service, f.service);
      prev.extension = byName(prev.extension, f.extension);
      prev.dependency = [...new Set([...(prev.dependency ?? []), ...(f.dependency ?? [])])];
    }
  }
  const merged = descriptorExt.FileDescriptorSet.create({ file: [...files.values()] as never });
  return rootFromDescriptorSet(descriptorExt.FileDescriptorSet.encode(merged).finish());
}
