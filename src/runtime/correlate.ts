import type { Row, RowKind } from '../core/types.js';
import { compileExpr } from './expr/compile.js';
import type { PlanNode } from '../plan/nodes.js';
import { invokeTable } from '../udf/registry.js';
import type { Operator, OperatorContext, Output } from './operator.js';

/**
 * Correlate: for each input row, the rows of UNNEST(array | map) or of a table function, each appended to the
 * input row. Stateless; the input's change kind is carried by every produced row. With `outer` (LEFT JOIN
 * ... ON TRUE) an input row that produces nothing is emitted once, padded with NULLs.
 */
export class CorrelateOperator implements Operator {
  readonly name: string;
  private readonly generate: (r: Row) => unknown[][];
  private readonly width: number;

  private readonly out: Output;

  constructor(
    private readonly node: Extract<PlanNode, { kind: 'correlate' }>,
    ctx: OperatorContext,
  ) {
    this.out = ctx.out;
    this.width = node.fields.length - node.input.fields.length;
    const g = node.generator;
    if (g.type === 'unnest') {
      this.name = 'Correlate(UNNEST)';
      const value = compileExpr(g.expr);
      const t = g.expr.type;
      const rowFields = t.kind === 'ARRAY' && t.element.kind === 'ROW' ? t.element.fields.map((f) => f.name) : undefined;
      const ord = g.withOrdinality;
      this.generate = (r) => {
        const v = value(r);
        const rows: unknown[][] = [];
        if (v === null || v === undefined) return rows;
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) {
            const el = v[i] ?? null;
            const cols: unknown[] = rowFields ? rowFields.map((f) => (el === null ? null : ((el as Record<string, unknown>)[f] ?? null))) : [el];
            if (ord) cols.push(i + 1);
            rows.push(cols);
          }
        } else if (v instanceof Map) {
          let i = 0;
          for (const [k, x] of v) rows.push(ord ? [k, x ?? null, ++i] : [k, x ?? null]);
        } else if (typeof v === 'object') {
          let i = 0;
          for (const [k, x] of Object.entries(v)) rows.push(ord ? [k, x ?? null, ++i] : [k, x ?? null]);
        }
        return rows;
      };
    } else {
      this.name = `Correlate(${g.fn.def.name})`;
      const args = g.args.map(compileExpr);
      const fn = g.fn;
      const width = this.width;
      this.generate = (r) => {
        const produced = invokeTable(
          fn,
          args.map((a) => a(r)),
        );
        for (let i = 0; i < produced.length; i++) {
          const p = produced[i]!;
          if (p.length !== width || p.includes(undefined)) {
            const fixed = new Array<unknown>(width);
            for (let c = 0; c < width; c++) fixed[c] = p[c] ?? null;
            produced[i] = fixed;
          }
        }
        return produced;
      };
    }
  }

  process(rows: Row[], kinds: RowKind[] | undefined): void {
    const outRows: Row[] = [];
    const outKinds: RowKind[] | undefined = kinds ? [] : undefined;
    const outer = this.node.outer;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const produced = this.generate(row);
      if (produced.length === 0) {
        if (!outer) continue;
        outRows.push(row.concat(new Array<unknown>(this.width).fill(null)));
        outKinds?.push(kinds![i]!);
        continue;
      }
      for (const p of produced) {
        outRows.push(row.concat(p));
        outKinds?.push(kinds![i]!);
      }
    }
    if (outRows.length) this.out.data(outRows, outKinds);
  }
}
