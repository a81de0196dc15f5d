import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { T } from '../../../src/core/types.js';
import { loadUdfFolders, udfWriteHook } from '../../../src/udf/loader.js';
import { createFunctionCatalog, invokeScalar } from '../../../src/udf/registry.js';

/**
 * A UDF folder mounted read-only (a container's config volume) still loads: compiled copies go to a mirror
 * under the system temp folder. The read-only mount is simulated by failing writes inside the folder with
 * EROFS, as the kernel does (making a real read-only mount needs privileges tests do not have).
 */
const original = udfWriteHook.write;
afterEach(() => {
  udfWriteHook.write = original;
});

describe('UDF folder that cannot be written', () => {
  it('loads .ts UDFs with local imports, and leaves nothing in the folder', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dirk-udf-ro-'));
    writeFileSync(path.join(dir, 'helper.ts'), 'export const triple = (x: number): number => x * 3;\n');
    writeFileSync(
      path.join(dir, 'triple.ts'),
      `import { defineScalar } from 'dirk/udf';
import { triple } from './helper.js';
export const Triple = defineScalar({ name: 'Triple', signatures: [{ params: ['DOUBLE'], returns: 'DOUBLE' }], eval: (x) => triple(x as number) });
`,
    );
    const attempts: string[] = [];
    udfWriteHook.write = async (file, text) => {
      attempts.push(file);
      if (file.startsWith(dir + path.sep)) throw Object.assign(new Error(`EROFS: read-only file system, open '${file}'`), { code: 'EROFS' });
      return original(file, text);
    };
    const defs = await loadUdfFolders([dir]);
    expect(defs.map((d) => d.name)).toEqual(['Triple']);
    const catalog = createFunctionCatalog(defs);
    expect(invokeScalar(catalog.resolve('triple', [T.DOUBLE]), [2])).toBe(6);
    expect(attempts.some((f) => f.startsWith(dir + path.sep))).toBe(true);
    expect(attempts.some((f) => f.startsWith(path.join(tmpdir(), `dirk-udf-${process.pid}`)))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['helper.ts', 'triple.ts']);
  });
});
