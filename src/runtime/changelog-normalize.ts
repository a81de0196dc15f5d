import { RowKind, type Row } from '../core/types.js';
import { keyText } from './lookup-join.js';
import type { Operator, OperatorContext } from './operator.js';
import { sameRow } from './rank.js';
import { KeyedState } from './state/keyed-state.js';
import type { StateSpec } from './state/versioned.js';

/** The last row of one key, and when it was last touched (idle-state retention). */
interface LastRow {
  row: Row;
  touchedAt: number;
}

export interface ChangelogNormalizeSpec {
  /** Column positions of the primary key. */
  readonly keys: readonly number[];
}

/**
 * ChangelogNormalize: turns an upsert stream (each value an insert-or-update of its key, a delete that may
 * carry only the key: a Kafka tombstone) into a retract stream, keeping the last row per primary key, as
 * Flink's planner does above an upsert-kafka source (DeduplicateFunctionHelper.processLastRowOnChangelog with
 * UPDATE_BEFORE generated):
 *
 * - +I / +U of a key without a row: +I; of a key with a row: -U (the stored row) then +U, and the row is
 *   replaced. A row equal to the stored one emits nothing, unless idle-state retention is on (then -U/+U
 *   are emitted anyway, so that downstream state is touched and does not expire early).
 * - -D / -U of a key with a row: -D of the stored row (the full row: the input may hold only the key), and
 *   the key is forgotten; of a key without a row: nothing.
 */
export class ChangelogNormalizeOperator implements Operator {
  readonly name = 'ChangelogNormalize';
  readonly stateSpec: StateSpec = { kind: 'ChangelogNormalize', version: 1 };
  private readonly last: KeyedState<LastRow>;
  private readonly keyOf: (r: Row) => string;

  constructor(
    spec: ChangelogNormalizeSpec,
    private readonly ctx: OperatorContext,
  ) {
    this.last = new KeyedState<LastRow>(ctx);
    const keys = spec.keys;
    this.keyOf = (r) => keyText(keys.map((i) => r[i]));
  }

  process(rows: Row[], kinds: RowKind[] | undefined): void {
    const out: Row[] = [];
    const outKinds: RowKind[] = [];
    const now = this.ctx.now();
    const ttl = this.ctx.retentionMs > 0;
    this.last.expireIdle();
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const kind = kinds?.[i] ?? RowKind.Insert;
      const k = this.keyOf(row);
      const prev = this.last.forUpdate(k);
      if (kind === RowKind.Insert || kind === RowKind.UpdateAfter) {
        if (!prev) {
          out.push(row);
          outKinds.push(RowKind.Insert);
          this.last.set(k, { row, touchedAt: now });
          continue;
        }
        if (!ttl && sameRow(prev.row, row)) continue;
        out.push(prev.row, row);
        outKinds.push(RowKind.UpdateBefore, RowKind.UpdateAfter);
        this.last.set(k, { row, touchedAt: now });
      } else if (prev) {
        out.push(prev.row);
        outKinds.push(RowKind.Delete);
        this.last.delete(k);
      }
    }
    if (out.length) this.ctx.out.data(out, outKinds);
  }

  onWatermark(time: number): void {
    this.last.expireIdle();
    this.ctx.out.watermark(time);
  }

  snapshot(): unknown {
    return { last: this.last };
  }

  restore(state: unknown): void {
    this.last.load((state as { last: Map<unknown, LastRow> }).last);
  }
}
