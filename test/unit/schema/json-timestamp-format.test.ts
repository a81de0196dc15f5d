import { describe, expect, it } from 'vitest';
import { createJsonRowEncoder, createReferenceJsonRowEncoder } from '../../../src/schema/json-codec.js';
import { scriptToConfig } from '../../../src/job/sql-script.js';

const cols = [
  { name: 'ts', type: { kind: 'TIMESTAMP', precision: 3 } as const },
  { name: 'p', type: { kind: 'TIMESTAMP', precision: 3, proctime: true } as const },
];
const text = (format: 'RFC3339' | 'SQL' | 'ISO-8601', ts: number, p: number): string =>
  Buffer.from(createJsonRowEncoder(cols, undefined, format).encode([ts, p])).toString('utf8');

describe('JSON TIMESTAMP text (Flink json.timestamp-format.standard)', () => {
  const t = Date.UTC(2024, 0, 2, 3, 4, 5, 600);
  const whole = Date.UTC(2024, 0, 2, 3, 4, 5, 0);
  it('RFC3339 (the default, as Dagger) keeps three fraction digits and Z', () => {
    expect(text('RFC3339', t, whole)).toBe('{"ts":"2024-01-02T03:04:05.600Z","p":"2024-01-02T03:04:05.000Z"}');
    expect(Buffer.from(createReferenceJsonRowEncoder(cols).encode([t, whole])).toString()).toBe(text('RFC3339', t, whole));
  });
  it("SQL: 'yyyy-MM-dd HH:mm:ss' with the fraction's needed digits; Z only for TIMESTAMP_LTZ", () => {
    expect(text('SQL', t, whole)).toBe('{"ts":"2024-01-02 03:04:05.6","p":"2024-01-02 03:04:05Z"}');
    expect(text('SQL', Date.UTC(2024, 0, 2, 3, 4, 5, 123), Date.UTC(2024, 0, 2, 3, 4, 5, 120))).toBe('{"ts":"2024-01-02 03:04:05.123","p":"2024-01-02 03:04:05.12Z"}');
  });
  it('ISO-8601: a T between date and time, no Z for TIMESTAMP', () => {
    expect(text('ISO-8601', whole, t)).toBe('{"ts":"2024-01-02T03:04:05","p":"2024-01-02T03:04:05.6Z"}');
  });
  it('NULL stays null', () => {
    expect(Buffer.from(createJsonRowEncoder(cols, undefined, 'SQL').encode([null, null])).toString()).toBe('{"ts":null,"p":null}');
  });
});

describe('a SQL script JSON sink table', () => {
  const script = (opts: string): string => `
CREATE TABLE src (id INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector'='kafka', 'topic'='in', 'properties.bootstrap.servers'='127.0.0.1:1', 'format'='json');
CREATE TABLE out (id INT, ts TIMESTAMP(3)) WITH ('connector'='kafka', 'topic'='out', 'properties.bootstrap.servers'='127.0.0.1:1', 'format'='json'${opts});
INSERT INTO out SELECT id, ts FROM src;`;
  const sinkKey = (cfg: Record<string, unknown>): unknown => {
    const sinks = cfg['SINKS'] as Array<Record<string, unknown>> | undefined;
    return sinks ? sinks[0]!['SINK_KAFKA_JSON_TIMESTAMP_FORMAT'] : cfg['SINK_KAFKA_JSON_TIMESTAMP_FORMAT'];
  };
  it("takes Flink's default SQL form", () => {
    expect(sinkKey(scriptToConfig(script('')))).toBe('SQL');
  });
  it("takes 'json.timestamp-format.standard' = 'ISO-8601'", () => {
    expect(sinkKey(scriptToConfig(script(", 'json.timestamp-format.standard'='ISO-8601'")))).toBe('ISO-8601');
  });
  it('refuses another value at its position', () => {
    expect(() => scriptToConfig(script(", 'json.timestamp-format.standard'='RFC'"))).toThrow(/'json.timestamp-format.standard' = 'RFC' is not supported; use 'SQL', 'ISO-8601'/);
  });
});
