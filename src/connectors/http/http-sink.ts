/**
 * The HTTP sink (SINK_TYPE=http): rows as JSON objects (the Kafka sink's JSON encoding: column name -> value,
 * timestamps as ISO text), POSTed one per request (SINGLE) or as JSON arrays of up to SINK_HTTP_BATCH_SIZE
 * rows (BATCH), to a URL that may take values from the row (`{column}`), with the configured headers.
 *
 * Delivery: rows are buffered and sent when the job flushes the sink, that is at every checkpoint (and early
 * when the backlog passes the job's bound), so a completed checkpoint means every row before it was accepted
 * (2xx) or dead-lettered: at-least-once, as the Kafka and InfluxDB sinks.
 *
 * Failures: a status in SINK_HTTP_RETRY_STATUS_CODES (429 and 5xx by default), a timeout or a connection
 * error is retried up to SINK_HTTP_MAX_RETRIES times, waiting the server's Retry-After when it sends one,
 * else an exponential backoff with jitter. A request that still fails, or gets any other non-2xx status,
 * has failed permanently: its rows go to SINK_HTTP_DEAD_LETTER_TOPIC when one is set (with the status and
 * the error in headers), and otherwise the flush fails, which stops the job before it can commit past them.
 */
import type { Counter, Sink, SinkMetrics } from '../../core/connector.js';
import { externalError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { DataMessage, Field, Row } from '../../core/types.js';
import { createJsonRowEncoder } from '../../schema/index.js';
import type { HttpSinkConfig } from '../../config/index.js';
import { backoffDelay, isRetryableStatus, retryAfterMs } from './retry.js';
import { compileUrlTemplate, safeUrl } from './url-template.js';
import { CODEC_IDS } from '../kafka/compression.js';

export interface DeadLetterProducer {
  connect(): Promise<void>;
  /** `compression`: kafkajs's codec id (SINK_HTTP_DEAD_LETTER_COMPRESSION_TYPE). */
  send(record: { topic: string; acks: number; compression?: number; messages: { key: null; value: Buffer; headers: Record<string, string> }[] }): Promise<unknown>;
  disconnect(): Promise<void>;
}

export interface HttpSinkMetrics extends SinkMetrics {
  /** Attempts repeated after a retryable answer or a network error. */
  readonly retries: Counter;
  /** Rows sent to the dead-letter topic. */
  readonly deadLettered: Counter;
}

export interface HttpSinkOptions {
  readonly name: string;
  readonly config: HttpSinkConfig;
  readonly columns: readonly Field[];
  readonly logger: Logger;
  readonly metrics: HttpSinkMetrics;
  /** Builds the dead-letter producer (kafkajs in the job; tests may pass their own). */
  readonly deadLetterProducer?: (brokers: readonly string[]) => DeadLetterProducer;
  /** Waits between attempts (tests shorten it). */
  readonly sleep?: (ms: number) => Promise<void>;
}

interface Request {
  readonly url: string;
  readonly rows: Row[];
  readonly body: string;
}

/** The outcome of one request after its retries. */
type Outcome = { ok: true } | { ok: false; status: number | undefined; error: string };

const sleepMs = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function createHttpSink(opts: HttpSinkOptions): Sink {
  const c = opts.config;
  const urlOf = compileUrlTemplate(c.url, opts.columns);
  const encoder = createJsonRowEncoder(opts.columns);
  const sleep = opts.sleep ?? sleepMs;
  const headers: Record<string, string> = { ...c.headers, 'content-type': 'application/json' };
  const m = opts.metrics;
  let buffer: Row[] = [];
  let inFlight = 0;
  let deadLetter: DeadLetterProducer | undefined;

  const encodeRow = (row: Row): string => Buffer.from(encoder.encode(row)).toString('utf8');

  function requests(rows: Row[]): Request[] {
    const byUrl = new Map<string, Row[]>();
    for (const row of rows) {
      const url = urlOf(row);
      let list = byUrl.get(url);
      if (!list) byUrl.set(url, (list = []));
      list.push(row);
    }
    const out: Request[] = [];
    for (const [url, list] of byUrl) {
      if (c.mode === 'SINGLE') for (const row of list) out.push({ url, rows: [row], body: encodeRow(row) });
      else for (let i = 0; i < list.length; i += c.batchSize) {
        const chunk = list.slice(i, i + c.batchSize);
        out.push({ url, rows: chunk, body: `[${chunk.map(encodeRow).join(',')}]` });
      }
    }
    return out;
  }

  async function send(req: Request): Promise<Outcome> {
    let last: Outcome = { ok: false, status: undefined, error: 'not sent' };
    for (let attempt = 0; attempt <= c.maxRetries; attempt++) {
      let wait: number | undefined;
      try {
        const res = await fetch(req.url, { method: c.method, headers, body: req.body, signal: AbortSignal.timeout(c.timeoutMs) });
        const text = await res.text().catch(() => '');
        if (res.ok) {
          m.recordsOut.inc(req.rows.length);
          m.bytesOut.inc(Buffer.byteLength(req.body));
          return { ok: true };
        }
        last = { ok: false, status: res.status, error: `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}` };
        if (!isRetryableStatus(res.status, c.retryStatuses)) return last;
        wait = retryAfterMs(res.headers.get('retry-after'), c.backoffMaxMs);
      } catch (e) {
        const err = e as Error;
        last = { ok: false, status: undefined, error: err.name === 'TimeoutError' ? `no answer within ${c.timeoutMs} ms` : err.message };
      }
      if (attempt === c.maxRetries) break;
      m.retries.inc();
      const delay = wait ?? backoffDelay(attempt, c.backoffMs, c.backoffMaxMs);
      opts.logger.debug(`http sink: retrying in ${delay} ms (${last.ok ? '' : last.error})`, { url: safeUrl(req.url), attempt: attempt + 1 });
      await sleep(delay);
    }
    return last;
  }

  async function deadLetterRows(req: Request, outcome: Extract<Outcome, { ok: false }>): Promise<void> {
    const dl = c.deadLetter!;
    if (!deadLetter) {
      deadLetter = opts.deadLetterProducer!(dl.brokers);
      await deadLetter.connect();
    }
    await deadLetter.send({
      topic: dl.topic,
      acks: -1,
      ...(dl.compression !== undefined ? { compression: CODEC_IDS[dl.compression] } : {}),
      messages: req.rows.map((row) => ({
        key: null,
        value: Buffer.from(encodeRow(row)),
        headers: { 'dirk-http-status': String(outcome.status ?? 0), 'dirk-error': outcome.error, 'dirk-http-url': safeUrl(req.url) },
      })),
    });
    m.deadLettered.inc(req.rows.length);
    opts.logger.warn(`http sink: ${req.rows.length} row(s) sent to dead-letter topic ${dl.topic} after ${outcome.error}`, { url: safeUrl(req.url) });
  }

  return {
    name: opts.name,
    async open() {
      if (c.deadLetter && !opts.deadLetterProducer) throw new Error('internal error: SINK_HTTP_DEAD_LETTER_TOPIC without a producer factory');
    },
    write(batch: DataMessage) {
      for (const row of batch.rows) buffer.push(row);
    },
    pending: () => buffer.length + inFlight,
    async flush() {
      if (buffer.length === 0) return;
      const started = performance.now();
      const rows = buffer;
      buffer = [];
      inFlight += rows.length;
      const queue = requests(rows);
      const failures: { req: Request; outcome: Extract<Outcome, { ok: false }> }[] = [];
      try {
        // SINK_HTTP_MAX_IN_FLIGHT workers drain the queue; every request settles before the flush does.
        const worker = async (): Promise<void> => {
          for (let req = queue.shift(); req; req = queue.shift()) {
            const outcome = await send(req);
            if (!outcome.ok) failures.push({ req, outcome });
          }
        };
        await Promise.all(Array.from({ length: Math.min(c.maxInFlight, queue.length) }, worker));
        for (const f of failures) {
          m.writeErrors.inc();
          if (!c.deadLetter) {
            throw externalError(
              `HTTP sink: ${f.req.rows.length} row(s) to ${safeUrl(f.req.url)} failed permanently (${f.outcome.error}${isRetryableStatus(f.outcome.status ?? 0, c.retryStatuses) || f.outcome.status === undefined ? ` after ${c.maxRetries} retries` : ''}); set SINK_HTTP_DEAD_LETTER_TOPIC to keep the job going past such rows`,
              // A refusal (e.g. 422) comes back the same after a restart; a network error or 5xx may not.
              { retriable: f.outcome.status === undefined || isRetryableStatus(f.outcome.status, c.retryStatuses) },
            );
          }
          await deadLetterRows(f.req, f.outcome);
        }
      } finally {
        inFlight -= rows.length;
        m.flushLatencySeconds.observe((performance.now() - started) / 1000);
      }
    },
    async close() {
      await deadLetter?.disconnect();
    },
  };
}
