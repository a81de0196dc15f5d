import { describe, expect, it } from 'vitest';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import type { ScalarFunctionDef } from '../../../src/udf/api.js';
import { callBuiltin } from './helpers.js';

const scalars = builtinFunctions.filter((f): f is ScalarFunctionDef => f.kind === 'scalar');

describe('built-in function examples', () => {
  it('has unique names', () => {
    const names = builtinFunctions.map((f) => f.name.toUpperCase());
    expect(new Set(names).size).toBe(names.length);
  });

  it('every deterministic function has examples', () => {
    const missing = scalars.filter((f) => f.deterministic !== false && (f.examples ?? []).length === 0).map((f) => f.name);
    expect(missing).toEqual([]);
  });

  for (const f of scalars) {
    for (const [i, e] of (f.examples ?? []).entries()) {
      it(`${f.name} example ${i + 1}: (${e.args.map(show).join(', ')})`, () => {
        expect(callBuiltin(f, ...e.args)).toEqual(e.result);
      });
    }
  }

  it('NULL in gives NULL out for functions with nullOnNullInput', () => {
    for (const f of scalars) {
      if (f.nullOnNullInput === false) continue;
      for (const s of f.signatures) {
        if (s.params.length === 0) continue;
        const args = s.params.map(() => null);
        expect(callBuiltin(f, ...args), f.name).toBeNull();
      }
    }
  });
});

function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Map) return `Map(${v.size})`;
  if (typeof v === 'string') return JSON.stringify(v.length > 30 ? `${v.slice(0, 27)}...` : v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
