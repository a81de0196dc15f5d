import { RowKind, type Row } from '../core/types.js';
import type { PlanNode } from '../plan/nodes.js';
import { compileExpr, compilePredicate, compileProjection } from './expr/compile.js';
import { keyText } from './lookup-join.js';
import type { Operator, OperatorContext } from './operator.js';
import type { StateSpec } from './state/versioned.js';

type TemporalNode = Extract<PlanNode, { kind: 'temporalJoin' }>;

/** One version of a key: the right row from `time` on, or `null` from a delete on. */
interface Version {
  time: number;
  row: Row | null;
}

interface PendingLeft {
  row: Row;
  time: number;
  seq: number;
}

/**
 * Temporal join against a versioned table (Flink's TemporalRowTimeJoinOperator / processing-time join).
 *
 * Event time: left rows wait until the watermark (the minimum of both inputs) reaches their time; then, in time
 * order (arrival order among equal times), each is joined with its key's version valid at its time: the last
 * version at or before it. A version is an insert or update-after of the right input at its event time (a
 * later one at the same time replaces it); a delete makes the key absent from its time on; update-before is not
 * a version (its update-after follows). After a watermark, each key keeps only the version valid at the
 * watermark and later ones, so a late left row (below the watermark when it came) is still emitted at the
 * next watermark, joined with what is left: no match when its version was already dropped.
 *
 * Processing time: a left row is joined at once with its key's latest version; against a bounded right input
 * (a table read to its end, Nexmark q13's side input) left rows are held until that input has ended (its
 * watermark is +Infinity), so that every row sees the whole table, as a lookup would.
 */
export class TemporalJoinOperator implements Operator {
  readonly name: string;
  readonly stateSpec: StateSpec | undefined;
  private readonly leftKey: (r: Row) => unknown[];
  private readonly rightKey: (r: Row) => unknown[];
  private readonly leftTime: ((r: Row) => unknown) | undefined;
  private readonly rightTime: ((r: Row) => unknown) | undefined;
  private readonly residual: ((r: Row) => boolean) | undefined;
  private readonly nulls: null[];
  private versions = new Map<string, Version[]>();
  private waiting: PendingLeft[] = [];
  private seq = 0;
  /** Processing time against a bounded right input: left rows until it has been read fully. */
  private held: Row[] | undefined;

  constructor(
    private readonly n: TemporalNode,
    private readonly ctx: OperatorContext,
  ) {
    const event = n.leftTime !== undefined && n.rightTime !== undefined;
    this.name = `TemporalJoin(${event ? 'event time' : 'processing time'})`;
    this.stateSpec = { kind: event ? 'TemporalJoinEventTime' : 'TemporalJoinProcTime', version: 1 };
    this.leftKey = compileProjection(n.leftKeys);
    this.rightKey = compileProjection(n.rightKeys);
    this.leftTime = event ? compileExpr({ k: 'col', index: n.leftTime!, type: n.left.fields[n.leftTime!]!.type }) : undefined;
    this.rightTime = event ? compileExpr({ k: 'col', index: n.rightTime!, type: n.right.fields[n.rightTime!]!.type }) : undefined;
    this.residual = n.residual ? compilePredicate(n.residual) : undefined;
    this.nulls = n.right.fields.map(() => null);
    if (!event && n.rightBounded) this.held = [];
  }

  private key(values: unknown[]): string | undefined {
    return values.some((v) => v === null || v === undefined) ? undefined : keyText(values);
  }

  process(rows: Row[], kinds: RowKind[] | undefined, input: number): void {
    if (input === 1) {
      rows.forEach((r, i) => this.addVersion(r, kinds?.[i] ?? RowKind.Insert));
      return;
    }
    if (this.leftTime === undefined) {
      if (this.held) {
        for (const r of rows) this.held.push(r);
        return;
      }
      this.joinLatest(rows);
      return;
    }
    for (const r of rows) this.waiting.push({ row: r, time: this.leftTime(r) as number, seq: this.seq++ });
  }

  private joinLatest(rows: Row[]): void {
    const out: Row[] = [];
    for (const r of rows) this.join(r, this.latest(r), out);
    if (out.length) this.ctx.out.data(out);
  }

  /** A bounded right input read to its end: the held left rows join its final versions, in arrival order. */
  onInputWatermark(input: number, time: number): void {
    if (input !== 1 || time !== Infinity || !this.held) return;
    const held = this.held;
    this.held = undefined;
    this.joinLatest(held);
  }

  private addVersion(r: Row, kind: RowKind): void {
    if (kind === RowKind.UpdateBefore) return;
    const k = this.key(this.rightKey(r));
    if (k === undefined) return;
    const row = kind === RowKind.Delete ? null : r;
    if (this.rightTime === undefined) {
      if (row) this.versions.set(k, [{ time: 0, row }]);
      else this.versions.delete(k);
      return;
    }
    const time = this.rightTime(r) as number;
    const list = this.versions.get(k) ?? [];
    let i = list.length;
    while (i > 0 && list[i - 1]!.time > time) i--;
    if (i > 0 && list[i - 1]!.time === time) list[i - 1] = { time, row };
    else list.splice(i, 0, { time, row });
    this.versions.set(k, list);
  }

  private latest(left: Row): Row | null {
    const k = this.key(this.leftKey(left));
    return k === undefined ? null : (this.versions.get(k)?.[0]?.row ?? null);
  }

  private versionAt(left: Row, time: number): Row | null {
    const k = this.key(this.leftKey(left));
    const list = k === undefined ? undefined : this.versions.get(k);
    if (!list) return null;
    let found: Row | null = null;
    for (const v of list) {
      if (v.time > time) break;
      found = v.row;
    }
    return found;
  }

  private join(left: Row, right: Row | null, out: Row[]): void {
    if (right) {
      const joined = [...left, ...right];
      if (!this.residual || this.residual(joined)) {
        out.push(joined);
        return;
      }
    }
    if (this.n.joinType === 'LEFT') out.push([...left, ...this.nulls]);
  }

  onWatermark(time: number): void {
    if (this.leftTime !== undefined) {
      const ready = this.waiting.filter((p) => p.time <= time).sort((a, b) => a.time - b.time || a.seq - b.seq);
      if (ready.length) {
        this.waiting = this.waiting.filter((p) => p.time > time);
        const out: Row[] = [];
        for (const p of ready) this.join(p.row, this.versionAt(p.row, p.time), out);
        if (out.length) this.ctx.out.data(out);
      }
      // Keep, per key, the version valid at the watermark and the later ones; a key deleted by then goes.
      for (const [k, list] of this.versions) {
        let valid = -1;
        for (let i = 0; i < list.length && list[i]!.time <= time; i++) valid = i;
        if (valid > 0) list.splice(0, valid);
        if (valid >= 0 && list[0]!.row === null) list.shift();
        if (list.length === 0) this.versions.delete(k);
      }
    }
    this.ctx.out.watermark(time);
  }

  stateEntries(): number {
    return this.versions.size + this.waiting.length;
  }

  snapshot(): unknown {
    return { versions: [...this.versions], waiting: this.waiting, seq: this.seq, held: this.held ?? null };
  }

  restore(state: unknown): void {
    const s = state as { versions: [string, Version[]][]; waiting: PendingLeft[]; seq: number; held?: Row[] | null };
    this.versions = new Map(s.versions);
    this.waiting = s.waiting;
    this.seq = s.seq;
    // A restored bounded input is read again from its restored position: rows held stay held until it ends.
    if (this.held && s.held) this.held = s.held;
    else if (this.held && s.held === null) this.held = undefined;
  }
}
