import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { ConfigErrors, parseJobConfig } from '../../../src/config/index.js';
import { errorsOf, kafkaStream, minimal, parse } from './helpers.js';

describe('string and native values', () => {
  it('reads booleans and integers given as strings (any case) or natively', () => {
    const asStrings = parse(minimal({ FLINK_PARALLELISM: '4', FLINK_WATERMARK_PER_PARTITION_ENABLE: 'TRUE', METRIC_TELEMETRY_ENABLE: 'False' })).config;
    const native = parse(minimal({ FLINK_PARALLELISM: 4, FLINK_WATERMARK_PER_PARTITION_ENABLE: true, METRIC_TELEMETRY_ENABLE: false })).config;
    for (const c of [asStrings, native]) {
      expect(c.parallelism).toBe(4);
      expect(c.watermark.perPartition).toBe(true);
      expect(c.metrics.enabled).toBe(false);
    }
  });

  it('takes STREAMS as a string holding a JSON array, as in properties files', () => {
    const c = parse(minimal({ STREAMS: JSON.stringify([kafkaStream()]) })).config;
    expect(c.streams).toHaveLength(1);
    expect(c.streams[0]!.table).toBe('bookings');
  });

  it('treats an empty string for a number or boolean as not set', () => {
    const c = parse(minimal({ FLINK_PARALLELISM: '', UDF_WATCH: ' ' })).config;
    expect(c.parallelism).toBe(1);
    expect(c.udf.watch).toBe(false);
  });

  it('reads comma lists and arrays alike', () => {
    const a = parse(minimal({ UDF_FOLDERS: 'udfs, more/udfs', SCHEMA_PROTO_DIRS: ['/abs/protos'] })).config;
    expect(a.udf.folders).toEqual(['/jobs/udfs', '/jobs/more/udfs']);
    expect(a.schemaRegistry.protoDirs).toEqual(['/abs/protos']);
  });

  it('accepts SQL_QUERY as an alias of FLINK_SQL_QUERY', () => {
    const c = parse(minimal({ FLINK_SQL_QUERY: undefined, SQL_QUERY: ' SELECT 1 FROM bookings ' })).config;
    expect(c.sqlQuery).toBe('SELECT 1 FROM bookings');
    expect(parse(minimal({ SQL_QUERY: 'SELECT * FROM bookings' })).config.sqlQuery).toBe('SELECT * FROM bookings');
  });

  it('maps kafka passthrough keys to Kafka property names', () => {
    const s = parse(
      minimal({
        STREAMS: [
          kafkaStream({
            SOURCE_KAFKA_CONSUMER_CONFIG_MAX_POLL_RECORDS: '500',
            SOURCE_KAFKA_CONSUMER_ADDITIONAL_CONFIGURATIONS: '{"SOURCE_KAFKA_CONSUMER_CONFIG_FETCH_MIN_BYTES":"1"}',
          }),
        ],
        SOURCE_KAFKA_CONSUME_LARGE_MESSAGE_ENABLE: 'true',
      }),
    ).config.streams[0]!;
    expect(s.kafka!.additional).toEqual({ 'max.poll.records': '500', 'fetch.min.bytes': '1' });
    expect(s.kafka!.largeMessage).toBe(true);
    const sink = parse(
      minimal({
        SINK_TYPE: 'KAFKA',
        SINK_KAFKA_BROKERS: 'a:9092,b:9092',
        SINK_KAFKA_TOPIC: 'out',
        SINK_KAFKA_DATA_TYPE: 'json',
        SINK_KAFKA_PRODUCER_CONFIG_COMPRESSION_TYPE: 'gzip',
      }),
    ).config.sink;
    expect(sink).toMatchObject({ type: 'kafka', brokers: ['a:9092', 'b:9092'], dataType: 'JSON', producerConfig: { 'compression.type': 'gzip' } });
  });

  it('reads SASL from the JAAS line and keeps a topic regex', () => {
    const s = parse(
      minimal({
        STREAMS: [
          kafkaStream({
            SOURCE_KAFKA_TOPIC_NAMES: 'booking-.*',
            SOURCE_KAFKA_CONSUMER_CONFIG_SECURITY_PROTOCOL: 'SASL_SSL',
            SOURCE_KAFKA_CONSUMER_CONFIG_SASL_MECHANISM: 'SCRAM-SHA-512',
            SOURCE_KAFKA_CONSUMER_CONFIG_SASL_JAAS_CONFIG:
              'org.apache.kafka.common.security.scram.ScramLoginModule required username="dirk" password="s3cr\\"et";',
            SOURCE_KAFKA_CONSUMER_CONFIG_SSL_TRUSTSTORE_LOCATION: 'certs/ca.pem',
            SOURCE_KAFKA_CONSUMER_CONFIG_SSL_TRUSTSTORE_TYPE: 'PEM',
          }),
        ],
      }),
    ).config.streams[0]!;
    expect(s.kafka!.topicPattern).toBe('booking-.*');
    expect(s.kafka!.topics).toBeUndefined();
    expect(s.kafka!.security).toEqual({
      protocol: 'SASL_SSL',
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'dirk', password: 's3cr"et' },
      ssl: { truststore: { location: '/jobs/certs/ca.pem', type: 'PEM' } },
    });
  });

  it('reads FILE_SOURCE and DATAGEN_SOURCE streams (Dirk extensions)', () => {
    const c = parse(
      minimal({
        FLINK_SQL_QUERY: 'SELECT * FROM a JOIN b ON a.id = b.id',
        STREAMS: [
          {
            INPUT_SCHEMA_TABLE: 'a',
            INPUT_DATATYPE: 'JSON',
            INPUT_SCHEMA_JSON_SCHEMA: '{"type":"object","properties":{"id":{"type":"string"}}}',
            INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'ts',
            SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'FILE_SOURCE' }],
            SOURCE_FILE_PATH: 'data/a.jsonl',
          },
          {
            INPUT_SCHEMA_TABLE: 'b',
            INPUT_SCHEMA_PROTO_CLASS: 'x.B',
            INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX: 3,
            SOURCE_DETAILS: '[{"SOURCE_NAME":"DATAGEN_SOURCE"}]',
            SOURCE_DATAGEN_ROWS: '50',
            SOURCE_DATAGEN_RATE_PER_SECOND: 10,
            SOURCE_BAD_RECORD_POLICY: 'dead_letter',
            SOURCE_DEAD_LETTER_TOPIC: 'dlq',
            SOURCE_DEAD_LETTER_BROKERS: 'k:9092',
          },
        ],
      }),
    ).config;
    const [a, b] = c.streams;
    expect(a!.source).toEqual({ type: 'BOUNDED', name: 'FILE_SOURCE' });
    expect(a!.file).toEqual({ path: '/jobs/data/a.jsonl', format: 'JSONL' });
    expect(a!.jsonSchemaObject).toEqual({ type: 'object', properties: { id: { type: 'string' } } });
    expect(a!.kafka).toBeUndefined();
    expect(b!.source).toEqual({ type: 'BOUNDED', name: 'DATAGEN_SOURCE' });
    expect(b!.datagen).toEqual({ rows: 50, ratePerSecond: 10, seed: 1 });
    expect(b!.badRecordPolicy).toEqual({ mode: 'DEAD_LETTER', deadLetterTopic: 'dlq', deadLetterBrokers: ['k:9092'] });
  });

  it('parses processor configs given as strings or objects', () => {
    const pre = { table_transformers: [{ table_name: 'bookings', transformers: [] }] };
    const c = parse(
      minimal({
        PROCESSOR_PREPROCESSOR_ENABLE: 'true',
        PROCESSOR_PREPROCESSOR_CONFIG: JSON.stringify(pre),
        PROCESSOR_POSTPROCESSOR_ENABLE: true,
        PROCESSOR_POSTPROCESSOR_CONFIG: { internal_source: [] },
      }),
    ).config;
    expect(c.processors.preprocessorConfig).toEqual(pre);
    expect(c.processors.postprocessorConfig).toEqual({ internal_source: [] });
  });

  it('reads Stencil headers in Dagger form', () => {
    const c = parse(
      minimal({
        SCHEMA_REGISTRY_STENCIL_ENABLE: 'true',
        SCHEMA_REGISTRY_STENCIL_URLS: 'http://stencil/v1/a, http://stencil/v1/b',
        SCHEMA_REGISTRY_STENCIL_FETCH_HEADERS: 'Authorization:Bearer x:y,X-Team:data',
      }),
    ).config.schemaRegistry;
    expect(c.urls).toEqual(['http://stencil/v1/a', 'http://stencil/v1/b']);
    expect(c.fetchHeaders).toEqual({ Authorization: 'Bearer x:y', 'X-Team': 'data' });
  });

  it('keeps every UDF_* key in udf.settings without warning', () => {
    const { config, warnings } = parse(minimal({ UDF_MY_LOOKUP_URL: 'http://x', UDF_WATCH: 'true' }));
    expect(config.udf.settings).toEqual({ UDF_MY_LOOKUP_URL: 'http://x', UDF_WATCH: 'true' });
    expect(warnings).toEqual([]);
  });

  it('substitutes ${VAR} only when an env is given', () => {
    const raw = minimal({ SINK_TYPE: 'influx', SINK_INFLUX_URL: 'http://${HOST:-localhost}:8086', SINK_INFLUX_DB_NAME: 'd', SINK_INFLUX_MEASUREMENT_NAME: 'm', SINK_INFLUX_PASSWORD: '${PW}', SINK_INFLUX_USERNAME: '$${literal}' });
    const sink = parse(raw, { env: { PW: 'pw' } }).config.sink;
    expect(sink).toMatchObject({ url: 'http://localhost:8086', password: 'pw', username: '${literal}' });
    expect(parse(raw).config.sink).toMatchObject({ password: '${PW}' });
    expect(errorsOf(raw, { env: {} })).toEqual([
      'config SINK_INFLUX_PASSWORD: expected environment variable PW to be set (referenced as ${PW}), found nothing (the key is missing) (use ${NAME:-default} for a fallback)',
    ]);
  });

  it('keeps raw as given', () => {
    const raw = minimal({ FLINK_PARALLELISM: '2' });
    expect(parse(raw).config.raw).toEqual(raw);
  });
});

describe('errors name the key path, what was expected and what was found', () => {
  it('rejects a non-object config', () => {
    expect(() => parseJobConfig([])).toThrow(/expected a JSON object of Dagger config keys, found an array/);
  });

  it('reports wrong value types', () => {
    expect(errorsOf(minimal({ FLINK_PARALLELISM: '2.5', FLINK_WATERMARK_PER_PARTITION_ENABLE: 'yes', FLINK_CHECKPOINT_MAX_CONCURRENT: 0 }))).toEqual([
      'config FLINK_PARALLELISM: expected an integer >= 1, found "2.5"',
      'config FLINK_WATERMARK_PER_PARTITION_ENABLE: expected true or false, found "yes"',
      'config FLINK_CHECKPOINT_MAX_CONCURRENT: expected an integer >= 1, found number 0',
    ]);
  });

  it('reports a bad enum in a stream with its path and a suggestion', () => {
    expect(errorsOf(minimal({ STREAMS: [kafkaStream(), kafkaStream({ INPUT_SCHEMA_TABLE: 't2', SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET: 'earlest' })] }))).toEqual([
      'config STREAMS[1].SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET: expected one of latest, earliest, found "earlest" (did you mean earliest?)',
    ]);
  });

  it('reports missing required keys', () => {
    const errors = errorsOf({ SINK_TYPE: 'kafka', STREAMS: [{ INPUT_SCHEMA_TABLE: 'x' }] });
    expect(errors).toEqual([
      'config FLINK_SQL_QUERY: expected a non-empty SQL query, found nothing (the key is missing)',
      'config STREAMS[0].INPUT_SCHEMA_PROTO_CLASS: expected a proto message full name such as com.example.Booking, found nothing (the key is missing)',
      'config STREAMS[0].INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX: expected the field number of a google.protobuf.Timestamp field, found nothing (the key is missing)',
      'config STREAMS[0].SOURCE_KAFKA_TOPIC_NAMES: expected a topic name or regular expression (a|b for two topics), found nothing (the key is missing)',
      'config STREAMS[0].SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: expected a comma-separated list of host:port, found nothing (the key is missing)',
      'config STREAMS[0].SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: expected a consumer group id, found nothing (the key is missing)',
      'config SINK_KAFKA_BROKERS: expected a comma-separated list of host:port (required when SINK_TYPE=kafka), found nothing (the key is missing)',
      'config SINK_KAFKA_TOPIC: expected a topic name, found nothing (the key is missing) (required when SINK_TYPE=kafka)',
      'config SINK_KAFKA_PROTO_MESSAGE: expected a proto message full name, found nothing (the key is missing) (required when SINK_KAFKA_DATA_TYPE=PROTO)',
    ]);
  });

  it('requires STREAMS to be a non-empty array', () => {
    expect(errorsOf(minimal({ STREAMS: undefined }))).toEqual(['config STREAMS: expected a non-empty JSON array of stream objects, found nothing (the key is missing)']);
    expect(errorsOf(minimal({ STREAMS: '[]' }))).toEqual(['config STREAMS: expected a non-empty JSON array of stream objects, found an array []']);
    expect(errorsOf(minimal({ STREAMS: '[{\n "A": 1 "B": 2}]' }))).toEqual([
      'config STREAMS: expected a JSON array of stream objects, found "[{\n "A": 1 "B": 2}]" (line 2, column 9: expected "," or "}" in an object, found """)',
    ]);
    expect(errorsOf(minimal({ STREAMS: [kafkaStream(), 'x'] }))).toEqual(['config STREAMS[1]: expected a stream object, found "x"']);
  });

  it('rejects an unknown SINK_TYPE, listing the valid values (Dagger would fall back to influx)', () => {
    expect(errorsOf(minimal({ SINK_TYPE: 'kafak' }))).toEqual([
      'config SINK_TYPE: expected one of log, influx, kafka, http, bigquery, blackhole, found "kafak" (did you mean kafka? Dagger would silently fall back to influx; Dirk does not)',
    ]);
  });

  it('rejects a topic pattern that is not a valid regex', () => {
    const errors = errorsOf(minimal({ STREAMS: [kafkaStream({ SOURCE_KAFKA_TOPIC_NAMES: 'booking-(log' })] }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^config STREAMS\[0\]\.SOURCE_KAFKA_TOPIC_NAMES: expected a valid regular expression, found "booking-\(log" \(.+\)$/);
  });

  it('rejects duplicate table names across STREAMS', () => {
    expect(errorsOf(minimal({ STREAMS: [kafkaStream(), kafkaStream({ INPUT_SCHEMA_TABLE: 'Bookings' })] }))).toEqual([
      'config STREAMS[1].INPUT_SCHEMA_TABLE: expected a table name not used by another stream (names are compared ignoring case), found "Bookings" (STREAMS[0] already uses it)',
    ]);
  });

  it('rejects a JAAS line it cannot read, without echoing the password', () => {
    const sasl = (jaas: string, mechanism = 'PLAIN'): string[] =>
      errorsOf(
        minimal({
          STREAMS: [
            kafkaStream({
              SOURCE_KAFKA_CONSUMER_CONFIG_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
              SOURCE_KAFKA_CONSUMER_CONFIG_SASL_MECHANISM: mechanism,
              SOURCE_KAFKA_CONSUMER_CONFIG_SASL_JAAS_CONFIG: jaas,
            }),
          ],
        }),
      );
    const key = 'config STREAMS[0].SOURCE_KAFKA_CONSUMER_CONFIG_SASL_JAAS_CONFIG';
    expect(sasl('org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="hunter2"')).toEqual([
      `${key}: expected a JAAS line such as org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";, found "org.apache.kafka.common.security.plain.PlainLoginModule required username="u"..." (missing the closing ";")`,
    ]);
    expect(sasl('org.apache.kafka.common.security.plain.PlainLoginModule username="u";').join()).toMatch(/expected a control flag/);
    expect(sasl('org.apache.kafka.common.security.plain.PlainLoginModule required username="u";').join()).toMatch(
      /expected username="\.\.\." and password="\.\.\." options/,
    );
    expect(sasl('org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";', 'SCRAM-SHA-256')).toEqual([
      `${key}: expected ScramLoginModule for SASL mechanism SCRAM-SHA-256, found "org.apache.kafka.common.security.plain.PlainLoginModule"`,
    ]);
    for (const e of sasl('x.PlainLoginModule required password="hunter2" username=u')) expect(e).not.toMatch(/hunter2/);
    expect(errorsOf(minimal({ STREAMS: [kafkaStream({ SOURCE_KAFKA_CONSUMER_CONFIG_SECURITY_PROTOCOL: 'SASL_SSL' })] }))).toEqual([
      'config STREAMS[0].SOURCE_KAFKA_CONSUMER_CONFIG_SASL_MECHANISM: expected PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (required with SASL_SSL), found nothing (the key is missing)',
      'config STREAMS[0].SOURCE_KAFKA_CONSUMER_CONFIG_SASL_JAAS_CONFIG: expected a JAAS line such as org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p"; (required with SASL_SSL), found nothing (the key is missing)',
    ]);
  });

  it('rejects SOURCE_DETAILS that is not one valid source (or a bounded + Kafka hybrid pair)', () => {
    expect(errorsOf(minimal({ STREAMS: [kafkaStream({ SOURCE_DETAILS: [] })] }))[0]).toMatch(
      /^config STREAMS\[0\]\.SOURCE_DETAILS: expected an array of one .* or two for a hybrid source .* found an array \[\]/,
    );
    const pair = (a: string, b: string): Record<string, unknown> => ({
      SOURCE_DETAILS: [
        { SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: a },
        { SOURCE_TYPE: 'UNBOUNDED', SOURCE_NAME: b },
      ],
      SOURCE_FILE_PATH: 'x.jsonl',
    });
    expect(errorsOf(minimal({ STREAMS: [kafkaStream(pair('DATAGEN_SOURCE', 'KAFKA_CONSUMER'))] }))).toContain(
      'config STREAMS[0].SOURCE_DETAILS[0].SOURCE_NAME: expected PARQUET_SOURCE or FILE_SOURCE (the bounded part of a hybrid source, read first), found "DATAGEN_SOURCE"',
    );
    const hybrid = parseJobConfig(minimal({ STREAMS: [kafkaStream(pair('FILE_SOURCE', 'KAFKA_CONSUMER'))] })).config.streams[0]!;
    expect(hybrid.source).toEqual({ type: 'UNBOUNDED', name: 'KAFKA_CONSUMER', hybrid: 'FILE_SOURCE' });
    expect(hybrid.file?.path).toMatch(/x\.jsonl$/);
    expect(errorsOf(minimal({ STREAMS: [kafkaStream({ SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'KAFKA_CONSUMER' }] })] }))).toEqual([
      'config STREAMS[0].SOURCE_DETAILS[0].SOURCE_TYPE: expected UNBOUNDED for KAFKA_CONSUMER (use KAFKA_SOURCE for a BOUNDED Kafka read), found "BOUNDED"',
    ]);
    expect(errorsOf(minimal({ STREAMS: [kafkaStream({ SOURCE_DETAILS: [{ SOURCE_TYPE: 'UNBOUNDED', SOURCE_NAME: 'KAFKA' }] })] }))[0]).toMatch(
      /SOURCE_DETAILS\[0\]\.SOURCE_NAME: expected one of KAFKA_SOURCE, KAFKA_CONSUMER, PARQUET_SOURCE, FILE_SOURCE, POSTGRES_CDC_SOURCE, DATAGEN_SOURCE, found "KAFKA"/,
    );
  });

  it('checks JSON streams, file formats and record policies', () => {
    const jsonStream = {
      INPUT_SCHEMA_TABLE: 'j',
      INPUT_DATATYPE: 'JSON',
      INPUT_SCHEMA_JSON_SCHEMA: '{not json',
      SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'FILE_SOURCE' }],
      SOURCE_FILE_PATH: 'x.jsonl',
      SOURCE_FILE_FORMAT: 'PROTO_DELIMITED',
      SOURCE_BAD_RECORD_POLICY: 'DEAD_LETTER',
      SOURCE_LATE_RECORD_POLICY: 'TOPIC',
    };
    const errors = errorsOf(minimal({ STREAMS: [jsonStream] }));
    expect(errors[0]).toMatch(/^config STREAMS\[0\]\.INPUT_SCHEMA_JSON_SCHEMA: expected a JSON Schema object \(a string holding JSON, or native JSON\), found "\{not json" \(/);
    expect(errors.slice(1)).toEqual([
      'config STREAMS[0].INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: expected the name of the event-time field, found nothing (the key is missing)',
      'config STREAMS[0].SOURCE_FILE_FORMAT: expected JSONL for INPUT_DATATYPE=JSON, found "PROTO_DELIMITED"',
      'config STREAMS[0].SOURCE_DEAD_LETTER_TOPIC: expected a topic name (required when SOURCE_BAD_RECORD_POLICY=DEAD_LETTER), found nothing (the key is missing)',
      'config STREAMS[0].SOURCE_DEAD_LETTER_BROKERS: expected a comma-separated list of host:port (this stream is not read from Kafka, so there are no brokers to default to), found nothing (the key is missing)',
      'config STREAMS[0].SOURCE_LATE_RECORD_TOPIC: expected a topic name (required when SOURCE_LATE_RECORD_POLICY=TOPIC), found nothing (the key is missing)',
    ]);
  });

  it('reads watermark alignment: a group needs its max drift, a max drift without a group is ignored with a warning', () => {
    const aligned = parse(minimal({ STREAMS: [kafkaStream({ SOURCE_WATERMARK_ALIGNMENT_GROUP: ' g ', SOURCE_WATERMARK_ALIGNMENT_MAX_DRIFT_MS: '5000' })] })).config;
    expect(aligned.streams[0]!.watermarkAlignment).toEqual({ group: 'g', maxDriftMs: 5000 });
    expect(errorsOf(minimal({ STREAMS: [kafkaStream({ SOURCE_WATERMARK_ALIGNMENT_GROUP: 'g' })] }))).toEqual([
      'config STREAMS[0].SOURCE_WATERMARK_ALIGNMENT_MAX_DRIFT_MS: expected a whole number of milliseconds of at least 1 (required with SOURCE_WATERMARK_ALIGNMENT_GROUP), found nothing (the key is missing)',
    ]);
    expect(errorsOf(minimal({ STREAMS: [kafkaStream({ SOURCE_WATERMARK_ALIGNMENT_GROUP: 'g', SOURCE_WATERMARK_ALIGNMENT_MAX_DRIFT_MS: '0' })] }))).toEqual(['config STREAMS[0].SOURCE_WATERMARK_ALIGNMENT_MAX_DRIFT_MS: expected an integer >= 1, found "0"']);
    const alone = parse(minimal({ STREAMS: [kafkaStream({ SOURCE_WATERMARK_ALIGNMENT_MAX_DRIFT_MS: '5000' })] }));
    expect(alone.config.streams[0]!.watermarkAlignment).toBeUndefined();
    expect(alone.warnings).toContain('STREAMS[0].SOURCE_WATERMARK_ALIGNMENT_MAX_DRIFT_MS is ignored: the stream has no SOURCE_WATERMARK_ALIGNMENT_GROUP');
  });

  it('requires PYTHON_UDF_CONFIG with PYTHON_UDF_ENABLE=true, and rejects conflicting query keys', () => {
    expect(errorsOf(minimal({ PYTHON_UDF_ENABLE: 'true', SQL_QUERY: 'SELECT 2' }))).toEqual([
      'config SQL_QUERY: expected the same query as FLINK_SQL_QUERY, or only one of the two keys, found "SELECT 2" (SQL_QUERY is an alias of FLINK_SQL_QUERY)',
      'config PYTHON_UDF_CONFIG: expected a JSON object with PYTHON_FILES (required when PYTHON_UDF_ENABLE=true), found nothing (the key is missing)',
    ]);
    expect(errorsOf(minimal({ PYTHON_UDF_ENABLE: 'true', PYTHON_UDF_CONFIG: '{"PYTHON_FILES": "gs://b/x.py,y.txt", "PYTHON_ARCHIVES": "a.zip#a"}' }))).toEqual([
      'config PYTHON_UDF_CONFIG.PYTHON_FILES: expected local .py or .zip files (Dirk does not fetch gs://, oss:// or cosn:// files), found "gs://b/x.py"',
      'config PYTHON_UDF_CONFIG.PYTHON_FILES: expected files ending in .py or .zip, found "y.txt"',
      'config PYTHON_UDF_CONFIG.PYTHON_ARCHIVES: expected absent (archives are not unpacked by Dirk; install what they hold), found "a.zip#a"',
    ]);
  });

  it('requires the processor config when a processor is enabled, and Stencil URLs when Stencil is', () => {
    expect(errorsOf(minimal({ PROCESSOR_POSTPROCESSOR_ENABLE: 'true', SCHEMA_REGISTRY_STENCIL_ENABLE: true }))).toEqual([
      'config SCHEMA_REGISTRY_STENCIL_URLS: expected at least one URL (required when SCHEMA_REGISTRY_STENCIL_ENABLE=true), found nothing (the key is missing)',
      'config PROCESSOR_POSTPROCESSOR_CONFIG: expected a JSON object (required when PROCESSOR_POSTPROCESSOR_ENABLE=true), found nothing (the key is missing)',
    ]);
  });

  it('throws one ConfigErrors that is a ConfigError, listing each error on its own line', () => {
    let caught: unknown;
    try {
      parse(minimal({ FLINK_PARALLELISM: 'x', METRICS_PORT: 70000 }));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigErrors);
    expect(caught).toBeInstanceOf(ConfigError);
    const e = caught as ConfigErrors;
    expect(e.domain).toBe('user');
    expect(e.key).toBe('FLINK_PARALLELISM');
    expect(e.message).toBe(
      '2 config errors:\n' +
        '  - config FLINK_PARALLELISM: expected an integer >= 1, found "x"\n' +
        '  - config METRICS_PORT: expected an integer from 0 to 65535, found number 70000',
    );
  });
});

describe('warnings', () => {
  it('warns about an unknown key, naming the closest known key', () => {
    const { warnings } = parse(minimal({ FLINK_WATERMARK_DELAY: '1000', STREAMS: [kafkaStream({ INPUT_SCHEMA_TABEL: 'x' })], ZZZ_TOTALLY_ELSE: 1 }));
    expect(warnings).toEqual([
      'STREAMS[0].INPUT_SCHEMA_TABEL is not a known stream key and is ignored (did you mean INPUT_SCHEMA_TABLE?)',
      'FLINK_WATERMARK_DELAY is not a known config key and is ignored (did you mean FLINK_WATERMARK_DELAY_MS?)',
      'ZZZ_TOTALLY_ELSE is not a known config key and is ignored',
    ]);
  });

  it('points old Dagger guide keys to their current names', () => {
    const { warnings } = parse(minimal({ SINK: 'log', STREAMS: [kafkaStream({ SOURCE_KAFKA_CONFIG_GROUP_ID: 'g' })] }));
    expect(warnings.join('\n')).toMatch(/SOURCE_KAFKA_CONFIG_GROUP_ID .* use SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID/);
    expect(warnings.join('\n')).toMatch(/^SINK is ignored: .* use SINK_TYPE$/m);
  });

  it('explains that FUNCTION_FACTORY_CLASSES is replaced by UDF_FOLDERS', () => {
    expect(parse(minimal({ FUNCTION_FACTORY_CLASSES: 'com.gotocompany.dagger.functions.udfs.factories.FunctionFactory' })).warnings).toEqual([]);
    const { warnings } = parse(minimal({ FUNCTION_FACTORY_CLASSES: 'com.gotocompany.dagger.functions.udfs.factories.FunctionFactory,com.acme.MyFactory' }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/FUNCTION_FACTORY_CLASSES \(com\.acme\.MyFactory\) is ignored.*UDF_FOLDERS/);
  });

  it('warns about JKS stores and ignored SASL keys', () => {
    const { warnings } = parse(
      minimal({
        STREAMS: [
          kafkaStream({
            SOURCE_KAFKA_CONSUMER_CONFIG_SECURITY_PROTOCOL: 'SSL',
            SOURCE_KAFKA_CONSUMER_CONFIG_SSL_KEYSTORE_LOCATION: '/k.jks',
            SOURCE_KAFKA_CONSUMER_CONFIG_SSL_KEYSTORE_TYPE: 'JKS',
            SOURCE_KAFKA_CONSUMER_CONFIG_SASL_MECHANISM: 'PLAIN',
          }),
        ],
      }),
    );
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).toMatch(/JKS stores cannot be read by Node\.js/);
    expect(warnings.join('\n')).toMatch(/SASL_MECHANISM .* ignored: SECURITY_PROTOCOL is SSL/);
  });
});

describe('redactSecrets', () => {
  it('masks passwords, JAAS lines and secret-looking keys, keeping the rest', async () => {
    const { redactSecrets } = await import('../../../src/config/index.js');
    const raw = minimal({
      SINK_INFLUX_PASSWORD: 'pw',
      STREAMS: [kafkaStream({ SOURCE_KAFKA_CONSUMER_CONFIG_SASL_JAAS_CONFIG: 'x required username="u" password="p";' })],
      PROCESSOR_POSTPROCESSOR_CONFIG: '{"external_source":{"http":[{"endpoint":"http://x","headers":{"Authorization":"t"}}]},"x":"password=abc"}',
    });
    const red = redactSecrets(raw) as Record<string, unknown>;
    expect(red['SINK_INFLUX_PASSWORD']).toBe('***');
    expect((red['STREAMS'] as Record<string, unknown>[])[0]!['SOURCE_KAFKA_CONSUMER_CONFIG_SASL_JAAS_CONFIG']).toBe('***');
    expect(red['PROCESSOR_POSTPROCESSOR_CONFIG']).toMatch(/password="\*\*\*"/);
    expect(red['FLINK_SQL_QUERY']).toBe('SELECT * FROM bookings');
  });
});
