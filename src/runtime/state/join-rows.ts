import type { Row } from '../../core/types.js';
import { sameRow } from '../rank.js';

/**
 * The rows a regular join stores under one key, with as few heap objects beside the rows as possible (issue 16).
 *
 * A regular join keeps every row of both sides until idle-state retention drops its key: millions of rows on
 * a join of two topics, and V8's collector spent more CPU marking and moving them than the job spent joining
 * (BENCHMARKS.md "Regular join at 3,000,000 bookings + 2,000,000 payments"). The first layout kept, per key,
 * an object with a list of rows (the list and its elements store), an object per row for its match count, and
 * the touch time as a boxed epoch number: five objects of bookkeeping per row of a key with one row. KeyRows
 * is one object: a key's one row and its match count sit in the object itself (`r`, `m` a number), from the
 * second row on `r` is the list of rows and `m` the list of their counts (a list of small integers, which V8
 * stores unboxed). `t` is the last touch in ms after the operator's clock base, a small integer, which V8
 * also keeps inside the object.
 *
 * Packing each row into one string (its JSON text) was measured too and not kept: JSON.stringify per stored
 * row and JSON.parse per probed row cost more CPU than the collector saved (BENCHMARKS.md "Join state: one object per key for the regular
 * join").
 */
export class KeyRows {
  constructor(
    /** The key's one row (`m` a number), or its rows in arrival order (`m` an array); null when it has none. */
    public r: Row | Row[] | null,
    /** Rows of the other side each row currently joins with. */
    public m: number | number[],
    /** Last touch, ms after the operator's clock base. */
    public t: number,
  ) {}

  get length(): number {
    return typeof this.m === 'number' ? (this.r === null ? 0 : 1) : this.m.length;
  }

  /** Row `i` (arrival order). */
  at(i: number): Row {
    return typeof this.m === 'number' ? (this.r as Row) : (this.r as Row[])[i]!;
  }

  /** Replaces row `i` (a restore re-cutting rows to the columns the join stores now). */
  setRowAt(i: number, row: Row): void {
    if (typeof this.m === 'number') this.r = row;
    else (this.r as Row[])[i] = row;
  }

  matchesAt(i: number): number {
    return typeof this.m === 'number' ? this.m : this.m[i]!;
  }

  setMatchesAt(i: number, n: number): void {
    if (typeof this.m === 'number') this.m = n;
    else this.m[i] = n;
  }

  add(row: Row, matches: number): void {
    if (typeof this.m !== 'number') {
      (this.r as Row[]).push(row);
      this.m.push(matches);
    } else if (this.r === null) {
      this.r = row;
      this.m = matches;
    } else {
      this.r = [this.r as Row, row];
      this.m = [this.m, matches];
    }
  }

  /** Removes the first stored row equal to `row` (one of several equal rows); false when there is none. */
  removeEqual(row: Row): boolean {
    if (typeof this.m === 'number') {
      if (this.r === null || !sameRow(this.r as Row, row)) return false;
      this.r = null;
      this.m = 0;
      return true;
    }
    const rows = this.r as Row[];
    const counts = this.m;
    for (let i = 0; i < rows.length; i++) {
      if (!sameRow(rows[i]!, row)) continue;
      rows.splice(i, 1);
      counts.splice(i, 1);
      if (rows.length === 1) {
        // Back to one row: no lists for it.
        this.r = rows[0]!;
        this.m = counts[0]!;
      }
      return true;
    }
    return false;
  }
}

/** A key's rows as checkpoints of the first layout held them (StateSpec StreamingJoin v1). */
interface KeyStateV1 {
  rows: { row: Row; matches: number }[];
  touchedAt: number;
}

/**
 * A restored entry as KeyRows on this operator's clock base `base`: from the current layout (a plain object
 * with KeyRows' fields, its touch time counted from `savedBase`) or from the first (an object per row with
 * its match count, and an absolute touch time).
 */
export function restoreKeyRows(v: unknown, savedBase: number, base: number): KeyRows {
  const old = v as Partial<KeyStateV1>;
  if (Array.isArray(old.rows)) {
    const e = new KeyRows(null, 0, (old.touchedAt ?? base) - base);
    for (const r of old.rows) e.add(r.row, r.matches);
    return e;
  }
  const s = v as KeyRows;
  return new KeyRows(s.r, s.m, savedBase + s.t - base);
}
