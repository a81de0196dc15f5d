import { SqlError, type SourcePosition } from '../core/errors.js';
import type { CreateTable, Expr, FromItem, InsertStatement, OrderItem, OverSpec, Query, QueryBody, Select, SelectItem, Statement, TableColumnDef, TableOption } from './ast.js';
import { parseType } from './parse-types.js';
import { tokenize } from './lexer.js';
import { ExprParser } from './parse-expr.js';
import { RESERVED } from './token-cursor.js';
import { sameExpr } from './grouping-sets.js';
import { parseMatchRecognize } from './parse-match.js';

/**
 * A recursive-descent parser for the Flink SQL that Dagger jobs use. It was written instead of relying on
 * node-sql-parser's flinksql dialect because that grammar (5.4) rejects nested field paths `a.b.c`,
 * TIMESTAMPDIFF, LATERAL TABLE(...) AS t(c) and more, and keeps no node positions, so errors could not
 * name a line and column. Every node here carries the position of its first token.
 *
 * This file holds statements, queries and FROM; `parse-expr.ts` the expressions, `parse-types.ts` type
 * names and intervals, `token-cursor.ts` the token steps they share.
 */

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

/** Statements, queries, SELECT and FROM. */
class Parser extends ExprParser {
  statement(): Statement {
    const start = this.peek();
    if (this.acceptKw('EXECUTE')) {
      this.expectKw('STATEMENT');
      this.expectKw('SET');
      return this.statementSet(start.pos);
    }
    if (this.isKw('BEGIN') && this.isKw('STATEMENT', 1)) {
      this.next();
      this.next();
      this.expectKw('SET');
      return this.statementSet(start.pos);
    }
    if (this.acceptKw('SET')) {
      const t = this.peek();
      const key = this.stringLiteral('a quoted option key');
      this.expectOp('=');
      return { kind: 'set', pos: start.pos, option: { key, value: this.stringLiteral('a quoted option value'), pos: t.pos } };
    }
    if (this.acceptKw('CREATE')) {
      this.acceptKw('TEMPORARY');
      this.acceptKw('SYSTEM');
      if (this.acceptKw('TABLE')) return this.createTable(start.pos);
      if (this.acceptKw('FUNCTION')) {
        this.acceptKw('IF', 'NOT', 'EXISTS');
        const name = this.qualifiedName();
        this.expectKw('AS');
        const t = this.peek();
        const className = this.stringLiteral("the function's name in the UDF folders, quoted");
        if (this.acceptKw('LANGUAGE')) {
          const lang = this.next();
          if (!['JAVA', 'SCALA', 'PYTHON', 'JAVASCRIPT', 'TYPESCRIPT'].includes(lang.upper)) this.fail(`unknown function language ${lang.text}`, lang);
        }
        return { kind: 'createFunction', pos: start.pos, name, className, classPos: t.pos };
      }
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

  query(): Query {
    return this.nested(() => this.guardedQuery());
  }

  private stringLiteral(what: string): string {
    const t = this.next();
    if (t.kind !== 'string') this.fail(`expected ${what}`, t);
    return t.text;
  }

  /** `BEGIN INSERT ...; INSERT ...; END` after EXECUTE STATEMENT SET. */
  private statementSet(pos: SourcePosition): Statement {
    this.expectKw('BEGIN');
    const inserts: InsertStatement[] = [];
    for (;;) {
      if (this.acceptOp(';')) continue;
      if (this.acceptKw('END')) break;
      const t = this.peek();
      if (!this.acceptKw('INSERT')) this.fail('expected INSERT INTO ... or END in a statement set', t);
      this.expectKw('INTO');
      const target = this.qualifiedName();
      inserts.push({ kind: 'insert', pos: t.pos, target, query: this.query() });
    }
    if (inserts.length === 0) throw new SqlError('a statement set needs at least one INSERT INTO', pos);
    return { kind: 'statementSet', pos, inserts };
  }

  /** CREATE TABLE name (columns, computed columns, WATERMARK, PRIMARY KEY) WITH ('key' = 'value', ...). */
  private createTable(pos: SourcePosition): Statement {
    this.acceptKw('IF', 'NOT', 'EXISTS');
    const namePos = this.peek().pos;
    const name = this.qualifiedName();
    this.expectOp('(');
    const columns: TableColumnDef[] = [];
    let watermark: CreateTable['watermark'];
    let primaryKey: string[] | undefined;
    do {
      const t = this.peek();
      if (this.acceptKw('WATERMARK')) {
        this.expectKw('FOR');
        const column = this.identifier('the watermark column');
        this.expectKw('AS');
        watermark = { column, expr: this.expr(), pos: t.pos };
        continue;
      }
      if (this.acceptKw('CONSTRAINT')) this.identifier('a constraint name');
      if (this.acceptKw('PRIMARY')) {
        this.expectKw('KEY');
        this.expectOp('(');
        primaryKey = [];
        do primaryKey.push(this.identifier('a key column'));
        while (this.acceptOp(','));
        this.expectOp(')');
        if (!this.acceptKw('NOT', 'ENFORCED')) this.fail('Flink needs PRIMARY KEY (...) NOT ENFORCED');
        continue;
      }
      const colName = this.identifier('a column name');
      if (this.acceptKw('AS')) {
        columns.push({ name: colName, pos: t.pos, computed: this.expr() });
        continue;
      }
      const type = parseType(this);
      if (this.isKw('METADATA')) this.fail('METADATA columns are not supported yet');
      this.acceptKw('NOT', 'NULL') || this.acceptKw('NULL');
      if (this.acceptKw('COMMENT')) this.stringLiteral('a comment');
      columns.push({ name: colName, pos: t.pos, type });
    } while (this.acceptOp(','));
    this.expectOp(')');
    if (this.acceptKw('COMMENT')) this.stringLiteral('a comment');
    if (this.isKw('PARTITIONED')) this.fail('PARTITIONED BY is not supported yet');
    const options: TableOption[] = [];
    this.expectKw('WITH');
    this.expectOp('(');
    do {
      const t = this.peek();
      const key = this.stringLiteral("a quoted option key ('connector')");
      this.expectOp('=');
      options.push({ key, value: this.stringLiteral('a quoted option value'), pos: t.pos });
    } while (this.acceptOp(','));
    this.expectOp(')');
    return { kind: 'createTable', pos, name, namePos, columns, ...(watermark ? { watermark } : {}), ...(primaryKey ? { primaryKey } : {}), options };
  }

  private guardedQuery(): Query {
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

  /** UNION and EXCEPT (MINUS), left to right; INTERSECT binds tighter, as in standard SQL and Flink. */
  private queryBody(): QueryBody {
    let left = this.intersectTerm();
    for (;;) {
      const t = this.peek();
      if (this.acceptKw('UNION')) {
        const all = this.acceptKw('ALL');
        if (!all) this.acceptKw('DISTINCT');
        const right = this.intersectTerm();
        left = { kind: 'union', pos: t.pos, all, left, right };
        continue;
      }
      if (this.acceptKw('EXCEPT') || this.acceptKw('MINUS')) {
        const all = this.acceptKw('ALL');
        if (!all) this.acceptKw('DISTINCT');
        const right = this.intersectTerm();
        left = { kind: 'setOp', op: 'EXCEPT', pos: t.pos, all, left, right };
        continue;
      }
      return left;
    }
  }

  private intersectTerm(): QueryBody {
    let left = this.queryTerm();
    for (;;) {
      const t = this.peek();
      if (!this.acceptKw('INTERSECT')) return left;
      const all = this.acceptKw('ALL');
      if (!all) this.acceptKw('DISTINCT');
      left = { kind: 'setOp', op: 'INTERSECT', pos: t.pos, all, left, right: this.queryTerm() };
    }
  }

  private lastGroupingWasSets = false;

  /** One GROUP BY element as its grouping sets: `k`, `ROLLUP(a, b)`, `CUBE(a, b)` or `GROUPING SETS (...)`. */
  private groupingElement(): Expr[][] {
    const g = this.peek();
    this.lastGroupingWasSets = false;
    if (g.kind === 'ident' && (g.upper === 'ROLLUP' || g.upper === 'CUBE') && this.isOp('(', 1)) {
      this.next();
      this.next();
      const keys: Expr[] = [];
      do keys.push(this.expr());
      while (this.acceptOp(','));
      this.expectOp(')');
      this.lastGroupingWasSets = true;
      if (g.upper === 'ROLLUP') return keys.map((_, i) => keys.slice(0, keys.length - i)).concat([[]]);
      if (keys.length > 12) throw new SqlError('CUBE of more than 12 keys is not supported (it would make over 4096 grouping sets)', g.pos);
      const out: Expr[][] = [];
      for (let mask = (1 << keys.length) - 1; mask >= 0; mask--) out.push(keys.filter((_, i) => mask & (1 << (keys.length - 1 - i))));
      return out;
    }
    if (g.kind === 'ident' && g.upper === 'GROUPING' && this.isKw('SETS', 1)) {
      this.next();
      this.next();
      this.expectOp('(');
      const sets: Expr[][] = [];
      do {
        if (this.isOp('(')) {
          this.next();
          const set: Expr[] = [];
          if (!this.isOp(')')) {
            do set.push(this.expr());
            while (this.acceptOp(','));
          }
          this.expectOp(')');
          sets.push(set);
        } else sets.push([this.expr()]);
      } while (this.acceptOp(','));
      this.expectOp(')');
      this.lastGroupingWasSets = true;
      return sets;
    }
    return [[this.expr()]];
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
    let groupingSets: Expr[][] | undefined;
    if (this.acceptKw('GROUP', 'BY')) {
      // Each element is a list of grouping sets (a plain key: one set of one key); the sets of the whole
      // GROUP BY are their cross product, as in standard SQL.
      let sets: Expr[][] = [[]];
      let multi = false;
      do {
        const element = this.groupingElement();
        if (element.length !== 1 || element[0]!.length !== 1 || this.lastGroupingWasSets) multi = true;
        sets = sets.flatMap((s) => element.map((e) => [...s, ...e]));
      } while (this.acceptOp(','));
      for (const s of sets) for (const e of s) if (!groupBy.some((g) => sameExpr(g, e))) groupBy.push(e);
      if (multi) groupingSets = sets.map((s) => s.filter((e, i) => s.findIndex((x) => sameExpr(x, e)) === i));
    }
    let having: Expr | undefined;
    if (this.acceptKw('HAVING')) having = this.expr();
    const windows: { name: string; pos: SourcePosition; spec: OverSpec }[] = [];
    if (this.acceptKw('WINDOW')) {
      do {
        const t = this.peek();
        const name = this.identifier('a window name');
        if (windows.some((w) => w.name.toLowerCase() === name.toLowerCase())) throw new SqlError(`window '${name}' is defined twice`, t.pos);
        this.expectKw('AS');
        windows.push({ name, pos: t.pos, spec: this.windowSpec() });
      } while (this.acceptOp(','));
    }
    return {
      kind: 'select',
      pos: start.pos,
      distinct,
      items,
      groupBy,
      ...(groupingSets ? { groupingSets } : {}),
      ...(from ? { from } : {}),
      ...(where ? { where } : {}),
      ...(having ? { having } : {}),
      ...(windows.length ? { windows } : {}),
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
    if (this.isKw('FOR') && this.isKw('SYSTEM_TIME', 1)) {
      throw new SqlError('FOR SYSTEM_TIME AS OF follows a table name (a versioned or lookup table), not a sub-query or table function', this.peek().pos);
    }
    // Without this, MATCH_RECOGNIZE would be read as an alias and fail later on its own syntax.
    if (this.isKw('MATCH_RECOGNIZE')) {
      throw new SqlError('MATCH_RECOGNIZE follows a table name or a sub-query directly; write its alias after its closing parenthesis', this.peek().pos);
    }
    let alias: string | undefined;
    if (this.acceptKw('AS')) alias = this.identifier('an alias');
    else if (this.isIdentStart() && !this.isJoinKeyword()) alias = this.identifier();
    if (this.isKw('MATCH_RECOGNIZE')) {
      throw new SqlError('MATCH_RECOGNIZE follows a table name or a sub-query directly; write its alias after its closing parenthesis', this.peek().pos);
    }
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

  private matchRecognize(input: FromItem): FromItem {
    return parseMatchRecognize({ cursor: this, expr: () => this.expr(), orderItems: () => this.orderItems() }, input);
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
        if (this.isKw('MATCH_RECOGNIZE')) return this.matchRecognize({ kind: 'subquery', pos: t.pos, query: q });
        const { alias } = this.tableAlias();
        return { kind: 'subquery', pos: t.pos, query: q, ...(alias !== undefined ? { alias } : {}) };
      }
      const inner = this.fromClause();
      this.expectOp(')');
      return inner;
    }
    const name = this.qualifiedName();
    let asOf: Expr | undefined;
    if (this.isKw('FOR') && this.isKw('SYSTEM_TIME', 1)) {
      this.next();
      this.next();
      this.expectKw('AS');
      this.expectKw('OF');
      asOf = this.expr();
    }
    if (!asOf && this.isKw('MATCH_RECOGNIZE')) return this.matchRecognize({ kind: 'table', pos: t.pos, name });
    const { alias } = this.tableAlias();
    return { kind: 'table', pos: t.pos, name, ...(alias !== undefined ? { alias } : {}), ...(asOf ? { asOf } : {}) };
  }
}
