/**
 * A bound on how deeply a job config's JSON may nest. The config reader walks values recursively
 * (environment substitution, key readers, redaction), so a hostile or broken file nested thousands of
 * levels deep would end in "Maximum call stack size exceeded"; a real Dagger job nests a handful of levels
 * (STREAMS → stream → SOURCE_DETAILS → entry, plus processor configs). Measured without recursion.
 */
export const MAX_CONFIG_DEPTH = 64;

/** The path of the first value nested deeper than `limit`, or undefined when the value is within it. */
export function tooDeepAt(value: unknown, limit = MAX_CONFIG_DEPTH): string | undefined {
  const stack: { v: unknown; depth: number; path: string }[] = [{ v: value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= limit) return path.length > 60 ? `${path.slice(0, 40)}…` : path || '(top level)';
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, depth: depth + 1, path: `${path}[${i}]` }));
    else for (const [k, x] of Object.entries(v)) stack.push({ v: x, depth: depth + 1, path: path ? `${path}.${k}` : k });
  }
  return undefined;
}
