/**
 * Asynchronous work run one piece after another, in the order it was queued: the batches of an operator that
 * waits for lookups, and the watermarks between them. After a failure nothing more runs and `pending()`
 * rejects with the first error; the job awaits it (the dataflow's `settle`) before a checkpoint.
 */
export class OrderedWork {
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;
  private error: unknown;

  /** Runs `work` now when nothing is queued, else after the queued work (in order). */
  after(work: () => void): void {
    if (this.queued === 0 && this.error === undefined) work();
    else this.enqueue(work);
  }

  /** Work still running (a promise that rejects if it failed), or undefined when idle. */
  pending(): Promise<void> | undefined {
    if (this.error !== undefined) return Promise.reject(this.error);
    if (this.queued === 0) return undefined;
    return this.tail.then(() => {
      if (this.error !== undefined) throw this.error;
    });
  }

  enqueue(work: () => void | Promise<void>): void {
    this.queued++;
    this.tail = this.tail
      .then(async () => {
        if (this.error === undefined) await work();
      })
      .catch((e: unknown) => {
        this.error ??= e;
      })
      .finally(() => {
        this.queued--;
      });
  }
}
