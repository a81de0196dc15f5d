import { RowKind, type Row } from '../core/types.js';
import { compileExpr } from './expr/compile.js';
import type { PlanNode } from '../plan/nodes.js';
import { L } from './expr/runtime-lib.js';
import { keyFunction } from './aggregates.js';
import type { Operator, OperatorContext, OperatorHooks, Output } from './operator.js';
import { KeyedState } from './state/keyed-state.js';
import type { StateSpec } from './state/versioned.js';

type RankNode = Extract<PlanNode, { kind: 'rank' }>;

/**
 * ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...) filtered to the first N rows of each partition, or to
 * the rows ranked M..N; RANK() and DENSE_RANK() filtered to a rank range.
 *
 * - Deduplication keeping the first row (ORDER BY time ASC, rn = 1): append-only. A key's candidate is held
 *   until the watermark passes its time; then no earlier row can still arrive (it would be late), so the row
 *   is final and emitted once. Later rows of that key are ignored.
 * - Deduplication keeping the last row (ORDER BY time DESC, rn = 1): each row whose time is not older than
 *   the kept one replaces it at once: +I the first time, then -U old / +U new.
 * - Top-N: the sorted rows of each partition; every change inside the top N is emitted immediately. With the
 *   row number in the output, each rank whose row changed gets -U (old row, rank) / +U (new row, rank), a new
 *   rank +I, a vanished rank -D. Without it, a row entering the top N is +I and the row it pushes out -D.
 *   Rows equal in the sort key keep their arrival order. An append-only input keeps only the top N rows;
 *   an updating input keeps all rows, since a retraction can bring a lower row back into the top N.
 * - Top-N over ranks M..N (M > 1): as Flink, always per rank: each rank in M..N whose row changed gets
 *   -U old / +U new (with or without the rank column), a new rank +I, a vanished rank -D.
 * - RANK() / DENSE_RANK(): a rank holds every row tied on the sort key (RANK then skips as many ranks as
 *   it held; DENSE_RANK does not), so a rank filter may keep more than N rows. Each change compares the kept
 *   rows before and after: rows leaving the range are -D (first), rows entering +I, and a row whose rank
 *   moved -U (old rank) / +U (new rank) when the rank column is output. (Flink runs these in batch mode only.)
 * State is plain Maps of rows (checkpointed by snapshot/restore); partitions idle for the retention time
 * are dropped.
 */
interface Partition {
  rows: Row[];
  touchedAt: number;
  /** The rank end of a variable rank range (`rn <= col`): the first row's value, kept for the partition. */
  end?: number;
}

interface FirstCandidate {
  row: Row;
  time: number;
  seq: number;
}

export class RankOperator implements Operator {
  readonly name: string;
  private readonly partKey: (r: Row) => unknown;
  private readonly cmp: (a: Row, b: Row) => number;
  private readonly limit: number;
  /** The input column giving each partition's rank end, or -1 for a constant `limit`. */
  private readonly limitColumn: number;
  /** Rows whose rank-end column differed from their partition's (Flink counts these as invalid). */
  private mismatchedEnds = 0;
  private readonly start: number;
  /** Emit per rank (-U/+U of the row at each changed rank), with or without the rank column. */
  private readonly perRank: boolean;
  private readonly withRn: boolean;
  private readonly keepAll: boolean;
  private readonly timeIndex: number;
  readonly stateSpec: StateSpec = { kind: 'Rank', version: 1 };
  private readonly parts: KeyedState<Partition>;
  /** Dedup-first: candidates not yet final, and keys already emitted (with the time they were touched). */
  private candidates = new Map<unknown, FirstCandidate>();
  private readonly done: KeyedState<number>;
  private seq = 0;
  private watermark = -Infinity;
  private late = 0;
  private readonly out: Output;
  private readonly hooks: OperatorHooks;
  private readonly now: () => number;

  constructor(
    private readonly node: RankNode,
    ctx: OperatorContext,
  ) {
    this.out = ctx.out;
    this.hooks = ctx.hooks;
    this.now = ctx.now;
    this.parts = new KeyedState(ctx);
    this.done = new KeyedState<number>(ctx, (at) => at);
    this.name = node.dedup ? `Deduplicate(keep ${node.dedup})` : `TopN(${node.rankType ?? 'ROW_NUMBER'} ${node.start ?? 1}..${node.limitColumn !== undefined ? `$${node.limitColumn}` : node.limit})`;
    this.partKey = keyFunction(node.partitionKeys.map(compileExpr));
    const keys = node.orderBy.map((o) => ({ f: compileExpr(o.expr), desc: o.desc }));
    this.cmp = (a, b) => {
      for (const k of keys) {
        const x = k.f(a);
        const y = k.f(b);
        let c: number;
        // NULL sorts lowest: first in ascending order, last in descending order.
        if (x === null || y === null) c = x === null ? (y === null ? 0 : -1) : 1;
        else c = L.cmp(x, y);
        if (c !== 0) return k.desc ? -c : c;
      }
      return 0;
    };
    this.limit = node.limit;
    this.limitColumn = node.limitColumn ?? -1;
    this.start = node.start ?? 1;
    this.withRn = node.withRowNumber;
    this.perRank = this.withRn || this.start > 1;
    this.keepAll = node.input.updating;
    const o = node.orderBy[0]?.expr;
    this.timeIndex = o && o.k === 'col' ? o.index : -1;
  }

  process(rows: Row[], kinds: RowKind[] | undefined): void {
    if (this.node.dedup === 'first') return this.processFirst(rows);
    const outRows: Row[] = [];
    const outKinds: RowKind[] = [];
    const now = this.now();
    const last = this.node.dedup === 'last';
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const kind = kinds ? kinds[i]! : RowKind.Insert;
      const k = this.partKey(row);
      let p = this.parts.forUpdate(k);
      const retract = kind === RowKind.UpdateBefore || kind === RowKind.Delete;
      if (!p) {
        if (retract) continue;
        p = { rows: [], touchedAt: now };
        if (this.limitColumn >= 0) p.end = rankEnd(row[this.limitColumn]);
        this.parts.set(k, p);
      } else if (this.limitColumn >= 0 && !retract && rankEnd(row[this.limitColumn]) !== p.end) this.mismatchedEnds++;
      p.touchedAt = now;
      if (last) this.keepLast(p, row, outRows, outKinds);
      else if (this.node.rankType) this.changeTied(p, row, retract, outRows, outKinds);
      else if (retract) this.remove(p, row, outRows, outKinds);
      else this.insert(p, row, outRows, outKinds);
      // A variable rank end is the partition's for as long as it is retained (Flink keeps it in state).
      if (p.rows.length === 0 && this.limitColumn < 0) this.parts.delete(k);
    }
    if (outRows.length) this.out.data(outRows, outKinds);
  }

  private emitRow(row: Row, rank: number): Row {
    return this.withRn ? [...row, rank] : row;
  }

  private keepLast(p: Partition, row: Row, outRows: Row[], outKinds: RowKind[]): void {
    const prev = p.rows[0];
    if (prev === undefined) {
      p.rows = [row];
      outRows.push(this.emitRow(row, 1));
      outKinds.push(RowKind.Insert);
      return;
    }
    const t = row[this.timeIndex] as number | null;
    const pt = prev[this.timeIndex] as number | null;
    // Not older than the kept row: it is the new last one (ties go to the later arrival, as in Flink).
    if (t === null || (pt !== null && t < pt)) return;
    p.rows = [row];
    outRows.push(this.emitRow(prev, 1), this.emitRow(row, 1));
    outKinds.push(RowKind.UpdateBefore, RowKind.UpdateAfter);
  }

  /** Position after every row that sorts before or equal to `row`. */
  private upperBound(list: Row[], row: Row): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cmp(list[mid]!, row) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insert(p: Partition, row: Row, outRows: Row[], outKinds: RowKind[]): void {
    const list = p.rows;
    const limit = p.end ?? this.limit;
    const pos = this.upperBound(list, row);
    if (pos >= limit) {
      if (this.keepAll) list.splice(pos, 0, row);
      return;
    }
    const before = Math.min(list.length, limit);
    list.splice(pos, 0, row);
    const after = Math.min(list.length, limit);
    if (this.perRank) {
      // Ranks pos.. shifted down by one: old row at rank j was list[j + 1] now.
      for (let j = Math.max(pos, this.start - 1); j < after; j++) {
        if (j < before) {
          outRows.push(this.emitRow(list[j + 1]!, j + 1), this.emitRow(list[j]!, j + 1));
          outKinds.push(RowKind.UpdateBefore, RowKind.UpdateAfter);
        } else {
          outRows.push(this.emitRow(list[j]!, j + 1));
          outKinds.push(RowKind.Insert);
        }
      }
    } else if (before === limit && limit === 1) {
      // Top-1 without the row number: the partition's one row changes, an update (as Flink's FastTop1Function),
      // so an upsert sink keyed by the partition writes the new row and no tombstone.
      outRows.push(list[1]!, row);
      outKinds.push(RowKind.UpdateBefore, RowKind.UpdateAfter);
    } else {
      // The row pushed out of the top N is retracted before the new one is inserted (as Flink does): a
      // consumer keyed by the partition must not see the delete after the insert.
      if (before === limit) {
        outRows.push(list[limit]!);
        outKinds.push(RowKind.Delete);
      }
      outRows.push(row);
      outKinds.push(RowKind.Insert);
    }
    if (!this.keepAll && list.length > limit) list.length = limit;
  }

  private remove(p: Partition, row: Row, outRows: Row[], outKinds: RowKind[]): void {
    const list = p.rows;
    const limit = p.end ?? this.limit;
    const pos = list.findIndex((r) => sameRow(r, row));
    if (pos < 0) return;
    const before = Math.min(list.length, limit);
    const removed = list[pos]!;
    list.splice(pos, 1);
    if (pos >= limit) return;
    const after = Math.min(list.length, limit);
    if (this.perRank) {
      // Ranks pos.. shifted up by one: the old row at rank j is now list[j - 1] (removed at pos).
      for (let j = Math.max(pos, this.start - 1); j < before; j++) {
        const old = j === pos ? removed : list[j - 1]!;
        if (j < after) {
          outRows.push(this.emitRow(old, j + 1), this.emitRow(list[j]!, j + 1));
          outKinds.push(RowKind.UpdateBefore, RowKind.UpdateAfter);
        } else {
          outRows.push(this.emitRow(old, j + 1));
          outKinds.push(RowKind.Delete);
        }
      }
    } else {
      outRows.push(removed);
      outKinds.push(RowKind.Delete);
      if (after === limit) {
        outRows.push(list[limit - 1]!);
        outKinds.push(RowKind.Insert);
      }
    }
  }

  // ---- RANK and DENSE_RANK: ranks that hold ties --------------------------------------------------------

  /**
   * The kept rows (by identity) with their ranks, in order, and the length of the list up to the last row
   * that can still be kept.
   */
  private ranked(list: readonly Row[]): { kept: Map<Row, number>; end: number } {
    const kept = new Map<Row, number>();
    const dense = this.node.rankType === 'DENSE_RANK';
    let rank = 0;
    for (let i = 0; i < list.length; i++) {
      if (i === 0 || this.cmp(list[i - 1]!, list[i]!) !== 0) rank = dense ? rank + 1 : i + 1;
      if (rank > this.limit) return { kept, end: i };
      if (rank >= this.start) kept.set(list[i]!, rank);
    }
    return { kept, end: list.length };
  }

  private changeTied(p: Partition, row: Row, retract: boolean, outRows: Row[], outKinds: RowKind[]): void {
    const list = p.rows;
    let pos: number;
    if (retract) {
      pos = list.findIndex((r) => sameRow(r, row));
      if (pos < 0) return;
    } else pos = this.upperBound(list, row);
    const before = this.ranked(list).kept;
    // A copy: rows are told apart by identity, and an input may deliver one array twice.
    if (retract) list.splice(pos, 1);
    else list.splice(pos, 0, [...row]);
    const { kept: after, end } = this.ranked(list);
    // Rows leaving first, so that a consumer never holds more rows than the ranks keep.
    for (const [r, rank] of before) {
      if (after.has(r)) continue;
      outRows.push(this.emitRow(r, rank));
      outKinds.push(RowKind.Delete);
    }
    for (const [r, rank] of after) {
      const old = before.get(r);
      if (old === undefined) {
        outRows.push(this.emitRow(r, rank));
        outKinds.push(RowKind.Insert);
      } else if (old !== rank && this.withRn) {
        outRows.push(this.emitRow(r, old), this.emitRow(r, rank));
        outKinds.push(RowKind.UpdateBefore, RowKind.UpdateAfter);
      }
    }
    // Ranks only grow while rows are only added: a row past the last rank kept never comes back.
    if (!this.keepAll && end < list.length) list.length = end;
  }

  // ---- deduplication keeping the first row ----------------------------------------------------------
  private processFirst(rows: Row[]): void {
    const lateRows: Row[] = [];
    for (const row of rows) {
      const t = row[this.timeIndex] as number | null;
      if (t === null) continue;
      if (t <= this.watermark) {
        lateRows.push(row);
        continue;
      }
      const k = this.partKey(row);
      if (this.done.has(k)) continue;
      const c = this.candidates.get(k);
      if (!c || t < c.time) this.candidates.set(k, { row, time: t, seq: this.seq++ });
    }
    if (lateRows.length) {
      this.late += lateRows.length;
      this.hooks.late(lateRows, { input: 0, watermark: this.watermark });
    }
  }

  onWatermark(time: number): void {
    this.watermark = time;
    if (this.node.dedup === 'first') {
      const now = this.now();
      const ready: [unknown, FirstCandidate][] = [];
      for (const e of this.candidates) if (e[1].time <= time) ready.push(e);
      if (ready.length) {
        ready.sort((a, b) => a[1].time - b[1].time || a[1].seq - b[1].seq);
        const rows: Row[] = [];
        for (const [k, c] of ready) {
          this.candidates.delete(k);
          this.done.set(k, now);
          rows.push(this.emitRow(c.row, 1));
        }
        this.out.data(rows);
      }
    }
    this.expireIdle();
    this.out.watermark(time);
  }

  private expireIdle(): void {
    this.parts.expireIdle();
    this.done.expireIdle();
  }

  /** Rows whose rank-end column disagreed with their partition's first row (the first value is kept). */
  mismatchedRankEnds(): number {
    return this.mismatchedEnds;
  }

  lateCount(): number {
    return this.late;
  }

  snapshot(): unknown {
    return { parts: this.parts, candidates: this.candidates, done: this.done, seq: this.seq, watermark: this.watermark };
  }

  restore(state: unknown): void {
    const s = state as { parts: Map<unknown, Partition>; candidates: Map<unknown, FirstCandidate>; done: Map<unknown, number>; seq: number; watermark: number };
    this.parts.load(s.parts);
    this.candidates = s.candidates;
    this.done.load(s.done);
    this.seq = s.seq;
    this.watermark = s.watermark;
  }
}

/** A rank end read from a column: NULL keeps no rows (Flink reads a NULL field as 0). */
function rankEnd(v: unknown): number {
  if (v === null || v === undefined) return 0;
  return Number(v);
}

export function sameRow(a: Row, b: Row): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') {
      if (typeof x === 'bigint' || typeof y === 'bigint') {
        if (x !== null && y !== null && BigInt(x as never) === BigInt(y as never)) continue;
      }
      return false;
    }
    if (!L.eq(x, y)) return false;
  }
  return true;
}
