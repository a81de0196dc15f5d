import { describe, expect, it } from 'vitest';
import { checkpointObserver, operatorRecordCounter, outputLagTracker } from '../../../src/job/job-metrics.js';
import type { Checkpoint, CheckpointRecord } from '../../../src/runtime/checkpoint-store.js';
import { createTelemetry } from '../../../src/telemetry/telemetry.js';

/** The state, checkpoint and output-lag gauges a job fills (dirk_operator_state_*, dirk_checkpoint_size_bytes, dirk_output_event_time_lag_seconds). */
describe('job metrics', () => {
  it('creates operator state gauges at 0 and measures them at each checkpoint', async () => {
    const t = createTelemetry({ jobId: 'state' });
    const labels: string[] = [];
    const count = operatorRecordCounter(t, labels);
    count(0, 'Project[a, b]');
    count(1, 'WindowAggregate[TUMBLE panes of 60000 ms]');
    expect(labels).toEqual(['0:Project', '1:WindowAggregate']);
    let text = await t.registry.metrics();
    expect(text).toContain('dirk_operator_state_bytes{operator="1:WindowAggregate",job="state"} 0');

    const panes = new Map([['k1', { n: 1 }], ['k2', { n: 2 }], ['k3', { n: 3 }]]);
    const checkpoint = { id: 1, takenAt: 7, planFingerprint: 'x', positions: { t: { 'topic:0': '42' } }, watermarks: {}, operatorStates: [null, { $kind: 'window', $v: 1, data: { panes, fired: [1, 2] } }] } satisfies Checkpoint;
    const recorded: CheckpointRecord[] = [];
    const observe = checkpointObserver(t, labels, { fileBytes: () => 5000, record: (e) => recorded.push(e) });
    expect(await t.registry.metrics()).toContain('dirk_checkpoint_size_bytes{job="state"} 0');
    observe({ checkpoint, durationMs: 12 });
    text = await t.registry.metrics();
    expect(text).toContain('dirk_checkpoint_size_bytes{job="state"} 5000');
    expect(text).toContain('dirk_operator_state_keys{operator="1:WindowAggregate",job="state"} 3');
    expect(text).toContain('dirk_operator_state_bytes{operator="1:WindowAggregate",job="state"} 5000');
    expect(text).toContain('dirk_operator_state_bytes{operator="0:Project",job="state"} 0');
    expect(recorded).toEqual([{ id: 1, takenAt: 7, durationMs: 12, bytes: 5000, positions: { t: { 'topic:0': '42' } } }]);
  });

  it('reports now minus the event time the output reached', async () => {
    const t = createTelemetry({ jobId: 'lag' });
    let now = 100_000;
    const lag = outputLagTracker(t, 1, () => now);
    try {
      expect(await t.registry.metrics()).toContain('dirk_output_event_time_lag_seconds{job="lag"} 0');
      lag.rows([['a', 90_000], ['b', 95_000]]);
      lag.watermark(80_000); // behind the newest row: the row's time counts
      expect(await t.registry.metrics()).toContain('dirk_output_event_time_lag_seconds{job="lag"} 5');
      now = 120_000;
      lag.watermark(118_000);
      expect(await t.registry.metrics()).toContain('dirk_output_event_time_lag_seconds{job="lag"} 2');
    } finally {
      lag.close();
    }
  });
});
