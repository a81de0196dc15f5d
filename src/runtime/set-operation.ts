import { RowKind, type Row } from '../core/types.js';
import { keyFunction } from './aggregates.js';
import type { Operator, OperatorContext, Output } from './operator.js';
import { KeyedState } from './state/keyed-state.js';
import type { StateSpec } from './state/versioned.js';

/**
 * INTERSECT [ALL] and EXCEPT [ALL] of two inputs. Each distinct row (all its columns) has a count per
 * input; the output holds it as many times as the operation gives for those counts, and every change of
 * that number is emitted at once: +I for each copy gained, -D for each copy lost. Retractions from an
 * updating input lower the counts. Flink plans these as an aggregation over both inputs, with the same
 * results; its state is likewise kept for every distinct row seen.
 */
interface Counts {
  readonly row: Row;
  left: number;
  right: number;
}

export class SetOperationOperator implements Operator {
  readonly name: string;
  readonly stateSpec: StateSpec = { kind: 'SetOperation', version: 1 };
  private readonly key: (r: Row) => unknown;
  private readonly multiplicity: (left: number, right: number) => number;
  /** Kept forever (as before: no idle-state expiry here); a KeyedState for the copy-on-write checkpoint capture. */
  private readonly counts: KeyedState<Counts>;

  private readonly out: Output;

  constructor(op: { readonly op: 'INTERSECT' | 'EXCEPT'; readonly all: boolean; readonly width: number }, ctx: OperatorContext) {
    const width = op.width;
    this.out = ctx.out;
    this.counts = new KeyedState<Counts>({ ...ctx, retentionMs: 0 }, () => 0);
    this.name = `${op.op}${op.all ? 'All' : ''}`;
    this.key = keyFunction(Array.from({ length: width }, (_, i) => (r: Row) => r[i]));
    if (op.op === 'INTERSECT') this.multiplicity = op.all ? (l, r) => Math.min(l, r) : (l, r) => (l > 0 && r > 0 ? 1 : 0);
    else this.multiplicity = op.all ? (l, r) => Math.max(0, l - r) : (l, r) => (l > 0 && r === 0 ? 1 : 0);
  }

  process(rows: Row[], kinds: RowKind[] | undefined, input: number): void {
    const outRows: Row[] = [];
    const outKinds: RowKind[] = [];
    rows.forEach((row, i) => {
      const kind = kinds ? kinds[i]! : RowKind.Insert;
      const delta = kind === RowKind.Insert || kind === RowKind.UpdateAfter ? 1 : -1;
      const k = this.key(row);
      let c = this.counts.forUpdate(k);
      if (!c) {
        if (delta < 0) return;
        c = { row, left: 0, right: 0 };
        this.counts.set(k, c);
      }
      const before = this.multiplicity(c.left, c.right);
      if (input === 0) c.left = Math.max(0, c.left + delta);
      else c.right = Math.max(0, c.right + delta);
      const after = this.multiplicity(c.left, c.right);
      for (let n = before; n < after; n++) {
        outRows.push(c.row);
        outKinds.push(RowKind.Insert);
      }
      for (let n = after; n < before; n++) {
        outRows.push(c.row);
        outKinds.push(RowKind.Delete);
      }
      if (c.left === 0 && c.right === 0) this.counts.delete(k);
    });
    if (outRows.length) this.out.data(outRows, outKinds);
  }

  snapshot(): unknown {
    return this.counts;
  }

  restore(state: unknown): void {
    this.counts.load(state as Map<unknown, Counts>);
  }
}
