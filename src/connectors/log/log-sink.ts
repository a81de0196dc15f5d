/**
 * The log sink: one line per row on stdout, `+I {col=value, ...}` (Dagger logs the same map of non-null
 * columns; we add the changelog kind, ISO timestamps, exact bigints and readable nested values).
 * No delivery guarantee beyond stdout (as in Dagger); flush() waits until stdout has taken the bytes.
 */
import type { Sink, SinkMetrics } from '../../core/connector.js';
import type { DataMessage, Field } from '../../core/types.js';
import { RowKind } from '../../core/types.js';
import { noopSinkMetrics } from '../shared/noop-metrics.js';
import { ROW_KIND_LABEL, rowFormatter } from './format.js';

export interface LogSinkOptions {
  readonly name?: string;
  readonly columns: readonly Field[];
  /** Where lines go (default process.stdout); must accept a chunk of whole lines. */
  readonly out?: NodeJS.WritableStream;
  readonly metrics?: SinkMetrics;
}

export function createLogSink(options: LogSinkOptions): Sink {
  const out = options.out ?? process.stdout;
  const metrics = options.metrics ?? noopSinkMetrics;
  const format = rowFormatter(options.columns);
  let pending: Promise<void> | undefined;

  return {
    name: options.name ?? 'log',
    async open() {},
    write(batch: DataMessage) {
      const { rows, rowKinds } = batch;
      if (rows.length === 0) return;
      let text = '';
      for (let i = 0; i < rows.length; i++) {
        const kind = rowKinds?.[i] ?? RowKind.Insert;
        text += `${ROW_KIND_LABEL[kind]} ${format(rows[i]!)}\n`;
      }
      metrics.recordsOut.inc(rows.length);
      metrics.bytesOut.inc(Buffer.byteLength(text));
      // Lines appear as rows arrive; a full pipe buffer is waited for in flush(), not here.
      if (!out.write(text) && !pending) {
        pending = new Promise<void>((resolve) => out.once('drain', () => resolve())).finally(() => {
          pending = undefined;
        });
      }
    },
    async flush() {
      const start = performance.now();
      if (pending) await pending;
      metrics.flushLatencySeconds.observe((performance.now() - start) / 1000);
    },
    async close() {
      if (pending) await pending;
    },
  };
}
