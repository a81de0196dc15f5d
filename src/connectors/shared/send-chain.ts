import type { SinkMetrics } from '../../core/connector.js';
import { externalError } from '../../core/errors.js';

/**
 * The background sends of a sink. Sends run one after another (a chain), so output order holds, while
 * they overlap with the dataflow, which keeps writing. The first failure since the last flush is kept,
 * and `flush` rejects with it: a send failing in the background surfaces at the next checkpoint.
 */
export class SendChain {
  private tail: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(private readonly metrics: SinkMetrics) {}

  /** Queues `send` after the sends already queued; what it throws is kept for the next flush. */
  add(send: () => Promise<void>): void {
    this.tail = this.tail.then(send).catch((e: unknown) => {
      this.failure ??= e;
    });
  }

  /** Resolves when every queued send has completed. */
  settled(): Promise<void> {
    return this.tail;
  }

  /**
   * Waits for the queued sends (after `startSend` has queued what is buffered) and records the flush
   * latency; rejects with a retriable external error, `describe(message)`, if any send failed.
   */
  async flush(startSend: () => void, describe: (message: string) => string): Promise<void> {
    const start = performance.now();
    startSend();
    await this.tail;
    this.metrics.flushLatencySeconds.observe((performance.now() - start) / 1000);
    if (this.failure !== undefined) {
      const e = this.failure;
      this.failure = undefined;
      this.metrics.writeErrors.inc();
      throw externalError(describe((e as Error).message), { cause: e });
    }
  }
}
