import { describe, expect, it } from 'vitest';
import { parseJobConfig } from '../../../src/config/index.js';
import { backoffDelay, retryAfterMs } from '../../../src/connectors/http/retry.js';

const base = {
  STREAMS: [{ INPUT_SCHEMA_TABLE: 't', INPUT_SCHEMA_PROTO_CLASS: 'a.B', INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX: '1', SOURCE_KAFKA_TOPIC_NAMES: 'x', SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: '127.0.0.1:9092', SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: 'g' }],
  FLINK_SQL_QUERY: 'SELECT * FROM t',
};

describe('HTTP sink config', () => {
  it('reads every key with its default', () => {
    const { config } = parseJobConfig({ ...base, SINK_TYPE: 'http', SINK_HTTP_URL: 'http://h/{a}', SINK_HTTP_HEADERS: 'Authorization: Bearer x, X-A:b' });
    expect(config.sink).toEqual({
      type: 'http',
      url: 'http://h/{a}',
      method: 'POST',
      headers: { Authorization: 'Bearer x', 'X-A': 'b' },
      mode: 'BATCH',
      batchSize: 500,
      maxRetries: 5,
      backoffMs: 200,
      backoffMaxMs: 30000,
      retryStatuses: [
        [429, 429],
        [500, 599],
      ],
      timeoutMs: 10000,
      maxInFlight: 4,
    });
  });

  it('names the key, the expectation and what was found', () => {
    expect(() => parseJobConfig({ ...base, SINK_TYPE: 'http' })).toThrow(/SINK_HTTP_URL: expected an http\(s\) URL, optionally with \{column\} placeholders/);
    expect(() => parseJobConfig({ ...base, SINK_TYPE: 'http', SINK_HTTP_URL: 'http://h', SINK_HTTP_RETRY_STATUS_CODES: '5xx' })).toThrow(
      /SINK_HTTP_RETRY_STATUS_CODES: expected a comma list of HTTP status codes and ranges such as 429,500-599, found "5xx"/,
    );
    expect(() => parseJobConfig({ ...base, SINK_TYPE: 'http', SINK_HTTP_URL: 'http://h', SINK_HTTP_DEAD_LETTER_TOPIC: 'dlq' })).toThrow(/SINK_HTTP_DEAD_LETTER_BROKERS: expected a comma-separated list/);
  });
});

describe('HTTP sink retry timing', () => {
  it('backs off exponentially with jitter, capped', () => {
    expect(backoffDelay(0, 200, 30_000, () => 0)).toBe(100);
    expect(backoffDelay(0, 200, 30_000, () => 1)).toBe(200);
    expect(backoffDelay(3, 200, 30_000, () => 1)).toBe(1600);
    expect(backoffDelay(20, 200, 30_000, () => 1)).toBe(30_000);
  });
  it('reads Retry-After as seconds or an HTTP date, capped', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(retryAfterMs('3', 30_000, now)).toBe(3000);
    expect(retryAfterMs(new Date(now + 5000).toUTCString(), 30_000, now)).toBe(5000);
    expect(retryAfterMs('3600', 30_000, now)).toBe(30_000);
    expect(retryAfterMs('soon', 30_000, now)).toBeUndefined();
    expect(retryAfterMs(null, 30_000, now)).toBeUndefined();
  });
});

describe('SINKS', () => {
  const kafka = { SINK_TYPE: 'kafka', SINK_KAFKA_BROKERS: '127.0.0.1:9092', SINK_KAFKA_TOPIC: 'out', SINK_KAFKA_DATA_TYPE: 'JSON' };
  it('reads each entry as its own sink; a single SINK_TYPE still gives one', () => {
    const { config } = parseJobConfig({ ...base, SINKS: [kafka, { SINK_TYPE: 'log' }] });
    expect(config.sinks.map((s) => s.type)).toEqual(['kafka', 'log']);
    expect(config.sink.type).toBe('kafka');
    expect(parseJobConfig({ ...base, SINK_TYPE: 'log' }).config.sinks).toEqual([{ type: 'log' }]);
    // A JSON string works as in STREAMS.
    expect(parseJobConfig({ ...base, SINKS: JSON.stringify([{ SINK_TYPE: 'log' }]) }).config.sinks).toEqual([{ type: 'log' }]);
  });
  it('validates each entry with its own key path, and refuses top-level sink keys beside SINKS', () => {
    expect(() => parseJobConfig({ ...base, SINKS: [kafka, { SINK_TYPE: 'kafka', SINK_KAFKA_TOPIC: 'x' }] })).toThrow(/SINKS\[1\]\.SINK_KAFKA_BROKERS: expected a comma-separated list/);
    expect(() => parseJobConfig({ ...base, SINKS: [{ SINK_KAFKA_TOPIC: 'x' }] })).toThrow(/SINKS\[0\]\.SINK_TYPE: expected the type of this sink/);
    expect(() => parseJobConfig({ ...base, SINK_TYPE: 'log', SINKS: [kafka] })).toThrow(/SINK_TYPE: expected no top-level sink keys when SINKS is given/);
    expect(() => parseJobConfig({ ...base, SINKS: [] })).toThrow(/SINKS: expected a non-empty JSON array of sink objects/);
  });
  it('warns about a key that is no sink key', () => {
    const { warnings } = parseJobConfig({ ...base, SINKS: [{ SINK_TYPE: 'log', SINK_KAFKA_TOPC: 'x' }] });
    expect(warnings.join('\n')).toMatch(/SINKS\[0\]\.SINK_KAFKA_TOPC is not a sink key and is ignored \(did you mean SINK_KAFKA_TOPIC\?\)/);
  });
});
