import type { SinkMetrics } from '../../core/connector.js';

/** Metrics that count nothing, for sinks built outside a job (tests, tools). Sinks do not import telemetry. */
export const noopSinkMetrics: SinkMetrics = {
  recordsOut: { inc() {} },
  bytesOut: { inc() {} },
  writeErrors: { inc() {} },
  flushLatencySeconds: { observe() {} },
};
