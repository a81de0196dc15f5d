import type { Row } from '../core/types.js';

/**
 * A join's residual condition (the part of ON that is not a key equality) as a test of a left and a right
 * row, evaluated on one reused row that holds both side by side. Most candidate pairs of a join with a
 * residual fail it (a time bound, `num >= maxn`), so no joined row is built for them: the caller
 * concatenates only the pairs that pass.
 */
export function residualOnPair(residual: (r: Row) => boolean, leftWidth: number, rightWidth: number): (l: Row, r: Row) => boolean {
  const pair = new Array<unknown>(leftWidth + rightWidth).fill(null);
  return (l, r) => {
    for (let i = 0; i < leftWidth; i++) pair[i] = l[i];
    for (let i = 0; i < r.length; i++) pair[leftWidth + i] = r[i];
    return residual(pair as Row);
  };
}
