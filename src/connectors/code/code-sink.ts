/**
 * The code sink: hands each result row to the program that embeds Dirk, as a change (row kind + columns by
 * name), either to an `onRow` callback or through an async iterator. It is chosen by the library API
 * (`startJob(job, { onRow })` / `{ changes: true }`), not by SINK_TYPE, so it is not in the config registry.
 *
 * Delivery is at-least-once like the other sinks: a checkpoint flushes the sink before committing source
 * offsets, and `flush()` resolves only once the program has taken every row (the callback's promises have
 * resolved, the iterator has consumed the queue). A slow consumer therefore slows the job (backpressure)
 * instead of growing a queue without bound: `pending()` reports the unconsumed rows.
 */
import type { Sink, SinkMetrics } from '../../core/connector.js';
import { RowKind, type DataMessage, type Field, type Row } from '../../core/types.js';
import { noopSinkMetrics } from '../shared/noop-metrics.js';

export type ChangeKind = 'insert' | 'update_before' | 'update_after' | 'delete';

/** One result row: its kind (Flink's +I, -U, +U, -D) and its columns by name. */
export interface Change<R extends Record<string, unknown> = Record<string, unknown>> {
  readonly kind: ChangeKind;
  readonly row: R;
}

const KIND: Record<RowKind, ChangeKind> = {
  [RowKind.Insert]: 'insert',
  [RowKind.UpdateBefore]: 'update_before',
  [RowKind.UpdateAfter]: 'update_after',
  [RowKind.Delete]: 'delete',
};

export interface CodeSinkOptions {
  readonly columns: readonly Field[];
  /** Called once per row, in order; a returned promise is awaited before the next checkpoint completes. */
  readonly onRow?: ((change: Change) => void | Promise<void>) | undefined;
  readonly metrics?: SinkMetrics;
}

export interface CodeSink extends Sink {
  /** The rows as an async iterator (only without `onRow`); ends when the job ends. One iterator per sink. */
  changes(): AsyncIterableIterator<Change>;
}

export function createCodeSink(options: CodeSinkOptions): CodeSink {
  const names = options.columns.map((c) => c.name);
  const metrics = options.metrics ?? noopSinkMetrics;
  const toChange = (row: Row, kind: RowKind): Change => {
    const named: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) named[names[i]!] = row[i];
    return { kind: KIND[kind], row: named };
  };

  // Callback mode: the promises the callback returned and that have not settled yet.
  let inFlight: Promise<void>[] = [];
  let callbackError: unknown;
  // Iterator mode: rows not yet taken, a consumer waiting for one, flushes waiting for the queue to empty.
  const queue: Change[] = [];
  let waiting: ((r: IteratorResult<Change>) => void) | undefined;
  let drained: (() => void)[] = [];
  let ended = false;
  let detached = false;
  let iterating = false;

  const settleDrained = (): void => {
    if (queue.length > 0 && !detached) return;
    for (const d of drained.splice(0)) d();
  };

  const push = (change: Change): void => {
    if (options.onRow) {
      const r = options.onRow(change);
      if (r && typeof (r as Promise<void>).then === 'function') {
        const p = (r as Promise<void>).catch((e: unknown) => void (callbackError ??= e));
        inFlight.push(p);
      }
      return;
    }
    if (detached) return;
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w({ value: change, done: false });
    } else queue.push(change);
  };

  return {
    name: 'code',
    async open() {},
    write(batch: DataMessage) {
      const kinds = batch.rowKinds;
      for (let i = 0; i < batch.rows.length; i++) push(toChange(batch.rows[i]!, kinds?.[i] ?? RowKind.Insert));
      metrics.recordsOut.inc(batch.rows.length);
    },
    async flush() {
      const started = Date.now();
      const waitingFor = inFlight;
      inFlight = [];
      await Promise.all(waitingFor);
      if (callbackError !== undefined) {
        const e = callbackError;
        callbackError = undefined;
        metrics.writeErrors.inc();
        throw new Error(`onRow failed: ${(e as Error).message ?? String(e)}`, { cause: e });
      }
      if (queue.length > 0 && !detached) await new Promise<void>((resolve) => drained.push(resolve));
      metrics.flushLatencySeconds.observe((Date.now() - started) / 1000);
    },
    pending: () => inFlight.length + (detached ? 0 : queue.length),
    async close() {
      ended = true;
      if (waiting && queue.length === 0) {
        const w = waiting;
        waiting = undefined;
        w({ value: undefined, done: true });
      }
    },
    changes() {
      if (options.onRow) throw new Error('changes(): this job hands its rows to onRow; start it with { changes: true } instead to iterate');
      if (iterating) throw new Error('changes(): the rows can be iterated once; keep the first iterator');
      iterating = true;
      const iterator: AsyncIterableIterator<Change> = {
        next() {
          const value = queue.shift();
          if (value !== undefined) {
            settleDrained();
            return Promise.resolve({ value, done: false });
          }
          if (ended || detached) return Promise.resolve({ value: undefined, done: true });
          return new Promise((resolve) => (waiting = resolve));
        },
        // Leaving the loop early (break): the program no longer takes rows, so the job stops waiting for it.
        return() {
          detached = true;
          queue.length = 0;
          settleDrained();
          return Promise.resolve({ value: undefined, done: true });
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
  };
}
