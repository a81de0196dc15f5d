import { createHash } from 'node:crypto';
import { existsSync, promises as fsp, readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { DirkError, userError } from '../core/errors.js';
import type { FunctionDef } from './api.js';
import { setOrigin } from './origin.js';

/**
 * Loads user functions from folders. Every top-level .js / .mjs / .ts / .mts file of a folder is a module whose
 * exports are function definitions: a default export (one def or an array of defs) and/or named exports that
 * are defs (or arrays of defs); other exports are ignored.
 *
 * Each file is compiled with the TypeScript compiler (transpile only, no type check) to an ES module that is
 * served from memory under a name next to the source (nothing is written; see memory-hooks.ts). Compiling lets a file written anywhere import the API as
 * `import { defineScalar } from 'dirk/udf'` (rewritten to this engine's own API module) and import sibling
 * .ts helpers with `./helper.js` as usual; bare imports of other packages resolve from the file's folder.
 * Files must be ES modules (no `require`).
 */

const SOURCE_FILE = /^[^.].*\.(?:m?ts|m?js)$/;
const SKIP_FILE = /\.d\.m?ts$|\.(?:test|spec)\.m?[tj]s$/;

export function isUdfSourceFile(name: string): boolean {
  return SOURCE_FILE.test(name) && !SKIP_FILE.test(name);
}

/** Where this engine's UDF API lives (the .js build, or the .ts source when running from source). */
function apiUrl(file: string): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const f of [`${file}.js`, `${file}.ts`]) {
    const p = path.join(here, f);
    if (existsSync(p)) return pathToFileURL(p).href;
  }
  return pathToFileURL(path.join(here, `${file}.js`)).href;
}

// The published package is dirk-sql; `dirk/udf` is the spelling UDF folders used before, and still works.
const API_SPECIFIERS: Readonly<Record<string, string>> = { 'dirk-sql/udf': 'api', 'dirk-sql': 'index', 'dirk/udf': 'api', dirk: 'index' };

type Ts = typeof import('typescript');
let tsModule: Promise<Ts> | undefined;

function typescript(): Promise<Ts> {
  tsModule ??= import('typescript').then((m) => ((m as { default?: Ts }).default ?? m) as Ts);
  return tsModule;
}

/** Resolve a relative import of a source file to a file on disk (./x.js may be x.ts, ./x may be x.ts). */
function resolveRelative(fromFile: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), spec);
  const candidates = [base];
  const ext = path.extname(base);
  if (ext === '.js' || ext === '.mjs') candidates.push(base.slice(0, -ext.length) + (ext === '.js' ? '.ts' : '.mts'));
  if (ext === '') candidates.push(`${base}.ts`, `${base}.mts`, `${base}.js`, `${base}.mjs`, path.join(base, 'index.ts'), path.join(base, 'index.js'));
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** One local module of a UDF file's import graph. */
interface GraphNode {
  readonly source: string;
  /** Relative import specifier -> the local source file it resolves to (compiled too). */
  readonly imports: Map<string, string>;
  /** Specifiers of this engine's API -> its URL. */
  readonly api: Map<string, string>;
}

const LOCAL_MODULE = /\.m?[tj]s$/;

/** Reads `file` and, transitively, every local module it imports (relative .ts / .mts / .js / .mjs). */
async function scanGraph(ts: Ts, file: string, graph: Map<string, GraphNode>): Promise<void> {
  if (graph.has(file)) return;
  const source = await fsp.readFile(file, 'utf8');
  const node: GraphNode = { source, imports: new Map(), api: new Map() };
  graph.set(file, node);
  for (const f of ts.preProcessFile(source, true, true).importedFiles) {
    const spec = f.fileName;
    const api = API_SPECIFIERS[spec];
    if (api !== undefined) node.api.set(spec, apiUrl(api));
    if (!spec.startsWith('./') && !spec.startsWith('../')) continue;
    const target = resolveRelative(file, spec);
    if (target === undefined || !LOCAL_MODULE.test(target)) continue; // a missing file is reported by the import
    node.imports.set(spec, target);
  }
  await Promise.all([...node.imports.values()].map((t) => scanGraph(ts, t, graph)));
}

/** `file` and every local module it imports, directly or not. */
function closureOf(file: string, graph: ReadonlyMap<string, GraphNode>): Set<string> {
  const seen = new Set<string>();
  const visit = (f: string): void => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const t of graph.get(f)?.imports.values() ?? []) visit(t);
  };
  visit(file);
  return seen;
}

/**
 * Where a module's compiled copy goes. The name hashes the module's source together with the sources of all it
 * imports, so a changed helper gives every module that (transitively) imports it a new URL: Node caches
 * modules by URL, and an unchanged URL would hand back the previous code. Unchanged modules keep their URL
 * (one instance, shared by reloads).
 */
function tempPathOf(file: string, graph: ReadonlyMap<string, GraphNode>, mirrorRoot?: string): string {
  const h = createHash('sha1');
  for (const f of [...closureOf(file, graph)].sort()) h.update(f).update('\0').update(graph.get(f)!.source).update('\0');
  const dir = mirrorRoot === undefined ? path.dirname(file) : path.join(mirrorRoot, path.dirname(file));
  return path.join(dir, `.${path.basename(file)}.dirk-${h.digest('hex').slice(0, 12)}.mjs`);
}

/** Write errors that mean "this folder cannot take files" (a read-only mount, a folder the user cannot write). */
const NOT_WRITABLE = new Set(['EROFS', 'EACCES', 'EPERM']);

/** Where compiled copies go when the UDF folder is not writable: a mirror of the source tree, per process. */
const FALLBACK_ROOT = path.join(os.tmpdir(), `dirk-udf-${process.pid}`);

/**
 * Compiled copies are written next to their sources for a moment (deleted once imported), so that packages
 * a UDF imports resolve from the user's own node_modules. A read-only folder (a container's config mount)
 * gets them in a mirror under the system temp folder instead; there only relative imports and dirk/udf
 * resolve, which is what most UDF folders use.
 */
async function writeCompiled(
  graph: ReadonlyMap<string, GraphNode>,
  compile: (file: string, temps: ReadonlyMap<string, string>) => string,
  written: string[],
  write: (file: string, text: string) => Promise<void>,
): Promise<Map<string, string>> {
  const attempt = async (mirrorRoot?: string): Promise<Map<string, string>> => {
    const temps = new Map([...graph.keys()].map((f) => [f, tempPathOf(f, graph, mirrorRoot)] as const));
    for (const f of graph.keys()) {
      const temp = temps.get(f)!;
      if (mirrorRoot !== undefined) await fsp.mkdir(path.dirname(temp), { recursive: true });
      await write(temp, compile(f, temps));
      written.push(temp);
    }
    return temps;
  };
  try {
    return await attempt();
  } catch (e) {
    if (!NOT_WRITABLE.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
    await Promise.all(written.splice(0).map((t) => fsp.rm(t, { force: true })));
    return attempt(FALLBACK_ROOT);
  }
}

/**
 * The built engine (dist/, .js) compiles UDF modules in memory: nothing is written, so a read-only UDF
 * folder loads like any other. Running from the TypeScript sources (the unit tests, under vitest's module
 * runner, which reads modules from disk) the compiled copies are written next to their sources for a
 * moment, with the temp-folder mirror for a folder that cannot be written.
 */
const IN_MEMORY = import.meta.url.endsWith('.js');

let hooks: Promise<MessagePort> | undefined;

/** Registers the in-memory module hooks once per process; answers the port compiled modules are posted to. */
function memoryLoader(): Promise<MessagePort> {
  hooks ??= (async () => {
    const { register } = await import('node:module');
    const { port1, port2 } = new MessageChannel();
    register(new URL('./memory-hooks.js', import.meta.url).href, { data: { port: port2 }, transferList: [port2] });
    port1.unref();
    return port1;
  })();
  return hooks;
}

/** For tests: how compiled copies are written (a read-only folder cannot be made without privileges). */
export const udfWriteHook: { write: (file: string, text: string) => Promise<void> } = {
  write: (file, text) => fsp.writeFile(file, text),
};

function transpile(ts: Ts, file: string, node: GraphNode, temp: string, temps: ReadonlyMap<string, string>): string {
  // Rewrite import specifiers: the API to this engine, local modules to their compiled temp files.
  const rewrites = new Map<string, string>(node.api);
  for (const [spec, target] of node.imports) {
    rewrites.set(spec, `./${path.relative(path.dirname(temp), temps.get(target)!).split(path.sep).join('/')}`);
  }
  const rewriteSpecifiers: import('typescript').TransformerFactory<import('typescript').SourceFile> = (ctx) => {
    const f = ctx.factory;
    const fix = (lit: import('typescript').Expression | undefined): import('typescript').Expression | undefined => {
      if (lit === undefined || !ts.isStringLiteral(lit)) return lit;
      const to = rewrites.get(lit.text);
      return to ? f.createStringLiteral(to) : lit;
    };
    const visit = (node: import('typescript').Node): import('typescript').Node => {
      if (ts.isImportDeclaration(node)) {
        return f.updateImportDeclaration(node, node.modifiers, node.importClause, fix(node.moduleSpecifier)!, node.attributes);
      }
      if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
        return f.updateExportDeclaration(node, node.modifiers, node.isTypeOnly, node.exportClause, fix(node.moduleSpecifier), node.attributes);
      }
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments.length >= 1) {
        const [first, ...rest] = node.arguments;
        return f.updateCallExpression(node, node.expression, node.typeArguments, [fix(first)!, ...rest]);
      }
      return ts.visitEachChild(node, visit, ctx);
    };
    return (sf) => ts.visitEachChild(sf, visit, ctx) as import('typescript').SourceFile;
  };

  const out = ts.transpileModule(node.source, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      allowJs: true,
      verbatimModuleSyntax: false,
      isolatedModules: true,
      sourceMap: false,
      inlineSourceMap: true,
      inlineSources: true,
    },
    transformers: { before: [rewriteSpecifiers] },
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const d = errors[0]!;
    const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    throw userError(
      `UDF file ${file}${pos ? `:${pos.line + 1}:${pos.character + 1}` : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    );
  }
  return out.outputText;
}

export function isFunctionDef(x: unknown): x is FunctionDef {
  if (x === null || typeof x !== 'object') return false;
  const d = x as { kind?: unknown; name?: unknown };
  return (d.kind === 'scalar' || d.kind === 'aggregate' || d.kind === 'table') && typeof d.name === 'string';
}

function defsOf(mod: Record<string, unknown>): FunctionDef[] {
  const found: FunctionDef[] = [];
  const add = (v: unknown): void => {
    if (isFunctionDef(v)) {
      if (!found.includes(v)) found.push(v);
    } else if (Array.isArray(v)) {
      for (const x of v) if (isFunctionDef(x) && !found.includes(x)) found.push(x);
    }
  };
  add(mod.default);
  for (const [k, v] of Object.entries(mod)) if (k !== 'default') add(v);
  return found;
}

/** A loaded UDF file: its defs and the local modules it was built from (itself included). */
export interface LoadedUdfFile {
  readonly defs: FunctionDef[];
  readonly modules: ReadonlySet<string>;
}

/** Compile (if needed) and import one UDF file; returns the defs it exports, each tagged with the file. */
export async function loadUdfFile(file: string): Promise<FunctionDef[]> {
  return (await loadUdfModule(file)).defs;
}

/** As loadUdfFile, also naming every local module the file imports (directly or not), for hot reload. */
export async function loadUdfModule(file: string): Promise<LoadedUdfFile> {
  const { exports, modules, file: abs } = await importUserModule(file);
  const defs = defsOf(exports);
  for (const d of defs) setOrigin(d, abs);
  return { defs, modules };
}

/**
 * Compile (TypeScript, on the fly) and import one user module with the local modules it imports; returns
 * its exports. Shared by the UDF loader and the transformer loader (src/processors/transformers/loader.ts).
 */
export async function importUserModule(file: string): Promise<{ exports: Record<string, unknown>; modules: ReadonlySet<string>; file: string }> {
  const abs = path.resolve(file);
  const ts = await typescript();
  const graph = new Map<string, GraphNode>();
  const written: string[] = [];
  let mod: Record<string, unknown>;
  try {
    await scanGraph(ts, abs, graph);
    const compile = (f: string, t: ReadonlyMap<string, string>): string => transpile(ts, f, graph.get(f)!, t.get(f)!, t);
    if (IN_MEMORY) {
      // The built engine: compiled modules are served from memory by the loader hooks (memory-hooks.ts).
      const port = await memoryLoader();
      const temps = new Map([...graph.keys()].map((f) => [f, tempPathOf(f, graph)] as const));
      for (const f of graph.keys()) port.postMessage({ url: pathToFileURL(temps.get(f)!).href, source: compile(f, temps) });
      mod = (await import(pathToFileURL(temps.get(abs)!).href)) as Record<string, unknown>;
    } else {
      const temps = await writeCompiled(graph, compile, written, udfWriteHook.write);
      mod = (await import(pathToFileURL(temps.get(abs)!).href)) as Record<string, unknown>;
    }
  } catch (e) {
    if (e instanceof DirkError) throw e;
    throw userError(`cannot load UDF file ${abs}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  } finally {
    await Promise.all(written.map((t) => fsp.rm(t, { force: true })));
  }
  return { exports: mod, modules: new Set(graph.keys()), file: abs };
}

async function listFolder(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such folder' : code === 'ENOTDIR' ? 'it is a file, not a folder' : code === 'EACCES' ? 'permission denied' : e instanceof Error ? e.message : String(e);
    throw userError(`UDF_FOLDERS: cannot read the UDF folder ${dir}: ${why}`, { cause: e });
  }
  return names
    .filter(isUdfSourceFile)
    .sort()
    .map((n) => path.resolve(dir, n));
}

/** Names are case-insensitive; two files defining one name is an error naming both. */
function checkCollisions(perFile: readonly (readonly [string, readonly FunctionDef[]])[]): FunctionDef[] {
  const byName = new Map<string, { def: FunctionDef; file: string }>();
  const all: FunctionDef[] = [];
  for (const [file, defs] of perFile) {
    for (const def of defs) {
      const key = def.name.toUpperCase();
      const seen = byName.get(key);
      if (seen !== undefined) {
        if (seen.def === def) continue; // one def re-exported by another file (e.g. an index)
        throw userError(`function ${def.name} is defined twice: in ${seen.file} and in ${file}`);
      }
      byName.set(key, { def, file });
      setOrigin(def, file);
      all.push(def);
    }
  }
  return all;
}

/** Load every UDF file of the given folders (files in name order, folders in the given order). */
export async function loadUdfFolders(dirs: readonly string[]): Promise<FunctionDef[]> {
  const perFile: (readonly [string, FunctionDef[]])[] = [];
  for (const dir of dirs) {
    for (const file of await listFolder(dir)) perFile.push([file, await loadUdfFile(file)]);
  }
  return checkCollisions(perFile);
}

export interface UdfChange {
  /** The UDF file reloaded (absolute path). */
  readonly file: string;
  /** The file's defs after the change; empty when the file was deleted. */
  readonly defs: readonly FunctionDef[];
  /** The file is gone (deleted or renamed). */
  readonly deleted: boolean;
  /** The file's defs before the change (empty for a new file). */
  readonly previous: readonly FunctionDef[];
  /** The file whose change caused the reload: `file` itself, or a helper module it imports. */
  readonly cause: string;
  /** All defs of all watched folders after the change (collisions checked). */
  readonly all: readonly FunctionDef[];
}

export interface UdfWatcher {
  close(): void;
}

const SKIP_DIRS = new Set(['node_modules']);

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** `dir` and its sub-folders (not node_modules or hidden ones). */
function subFolders(dir: string): string[] {
  const out = [dir];
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.isDirectory() && !e.name.startsWith('.') && !SKIP_DIRS.has(e.name)) out.push(...subFolders(path.join(dir, e.name)));
  }
  return out;
}

/**
 * Watch UDF folders and reload a changed file after `debounceMs` of quiet. A UDF file is a top-level file of a
 * folder; a change to a module one imports (a sibling or a file in a sub-folder, or anywhere else through a
 * relative import) reloads every UDF file that imports it, directly or not. `onChange` gets the reloaded
 * file's defs and the whole new set; a file that fails to compile or collides is reported through `onError`
 * and the previous set stays in force. Start from the defs `loadUdfFolders` returned.
 */
export function watchUdfFolders(
  dirs: readonly string[],
  onChange: (change: UdfChange) => void,
  options: { readonly debounceMs?: number; readonly onError?: (e: unknown, file: string) => void } = {},
): UdfWatcher {
  const debounceMs = options.debounceMs ?? 200;
  const roots = dirs.map((d) => path.resolve(d));
  const current = new Map<string, readonly FunctionDef[]>();
  /** UDF file -> the local modules it is built from (itself included). */
  const modules = new Map<string, ReadonlySet<string>>();
  const timers = new Map<string, NodeJS.Timeout>();
  const watchers = new Map<string, FSWatcher>();
  let closed = false;
  let chain: Promise<void> = Promise.resolve();

  const isUdfFile = (file: string): boolean => roots.includes(path.dirname(file)) && isUdfSourceFile(path.basename(file));
  const load = async (file: string): Promise<FunctionDef[]> => {
    const loaded = await loadUdfModule(file);
    modules.set(file, loaded.modules);
    // A helper outside the watched folders (../shared/x.ts) is watched where it is.
    for (const m of loaded.modules) watchDir(path.dirname(m));
    return loaded.defs;
  };

  // Build the initial per-file picture lazily from disk so a later change can replace one file's defs.
  const ready = (async () => {
    for (const dir of roots) {
      for (const file of await listFolder(dir)) {
        try {
          current.set(file, await load(file));
        } catch {
          current.set(file, []);
        }
      }
    }
  })();

  const reload = (file: string, cause: string): void => {
    chain = chain.then(async () => {
      if (closed) return;
      try {
        const gone = !existsSync(file);
        const defs = gone ? [] : await load(file);
        const previous = current.get(file) ?? [];
        const next = new Map(current);
        if (gone) {
          next.delete(file);
          modules.delete(file);
        } else next.set(file, defs);
        const all = checkCollisions([...next.entries()].sort(([a], [b]) => a.localeCompare(b)));
        current.clear();
        for (const [k, v] of next) current.set(k, v);
        onChange({ file, defs, deleted: gone, previous, cause, all });
      } catch (e) {
        if (options.onError) options.onError(e, file);
      }
    });
  };

  /** A source file changed: reload it if it is a UDF file, and every UDF file built from it. */
  const changed = (file: string): void => {
    chain = chain.then(async () => {
      await ready;
      if (closed) return;
      const targets = new Set<string>();
      if (isUdfFile(file)) targets.add(file);
      for (const [udf, mods] of modules) if (mods.has(file)) targets.add(udf);
      for (const t of [...targets].sort()) reload(t, file);
    });
  };

  function watchDir(dir: string): void {
    if (closed || watchers.has(dir)) return;
    let w: FSWatcher;
    try {
      w = watch(dir, (_event, name) => {
        if (closed || name === null) return;
        const target = path.resolve(dir, name.toString());
        const base = path.basename(target);
        if (base.startsWith('.') || SKIP_DIRS.has(base)) return;
        if (!isUdfSourceFile(base)) {
          // A new sub-folder of a UDF folder is watched too.
          if (roots.some((r) => target.startsWith(r + path.sep)) && isDirectory(target)) subFolders(target).forEach(watchDir);
          return;
        }
        clearTimeout(timers.get(target));
        timers.set(
          target,
          setTimeout(() => {
            timers.delete(target);
            changed(target);
          }, debounceMs),
        );
      });
    } catch {
      return; // a folder that vanished meanwhile
    }
    watchers.set(dir, w);
  }

  for (const dir of roots) subFolders(dir).forEach(watchDir);
  return {
    close() {
      closed = true;
      for (const t of timers.values()) clearTimeout(t);
      for (const w of watchers.values()) w.close();
    },
  };
}
