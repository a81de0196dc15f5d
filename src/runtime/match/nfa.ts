import type { Row } from '../../core/types.js';
import type { MatchElement } from '../../plan/nodes.js';

/**
 * The pattern automaton of MATCH_RECOGNIZE, with the semantics of Flink's CEP library for the patterns Flink's
 * SQL translates (a sequence of variables with quantifiers, strict contiguity):
 *
 * - every row may start a new partial match, and every partial match is advanced by every row of its
 *   partition: a row is taken into the current element (its condition holds and the count allows more),
 *   and, once the element has its minimum, the element may be left for the next one with the same row (an
 *   epsilon step), so one row can branch a partial match; a partial match no branch accepts is dropped;
 * - a match completes right after a take, when the element has its minimum and every later element is
 *   optional (CEP's "final state after proceed");
 * - a greedy looping element (`B*`, `B+`, `B{2,}` without `?`) gives the following element no row its own
 *   condition accepts (CEP adds NOT(B's take condition) to the transitions of the next element's first
 *   state: taking its first row, or skipping it when optional), which makes it take as many rows as it can;
 * - WITHIN drops a partial match once a row (or the watermark) is `within` ms or more after its first row.
 *
 * Partial matches are immutable: a branch copies the list of its matched rows (rows themselves are shared),
 * so a row is held only while some partial match holds it.
 */

export interface MatchedRow {
  readonly seq: number;
  readonly time: number;
  /** The pattern variable the row is mapped to. */
  readonly v: number;
  readonly row: Row;
}

export interface PartialMatch {
  /** Sequence number of the first row (-1 for the not yet started match). */
  readonly start: number;
  readonly startTime: number;
  /** The pattern element it is in, and how many rows that element has taken. */
  readonly elem: number;
  readonly count: number;
  readonly rows: readonly MatchedRow[];
}

export interface Candidate {
  readonly seq: number;
  readonly time: number;
  readonly row: Row;
}

/** DEFINE: does `c` satisfy `variable`'s condition, given the rows `pm` has mapped so far? */
export type ConditionTest = (variable: number, pm: PartialMatch, c: Candidate) => boolean;

export const EMPTY_MATCH: PartialMatch = { start: -1, startTime: 0, elem: 0, count: 0, rows: [] };

export interface StepResult {
  /** Partial matches that continue after the row. */
  readonly next: PartialMatch[];
  /** Matches the row completed. */
  readonly complete: PartialMatch[];
}

/** Advances one partial match by one row. */
export function advance(
  pattern: readonly MatchElement[],
  test: ConditionTest,
  pm: PartialMatch,
  c: Candidate,
  into: StepResult,
  /** Told of every new partial match and the one it grew from (for state derived per partial match). */
  onTake?: (child: PartialMatch, parent: PartialMatch) => void,
): void {
  const n = pattern.length;
  // Conditions are evaluated at most once per (variable) for this partial match and row.
  const memo = new Map<number, boolean>();
  const holds = (variable: number): boolean => {
    let r = memo.get(variable);
    if (r === undefined) {
      r = test(variable, pm, c);
      memo.set(variable, r);
    }
    return r;
  };
  // The greedy element before `i` would take this row itself: element i may neither take it nor be left with it.
  const blocked = (i: number): boolean => i > 0 && pattern[i - 1]!.greedy && holds(pattern[i - 1]!.variable);
  const restOptional = (from: number): boolean => {
    for (let j = from; j < n; j++) if (pattern[j]!.min > 0 || blocked(j)) return false;
    return true;
  };
  const visit = (i: number, count: number): void => {
    const el = pattern[i]!;
    // CEP guards the transitions of the element's first state only: once it has a row, it is in its own
    // (looping or next) state.
    if (count === 0 && blocked(i)) return;
    if ((el.max === null || count < el.max) && holds(el.variable)) {
      const taken: PartialMatch = {
        start: pm.start < 0 ? c.seq : pm.start,
        startTime: pm.start < 0 ? c.time : pm.startTime,
        elem: i,
        count: count + 1,
        rows: [...pm.rows, { seq: c.seq, time: c.time, v: el.variable, row: c.row }],
      };
      onTake?.(taken, pm);
      const canGrow = el.max === null || count + 1 < el.max;
      if (canGrow || i + 1 < n) into.next.push(taken);
      if (count + 1 >= el.min && restOptional(i + 1)) into.complete.push(taken);
    }
    if (count >= el.min && i + 1 < n) visit(i + 1, 0);
  };
  visit(pm.elem, pm.count);
}

/** Which partial and completed matches a found match removes (AFTER MATCH SKIP ...): starts at or before `upTo`, or before `below`. */
export interface Pruning {
  readonly startAtOrBefore?: number;
  readonly startBefore?: number;
}

export function pruned(p: PartialMatch, rule: Pruning): boolean {
  if (rule.startAtOrBefore !== undefined) return p.start <= rule.startAtOrBefore;
  if (rule.startBefore !== undefined) return p.start < rule.startBefore;
  return false;
}
