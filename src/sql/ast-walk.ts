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
