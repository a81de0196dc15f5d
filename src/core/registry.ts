import { closest, userError } from './errors.js';

/**
 * The one registry shape for every extension point (sources, sinks, transformers, post-processors, UDFs):
 * entries are listed explicitly and looked up by the literal name used in config or SQL.
 */
export interface Named {
  readonly name: string;
}

export interface Registry<T extends Named> {
  readonly kind: string;
  get(name: string): T;
  find(name: string): T | undefined;
  names(): string[];
  values(): T[];
}

export function createRegistry<T extends Named>(
  kind: string,
  entries: readonly T[],
  options: { caseInsensitive?: boolean } = {},
): Registry<T> {
  const norm = (n: string): string => (options.caseInsensitive ? n.toUpperCase() : n);
  const byName = new Map<string, T>();
  for (const e of entries) {
    const key = norm(e.name);
    if (byName.has(key)) throw new Error(`internal error: two ${kind}s named "${e.name}"`);
    byName.set(key, e);
  }
  return {
    kind,
    find: (name) => byName.get(norm(name)),
    get(name) {
      const found = byName.get(norm(name));
      if (found) return found;
      const names = entries.map((e) => e.name);
      const guess = closest(name, names);
      throw userError(
        `unknown ${kind} "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}; valid: ${names.join(', ')}`,
      );
    },
    names: () => entries.map((e) => e.name),
    values: () => [...entries],
  };
}
