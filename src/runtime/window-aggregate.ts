import type { Row, RowKind } from '../core/types.js';
import { reviveDecimals } from '../core/decimal.js';
import { compileExpr } from './expr/compile.js';
import type { AggCall, BExpr, WindowSpec } from '../plan/nodes.js';
import { createAccumulator, keyFunction, type Accumulator } from './aggregates.js';
import type { OperatorContext, OperatorHooks, Operator, Output } from './operator.js';
import { KeyedState } from './state/keyed-state.js';
import type { StateSpec } from './state/versioned.js';

/**
 * Event-time window aggregation for TUMBLE, HOP and CUMULATE (pane based) and SESSION (merging).
 *
 * Sliding windows share panes: a record is accumulated once into the pane of width gcd(size, slide) (or
 * `step`) that holds it, and a window's result merges the panes it covers when the watermark passes its
 * end, so HOP(1 min, 1 h) keeps one accumulator per key per minute instead of sixty copies of every record.
 * As Flink's sliding windows, the size need not be a multiple of the slide: HOP(2 min, 5 min) has 1-minute
 * panes, windows starting at even minutes, and each window merges five panes.
 *
 * Output row: group keys..., window_start, window_end, window_time (= end - 1), aggregate results...
 *
 * On a processing-time attribute (`window.proctime`) the same state runs on the clock instead: a row is
 * assigned by the clock's time when it arrives (never late), watermarks are only forwarded, and
 * `onProcessingTime` fires the windows whose end the clock has reached. `watermark` then holds the
 * processing time reached minus 1 ms, so that the event-time rule "end - 1 <= watermark" reads "end <= now".
 */
interface Group {
  readonly keys: unknown[];
  readonly accs: unknown[];
}

/**
 * State version 2: panes and sessions are KeyedStates whose entries carry `end`, the last window end they
 * belong to, so the watermark expires them (`expireClosed`) once every window holding them has fired.
 * Version 1 (before the shared keyed state) held `panes: Map<paneStart, Map<groupKey, Group>>` and
 * `sessions: Map<groupKey, Session[]>`; `migrateV1` adds the ends.
 */
interface Pane {
  /** The last window end that contains this pane: once that has fired, the pane is dead. */
  readonly end: number;
  readonly groups: Map<unknown, Group>;
}

interface Session {
  start: number;
  end: number;
  group: Group;
}

/** One group key's open sessions, sorted by start (so the last one ends last: merged sessions never overlap). */
interface Sessions {
  end: number;
  readonly list: Session[];
}

export class WindowAggregateOperator implements Operator {
  readonly name: string;
  readonly stateSpec: StateSpec = { kind: 'WindowAggregate', version: 2, migrate: (data) => this.migrateV1(data) };
  private readonly keyFns: ((r: Row) => unknown)[];
  private readonly groupKey: (r: Row) => unknown;
  private readonly accs: Accumulator[];
  private readonly timeIndex: number;
  /** Pane width: the size (TUMBLE), gcd(size, slide) (HOP), the step (CUMULATE). */
  private readonly width: number;
  private readonly panes: KeyedState<Pane>;
  /** Sessions per group key, kept sorted by start. */
  private readonly sessions: KeyedState<Sessions>;
  private watermark = -Infinity;
  /** Every window ending at or before this has been emitted. */
  private firedUpTo = -Infinity;
  private late = 0;

  private readonly window: WindowSpec;
  private readonly out: Output;
  private readonly hooks: OperatorHooks;
  /** The processing-time clock a window on processing time assigns and fires by. */
  private readonly now: () => number;

  /**
   * The global half of a two-phase aggregation (`phase: 'global'`): input rows are partial aggregates
   * (keys, pane start, rows folded, accumulators; see local-window-aggregate.ts) merged into the panes.
   */
  private readonly global: boolean;
  /** Global phase: the partials hold DECIMAL values (v8 keeps their fields but not their class). */
  private readonly reviveDecimals: boolean;

  constructor(spec: { readonly window: WindowSpec; readonly keys: readonly BExpr[]; readonly aggs: readonly AggCall[]; readonly global?: boolean }, ctx: OperatorContext) {
    const { window, keys, aggs } = spec;
    this.global = spec.global === true;
    this.reviveDecimals = this.global && holdsDecimals(keys, aggs);
    this.window = window;
    this.out = ctx.out;
    this.hooks = ctx.hooks;
    this.now = ctx.now;
    this.name = `${window.type}Aggregate`;
    this.keyFns = keys.map(compileExpr);
    this.groupKey = keyFunction(this.keyFns);
    this.accs = aggs.map((a) => createAccumulator(a, false));
    this.timeIndex = window.timeIndex;
    this.width = paneWidth(window);
    // Retention 0: window state ends with its windows (expireClosed), never by idle-state retention.
    const keyed = { retentionMs: 0, now: ctx.now, counter: ctx.counter };
    this.panes = new KeyedState(keyed);
    this.sessions = new KeyedState(keyed);
  }

  private paneStart(t: number): number {
    return paneStartOf(this.window, this.width, t);
  }

  /** The last window end that contains this pane: once that has fired, the pane is dead. */
  private lastEndOfPane(p: number): number {
    return lastEndOfPane(this.window, p);
  }

  /** Whether the last window of a pane ending at `lastEnd` has closed (the watermark passed it, or it fired). */
  private paneClosed(lastEnd: number): boolean {
    return lastEnd - 1 <= this.watermark || lastEnd <= this.firedUpTo;
  }

  /** The groups of pane `p`, created when new; forUpdate, so a running checkpoint capture keeps the pane as it was at the barrier. */
  private paneGroups(p: number, lastEnd: number): Map<unknown, Group> {
    let groups = this.panes.forUpdate(p)?.groups;
    if (!groups) {
      groups = new Map();
      this.panes.set(p, { end: lastEnd, groups });
    }
    return groups;
  }

  /** A processing-time window's time for rows arriving now: the clock, never behind what has fired. */
  private arrival(): number {
    return Math.max(this.now(), this.watermark + 1);
  }

  process(rows: Row[], _kinds: RowKind[] | undefined): void {
    if (this.window.type === 'SESSION') return this.processSessions(rows);
    if (this.global) return this.mergePartials(rows);
    const lateRows: Row[] = [];
    let lastPane = NaN;
    let pane: Map<unknown, Group> | undefined;
    const proc = this.window.proctime === true;
    const arrival = proc ? this.arrival() : 0;
    for (const row of rows) {
      const t = proc ? arrival : (row[this.timeIndex] as number | null);
      if (t === null || t === undefined) continue;
      const p = this.paneStart(t);
      const lastEnd = this.lastEndOfPane(p);
      // HOP with slide > size leaves gaps: a pane in no window is skipped, as Flink assigns no window.
      if (lastEnd <= p) continue;
      if (this.paneClosed(lastEnd)) {
        lateRows.push(row);
        continue;
      }
      if (p !== lastPane) {
        pane = this.paneGroups(p, lastEnd);
        lastPane = p;
      }
      const k = this.groupKey(row);
      let g = pane!.get(k);
      if (!g) {
        g = { keys: this.keyFns.map((f) => f(row)), accs: this.accs.map((a) => a.create()) };
        pane!.set(k, g);
      }
      for (let i = 0; i < this.accs.length; i++) this.accs[i]!.add(g.accs[i], row);
    }
    if (lateRows.length) {
      this.late += lateRows.length;
      this.hooks.late(lateRows, { input: 0, watermark: this.watermark });
    }
  }

  /**
   * Global phase: each row is one (pane, key)'s partial accumulators from an upstream task. A partial whose
   * pane's last window has fired is late as its rows would have been: dropped, and counted by the rows it
   * folded (there are no rows to report, so a two-phase plan is chosen only when late rows are dropped).
   */
  private mergePartials(rows: Row[]): void {
    const k = this.keyFns.length;
    const n = this.accs.length;
    let lateRows = 0;
    let lastPane = NaN;
    let pane: Map<unknown, Group> | undefined;
    for (const raw of rows) {
      const row = this.reviveDecimals ? (reviveDecimals(raw) as Row) : raw;
      const p = row[k] as number;
      const lastEnd = this.lastEndOfPane(p);
      if (this.paneClosed(lastEnd)) {
        lateRows += row[k + 1] as number;
        continue;
      }
      if (p !== lastPane) {
        pane = this.paneGroups(p, lastEnd);
        lastPane = p;
      }
      const key = this.groupKey(row);
      const g = pane!.get(key);
      // The partial's accumulators are this operator's own once deserialised: the first one is adopted.
      if (!g) pane!.set(key, { keys: row.slice(0, k), accs: row.slice(k + 2, k + 2 + n) });
      else for (let i = 0; i < n; i++) this.accs[i]!.merge(g.accs[i], row[k + 2 + i]);
    }
    if (lateRows > 0) {
      this.late += lateRows;
      this.hooks.late([], { input: 0, watermark: this.watermark, count: lateRows });
    }
  }

  onWatermark(time: number): void {
    if (this.window.proctime) {
      this.out.watermark(time);
      return;
    }
    if (time <= this.watermark) return;
    this.watermark = time;
    if (this.window.type === 'SESSION') this.fireSessions();
    else this.firePanes();
    this.out.watermark(time);
  }

  /** Processing-time windows: fire those whose end the clock has reached. */
  onProcessingTime(): boolean {
    if (!this.window.proctime) return false;
    const reached = this.now() - 1;
    if (reached <= this.watermark) return false;
    this.watermark = reached;
    return this.window.type === 'SESSION' ? this.fireSessions() : this.firePanes();
  }

  /** Window ends (ascending) that are due: end - 1 <= watermark, not fired yet, and covering some pane. */
  private dueEnds(): number[] {
    const w = this.window;
    const ends = new Set<number>();
    const limit = this.watermark + 1;
    for (const p of this.panes.keys() as Iterable<number>) {
      if (w.type === 'TUMBLE') {
        const e = p + w.size;
        if (e <= limit && e > this.firedUpTo) ends.add(e);
      } else if (w.type === 'HOP') {
        // The windows holding pane p start at slide boundaries in (p - size, p].
        for (let s = lastHopStart(p, w); s > p - w.size; s -= w.slide) {
          const e = s + w.size;
          if (e <= limit && e > this.firedUpTo) ends.add(e);
        }
      } else if (w.type === 'CUMULATE') {
        const periodEnd = Math.floor(p / w.size) * w.size + w.size;
        for (let e = p + w.step; e <= periodEnd; e += w.step) if (e <= limit && e > this.firedUpTo) ends.add(e);
      }
    }
    return [...ends].sort((a, b) => a - b);
  }

  private firePanes(): boolean {
    const ends = this.dueEnds();
    if (ends.length === 0) return false;
    const w = this.window;
    const out: Row[] = [];
    for (const end of ends) {
      const start = w.type === 'TUMBLE' ? end - w.size : w.type === 'HOP' ? end - w.size : Math.floor((end - 1) / (w as { size: number }).size) * (w as { size: number }).size;
      if (w.type === 'TUMBLE') {
        const pane = this.panes.get(start)?.groups;
        if (pane) for (const g of pane.values()) out.push(this.resultRow(g, start, end));
        continue;
      }
      // Merge the panes [start, end) per group.
      const merged = new Map<unknown, Group>();
      const width = this.width;
      for (let p = start; p < end; p += width) {
        const pane = this.panes.get(p)?.groups;
        if (!pane) continue;
        for (const [k, g] of pane) {
          let m = merged.get(k);
          if (!m) {
            m = { keys: g.keys, accs: this.accs.map((a) => a.create()) };
            merged.set(k, m);
          }
          for (let i = 0; i < this.accs.length; i++) this.accs[i]!.merge(m.accs[i], g.accs[i]);
        }
      }
      for (const g of merged.values()) out.push(this.resultRow(g, start, end));
    }
    this.firedUpTo = ends[ends.length - 1]!;
    // Every window holding a pane whose last end is <= firedUpTo has fired: the pane is dead.
    this.panes.expireClosed(this.firedUpTo - 1);
    if (out.length) this.out.data(out);
    return out.length > 0;
  }

  private resultRow(g: Group, start: number, end: number): Row {
    const row: Row = g.keys.slice();
    // window_time: end - 1 ms on event time; on processing time the attribute's value is the clock when the
    // row comes out (Flink materializes a processing-time attribute when it is read).
    row.push(start, end, this.window.proctime ? Math.max(this.now(), end) : end - 1);
    for (let i = 0; i < this.accs.length; i++) row.push(this.accs[i]!.result(g.accs[i]));
    return row;
  }

  // ---- sessions -------------------------------------------------------------------------------------
  private processSessions(rows: Row[]): void {
    const gap = (this.window as { gap: number }).gap;
    const lateRows: Row[] = [];
    const proc = this.window.proctime === true;
    const arrival = proc ? this.arrival() : 0;
    for (const row of rows) {
      const t = proc ? arrival : (row[this.timeIndex] as number | null);
      if (t === null || t === undefined) continue;
      const k = this.groupKey(row);
      // As Flink: merge first, then the record is late only if the merged session has already ended. Open
      // sessions are never late, so a late record is one that touches none of them.
      if (t + gap - 1 <= this.watermark && !(this.sessions.get(k)?.list ?? []).some((s) => s.start <= t + gap && t <= s.end)) {
        lateRows.push(row);
        continue;
      }
      // forUpdate: a running checkpoint capture keeps the key's sessions as they were at the barrier.
      let entry = this.sessions.forUpdate(k);
      if (!entry) {
        entry = { end: -Infinity, list: [] };
        this.sessions.set(k, entry);
      }
      const list = entry.list;
      let start = t;
      let end = t + gap;
      let group: Group | undefined;
      // Merge every session that overlaps or touches [t, t + gap) (Flink's TimeWindow.intersects is inclusive).
      for (let i = 0; i < list.length; ) {
        const s = list[i]!;
        if (s.start <= end && start <= s.end) {
          start = Math.min(start, s.start);
          end = Math.max(end, s.end);
          if (!group) group = s.group;
          else for (let a = 0; a < this.accs.length; a++) this.accs[a]!.merge(group.accs[a], s.group.accs[a]);
          list.splice(i, 1);
        } else i++;
      }
      if (!group) group = { keys: this.keyFns.map((f) => f(row)), accs: this.accs.map((a) => a.create()) };
      for (let a = 0; a < this.accs.length; a++) this.accs[a]!.add(group.accs[a], row);
      list.push({ start, end, group });
      list.sort((x, y) => x.start - y.start);
      entry.end = list[list.length - 1]!.end;
    }
    if (lateRows.length) {
      this.late += lateRows.length;
      this.hooks.late(lateRows, { input: 0, watermark: this.watermark });
    }
  }

  private fireSessions(): boolean {
    const out: Row[] = [];
    for (const [k, { list }] of this.sessions) {
      if (!(list.length && list[0]!.end - 1 <= this.watermark)) continue;
      this.sessions.forUpdate(k);
      while (list.length && list[0]!.end - 1 <= this.watermark) {
        const s = list.shift()!;
        out.push(this.resultRow(s.group, s.start, s.end));
      }
    }
    // A key whose last session has fired has none left.
    this.sessions.expireClosed(this.watermark);
    out.sort((a, b) => (a[this.keyFns.length + 1] as number) - (b[this.keyFns.length + 1] as number));
    if (out.length) this.out.data(out);
    return out.length > 0;
  }

  lateCount(): number {
    return this.late;
  }

  snapshot(): unknown {
    return { panes: this.panes, sessions: this.sessions, watermark: this.watermark, firedUpTo: this.firedUpTo };
  }

  restore(state: unknown): void {
    const s = state as { panes: Map<number, Pane>; sessions: Map<unknown, Sessions>; watermark: number; firedUpTo: number };
    this.panes.load(s.panes);
    this.sessions.load(s.sessions);
    this.watermark = s.watermark;
    this.firedUpTo = s.firedUpTo;
  }

  /** Version 1 state (panes and sessions without their ends) in the version 2 shape. */
  private migrateV1(data: unknown): unknown {
    const v1 = data as { panes: Map<number, Map<unknown, Group>>; sessions: Map<unknown, Session[]>; watermark: number; firedUpTo: number };
    const panes = new Map<number, Pane>();
    for (const [p, groups] of v1.panes) panes.set(p, { end: this.lastEndOfPane(p), groups });
    const sessions = new Map<unknown, Sessions>();
    for (const [k, list] of v1.sessions) if (list.length > 0) sessions.set(k, { end: list[list.length - 1]!.end, list });
    return { panes, sessions, watermark: v1.watermark, firedUpTo: v1.firedUpTo };
  }
}

/** The start of the pane holding time `t` (panes of `width`, aligned to the window's offset). */
export function paneStartOf(w: WindowSpec, width: number, t: number): number {
  const offset = 'offset' in w ? w.offset : 0;
  return Math.floor((t - offset) / width) * width + offset;
}

/** The start of the last HOP window holding pane `p` (the latest slide boundary at or before it). */
function lastHopStart(p: number, w: Extract<WindowSpec, { type: 'HOP' }>): number {
  return Math.floor((p - w.offset) / w.slide) * w.slide + w.offset;
}

/** The last window end that contains pane `p`: once that has fired, the pane is dead. */
export function lastEndOfPane(w: WindowSpec, p: number): number {
  if (w.type === 'TUMBLE') return p + w.size;
  if (w.type === 'HOP') return lastHopStart(p, w) + w.size;
  if (w.type === 'CUMULATE') return Math.floor(p / w.size) * w.size + w.size;
  return p;
}

/** Do keys or aggregates carry DECIMAL values (in partial accumulators shipped between tasks)? */
export function holdsDecimals(keys: readonly BExpr[], aggs: readonly AggCall[]): boolean {
  return keys.some((k) => k.type.kind === 'DECIMAL') || aggs.some((a) => a.type.kind === 'DECIMAL' || a.args.some((x) => x.type.kind === 'DECIMAL'));
}

/** Pane width of a pane-based window: HOP(2 min, 5 min) keeps 1-minute panes; SESSION has none (0). */
export function paneWidth(w: WindowSpec): number {
  if (w.type === 'TUMBLE') return w.size;
  if (w.type === 'HOP') return gcd(w.size, w.slide);
  if (w.type === 'CUMULATE') return w.step;
  return 0;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
