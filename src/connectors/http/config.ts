/** The HTTP sink's keys (SINK_HTTP_*), read from the top level or from one SINKS entry. */
import { sinkConfig } from '../../config/connector-spec.js';
import type { Section } from '../../config/reader.js';
import type { KafkaCompressionType } from '../../config/key-spec.js';
import { keyReader } from '../../config/read-key.js';
import { HTTP_KEYS as D } from './keys.js';

const read = keyReader(D);

/** SINK_TYPE=http (SINK_HTTP_* keys). */
export interface HttpSinkConfig {
  readonly type: 'http';
  /** SINK_HTTP_URL, possibly with `{column}` placeholders. */
  readonly url: string;
  readonly method: 'POST' | 'PUT' | 'PATCH';
  readonly headers: Readonly<Record<string, string>>;
  readonly mode: 'SINGLE' | 'BATCH';
  readonly batchSize: number;
  readonly maxRetries: number;
  readonly backoffMs: number;
  readonly backoffMaxMs: number;
  /** Inclusive ranges of retryable statuses. */
  readonly retryStatuses: readonly (readonly [number, number])[];
  readonly timeoutMs: number;
  readonly maxInFlight: number;
  readonly deadLetter?: { readonly topic: string; readonly brokers: readonly string[]; readonly compression?: KafkaCompressionType };
}

/** `429,500-599` -> [[429,429],[500,599]]; undefined when malformed. */
export function parseStatusRanges(text: string): [number, number][] | undefined {
  const out: [number, number][] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p)) {
    const m = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(part);
    if (!m) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo > hi || lo < 100 || hi > 599) return undefined;
    out.push([lo, hi]);
  }
  return out.length ? out : undefined;
}

function parseHeaders(s: Section): Record<string, string> {
  const key = 'SINK_HTTP_HEADERS';
  const raw = s.get(key);
  if (raw === undefined) return {};
  if (typeof raw === 'string' && !raw.trim().startsWith('{')) {
    const out: Record<string, string> = {};
    for (const part of raw.split(',').map((p) => p.trim()).filter((p) => p)) {
      const i = part.indexOf(':');
      if (i <= 0) {
        // Never echo a header value: it may be a token.
        s.error(key, 'a JSON object or Name:value,Name2:value2', 'an entry without ":"');
        continue;
      }
      out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
    }
    return out;
  }
  return s.stringMap(key) ?? {};
}

function parseHttpSink(s: Section): HttpSinkConfig {
  const url = s.required('SINK_HTTP_URL', 'an http(s) URL, optionally with {column} placeholders', 'required when SINK_TYPE=http');
  if (url && !/^https?:\/\/\S+$/i.test(url)) s.error('SINK_HTTP_URL', 'an http(s) URL', url);
  const statusText = s.optional('SINK_HTTP_RETRY_STATUS_CODES') ?? D.SINK_HTTP_RETRY_STATUS_CODES.default;
  const retryStatuses = parseStatusRanges(statusText);
  if (!retryStatuses) s.error('SINK_HTTP_RETRY_STATUS_CODES', 'a comma list of HTTP status codes and ranges such as 429,500-599', statusText);
  const out: { -readonly [K in keyof HttpSinkConfig]?: HttpSinkConfig[K] } = {
    type: 'http',
    url,
    method: s.oneOf('SINK_HTTP_METHOD', ['POST', 'PUT', 'PATCH'] as const, D.SINK_HTTP_METHOD.default),
    headers: parseHeaders(s),
    mode: s.oneOf('SINK_HTTP_REQUEST_MODE', ['SINGLE', 'BATCH'] as const, D.SINK_HTTP_REQUEST_MODE.default),
    batchSize: s.int('SINK_HTTP_BATCH_SIZE', D.SINK_HTTP_BATCH_SIZE.default, { min: 1 }),
    maxRetries: s.int('SINK_HTTP_MAX_RETRIES', D.SINK_HTTP_MAX_RETRIES.default, { min: 0 }),
    backoffMs: s.int('SINK_HTTP_RETRY_BACKOFF_MS', D.SINK_HTTP_RETRY_BACKOFF_MS.default, { min: 0 }),
    backoffMaxMs: s.int('SINK_HTTP_RETRY_BACKOFF_MAX_MS', D.SINK_HTTP_RETRY_BACKOFF_MAX_MS.default, { min: 0 }),
    retryStatuses: retryStatuses ?? [],
    timeoutMs: s.int('SINK_HTTP_REQUEST_TIMEOUT_MS', D.SINK_HTTP_REQUEST_TIMEOUT_MS.default, { min: 1 }),
    maxInFlight: s.int('SINK_HTTP_MAX_IN_FLIGHT', D.SINK_HTTP_MAX_IN_FLIGHT.default, { min: 1 }),
  };
  const topic = s.optional('SINK_HTTP_DEAD_LETTER_TOPIC');
  if (topic !== undefined) {
    const brokers = s.list('SINK_HTTP_DEAD_LETTER_BROKERS') ?? [];
    if (brokers.length === 0) s.error('SINK_HTTP_DEAD_LETTER_BROKERS', 'a comma-separated list of host:port (required with SINK_HTTP_DEAD_LETTER_TOPIC)', s.get('SINK_HTTP_DEAD_LETTER_BROKERS'));
    const compression = read(s, 'SINK_HTTP_DEAD_LETTER_COMPRESSION_TYPE');
    out.deadLetter = { topic, brokers, ...(compression !== 'none' ? { compression } : {}) };
  } else if (s.has('SINK_HTTP_DEAD_LETTER_BROKERS')) s.issues.warn(`${s.path('SINK_HTTP_DEAD_LETTER_BROKERS')} is ignored without SINK_HTTP_DEAD_LETTER_TOPIC`);
  return out as HttpSinkConfig;
}

export const httpSinkConfig = sinkConfig({ type: 'http', keys: D, parse: parseHttpSink });
