/**
 * `dirk test`: run a folder of golden cases (src/testing/golden.ts describes the file format) with no broker
 * and no job running; each case plans its query and pushes its input rows through the real operators.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { DirkError, userError } from '../core/errors.js';
import { lineDiff } from './diff.js';
import { checkGolden, parseGolden } from './golden.js';

export interface CaseResult {
  readonly file: string;
  readonly ok: boolean;
  /** --update rewrote its expected section. */
  readonly updated: boolean;
  /** Why it failed: a diff of expected against actual, or the error that kept it from running. */
  readonly detail: readonly string[];
}

export interface SuiteResult {
  readonly results: readonly CaseResult[];
  readonly passed: number;
  readonly failed: number;
}

/** Case files: `.sql` files under each path (a folder, searched recursively, or a file); sorted. */
export function findCaseFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw userError(`dirk test: ${p}: no such file or folder`);
    }
    if (st.isFile()) files.push(abs);
    else {
      const found = readdirSync(abs, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.sql') && !f.split(/[\\/]/).includes('node_modules'))
        .map((f) => join(abs, f));
      files.push(...found.sort());
    }
  }
  if (files.length === 0) throw userError(`dirk test: no .sql case files under ${paths.join(', ')}`);
  return files;
}

export async function runCase(file: string, opts: { update?: boolean } = {}): Promise<CaseResult> {
  try {
    const c = parseGolden(file);
    const r = await checkGolden(c, opts);
    if (r.ok || opts.update) return { file, ok: true, updated: !r.ok, detail: [] };
    return { file, ok: false, updated: false, detail: ['--- expected', '+++ actual', ...lineDiff(r.expected.split('\n'), r.actual.split('\n'))] };
  } catch (e) {
    // A case that cannot run (bad file, unknown table, a planning error outside a `---- fail` case) fails
    // with its reason; an internal error keeps its stack, since it is Dirk's to fix.
    const why = e instanceof DirkError || (e instanceof Error && e.message.startsWith(file)) ? e.message : (e as Error)?.stack ?? String(e);
    return { file, ok: false, updated: false, detail: why.split('\n') };
  }
}

export async function runSuite(
  paths: readonly string[],
  opts: { update?: boolean; filter?: string; onResult?: (r: CaseResult, name: string) => void } = {},
): Promise<SuiteResult> {
  const cwd = process.cwd();
  const results: CaseResult[] = [];
  for (const file of findCaseFiles(paths)) {
    const name = relative(cwd, file) || file;
    if (opts.filter !== undefined && !name.includes(opts.filter)) continue;
    const r = await runCase(file, opts.update ? { update: true } : {});
    results.push(r);
    opts.onResult?.(r, name);
  }
  const passed = results.filter((r) => r.ok).length;
  return { results, passed, failed: results.length - passed };
}
