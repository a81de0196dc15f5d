import { describe, expect, it } from 'vitest';
import type { SourceBatch } from '../../../src/core/connector.js';
import type { Row } from '../../../src/core/types.js';
import { Delivery, SerialLock, type DeliveryInput, type DeliveryOptions } from '../../../src/job/delivery.js';
import { WatermarkEmitter, WatermarkTracker } from '../../../src/job/watermarks.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('SerialLock', () => {
  it('runs sections one at a time in call order, and a failed one does not block the next', async () => {
    const lock = new SerialLock();
    const log: string[] = [];
    const section = (name: string, fail = false) => async () => {
      log.push(`${name} in`);
      await tick();
      log.push(`${name} out`);
      if (fail) throw new Error(name);
    };
    const a = lock.run(section('a'));
    const b = lock.run(section('b', true));
    const c = lock.run(section('c'));
    await a;
    await expect(b).rejects.toThrow('b');
    await c;
    expect(log).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
  });

  it('busy() names the section holding the lock and for how long (the stall watchdog), and is free between sections', async () => {
    const lock = new SerialLock();
    expect(lock.busy()).toBeUndefined();
    let release!: () => void;
    const held = lock.run(() => new Promise<void>((r) => (release = r)), 'taking 2 partition(s) of t');
    const queued = lock.run(async () => 'next', 'a watermark tick');
    await tick();
    const busy = lock.busy(Date.now() + 12_000);
    expect(busy?.what).toBe('taking 2 partition(s) of t');
    expect(busy!.ms).toBeGreaterThanOrEqual(12_000);
    release();
    await held;
    expect(await queued).toBe('next');
    expect(lock.busy()).toBeUndefined();
  });
});

function setup(over: Partial<DeliveryOptions> = {}, pending?: () => number) {
  const events: string[] = [];
  const pushed: Row[][] = [];
  const watermarks: number[] = [];
  const input: DeliveryInput = {
    ports: [{ push: (rows) => void pushed.push(rows) }],
    rowtimeIndex: 0,
    watermarks: new WatermarkEmitter(new WatermarkTracker(10, false, 0), [{ watermark: (w) => void watermarks.push(w) }], 1_000),
  };
  const options: DeliveryOptions = {
    lock: new SerialLock(),
    dataflow: { settle: async () => void events.push('settle'), batchEnd: () => void events.push('batchEnd') },
    sink: pending ? { pending } : {},
    flushOutput: async () => void events.push('flush'),
    udfs: { setBatch: (b) => void events.push(b ? 'udf batch' : 'udf none'), flush: () => void events.push('udf flush') },
    now: () => 5_000,
    ...over,
  };
  return { delivery: new Delivery(options), input, events, pushed, watermarks, options };
}

const batch = (rows: Row[], processed?: () => void): SourceBatch => ({ rows, split: 't:0', ...(processed ? { processed } : {}) });

describe('Delivery', () => {
  it('pushes the batch, moves the watermark, closes the mini-batch, then advances the source position', async () => {
    const s = setup();
    await s.delivery.deliver(s.input, batch([[100], [250]], () => s.events.push('processed')));
    expect(s.pushed).toEqual([[[100], [250]]]);
    expect(s.watermarks).toEqual([239]);
    expect(s.events).toEqual(['udf batch', 'settle', 'settle', 'batchEnd', 'settle', 'udf none', 'udf flush', 'processed', 'flush']);
  });

  it('flushes after every batch only when the sink cannot tell its backlog, or the backlog is too large', async () => {
    let backlog = 10;
    const s = setup({ maxSinkBacklog: 100 }, () => backlog);
    await s.delivery.deliver(s.input, batch([[1]]));
    expect(s.events).not.toContain('flush');
    backlog = 101;
    await s.delivery.deliver(s.input, batch([[2]]));
    expect(s.events.filter((e) => e === 'flush')).toHaveLength(1);
  });

  it('below the backlog bound, hands the sink its per-batch flush (SINKS members without a backlog)', async () => {
    const s = setup({ maxSinkBacklog: 100 });
    const sink = { pending: () => 10, afterBatch: async () => void s.events.push('afterBatch') };
    const d = new Delivery({ ...s.options, sink });
    await d.deliver(s.input, batch([[1]]));
    expect(s.events.slice(-1)).toEqual(['afterBatch']);
    expect(s.events).not.toContain('flush');
  });

  it('emits a batch watermark at most once per interval; the tick and a finished input force one', async () => {
    let now = 5_000;
    const s = setup({ now: () => now });
    await s.delivery.deliver(s.input, batch([[100]]));
    now += 10;
    await s.delivery.deliver(s.input, batch([[500]]));
    expect(s.watermarks).toEqual([89]);
    await s.delivery.tick([s.input]);
    expect(s.watermarks).toEqual([89, 489]);
    await s.delivery.finish(s.input);
    expect(s.watermarks).toEqual([89, 489, Infinity]);
  });

  it('serialises deliveries with whatever else takes the lock (a checkpoint sees no batch half-done)', async () => {
    const s = setup();
    const seen: number[] = [];
    let processed = 0;
    const slowSettle = { settle: () => tick(), batchEnd: () => {} };
    const d = new Delivery({ ...s.options, dataflow: slowSettle });
    const deliveries = [1, 2, 3].map(() => d.deliver(s.input, batch([[1]], () => processed++)));
    const checkpoint = s.options.lock.run(async () => void seen.push(processed));
    await Promise.all([...deliveries, checkpoint]);
    expect(seen).toEqual([3]);
  });
});
