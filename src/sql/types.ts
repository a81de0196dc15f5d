import { isProctimeType, T, type SqlType } from '../core/types.js';
import { SqlError, type SourcePosition } from '../core/errors.js';
import type { TypeSpec } from './ast.js';

/** Type rules of the SQL layer: numeric widening, comparability and CAST targets. */

const NUMERIC_RANK: Record<string, number> = { INT: 1, BIGINT: 2, DECIMAL: 3, FLOAT: 4, DOUBLE: 5 };

export function isNumeric(t: SqlType): boolean {
  return t.kind in NUMERIC_RANK;
}

export function isStringy(t: SqlType): boolean {
  return t.kind === 'STRING';
}

export function isTime(t: SqlType): boolean {
  return t.kind === 'TIMESTAMP';
}

export function isRowtime(t: SqlType): boolean {
  return t.kind === 'TIMESTAMP' && t.rowtime === true;
}

export function isProctime(t: SqlType): boolean {
  return isProctimeType(t);
}

/** A TIMESTAMP that is no longer a time attribute, event or processing time (after arithmetic, in a plain column). */
export function plainType(t: SqlType): SqlType {
  return t.kind === 'TIMESTAMP' && (t.rowtime || t.proctime) ? T.TIMESTAMP : t;
}

/** The common type of two numeric types, as Flink widens them. */
export function widenNumeric(a: SqlType, b: SqlType): SqlType {
  if (a.kind === 'NULL') return b;
  if (b.kind === 'NULL') return a;
  const ra = NUMERIC_RANK[a.kind] ?? 0;
  const rb = NUMERIC_RANK[b.kind] ?? 0;
  if (a.kind === 'DECIMAL' && b.kind === 'DECIMAL') {
    return { kind: 'DECIMAL', precision: Math.max(a.precision, b.precision), scale: Math.max(a.scale, b.scale) };
  }
  return ra >= rb ? a : b;
}

/** The common type of several branches (CASE, COALESCE, UNION), or undefined when they do not unify. */
export function commonType(types: readonly SqlType[]): SqlType | undefined {
  let out: SqlType = T.NULL;
  for (const t of types) {
    if (t.kind === 'NULL') continue;
    if (out.kind === 'NULL') {
      out = plainType(t);
      continue;
    }
    if (isNumeric(out) && isNumeric(t)) {
      out = widenNumeric(out, t);
      continue;
    }
    if (out.kind === 'ANY' || t.kind === 'ANY') {
      out = T.ANY;
      continue;
    }
    if (out.kind !== t.kind) {
      if (isStringy(out) || isStringy(t)) {
        out = T.STRING;
        continue;
      }
      return undefined;
    }
  }
  return out;
}

export function comparable(a: SqlType, b: SqlType): boolean {
  if (a.kind === 'NULL' || b.kind === 'NULL' || a.kind === 'ANY' || b.kind === 'ANY') return true;
  if (isNumeric(a) && isNumeric(b)) return true;
  if (isTime(a) && isTime(b)) return true;
  // Flink casts string literals to the other side implicitly (e.g. ts > '2024-01-01 00:00:00').
  if (isStringy(a) || isStringy(b)) return true;
  return a.kind === b.kind;
}

export function typeFromSpec(spec: TypeSpec, pos: SourcePosition): SqlType {
  switch (spec.name) {
    case 'BOOLEAN':
    case 'BOOL':
      return T.BOOLEAN;
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
      return T.INT;
    case 'BIGINT':
      return T.BIGINT;
    case 'FLOAT':
      return T.FLOAT;
    case 'DOUBLE':
      return T.DOUBLE;
    case 'DECIMAL':
      return T.decimal(spec.params[0] ?? 10, spec.params[1] ?? 0);
    case 'STRING':
      return T.STRING;
    case 'BYTES':
      return T.BYTES;
    case 'TIMESTAMP':
    case 'DATE':
    case 'TIME':
      return { kind: 'TIMESTAMP', precision: spec.params[0] ?? 3 };
    case 'ARRAY':
      return T.array(spec.element ? typeFromSpec(spec.element, pos) : T.ANY);
    case 'MAP':
      return T.map(spec.key ? typeFromSpec(spec.key, pos) : T.ANY, spec.value ? typeFromSpec(spec.value, pos) : T.ANY);
    case 'ROW':
      return T.row((spec.fields ?? []).map((f) => ({ name: f.name, type: typeFromSpec(f.type, pos) })));
    default:
      throw new SqlError(`unknown type ${spec.name}`, pos);
  }
}
