import type * as JsonPathPlus from 'jsonpath-plus';
import { createRequire } from 'node:module';
import { DirkError, userError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import type { Field, Row } from '../../../core/types.js';
import type { ExternalFailureReason, ExternalMetrics, Telemetry } from '../../../telemetry/index.js';
import { castToSql } from '../cast.js';
import type { Layout } from '../columns.js';
import type { ExternalConfig, OutputMapping } from '../config.js';
import type { Stage, StageBatch, StageContext } from '../../types.js';
import { CircuitBreaker } from './breaker.js';
import { ResponseCache } from './cache.js';

/**
 * One external post-processor (http, es, pg, grpc) as an ordered async stage, in the manner of Flink's
 * `AsyncDataStream.orderedWait` that Dagger uses:
 * - at most `capacity` calls in flight; rows leave in the order they came (each result is written into
 *   its own row, and the batch is returned whole);
 * - each call is bounded by `stream_timeout` (the whole call, retries included); connection failures
 *   (refused, reset, connect timeout) are retried with doubling backoff inside that bound;
 * - a failed call either stops the job (`fail_on_errors: true`, except for status codes listed in
 *   `exclude_fail_on_errors_code_range`) or leaves the row's output fields empty and is counted;
 * - a row whose variables are all empty is not looked up (Dagger's `empty_input`).
 * The stage returns a batch only when every call of it has finished, so the job's checkpoint (which waits
 * for the chain) never commits offsets past a row still being looked up.
 */

/** What a client answers for one call. */
export type CallOutcome =
  | { readonly ok: true; readonly doc: unknown }
  | {
      readonly ok: false;
      readonly reason: ExternalFailureReason;
      readonly message: string;
      /** HTTP-like status, when there was a response. */
      readonly status?: number;
      /** A connection failure worth retrying. */
      readonly retriable?: boolean;
    };

export interface PreparedCall {
  /** Identifies the request for the cache and in error messages (no secrets: no auth headers). */
  readonly key: string;
  run(signal: AbortSignal): Promise<CallOutcome>;
}

/** The per-kind part: how a row becomes a request and how the answer is read. */
export interface ExternalClient {
  open(ctx: StageContext): Promise<void>;
  close(): Promise<void>;
  /** The request for a row, or undefined when all its variables are empty. */
  prepare(row: Row): PreparedCall | undefined;
  /** Reads one output mapping from a successful answer; `undefined` when the path is not there. */
  read(doc: unknown, mapping: OutputMapping): unknown;
  describe(): string[];
}

// jsonpath-plus is required with the first answer read, not with this module (every job's planner imports it).
const require = createRequire(import.meta.url);
let jsonPathLib: typeof JsonPathPlus | undefined;

/** JSONPath read as Dagger's Jayway does: a definite path gives one value, an indefinite one a list. */
export function readJsonPath(doc: unknown, path: string): unknown {
  if (doc === null || typeof doc !== 'object') return undefined;
  const found = (jsonPathLib ??= require('jsonpath-plus') as typeof JsonPathPlus).JSONPath({ path, json: doc as object, wrap: true }) as unknown[];
  if (!/\*|\.\.|\?\(|\[[^\]]*[,:][^\]]*\]/.test(path)) return found.length ? found[0] : undefined;
  return found;
}

export class ExternalStage implements Stage {
  readonly name: string;
  readonly input: readonly Field[];
  readonly output: readonly Field[];
  private metrics: ExternalMetrics | undefined;
  private cacheMetrics: { hit: { inc(): void }; miss: { inc(): void } } | undefined;
  private logger: Logger | undefined;
  private readonly cache: ResponseCache | undefined;
  private readonly breaker: CircuitBreaker | undefined;
  private readonly targets: { mapping: OutputMapping; index: number; field: Field }[];

  constructor(
    private readonly config: ExternalConfig,
    private readonly client: ExternalClient,
    layout: Layout,
  ) {
    this.name = `${config.kind}[${config.index}]`;
    this.input = layout.working;
    this.output = layout.working;
    this.targets = config.outputMapping.map((mapping) => {
      const index = layout.outputIndex(mapping.column);
      return { mapping, index, field: layout.working[index]! };
    });
    this.cache = config.cache ? new ResponseCache(config.cache.maxEntries, config.cache.ttlMs) : undefined;
    this.breaker = config.breaker ? new CircuitBreaker(config.breaker.failures, config.breaker.resetMs) : undefined;
  }

  async open(ctx: StageContext): Promise<void> {
    this.logger = ctx.logger.child({ processor: this.config.metricId });
    this.metrics = ctx.telemetry.externalMetrics(this.config.metricId);
    if (this.cache) this.cacheMetrics = externalCacheMetrics(ctx.telemetry, this.config.metricId);
    await this.client.open(ctx);
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  describe(): string[] {
    const c = this.config;
    return [
      `metric id ${c.metricId}, capacity ${c.capacity}, stream_timeout ${c.streamTimeoutMs} ms, connect_timeout ${c.connectTimeoutMs} ms, fail_on_errors ${c.failOnErrors}, retries ${c.retries}`,
      ...this.client.describe(),
      `output: ${this.targets.map((t) => `${t.mapping.column} <- ${t.mapping.path}`).join(', ')}`,
      ...(c.cache ? [`cache: ${c.cache.maxEntries} entries, ttl ${c.cache.ttlMs} ms`] : []),
      ...(c.breaker ? [`circuit breaker: opens after ${c.breaker.failures} failures in a row, probes after ${c.breaker.resetMs} ms`] : []),
    ];
  }

  async process(batch: StageBatch): Promise<StageBatch> {
    const rows = batch.rows;
    let next = 0;
    let fatal: unknown;
    const worker = async (): Promise<void> => {
      while (fatal === undefined && next < rows.length) {
        const row = rows[next++]!;
        try {
          await this.one(row, batch.origin);
        } catch (e) {
          fatal ??= e;
        }
      }
    };
    const workers = Math.min(this.config.capacity, rows.length);
    await Promise.all(Array.from({ length: workers }, worker));
    if (fatal !== undefined) throw fatal;
    return batch;
  }

  private async one(row: Row, origin: string | undefined): Promise<void> {
    const m = this.metrics!;
    let call: PreparedCall | undefined;
    try {
      call = this.client.prepare(row);
    } catch (e) {
      m.failure('invalid_configuration').inc();
      throw e instanceof DirkError ? userError(`${this.name} (${this.config.path}): ${e.message}${originText(origin)}`, { cause: e }) : e;
    }
    if (call === undefined) {
      m.failure('empty_input').inc();
      return;
    }
    const cached = this.cache?.get(call.key, Date.now());
    if (cached !== undefined) {
      this.cacheMetrics?.hit.inc();
      this.write(row, cached, call, origin);
      return;
    }
    this.cacheMetrics?.miss.inc();
    if (this.breaker && !this.breaker.allow(Date.now())) {
      m.failure('circuit_open').inc();
      this.failed(call, { ok: false, reason: 'circuit_open', message: 'circuit breaker open (too many failures in a row); the call was not made' }, origin);
      return;
    }
    m.calls.inc();
    const started = performance.now();
    const outcome = await this.callWithRetries(call);
    const seconds = (performance.now() - started) / 1000;
    if (outcome.ok) {
      this.breaker?.success();
      m.successes.inc();
      m.successSeconds.observe(seconds);
      this.cache?.set(call.key, outcome.doc, Date.now());
      this.write(row, outcome.doc, call, origin);
      return;
    }
    m.failureSeconds.observe(seconds);
    m.failure(outcome.reason).inc();
    // A 404 is an answer ("no such document"), not a sick service: it does not trip the breaker.
    if (outcome.status === 404) this.breaker?.success();
    else this.breaker?.failure(Date.now());
    this.failed(call, outcome, origin);
  }

  /** Calls with the stream_timeout bound; connection failures are retried with backoff inside it. */
  private async callWithRetries(call: PreparedCall): Promise<CallOutcome> {
    const deadline = Date.now() + this.config.streamTimeoutMs;
    const ac = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<CallOutcome>((resolve) => {
      timer = setTimeout(() => {
        ac.abort();
        resolve({ ok: false, reason: 'timeout', message: `no answer within stream_timeout ${this.config.streamTimeoutMs} ms` });
      }, this.config.streamTimeoutMs);
    });
    const attempts = async (): Promise<CallOutcome> => {
      for (let attempt = 0; ; attempt++) {
        const outcome = await call.run(ac.signal).catch((e: unknown): CallOutcome => ({ ok: false, reason: 'other', message: (e as Error).message }));
        if (outcome.ok || !outcome.retriable || attempt >= this.config.retries || ac.signal.aborted) return outcome;
        const wait = this.config.retryBackoffMs * 2 ** attempt;
        if (Date.now() + wait >= deadline) return outcome;
        this.logger?.debug(`${this.name}: ${outcome.message}; retrying in ${wait} ms`);
        await new Promise((r) => setTimeout(r, wait));
      }
    };
    try {
      return await Promise.race([attempts(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private write(row: Row, doc: unknown, call: PreparedCall, origin: string | undefined): void {
    for (const t of this.targets) {
      const v = this.client.read(doc, t.mapping);
      if (v === undefined) {
        // Dagger: a path that is not in a successful answer is a fatal error, whatever fail_on_errors says.
        this.metrics!.failure('read_path').inc();
        throw userError(
          `${this.name} (${this.config.metricId}): ${t.mapping.path} (output_mapping.${t.mapping.column}) is not in the answer to ${call.key}${originText(origin)}; fix the path or the service`,
        );
      }
      row[t.index] = castToSql(v, t.field.type);
    }
  }

  private failed(call: PreparedCall, outcome: Extract<CallOutcome, { ok: false }>, origin: string | undefined): void {
    const excluded = outcome.status !== undefined && this.config.kind === 'http' && this.config.excludeFailOnErrorsCodes.has(outcome.status);
    const text = `${this.name} (${this.config.metricId}): ${call.key} failed: ${outcome.message}${originText(origin)}`;
    if (this.config.failOnErrors && !excluded) {
      throw userError(`${text}; fail_on_errors is true, so the job stops (set it to false to emit the row with empty fields)`);
    }
    this.logger?.warn(`${text}; the row goes on with empty ${this.targets.map((t) => t.mapping.column).join(', ')}`);
  }
}

function originText(origin: string | undefined): string {
  return origin ? ` (record from ${origin})` : '';
}

function externalCacheMetrics(telemetry: Telemetry, metricId: string): { hit: { inc(): void }; miss: { inc(): void } } {
  return { hit: telemetry.externalCacheLookups(metricId, 'hit'), miss: telemetry.externalCacheLookups(metricId, 'miss') };
}
