import type { Row, RowKind } from '../core/types.js';
import type { WindowSpec } from '../plan/nodes.js';
import type { Operator, OperatorContext, Output } from './operator.js';

/** Window table functions: append window_start, window_end, window_time to each row (one copy per window). */
export class WindowTvfOperator implements Operator {
  readonly name: string;
  private readonly window: WindowSpec;
  private readonly out: Output;
  /** The processing-time clock a window on processing time assigns rows by (when they arrive here). */
  private readonly now: () => number;

  constructor(spec: { readonly window: WindowSpec }, ctx: OperatorContext) {
    this.window = spec.window;
    this.out = ctx.out;
    this.now = ctx.now;
    this.name = `${spec.window.type}Tvf`;
  }

  process(rows: Row[], _kinds: RowKind[] | undefined): void {
    const w = this.window;
    const res: Row[] = [];
    const arrival = w.proctime ? this.now() : 0;
    for (const row of rows) {
      const t = w.proctime ? arrival : (row[w.timeIndex] as number | null);
      if (t === null || t === undefined) continue;
      if (w.type === 'TUMBLE') {
        const s = Math.floor((t - w.offset) / w.size) * w.size + w.offset;
        res.push(row.concat(s, s + w.size, w.proctime ? arrival : s + w.size - 1));
      } else if (w.type === 'HOP') {
        // Windows start at slide boundaries s with t - size < s <= t (any size, also not a multiple of the slide).
        const last = Math.floor((t - w.offset) / w.slide) * w.slide + w.offset;
        let first = last;
        while (first - w.slide > t - w.size) first -= w.slide;
        for (let s = first; s <= last; s += w.slide) res.push(row.concat(s, s + w.size, w.proctime ? arrival : s + w.size - 1));
      } else if (w.type === 'CUMULATE') {
        const s = Math.floor(t / w.size) * w.size;
        for (let e = Math.floor(t / w.step) * w.step + w.step; e <= s + w.size; e += w.step) res.push(row.concat(s, e, w.proctime ? arrival : e - 1));
      }
    }
    if (res.length) this.out.data(res);
  }
}
