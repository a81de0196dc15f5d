import type { SourceBatch } from '../core/connector.js';
import type { RowOrigin } from '../connectors/kafka/oversized-records.js';

/**
 * Which input the dataflow is working on, so a sink that cannot write a row can name where the row came
 * from. Deliveries are serialised (one batch or one watermark step at a time), so one current value is
 * exact: it is set around each delivery and each watermark step and cleared after.
 */
export class RowOriginTracker {
  private current: RowOrigin | undefined;

  /** The rows being pushed come from this source batch. */
  batch(table: string, batch: SourceBatch): void {
    const offsets = batch.offsets;
    this.current = {
      table,
      split: batch.split,
      ...(offsets && offsets.length > 0 ? { firstOffset: offsets[0]!, lastOffset: offsets[offsets.length - 1]! } : {}),
    };
  }

  /** Rows emitted during `step` come from event time moving (windows, timers), not from one record. */
  duringWatermark(table: string, watermark: number, step: () => void): void {
    const before = this.current;
    this.current = { table, watermark };
    try {
      step();
    } finally {
      this.current = before;
    }
  }

  clear(): void {
    this.current = undefined;
  }

  readonly get = (): RowOrigin | undefined => this.current;
}
