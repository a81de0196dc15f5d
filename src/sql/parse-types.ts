import type { Expr, TypeSpec } from './ast.js';
import type { TokenCursor } from './token-cursor.js';

/** The leaf grammars of the parser that need no expressions: type names and INTERVAL literals. */

const UNIT_MS: Record<string, number> = {
  MILLISECOND: 1,
  SECOND: 1000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
  WEEK: 7 * 86_400_000,
};

/** A type name with its parameters: `DECIMAL(10, 2)`, `ARRAY<STRING>`, `ROW<a INT, b STRING>`, ... */
export function parseType(c: TokenCursor): TypeSpec {
  const t = c.next();
  if (t.kind !== 'ident') c.fail('expected a type name', t);
  let name = t.upper;
  if (name === 'CHARACTER' || name === 'CHAR') name = 'STRING';
  if (name === 'DOUBLE') c.acceptKw('PRECISION');
  if (name === 'VARCHAR' || name === 'STRING') name = 'STRING';
  if (name === 'INTEGER') name = 'INT';
  if (name === 'NUMERIC' || name === 'DEC') name = 'DECIMAL';
  if (name === 'VARBINARY' || name === 'BINARY') name = 'BYTES';
  if (name === 'REAL') name = 'FLOAT';
  if (name === 'ARRAY' && c.acceptOp('<')) {
    const element = parseType(c);
    c.expectOp('>');
    return { name, params: [], element };
  }
  if (name === 'MAP' && c.acceptOp('<')) {
    const key = parseType(c);
    c.expectOp(',');
    const value = parseType(c);
    c.expectOp('>');
    return { name, params: [], key, value };
  }
  if (name === 'ROW' && (c.isOp('<') || c.isOp('('))) {
    const close = c.next().text === '<' ? '>' : ')';
    const fields: { name: string; type: TypeSpec }[] = [];
    do {
      const fname = c.identifier('a field name');
      fields.push({ name: fname, type: parseType(c) });
    } while (c.acceptOp(','));
    c.expectOp(close);
    return { name, params: [], fields };
  }
  const params: number[] = [];
  if (c.acceptOp('(')) {
    do {
      const n = c.next();
      if (n.kind !== 'number') c.fail('expected a number', n);
      params.push(Number(n.text));
    } while (c.acceptOp(','));
    c.expectOp(')');
  }
  if (name === 'TIMESTAMP' || name === 'TIMESTAMP_LTZ') {
    if (c.acceptKw('WITH', 'LOCAL', 'TIME', 'ZONE') || c.acceptKw('WITHOUT', 'TIME', 'ZONE')) {
      /* both are epoch-ms instants here, all in UTC */
    }
    name = 'TIMESTAMP';
  }
  return { name, params };
}

/** `INTERVAL '5' MINUTE`, `INTERVAL '1 02:00' DAY TO MINUTE`, `INTERVAL '2' MONTH`: a fixed length in ms. */
export function parseInterval(c: TokenCursor): Expr {
  const t = c.expectKw('INTERVAL');
  const v = c.next();
  let text: string;
  if (v.kind === 'string' || v.kind === 'number') text = v.text;
  else if (v.kind === 'op' && v.text === '-' && c.peek().kind !== 'eof') text = `-${c.next().text}`;
  else return c.fail('expected a quantity after INTERVAL', v);
  const u = c.next();
  if (u.kind !== 'ident') c.fail('expected a time unit (SECOND, MINUTE, HOUR, DAY...) after the INTERVAL quantity', u);
  let unit = u.upper.replace(/S$/, '');
  if (unit === 'SECOND' || unit === 'MINUTE' || unit === 'HOUR' || unit === 'DAY') {
    if (c.isOp('(')) {
      c.next();
      while (!c.isOp(')') && !c.atEof()) c.next();
      c.expectOp(')');
    }
  }
  let toUnit: string | undefined;
  if (c.acceptKw('TO')) toUnit = c.next().upper.replace(/S$/, '');
  if (unit === 'MONTH' || unit === 'YEAR' || unit === 'QUARTER') {
    const n = Number(text);
    if (!Number.isFinite(n)) c.fail(`invalid INTERVAL quantity '${text}'`, v);
    const months = unit === 'YEAR' ? n * 12 : unit === 'QUARTER' ? n * 3 : n;
    return { kind: 'interval', pos: t.pos, ms: months * 30 * 86_400_000, months, text: `INTERVAL '${text}' ${unit}` };
  }
  if (toUnit) {
    const ms = parseCompoundInterval(text, unit, toUnit);
    if (ms === undefined) c.fail(`invalid INTERVAL '${text}' ${unit} TO ${toUnit}`, v);
    return { kind: 'interval', pos: t.pos, ms, text: `INTERVAL '${text}' ${unit} TO ${toUnit}` };
  }
  const mult = UNIT_MS[unit];
  if (mult === undefined) c.fail(`unknown INTERVAL unit`, u);
  const n = Number(text);
  if (!Number.isFinite(n)) c.fail(`invalid INTERVAL quantity '${text}'`, v);
  return { kind: 'interval', pos: t.pos, ms: n * mult, text: `INTERVAL '${text}' ${unit}` };
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
