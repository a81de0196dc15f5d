import { ConfigError } from '../../../core/errors.js';
import type { Row } from '../../../core/types.js';
import type { Layout } from '../columns.js';

/**
 * `*_variables` name columns of the query result; their positions are resolved once, when the chain is
 * built, so a typo is a validate-time error naming the path (Dagger finds it on the first record).
 */
export function variableReader(names: readonly string[], layout: Layout, path: string): (row: Row) => unknown[] {
  const idx = names.map((name) => {
    const i = layout.inputIndex(name);
    if (i < 0) throw new ConfigError(path, `columns of the query result (${layout.input.map((f) => f.name).join(', ')})`, names.join(','), `no column "${name}"`);
    return i;
  });
  return (row) => idx.map((i) => row[i]);
}

/** Dagger skips the call when every variable is empty (`empty_input`); a NULL counts as empty too. */
export function allEmpty(values: readonly unknown[]): boolean {
  return values.length > 0 && values.every((v) => v === '' || v === null || v === undefined);
}
