import { SqlError, type SourcePosition } from '../core/errors.js';
import type { Expr, FromItem, MatchRecognize, OrderItem, PatternElement } from './ast.js';
import { parseInterval } from './parse-types.js';
import type { TokenCursor } from './token-cursor.js';

/**
 * `input MATCH_RECOGNIZE ( ... )`: the clauses Flink's row pattern recognition accepts, in their order. What
 * Flink refuses (ALL ROWS PER MATCH, alternation, groups, PERMUTE, exclusion, anchors, SUBSET, A??) is refused
 * here with the same reason, at its line and column, rather than read and ignored.
 */
export interface MatchParserHost {
  readonly cursor: TokenCursor;
  expr(): Expr;
  orderItems(): OrderItem[];
}

export function parseMatchRecognize(h: MatchParserHost, input: FromItem): MatchRecognize {
  const c = h.cursor;
  const start = c.expectKw('MATCH_RECOGNIZE');
  c.expectOp('(');
  const partitionBy: Expr[] = [];
  if (c.acceptKw('PARTITION', 'BY')) {
    do partitionBy.push(h.expr());
    while (c.acceptOp(','));
  }
  const orderPos = c.peek().pos;
  let orderBy: OrderItem[] = [];
  if (c.acceptKw('ORDER', 'BY')) orderBy = h.orderItems();
  const measures: { expr: Expr; alias: string; pos: SourcePosition }[] = [];
  if (c.acceptKw('MEASURES')) {
    do {
      const t = c.peek();
      const expr = h.expr();
      if (!c.acceptKw('AS')) c.fail('expected AS and a name after a MEASURES expression');
      measures.push({ expr, alias: c.identifier('a measure name'), pos: t.pos });
    } while (c.acceptOp(','));
  }
  const rows = c.peek();
  if (c.acceptKw('ALL', 'ROWS', 'PER', 'MATCH')) throw new SqlError('All rows per match mode is not supported yet. (Flink supports ONE ROW PER MATCH only)', rows.pos);
  c.acceptKw('ONE', 'ROW', 'PER', 'MATCH');
  const after = afterMatch(c);
  const patternTok = c.expectKw('PATTERN');
  const pattern = patternElements(c);
  let within: MatchRecognize['within'];
  if (c.isKw('WITHIN')) {
    const w = c.next();
    const iv = parseInterval(c);
    if (iv.kind !== 'interval') throw new SqlError('expected an INTERVAL after WITHIN', w.pos);
    if (iv.months !== undefined) throw new SqlError('WITHIN takes a day-time interval of millisecond resolution; a YEAR/MONTH interval is not supported (as in Flink)', w.pos);
    if (!(iv.ms > 0)) throw new SqlError('WITHIN needs a positive interval', w.pos);
    within = { ms: iv.ms, pos: w.pos };
  }
  if (c.isKw('SUBSET')) throw new SqlError('SUBSET is not supported in MATCH_RECOGNIZE (as in Flink)', c.peek().pos);
  c.expectKw('DEFINE');
  const defines: { variable: string; expr: Expr; pos: SourcePosition }[] = [];
  do {
    const t = c.peek();
    const variable = variableName(c);
    c.expectKw('AS');
    defines.push({ variable, expr: h.expr(), pos: t.pos });
  } while (c.acceptOp(','));
  c.expectOp(')', 'end of MATCH_RECOGNIZE');
  let alias: string | undefined;
  if (c.acceptKw('AS')) alias = c.identifier('an alias');
  else if (c.isIdentStart() && !isClauseWord(c)) alias = c.identifier();
  return {
    kind: 'match',
    pos: start.pos,
    input,
    partitionBy,
    orderBy,
    orderPos,
    measures,
    after,
    pattern,
    patternPos: patternTok.pos,
    ...(within ? { within } : {}),
    defines,
    ...(alias !== undefined ? { alias } : {}),
  };
}

function isClauseWord(c: TokenCursor): boolean {
  return ['JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'ON', 'WHERE', 'GROUP', 'UNION', 'ORDER', 'LIMIT', 'HAVING', 'WINDOW'].some((w) => c.isKw(w));
}

function variableName(c: TokenCursor): string {
  const t = c.peek();
  if (t.kind === 'quoted' || t.kind === 'ident') return c.next().text;
  return c.fail('expected a pattern variable');
}

/** AFTER MATCH SKIP ...; Flink's default is SKIP TO NEXT ROW. */
function afterMatch(c: TokenCursor): MatchRecognize['after'] {
  const t = c.peek();
  if (!c.acceptKw('AFTER', 'MATCH', 'SKIP')) return { mode: 'TO_NEXT_ROW', pos: t.pos };
  if (c.acceptKw('PAST', 'LAST', 'ROW')) return { mode: 'PAST_LAST_ROW', pos: t.pos };
  if (c.acceptKw('TO', 'NEXT', 'ROW')) return { mode: 'TO_NEXT_ROW', pos: t.pos };
  if (c.acceptKw('TO', 'FIRST')) return { mode: 'TO_FIRST', variable: variableName(c), pos: t.pos };
  if (c.acceptKw('TO', 'LAST')) return { mode: 'TO_LAST', variable: variableName(c), pos: t.pos };
  // SKIP TO v is SKIP TO LAST v in the SQL standard.
  if (c.acceptKw('TO')) return { mode: 'TO_LAST', variable: variableName(c), pos: t.pos };
  return c.fail('expected PAST LAST ROW, TO NEXT ROW, TO FIRST <variable> or TO LAST <variable> after AFTER MATCH SKIP');
}

/** `( A B+ C*? D{2,3} )`: a sequence of variables with quantifiers, the only shape Flink's CEP translation takes. */
function patternElements(c: TokenCursor): PatternElement[] {
  c.expectOp('(');
  const out: PatternElement[] = [];
  while (!c.isOp(')')) {
    const t = c.peek();
    if (t.kind === 'eof') c.fail("expected ')' closing PATTERN");
    if (c.isOp('(') && groupHasAlternation(c)) throw new SqlError("Currently, CEP doesn't support branching patterns. (alternation with | in PATTERN)", t.pos);
    if (c.isOp('(')) throw new SqlError('pattern groups are not supported: a quantifier cannot apply to a sub-pattern, e.g. (A (B C)+) (as in Flink)', t.pos);
    if (c.isOp('|')) throw new SqlError("Currently, CEP doesn't support branching patterns. (alternation with | in PATTERN)", t.pos);
    if (c.isOp('{') && c.isOp('-', 1)) throw new SqlError("Currently, CEP doesn't support '{-' '-}' patterns. (exclusion)", t.pos);
    if (c.isOp('^') || (t.kind === 'ident' && t.text === '$')) throw new SqlError('pattern anchors (^ and $) are not supported on streams (as in Flink)', t.pos);
    if (c.isKw('PERMUTE') && c.isOp('(', 1)) throw new SqlError("Currently, CEP doesn't support PERMUTE patterns.", t.pos);
    if (t.kind !== 'ident' && t.kind !== 'quoted') c.fail('expected a pattern variable');
    const variable = c.next().text;
    out.push({ variable, pos: t.pos, ...quantifier(c) });
  }
  c.next();
  if (out.length === 0) throw new SqlError('PATTERN needs at least one variable', c.peek().pos);
  return out;
}

/** Is there a | inside the parenthesised group starting at the cursor? */
function groupHasAlternation(c: TokenCursor): boolean {
  let depth = 0;
  for (let k = 0; ; k++) {
    const t = c.peek(k);
    if (t.kind === 'eof') return false;
    if (c.isOp('(', k)) depth++;
    else if (c.isOp(')', k) && --depth === 0) return false;
    else if (c.isOp('|', k)) return true;
  }
}

function quantifier(c: TokenCursor): { min: number; max: number | null; reluctant: boolean; looping: boolean } {
  const t = c.peek();
  let q: { min: number; max: number | null; looping: boolean; optional?: boolean };
  if (c.acceptOp('*')) q = { min: 0, max: null, looping: true };
  else if (c.acceptOp('+')) q = { min: 1, max: null, looping: true };
  else if (c.acceptOp('?')) q = { min: 0, max: 1, looping: false, optional: true };
  else if (c.isOp('{') && !c.isOp('-', 1)) q = (c.next(), braces(c, t.pos));
  else return { min: 1, max: 1, reluctant: false, looping: false };
  const r = c.peek();
  const reluctant = c.acceptOp('?');
  if (reluctant && q.optional) throw new SqlError('the reluctant optional quantifier (??) is not supported; only the greedy optional quantifier (?) is (as in Flink)', r.pos);
  return { min: q.min, max: q.max, reluctant, looping: q.looping };
}

/** `{n}`, `{n,}`, `{n,m}`, `{,m}` after the `{`. */
function braces(c: TokenCursor, pos: SourcePosition): { min: number; max: number | null; looping: boolean } {
  const num = (): number | undefined => {
    const t = c.peek();
    if (t.kind !== 'number') return undefined;
    c.next();
    if (!/^[0-9]+$/.test(t.text)) throw new SqlError(`a quantifier bound must be a whole number, found ${t.text}`, t.pos);
    return Number(t.text);
  };
  const n = num();
  if (c.acceptOp('}')) {
    if (n === undefined) c.fail('expected a number in {n}');
    if (n === 0) throw new SqlError('{n} needs n > 0', pos);
    return { min: n, max: n, looping: false };
  }
  c.expectOp(',', 'in a {n,m} quantifier');
  const m = num();
  c.expectOp('}', 'closing the quantifier');
  if (n === undefined && m === undefined) throw new SqlError('a {n,m} quantifier needs n or m', pos);
  if (m !== undefined && m === 0) throw new SqlError('{n,m} needs m > 0', pos);
  if (m !== undefined && (n ?? 0) > m) throw new SqlError(`{n,m} needs n <= m, found {${n},${m}}`, pos);
  return { min: n ?? 0, max: m ?? null, looping: m !== n };
}
