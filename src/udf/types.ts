import { userError } from '../core/errors.js';
import { isNumericType, typeToString, type Field, type SqlType } from '../core/types.js';

/**
 * Type names in UDF signatures ('ARRAY<STRING>', 'MAP<STRING, DOUBLE>', 'ROW<a INT, b STRING>', 'DECIMAL(10,2)')
 * are parsed once, at registration. A parameter may also use two patterns that are not value types:
 * 'ANY' (accepts every type, the function checks at run time) and 'NUMERIC' (any numeric type, passed as is).
 */
export type ParamType =
  | Exclude<SqlType, { kind: 'ARRAY' } | { kind: 'MAP' } | { kind: 'ROW' }>
  | { readonly kind: 'NUMERIC' }
  | { readonly kind: 'ARRAY'; readonly element: ParamType }
  | { readonly kind: 'MAP'; readonly key: ParamType; readonly value: ParamType }
  /** A ROW pattern without fields ('ROW') accepts every row type. */
  | { readonly kind: 'ROW'; readonly fields: readonly ParamField[] };

export interface ParamField {
  readonly name: string;
  readonly type: ParamType;
}

const SIMPLE: Readonly<Record<string, ParamType>> = {
  BOOLEAN: { kind: 'BOOLEAN' },
  BOOL: { kind: 'BOOLEAN' },
  TINYINT: { kind: 'INT' },
  SMALLINT: { kind: 'INT' },
  INT: { kind: 'INT' },
  INTEGER: { kind: 'INT' },
  BIGINT: { kind: 'BIGINT' },
  LONG: { kind: 'BIGINT' },
  FLOAT: { kind: 'FLOAT' },
  REAL: { kind: 'FLOAT' },
  DOUBLE: { kind: 'DOUBLE' },
  STRING: { kind: 'STRING' },
  VARCHAR: { kind: 'STRING' },
  CHAR: { kind: 'STRING' },
  BYTES: { kind: 'BYTES' },
  BINARY: { kind: 'BYTES' },
  VARBINARY: { kind: 'BYTES' },
  NULL: { kind: 'NULL' },
  ANY: { kind: 'ANY' },
  NUMERIC: { kind: 'NUMERIC' },
};

/** Parse a type name that may contain the ANY / NUMERIC patterns (for parameters). */
export function parseParamType(text: string): ParamType {
  const p = new TypeParser(text);
  const t = p.type();
  p.end();
  return t;
}

/**
 * Parse a type name into a concrete value type (for results and table columns). 'NUMERIC' is not a value
 * type and is rejected; 'ANY' is allowed (the result is checked at run time).
 */
export function parseType(text: string): SqlType {
  const t = parseParamType(text);
  if (!isConcrete(t, true)) throw userError(`type "${text}" is a parameter pattern, not a result type (NUMERIC)`);
  return t as SqlType;
}

/** True if the pattern has no NUMERIC (and, unless allowAny, no ANY) anywhere inside. */
export function isConcrete(t: ParamType, allowAny = false): boolean {
  switch (t.kind) {
    case 'NUMERIC':
      return false;
    case 'ANY':
      return allowAny;
    case 'ARRAY':
      return isConcrete(t.element, allowAny);
    case 'MAP':
      return isConcrete(t.key, allowAny) && isConcrete(t.value, allowAny);
    case 'ROW':
      return (allowAny || t.fields.length > 0) && t.fields.every((f) => isConcrete(f.type, allowAny));
    default:
      return true;
  }
}

export function paramTypeToString(t: ParamType): string {
  switch (t.kind) {
    case 'NUMERIC':
      return 'NUMERIC';
    case 'ARRAY':
      return `ARRAY<${paramTypeToString(t.element)}>`;
    case 'MAP':
      return `MAP<${paramTypeToString(t.key)}, ${paramTypeToString(t.value)}>`;
    case 'ROW':
      return t.fields.length === 0 ? 'ROW' : `ROW<${t.fields.map((f) => `${f.name} ${paramTypeToString(f.type)}`).join(', ')}>`;
    default:
      return typeToString(t);
  }
}

// Implicit widening order, as in Flink's numeric precedence.
const NUMERIC_RANK: Readonly<Record<string, number>> = { INT: 1, BIGINT: 2, DECIMAL: 3, FLOAT: 4, DOUBLE: 5 };

/**
 * Can a value of type `arg` be passed where `param` is declared? NULL is accepted everywhere, an argument of
 * type ANY (unknown at plan time) is accepted and checked at run time, and numbers widen
 * INT -> BIGINT -> DECIMAL -> FLOAT -> DOUBLE.
 */
export function accepts(param: ParamType, arg: SqlType): boolean {
  if (arg.kind === 'NULL' || arg.kind === 'ANY' || param.kind === 'ANY') return true;
  switch (param.kind) {
    case 'NUMERIC':
      return isNumericType(arg);
    case 'INT':
    case 'BIGINT':
    case 'DECIMAL':
    case 'FLOAT':
    case 'DOUBLE': {
      const a = NUMERIC_RANK[arg.kind];
      return a !== undefined && a <= NUMERIC_RANK[param.kind]!;
    }
    case 'TIMESTAMP':
      return arg.kind === 'TIMESTAMP';
    case 'ARRAY':
      return arg.kind === 'ARRAY' && accepts(param.element, arg.element);
    case 'MAP':
      return arg.kind === 'MAP' && accepts(param.key, arg.key) && accepts(param.value, arg.value);
    case 'ROW':
      if (arg.kind !== 'ROW') return false;
      if (param.fields.length === 0) return true;
      return (
        param.fields.length === arg.fields.length &&
        param.fields.every((f, i) => accepts(f.type, arg.fields[i]!.type))
      );
    default:
      return param.kind === arg.kind;
  }
}

/** The concrete type a parameter takes for a given argument: patterns take the argument's type. */
export function instantiate(param: ParamType, arg: SqlType): SqlType {
  if (param.kind === 'ANY' || param.kind === 'NUMERIC') return arg.kind === 'NULL' && param.kind === 'NUMERIC' ? { kind: 'DOUBLE' } : arg;
  if (isConcrete(param)) return param as SqlType;
  switch (param.kind) {
    case 'ARRAY':
      return { kind: 'ARRAY', element: instantiate(param.element, arg.kind === 'ARRAY' ? arg.element : { kind: 'ANY' }) };
    case 'MAP':
      return {
        kind: 'MAP',
        key: instantiate(param.key, arg.kind === 'MAP' ? arg.key : { kind: 'ANY' }),
        value: instantiate(param.value, arg.kind === 'MAP' ? arg.value : { kind: 'ANY' }),
      };
    case 'ROW': {
      if (param.fields.length === 0) return arg.kind === 'ROW' ? arg : { kind: 'ROW', fields: [] };
      const fields: Field[] = param.fields.map((f, i) => ({
        name: f.name,
        type: instantiate(f.type, arg.kind === 'ROW' ? (arg.fields[i]?.type ?? { kind: 'ANY' }) : { kind: 'ANY' }),
      }));
      return { kind: 'ROW', fields };
    }
    default:
      return param as SqlType;
  }
}

class TypeParser {
  private pos = 0;
  private readonly tokens: string[];

  constructor(private readonly text: string) {
    this.tokens = text.match(/`[^`]*`|[A-Za-z_][A-Za-z0-9_]*|\d+|\[\]|[<>(),:]|\S/g) ?? [];
  }

  private fail(what: string): never {
    const at = this.tokens[this.pos];
    throw userError(`bad type "${this.text}": expected ${what}, found ${at === undefined ? 'the end' : `"${at}"`}`);
  }

  private peek(): string | undefined {
    return this.tokens[this.pos];
  }

  private eat(tok: string): boolean {
    if (this.peek()?.toUpperCase() === tok) {
      this.pos++;
      return true;
    }
    return false;
  }

  private expect(tok: string): void {
    if (!this.eat(tok)) this.fail(`"${tok}"`);
  }

  private int(): number {
    const t = this.peek();
    if (t === undefined || !/^\d+$/.test(t)) this.fail('a number');
    this.pos++;
    return Number(t);
  }

  end(): void {
    if (this.pos !== this.tokens.length) this.fail('the end of the type');
  }

  type(): ParamType {
    let t = this.base();
    // NOT NULL is accepted and ignored: nullability is not part of matching.
    if (this.eat('NOT')) this.expect('NULL');
    while (this.eat('[]')) t = { kind: 'ARRAY', element: t };
    return t;
  }

  private base(): ParamType {
    const word = this.peek();
    if (word === undefined || !/^[A-Za-z_]/.test(word)) this.fail('a type name');
    this.pos++;
    const upper = word.toUpperCase();
    switch (upper) {
      case 'ARRAY': {
        this.expect('<');
        const element = this.type();
        this.expect('>');
        return { kind: 'ARRAY', element };
      }
      case 'MAP': {
        this.expect('<');
        const key = this.type();
        this.expect(',');
        const value = this.type();
        this.expect('>');
        return { kind: 'MAP', key, value };
      }
      case 'ROW': {
        const close = this.eat('<') ? '>' : this.eat('(') ? ')' : undefined;
        if (close === undefined) return { kind: 'ROW', fields: [] };
        const fields: ParamField[] = [];
        const seen = new Set<string>();
        do {
          const n = this.peek();
          if (n === undefined || !/^[`A-Za-z_]/.test(n)) this.fail('a field name');
          this.pos++;
          const name = n.startsWith('`') ? n.slice(1, -1) : n;
          if (seen.has(name)) throw userError(`bad type "${this.text}": field "${name}" appears twice`);
          seen.add(name);
          this.eat(':');
          fields.push({ name, type: this.type() });
        } while (this.eat(','));
        this.expect(close);
        return { kind: 'ROW', fields };
      }
      case 'DECIMAL':
      case 'DEC': {
        let precision = 10;
        let scale = 0;
        if (this.eat('(')) {
          precision = this.int();
          if (this.eat(',')) scale = this.int();
          this.expect(')');
        }
        if (precision < 1 || precision > 38 || scale > precision) {
          throw userError(`bad type "${this.text}": DECIMAL(${precision}, ${scale}) is out of range`);
        }
        return { kind: 'DECIMAL', precision, scale };
      }
      case 'TIMESTAMP':
      case 'TIMESTAMP_LTZ': {
        let precision = 3;
        if (this.eat('(')) {
          precision = this.int();
          this.expect(')');
        }
        if (this.eat('WITH')) {
          this.eat('LOCAL');
          this.expect('TIME');
          this.expect('ZONE');
        }
        return { kind: 'TIMESTAMP', precision };
      }
      case 'VARCHAR':
      case 'CHAR':
      case 'BINARY':
      case 'VARBINARY':
        if (this.eat('(')) {
          this.int();
          this.expect(')');
        }
        return SIMPLE[upper]!;
      case 'DOUBLE':
        this.eat('PRECISION');
        return SIMPLE.DOUBLE!;
      default: {
        const t = SIMPLE[upper];
        if (t === undefined) this.pos--, this.fail('a type name');
        return t;
      }
    }
  }
}
