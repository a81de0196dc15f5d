import { describe, expect, it } from 'vitest';
import { parse } from './helpers.js';

// Shaped like Dagger's own samples (dagger-core/env/local.properties and the "create a job" guide):
// every value a string, STREAMS a string holding a JSON array, processor configs as JSON strings.
const daggerJob = {
  FLINK_SQL_QUERY:
    "SELECT service_type, COUNT(1) AS booking_count, TUMBLE_END(rowtime, INTERVAL '60' SECOND) AS window_timestamp FROM data_stream_0 GROUP BY TUMBLE(rowtime, INTERVAL '60' SECOND), service_type",
  FLINK_WATERMARK_INTERVAL_MS: '60000',
  FLINK_WATERMARK_DELAY_MS: '86400000',
  FLINK_PARALLELISM: '2',
  FLINK_JOB_ID: 'booking-counts-local',
  FLINK_ROWTIME_ATTRIBUTE_NAME: 'rowtime',
  STREAMS: `[{
      "SOURCE_KAFKA_TOPIC_NAMES": "booking-log|booking-log-retry",
      "INPUT_SCHEMA_TABLE": "data_stream_0",
      "INPUT_SCHEMA_PROTO_CLASS": "dirk.examples.BookingLogMessage",
      "INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX": "41",
      "SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS": "localhost:9092,localhost:9093",
      "SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_COMMIT_ENABLE": "false",
      "SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET": "latest",
      "SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID": "dummy-consumer-group",
      "SOURCE_KAFKA_NAME": "local-kafka-stream",
      "SOURCE_DETAILS": [{ "SOURCE_TYPE": "UNBOUNDED", "SOURCE_NAME": "KAFKA_CONSUMER" }]
    }, {
      "INPUT_SCHEMA_TABLE": "data_stream_1",
      "INPUT_SCHEMA_PROTO_CLASS": "dirk.examples.SearchLogMessage",
      "INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX": "3",
      "SOURCE_PARQUET_FILE_PATHS": ["/data/search-log/dt=2023-04-13/hr=00"],
      "SOURCE_PARQUET_READ_ORDER_STRATEGY": "EARLIEST_TIME_URL_FIRST",
      "SOURCE_PARQUET_FILE_DATE_RANGE": "2023-04-13T00:00:00Z,2023-04-13T23:59:59Z",
      "SOURCE_DETAILS": [{ "SOURCE_TYPE": "BOUNDED", "SOURCE_NAME": "PARQUET_SOURCE" }]
    }]`,
  PROCESSOR_PREPROCESSOR_ENABLE: 'true',
  PROCESSOR_PREPROCESSOR_CONFIG:
    '{"table_transformers":[{"table_name":"data_stream_0","transformers":[{"transformation_class":"InvalidRecordFilterTransformer"}]}]}',
  PROCESSOR_POSTPROCESSOR_ENABLE: 'false',
  PROCESSOR_POSTPROCESSOR_CONFIG: '{}',
  SINK_TYPE: 'kafka',
  SINK_KAFKA_BROKERS: '10.0.0.20:6668,10.0.0.21:6668',
  SINK_KAFKA_TOPIC: 'booking-counts',
  SINK_KAFKA_PROTO_KEY: 'dirk.examples.BookingCountKey',
  SINK_KAFKA_PROTO_MESSAGE: 'dirk.examples.BookingCount',
  SINK_KAFKA_STREAM: 'mainstream',
  SINK_KAFKA_LINGER_MS: '5',
  SCHEMA_REGISTRY_STENCIL_ENABLE: 'true',
  SCHEMA_REGISTRY_STENCIL_URLS: 'http://stencil.local/v1beta1/namespaces/dirk/schemas/examples/versions/747',
  SCHEMA_REGISTRY_STENCIL_FETCH_TIMEOUT_MS: '60000',
  METRIC_TELEMETRY_SHUTDOWN_PERIOD_MS: '10000',
  METRIC_TELEMETRY_ENABLE: 'true',
  FUNCTION_FACTORY_CLASSES: 'com.gotocompany.dagger.functions.udfs.factories.FunctionFactory',
  PYTHON_UDF_ENABLE: 'false',
};

describe('a full Dagger job config', () => {
  const { config, warnings } = parse(daggerJob);

  it('parses without warnings', () => {
    expect(warnings).toEqual([]);
  });

  it('reads the generic and Flink settings', () => {
    expect(config.jobId).toBe('booking-counts-local');
    expect(config.sqlQuery).toMatch(/^SELECT service_type/);
    expect(config.parallelism).toBe(2);
    expect(config.watermark).toMatchObject({ intervalMs: 60000, delayMs: 86400000 });
  });

  it('reads both streams', () => {
    const [kafka, parquet] = config.streams;
    expect(kafka).toMatchObject({
      index: 0,
      table: 'data_stream_0',
      protoClass: 'dirk.examples.BookingLogMessage',
      eventTimestampFieldIndex: 41,
      source: { type: 'UNBOUNDED', name: 'KAFKA_CONSUMER' },
      kafka: {
        topicPattern: 'booking-log|booking-log-retry',
        topics: ['booking-log', 'booking-log-retry'],
        bootstrapServers: ['localhost:9092', 'localhost:9093'],
        groupId: 'dummy-consumer-group',
        clusterName: 'local-kafka-stream',
      },
    });
    expect(parquet).toMatchObject({
      index: 1,
      table: 'data_stream_1',
      source: { type: 'BOUNDED', name: 'PARQUET_SOURCE' },
      parquet: {
        filePaths: ['/data/search-log/dt=2023-04-13/hr=00'],
        readOrderStrategy: 'EARLIEST_TIME_URL_FIRST',
        schemaMatchStrategy: 'SAME_SCHEMA_WITH_FAIL_ON_MISMATCH',
        dateRanges: [{ start: Date.parse('2023-04-13T00:00:00Z'), end: Date.parse('2023-04-13T23:59:59Z') }],
      },
    });
  });

  it('reads the sink, registry and processors', () => {
    expect(config.sink).toEqual({
      type: 'kafka',
      brokers: ['10.0.0.20:6668', '10.0.0.21:6668'],
      topic: 'booking-counts',
      stream: 'mainstream',
      dataType: 'PROTO',
      protoMessage: 'dirk.examples.BookingCount',
      protoKey: 'dirk.examples.BookingCountKey',
      largeMessage: false,
      lingerMs: 5,
      deliveryGuarantee: 'AT_LEAST_ONCE',
      producerConfig: {},
      errorPolicy: { mode: 'FAIL' },
    });
    expect(config.schemaRegistry).toMatchObject({ enabled: true, fetchTimeoutMs: 60000 });
    expect(config.processors.preprocessorEnabled).toBe(true);
    expect(config.processors.preprocessorConfig).toMatchObject({ table_transformers: [{ table_name: 'data_stream_0' }] });
    expect(config.processors.postprocessorConfig).toEqual({});
  });
});

describe('the STREAMS sample of Dagger\'s "create a job" guide', () => {
  // As printed in the guide, with a trailing comma that Dagger's Gson parser tolerates.
  const guideStreams = `[{
        "SOURCE_KAFKA_TOPIC_NAMES": "test-topic",
        "INPUT_SCHEMA_TABLE": "data_stream",
        "INPUT_SCHEMA_PROTO_CLASS": "com.tests.TestMessage",
        "INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX": "41",
        "SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS": "localhost:9092",
        "SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_COMMIT_ENABLE": "false",
        "SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET": "latest",
        "SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID": "dummy-consumer-group",
        "SOURCE_KAFKA_NAME": "local-kafka-stream",
        "SOURCE_DETAILS": [
            {
                "SOURCE_TYPE": "UNBOUNDED",
                "SOURCE_NAME": "KAFKA_CONSUMER"
            }],
        }]`;

  it('parses, with a warning about the trailing comma', () => {
    const { config, warnings } = parse({
      STREAMS: guideStreams,
      FLINK_ROWTIME_ATTRIBUTE_NAME: 'rowtime',
      FLINK_JOB_ID: 'TestDagger',
      SQL_QUERY: 'SELECT * from `data_stream`',
      SINK_TYPE: 'log',
    });
    expect(warnings).toEqual(['STREAMS: trailing commas in the JSON were ignored']);
    expect(config.streams[0]!.kafka!.clusterName).toBe('local-kafka-stream');
    expect(config.sqlQuery).toBe('SELECT * from `data_stream`');
  });
});
