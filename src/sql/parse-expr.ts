import { SqlError } from '../core/errors.js';
import type { Expr, OrderItem, OverSpec, Query } from './ast.js';
import type { Token } from './lexer.js';
import { parseInterval, parseType } from './parse-types.js';
import { RESERVED, TokenCursor } from './token-cursor.js';
import { balanced, MAX_PARSE_NESTING, tooDeep } from './depth-guard.js';

const NILADIC_TIME = new Set(['CURRENT_TIMESTAMP', 'LOCALTIMESTAMP', 'CURRENT_DATE']);

const TIME_UNITS = new Set([
  'MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR', 'DOW', 'DOY', 'EPOCH',
  'DAYOFWEEK', 'DAYOFYEAR', 'MICROSECOND', 'NANOSECOND',
]);

/**
 * Expressions, function calls (with their special syntaxes: EXTRACT, TRIM, POSITION, ...) and OVER specs.
 * Sub-queries inside expressions (`IN (SELECT ...)`) come from the statement parser that extends this one.
 */
export abstract class ExprParser extends TokenCursor {
  abstract query(): Query;

  /** An expression: OR of ANDs of comparisons of arithmetic over primaries, lowest precedence first. */
  expr(): Expr {
    return this.nested(() => this.orExpr());
  }

  private nesting = 0;

  /** Bounds the parser's recursion (see depth-guard.ts): deep input is a SqlError, not a stack overflow. */
  protected nested<T>(parse: () => T): T {
    if (this.nesting >= MAX_PARSE_NESTING) throw tooDeep(this.peek().pos, MAX_PARSE_NESTING);
    this.nesting++;
    try {
      return parse();
    } finally {
      this.nesting--;
    }
  }

  /**
   * AND / OR chains: associative, so built balanced (a generated 2,000-term OR stays shallow for every
   * recursive walk after the parser). Operands keep their order, so evaluation order is unchanged.
   */
  private logicalChain(operand: () => Expr, op: 'AND' | 'OR'): Expr {
    const operands = [operand()];
    const positions: Token['pos'][] = [];
    while (this.peek().kind === 'ident' && this.peek().upper === op) {
      positions.push(this.next().pos);
      operands.push(operand());
    }
    return balanced(operands, (left, right, at) => ({ kind: 'binary', pos: positions[at - 1]!, op, left, right }));
  }

  /**
   * One left-associative precedence level: `operand (op operand)*`, where `ops` are the operators of the
   * level (keywords or operator tokens).
   */
  private chain(operand: () => Expr, ops: readonly string[]): Expr {
    let left = operand();
    for (;;) {
      const t = this.peek();
      const op = t.kind === 'ident' ? t.upper : t.kind === 'op' ? t.text : undefined;
      if (op === undefined || !ops.includes(op)) return left;
      this.next();
      left = { kind: 'binary', pos: t.pos, op, left, right: operand() };
    }
  }

  private orExpr(): Expr {
    return this.logicalChain(() => this.andExpr(), 'OR');
  }

  private andExpr(): Expr {
    return this.logicalChain(() => this.notExpr(), 'AND');
  }

  private notExpr(): Expr {
    const t = this.peek();
    if (this.acceptKw('NOT')) return { kind: 'unary', pos: t.pos, op: 'NOT', arg: this.nested(() => this.notExpr()) };
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
      if (this.isKw('SELECT') || this.isKw('WITH')) {
        const query = this.query();
        this.expectOp(')');
        return { kind: 'inQuery', pos: t.pos, arg: left, query, negated };
      }
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
    const similar = this.isKw('SIMILAR');
    if (this.acceptKw('LIKE') || this.acceptKw('SIMILAR', 'TO')) {
      const pattern = this.additive();
      let escape: Expr | undefined;
      if (this.acceptKw('ESCAPE')) escape = this.additive();
      return { kind: 'like', pos: t.pos, arg: left, pattern, negated, similar, ...(escape ? { escape } : {}) };
    }
    if (negated) this.fail('expected IN, LIKE or BETWEEN after NOT');
    return left;
  }

  private additive(): Expr {
    return this.chain(() => this.multiplicative(), ['+', '-', '||']);
  }

  private multiplicative(): Expr {
    return this.chain(() => this.unary(), ['*', '/', '%']);
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      this.next();
      const arg = this.nested(() => this.unary());
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
        e = { kind: 'cast', pos: t.pos, arg: e, type: parseType(this), safe: false };
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
    if (u === 'EXISTS' && this.isOp('(', 1)) {
      this.next();
      this.expectOp('(');
      const query = this.query();
      this.expectOp(')');
      return { kind: 'exists', pos: t.pos, query };
    }
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
      const type = parseType(this);
      this.expectOp(')');
      return { kind: 'cast', pos: t.pos, arg, type, safe: u === 'TRY_CAST' };
    }
    if (u === 'INTERVAL') return parseInterval(this);
    if ((u === 'TIMESTAMP' || u === 'DATE' || u === 'TIME') && this.peek(1).kind === 'string') {
      this.next();
      const s = this.next();
      return { kind: 'call', pos: t.pos, name: u === 'TIMESTAMP' ? 'TO_TIMESTAMP' : u === 'DATE' ? 'TO_DATE' : 'TO_TIME', args: [{ kind: 'literal', pos: s.pos, value: s.text }] };
    }
    if (u === 'ARRAY' && this.isOp('[', 1)) {
      this.next();
      this.next();
      return { kind: 'array', pos: t.pos, items: this.exprsUntil(']') };
    }
    if (u === 'MAP' && this.isOp('[', 1)) {
      this.next();
      this.next();
      return { kind: 'map', pos: t.pos, items: this.exprsUntil(']') };
    }
    if (u === 'ROW' && this.isOp('(', 1)) {
      this.next();
      this.next();
      return { kind: 'row', pos: t.pos, items: this.exprsUntil(')') };
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
      const name = this.qualifiedName();
      // A table argument with set semantics (SESSION): TABLE t PARTITION BY k, or PARTITION BY (k1, k2).
      if (!this.acceptKw('PARTITION', 'BY')) return { kind: 'tableArg', pos: t.pos, name };
      const partitionBy: Expr[] = [];
      if (this.acceptOp('(')) {
        do partitionBy.push(this.expr());
        while (this.acceptOp(','));
        this.expectOp(')');
      } else partitionBy.push(this.expr());
      return { kind: 'tableArg', pos: t.pos, name, partitionBy };
    }
    if (this.isOp('(', 1)) return this.functionCall();
    // SQL's niladic time functions are written without parentheses (CURRENT_TIMESTAMP, not CURRENT_TIMESTAMP()).
    if (NILADIC_TIME.has(u)) {
      this.next();
      return { kind: 'call', pos: t.pos, name: u, args: [] };
    }
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

  /** `OVER (...)`, or `OVER w` naming a window of the SELECT's WINDOW clause. */
  private overSpec(): OverSpec {
    const t = this.peek();
    if (!this.isOp('(')) {
      const name = this.identifier('a window name or ( after OVER');
      return { partitionBy: [], orderBy: [], ref: { name, pos: t.pos } };
    }
    return this.windowSpec();
  }

  /** `(PARTITION BY ... ORDER BY ... ROWS|RANGE ...)` of OVER and of `WINDOW w AS (...)`. */
  protected windowSpec(): OverSpec {
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

  /** Comma-separated expressions up to `close` (none when it follows at once); consumes `close`. */
  private exprsUntil(close: string): Expr[] {
    const items: Expr[] = [];
    if (!this.isOp(close)) {
      do items.push(this.expr());
      while (this.acceptOp(','));
    }
    this.expectOp(close);
    return items;
  }

  /** `e [ASC|DESC] [NULLS FIRST|LAST], ...` of ORDER BY and OVER (ORDER BY ...). */
  protected orderItems(): OrderItem[] {
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
}
