import type { PlanNode, WindowSpec } from './nodes.js';

/**
 * Window properties of a plan's output: which columns hold window_start and window_end of the window each
 * row belongs to. Flink tracks these through projections and filters, so that a window aggregate's result
 * can be joined window by window (a window join) or aggregated again per window (a cascaded window
 * aggregation), both append-only and both dropping a window's state once the watermark passes its end.
 */
export interface WindowBounds {
  readonly start: number;
  readonly end: number;
  readonly window: WindowSpec;
}

export function windowBounds(n: PlanNode): WindowBounds | undefined {
  const wb = eventTimeWindowBounds(n);
  // Processing-time windows close on the clock, not on watermarks: what follows them plans as usual.
  return wb?.window.proctime ? undefined : wb;
}

function eventTimeWindowBounds(n: PlanNode): WindowBounds | undefined {
  switch (n.kind) {
    case 'windowAggregate':
      return { start: n.keys.length, end: n.keys.length + 1, window: n.window };
    case 'windowTvf':
      // A SESSION TVF's rows get their window only when aggregated.
      return n.window.type === 'SESSION' ? undefined : { start: n.input.fields.length, end: n.input.fields.length + 1, window: n.window };
    case 'groupAggregate':
      return n.window ? { start: n.window.startKey, end: n.window.endKey, window: n.window.spec } : undefined;
    case 'join':
      return n.window ? { start: n.window.leftStart, end: n.window.leftEnd, window: n.window.spec } : undefined;
    case 'filter':
      return eventTimeWindowBounds(n.input);
    case 'project': {
      const inner = eventTimeWindowBounds(n.input);
      if (!inner) return undefined;
      const start = n.exprs.findIndex((e) => e.k === 'col' && e.index === inner.start);
      const end = n.exprs.findIndex((e) => e.k === 'col' && e.index === inner.end);
      return start >= 0 && end >= 0 ? { start, end, window: inner.window } : undefined;
    }
    default:
      return undefined;
  }
}

/** The same windows (type, size, slide, step, offset, gap), wherever each input's time column is. */
export function sameWindow(a: WindowSpec, b: WindowSpec): boolean {
  const { timeIndex: _a, ...ra } = a;
  const { timeIndex: _b, ...rb } = b;
  return JSON.stringify(ra) === JSON.stringify(rb);
}

/** A window as SQL shows it, for messages: `HOP(slide 2000 ms, size 10000 ms)`. */
export function windowSql(w: WindowSpec): string {
  return `${windowSqlOf(w)}${w.proctime ? ' on processing time' : ''}`;
}

function windowSqlOf(w: WindowSpec): string {
  switch (w.type) {
    case 'TUMBLE':
      return `TUMBLE(size ${w.size} ms${w.offset ? `, offset ${w.offset} ms` : ''})`;
    case 'HOP':
      return `HOP(slide ${w.slide} ms, size ${w.size} ms)`;
    case 'CUMULATE':
      return `CUMULATE(step ${w.step} ms, size ${w.size} ms)`;
    case 'SESSION':
      return `SESSION(gap ${w.gap} ms)`;
  }
}
