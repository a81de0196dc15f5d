/**
 * What the Kafka sink does with a row whose record cannot be sent at all (larger than the sink topic's
 * max.message.bytes or the request limit): SINK_KAFKA_ERROR_POLICY. Without a policy such a "poison" row
 * would fail every send and every restart, and the job would never catch up.
 *
 * - FAIL (default): stop the job with a user error naming the row's size, the limit, and the input the row
 *   was produced from (table, topic, partition, offsets).
 * - SKIP: count it (dirk_sink_records_skipped_total) and log it (rate-limited), and go on.
 * - DEAD_LETTER: write a reference to the dead-letter topic (headers naming the sink topic, the size and the
 *   input), with the row's own key and value when they fit the dead-letter topic, and go on.
 *
 * A row's origin is the source batch being processed when the row was written: exact for a pass-through
 * or filtering query fed one record at a time, a range of offsets in general, and "a watermark" for rows
 * a window or timer emitted when event time moved (no single input record produced those).
 */
import type { IHeaders, Message } from 'kafkajs';
import { DirkError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Counter } from '../../core/connector.js';

export type SinkErrorMode = 'FAIL' | 'SKIP' | 'DEAD_LETTER';

export interface SinkErrorPolicy {
  readonly mode: SinkErrorMode;
  /** SINK_KAFKA_DEAD_LETTER_TOPIC (DEAD_LETTER only). */
  readonly deadLetterTopic?: string;
  /** SINK_KAFKA_DEAD_LETTER_BROKERS; default the sink's brokers. */
  readonly deadLetterBrokers?: readonly string[];
}

/** The input a row was produced from (set by the job around each delivery and each watermark step). */
export interface RowOrigin {
  readonly table?: string;
  /** `topic:partition` for Kafka, the file or generator split otherwise. */
  readonly split?: string;
  readonly firstOffset?: string;
  readonly lastOffset?: string;
  /** Set when the row came from event time moving (a window or timer firing), not from a record. */
  readonly watermark?: number;
}

/** A row that the sink cannot write and the policy says must stop the job. */
export class SinkRecordError extends DirkError {
  constructor(message: string) {
    super(message, { domain: 'user' });
    this.name = 'SinkRecordError';
  }
}

export function describeOrigin(origin: RowOrigin | undefined): string {
  if (!origin) return 'an unknown input (outside any delivery)';
  if (origin.watermark !== undefined) {
    const wm = Number.isFinite(origin.watermark) ? new Date(origin.watermark).toISOString() : String(origin.watermark);
    return `${origin.table ? `table ${origin.table}` : 'the input'} when its watermark reached ${wm} (a window or timer firing, not a single record)`;
  }
  const where = `${origin.table ? `table ${origin.table}, ` : ''}${origin.split ? splitText(origin.split) : 'an unknown split'}`;
  if (origin.firstOffset === undefined) return where;
  const offsets =
    origin.lastOffset === undefined || origin.lastOffset === origin.firstOffset
      ? `offset ${origin.firstOffset}`
      : `one of offsets ${origin.firstOffset}..${origin.lastOffset}`;
  return `${where}, ${offsets}`;
}

function splitText(split: string): string {
  const i = split.lastIndexOf(':');
  const partition = Number(split.slice(i + 1));
  return i > 0 && Number.isInteger(partition) ? `topic ${split.slice(0, i)} partition ${partition}` : `split ${split}`;
}

/** Dead-letter headers naming the input (the "original input reference"). */
export function originHeaders(origin: RowOrigin | undefined): Record<string, string> {
  const h: Record<string, string> = {};
  if (!origin) return h;
  if (origin.table) h['dirk-source-table'] = origin.table;
  if (origin.split) {
    const i = origin.split.lastIndexOf(':');
    if (i > 0) {
      h['dirk-source-topic'] = origin.split.slice(0, i);
      h['dirk-source-partition'] = origin.split.slice(i + 1);
    } else h['dirk-source-split'] = origin.split;
  }
  if (origin.firstOffset !== undefined) {
    h['dirk-source-offset'] =
      origin.lastOffset === undefined || origin.lastOffset === origin.firstOffset ? origin.firstOffset : `${origin.firstOffset}..${origin.lastOffset}`;
  }
  if (origin.watermark !== undefined) h['dirk-source-watermark'] = String(origin.watermark);
  return h;
}

export interface OversizedRouterOptions {
  readonly sinkName: string;
  readonly topic: string;
  readonly policy: SinkErrorPolicy;
  readonly logger: Logger;
  readonly skipped: Counter;
  readonly deadLettered: Counter;
  /** Queues dead-letter records for sending (after the rows already queued, before the next flush resolves). */
  readonly toDeadLetter: (messages: Message[]) => void;
  /** Whether a record fits the dead-letter topic (its own limits). */
  readonly fitsDeadLetter: (m: Message) => boolean;
  readonly now?: () => number;
}

const LOG_EVERY_MS = 10_000;

export interface OversizedRouter {
  /** Routes one record too large to send; throws a SinkRecordError under FAIL. */
  route(message: Message, size: number, limit: string, origin: RowOrigin | undefined): void;
}

export function createOversizedRouter(o: OversizedRouterOptions): OversizedRouter {
  const now = o.now ?? Date.now;
  let lastLog = -Infinity;
  let unlogged = 0;
  const logRouted = (what: string, size: number, origin: RowOrigin | undefined): void => {
    const t = now();
    if (t - lastLog < LOG_EVERY_MS) {
      unlogged++;
      return;
    }
    lastLog = t;
    o.logger.warn(`${what} a row of ${size} bytes too large for topic ${o.topic}`, {
      origin: describeOrigin(origin),
      ...(unlogged > 0 ? { notLoggedSinceLastLine: unlogged } : {}),
    });
    unlogged = 0;
  };

  return {
    route(message, size, limit, origin) {
      switch (o.policy.mode) {
        case 'FAIL':
          throw new SinkRecordError(
            `kafka sink ${o.sinkName}: a row encodes to a record of ${size} bytes, more than topic ${o.topic} accepts (${limit}); ` +
              `it was produced from ${describeOrigin(origin)}. SINK_KAFKA_ERROR_POLICY=FAIL stops the job; SKIP or DEAD_LETTER would let it ` +
              `continue, or raise the topic's max.message.bytes`,
          );
        case 'SKIP':
          o.skipped.inc();
          logRouted('skipped', size, origin);
          return;
        case 'DEAD_LETTER': {
          const headers: IHeaders = {
            ...(message.headers ?? {}),
            'dirk-error': `record of ${size} bytes exceeds topic ${o.topic} (${limit})`,
            'dirk-sink-topic': o.topic,
            'dirk-record-bytes': String(size),
            'dirk-error-time': new Date(now()).toISOString(),
            ...originHeaders(origin),
          };
          const full: Message = { key: message.key ?? null, value: message.value, headers };
          const dead: Message = o.fitsDeadLetter(full) ? full : { key: null, value: null, headers: { ...headers, 'dirk-value-omitted': 'true' } };
          o.toDeadLetter([dead]);
          o.deadLettered.inc();
          logRouted('sent to the dead-letter topic', size, origin);
          return;
        }
      }
    },
  };
}
