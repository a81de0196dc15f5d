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

/**
 * Both sides' rows under one join key, in one object (StreamingJoin state version 4). A join looks a key up once
 * per row instead of three times (its own side, the other side, and a second time to store a new key): with
 * millions of keys each Map lookup is a few cache misses, and the three were 31% of the regular join's CPU
 * profile (BENCHMARKS.md, "Regular join: one Map for both sides"). Each side keeps KeyRows' layout: `r0`/`m0`
 * the left rows and their match counts (a row and a number for one row, lists from the second), `r1`/`m1` the
 * right's; `t` the last touch of the key (either side: a probe touches the side it probes, as before).
 */
export class JoinKeyRows {
  constructor(
    public r0: Row | Row[] | null,
    public m0: number | number[],
    public r1: Row | Row[] | null,
    public m1: number | number[],
    /** Last touch, ms after the operator's clock base. */
    public t: number,
  ) {}

  /** A key's entry with one row on side `s`. */
  static of(s: 0 | 1, row: Row, matches: number, t: number): JoinKeyRows {
    return s === 0 ? new JoinKeyRows(row, matches, null, 0, t) : new JoinKeyRows(null, 0, row, matches, t);
  }

  /** Rows stored on side `s`. */
  length(s: 0 | 1): number {
    const m = s === 0 ? this.m0 : this.m1;
    if (typeof m !== 'number') return m.length;
    return (s === 0 ? this.r0 : this.r1) === null ? 0 : 1;
  }

  /** Row `i` of side `s` (arrival order). */
  at(s: 0 | 1, i: number): Row {
    const r = s === 0 ? this.r0 : this.r1;
    return typeof (s === 0 ? this.m0 : this.m1) === 'number' ? (r as Row) : (r as Row[])[i]!;
  }

  /** Replaces row `i` of side `s` (a restore re-cutting rows to the columns the join stores now). */
  setRowAt(s: 0 | 1, i: number, row: Row): void {
    const single = typeof (s === 0 ? this.m0 : this.m1) === 'number';
    if (!single) (s === 0 ? (this.r0 as Row[]) : (this.r1 as Row[]))[i] = row;
    else if (s === 0) this.r0 = row;
    else this.r1 = row;
  }

  matchesAt(s: 0 | 1, i: number): number {
    const m = s === 0 ? this.m0 : this.m1;
    return typeof m === 'number' ? m : m[i]!;
  }

  setMatchesAt(s: 0 | 1, i: number, n: number): void {
    const m = s === 0 ? this.m0 : this.m1;
    if (typeof m !== 'number') m[i] = n;
    else if (s === 0) this.m0 = n;
    else this.m1 = n;
  }

  add(s: 0 | 1, row: Row, matches: number): void {
    const r = s === 0 ? this.r0 : this.r1;
    const m = s === 0 ? this.m0 : this.m1;
    if (typeof m !== 'number') {
      (r as Row[]).push(row);
      m.push(matches);
      return;
    }
    this.put(s, r === null ? row : [r as Row, row], r === null ? matches : [m, matches]);
  }

  /** Side `s`'s rows and counts become `r` and `m`. */
  private put(s: 0 | 1, r: Row | Row[] | null, m: number | number[]): void {
    if (s === 0) {
      this.r0 = r;
      this.m0 = m;
    } else {
      this.r1 = r;
      this.m1 = m;
    }
  }

  /** Removes side `s`'s first stored row equal to `row` (one of several equal rows); false when there is none. */
  removeEqual(s: 0 | 1, row: Row): boolean {
    const r = s === 0 ? this.r0 : this.r1;
    const m = s === 0 ? this.m0 : this.m1;
    let nr: Row | Row[] | null;
    let nm: number | number[];
    if (typeof m === 'number') {
      if (r === null || !sameRow(r as Row, row)) return false;
      nr = null;
      nm = 0;
    } else {
      const rows = r as Row[];
      const i = rows.findIndex((x) => sameRow(x, row));
      if (i < 0) return false;
      rows.splice(i, 1);
      m.splice(i, 1);
      // Back to one row: no lists for it.
      nr = rows.length === 1 ? rows[0]! : rows;
      nm = rows.length === 1 ? m[0]! : m;
    }
    this.put(s, nr, nm);
    return true;
  }

  /** Neither side has a row left. */
  isEmpty(): boolean {
    return this.length(0) === 0 && this.length(1) === 0;
  }

  /** Side `s` as a KeyRows (tests, and snapshots' readers). */
  side(s: 0 | 1): KeyRows {
    return s === 0 ? new KeyRows(this.r0, this.m0, this.t) : new KeyRows(this.r1, this.m1, this.t);
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

/** A restored version 4 entry (a plain object with JoinKeyRows' fields) on this operator's clock base `base`. */
export function restoreJoinKeyRows(v: unknown, savedBase: number, base: number): JoinKeyRows {
  const s = v as JoinKeyRows;
  return new JoinKeyRows(s.r0, s.m0, s.r1, s.m1, savedBase + s.t - base);
}

/** Versions 1-3 kept a Map per side: one entry per key, touched at the later of its sides' touches. */
export function mergeSides(left: ReadonlyMap<unknown, KeyRows>, right: ReadonlyMap<unknown, KeyRows>): Map<unknown, JoinKeyRows> {
  const out = new Map<unknown, JoinKeyRows>();
  for (const [k, e] of left) out.set(k, new JoinKeyRows(e.r, e.m, null, 0, e.t));
  for (const [k, e] of right) {
    const have = out.get(k);
    if (!have) out.set(k, new JoinKeyRows(null, 0, e.r, e.m, e.t));
    else {
      have.r1 = e.r;
      have.m1 = e.m;
      have.t = Math.max(have.t, e.t);
    }
  }
  return out;
}
