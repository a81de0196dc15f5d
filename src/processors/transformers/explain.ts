import { typeToString } from '../../core/types.js';
import type { TablePreprocessor } from './preprocessor.js';
import { transformerStage } from './build.js';

/**
 * The pre-processors for `dirk explain`: per table, each transformer with its arguments, then the columns the
 * SQL sees. Empty when no table is pre-processed.
 */
export function explainPreprocessors(pre: ReadonlyMap<string, TablePreprocessor>): string {
  if (pre.size === 0) return '';
  const lines = ['pre-processors (run per table before the SQL):'];
  for (const p of pre.values()) {
    lines.push(`  table ${p.table}:`);
    p.transformers.forEach((t, i) => {
      lines.push(`    ${transformerStage(t, i).name}`);
      for (const d of transformerStage(t, i).describe?.() ?? []) lines.push(`      ${d}`);
    });
    lines.push(`    columns for SQL: ${p.output.columns.map((f) => `${f.name} ${typeToString(f.type)}`).join(', ')}`);
  }
  return `${lines.join('\n')}\n\n`;
}
