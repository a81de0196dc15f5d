import { assertNever, isNumericType, type Row, type SqlType } from '../../core/types.js';
import type { ScalarFunctionDef } from '../../udf/api.js';
import { makeScalarInvoker } from '../../udf/registry.js';
import { DirkError, type SourcePosition } from '../../core/errors.js';
import type { BExpr } from '../../plan/nodes.js';
import { dispatchExpr, type ExprVisitor } from '../../plan/visitor.js';
import { L, parseTimestamp } from './runtime-lib.js';

/**
 * Compiles bound expressions once into JavaScript functions (`new Function` over code generated from a
 * closed set of node kinds; user values never become code, they are passed in a constants array).
 * SQL's three-valued logic: NULL propagates through operators and functions, AND/OR follow Kleene logic.
 */
export type RowFn = (r: Row) => unknown;
export type RowsFn = (r: Row) => unknown[];

class CodeGen {
  readonly consts: unknown[] = [];
  private temps = 0;
  /** `now`: the processing-time clock PROCTIME() reads (the operator's, so tests can drive it). */
  constructor(private readonly now: () => number = Date.now) {}

  constant(v: unknown): string {
    const i = this.consts.indexOf(v);
    if (i >= 0 && typeof v === 'object') return `c[${i}]`;
    this.consts.push(v);
    return `c[${this.consts.length - 1}]`;
  }

  /** The source position as a constant argument for helpers that can fail (no per-row cost). */
  pos(p: SourcePosition | undefined): string {
    return p ? this.constant(p) : 'undefined';
  }

  temp(): string {
    return `t${this.temps++}`;
  }

  declarations(): string {
    if (this.temps === 0) return '';
    return `let ${Array.from({ length: this.temps }, (_, i) => `t${i}`).join(', ')};`;
  }

  lit(v: unknown): string {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'number') return Number.isFinite(v) ? (Object.is(v, -0) ? '-0' : String(v)) : this.constant(v);
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'boolean') return String(v);
    if (typeof v === 'string') return JSON.stringify(v);
    return this.constant(v);
  }

  /** `(a === null || b === null ? null : body(a, b))` with each operand evaluated once. */
  strict(args: readonly BExpr[], body: (names: string[]) => string): string {
    const names = args.map(() => this.temp());
    const assigns = args.map((a, i) => `(${names[i]} = ${this.expr(a)}) === null`).join(' || ');
    return `(${assigns} ? null : ${body(names)})`;
  }

  expr(b: BExpr): string {
    return dispatchExpr(b, EXPR_CODE, this);
  }

  op(b: Extract<BExpr, { k: 'op' }>): string {
    const [x, y] = b.args;
    const intType = b.type.kind === 'INT' || b.type.kind === 'BIGINT';
    // INT wraps around like Java's int; BIGINT wraps at 64 bits inside L; DECIMAL rounds to its scale.
    const int32 = b.type.kind === 'INT';
    const dec = (code: string): string => code;
    if (b.type.kind === 'DECIMAL' && (b.op === '+' || b.op === '-' || b.op === '*' || b.op === '/' || b.op === '%')) {
      // Exact: operands as decimals, the result rounded HALF_UP to the type's scale, NULL beyond its precision.
      const { precision, scale } = b.type;
      const p = b.op === '/' || b.op === '%' ? `, ${this.pos(b.pos)}` : '';
      return this.strict(b.args, ([a, c]) => `L.decimalOp(${JSON.stringify(b.op)}, ${a}, ${c}, ${precision}, ${scale}${p})`);
    }
    if (b.op === 'NEG' && b.type.kind === 'DECIMAL') return this.strict(b.args, ([a]) => `L.decimalNeg(${a})`);
    switch (b.op) {
      case '+':
        return this.strict(b.args, ([a, c]) => (int32 ? `((${a} + ${c}) | 0)` : intType ? `L.addInt(${a}, ${c})` : dec(`(L.num(${a}) + L.num(${c}))`)));
      case '-':
        return this.strict(b.args, ([a, c]) => (int32 ? `((${a} - ${c}) | 0)` : intType ? `L.subInt(${a}, ${c})` : dec(`(L.num(${a}) - L.num(${c}))`)));
      case '*':
        return this.strict(b.args, ([a, c]) => (int32 ? `Math.imul(${a}, ${c})` : intType ? `L.mulInt(${a}, ${c})` : dec(`(L.num(${a}) * L.num(${c}))`)));
      case '/': {
        const p = intType ? this.pos(b.pos) : '';
        return this.strict(b.args, ([a, c]) => (int32 ? `(L.divInt(${a}, ${c}, ${p}) | 0)` : intType ? `L.divInt(${a}, ${c}, ${p})` : dec(`(L.num(${a}) / L.num(${c}))`)));
      }
      case '%': {
        const p = intType ? this.pos(b.pos) : '';
        return this.strict(b.args, ([a, c]) => (intType ? `L.modInt(${a}, ${c}, ${p})` : dec(`(L.num(${a}) % L.num(${c}))`)));
      }
      case 'NEG':
        return this.strict(b.args, ([a]) => (int32 ? `(-${a} | 0)` : `L.negInt(${a})`));
      case '||':
        return this.strict(b.args, ([a, c]) => `(L.str(${a}) + L.str(${c}))`);
      case '=':
      case '<>':
      case '<':
      case '<=':
      case '>':
      case '>=':
        return this.compare(b.op, x!, y!);
      case 'AND': {
        const [a, c] = [this.temp(), this.temp()];
        return `((${a} = ${this.expr(x!)}) === false ? false : ((${c} = ${this.expr(y!)}) === false ? false : (${a} === null || ${c} === null ? null : true)))`;
      }
      case 'OR': {
        const [a, c] = [this.temp(), this.temp()];
        return `((${a} = ${this.expr(x!)}) === true ? true : ((${c} = ${this.expr(y!)}) === true ? true : (${a} === null || ${c} === null ? null : false)))`;
      }
      case 'NOT':
        return this.strict(b.args, ([a]) => `!${a}`);
      case 'IS_NULL':
        return `(${this.expr(x!)} === null)`;
      case 'IS_NOT_NULL':
        return `(${this.expr(x!)} !== null)`;
      case 'IS_TRUE':
        return `(${this.expr(x!)} === true)`;
      case 'IS_NOT_TRUE':
        return `(${this.expr(x!)} !== true)`;
      case 'IS_FALSE':
        return `(${this.expr(x!)} === false)`;
      case 'IS_NOT_FALSE':
        return `(${this.expr(x!)} !== false)`;
      case 'IS_DISTINCT':
      case 'IS_NOT_DISTINCT': {
        const [a, c] = [this.temp(), this.temp()];
        // Both sides are evaluated first: a short-circuit would leave the second temporary unassigned.
        const same = `((${a} = ${this.expr(x!)}), (${c} = ${this.expr(y!)}), ${a} === null || ${c} === null ? ${a} === null && ${c} === null : L.eq(${a}, ${c}))`;
        return b.op === 'IS_DISTINCT' ? `!${same}` : same;
      }
      case 'COALESCE': {
        const t = this.temp();
        return `(${b.args.map((a) => `(${t} = ${this.expr(a)}) !== null ? ${t} : `).join('')}null)`;
      }
      case 'NULLIF': {
        const [a, c] = [this.temp(), this.temp()];
        return `((${a} = ${this.expr(x!)}) === null ? null : ((${c} = ${this.expr(y!)}) !== null && L.eq(${a}, ${c}) ? null : ${a}))`;
      }
      case 'IF':
        return `(${this.expr(x!)} === true ? ${this.expr(y!)} : ${this.expr(b.args[2]!)})`;
      case 'GREATEST':
      case 'LEAST': {
        const sign = b.op === 'GREATEST' ? '>' : '<';
        return this.strict(b.args, (n) => n.slice(1).reduce((acc, v) => `(L.cmp(${v}, ${acc}) ${sign} 0 ? ${v} : ${acc})`, n[0]!));
      }
      case 'ARRAY':
        return `[${b.args.map((a) => this.expr(a)).join(', ')}]`;
      case 'MAP':
        return `L.makeMap([${b.args.map((a) => this.expr(a)).join(', ')}])`;
      case 'ROW': {
        const names = b.type.kind === 'ROW' ? b.type.fields.map((f) => f.name) : [];
        return `L.makeRow(${this.constant(names)}, [${b.args.map((a) => this.expr(a)).join(', ')}])`;
      }
      case 'TS_ADD_INTERVAL':
        return this.strict(b.args, ([a, c]) => `(${a} + L.num(${c}))`);
      case 'TS_SUB_INTERVAL':
        return this.strict(b.args, ([a, c]) => `(${a} - L.num(${c}))`);
      case 'TS_DIFF':
        return this.strict(b.args, ([a, c]) => `(${a} - ${c})`);
      case 'PROCTIME':
        return `${this.constant(this.now)}()`;
      default:
        return assertNever(b.op, 'operator');
    }
  }

  private compare(o: string, x: BExpr, y: BExpr): string {
    // A string literal compared with a timestamp is read as a UTC timestamp once, here.
    const coerce = (side: BExpr, other: BExpr): BExpr => {
      if (other.type.kind === 'TIMESTAMP' && side.k === 'lit' && typeof side.value === 'string') {
        const t = parseTimestamp(side.value);
        if (t !== null) return { k: 'lit', value: t, type: other.type };
      }
      return side;
    };
    const a = coerce(x, y);
    const c = coerce(y, x);
    const simple =
      (isNumericType(a.type) && isNumericType(c.type) && a.type.kind !== 'DECIMAL' && c.type.kind !== 'DECIMAL') ||
      (a.type.kind === 'STRING' && c.type.kind === 'STRING') ||
      (a.type.kind === 'TIMESTAMP' && c.type.kind === 'TIMESTAMP') ||
      (a.type.kind === 'BOOLEAN' && c.type.kind === 'BOOLEAN');
    return this.strict([a, c], ([p, q]) => {
      if (simple) {
        const js = o === '=' ? '==' : o === '<>' ? '!=' : o;
        return `(${p} ${js} ${q})`;
      }
      if (o === '=') return `L.eq(${p}, ${q})`;
      if (o === '<>') return `!L.eq(${p}, ${q})`;
      return `(L.cmp(${p}, ${q}) ${o} 0)`;
    });
  }

  cast(arg: BExpr, type: SqlType, safe: boolean, at: SourcePosition | undefined): string {
    const from = arg.type.kind;
    if (from === type.kind && type.kind !== 'DECIMAL') return this.expr(arg);
    const p = safe ? 'undefined' : this.pos(at);
    return this.strict([arg], ([v = ""]) => {
      switch (type.kind) {
        case 'INT':
          return `L.castInt(${v}, ${safe}, ${p})`;
        case 'BIGINT':
          return `L.castBigint(${v}, ${safe}, ${p})`;
        case 'FLOAT':
        case 'DOUBLE':
          return `L.castDouble(${v}, ${safe}, ${p})`;
        case 'DECIMAL':
          return `L.castDecimal(${v}, ${safe}, ${type.precision}, ${type.scale}, ${p})`;
        case 'BOOLEAN':
          return `L.castBoolean(${v}, ${safe}, ${p})`;
        case 'STRING':
          // Flink prints a TIMESTAMP(p) with p fraction digits and a DECIMAL with its scale.
          if (arg.type.kind === 'TIMESTAMP') return `L.timestampToString(${v}, ${arg.type.precision})`;
          if (arg.type.kind === 'DECIMAL') return `L.decimalToString(${v}, ${arg.type.scale})`;
          if (arg.type.kind === 'DOUBLE' || arg.type.kind === 'FLOAT') return `L.doubleToString(${v})`;
          return `L.castString(${v})`;
        case 'TIMESTAMP':
          return `L.castTimestamp(${v}, ${safe}, ${p})`;
        case 'BYTES':
          return `L.castBytes(${v}, ${safe}, ${p})`;
        default:
          return v;
      }
    });
  }
}

function build<F>(gen: CodeGen, body: string): F {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function('L', 'c', `"use strict"; return function compiled(r) { ${gen.declarations()} ${body} };`) as (
    lib: typeof L,
    consts: unknown[],
  ) => F;
  return factory(L, gen.consts);
}

/** One expression as a function of the input row. */
export function compileExpr(b: BExpr): RowFn {
  const gen = new CodeGen();
  const code = gen.expr(b);
  return build<RowFn>(gen, `return ${code};`);
}

/** A whole projection as one function returning the output row (shared temporaries, one call per row). */
export function compileProjection(exprs: readonly BExpr[], now?: () => number): RowsFn {
  const gen = new CodeGen(now);
  const parts = exprs.map((e) => gen.expr(e));
  return build<RowsFn>(gen, `return [${parts.join(', ')}];`);
}

/** A predicate: true only when the condition is TRUE (NULL and FALSE both filter the row out). */
export function compilePredicate(b: BExpr, now?: () => number): (r: Row) => boolean {
  const gen = new CodeGen(now);
  const code = gen.expr(b);
  return build<(r: Row) => boolean>(gen, `return ${code} === true;`);
}

/** Generated source, for `explain` and for tests of the code generator. */
export function generatedSource(b: BExpr): string {
  const gen = new CodeGen();
  return `${gen.declarations()} return ${gen.expr(b)};`;
}

/** Generated JavaScript per expression kind; `g` holds the constants and temporaries of the function. */
const EXPR_CODE: ExprVisitor<string, CodeGen> = {
  col: (b) => `r[${b.index}]`,
  lit: (b, g) => g.lit(b.value),
  op: (b, g) => g.op(b),
  call: (b, g) => {
    const def = b.fn.def as ScalarFunctionDef;
    if (!def.eval) {
      throw new DirkError(`function ${b.name} is asynchronous; async functions run in SELECT, WHERE, HAVING, GROUP BY keys and aggregate arguments, not in join conditions, UNNEST or table-function arguments, OVER or ROW_NUMBER`, { domain: 'user' });
    }
    // The invoker applies the function's NULL rule, argument coercions and error wrapping; the row lets
    // a job's error policy name the record a failing call came from.
    const f = g.constant(makeScalarInvoker(b.fn, b.pos));
    return `${f}([${b.args.map((a) => g.expr(a)).join(', ')}], r)`;
  },
  case: (b, g) => {
    let out = b.else ? g.expr(b.else) : 'null';
    for (let i = b.whens.length - 1; i >= 0; i--) {
      const [cond, val] = b.whens[i]!;
      out = `(${g.expr(cond)} === true ? ${g.expr(val)} : ${out})`;
    }
    return out;
  },
  cast: (b, g) => g.cast(b.arg, b.type, b.safe, b.pos),
  field: (b, g) => `L.field(${g.expr(b.arg)}, ${JSON.stringify(b.name)})`,
  index: (b, g) => {
    const t = b.arg.type.kind;
    return g.strict([b.arg, b.index], ([a, i]) => (t === 'ARRAY' ? `L.arrayAt(${a}, ${i})` : `L.mapGet(${a}, ${i})`));
  },
  like: (b, g) => {
    if (b.pattern.k === 'lit' && typeof b.pattern.value === 'string') {
      const re = g.constant(L.likeToRegExp(b.pattern.value, b.escape, b.similar));
      return g.strict([b.arg], ([s]) => `${re}.test(${s})`);
    }
    return g.strict([b.arg, b.pattern], ([s, p]) => `L.likeDynamic(${s}, ${p}, ${JSON.stringify(b.escape)}, ${b.similar})`);
  },
  in: (b, g) => {
    const constant = b.list.every((x) => x.k === 'lit');
    if (constant) {
      const values = b.list.map((x) => (x as { value: unknown }).value);
      const hasNull = values.some((v) => v === null);
      const nonNull = values.filter((v) => v !== null);
      if (isNumericType(b.arg.type) && nonNull.every((v) => typeof v === 'number')) {
        const set = g.constant(new Set(nonNull));
        return g.strict([b.arg], ([a]) => `(${set}.has(typeof ${a} === 'bigint' ? Number(${a}) : ${a}) ? true : ${hasNull ? 'null' : 'false'})`);
      }
      if (nonNull.every((v) => typeof v === 'string') && b.arg.type.kind === 'STRING') {
        const set = g.constant(new Set(nonNull));
        return g.strict([b.arg], ([a]) => `(${set}.has(${a}) ? true : ${hasNull ? 'null' : 'false'})`);
      }
    }
    // x IN (1, NULL) is NULL when x is not 1: `n` remembers a NULL in the list.
    const a = g.temp();
    const n = g.temp();
    const items = b.list.map((x) => {
      const t = g.temp();
      return `((${t} = ${g.expr(x)}) === null ? (${n} = true, false) : L.eq(${a}, ${t}))`;
    });
    return `((${a} = ${g.expr(b.arg)}) === null ? null : ((${n} = false), (${items.join(' || ')}) ? true : (${n} ? null : false)))`;
  },
};
