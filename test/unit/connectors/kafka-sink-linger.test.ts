import type { Message } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SinkBuffer } from '../../../src/connectors/kafka/sink-buffer.js';
import { noopSinkMetrics } from '../../../src/connectors/shared/noop-metrics.js';
import { scriptToConfig } from '../../../src/job/sql-script.js';

/**
 * SINK_KAFKA_LINGER_MS has Kafka's linger.ms meaning: 0 sends once the input batch has been written (the
 * next turn of the event loop), N at most N ms after the first buffered row; while a send is under way the
 * rows keep collecting and go out together when it completes. Fake timers stand in for the clock; the sends
 * are controlled promises so "under way" can be held.
 */
interface Held {
  readonly messages: Message[];
  readonly done: () => void;
}

function buffer(lingerMs: number, sendBatchRecords = 5000): { out: SinkBuffer; sends: Held[] } {
  const sends: Held[] = [];
  const out = new SinkBuffer({
    metrics: noopSinkMetrics,
    lingerMs,
    sendBatchRecords,
    sendMessages: (messages) => new Promise<void>((resolve) => sends.push({ messages, done: resolve })),
  });
  return { out, sends };
}

function write(out: SinkBuffer, n: number, from = 0): void {
  for (let i = 0; i < n; i++) out.add(null, Buffer.from(String(from + i)), 0);
  out.afterWrite(n);
}

/** Lets the chain's promise callbacks run (the send starts a few microtasks after it is queued). */
async function microtasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

const values = (h: Held): string[] => h.messages.map((m) => String(m.value));

describe('kafka sink linger', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('linger 0 sends a small batch once the input batch is written, without a flush or a full send', async () => {
    const { out, sends } = buffer(0);
    write(out, 3);
    write(out, 2, 3); // a second write inside the same input batch joins the same send
    await microtasks();
    expect(sends).toHaveLength(0);
    await vi.advanceTimersToNextTimerAsync();
    await microtasks();
    expect(sends).toHaveLength(1);
    expect(values(sends[0]!)).toEqual(['0', '1', '2', '3', '4']);
    expect(out.pending()).toBe(5);
    sends[0]!.done();
    await microtasks();
    expect(out.pending()).toBe(0);
  });

  it('linger N waits N ms after the first row, not after the last', async () => {
    const { out, sends } = buffer(50);
    write(out, 1);
    await vi.advanceTimersByTimeAsync(30);
    write(out, 1, 1);
    await vi.advanceTimersByTimeAsync(19);
    await microtasks();
    expect(sends).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await microtasks();
    expect(sends).toHaveLength(1);
    expect(values(sends[0]!)).toEqual(['0', '1']);
  });

  it('while a send is under way, rows keep batching and go out together when it completes', async () => {
    const { out, sends } = buffer(0);
    write(out, 1);
    await vi.advanceTimersToNextTimerAsync();
    await microtasks();
    expect(sends).toHaveLength(1);
    // Three more input batches arrive while the first send waits for its acknowledgement.
    for (let b = 0; b < 3; b++) {
      write(out, 2, 1 + b * 2);
      await vi.advanceTimersToNextTimerAsync().catch(() => undefined);
      await microtasks();
    }
    expect(sends).toHaveLength(1);
    expect(out.pending()).toBe(7);
    sends[0]!.done();
    await microtasks();
    expect(sends).toHaveLength(2);
    expect(values(sends[1]!)).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('a full send still starts at once, and flush sends the rest', async () => {
    const { out, sends } = buffer(1000, 4);
    write(out, 5);
    await microtasks();
    expect(sends).toHaveLength(1);
    expect(sends[0]!.messages).toHaveLength(5);
    sends[0]!.done();
    write(out, 2, 5);
    const flushed = out.flush((m) => m);
    await microtasks();
    expect(sends).toHaveLength(2);
    expect(values(sends[1]!)).toEqual(['5', '6']);
    sends[1]!.done();
    await flushed;
    // The linger armed by the second write was cancelled by the flush: nothing more is sent.
    await vi.advanceTimersByTimeAsync(2000);
    expect(sends).toHaveLength(2);
  });

  it('discard drops the armed linger', async () => {
    const { out, sends } = buffer(0);
    write(out, 2);
    await out.discard();
    await vi.advanceTimersByTimeAsync(10);
    expect(sends).toHaveLength(0);
  });
});

describe('script sink and source options', () => {
  const script = (sinkOptions: string, sourceOptions = ''): string => `CREATE TABLE src (id STRING)
WITH ('connector' = 'kafka', 'topic' = 'i', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json'${sourceOptions});
CREATE TABLE snk (id STRING) WITH ('connector' = 'kafka', 'topic' = 'o', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json'${sinkOptions});
INSERT INTO snk SELECT id FROM src;
`;

  it("'properties.linger.ms' becomes SINK_KAFKA_LINGER_MS", () => {
    expect(scriptToConfig(script(", 'properties.linger.ms' = '20'"))['SINK_KAFKA_LINGER_MS']).toBe(20);
    expect(scriptToConfig(script(''))['SINK_KAFKA_LINGER_MS']).toBeUndefined();
  });

  it("a 'properties.linger.ms' that is not a whole number is refused at its position", () => {
    expect(() => scriptToConfig(script(", 'properties.linger.ms' = 'soon'"))).toThrow(/properties.linger.ms' expects a whole number of milliseconds, found 'soon'/);
  });

  it("'scan.bounded.mode' = 'latest-offset' makes the Kafka source bounded", () => {
    const streams = scriptToConfig(script('', ", 'scan.bounded.mode' = 'latest-offset', 'scan.startup.mode' = 'earliest-offset'"))['STREAMS'] as Record<string, unknown>[];
    expect(streams[0]!['SOURCE_DETAILS']).toEqual([{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'KAFKA_SOURCE' }]);
    const unbounded = scriptToConfig(script(''))['STREAMS'] as Record<string, unknown>[];
    expect(unbounded[0]!['SOURCE_DETAILS']).toEqual([{ SOURCE_TYPE: 'UNBOUNDED', SOURCE_NAME: 'KAFKA_CONSUMER' }]);
    expect(() => scriptToConfig(script('', ", 'scan.bounded.mode' = 'timestamp'"))).toThrow(/'scan.bounded.mode' = 'timestamp' is not supported/);
  });
});
