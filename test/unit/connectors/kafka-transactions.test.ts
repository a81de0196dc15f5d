import { describe, expect, it } from 'vitest';
import type { KafkaSinkConfig } from '../../../src/config/index.js';
import { transactionSettings, transactionTimeoutMs } from '../../../src/connectors/kafka/transactions.js';

const sink = (producerConfig: Record<string, string> = {}): KafkaSinkConfig => ({ producerConfig }) as unknown as KafkaSinkConfig;

describe('SINK_KAFKA_DELIVERY_GUARANTEE=EXACTLY_ONCE settings', () => {
  it('derives a stable transactional id from the job and the sink, unless one is given', () => {
    expect(transactionSettings(sink(), 'rides per/minute', 'kafka', 30_000)).toEqual({ transactionalId: 'dirk-rides_per_minute-kafka', timeoutMs: 90_000 });
    expect(transactionSettings(sink({ 'transactional.id': 'mine' }), 'job', 'kafka', 30_000).transactionalId).toBe('mine');
    // Scaled out: one transactional producer (and id) per task.
    expect(transactionSettings(sink(), 'job', 'kafka', 30_000, 1).transactionalId).toBe('dirk-job-kafka-task-1');
    expect(transactionSettings(sink({ 'transactional.id': 'mine' }), 'job', 'kafka', 30_000, 0).transactionalId).toBe('mine-task-0');
  });

  it('defaults the timeout to three checkpoint intervals, between 60 s and the broker default maximum of 15 min', () => {
    expect(transactionTimeoutMs(sink(), 1000)).toBe(60_000);
    expect(transactionTimeoutMs(sink(), 100_000)).toBe(300_000);
    expect(transactionTimeoutMs(sink(), 400_000)).toBe(900_000);
  });

  it('refuses a timeout shorter than two checkpoint intervals, naming both keys', () => {
    expect(() => transactionTimeoutMs(sink(), 600_000)).toThrow(/transaction timeout \(900000 ms, the default\) must be at least twice FLINK_CHECKPOINT_INTERVAL_MS \(found 600000 ms\)/);
    expect(() => transactionTimeoutMs(sink({ 'transaction.timeout.ms': '50000' }), 30_000)).toThrow(/SINK_KAFKA_PRODUCER_CONFIG_TRANSACTION_TIMEOUT_MS/);
    expect(transactionTimeoutMs(sink({ 'transaction.timeout.ms': '60000' }), 30_000)).toBe(60_000);
    expect(() => transactionTimeoutMs(sink({ 'transaction.timeout.ms': 'soon' }), 30_000)).toThrow(/expected a positive whole number of milliseconds, found "soon"/);
  });
});
