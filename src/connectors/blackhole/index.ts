/**
 * The blackhole sink (Flink's 'blackhole' connector): takes every row and keeps none. For measuring a query
 * without a sink's cost, and for jobs run for their side effects or metrics; rows still count in the sink's
 * records-out metric, so a dashboard shows what would have been written.
 */
import type { BlackholeSinkConfig } from '../../config/index.js';
import type { Sink } from '../../core/connector.js';
import { noopSinkMetrics } from '../shared/noop-metrics.js';
import { defineSink } from '../connector.js';

export const blackholeSink = defineSink({
  kind: 'sink',
  name: 'blackhole',
  slice: (sink): BlackholeSinkConfig | undefined => (sink.type === 'blackhole' ? sink : undefined),
  validate: () => {},
  create: (_sink, ctx): Sink => {
    const metrics = ctx.metrics ?? noopSinkMetrics;
    return {
      name: ctx.name ?? 'blackhole',
      async open() {},
      write(batch) {
        if (batch.rows.length > 0) metrics.recordsOut.inc(batch.rows.length);
      },
      async flush() {},
      async close() {},
    };
  },
});
