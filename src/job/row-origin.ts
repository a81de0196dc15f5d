import type { SourceBatch } from '../core/connector.js';
import type { RowOrigin } from '../connectors/kafka/oversized-records.js';

interface WatermarkPort {
  watermark(time: number): void;
}

/**
 * Which input the dataflow is working on, so a sink that cannot write a row can name where the row came
 * from. Deliveries are serialised (one batch or one watermark step at a time), so one current value is
 * exact. The job wires it in by wrapping what it already has: the UDF runtime's per-batch hook (told the
 * batch being processed) and each input's watermark ports (rows emitted while event time moves come from
 * windows and timers, not from one record).
 */
export class RowOriginTracker {
  private current: RowOrigin | undefined;

  readonly get = (): RowOrigin | undefined => this.current;

  /** The rows being pushed come from this source batch (undefined: the batch is done). */
  batch(batch: SourceBatch | undefined): void {
    if (!batch) {
      this.current = undefined;
      return;
    }
    const offsets = batch.offsets;
    this.current = {
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

  /** An input's watermark ports, reporting their steps here. */
  ports<P extends WatermarkPort>(table: string, ports: readonly P[]): WatermarkPort[] {
    return ports.map((p) => ({ watermark: (wm: number) => this.duringWatermark(table, wm, () => p.watermark(wm)) }));
  }

  /** The UDF runtime's per-batch hook, also telling this tracker. */
  udfs<U extends { setBatch(batch: SourceBatch | undefined): void; flush(): void }>(udfs: U): { setBatch(batch: SourceBatch | undefined): void; flush(): void } {
    return {
      setBatch: (b) => {
        this.batch(b);
        udfs.setBatch(b);
      },
      flush: () => udfs.flush(),
    };
  }
}
