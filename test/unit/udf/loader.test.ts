import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { T } from '../../../src/core/types.js';
import type { FunctionDef } from '../../../src/udf/api.js';
import { loadUdfFolders, loadUdfModule, watchUdfFolders, type UdfChange } from '../../../src/udf/loader.js';
import { createFunctionCatalog, invokeScalar, originOf } from '../../../src/udf/registry.js';

let dir: string;
let dir2: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'dirk-udf-'));
  dir2 = mkdtempSync(path.join(tmpdir(), 'dirk-udf2-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(dir2, { recursive: true, force: true });
});

const write = (d: string, name: string, text: string): string => {
  const f = path.join(d, name);
  writeFileSync(f, text);
  return f;
};

describe('loadUdfFolders', () => {
  it('loads .ts files importing the API as dirk/udf and sibling .ts helpers', async () => {
    write(dir, 'helper.ts', `export const twice = (x: number): number => x * 2;\n`);
    const f = write(
      dir,
      'double.ts',
      `import { defineScalar } from 'dirk/udf';
import { twice } from './helper.js';
interface Unused { a: number }
export const Double = defineScalar({
  name: 'Double',
  signatures: [{ params: ['DOUBLE'], returns: 'DOUBLE' }],
  eval: (x) => twice(x as number),
});
export const notAFunction = 42;
`,
    );
    write(
      dir,
      'more.mjs',
      `import { defineScalar, defineAggregate } from 'dirk/udf';
export default [
  defineScalar({ name: 'Hello', signatures: [{ params: ['STRING'], returns: 'STRING' }], eval: (s) => 'hello ' + s }),
  defineAggregate({ name: 'Cnt', signatures: [{ params: ['ANY'], returns: 'BIGINT' }], createAccumulator: () => ({ n: 0 }), accumulate: (a) => { a.n++; }, getValue: (a) => a.n }),
];
`,
    );
    write(dir, 'types.d.ts', 'export declare const x: number;\n');
    write(dir, 'double.test.ts', 'throw new Error("tests are not UDFs");\n');
    const defs = await loadUdfFolders([dir]);
    // helper.ts exports no defs; it is loaded as a file too, which is harmless.
    expect(defs.map((d) => d.name).sort()).toEqual(['Cnt', 'Double', 'Hello']);
    const cat = createFunctionCatalog(defs);
    expect(invokeScalar(cat.resolve('double', [T.INT]), [21])).toBe(42);
    expect(invokeScalar(cat.resolve('hello', [T.STRING]), ['you'])).toBe('hello you');
    expect(originOf(cat.lookup('double')!)).toBe(f);
    expect(cat.origin('double')).toBe(f);
    // The temporary compiled files are gone.
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('rejects one name in two files, naming both', async () => {
    const a = write(dir, 'a.ts', `import { defineScalar } from 'dirk/udf';\nexport default defineScalar({ name: 'Same', signatures: [{ params: [], returns: 'INT' }], eval: () => 1 });\n`);
    const b = write(dir2, 'b.js', `import { defineScalar } from 'dirk/udf';\nexport const x = defineScalar({ name: 'SAME', signatures: [{ params: [], returns: 'INT' }], eval: () => 2 });\n`);
    await expect(loadUdfFolders([dir, dir2])).rejects.toThrow(`function SAME is defined twice: in ${a} and in ${b}`);
  });

  it('reports syntax errors with file and position', async () => {
    const f = write(dir, 'broken.ts', `export const x = (;\n`);
    await expect(loadUdfFolders([dir])).rejects.toThrow(`UDF file ${f}:1:19`);
  });

  it('reports a runtime error while loading and a missing folder', async () => {
    write(dir, 'throws.ts', `throw new Error('nope');\n`);
    await expect(loadUdfFolders([dir])).rejects.toThrow(/cannot load UDF file .*throws\.ts: nope/);
    await expect(loadUdfFolders([path.join(dir, 'missing')])).rejects.toThrow('UDF_FOLDERS: cannot read the UDF folder');
  });
});

describe('watchUdfFolders', () => {
  it('reloads a changed file after a quiet period', async () => {
    const src = (v: number): string =>
      `import { defineScalar } from 'dirk/udf';\nexport default defineScalar({ name: 'Version', signatures: [{ params: [], returns: 'INT' }], eval: () => ${v} });\n`;
    write(dir, 'v.ts', src(1));
    const changes: UdfChange[] = [];
    const w = watchUdfFolders([dir], (c) => changes.push(c), { debounceMs: 50 });
    try {
      await new Promise((r) => setTimeout(r, 300));
      write(dir, 'v.ts', src(2));
      const deadline = Date.now() + 5000;
      while (changes.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(changes.length).toBeGreaterThan(0);
      const last = changes[changes.length - 1]!;
      const def = last.defs[0] as FunctionDef & { eval: () => number };
      expect(def.eval()).toBe(2);
      expect(last.all.map((d) => d.name)).toEqual(['Version']);
    } finally {
      w.close();
    }
  });
  it('follows imports: a changed helper two imports away reloads every UDF file built from it, with its new code', async () => {
    mkdirSync(path.join(dir, 'lib', 'deep'), { recursive: true });
    const base = (v: number): string => write(dir, 'lib/deep/base.ts', `export const base = ${v};\n`);
    base(1);
    write(dir, 'lib/mid.ts', `import { base } from './deep/base.js';\nexport const mid = (): number => base * 10;\n`);
    const udf = (name: string): string =>
      write(dir, `${name.toLowerCase()}.ts`, `import { defineScalar } from 'dirk/udf';\nimport { mid } from './lib/mid.js';\nexport default defineScalar({ name: '${name}', signatures: [{ params: [], returns: 'INT' }], eval: () => mid() });\n`);
    const a = udf('A');
    const b = udf('B');
    write(dir, 'other.ts', `import { defineScalar } from 'dirk/udf';\nexport default defineScalar({ name: 'Other', signatures: [{ params: [], returns: 'INT' }], eval: () => 0 });\n`);
    expect([...(await loadUdfModule(a)).modules].sort()).toEqual([a, path.join(dir, 'lib/deep/base.ts'), path.join(dir, 'lib/mid.ts')].sort());
    const changes: UdfChange[] = [];
    const w = watchUdfFolders([dir], (c) => changes.push(c), { debounceMs: 50 });
    try {
      await new Promise((r) => setTimeout(r, 300));
      base(7);
      const deadline = Date.now() + 5000;
      while (changes.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 200));
      expect(changes.map((c) => [c.file, c.cause])).toEqual([
        [a, path.join(dir, 'lib/deep/base.ts')],
        [b, path.join(dir, 'lib/deep/base.ts')],
      ]);
      for (const c of changes) expect((c.defs[0] as FunctionDef & { eval: () => number }).eval()).toBe(70);
      expect(changes[0]!.previous.map((d) => d.name)).toEqual(['A']);
      expect(readdirSync(path.join(dir, 'lib')).filter((n) => n.startsWith('.'))).toEqual([]);
    } finally {
      w.close();
    }
  });
});
