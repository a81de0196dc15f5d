import { userError } from '../../core/errors.js';
import type { Row } from '../../core/types.js';

/**
 * The columns a regular join stores of each side's rows, and the functions that cut an arriving row down to
 * them and build output rows from stored ones (issue 16).
 *
 * A join keeps every row of both sides; a row as a source decodes it has the table's full width, with NULL in
 * the columns the query does not read (the decoders skip them, but the slots are there). The planner knows
 * which of the join's output columns are read above it (`computeUsedColumns`, plan/walk.ts); the join needs
 * those, and the columns its residual condition reads, and nothing else: the key is the state's own key. So a
 * stored row is a short array of those columns in their order (`keep`), and an output row is built from two
 * stored rows with NULL in every column not stored. Both the insert and the later retraction of an output row
 * are built that way, so an operator above that compares whole rows (Top-N, a set operation reads every
 * column anyway) sees them equal; an arriving retraction is cut the same way as the insert it retracts, so
 * `sameRow` still finds the stored row.
 *
 * `keep[s]` null: side `s` stores every column (no column of it is unread above the join, or the plan did not
 * say which are read): the arriving row itself is stored, as before.
 */
export interface JoinColumns {
  /** Sorted column positions stored per side; null: every column (the row as it arrives). */
  readonly keep: readonly [readonly number[] | null, readonly number[] | null];
  /** The stored form of an arriving row of each side. */
  readonly cut: readonly [(row: Row) => Row, (row: Row) => Row];
  /** The output row of a stored left and a stored right row (left columns then right columns). */
  readonly joined: (l: Row, r: Row) => Row;
  /** A stored left row padded with NULLs for the right side, and the other way round. */
  readonly padLeft: (l: Row) => Row;
  readonly padRight: (r: Row) => Row;
  /** The left input's row (a semi / anti join's output) from a stored left row. */
  readonly leftRow: (l: Row) => Row;
  /** Where a column of the joined row (left then right) sits in a stored left row followed by a stored right row. */
  readonly pairIndex: (col: number) => number;
  /** Widths of the stored rows. */
  readonly storedWidths: readonly [number, number];
}

/** The stored form of a side whose stored columns are none (a semi join's right side without residual). */
const NO_COLUMNS: Row = Object.freeze([]) as unknown as Row;

/**
 * The stored columns of a join with inputs of `widths`: those of `used` (positions in the joined row, left
 * then right; undefined: all) and those the residual condition reads (`residualCols`, same positions).
 */
export function joinColumns(widths: readonly [number, number], used: ReadonlySet<number> | undefined, residualCols: ReadonlySet<number>): JoinColumns {
  const [lw, rw] = widths;
  const sides: [Set<number>, Set<number>] = [new Set(), new Set()];
  const all = used ?? new Set([...Array(lw + rw).keys()]);
  for (const c of [...all, ...residualCols]) {
    if (c < lw) sides[0].add(c);
    else if (c < lw + rw) sides[1].add(c - lw);
  }
  const keepOf = (s: Set<number>, w: number): number[] | null => (s.size >= w ? null : [...s].sort((a, b) => a - b));
  return layout([keepOf(sides[0], lw), keepOf(sides[1], rw)], widths);
}

/** The functions of a layout (generated once per operator: one array literal per row, no loop). */
export function layout(keep: readonly [readonly number[] | null, readonly number[] | null], widths: readonly [number, number]): JoinColumns {
  const [lw, rw] = widths;
  // The expression reading column `c` of side `v` ('l' or 'r') from its stored row, or null when not stored.
  const slot = (v: string, k: readonly number[] | null, c: number): string => {
    if (k === null) return `${v}[${c}]`;
    const at = k.indexOf(c);
    return at < 0 ? 'null' : `${v}[${at}]`;
  };
  const side = (v: string, k: readonly number[] | null, w: number, present: boolean): string[] =>
    [...Array(w).keys()].map((c) => (present ? slot(v, k, c) : 'null'));
  const fn = (args: string, items: string[]): ((...a: Row[]) => Row) => new Function(...args.split(','), `"use strict"; return [${items.join(', ')}];`) as (...a: Row[]) => Row;
  const cutOf = (k: readonly number[] | null): ((row: Row) => Row) => {
    if (k === null) return (row) => row;
    if (k.length === 0) return () => NO_COLUMNS;
    return fn('r', k.map((c) => `r[${c}]`));
  };
  const [kl, kr] = keep;
  const sl = kl?.length ?? lw;
  return {
    keep,
    cut: [cutOf(kl), cutOf(kr)],
    joined: fn('l,r', [...side('l', kl, lw, true), ...side('r', kr, rw, true)]),
    padLeft: fn('l', [...side('l', kl, lw, true), ...side('r', kr, rw, false)]),
    padRight: fn('r', [...side('l', kl, lw, false), ...side('r', kr, rw, true)]),
    leftRow: kl === null ? (l) => l : fn('l', side('l', kl, lw, true)),
    pairIndex: (c) => (c < lw ? (kl === null ? c : kl.indexOf(c)) : sl + (kr === null ? c - lw : kr.indexOf(c - lw))),
    storedWidths: [sl, kr?.length ?? rw],
  };
}

/**
 * A function taking a row stored as `saved` (a side's stored columns in a checkpoint; null: every column of
 * `width`) to the layout `now` stores; undefined when both are the same. A column `now` stores that the
 * checkpoint did not is a user error: the checkpoint cannot give it back.
 */
export function restoredRow(saved: readonly number[] | null, now: readonly number[] | null, width: number, side: string): ((row: Row) => Row) | undefined {
  if (saved === null && now === null) return undefined;
  if (saved !== null && now !== null && saved.length === now.length && saved.every((c, i) => c === now[i])) return undefined;
  const wanted = now ?? [...Array(width).keys()];
  const from = wanted.map((c) => (saved === null ? c : saved.indexOf(c)));
  const missing = wanted.filter((_c, i) => from[i]! < 0);
  if (missing.length > 0) {
    throw userError(
      `the checkpoint's regular join stored columns [${saved!.join(', ')}] of its ${side} input, but this query reads columns [${missing.join(', ')}] of it above the join: the query changed since the checkpoint was taken; start without the checkpoint`,
    );
  }
  if (wanted.length === 0) return () => NO_COLUMNS;
  return new Function('r', `"use strict"; return [${from.map((i) => `r[${i}]`).join(', ')}];`) as (row: Row) => Row;
}
