import type { Row, RowKind } from '../core/types.js';
import { compileExpr } from './expr/compile.js';
import type { PlanNode } from '../plan/nodes.js';
import { createAccumulator, keyFunction, type Accumulator } from './aggregates.js';
import type { Operator, OperatorContext, OperatorHooks, Output } from './operator.js';
import { KeyedState } from './state/keyed-state.js';
import type { StateSpec } from './state/versioned.js';

type OverNode = Extract<PlanNode, { kind: 'over' }>;

/**
 * OVER aggregates on event time: `agg(x) OVER (PARTITION BY k ORDER BY rowtime ROWS|RANGE BETWEEN ... AND
 * CURRENT ROW)`. As in Flink, rows wait until the watermark passes their time and are then processed in time
 * order (ties in arrival order), each emitted with its aggregate values; the output is append-only and keeps
 * the time attribute. Rows at or below the last processed watermark are late and dropped (counted).
 *
 * - ROWS n PRECEDING: the row and the n rows before it in the partition.
 * - RANGE t PRECEDING: every row of the partition with time in [row.time - t, row.time]; rows with the same time
 *   are peers and get the same result (all of them are in each other's frame).
 * - UNBOUNDED PRECEDING: everything so far in the partition.
 * Per partition the state is the rows still inside some future frame plus the accumulators; partitions idle
 * for the retention time are dropped.
 */
interface Pending {
  row: Row;
  time: number;
  seq: number;
}

interface PartitionState {
  accs: unknown[];
  /** Rows currently inside the frame (bounded frames only), oldest first, with their times. */
  window: { row: Row; time: number }[];
  touchedAt: number;
}

export class OverAggregateOperator implements Operator {
  readonly name: string;
  private readonly partKey: (r: Row) => unknown;
  private readonly accs: Accumulator[];
  readonly stateSpec: StateSpec = { kind: 'OverAggregate', version: 1 };
  private waiting: Pending[] = [];
  private readonly parts: KeyedState<PartitionState>;
  private watermark = -Infinity;
  private seq = 0;
  private late = 0;
  private readonly out: Output;
  private readonly hooks: OperatorHooks;
  private readonly now: () => number;

  constructor(
    private readonly node: OverNode,
    ctx: OperatorContext,
  ) {
    this.out = ctx.out;
    this.hooks = ctx.hooks;
    this.now = ctx.now;
    this.parts = new KeyedState(ctx);
    const f = node.frame;
    this.name = `OverAggregate(${f.unit} ${f.preceding === 'UNBOUNDED' ? 'UNBOUNDED' : f.preceding} PRECEDING)`;
    this.partKey = keyFunction(node.partitionKeys.map(compileExpr));
    // Bounded frames retract rows leaving the frame, so MIN/MAX keep value counts.
    this.accs = node.aggs.map((a) => createAccumulator(a, f.preceding !== 'UNBOUNDED'));
  }

  process(rows: Row[], _kinds: RowKind[] | undefined): void {
    const t = this.node.timeIndex;
    const lateRows: Row[] = [];
    for (const row of rows) {
      const time = row[t] as number | null;
      if (time === null || time === undefined) continue;
      if (time <= this.watermark) {
        lateRows.push(row);
        continue;
      }
      this.waiting.push({ row, time, seq: this.seq++ });
    }
    if (lateRows.length) {
      this.late += lateRows.length;
      this.hooks.late(lateRows, { input: 0, watermark: this.watermark });
    }
  }

  onWatermark(time: number): void {
    this.watermark = time;
    const ready: Pending[] = [];
    const keep: Pending[] = [];
    for (const p of this.waiting) (p.time <= time ? ready : keep).push(p);
    this.waiting = keep;
    if (ready.length) {
      ready.sort((a, b) => a.time - b.time || a.seq - b.seq);
      this.out.data(this.fire(ready));
    }
    this.expireIdle();
    this.out.watermark(time);
  }

  /** Processes rows in time order; returns them with their aggregate values appended. */
  private fire(ready: Pending[]): Row[] {
    const now = this.now();
    const { unit, preceding } = this.node.frame;
    const results = new Array<Row>(ready.length);
    // Group the sorted rows by partition, keeping their output positions.
    const byPart = new Map<unknown, number[]>();
    ready.forEach((p, i) => {
      const k = this.partKey(p.row);
      const list = byPart.get(k);
      if (list) list.push(i);
      else byPart.set(k, [i]);
    });
    for (const [k, idxs] of byPart) {
      let st = this.parts.forUpdate(k);
      if (!st) {
        st = { accs: this.accs.map((a) => a.create()), window: [], touchedAt: now };
        this.parts.set(k, st);
      }
      st.touchedAt = now;
      if (unit === 'ROWS') {
        for (const i of idxs) {
          const p = ready[i]!;
          this.add(st, p.row);
          if (preceding !== 'UNBOUNDED') {
            st.window.push({ row: p.row, time: p.time });
            while (st.window.length > preceding + 1) this.retract(st, st.window.shift()!.row);
          }
          results[i] = this.withResults(p.row, st);
        }
      } else {
        // RANGE: all rows with the same time are peers and share one result.
        for (let j = 0; j < idxs.length; ) {
          const t = ready[idxs[j]!]!.time;
          let end = j;
          while (end < idxs.length && ready[idxs[end]!]!.time === t) {
            const p = ready[idxs[end]!]!;
            this.add(st, p.row);
            if (preceding !== 'UNBOUNDED') st.window.push({ row: p.row, time: p.time });
            end++;
          }
          if (preceding !== 'UNBOUNDED') {
            while (st.window.length && st.window[0]!.time < t - preceding) this.retract(st, st.window.shift()!.row);
          }
          for (let q = j; q < end; q++) results[idxs[q]!] = this.withResults(ready[idxs[q]!]!.row, st);
          j = end;
        }
      }
    }
    return results;
  }

  private add(st: PartitionState, row: Row): void {
    for (let a = 0; a < this.accs.length; a++) this.accs[a]!.add(st.accs[a], row);
  }

  private retract(st: PartitionState, row: Row): void {
    for (let a = 0; a < this.accs.length; a++) this.accs[a]!.retract(st.accs[a], row);
  }

  private withResults(row: Row, st: PartitionState): Row {
    const out = row.slice();
    for (let a = 0; a < this.accs.length; a++) out.push(this.accs[a]!.result(st.accs[a]));
    return out;
  }

  private expireIdle(): void {
    this.parts.expireIdle();
  }

  lateCount(): number {
    return this.late;
  }

  snapshot(): unknown {
    return { waiting: this.waiting, parts: this.parts, watermark: this.watermark, seq: this.seq };
  }

  restore(state: unknown): void {
    const s = state as { waiting: Pending[]; parts: Map<unknown, PartitionState>; watermark: number; seq: number };
    this.waiting = s.waiting;
    this.parts.load(s.parts);
    this.watermark = s.watermark;
    this.seq = s.seq;
  }
}
