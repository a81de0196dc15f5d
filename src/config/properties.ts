/**
 * Java `.properties` files, the format of Dagger's `local.properties`. Parsing (escapes such as `\uXXXX`,
 * line continuations with a trailing backslash, `=` / `:` / whitespace separators, `#` and `!` comments) is
 * done by `dot-properties`, a maintained implementation of java.util.Properties#load; this file only turns its
 * AST into a flat map and notes what a Java reader would do silently (a key given twice: the last one wins).
 */
import { parseLines } from 'dot-properties';

export interface PropertiesFile {
  /** Every key with its (unescaped) value; for a repeated key, its last value, as Java's Properties.load. */
  readonly values: Record<string, string>;
  /** The 1-based line each key was (last) set on, for messages. */
  readonly lines: ReadonlyMap<string, number>;
  readonly warnings: readonly string[];
}

export function parseProperties(text: string, source = 'properties file'): PropertiesFile {
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  const lines = new Map<string, number>();
  const warnings: string[] = [];
  const lineStarts = lineStartOffsets(text);
  for (const node of parseLines(text, true)) {
    if (node.type !== 'PAIR') continue;
    const pair = node as unknown as { key: string; value: string; range: [number, number, number, number] };
    const line = lineOf(lineStarts, pair.range[0]);
    const earlier = lines.get(pair.key);
    if (earlier !== undefined) {
      warnings.push(`${source}: ${pair.key} is set on line ${earlier} and again on line ${line}; the value on line ${line} is used`);
    }
    values[pair.key] = pair.value;
    lines.set(pair.key, line);
  }
  return { values: { ...values }, lines, warnings };
}

function lineStartOffsets(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
