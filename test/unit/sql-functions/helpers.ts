import { builtinFunctions } from '../../../src/sql/functions/index.js';
import type { ScalarFunctionDef } from '../../../src/udf/api.js';

/** Call a built-in the way the runtime does: NULL short-circuits unless nullOnNullInput is false. */
export function callBuiltin(f: ScalarFunctionDef, ...args: unknown[]): unknown {
  if (f.nullOnNullInput !== false && args.some((a) => a === null)) return null;
  if (!f.eval) throw new Error(`${f.name} has no eval`);
  return (f.eval as (...a: unknown[]) => unknown)(...args);
}

const byName = new Map(
  builtinFunctions.filter((f): f is ScalarFunctionDef => f.kind === 'scalar').map((f) => [f.name.toUpperCase(), f]),
);

/** Look up a built-in by name and call it. */
export function call(name: string, ...args: unknown[]): unknown {
  const f = byName.get(name.toUpperCase());
  if (!f) throw new Error(`no built-in ${name}`);
  return callBuiltin(f, ...args);
}
