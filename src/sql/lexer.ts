import { SqlError, type SourcePosition } from '../core/errors.js';

/**
 * Tokeniser for Flink SQL as Dagger users write it. Every token keeps its line and column so that each
 * later error can point at the user's text.
 */
export type TokenKind = 'ident' | 'quoted' | 'number' | 'string' | 'op' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Identifier text as written (quoted: without the quotes); keywords are idents compared upper-cased. */
  readonly text: string;
  readonly upper: string;
  readonly pos: SourcePosition;
  readonly offset: number;
}

const TWO_CHAR_OPS = new Set(['<>', '!=', '<=', '>=', '||', '::', '=>']);
const ONE_CHAR_OPS = new Set(['+', '-', '*', '/', '%', '=', '<', '>', '(', ')', ',', '.', '[', ']', ';', '?', '{', '}', '|', '^']);

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (at: number): SourcePosition => ({ line, column: at - lineStart + 1 });
  const push = (kind: TokenKind, text: string, start: number, p: SourcePosition): void => {
    tokens.push({ kind, text, upper: kind === 'ident' ? text.toUpperCase() : text, pos: p, offset: start });
  };
  const newlinesIn = (from: number, to: number): void => {
    for (let k = from; k < to; k++) {
      if (sql.charCodeAt(k) === 10) {
        line++;
        lineStart = k + 1;
      }
    }
  };

  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === '\n') {
      line++;
      i++;
      lineStart = i;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw new SqlError('unterminated comment', pos(i));
      newlinesIn(i, end);
      i = end + 2;
      continue;
    }
    const start = i;
    const p = pos(i);
    if (/[A-Za-z_$]/.test(ch)) {
      i++;
      while (i < sql.length && /[A-Za-z0-9_$]/.test(sql[i]!)) i++;
      push('ident', sql.slice(start, i), start, p);
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      while (i < sql.length && /[0-9]/.test(sql[i]!)) i++;
      if (sql[i] === '.' && /[0-9]/.test(sql[i + 1] ?? '')) {
        i++;
        while (i < sql.length && /[0-9]/.test(sql[i]!)) i++;
      } else if (sql[i] === '.' && !/[A-Za-z_]/.test(sql[i + 1] ?? '')) {
        i++;
      }
      if ((sql[i] === 'e' || sql[i] === 'E') && /[0-9+-]/.test(sql[i + 1] ?? '')) {
        i += 2;
        while (i < sql.length && /[0-9]/.test(sql[i]!)) i++;
      }
      push('number', sql.slice(start, i), start, p);
      continue;
    }
    if (ch === "'") {
      let out = '';
      i++;
      for (;;) {
        if (i >= sql.length) throw new SqlError('unterminated string literal', p);
        const c = sql[i]!;
        if (c === "'") {
          if (sql[i + 1] === "'") {
            out += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === '\n') {
          line++;
          lineStart = i + 1;
        }
        out += c;
        i++;
      }
      push('string', out, start, p);
      continue;
    }
    if (ch === '`' || ch === '"') {
      const end = sql.indexOf(ch, i + 1);
      if (end < 0) throw new SqlError(`unterminated quoted identifier`, p);
      push('quoted', sql.slice(i + 1, end), start, p);
      newlinesIn(i, end);
      i = end + 1;
      continue;
    }
    const two = sql.slice(i, i + 2);
    if (TWO_CHAR_OPS.has(two)) {
      push('op', two, start, p);
      i += 2;
      continue;
    }
    if (ONE_CHAR_OPS.has(ch)) {
      push('op', ch, start, p);
      i++;
      continue;
    }
    throw new SqlError(`unexpected character '${ch}'`, p);
  }
  tokens.push({ kind: 'eof', text: '', upper: '', pos: pos(i), offset: i });
  return tokens;
}
