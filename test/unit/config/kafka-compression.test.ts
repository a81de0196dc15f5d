/** Kafka's compression.type on every produce path: the Kafka sink (and its dead letters), source dead letters and late records, HTTP sink dead letters. */
import { describe, expect, it } from 'vitest';
import { errorsOf, kafkaStream, minimal, parse } from './helpers.js';

const kafkaSink = (extra: Record<string, unknown> = {}) =>
  minimal({ SINK_TYPE: 'kafka', SINK_KAFKA_BROKERS: 'a:9092', SINK_KAFKA_TOPIC: 'out', SINK_KAFKA_DATA_TYPE: 'JSON', ...extra });

describe('compression.type', () => {
  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd', 'ZSTD', ' Lz4 '])('the sink takes %j (canonical lower case)', (v) => {
    const sink = parse(kafkaSink({ SINK_KAFKA_PRODUCER_CONFIG_COMPRESSION_TYPE: v })).config.sink;
    expect(sink).toMatchObject({ producerConfig: { 'compression.type': v.trim().toLowerCase() } });
  });

  it('an unknown sink codec is a config error naming key, expected and found', () => {
    expect(errorsOf(kafkaSink({ SINK_KAFKA_PRODUCER_CONFIG_COMPRESSION_TYPE: 'lz5' }))).toEqual([
      'config SINK_KAFKA_PRODUCER_CONFIG_COMPRESSION_TYPE: expected one of none, gzip, snappy, lz4, zstd, found "lz5" (did you mean lz4?)',
    ]);
  });

  it('large messages leave compression to the sink (snappy unless given), and an absent key is absent', () => {
    const large = parse(kafkaSink({ SINK_KAFKA_PRODUCE_LARGE_MESSAGE_ENABLE: true })).config.sink;
    expect(large).toMatchObject({ largeMessage: true, producerConfig: {} });
    expect((large as { producerConfig: Record<string, string> }).producerConfig['compression.type']).toBeUndefined();
  });

  it('source dead letters and late records take SOURCE_DEAD_LETTER_COMPRESSION_TYPE', () => {
    const s = parse(
      minimal({
        STREAMS: [
          kafkaStream({
            SOURCE_BAD_RECORD_POLICY: 'DEAD_LETTER',
            SOURCE_DEAD_LETTER_TOPIC: 'dlq',
            SOURCE_LATE_RECORD_POLICY: 'TOPIC',
            SOURCE_LATE_RECORD_TOPIC: 'late',
            SOURCE_DEAD_LETTER_COMPRESSION_TYPE: 'zstd',
          }),
        ],
      }),
    ).config.streams[0]!;
    expect(s.badRecordPolicy.compression).toBe('zstd');
    expect(s.lateRecords.compression).toBe('zstd');
    const plain = parse(minimal({ STREAMS: [kafkaStream({ SOURCE_BAD_RECORD_POLICY: 'DEAD_LETTER', SOURCE_DEAD_LETTER_TOPIC: 'dlq' })] })).config.streams[0]!;
    expect(plain.badRecordPolicy.compression).toBeUndefined();
    expect(errorsOf(minimal({ STREAMS: [kafkaStream({ SOURCE_BAD_RECORD_POLICY: 'DEAD_LETTER', SOURCE_DEAD_LETTER_TOPIC: 'dlq', SOURCE_DEAD_LETTER_COMPRESSION_TYPE: 'brotli' })] }))).toEqual([
      'config STREAMS[0].SOURCE_DEAD_LETTER_COMPRESSION_TYPE: expected one of none, gzip, snappy, lz4, zstd, found "brotli"',
    ]);
  });

  it('HTTP sink dead letters take SINK_HTTP_DEAD_LETTER_COMPRESSION_TYPE', () => {
    const http = (extra: Record<string, unknown>) =>
      minimal({ SINK_TYPE: 'http', SINK_HTTP_URL: 'http://h/x', SINK_HTTP_DEAD_LETTER_TOPIC: 'dlq', SINK_HTTP_DEAD_LETTER_BROKERS: 'a:9092', ...extra });
    expect(parse(http({ SINK_HTTP_DEAD_LETTER_COMPRESSION_TYPE: 'snappy' })).config.sink).toMatchObject({ deadLetter: { topic: 'dlq', compression: 'snappy' } });
    expect((parse(http({})).config.sink as { deadLetter: { compression?: string } }).deadLetter.compression).toBeUndefined();
    expect(errorsOf(http({ SINK_HTTP_DEAD_LETTER_COMPRESSION_TYPE: 'snapy' }))).toEqual([
      'config SINK_HTTP_DEAD_LETTER_COMPRESSION_TYPE: expected one of none, gzip, snappy, lz4, zstd, found "snapy" (did you mean snappy?)',
    ]);
  });
});
