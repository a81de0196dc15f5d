import { positionText, userError } from '../../core/errors.js';
import type { Row, RowKind } from '../../core/types.js';
import { sqlCmp } from '../../core/value-ops.js';
import type { PlanNode } from '../../plan/nodes.js';
import { keyFunction } from '../aggregates.js';
import { compileExpr } from '../expr/compile.js';
import type { Operator, OperatorContext, OperatorHooks, Output } from '../operator.js';
import type { StateSpec } from '../state/versioned.js';
import { advance, EMPTY_MATCH, pruned, type Candidate, type PartialMatch, type Pruning, type StepResult } from './nfa.js';
import { compileDefine, compileMeasures, SlotEvaluator } from './slots.js';

type MatchNode = Extract<PlanNode, { kind: 'match' }>;

/** Per partition: partial matches, and completed matches held until no earlier-starting partial match lives. */
interface PartState {
  partials: PartialMatch[];
  completed: PartialMatch[];
}

interface Waiting {
  row: Row;
  time: number;
  seq: number;
}

/**
 * MATCH_RECOGNIZE (ONE ROW PER MATCH). On event time, as Flink's CEP operator: rows wait until the watermark
 * passes their time, then go through the pattern in time order (ties by the further ORDER BY keys, then
 * arrival); rows at or below the watermark already passed are late and dropped (counted). On processing
 * time, rows are matched as they arrive. Matches are emitted in the order they started, each once no
 * partial match that started earlier is alive, and the AFTER MATCH SKIP strategy then drops the partial
 * and held matches it excludes. State: per partition the partial matches (which hold their rows, so a row
 * goes once no partial match needs it); WITHIN drops partial matches that are too old. Flink applies no
 * idle-state retention to MATCH_RECOGNIZE, and neither does this operator: WITHIN bounds its state.
 */
export class MatchRecognizeOperator implements Operator {
  readonly name: string;
  readonly stateSpec: StateSpec = { kind: 'MatchRecognize', version: 1 };
  private parts = new Map<unknown, PartState>();
  private waiting: Waiting[] = [];
  private watermark = -Infinity;
  private seq = 0;
  private late = 0;
  /** No partial match can reach its WITHIN before this time: a watermark below it skips the scan of partitions. */
  private nextExpiry = Infinity;
  private readonly out: Output;
  private readonly hooks: OperatorHooks;
  private readonly now: () => number;
  private readonly partKey: (r: Row) => unknown;
  private readonly keyFns: ((r: Row) => unknown)[];
  private readonly orderFns: { fn: (r: Row) => unknown; desc: boolean }[];
  private readonly slots: SlotEvaluator;
  private readonly defines: ReturnType<typeof compileDefine>[];
  private readonly measures: ReturnType<typeof compileMeasures>;
  private readonly test = (variable: number, pm: PartialMatch, c: Candidate): boolean => {
    const d = this.defines[variable];
    if (!d) return true;
    return d.test(this.slots.row(d.needed, pm.rows, c.row, variable));
  };

  private readonly onTake = (child: PartialMatch, parent: PartialMatch): void => this.slots.derived(child.rows, parent.rows);

  constructor(
    private readonly node: MatchNode,
    ctx: OperatorContext,
  ) {
    this.out = ctx.out;
    this.hooks = ctx.hooks;
    this.now = ctx.now;
    this.name = `MatchRecognize(${node.variables.join(' ')})`;
    this.keyFns = node.partitionKeys.map(compileExpr);
    this.partKey = keyFunction(this.keyFns);
    this.orderFns = node.orderBy.map((o) => ({ fn: compileExpr(o.expr), desc: o.desc }));
    this.slots = new SlotEvaluator(node.slots, ctx.now);
    this.defines = node.defines.map((d) => compileDefine(d, ctx.now));
    this.measures = compileMeasures(node.measures, ctx.now);
  }

  process(rows: Row[], _kinds: RowKind[] | undefined): void {
    if (this.node.proctime) {
      const out: Row[] = [];
      for (const row of rows) this.matchRow(row, this.now(), out);
      if (out.length) this.out.data(out);
      return;
    }
    const t = this.node.timeIndex;
    const lateRows: Row[] = [];
    for (const row of rows) {
      const time = row[t] as number | null;
      if (time === null || time === undefined) continue;
      if (time <= this.watermark) lateRows.push(row);
      else this.waiting.push({ row, time, seq: this.seq++ });
    }
    if (lateRows.length) {
      this.late += lateRows.length;
      this.hooks.late(lateRows, { input: 0, watermark: this.watermark });
    }
  }

  onWatermark(time: number): void {
    if (!this.node.proctime) {
      this.watermark = time;
      const ready: Waiting[] = [];
      const keep: Waiting[] = [];
      for (const w of this.waiting) (w.time <= time ? ready : keep).push(w);
      this.waiting = keep;
      const out: Row[] = [];
      ready.sort((a, b) => this.compare(a, b));
      for (const w of ready) this.matchRow(w.row, w.time, out, w.seq);
      this.expire(time, out);
      if (out.length) this.out.data(out);
    }
    this.out.watermark(time);
  }

  onProcessingTime(): boolean {
    if (!this.node.proctime || this.node.within === null) return false;
    const out: Row[] = [];
    this.expire(this.now(), out);
    if (out.length) this.out.data(out);
    return out.length > 0;
  }

  private compare(a: Waiting, b: Waiting): number {
    if (a.time !== b.time) return a.time - b.time;
    for (const o of this.orderFns) {
      const c = sqlCmp(o.fn(a.row), o.fn(b.row));
      if (c !== 0) return o.desc ? -c : c;
    }
    return a.seq - b.seq;
  }

  /** One row through its partition's partial matches (and as the start of a new one). */
  private matchRow(row: Row, time: number, out: Row[], seq = this.seq++): void {
    const key = this.partKey(row);
    const st = this.parts.get(key) ?? { partials: [], completed: [] };
    const within = this.node.within;
    // CEP's advanceTime before the row: partial matches `within` or more before it are dropped.
    const live = within === null ? st.partials : st.partials.filter((p) => time - p.startTime < within);
    const cand: Candidate = { seq, time, row };
    const step: StepResult = { next: [], complete: [] };
    for (const pm of live) advance(this.node.pattern, this.test, pm, cand, step, this.onTake);
    advance(this.node.pattern, this.test, EMPTY_MATCH, cand, step, this.onTake);
    st.partials = step.next;
    // Every partial match starts as a row's fresh one: the earliest WITHIN end is among those.
    if (within !== null && st.partials.some((p) => p.start === seq)) this.nextExpiry = Math.min(this.nextExpiry, time + within);
    if (step.complete.length) {
      st.completed.push(...step.complete);
      st.completed.sort((a, b) => a.start - b.start);
    }
    this.emitReady(st, out);
    this.store(key, st);
  }

  /** Drops partial matches the time `now` puts out of WITHIN (watermark or processing time), then emits what that frees. */
  private expire(now: number, out: Row[]): void {
    const within = this.node.within;
    if (within === null || now < this.nextExpiry) return;
    let next = Infinity;
    for (const [key, st] of this.parts) {
      const before = st.partials.length;
      st.partials = st.partials.filter((p) => now - p.startTime < within);
      if (st.partials.length !== before) this.emitReady(st, out);
      for (const p of st.partials) next = Math.min(next, p.startTime + within);
      this.store(key, st);
    }
    this.nextExpiry = next;
  }

  private store(key: unknown, st: PartState): void {
    if (st.partials.length === 0 && st.completed.length === 0) this.parts.delete(key);
    else this.parts.set(key, st);
  }

  /** Emits held matches no earlier-starting partial match can precede, applying AFTER MATCH SKIP to each. */
  private emitReady(st: PartState, out: Row[]): void {
    while (st.completed.length) {
      const head = st.completed[0]!;
      if (st.partials.some((p) => p.start < head.start)) return;
      st.completed.shift();
      out.push(this.output(head));
      const rule = this.pruning(head);
      st.partials = st.partials.filter((p) => !pruned(p, rule));
      st.completed = st.completed.filter((p) => !pruned(p, rule));
    }
  }

  private pruning(m: PartialMatch): Pruning {
    const a = this.node.after;
    const rows = m.rows;
    if (a.mode === 'PAST_LAST_ROW') return { startAtOrBefore: rows[rows.length - 1]!.seq };
    if (a.mode === 'TO_NEXT_ROW') return { startAtOrBefore: rows[0]!.seq };
    const mine = rows.filter((r) => r.v === a.variable);
    const name = this.node.variables[a.variable!]!;
    const where = a.pos ? `${positionText(a.pos)}: ` : '';
    const target = a.mode === 'TO_FIRST' ? mine[0] : mine[mine.length - 1];
    if (!target) throw userError(`${where}AFTER MATCH SKIP TO ${a.mode === 'TO_FIRST' ? 'FIRST' : 'LAST'} ${name}: Could not skip to ${name}. No such element in the found match`);
    // Flink refuses to resume where the match started: it would find the same match again, forever.
    if (target.seq === rows[0]!.seq) throw userError(`${where}AFTER MATCH SKIP TO ${a.mode === 'TO_FIRST' ? 'FIRST' : 'LAST'} ${name}: Could not skip to first element of a match.`);
    return { startBefore: target.seq };
  }

  private output(m: PartialMatch): Row {
    const first = m.rows[0]!.row;
    const keys = this.keyFns.map((f) => f(first));
    const slotRow = this.slots.row(this.measures.needed, m.rows, undefined, -1);
    return [...keys, ...this.measures.project(slotRow)];
  }

  lateCount(): number {
    return this.late;
  }

  stateEntries(): number {
    return this.parts.size + this.waiting.length;
  }

  snapshot(): unknown {
    return { parts: this.parts, waiting: this.waiting, watermark: this.watermark, seq: this.seq };
  }

  restore(state: unknown): void {
    const s = state as { parts: Map<unknown, PartState>; waiting: Waiting[]; watermark: number; seq: number };
    this.parts = new Map(s.parts);
    this.waiting = s.waiting;
    this.watermark = s.watermark;
    this.seq = s.seq;
    this.nextExpiry = -Infinity; // recomputed by the next scan
  }
}
