import { key } from '../../config/key-spec.js';

/**
 * The Kafka connector's upsert keys (Flink's upsert-kafka: a SQL script's 'upsert-kafka' tables set them).
 * src/config/defaults.ts composes them into the one key table, in place, so their type, range, default and
 * description drive parsing, unknown-key warnings, the job-file JSON Schema and docs/configuration.md as every
 * other key's do. This file imports only config/key-spec.ts: it belongs to the config layer (a lint rule holds
 * it to that), though it lives in the connector's folder. The Kafka connector's other keys are still in
 * defaults.ts.
 */
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
