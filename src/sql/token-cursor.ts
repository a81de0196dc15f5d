import { SqlError } from '../core/errors.js';
import type { Token } from './lexer.js';

/** Words that are never names unless quoted. */
export const RESERVED = new Set([
  'SELECT', 'FROM', 'WHERE', 'GROUP', 'BY', 'HAVING', 'ORDER', 'LIMIT', 'UNION', 'ALL', 'DISTINCT', 'AS', 'ON',
  'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'OUTER', 'CROSS', 'AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'LIKE',
  'BETWEEN', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'WITH', 'LATERAL', 'UNNEST', 'INTERVAL', 'TRUE', 'FALSE',
  'EXCEPT', 'INTERSECT', 'CREATE', 'VIEW', 'INSERT', 'INTO', 'OVER', 'WINDOW', 'FILTER', 'ESCAPE', 'SIMILAR',
]);

/** A position in the token list, with the look-ahead, accept and expect steps all parts of the parser use. */
export class TokenCursor {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(k = 0): Token {
    return this.tokens[Math.min(this.i + k, this.tokens.length - 1)]!;
  }
  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  atEof(): boolean {
    return this.peek().kind === 'eof';
  }
  isKw(word: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'ident' && t.upper === word;
  }
  acceptKw(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) if (!this.isKw(words[k]!, k)) return false;
    this.i += words.length;
    return true;
  }
  expectKw(word: string): Token {
    if (!this.isKw(word)) this.fail(`expected ${word}`);
    return this.next();
  }
  isOp(op: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'op' && t.text === op;
  }
  acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.i++;
    return true;
  }
  expectOp(op: string, what?: string): Token {
    if (!this.isOp(op)) this.fail(`expected '${op}'${what ? ` (${what})` : ''}`);
    return this.next();
  }
  expectEof(): void {
    if (!this.atEof()) this.fail('expected end of input');
  }
  private describe(t: Token): string {
    if (t.kind === 'eof') return 'end of input';
    if (t.kind === 'string') return `'${t.text}'`;
    if (t.kind === 'quoted') return `\`${t.text}\``;
    return `'${t.text}'`;
  }
  /** Throws a SqlError at `at` (the next token by default) naming what was found. */
  fail(message: string, at: Token = this.peek()): never {
    throw new SqlError(`${message}, found ${this.describe(at)}`, at.pos);
  }
  identifier(what = 'an identifier'): string {
    const t = this.peek();
    if (t.kind === 'quoted') return this.next().text;
    if (t.kind === 'ident' && !RESERVED.has(t.upper)) return this.next().text;
    return this.fail(`expected ${what}`);
  }
  /** Identifier including non-reserved keywords used as names (e.g. `value`, `timestamp`). */
  isIdentStart(k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'quoted' || (t.kind === 'ident' && !RESERVED.has(t.upper));
  }
  /** A possibly qualified name (`catalog.db.table`): the last part. */
  qualifiedName(): string {
    let name = this.identifier('a name');
    while (this.acceptOp('.')) name = this.identifier('a name');
    return name;
  }
}
