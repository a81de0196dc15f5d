/**
 * How the CLI tells a user what went wrong: warnings first (a typo's "did you mean" explains the error that
 * follows), then the error on one line (config errors: one per line), a SQL error with the offending line and
 * a caret under the column. Only internal errors print a stack, since only they are Dirk's to fix.
 */
import { ConfigErrors } from '../config/config-errors.js';
import { DirkError, type SourcePosition } from '../core/errors.js';

export interface ReportContext {
  /** The job's SQL, when the error happened while planning it. */
  sql?: string;
  /** Warnings from loading the config (already printed ones are not repeated). */
  warnings?: readonly string[];
}

export function exitCodeOf(e: unknown): number {
  return e instanceof DirkError && e.domain === 'user' ? 2 : 1;
}

export function formatError(e: unknown, ctx: ReportContext = {}): string {
  const lines: string[] = [];
  const warnings = [...(ctx.warnings ?? []), ...(e instanceof ConfigErrors ? e.warnings : [])];
  for (const w of new Set(warnings)) lines.push(`warning: ${w}`);
  if (e instanceof DirkError && e.domain === 'user') {
    lines.push(`error: ${e.message}`);
    if (e.position && ctx.sql !== undefined) lines.push(...sqlExcerpt(ctx.sql, e.position));
  } else if (e instanceof DirkError && e.domain === 'external') {
    lines.push(`error (external): ${e.message}`);
  } else {
    lines.push(`internal error: ${(e as Error)?.stack ?? String(e)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The query line at `pos` (1-based line and column) with a caret under the column, and the line before. */
export function sqlExcerpt(sql: string, pos: SourcePosition): string[] {
  const all = sql.split(/\r\n|\r|\n/);
  const line = all[pos.line - 1];
  if (line === undefined) return [];
  const width = String(pos.line).length;
  const gutter = (n: number | undefined): string => `  ${n === undefined ? ' '.repeat(width) : String(n).padStart(width)} | `;
  const out: string[] = [];
  const before = all[pos.line - 2];
  if (before !== undefined && before.trim() !== '') out.push(`${gutter(pos.line - 1)}${before}`);
  out.push(`${gutter(pos.line)}${line}`);
  // Tabs stay tabs so the caret lines up under them in a terminal.
  const pad = line.slice(0, Math.max(0, pos.column - 1)).replace(/[^\t]/g, ' ');
  out.push(`${gutter(undefined)}${pad}^`);
  return out;
}
