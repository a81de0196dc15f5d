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
  it('gives every sink the same rows and flushes each on its own terms', async () => {
    const perBatch = recording(false);
    const batching = recording(true);
    const fan = createFanOutSink([
      { name: 'log', sink: perBatch.sink },
      { name: 'kafka', sink: batching.sink },
    ]);
    fan.write({ kind: 'data', rows: [[1], [2]] });
    expect(await fan.flushDue(10)).toBe(true);
    expect(perBatch.flushes()).toBe(1);
    expect(batching.flushes()).toBe(0); // backlog 2 <= 10: waits for the checkpoint
    fan.write({ kind: 'data', rows: Array.from({ length: 20 }, (_, i) => [i]) });
    await fan.flushDue(10);
    expect(batching.flushes()).toBe(1); // backlog 22 > 10
    await fan.flush(); // a checkpoint flushes everyone
    expect([perBatch.flushes(), batching.flushes()]).toEqual([3, 2]);
    expect(perBatch.got).toEqual(batching.got);
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
