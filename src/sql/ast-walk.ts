import type { Expr } from './ast.js';

/** Calls `f` on `e` and on every expression inside it, parents first. */
export function visitExpr(e: Expr, f: (x: Expr) => void): void {
  f(e);
  const kids: (Expr | undefined)[] = [];
  switch (e.kind) {
    case 'call':
      kids.push(...e.args, e.filter);
      break;
    case 'binary':
    case 'isDistinct':
      kids.push(e.left, e.right);
      break;
    case 'unary':
    case 'cast':
    case 'field':
    case 'is':
    case 'inQuery':
      kids.push(e.arg);
      break;
    case 'case':
      kids.push(e.operand, e.else, ...e.whens.flatMap((w) => [w.when, w.then]));
      break;
    case 'between':
      kids.push(e.arg, e.low, e.high);
      break;
    case 'in':
      kids.push(e.arg, ...e.list);
      break;
    case 'like':
      kids.push(e.arg, e.pattern);
      break;
    case 'subscript':
      kids.push(e.arg, e.index);
      break;
    case 'array':
    case 'map':
    case 'row':
      kids.push(...e.items);
      break;
    default:
      break;
  }
  for (const k of kids) if (k) visitExpr(k, f);
}

/**
 * A copy of an expression with each direct child replaced by `r(child)`: the one shape of a bottom-up AST
 * rewrite (GROUPING SETS key nulling, OVER replacement). Leaves come back unchanged.
 */
export function mapChildren(e: Expr, r: (x: Expr) => Expr): Expr {
  switch (e.kind) {
    case 'call':
      return { ...e, args: e.args.map(r), ...(e.filter ? { filter: r(e.filter) } : {}) };
    case 'binary':
    case 'isDistinct':
      return { ...e, left: r(e.left), right: r(e.right) };
    case 'unary':
    case 'cast':
    case 'field':
    case 'is':
    case 'inQuery':
      return { ...e, arg: r(e.arg) } as Expr;
    case 'case':
      return {
        ...e,
        ...(e.operand ? { operand: r(e.operand) } : {}),
        ...(e.else ? { else: r(e.else) } : {}),
        whens: e.whens.map((w) => ({ when: r(w.when), then: r(w.then) })),
      };
    case 'between':
      return { ...e, arg: r(e.arg), low: r(e.low), high: r(e.high) };
    case 'in':
      return { ...e, arg: r(e.arg), list: e.list.map(r) };
    case 'like':
      return { ...e, arg: r(e.arg), pattern: r(e.pattern) };
    case 'subscript':
      return { ...e, arg: r(e.arg), index: r(e.index) };
    case 'array':
    case 'map':
    case 'row':
      return { ...e, items: e.items.map(r) } as Expr;
    default:
      return e;
  }
}
