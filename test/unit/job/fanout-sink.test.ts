import { describe, expect, it } from 'vitest';
import type { Sink } from '../../../src/core/connector.js';
import type { DataMessage } from '../../../src/core/types.js';
import { createFanOutSink } from '../../../src/job/fanout-sink.js';

/** An in-memory sink that records what it got and when it was flushed; `backlog` sinks report pending(). */
function recording(backlog: boolean, failFlush?: string) {
  const got: unknown[][] = [];
  let buffered = 0;
  let flushes = 0;
  const sink: Sink = {
    name: 'mem',
    open: async () => {},
    write: (b: DataMessage) => {
      got.push(...b.rows);
      buffered += b.rows.length;
    },
    flush: async () => {
      flushes++;
      if (failFlush) throw new Error(failFlush);
      buffered = 0;
    },
    ...(backlog ? { pending: () => buffered } : {}),
    close: async () => {},
  };
  return { sink, got, flushes: () => flushes };
}

describe('fan-out over SINKS', () => {
  it('gives every sink the same rows; each member flushes on its own schedule', async () => {
    const perBatch = recording(false);
    const batching = recording(true);
    const batching2 = recording(true);
    const mixed = createFanOutSink([
      { name: 'log', sink: perBatch.sink },
      { name: 'kafka', sink: batching.sink },
    ]);
    // The backlog is Kafka's; after a batch only the log sink is flushed (as it would be alone), Kafka waits.
    mixed.write({ kind: 'data', rows: [[1], [2]] });
    expect(mixed.pending!()).toBe(2);
    await mixed.afterBatch!();
    expect([perBatch.flushes(), batching.flushes()]).toEqual([1, 0]);
    mixed.write({ kind: 'data', rows: [[6]] });
    await mixed.afterBatch!();
    expect([perBatch.flushes(), batching.flushes()]).toEqual([2, 0]);
    expect(mixed.pending!()).toBe(3);
    // A checkpoint (or a tick) flushes every member.
    await mixed.flush();
    expect([perBatch.flushes(), batching.flushes()]).toEqual([3, 1]);
    expect(mixed.pending!()).toBe(0);
    expect(perBatch.got).toEqual(batching.got);
    // Only per-batch members: no backlog reported, so the job flushes the whole output after every batch.
    expect(createFanOutSink([{ name: 'log', sink: recording(false).sink }, { name: 'influx', sink: recording(false).sink }]).pending).toBeUndefined();
    const both = createFanOutSink([
      { name: 'kafka_0', sink: batching.sink },
      { name: 'kafka_1', sink: batching2.sink },
    ]);
    both.write({ kind: 'data', rows: [[3]] });
    batching2.sink.write({ kind: 'data', rows: [[4], [5]] });
    expect(both.pending!()).toBe(3); // the larger backlog decides
  });

  it('a failed flush names its sink, after the others have finished theirs', async () => {
    const ok = recording(true);
    const bad = recording(true, 'broker down');
    const fan = createFanOutSink([
      { name: 'influx', sink: bad.sink },
      { name: 'kafka', sink: ok.sink },
    ]);
    fan.write({ kind: 'data', rows: [[1]] });
    await expect(fan.flush()).rejects.toThrow('sink influx: broker down');
    expect(ok.flushes()).toBe(1);
  });
});
