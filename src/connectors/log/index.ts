/** The log sink: one line per row on stdout (or a given stream), for trying a query. */
import type { LogSinkConfig } from '../../config/index.js';
import { defineSink } from '../connector.js';

export const logSink = defineSink({
  kind: 'sink',
  name: 'log',
  slice: (sink): LogSinkConfig | undefined => (sink.type === 'log' ? sink : undefined),
  validate: () => {},
  create: async (_sink, ctx) => (await import('./log-sink.js')).createLogSink({ ...(ctx.name ? { name: ctx.name } : {}), columns: ctx.columns, metrics: ctx.metrics, ...(ctx.out ? { out: ctx.out } : {}) }),
});
