import { KAFKA_COMPRESSION_TYPES, key } from '../../config/key-spec.js';

/**
 * The Kafka sink (SINK_TYPE=kafka) and Kafka source (KAFKA_SOURCE, KAFKA_CONSUMER) keys, composed into the one key table through src/connectors/catalog.ts (in place, so their type,
 * range, default and description drive parsing, unknown-key warnings, the job-file JSON Schema and
 * docs/configuration.md as every other key's do). This file imports only config/key-spec.ts: it belongs to
 * the config layer (lint rule connector-keys-are-config), though it lives in the connector's folder.
 * SOURCE_KAFKA_CONSUME_LARGE_MESSAGE_ENABLE stays with the generic job keys (it is where Dagger documents it).
 */
/** The upsert keys (Flink's upsert-kafka: a SQL script's 'upsert-kafka' tables set them), spread in place below. */
/** SINK_KAFKA_JSON_TIMESTAMP_FORMAT's values; the JSON encoder's `JsonTimestampFormat` (schema/) names the same three. */
export const JSON_TIMESTAMP_FORMATS = ['RFC3339', 'SQL', 'ISO-8601'] as const;
export type JsonTimestampFormat = (typeof JSON_TIMESTAMP_FORMATS)[number];

export const KAFKA_UPSERT_SOURCE_KEYS = {
  SOURCE_KAFKA_UPSERT_KEY: key({
    group: 'Kafka source',
    description:
      'Read the topic as an upsert changelog keyed by these columns (comma-separated; Flink\'s upsert-kafka source with its PRIMARY KEY): the record key is a JSON object of the key columns, a record with a value is an insert or update of its key, a record with a null value (tombstone) deletes it. The job keeps the last row per key (a ChangelogNormalize operator, checkpointed) and turns the records into +I/-U/+U/-D. INPUT_DATATYPE=JSON only.',
    dagger: 'Dirk only; Dagger reads append-only streams.',
  }),
  SOURCE_KAFKA_UPSERT_KEY_FIELDS_PREFIX: key({
    group: 'Kafka source',
    description: 'With SOURCE_KAFKA_UPSERT_KEY: the prefix of the key columns\' names that the key JSON\'s property names lack (Flink\'s `key.fields-prefix`); needs SOURCE_KAFKA_UPSERT_VALUE_FIELDS_INCLUDE=EXCEPT_KEY.',
    dagger: 'Dirk only.',
  }),
  SOURCE_KAFKA_UPSERT_VALUE_FIELDS_INCLUDE: key({
    type: 'enum',
    values: ['ALL', 'EXCEPT_KEY'],
    group: 'Kafka source',
    default: 'ALL',
    description: 'With SOURCE_KAFKA_UPSERT_KEY: whether the record value holds every column (`ALL`) or all but the key columns (`EXCEPT_KEY`, which are then read from the record key); Flink\'s `value.fields-include`.',
    dagger: 'Dirk only.',
  }),
};

export const KAFKA_UPSERT_SINK_KEYS = {
  SINK_KAFKA_JSON_KEY: key({
    group: 'Kafka sink',
    description:
      'With SINK_KAFKA_JSON_CHANGELOG=UPSERT: the result columns (comma-separated) whose JSON object is the record key, e.g. the sink table\'s PRIMARY KEY as Flink\'s upsert-kafka sink keys by it. Default: the result\'s unique key (the GROUP BY keys, ...).',
    dagger: 'Dirk only.',
  }),
  SINK_KAFKA_JSON_KEY_FIELDS_PREFIX: key({
    group: 'Kafka sink',
    description: 'With SINK_KAFKA_JSON_KEY: a prefix of the key columns\' names left out of the key JSON\'s property names (Flink\'s `key.fields-prefix`); needs SINK_KAFKA_JSON_VALUE_FIELDS_INCLUDE=EXCEPT_KEY.',
    dagger: 'Dirk only.',
  }),
  SINK_KAFKA_JSON_VALUE_FIELDS_INCLUDE: key({
    type: 'enum',
    values: ['ALL', 'EXCEPT_KEY'],
    group: 'Kafka sink',
    default: 'ALL',
    description: 'With SINK_KAFKA_JSON_CHANGELOG=UPSERT: whether the record value holds every column (`ALL`) or all but the key columns (`EXCEPT_KEY`); Flink\'s `value.fields-include`.',
    dagger: 'Dirk only.',
  }),
};

export const KAFKA_SINK_KEYS = {
  SINK_KAFKA_BROKERS: key({ group: 'Kafka sink', required: 'when SINK_TYPE=kafka', description: 'Comma-separated `host:port` list (or a JSON array).' }),
  SINK_KAFKA_TOPIC: key({ group: 'Kafka sink', required: 'when SINK_TYPE=kafka', description: 'Output topic.' }),
  SINK_KAFKA_STREAM: key({ group: 'Kafka sink', description: 'Logical name of the output cluster (metrics only).' }),
  SINK_KAFKA_DATA_TYPE: key({
    type: 'enum',
    values: ['PROTO', 'JSON', 'AVRO'],
    group: 'Kafka sink',
    default: 'PROTO',
    description: '`PROTO`, `JSON` or `AVRO` (Confluent wire format; the schema id from SCHEMA_REGISTRY_CONFLUENT_URL; append-only results).',
    dagger: 'AVRO is Dirk only.',
  }),
  SINK_KAFKA_AVRO_SUBJECT: key({
    group: 'Kafka sink',
    description: 'Registry subject of the output schema when SINK_KAFKA_DATA_TYPE=AVRO; default `<SINK_KAFKA_TOPIC>-value` (Confluent\'s TopicNameStrategy).',
    dagger: 'Dirk only; Flink\'s `avro-confluent.subject`.',
  }),
  SINK_KAFKA_AVRO_AUTO_REGISTER: key({
    type: 'bool',
    group: 'Kafka sink',
    default: true,
    description:
      'true: derive a record schema from the result columns (every column nullable; TIMESTAMP as timestamp-millis, DECIMAL as bytes decimal) and register it under the subject at start (an equal schema keeps its id; an incompatible one is refused by the registry). false: write with the subject\'s latest version, columns matched to fields by name.',
    dagger: 'Dirk only; the Confluent serializer\'s `auto.register.schemas`.',
  }),
  SINK_KAFKA_PROTO_MESSAGE: key({ group: 'Kafka sink', required: 'when SINK_KAFKA_DATA_TYPE=PROTO', description: 'Full name of the output value message; columns are matched to fields by name.' }),
  SINK_KAFKA_PROTO_KEY: key({ group: 'Kafka sink', description: 'Full name of the key message; absent = records have no key.' }),
  SINK_KAFKA_JSON_SCHEMA: key({
    group: 'Kafka sink',
    description: 'JSON Schema of the output value when SINK_KAFKA_DATA_TYPE=JSON.',
    dagger: 'Optional in Dirk: without it each row is written as a JSON object of its columns.',
  }),
  SINK_KAFKA_JSON_CHANGELOG: key({
    type: 'enum',
    values: ['UPSERT', 'DEBEZIUM'],
    group: 'Kafka sink',
    default: 'UPSERT',
    description:
      'How SINK_KAFKA_DATA_TYPE=JSON writes an updating result: `UPSERT` (key = JSON of the unique key columns, value = the row, deletes as tombstones; Flink\'s upsert-kafka) or `DEBEZIUM` (`{"before","after","op"}` records; Flink\'s debezium-json). Append-only results are written as plain rows either way.',
    dagger: 'Dirk only; Dagger cannot write updating results to JSON.',
  }),
  SINK_KAFKA_JSON_TIMESTAMP_FORMAT: key({
    type: 'enum',
    values: JSON_TIMESTAMP_FORMATS,
    group: 'Kafka sink',
    default: 'RFC3339',
    description:
      'How SINK_KAFKA_DATA_TYPE=JSON writes TIMESTAMP columns: `RFC3339` (`2024-01-02T03:04:05.600Z`, as Dagger\'s JSON sink) or Flink\'s `json.timestamp-format.standard` forms `SQL` (`2024-01-02 03:04:05.6`) and `ISO-8601` (`2024-01-02T03:04:05.6`), whose fraction has only the digits it needs and whose `Z` marks a TIMESTAMP_LTZ. A SQL script\'s JSON sink table takes Flink\'s default, `SQL`.',
    dagger: 'Dirk only.',
  }),
  ...KAFKA_UPSERT_SINK_KEYS,
  SINK_KAFKA_PRODUCE_LARGE_MESSAGE_ENABLE: key({
    type: 'bool',
    group: 'Kafka sink',
    default: false,
    description: 'Allow 20 MiB requests (`max.request.size=20971520`) with snappy compression (`compression.type=snappy`, unless SINK_KAFKA_PRODUCER_CONFIG_COMPRESSION_TYPE says otherwise).',
  }),
  SINK_KAFKA_PRODUCER_CONFIG_COMPRESSION_TYPE: key({
    type: 'enum',
    values: KAFKA_COMPRESSION_TYPES,
    group: 'Kafka sink',
    description:
      'Kafka\'s `compression.type` of the sink\'s record batches (and of SINK_KAFKA_DEAD_LETTER_TOPIC): `none`, `gzip`, `snappy` (xerial-framed, as the Java client), `lz4` or `zstd` (sent as Produce v7). ' +
      'Default `none`, or `snappy` with SINK_KAFKA_PRODUCE_LARGE_MESSAGE_ENABLE. Reading, every stream accepts batches in any of these codecs.',
    dagger: 'Dagger passes it to the Kafka producer (goto/dagger\'s SINK_KAFKA_PRODUCER_CONFIG_* passthrough).',
  }),
  SINK_KAFKA_LINGER_MS: key({ type: 'int', min: 0, group: 'Kafka sink', default: 0, description: 'Producer linger time, in ms, as Kafka\'s linger.ms: 0 sends the rows of each input batch as soon as it is written, N waits at most N ms after the first buffered row to batch more (a full send, 5000 rows, goes at once).' }),
  SINK_KAFKA_DELIVERY_GUARANTEE: key({
    type: 'enum',
    values: ['AT_LEAST_ONCE', 'EXACTLY_ONCE'],
    group: 'Kafka sink',
    default: 'AT_LEAST_ONCE',
    description:
      '`AT_LEAST_ONCE`: the sink is flushed at every checkpoint; a crash can repeat the output written since the last one. ' +
      '`EXACTLY_ONCE`: rows go into a Kafka transaction (transactional id `dirk-<job id>-<sink name>`, stable across restarts so a restart fences the run it replaces) ' +
      'that each checkpoint commits together with the consumed offsets; readers with `isolation.level=read_committed` (kafkajs and Dirk sources by default) see every row exactly once, ' +
      'but only when its checkpoint commits: output is delayed by up to FLINK_CHECKPOINT_INTERVAL_MS. The transaction timeout (SINK_KAFKA_PRODUCER_CONFIG_TRANSACTION_TIMEOUT_MS, ' +
      'default three intervals, 60 s to 15 min) must be at least two intervals and within the broker\'s `transaction.max.timeout.ms`. One exactly-once sink per job; ' +
      'late records and source dead letters stay at-least-once (see docs/architecture.md, Guarantees). Scaled out (DIRK_TASKS / FLINK_PARALLELISM > 1, DIRK_EXCHANGE_ENABLE), ' +
      'each task has its own transactional producer (`<id>-task-<i>`) whose transaction per checkpoint also carries the repartition and changelog records and both ' +
      'consumer groups\' offsets; the sink must write to the source\'s cluster, and a second process of the job sets its own SINK_KAFKA_PRODUCER_CONFIG_TRANSACTIONAL_ID ' +
      '(docs/architecture.md, Scale-out).',
    dagger: 'Dirk only; Dagger is always at-least-once.',
  }),
  SINK_KAFKA_ERROR_POLICY: key({
    group: 'Kafka sink',
    default: 'FAIL',
    description:
      'A row whose record is larger than the sink topic accepts (`max.message.bytes`, or `max.request.size`): `FAIL` the job naming the row\'s size and the input it came from, `SKIP` it (counted in dirk_sink_records_skipped_total), or write a reference to `DEAD_LETTER` (headers name the sink topic, size and input topic/partition/offset; the key and value are kept when they fit).',
    dagger: 'Dirk only; Dagger fails the job with RecordTooLargeException.',
  }),
  SINK_KAFKA_DEAD_LETTER_TOPIC: key({ group: 'Kafka sink', required: 'with SINK_KAFKA_ERROR_POLICY=DEAD_LETTER', description: 'Topic for rows too large for the sink topic.', dagger: 'Dirk only.' }),
  SINK_KAFKA_DEAD_LETTER_BROKERS: key({ group: 'Kafka sink', description: 'Brokers of SINK_KAFKA_DEAD_LETTER_TOPIC; default SINK_KAFKA_BROKERS.', dagger: 'Dirk only.' }),
  SINK_KAFKA_CREATE_TOPIC: key({
    group: 'Kafka sink',
    default: false,
    description: 'Create the sink topic (and SINK_KAFKA_DEAD_LETTER_TOPIC) at start when missing. Without it a missing topic stops the job at start with a clear error.',
    dagger: 'Dirk only.',
  }),
  SINK_KAFKA_CREATE_TOPIC_PARTITIONS: key({ group: 'Kafka sink', default: 1, description: 'Partitions of a topic created by SINK_KAFKA_CREATE_TOPIC.', dagger: 'Dirk only.' }),
  SINK_KAFKA_CREATE_TOPIC_REPLICATION_FACTOR: key({ group: 'Kafka sink', default: 1, description: 'Replication factor of a topic created by SINK_KAFKA_CREATE_TOPIC.', dagger: 'Dirk only.' }),
  'SINK_KAFKA_PRODUCER_CONFIG_*': key({
    group: 'Kafka sink',
    description: 'Any producer property: the suffix lowercased with `_` turned into `.` (SINK_KAFKA_PRODUCER_CONFIG_COMPRESSION_TYPE → `compression.type`). `max.request.size` (default 1048576, 20 MiB with SINK_KAFKA_PRODUCE_LARGE_MESSAGE_ENABLE) bounds each produce request; sends are also cut to the topic\'s `max.message.bytes`, read from the broker at start. With SINK_KAFKA_DELIVERY_GUARANTEE=EXACTLY_ONCE, `transaction.timeout.ms` and `transactional.id` set the transaction timeout and replace the derived transactional id.',
  }),
};

export const KAFKA_SOURCE_KEYS = {
  SOURCE_KAFKA_TOPIC_NAMES: key({
    group: 'Kafka source',
    required: 'for Kafka sources',
    description: 'A regular expression matched against whole topic names; `a|b` reads two topics. Checked with JavaScript RegExp syntax.',
  }),
  SOURCE_KAFKA_NAME: key({ group: 'Kafka source', description: 'Logical cluster name (metrics and logs).' }),
  ...KAFKA_UPSERT_SOURCE_KEYS,
  SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: key({ group: 'Kafka source', required: 'for Kafka sources', description: 'Comma-separated `host:port` list (or a JSON array).' }),
  SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: key({ group: 'Kafka source', required: 'for Kafka sources', description: 'Consumer group; instances of one job share it.' }),
  SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET: key({ type: 'enum', values: ['latest', 'earliest'], group: 'Kafka source', default: 'latest', description: 'Where to start without a committed offset: `latest` or `earliest`.' }),
  SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_COMMIT_ENABLE: key({
    type: 'bool',
    group: 'Kafka source',
    default: false,
    description: 'Let the client commit offsets on its own. Keep false: offsets are committed with completed checkpoints.',
  }),
  SOURCE_KAFKA_CONSUMER_CONFIG_SECURITY_PROTOCOL: key({ type: 'enum', values: ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'], group: 'Kafka source', default: 'PLAINTEXT', description: '`PLAINTEXT`, `SSL`, `SASL_PLAINTEXT` or `SASL_SSL`.' }),
  SOURCE_KAFKA_CONSUMER_CONFIG_SASL_MECHANISM: key({ group: 'Kafka source', required: 'with SASL_*', description: '`PLAIN`, `SCRAM-SHA-256` or `SCRAM-SHA-512`.' }),
  SOURCE_KAFKA_CONSUMER_CONFIG_SASL_JAAS_CONFIG: key({
    group: 'Kafka source',
    required: 'with SASL_*',
    description: 'JAAS line: `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";` (ScramLoginModule for SCRAM). Only username and password are used.',
  }),
  SOURCE_KAFKA_CONSUMER_CONFIG_SSL_PROTOCOL: key({ group: 'Kafka source', description: 'TLS, TLSv1.1, TLSv1.2, TLSv1.3, SSL, SSLv2 or SSLv3.' }),
  SOURCE_KAFKA_CONSUMER_CONFIG_SSL_KEY_PASSWORD: key({ group: 'Kafka source', description: 'Password of the private key.' }),
  SOURCE_KAFKA_CONSUMER_CONFIG_SSL_KEYSTORE_LOCATION: key({ group: 'Kafka source', description: 'Client certificate store (resolved against the working directory).' }),
  SOURCE_KAFKA_CONSUMER_CONFIG_SSL_KEYSTORE_PASSWORD: key({ group: 'Kafka source', description: 'Keystore password.' }),
  SOURCE_KAFKA_CONSUMER_CONFIG_SSL_KEYSTORE_TYPE: key({ group: 'Kafka source', description: '`PEM`, `PKCS12` or `JKS`.', dagger: 'JKS cannot be read by Node.js; Dirk warns.' }),
  SOURCE_KAFKA_CONSUMER_CONFIG_SSL_TRUSTSTORE_LOCATION: key({ group: 'Kafka source', description: 'CA store (resolved against the working directory).' }),
  SOURCE_KAFKA_CONSUMER_CONFIG_SSL_TRUSTSTORE_PASSWORD: key({ group: 'Kafka source', description: 'Truststore password.' }),
  SOURCE_KAFKA_CONSUMER_CONFIG_SSL_TRUSTSTORE_TYPE: key({ group: 'Kafka source', description: '`PEM`, `PKCS12` or `JKS`.', dagger: 'JKS cannot be read by Node.js; Dirk warns.' }),
  SOURCE_KAFKA_CONSUMER_ADDITIONAL_CONFIGURATIONS: key({
    group: 'Kafka source',
    default: '{}',
    description: 'JSON map (string or object) of extra `SOURCE_KAFKA_CONSUMER_CONFIG_*` keys, passed to the consumer in Kafka spelling.',
  }),
  'SOURCE_KAFKA_CONSUMER_CONFIG_*': key({
    group: 'Kafka source',
    description: 'Any other consumer property, suffix lowercased with `_` → `.`. `SOURCE_KAFKA_CONSUMER_CONFIG_ISOLATION_LEVEL` is `read_committed` by default (records of open or aborted transactions are skipped); `read_uncommitted` reads them too.',
    dagger: 'Dagger drops unknown CONFIG_ keys; Dirk passes them to the consumer.',
  }),
};
