/**
 * SOURCE_BAD_RECORD_POLICY, written once for every source: what happens to a record whose bytes cannot be
 * decoded. Never silently dropped:
 * - FAIL: the source delivers the rows before the bad record, then stops with a user error naming where
 *   the record is (its position is never committed, so a restart meets it again);
 * - SKIP: counted (dirk_bad_records_skipped_total) and logged, up to a number of lines;
 * - DEAD_LETTER: with a dead-letter writer (Kafka sources) the original record goes to the dead-letter
 *   topic with dirk-* error headers, and one line says so; without one (a file has no topic) each record
 *   is logged in full, so the log is the dead letter.
 */
import type { SourceMetrics } from '../../core/connector.js';
import { DecodeError, type DirkError, userError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { BadRecordPolicy } from './codec.js';

export interface BadRecord<R = unknown> {
  /** The record as the source has it (a Kafka message), handed to the dead-letter writer. */
  readonly record: R;
  readonly error: DecodeError;
  /** Where the record is, as log fields (`{ topic, partition, offset }`, `{ file, line }`). */
  readonly at: Readonly<Record<string, unknown>>;
}

export interface BadRecordOptions<R> {
  readonly table: string;
  readonly logger: Logger;
  readonly metrics: Pick<SourceMetrics, 'decodeErrors' | 'badRecordsSkipped' | 'badRecordsDeadLettered'>;
  /** Most SKIP lines logged per `handle` call (Kafka: per fetched batch), the rest summarised in one line. */
  readonly logLimitPerCall?: number;
  /** Most SKIP lines logged over the source's life, without a summary (files). */
  readonly logLimitTotal?: number;
  /** Writes dead letters; a source without a dead-letter destination leaves it out. */
  readonly deadLetter?: (records: readonly BadRecord<R>[]) => Promise<void>;
  /** Log fields of the one line a dead-letter write reports. */
  readonly deadLetterFields?: (records: readonly BadRecord<R>[]) => Record<string, unknown>;
}

export class BadRecords<R = unknown> {
  private loggedTotal = 0;

  constructor(
    readonly policy: BadRecordPolicy,
    private readonly options: BadRecordOptions<R>,
  ) {}

  /** FAIL: the source stops at the first bad record (after delivering the rows before it). */
  get stopsSource(): boolean {
    return this.policy.mode === 'FAIL';
  }

  /** Normalises what a decoder threw and counts it (dirk_decode_errors_total). */
  decodeError(e: unknown): DecodeError {
    this.options.metrics.decodeErrors.inc();
    return e instanceof DecodeError ? e : new DecodeError(`decoder failed: ${(e as Error).message}`, e);
  }

  /** The error FAIL stops the source with; `what` names the record ("the record at topic t partition 0 offset 2"). */
  failure(what: string, error: DecodeError): DirkError {
    return userError(
      `table ${this.options.table}: cannot decode ${what}: ${error.message} ` + '(bad-record policy FAIL stops the job; SKIP or DEAD_LETTER would let it continue)',
      { cause: error },
    );
  }

  /** SKIP and DEAD_LETTER: counts, logs and, for DEAD_LETTER with a writer, writes the records. */
  async handle(records: readonly BadRecord<R>[]): Promise<void> {
    if (records.length === 0) return;
    const { metrics, logger } = this.options;
    if (this.policy.mode === 'SKIP') {
      metrics.badRecordsSkipped.inc(records.length);
      this.logEach('skipped a record that cannot be decoded', records);
      return;
    }
    if (this.policy.mode !== 'DEAD_LETTER') throw new Error('internal error: FAIL records are not handled, they stop the source');
    if (!this.options.deadLetter) {
      metrics.badRecordsDeadLettered.inc(records.length);
      for (const r of records) logger.warn('dead letter: a record that cannot be decoded', { ...r.at, error: r.error.message });
      return;
    }
    await this.options.deadLetter(records);
    metrics.badRecordsDeadLettered.inc(records.length);
    logger.warn(`sent ${records.length} undecodable record(s) to the dead-letter topic`, {
      ...(this.options.deadLetterFields?.(records) ?? records[0]!.at),
      deadLetterTopic: this.policy.deadLetterTopic,
      error: records[0]!.error.message,
    });
  }

  private logEach(message: string, records: readonly BadRecord<R>[]): void {
    const perCall = this.options.logLimitPerCall ?? Infinity;
    const total = this.options.logLimitTotal ?? Infinity;
    let logged = 0;
    for (const r of records) {
      if (logged >= perCall || this.loggedTotal >= total) break;
      logged++;
      this.loggedTotal++;
      this.options.logger.warn(message, { ...r.at, error: r.error.message });
    }
    if (records.length > logged && Number.isFinite(perCall)) {
      this.options.logger.warn(`skipped ${records.length - logged} more undecodable records in the same batch`, this.summaryFields(records));
    }
  }

  private summaryFields(records: readonly BadRecord<R>[]): Record<string, unknown> {
    const { offset: _offset, line: _line, ...rest } = records[0]!.at as Record<string, unknown>;
    return rest;
  }
}
