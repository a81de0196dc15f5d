import { SqlError, type SourcePosition } from '../core/errors.js';
import type { Expr, FromItem, OrderItem, OverSpec, Query, QueryBody, Select, SelectItem, Statement, TypeSpec } from './ast.js';
import { tokenize, type Token } from './lexer.js';

/**
 * A recursive-descent parser for the Flink SQL that Dagger jobs use. It was written instead of relying on
 * node-sql-parser's flinksql dialect because that grammar (5.4) rejects nested field paths `a.b.c`,
 * TIMESTAMPDIFF, LATERAL TABLE(...) AS t(c) and more, and keeps no node positions, so errors could not
 * name a line and column. Every node here carries the position of its first token.
 */

const RESERVED = new Set([
  'SELECT', 'FROM', 'WHERE', 'GROUP', 'BY', 'HAVING', 'ORDER', 'LIMIT', 'UNION', 'ALL', 'DISTINCT', 'AS', 'ON',
  'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'OUTER', 'CROSS', 'AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'LIKE',
  'BETWEEN', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'WITH', 'LATERAL', 'UNNEST', 'INTERVAL', 'TRUE', 'FALSE',
  'EXCEPT', 'INTERSECT', 'CREATE', 'VIEW', 'INSERT', 'INTO', 'OVER', 'WINDOW', 'FILTER', 'ESCAPE', 'SIMILAR',
]);

const TIME_UNITS = new Set([
  'MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR', 'DOW', 'DOY', 'EPOCH',
  'DAYOFWEEK', 'DAYOFYEAR', 'MICROSECOND', 'NANOSECOND',
]);

const UNIT_MS: Record<string, number> = {
  MILLISECOND: 1,
  SECOND: 1000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
  WEEK: 7 * 86_400_000,
};

export function parseStatements(sql: string): Statement[] {
  const p = new Parser(tokenize(sql));
  const out: Statement[] = [];
  while (!p.atEof()) {
    if (p.acceptOp(';')) continue;
    out.push(p.statement());
    if (!p.atEof()) p.expectOp(';', 'end of statement');
  }
  if (out.length === 0) throw new SqlError('the query is empty', { line: 1, column: 1 });
  return out;
}

export function parseExpression(sql: string): Expr {
  const p = new Parser(tokenize(sql));
  const e = p.expr();
  p.expectEof();
  return e;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  // ---- token helpers -------------------------------------------------------------------------------
  private peek(k = 0): Token {
    return this.tokens[Math.min(this.i + k, this.tokens.length - 1)]!;
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  atEof(): boolean {
    return this.peek().kind === 'eof';
  }
  private isKw(word: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'ident' && t.upper === word;
  }
  private acceptKw(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) if (!this.isKw(words[k]!, k)) return false;
    this.i += words.length;
    return true;
  }
  private expectKw(word: string): Token {
    if (!this.isKw(word)) this.fail(`expected ${word}`);
    return this.next();
  }
  private isOp(op: string, k = 0): boolean {
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
  private fail(message: string, at: Token = this.peek()): never {
    throw new SqlError(`${message}, found ${this.describe(at)}`, at.pos);
  }
  private identifier(what = 'an identifier'): string {
    const t = this.peek();
    if (t.kind === 'quoted') return this.next().text;
    if (t.kind === 'ident' && !RESERVED.has(t.upper)) return this.next().text;
    return this.fail(`expected ${what}`);
  }
  /** Identifier including non-reserved keywords used as names (e.g. `value`, `timestamp`). */
  private isIdentStart(k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'quoted' || (t.kind === 'ident' && !RESERVED.has(t.upper));
  }

  // ---- statements ----------------------------------------------------------------------------------
  statement(): Statement {
    const start = this.peek();
    if (this.acceptKw('CREATE')) {
      this.acceptKw('TEMPORARY');
      this.expectKw('VIEW');
      this.acceptKw('IF', 'NOT', 'EXISTS');
      const name = this.qualifiedName();
      this.expectKw('AS');
      return { kind: 'createView', pos: start.pos, name, query: this.query() };
    }
    if (this.acceptKw('INSERT')) {
      this.expectKw('INTO');
      const target = this.qualifiedName();
      return { kind: 'insert', pos: start.pos, target, query: this.query() };
    }
    return { kind: 'query', pos: start.pos, query: this.query() };
  }

  private qualifiedName(): string {
    let name = this.identifier('a name');
    while (this.acceptOp('.')) name = this.identifier('a name');
    return name;
  }

  query(): Query {
    const start = this.peek();
    const withs: { name: string; query: Query; pos: SourcePosition }[] = [];
    if (this.acceptKw('WITH')) {
      do {
        const t = this.peek();
        const name = this.identifier('a WITH query name');
        this.expectKw('AS');
        this.expectOp('(');
        const q = this.query();
        this.expectOp(')');
        withs.push({ name, query: q, pos: t.pos });
      } while (this.acceptOp(','));
    }
    const body = this.queryBody();
    let orderBy: OrderItem[] = [];
    if (this.acceptKw('ORDER', 'BY')) orderBy = this.orderItems();
    let limit: number | undefined;
    const limitTok = this.peek();
    if (this.acceptKw('LIMIT')) {
      const t = this.next();
      if (t.kind !== 'number') this.fail('expected a number after LIMIT', t);
      limit = Number(t.text);
    }
    return { pos: start.pos, with: withs, body, orderBy, ...(limit !== undefined ? { limit, limitPos: limitTok.pos } : {}) };
  }

  private queryBody(): QueryBody {
    let left = this.queryTerm();
    for (;;) {
      const t = this.peek();
      if (this.acceptKw('UNION')) {
        const all = this.acceptKw('ALL');
        if (!all) this.acceptKw('DISTINCT');
        const right = this.queryTerm();
        left = { kind: 'union', pos: t.pos, all, left, right };
        continue;
      }
      if (this.isKw('EXCEPT') || this.isKw('INTERSECT') || this.isKw('MINUS')) {
        this.fail(`${t.upper} is not supported on streams; use a join or NOT EXISTS-free filter instead`, t);
      }
      return left;
    }
  }

  private queryTerm(): QueryBody {
    const t = this.peek();
    if (this.isOp('(')) {
      this.next();
      const q = this.query();
      this.expectOp(')');
      return { kind: 'nested', pos: t.pos, query: q };
    }
    return this.select();
  }

  private select(): Select {
    const start = this.expectKw('SELECT');
    const distinct = this.acceptKw('DISTINCT');
    if (!distinct) this.acceptKw('ALL');
    const items: SelectItem[] = [];
    do items.push(this.selectItem());
    while (this.acceptOp(','));
    let from: FromItem | undefined;
    if (this.acceptKw('FROM')) from = this.fromClause();
    let where: Expr | undefined;
    if (this.acceptKw('WHERE')) where = this.expr();
    const groupBy: Expr[] = [];
    if (this.acceptKw('GROUP', 'BY')) {
      do groupBy.push(this.expr());
      while (this.acceptOp(','));
    }
    let having: Expr | undefined;
    if (this.acceptKw('HAVING')) having = this.expr();
    return {
      kind: 'select',
      pos: start.pos,
      distinct,
      items,
      groupBy,
      ...(from ? { from } : {}),
      ...(where ? { where } : {}),
      ...(having ? { having } : {}),
    };
  }

  private selectItem(): SelectItem {
    const t = this.peek();
    if (this.isOp('*')) {
      this.next();
      return { kind: 'star', pos: t.pos };
    }
    if (this.isIdentStart() && this.isOp('.', 1) && this.isOp('*', 2)) {
      const table = this.identifier();
      this.next();
      this.next();
      return { kind: 'star', table, pos: t.pos };
    }
    const expr = this.expr();
    let alias: string | undefined;
    if (this.acceptKw('AS')) alias = this.aliasName();
    else if (this.isIdentStart() || this.peek().kind === 'string') alias = this.aliasName();
    return { kind: 'expr', expr, pos: t.pos, ...(alias !== undefined ? { alias } : {}) };
  }

  private aliasName(): string {
    const t = this.peek();
    if (t.kind === 'string') return this.next().text;
    if (t.kind === 'ident' && !RESERVED.has(t.upper)) return this.next().text;
    if (t.kind === 'quoted') return this.next().text;
    return this.fail('expected an alias');
  }

  private orderItems(): OrderItem[] {
    const items: OrderItem[] = [];
    do {
      const expr = this.expr();
      let desc = false;
      if (this.acceptKw('DESC')) desc = true;
      else this.acceptKw('ASC');
      if (this.acceptKw('NULLS')) {
        if (!this.acceptKw('FIRST')) this.expectKw('LAST');
      }
      items.push({ expr, desc });
    } while (this.acceptOp(','));
    return items;
  }

  // ---- FROM ---------------------------------------------------------------------------------------
  private fromClause(): FromItem {
    let left = this.fromPrimary();
    for (;;) {
      const t = this.peek();
      if (this.acceptOp(',')) {
        const right = this.fromPrimary();
        left = { kind: 'join', pos: t.pos, type: 'CROSS', left, right };
        continue;
      }
      let type: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS' | undefined;
      if (this.acceptKw('JOIN') || this.acceptKw('INNER', 'JOIN')) type = 'INNER';
      else if (this.acceptKw('LEFT', 'OUTER', 'JOIN') || this.acceptKw('LEFT', 'JOIN')) type = 'LEFT';
      else if (this.acceptKw('RIGHT', 'OUTER', 'JOIN') || this.acceptKw('RIGHT', 'JOIN')) type = 'RIGHT';
      else if (this.acceptKw('FULL', 'OUTER', 'JOIN') || this.acceptKw('FULL', 'JOIN')) type = 'FULL';
      else if (this.acceptKw('CROSS', 'JOIN')) type = 'CROSS';
      if (!type) return left;
      const right = this.fromPrimary();
      let on: Expr | undefined;
      if (type !== 'CROSS') {
        if (this.acceptKw('ON')) on = this.expr();
        else if (!(right.kind === 'lateral' || right.kind === 'unnest')) this.fail('expected ON after JOIN');
      }
      left = { kind: 'join', pos: t.pos, type, left, right, ...(on ? { on } : {}) };
    }
  }

  private tableAlias(): { alias?: string; columns?: string[] } {
    let alias: string | undefined;
    if (this.acceptKw('AS')) alias = this.identifier('an alias');
    else if (this.isIdentStart() && !this.isJoinKeyword()) alias = this.identifier();
    let columns: string[] | undefined;
    if (alias !== undefined && this.isOp('(')) {
      this.next();
      columns = [];
      do columns.push(this.identifier('a column alias'));
      while (this.acceptOp(','));
      this.expectOp(')');
    }
    return { ...(alias !== undefined ? { alias } : {}), ...(columns ? { columns } : {}) };
  }

  private isJoinKeyword(): boolean {
    return ['JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'ON', 'WHERE', 'GROUP', 'UNION', 'ORDER', 'LIMIT', 'HAVING', 'WINDOW']
      .some((w) => this.isKw(w));
  }

  private fromPrimary(): FromItem {
    const t = this.peek();
    if (this.acceptKw('LATERAL')) {
      if (this.acceptKw('TABLE')) {
        this.expectOp('(');
        const call = this.expr();
        this.expectOp(')');
        return { kind: 'lateral', pos: t.pos, call, ...this.tableAlias() };
      }
      // LATERAL (subquery) is not supported; UNNEST may follow LATERAL in some dialects.
      if (this.isKw('UNNEST')) return this.fromPrimary();
      this.fail('expected TABLE after LATERAL');
    }
    if (this.acceptKw('UNNEST')) {
      this.expectOp('(');
      const expr = this.expr();
      this.expectOp(')');
      const withOrdinality = this.acceptKw('WITH', 'ORDINALITY');
      return { kind: 'unnest', pos: t.pos, expr, withOrdinality, ...this.tableAlias() };
    }
    if (this.isKw('TABLE') && this.isOp('(', 1)) {
      this.next();
      this.next();
      const call = this.expr();
      this.expectOp(')');
      if (call.kind !== 'call') this.fail('expected a table function call inside TABLE(...)');
      const { alias } = this.tableAlias();
      return { kind: 'windowTvf', pos: t.pos, call, ...(alias !== undefined ? { alias } : {}) };
    }
    if (this.isOp('(')) {
      this.next();
      if (this.isKw('SELECT') || this.isKw('WITH') || this.isOp('(')) {
        const q = this.query();
        this.expectOp(')');
        const { alias } = this.tableAlias();
        return { kind: 'subquery', pos: t.pos, query: q, ...(alias !== undefined ? { alias } : {}) };
      }
      const inner = this.fromClause();
      this.expectOp(')');
      return inner;
    }
    const name = this.qualifiedName();
    const { alias } = this.tableAlias();
    return { kind: 'table', pos: t.pos, name, ...(alias !== undefined ? { alias } : {}) };
  }

  // ---- expressions (lowest precedence first) -------------------------------------------------------
  expr(): Expr {
    return this.orExpr();
  }

  private orExpr(): Expr {
    let left = this.andExpr();
    while (this.isKw('OR')) {
      const t = this.next();
      left = { kind: 'binary', pos: t.pos, op: 'OR', left, right: this.andExpr() };
    }
    return left;
  }

  private andExpr(): Expr {
    let left = this.notExpr();
    while (this.isKw('AND')) {
      const t = this.next();
      left = { kind: 'binary', pos: t.pos, op: 'AND', left, right: this.notExpr() };
    }
    return left;
  }

  private notExpr(): Expr {
    const t = this.peek();
    if (this.acceptKw('NOT')) return { kind: 'unary', pos: t.pos, op: 'NOT', arg: this.notExpr() };
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.additive();
    const t = this.peek();
    if (t.kind === 'op' && ['=', '<>', '!=', '<', '<=', '>', '>='].includes(t.text)) {
      this.next();
      const op = t.text === '!=' ? '<>' : t.text;
      return { kind: 'binary', pos: t.pos, op, left, right: this.additive() };
    }
    if (this.acceptKw('IS')) {
      const negated = this.acceptKw('NOT');
      if (this.acceptKw('DISTINCT')) {
        this.expectKw('FROM');
        return { kind: 'isDistinct', pos: t.pos, left, right: this.additive(), negated };
      }
      const w = this.next();
      if (!(w.kind === 'ident' && ['NULL', 'TRUE', 'FALSE', 'UNKNOWN'].includes(w.upper))) {
        this.fail('expected NULL, TRUE, FALSE or UNKNOWN after IS', w);
      }
      return { kind: 'is', pos: t.pos, arg: left, what: w.upper as 'NULL', negated };
    }
    const negated = this.isKw('NOT') && (this.isKw('IN', 1) || this.isKw('LIKE', 1) || this.isKw('BETWEEN', 1) || this.isKw('SIMILAR', 1));
    if (negated) this.next();
    if (this.acceptKw('IN')) {
      this.expectOp('(');
      if (this.isKw('SELECT')) throw new SqlError('IN (sub-query) is not supported on streams; use a join', this.peek().pos);
      const list: Expr[] = [];
      do list.push(this.expr());
      while (this.acceptOp(','));
      this.expectOp(')');
      return { kind: 'in', pos: t.pos, arg: left, list, negated };
    }
    if (this.acceptKw('BETWEEN')) {
      this.acceptKw('ASYMMETRIC');
      const low = this.additive();
      this.expectKw('AND');
      const high = this.additive();
      return { kind: 'between', pos: t.pos, arg: left, low, high, negated };
    }
    if (this.acceptKw('LIKE') || this.acceptKw('SIMILAR', 'TO')) {
      const similar = this.tokens[this.i - 1]!.upper === 'TO';
      const pattern = this.additive();
      let escape: Expr | undefined;
      if (this.acceptKw('ESCAPE')) escape = this.additive();
      return { kind: 'like', pos: t.pos, arg: left, pattern, negated, similar, ...(escape ? { escape } : {}) };
    }
    if (negated) this.fail('expected IN, LIKE or BETWEEN after NOT');
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && (t.text === '+' || t.text === '-' || t.text === '||')) {
        this.next();
        left = { kind: 'binary', pos: t.pos, op: t.text, left, right: this.multiplicative() };
      } else return left;
    }
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && (t.text === '*' || t.text === '/' || t.text === '%')) {
        this.next();
        left = { kind: 'binary', pos: t.pos, op: t.text, left, right: this.unary() };
      } else return left;
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      this.next();
      const arg = this.unary();
      if (t.text === '-' && arg.kind === 'literal' && typeof arg.value === 'number') {
        return { kind: 'literal', pos: t.pos, value: -arg.value, raw: `-${arg.raw ?? arg.value}` };
      }
      return { kind: 'unary', pos: t.pos, op: t.text, arg };
    }
    return this.postfix(this.primary());
  }

  private postfix(e: Expr): Expr {
    for (;;) {
      const t = this.peek();
      if (this.acceptOp('[')) {
        const index = this.expr();
        this.expectOp(']');
        e = { kind: 'subscript', pos: t.pos, arg: e, index };
      } else if (this.isOp('.') && (this.peek(1).kind === 'ident' || this.peek(1).kind === 'quoted')) {
        this.next();
        const name = this.next().text;
        if (e.kind === 'column') e = { kind: 'column', pos: e.pos, path: [...e.path, name] };
        else e = { kind: 'field', pos: t.pos, arg: e, name };
      } else if (this.acceptOp('::')) {
        e = { kind: 'cast', pos: t.pos, arg: e, type: this.typeSpec(), safe: false };
      } else return e;
    }
  }

  private primary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'number': {
        this.next();
        const isInt = /^[0-9]+$/.test(t.text);
        return { kind: 'literal', pos: t.pos, value: Number(t.text), raw: isInt ? t.text : `${t.text}` };
      }
      case 'string':
        this.next();
        return { kind: 'literal', pos: t.pos, value: t.text };
      case 'quoted':
        this.next();
        return { kind: 'column', pos: t.pos, path: [t.text] };
      case 'op':
        if (t.text === '(') {
          this.next();
          if (this.isKw('SELECT') || this.isKw('WITH')) {
            const q = this.query();
            this.expectOp(')');
            return { kind: 'subquery', pos: t.pos, query: q };
          }
          const e = this.expr();
          if (this.isOp(',')) {
            // (a, b) row constructor
            const items = [e];
            while (this.acceptOp(',')) items.push(this.expr());
            this.expectOp(')');
            return { kind: 'row', pos: t.pos, items };
          }
          this.expectOp(')');
          return e;
        }
        if (t.text === '?') this.fail('query parameters (?) are not supported');
        return this.fail('expected an expression');
      case 'eof':
        return this.fail('expected an expression');
      case 'ident':
        return this.identExpr(t);
    }
  }

  private identExpr(t: Token): Expr {
    const u = t.upper;
    if (u === 'NULL') {
      this.next();
      return { kind: 'literal', pos: t.pos, value: null };
    }
    if (u === 'TRUE' || u === 'FALSE') {
      this.next();
      return { kind: 'literal', pos: t.pos, value: u === 'TRUE' };
    }
    if (u === 'CASE') return this.caseExpr();
    if ((u === 'CAST' || u === 'TRY_CAST') && this.isOp('(', 1)) {
      this.next();
      this.next();
      const arg = this.expr();
      this.expectKw('AS');
      const type = this.typeSpec();
      this.expectOp(')');
      return { kind: 'cast', pos: t.pos, arg, type, safe: u === 'TRY_CAST' };
    }
    if (u === 'INTERVAL') return this.interval();
    if ((u === 'TIMESTAMP' || u === 'DATE' || u === 'TIME') && this.peek(1).kind === 'string') {
      this.next();
      const s = this.next();
      return { kind: 'call', pos: t.pos, name: u === 'TIMESTAMP' ? 'TO_TIMESTAMP' : u === 'DATE' ? 'TO_DATE' : 'TO_TIME', args: [{ kind: 'literal', pos: s.pos, value: s.text }] };
    }
    if (u === 'ARRAY' && this.isOp('[', 1)) {
      this.next();
      this.next();
      const items: Expr[] = [];
      if (!this.isOp(']')) {
        do items.push(this.expr());
        while (this.acceptOp(','));
      }
      this.expectOp(']');
      return { kind: 'array', pos: t.pos, items };
    }
    if (u === 'MAP' && this.isOp('[', 1)) {
      this.next();
      this.next();
      const items: Expr[] = [];
      if (!this.isOp(']')) {
        do items.push(this.expr());
        while (this.acceptOp(','));
      }
      this.expectOp(']');
      return { kind: 'map', pos: t.pos, items };
    }
    if (u === 'ROW' && this.isOp('(', 1)) {
      this.next();
      this.next();
      const items: Expr[] = [];
      if (!this.isOp(')')) {
        do items.push(this.expr());
        while (this.acceptOp(','));
      }
      this.expectOp(')');
      return { kind: 'row', pos: t.pos, items };
    }
    if (u === 'DESCRIPTOR' && this.isOp('(', 1)) {
      this.next();
      this.next();
      const columns: string[] = [];
      do columns.push(this.identifier('a column'));
      while (this.acceptOp(','));
      this.expectOp(')');
      return { kind: 'descriptor', pos: t.pos, columns };
    }
    if (u === 'TABLE' && (this.peek(1).kind === 'ident' || this.peek(1).kind === 'quoted')) {
      this.next();
      return { kind: 'tableArg', pos: t.pos, name: this.qualifiedName() };
    }
    if (this.isOp('(', 1)) return this.functionCall();
    if (RESERVED.has(u)) this.fail('expected an expression');
    this.next();
    return { kind: 'column', pos: t.pos, path: [t.text] };
  }

  private caseExpr(): Expr {
    const t = this.expectKw('CASE');
    let operand: Expr | undefined;
    if (!this.isKw('WHEN')) operand = this.expr();
    const whens: { when: Expr; then: Expr }[] = [];
    while (this.acceptKw('WHEN')) {
      const when = this.expr();
      this.expectKw('THEN');
      whens.push({ when, then: this.expr() });
    }
    if (whens.length === 0) this.fail('expected WHEN in CASE');
    let elseExpr: Expr | undefined;
    if (this.acceptKw('ELSE')) elseExpr = this.expr();
    this.expectKw('END');
    return { kind: 'case', pos: t.pos, whens, ...(operand ? { operand } : {}), ...(elseExpr ? { else: elseExpr } : {}) };
  }

  private interval(): Expr {
    const t = this.expectKw('INTERVAL');
    const v = this.next();
    let text: string;
    if (v.kind === 'string' || v.kind === 'number') text = v.text;
    else if (v.kind === 'op' && v.text === '-' && this.peek().kind !== 'eof') text = `-${this.next().text}`;
    else return this.fail('expected a quantity after INTERVAL', v);
    const u = this.next();
    if (u.kind !== 'ident') this.fail('expected a time unit (SECOND, MINUTE, HOUR, DAY...) after the INTERVAL quantity', u);
    let unit = u.upper.replace(/S$/, '');
    if (unit === 'SECOND' || unit === 'MINUTE' || unit === 'HOUR' || unit === 'DAY') {
      if (this.isOp('(')) {
        this.next();
        while (!this.isOp(')') && !this.atEof()) this.next();
        this.expectOp(')');
      }
    }
    let toUnit: string | undefined;
    if (this.acceptKw('TO')) toUnit = this.next().upper.replace(/S$/, '');
    if (unit === 'MONTH' || unit === 'YEAR' || unit === 'QUARTER') {
      const n = Number(text);
      if (!Number.isFinite(n)) this.fail(`invalid INTERVAL quantity '${text}'`, v);
      const months = unit === 'YEAR' ? n * 12 : unit === 'QUARTER' ? n * 3 : n;
      return { kind: 'interval', pos: t.pos, ms: months * 30 * 86_400_000, months, text: `INTERVAL '${text}' ${unit}` };
    }
    if (toUnit) {
      const ms = parseCompoundInterval(text, unit, toUnit);
      if (ms === undefined) this.fail(`invalid INTERVAL '${text}' ${unit} TO ${toUnit}`, v);
      return { kind: 'interval', pos: t.pos, ms, text: `INTERVAL '${text}' ${unit} TO ${toUnit}` };
    }
    const mult = UNIT_MS[unit];
    if (mult === undefined) this.fail(`unknown INTERVAL unit`, u);
    const n = Number(text);
    if (!Number.isFinite(n)) this.fail(`invalid INTERVAL quantity '${text}'`, v);
    return { kind: 'interval', pos: t.pos, ms: n * mult, text: `INTERVAL '${text}' ${unit}` };
  }

  private functionCall(): Expr {
    const t = this.next();
    const name = t.upper;
    this.expectOp('(');
    // Special syntaxes that are function calls in disguise.
    if (name === 'EXTRACT') {
      const unit = this.next();
      this.expectKw('FROM');
      const arg = this.expr();
      this.expectOp(')');
      return { kind: 'call', pos: t.pos, name: 'EXTRACT', args: [{ kind: 'literal', pos: unit.pos, value: unit.upper }, arg] };
    }
    if ((name === 'TIMESTAMPADD' || name === 'TIMESTAMPDIFF') && this.peek().kind === 'ident' && TIME_UNITS.has(this.peek().upper.replace(/S$/, ''))) {
      const unit = this.next();
      const args: Expr[] = [{ kind: 'literal', pos: unit.pos, value: unit.upper.replace(/S$/, '') }];
      while (this.acceptOp(',')) args.push(this.expr());
      this.expectOp(')');
      return { kind: 'call', pos: t.pos, name, args };
    }
    if (name === 'TRIM') {
      let mode = 'BOTH';
      if (this.isKw('BOTH') || this.isKw('LEADING') || this.isKw('TRAILING')) mode = this.next().upper;
      let chars: Expr = { kind: 'literal', pos: t.pos, value: ' ' };
      let arg: Expr;
      if (this.acceptKw('FROM')) arg = this.expr();
      else {
        const first = this.expr();
        if (this.acceptKw('FROM')) {
          chars = first;
          arg = this.expr();
        } else arg = first;
      }
      this.expectOp(')');
      return { kind: 'call', pos: t.pos, name: `TRIM_${mode}`, args: [arg, chars] };
    }
    if (name === 'SUBSTRING' || name === 'SUBSTR') {
      const arg = this.expr();
      const args = [arg];
      if (this.acceptKw('FROM')) {
        args.push(this.expr());
        if (this.acceptKw('FOR')) args.push(this.expr());
      } else while (this.acceptOp(',')) args.push(this.expr());
      this.expectOp(')');
      return { kind: 'call', pos: t.pos, name: 'SUBSTRING', args };
    }
    if (name === 'POSITION') {
      const sub = this.additive();
      this.expectKw('IN');
      const s = this.expr();
      this.expectOp(')');
      return { kind: 'call', pos: t.pos, name: 'POSITION', args: [sub, s] };
    }
    if ((name === 'FLOOR' || name === 'CEIL' || name === 'CEILING')) {
      const arg = this.expr();
      if (this.acceptKw('TO')) {
        const unit = this.next();
        this.expectOp(')');
        return { kind: 'call', pos: t.pos, name: name === 'FLOOR' ? 'FLOOR_TIME' : 'CEIL_TIME', args: [arg, { kind: 'literal', pos: unit.pos, value: unit.upper }] };
      }
      const args = [arg];
      while (this.acceptOp(',')) args.push(this.expr());
      this.expectOp(')');
      return { kind: 'call', pos: t.pos, name: name === 'CEILING' ? 'CEIL' : name, args };
    }
    if (name === 'JSON_VALUE' || name === 'JSON_QUERY' || name === 'JSON_EXISTS') {
      const args: Expr[] = [this.expr()];
      this.expectOp(',');
      args.push(this.expr());
      // RETURNING / ON EMPTY / ON ERROR clauses: accepted and ignored (defaults: STRING, NULL).
      let depth = 0;
      while (!(depth === 0 && this.isOp(')')) && !this.atEof()) {
        if (this.isOp('(')) depth++;
        if (this.isOp(')')) depth--;
        this.next();
      }
      this.expectOp(')');
      return { kind: 'call', pos: t.pos, name, args };
    }
    let distinct = false;
    let star = false;
    const args: Expr[] = [];
    if (this.isOp('*')) {
      this.next();
      star = true;
    } else if (!this.isOp(')')) {
      distinct = this.acceptKw('DISTINCT');
      if (!distinct) this.acceptKw('ALL');
      do args.push(this.expr());
      while (this.acceptOp(','));
    }
    this.expectOp(')');
    let filter: Expr | undefined;
    if (this.isKw('FILTER') && this.isOp('(', 1)) {
      this.next();
      this.next();
      this.expectKw('WHERE');
      filter = this.expr();
      this.expectOp(')');
    }
    let over: OverSpec | undefined;
    if (this.acceptKw('OVER')) over = this.overSpec();
    return {
      kind: 'call',
      pos: t.pos,
      name,
      args,
      ...(distinct ? { distinct } : {}),
      ...(star ? { star } : {}),
      ...(over ? { over } : {}),
      ...(filter ? { filter } : {}),
    };
  }

  private overSpec(): OverSpec {
    this.expectOp('(');
    const partitionBy: Expr[] = [];
    let orderBy: OrderItem[] = [];
    if (this.acceptKw('PARTITION', 'BY')) {
      do partitionBy.push(this.expr());
      while (this.acceptOp(','));
    }
    if (this.acceptKw('ORDER', 'BY')) orderBy = this.orderItems();
    let frame: OverSpec['frame'];
    if (this.isKw('ROWS') || this.isKw('RANGE')) {
      const unit = this.next().upper as 'ROWS' | 'RANGE';
      // `ROWS 2 PRECEDING` is short for `ROWS BETWEEN 2 PRECEDING AND CURRENT ROW`.
      const between = this.acceptKw('BETWEEN');
      let preceding: Expr | 'UNBOUNDED' | 'CURRENT';
      if (this.acceptKw('UNBOUNDED')) preceding = 'UNBOUNDED';
      else if (this.acceptKw('CURRENT')) preceding = 'CURRENT';
      else preceding = this.additive();
      if (preceding !== 'CURRENT') this.expectKw('PRECEDING');
      else this.expectKw('ROW');
      if (between) {
        this.expectKw('AND');
        if (this.isKw('UNBOUNDED') || (!this.isKw('CURRENT') && !this.isOp(')'))) this.fail('only frames ending at CURRENT ROW are supported on streams; expected CURRENT ROW');
        this.expectKw('CURRENT');
        this.expectKw('ROW');
      }
      frame = { unit, preceding };
    }
    this.expectOp(')');
    return { partitionBy, orderBy, ...(frame ? { frame } : {}) };
  }

  typeSpec(): TypeSpec {
    const t = this.next();
    if (t.kind !== 'ident') this.fail('expected a type name', t);
    let name = t.upper;
    if (name === 'CHARACTER' || name === 'CHAR') name = 'STRING';
    if (name === 'DOUBLE') this.acceptKw('PRECISION');
    if (name === 'VARCHAR' || name === 'STRING') name = 'STRING';
    if (name === 'INTEGER') name = 'INT';
    if (name === 'NUMERIC' || name === 'DEC') name = 'DECIMAL';
    if (name === 'VARBINARY' || name === 'BINARY') name = 'BYTES';
    if (name === 'REAL') name = 'FLOAT';
    if (name === 'ARRAY' && this.acceptOp('<')) {
      const element = this.typeSpec();
      this.expectOp('>');
      return { name, params: [], element };
    }
    if (name === 'MAP' && this.acceptOp('<')) {
      const key = this.typeSpec();
      this.expectOp(',');
      const value = this.typeSpec();
      this.expectOp('>');
      return { name, params: [], key, value };
    }
    if (name === 'ROW' && (this.isOp('<') || this.isOp('('))) {
      const close = this.next().text === '<' ? '>' : ')';
      const fields: { name: string; type: TypeSpec }[] = [];
      do {
        const fname = this.identifier('a field name');
        fields.push({ name: fname, type: this.typeSpec() });
      } while (this.acceptOp(','));
      this.expectOp(close);
      return { name, params: [], fields };
    }
    const params: number[] = [];
    if (this.acceptOp('(')) {
      do {
        const n = this.next();
        if (n.kind !== 'number') this.fail('expected a number', n);
        params.push(Number(n.text));
      } while (this.acceptOp(','));
      this.expectOp(')');
    }
    if (name === 'TIMESTAMP' || name === 'TIMESTAMP_LTZ') {
      if (this.acceptKw('WITH', 'LOCAL', 'TIME', 'ZONE') || this.acceptKw('WITHOUT', 'TIME', 'ZONE')) {
        /* both are epoch-ms instants here, all in UTC */
      }
      name = 'TIMESTAMP';
    }
    return { name, params };
  }
}

function parseCompoundInterval(text: string, from: string, to: string): number | undefined {
  // e.g. '1 02:03:04' DAY TO SECOND, '02:30' HOUR TO MINUTE, '10:20' MINUTE TO SECOND
  const m = /^\s*(-)?\s*(?:(\d+)\s+)?(\d+)(?::(\d+))?(?::(\d+(?:\.\d+)?))?\s*$/.exec(text);
  if (!m) return undefined;
  const sign = m[1] ? -1 : 1;
  const parts = [m[3], m[4], m[5]].filter((x): x is string => x !== undefined).map(Number);
  const days = m[2] ? Number(m[2]) : 0;
  const order = ['DAY', 'HOUR', 'MINUTE', 'SECOND'];
  let start = order.indexOf(from);
  if (start < 0 || order.indexOf(to) < start) return undefined;
  let ms = 0;
  if (from === 'DAY') {
    ms += (m[2] ? days : parts.shift() ?? 0) * 86_400_000;
    start = 1;
  }
  const unitMs = [86_400_000, 3_600_000, 60_000, 1000];
  for (let k = 0; k < parts.length; k++) ms += parts[k]! * unitMs[start + k]!;
  return sign * ms;
}
