import { ConfigErrors, parseJobConfig } from '../../../src/config/index.js';
import type { ParseOptions, ParsedJobConfig } from '../../../src/config/index.js';

export const kafkaStream = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  INPUT_SCHEMA_TABLE: 'bookings',
  INPUT_SCHEMA_PROTO_CLASS: 'dirk.examples.Booking',
  INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX: '5',
  SOURCE_KAFKA_TOPIC_NAMES: 'booking-log',
  SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: 'localhost:9092',
  SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: 'dirk-test',
  ...over,
});

export const minimal = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  FLINK_SQL_QUERY: 'SELECT * FROM bookings',
  SINK_TYPE: 'log',
  STREAMS: [kafkaStream()],
  ...over,
});

export function parse(raw: unknown, opts: ParseOptions = {}): ParsedJobConfig {
  return parseJobConfig(raw, { baseDir: '/jobs', ...opts });
}

/** The messages of every error the config produces (fails the test if it parses). */
export function errorsOf(raw: unknown, opts: ParseOptions = {}): string[] {
  try {
    parse(raw, opts);
  } catch (e) {
    if (e instanceof ConfigErrors) return e.errors.map((x) => x.message);
    throw e;
  }
  throw new Error('expected the config to be rejected');
}
