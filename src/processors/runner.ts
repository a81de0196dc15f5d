import type { Row, RowKind } from '../core/types.js';
import type { Stage, StageBatch, StageContext } from './types.js';

/**
 * Runs a chain of stages behind the dataflow: batches and watermarks go through the stages one at a time,
 * in arrival order, on one promise chain, and what leaves the last stage goes to `emit` (the sink). Pushing
 * never blocks: the job keeps delivering while lookups run, up to a backlog it checks with `backlog()`.
 * `settle()` waits until everything pushed so far has been emitted; the job calls it before a checkpoint
 * (so offsets are committed only for rows that reached the sink, as Flink's async operator drains its
 * queue at a barrier) and at the end of bounded input. A stage failure stops the chain; `settle()` then
 * rejects with it and `onError` hears about it at once.
 */
export class StageRunner {
  private tail: Promise<void> = Promise.resolve();
  private queuedRows = 0;
  private queuedItems = 0;
  private error: unknown;

  constructor(
    readonly stages: readonly Stage[],
    private readonly emit: (batch: StageBatch) => void,
    private readonly onError: (e: unknown) => void,
  ) {}

  async open(ctx: StageContext): Promise<void> {
    for (const s of this.stages) await s.open?.(ctx);
  }

  async close(): Promise<void> {
    const errors: unknown[] = [];
    for (const s of [...this.stages].reverse()) {
      try {
        await s.close?.();
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length) throw errors[0];
  }

  push(rows: Row[], kinds: RowKind[] | undefined, origin: string | undefined): void {
    if (rows.length === 0) return;
    const batch: StageBatch = { rows, ...(kinds ? { kinds } : {}), ...(origin ? { origin } : {}) };
    this.queuedRows += rows.length;
    this.enqueue(() => this.runFrom(0, batch), rows.length);
  }

  watermark(time: number): void {
    if (!this.stages.some((s) => s.onWatermark)) return;
    this.enqueue(async () => {
      for (let i = 0; i < this.stages.length; i++) {
        const s = this.stages[i]!;
        if (!s.onWatermark) continue;
        const out = await s.onWatermark(time);
        if (out && out.rows.length) await this.runFrom(i + 1, out);
      }
    }, 0);
  }

  /** Rows pushed and not yet emitted. */
  backlog(): number {
    return this.queuedRows;
  }

  /** Resolves when everything pushed so far is emitted and every stage's background work is done. */
  async settle(): Promise<void> {
    if (this.error !== undefined) throw this.error;
    if (this.queuedItems > 0) await this.tail;
    if (this.error !== undefined) throw this.error;
    for (const s of this.stages) await s.drain?.();
  }

  /** Stage states for a checkpoint; call after settle(). */
  snapshot(): unknown[] {
    return this.stages.map((s) => (s.snapshot ? s.snapshot() : null));
  }

  restore(states: readonly unknown[]): void {
    this.stages.forEach((s, i) => {
      const st = states[i];
      if (st !== undefined && st !== null) s.restore?.(st);
    });
  }

  private async runFrom(start: number, batch: StageBatch): Promise<void> {
    let b = batch;
    for (let i = start; i < this.stages.length && b.rows.length > 0; i++) b = await this.stages[i]!.process(b);
    if (b.rows.length > 0) this.emit(b);
  }

  private enqueue(work: () => Promise<void>, rows: number): void {
    this.queuedItems++;
    this.tail = this.tail
      .then(async () => {
        if (this.error === undefined) await work();
      })
      .catch((e: unknown) => {
        if (this.error === undefined) {
          this.error = e;
          this.onError(e);
        }
      })
      .finally(() => {
        this.queuedItems--;
        this.queuedRows -= rows;
      });
  }
}
