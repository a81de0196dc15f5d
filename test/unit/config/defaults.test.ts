import { describe, expect, it } from 'vitest';
import { describeConfigKeys } from '../../../src/config/index.js';
import { kafkaStream, minimal, parse } from './helpers.js';

// Values written out from Dagger's code (dagger-core Constants, StreamConfig), not read from defaults.ts,
// so a change to the table that breaks compatibility shows up here.
describe('defaults equal Dagger code defaults', () => {
  const { config, warnings } = parse(minimal());

  it('applies the generic and Flink defaults', () => {
    expect(warnings).toEqual([]);
    expect(config.jobId).toBe('SQL Flink job');
    expect(config.rowtimeAttributeName).toBe('rowtime');
    expect(config.parallelism).toBe(1);
    expect(config.parallelismMax).toBe(50);
    expect(config.watermark).toEqual({ delayMs: 10000, intervalMs: 10000, perPartition: false, idleTimeoutMs: 0 });
    expect(config.checkpoint).toEqual({ intervalMs: 30000, timeoutMs: 900000, minPauseMs: 5000, maxConcurrent: 1, tolerableFailures: 3 });
    expect(config.restart).toEqual({ attempts: 10, backoffMs: 1000, backoffMaxMs: 30000 });
    expect(config.retentionIdleStateMinutes).toBe(10);
  });

  it('defaults SINK_TYPE to influx, which then needs its required keys', () => {
    const { config: c } = parse(
      minimal({
        SINK_TYPE: undefined,
        SINK_INFLUX_URL: 'http://localhost:8086',
        SINK_INFLUX_DB_NAME: 'dagger',
        SINK_INFLUX_MEASUREMENT_NAME: 'm',
      }),
    );
    expect(c.sink).toEqual({
      type: 'influx',
      url: 'http://localhost:8086',
      username: '',
      password: '',
      dbName: 'dagger',
      measurementName: 'm',
      retentionPolicy: '',
      batchSize: 0,
      flushDurationMs: 0,
      withRowNamesWriter: false,
      // Dirk: the v1 write API, as Dagger's influxdb-java uses, with basic auth.
      apiVersion: 1,
      authMethod: 'BASIC',
      org: '',
    });
  });

  it('applies stream defaults: KAFKA_CONSUMER/UNBOUNDED, PROTO, latest, no auto-commit, FAIL on bad records', () => {
    const s = config.streams[0]!;
    expect(s.index).toBe(0);
    expect(s.dataType).toBe('PROTO');
    expect(s.source).toEqual({ type: 'UNBOUNDED', name: 'KAFKA_CONSUMER' });
    expect(s.eventTimestampFieldIndex).toBe(5);
    expect(s.kafka).toEqual({
      topicPattern: 'booking-log',
      topics: ['booking-log'],
      bootstrapServers: ['localhost:9092'],
      groupId: 'dirk-test',
      autoOffsetReset: 'latest',
      autoCommit: false,
      additional: {},
      largeMessage: false,
    });
    expect(s.badRecordPolicy).toEqual({ mode: 'FAIL' });
    expect(s.lateRecords).toEqual({ mode: 'DROP' });
  });

  it('applies schema registry, processor, longbow, udf and telemetry defaults', () => {
    expect(config.schemaRegistry).toEqual({
      enabled: false,
      urls: [],
      fetchTimeoutMs: 10000,
      fetchHeaders: {},
      cacheAutoRefresh: false,
      cacheTtlMs: 900000,
      refreshStrategy: 'LONG_POLLING',
      fetchBackoffMinMs: 60000,
      fetchRetries: 4,
      protoDirs: ['/jobs/protos'],
    });
    expect(config.processors).toEqual({
      preprocessorEnabled: false,
      preprocessorConfig: null,
      postprocessorEnabled: false,
      postprocessorConfig: null,
      transformerFolders: [],
      longbow: {
        asyncTimeoutMs: 15000,
        threadCapacity: 30,
        gcpProjectId: 'default-gcp-project',
        gcpInstanceId: 'default-gcp-project',
        gcpTableId: 'SQL Flink job',
        documentDuration: '90d',
        documentDurationMs: 90 * 86_400_000,
      },
    });
    expect(config.udf).toEqual({ folders: [], watch: false, errorPolicy: 'NULL', dart: { storeProvider: 'GCS', tkeOidcProvider: false }, settings: {} });
    expect(config.metrics).toEqual({ enabled: true, port: 9464, host: '127.0.0.1', shutdownPeriodMs: 10000, healthUnreachableMs: 60000, healthCheckpointFailures: 2 });
  });

  it('applies kafka and bigquery sink defaults', () => {
    const kafka = parse(minimal({ SINK_TYPE: 'kafka', SINK_KAFKA_BROKERS: 'k:9092', SINK_KAFKA_TOPIC: 'out', SINK_KAFKA_PROTO_MESSAGE: 'a.Out' })).config.sink;
    expect(kafka).toEqual({
      type: 'kafka',
      brokers: ['k:9092'],
      topic: 'out',
      dataType: 'PROTO',
      protoMessage: 'a.Out',
      largeMessage: false,
      lingerMs: 0,
      deliveryGuarantee: 'AT_LEAST_ONCE',
      producerConfig: {},
      errorPolicy: { mode: 'FAIL' },
    });
    const bq = parse(minimal({ SINK_TYPE: 'bigquery' })).config.sink;
    expect(bq).toEqual({ type: 'bigquery', batchSize: 500, errorTypesForFailure: [], settings: {} });
  });

  it('uses rowtime when FLINK_ROWTIME_ATTRIBUTE_NAME is empty (Dagger code default "")', () => {
    expect(parse(minimal({ FLINK_ROWTIME_ATTRIBUTE_NAME: '' })).config.rowtimeAttributeName).toBe('rowtime');
    expect(parse(minimal({ FLINK_ROWTIME_ATTRIBUTE_NAME: 'event_time' })).config.rowtimeAttributeName).toBe('event_time');
  });

  it('returns a deeply frozen object', () => {
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.streams)).toBe(true);
    expect(Object.isFrozen(config.streams[0]!.kafka!.bootstrapServers)).toBe(true);
    expect(() => {
      (config.watermark as { delayMs: number }).delayMs = 1;
    }).toThrow(TypeError);
  });

  it('describes every key with a default or a requirement', () => {
    const keys = describeConfigKeys();
    const byKey = new Map(keys.map((k) => [k.key, k]));
    expect(byKey.get('FLINK_WATERMARK_DELAY_MS')?.default).toBe('10000');
    expect(byKey.get('STREAMS')?.default).toBe('required');
    expect(byKey.get('SINK_TYPE')?.dagger).toMatch(/rejects/);
    expect(byKey.get('STREAMS[].SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET')?.default).toBe('latest');
    for (const k of keys) expect(k.description.length).toBeGreaterThan(5);
  });

  it('keeps the kafka stream helper minimal', () => {
    expect(Object.keys(kafkaStream())).toHaveLength(6);
  });
});

describe('SINK_KAFKA_ERROR_POLICY and SINK_KAFKA_CREATE_TOPIC', () => {
  const base = { SINK_TYPE: 'kafka', SINK_KAFKA_BROKERS: 'k:9092', SINK_KAFKA_TOPIC: 'out', SINK_KAFKA_PROTO_MESSAGE: 'a.Out' };
  it('reads DEAD_LETTER with its topic and brokers, and the topic creation settings', () => {
    const sink = parse(
      minimal({
        ...base,
        SINK_KAFKA_ERROR_POLICY: 'DEAD_LETTER',
        SINK_KAFKA_DEAD_LETTER_TOPIC: 'out-dlq',
        SINK_KAFKA_DEAD_LETTER_BROKERS: 'd:9092',
        SINK_KAFKA_CREATE_TOPIC: 'true',
        SINK_KAFKA_CREATE_TOPIC_PARTITIONS: '6',
      }),
    ).config.sink;
    expect(sink).toMatchObject({
      errorPolicy: { mode: 'DEAD_LETTER', deadLetterTopic: 'out-dlq', deadLetterBrokers: ['d:9092'] },
      createTopic: { partitions: 6, replicationFactor: 1 },
    });
  });
  it('requires the dead-letter topic for DEAD_LETTER and names a wrong policy', () => {
    expect(() => parse(minimal({ ...base, SINK_KAFKA_ERROR_POLICY: 'DEAD_LETTER' }))).toThrow(
      'config SINK_KAFKA_DEAD_LETTER_TOPIC: expected a topic name (required when SINK_KAFKA_ERROR_POLICY=DEAD_LETTER), found nothing',
    );
    expect(() => parse(minimal({ ...base, SINK_KAFKA_ERROR_POLICY: 'DROP' }))).toThrow(/config SINK_KAFKA_ERROR_POLICY: expected one of FAIL, SKIP, DEAD_LETTER.*found "DROP"/);
  });
});
