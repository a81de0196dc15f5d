import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '../../../scripts/long-functions.mjs');

/** A function of exactly `lines` lines (its first and last line included). */
function fn(name: string, lines: number): string {
  return [`export function ${name}(): number {`, '  let n = 0;', ...Array.from({ length: lines - 4 }, () => '  n++;'), '  return n;', '}', ''].join('\n');
}

function run(files: Record<string, string>, extra: string[] = []): { code: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dirk-long-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const r = spawnSync(process.execPath, [script, ...extra, dir], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('scripts/long-functions.mjs (part of npm run lint)', () => {
  it('fails on a function over 150 lines, naming it, and passes one of 150', () => {
    const bad = run({ 'a.ts': fn('short', 150) + fn('tooLong', 151) });
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/a\.ts:\d+ {2}tooLong {2}151 lines/);
    expect(bad.out).not.toMatch(/short/);
    expect(run({ 'a.ts': fn('short', 150) }).code).toBe(0);
  });

  it('counts arrow functions and methods, and lets a marked data table pass', () => {
    const arrow = `export const f = (): number => {\n${'  void 0;\n'.repeat(160)}  return 1;\n};\n`;
    expect(run({ 'b.ts': arrow }).out).toMatch(/f {2}163 lines/);
    const method = `export class C {\n  m(): void {\n${'    void 0;\n'.repeat(160)}  }\n}\n`;
    expect(run({ 'c.ts': method }).out).toMatch(/m {2}162 lines/);
    expect(run({ 'd.ts': `// lint: data table\n${arrow}` }).code).toBe(0);
    expect(run({ 'e.ts': fn('big', 200) }, ['--max', '250']).code).toBe(0);
  });
});
