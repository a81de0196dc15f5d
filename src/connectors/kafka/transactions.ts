/**
 * SINK_KAFKA_DELIVERY_GUARANTEE=EXACTLY_ONCE settings: the producer's transactional id and the transaction
 * timeout asked of the broker, and the check that a transaction can live through a checkpoint interval.
 *
 * A transaction is open from the first send after one checkpoint until the next checkpoint commits it, so
 * it lives about FLINK_CHECKPOINT_INTERVAL_MS plus the checkpoint's own flush. The broker aborts one older
 * than its transaction.timeout.ms (asked by the producer, capped by the broker's transaction.max.timeout.ms,
 * 15 minutes by default), and the commit then fails: the job stops and replays from the last checkpoint.
 */
import { userError } from '../../core/errors.js';
import type { KafkaSinkConfig } from '../../config/index.js';

/** The broker's default transaction.max.timeout.ms: a producer asking for more is refused. */
export const BROKER_MAX_TRANSACTION_TIMEOUT_MS = 900_000;
const MIN_DEFAULT_TIMEOUT_MS = 60_000;

export interface TransactionSettings {
  readonly transactionalId: string;
  readonly timeoutMs: number;
}

/**
 * The transactional id: SINK_KAFKA_PRODUCER_CONFIG_TRANSACTIONAL_ID, else `dirk-<job id>-<sink name>`.
 * Stable across restarts (that is what fences a previous run still alive). A scaled-out job (`task` given)
 * runs one transactional producer per task: `<id>-task-<i>`; a second process of the job must set its own
 * SINK_KAFKA_PRODUCER_CONFIG_TRANSACTIONAL_ID, or its tasks fence those of the first.
 */
export function transactionalId(sink: KafkaSinkConfig, jobId: string, sinkName: string, task?: number): string {
  const base = sink.producerConfig['transactional.id'] ?? `dirk-${jobId}-${sinkName}`.replace(/[^A-Za-z0-9._-]/g, '_');
  return task === undefined ? base : `${base}-task-${task}`;
}

/**
 * transaction.timeout.ms: SINK_KAFKA_PRODUCER_CONFIG_TRANSACTION_TIMEOUT_MS, else three checkpoint intervals
 * (at least 60 s, at most the broker's default maximum). Throws a user error when a transaction could not
 * outlive two checkpoint intervals.
 */
export function transactionTimeoutMs(sink: KafkaSinkConfig, checkpointIntervalMs: number): number {
  const given = sink.producerConfig['transaction.timeout.ms'];
  let timeout: number;
  if (given !== undefined) {
    timeout = Number(given);
    if (!Number.isInteger(timeout) || timeout <= 0) {
      throw userError(`SINK_KAFKA_PRODUCER_CONFIG_TRANSACTION_TIMEOUT_MS: expected a positive whole number of milliseconds, found "${given}"`);
    }
  } else {
    timeout = Math.min(BROKER_MAX_TRANSACTION_TIMEOUT_MS, Math.max(MIN_DEFAULT_TIMEOUT_MS, 3 * checkpointIntervalMs));
  }
  if (timeout < 2 * checkpointIntervalMs) {
    throw userError(
      `SINK_KAFKA_DELIVERY_GUARANTEE=EXACTLY_ONCE: a transaction stays open for a whole checkpoint interval, so the transaction timeout ` +
        `(${timeout} ms${given === undefined ? ', the default' : ', SINK_KAFKA_PRODUCER_CONFIG_TRANSACTION_TIMEOUT_MS'}) must be at least twice FLINK_CHECKPOINT_INTERVAL_MS ` +
        `(found ${checkpointIntervalMs} ms); lower the interval, or raise SINK_KAFKA_PRODUCER_CONFIG_TRANSACTION_TIMEOUT_MS (and the broker's transaction.max.timeout.ms, ` +
        `${BROKER_MAX_TRANSACTION_TIMEOUT_MS} ms by default, if above it)`,
    );
  }
  return timeout;
}

export function transactionSettings(sink: KafkaSinkConfig, jobId: string, sinkName: string, checkpointIntervalMs: number, task?: number): TransactionSettings {
  return { transactionalId: transactionalId(sink, jobId, sinkName, task), timeoutMs: transactionTimeoutMs(sink, checkpointIntervalMs) };
}
