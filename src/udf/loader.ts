import { createHash } from 'node:crypto';
import { existsSync, promises as fsp, statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DirkError, userError } from '../core/errors.js';
import type { FunctionDef } from './api.js';
import { setOrigin } from './registry.js';

/**
 * Loads user functions from folders. Every top-level .js / .mjs / .ts / .mts file of a folder is a module whose
 * exports are function definitions: a default export (one def or an array of defs) and/or named exports that
 * are defs (or arrays of defs); other exports are ignored.
 *
 * Each file is compiled with the TypeScript compiler (transpile only, no type check) to a temporary ES module
 * next to the source, imported and deleted again. Compiling lets a file written anywhere import the API as
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

const API_SPECIFIERS: Readonly<Record<string, string>> = { 'dirk/udf': 'api', dirk: 'index' };

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

interface Compilation {
  /** Temporary files written for one top-level import; all removed once it is loaded. */
  readonly temps: string[];
  /** Source path -> temp path, so a helper imported twice is compiled once. */
  readonly compiled: Map<string, string>;
}

async function compileFile(ts: Ts, file: string, comp: Compilation): Promise<string> {
  const done = comp.compiled.get(file);
  if (done !== undefined) return done;
  const source = await fsp.readFile(file, 'utf8');
  const hash = createHash('sha1').update(file).update(source).digest('hex').slice(0, 12);
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.dirk-${hash}.mjs`);
  comp.compiled.set(file, temp);

  // Rewrite import specifiers: the API to this engine, relative .ts imports to their compiled temp files.
  const pending: Promise<void>[] = [];
  const rewrites = new Map<string, string>();
  const noteSpecifier = (spec: string): void => {
    if (rewrites.has(spec)) return;
    const api = API_SPECIFIERS[spec];
    if (api !== undefined) {
      rewrites.set(spec, apiUrl(api));
      return;
    }
    if (!spec.startsWith('./') && !spec.startsWith('../')) return;
    const target = resolveRelative(file, spec);
    if (target === undefined) return; // leave it; the import will report the missing file
    if (/\.m?ts$/.test(target)) {
      rewrites.set(spec, '');
      pending.push(
        compileFile(ts, target, comp).then((t) => {
          rewrites.set(spec, `./${path.relative(path.dirname(temp), t).split(path.sep).join('/')}`);
        }),
      );
    }
  };
  const pre = ts.preProcessFile(source, true, true);
  for (const f of pre.importedFiles) noteSpecifier(f.fileName);
  await Promise.all(pending);

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

  const out = ts.transpileModule(source, {
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
  await fsp.writeFile(temp, out.outputText);
  comp.temps.push(temp);
  return temp;
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

/** Compile (if needed) and import one UDF file; returns the defs it exports, each tagged with the file. */
export async function loadUdfFile(file: string): Promise<FunctionDef[]> {
  const abs = path.resolve(file);
  const ts = await typescript();
  const comp: Compilation = { temps: [], compiled: new Map() };
  let mod: Record<string, unknown>;
  try {
    const temp = await compileFile(ts, abs, comp);
    mod = (await import(pathToFileURL(temp).href)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof DirkError) throw e;
    throw userError(`cannot load UDF file ${abs}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  } finally {
    await Promise.all(comp.temps.map((t) => fsp.rm(t, { force: true })));
  }
  const defs = defsOf(mod);
  for (const d of defs) setOrigin(d, abs);
  return defs;
}

async function listFolder(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (e) {
    throw userError(`UDF folder ${dir} cannot be read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
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
  /** The file that changed (absolute path). */
  readonly file: string;
  /** The file's defs after the change; empty when the file was deleted. */
  readonly defs: readonly FunctionDef[];
  /** All defs of all watched folders after the change (collisions checked). */
  readonly all: readonly FunctionDef[];
}

export interface UdfWatcher {
  close(): void;
}

/**
 * Watch UDF folders and reload a changed file after `debounceMs` of quiet. `onChange` gets the reloaded
 * file's defs and the whole new set; a file that fails to compile or collides is reported through `onError`
 * and the previous set stays in force. Start from the defs `loadUdfFolders` returned.
 */
export function watchUdfFolders(
  dirs: readonly string[],
  onChange: (change: UdfChange) => void,
  options: { readonly debounceMs?: number; readonly onError?: (e: unknown, file: string) => void } = {},
): UdfWatcher {
  const debounceMs = options.debounceMs ?? 200;
  const current = new Map<string, readonly FunctionDef[]>();
  const timers = new Map<string, NodeJS.Timeout>();
  const watchers: FSWatcher[] = [];
  let closed = false;
  let chain: Promise<void> = Promise.resolve();

  // Build the initial per-file picture lazily from disk so a later change can replace one file's defs.
  const ready = (async () => {
    for (const dir of dirs) {
      for (const file of await listFolder(dir)) {
        try {
          current.set(file, await loadUdfFile(file));
        } catch {
          current.set(file, []);
        }
      }
    }
  })();

  const reload = (file: string): void => {
    chain = chain.then(async () => {
      await ready;
      if (closed) return;
      try {
        const defs = existsSync(file) ? await loadUdfFile(file) : [];
        const next = new Map(current);
        if (defs.length === 0 && !existsSync(file)) next.delete(file);
        else next.set(file, defs);
        const all = checkCollisions([...next.entries()].sort(([a], [b]) => a.localeCompare(b)));
        current.clear();
        for (const [k, v] of next) current.set(k, v);
        onChange({ file, defs, all });
      } catch (e) {
        if (options.onError) options.onError(e, file);
      }
    });
  };

  for (const dir of dirs) {
    const w = watch(dir, (_event, name) => {
      if (closed || name === null || !isUdfSourceFile(name.toString())) return;
      const file = path.resolve(dir, name.toString());
      clearTimeout(timers.get(file));
      timers.set(
        file,
        setTimeout(() => {
          timers.delete(file);
          reload(file);
        }, debounceMs),
      );
    });
    watchers.push(w);
  }
  return {
    close() {
      closed = true;
      for (const t of timers.values()) clearTimeout(t);
      for (const w of watchers) w.close();
    },
  };
}
