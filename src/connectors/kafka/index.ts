/** The Kafka connector: a consumer-group source and an append / upsert sink. */
import { userError } from '../../core/errors.js';
import type { BadRecordPolicy, KafkaSinkConfig, KafkaSourceConfig } from '../../config/index.js';
import { createJsonRowEncoder, createProtoRowEncoder, type RowEncoder } from '../../schema/index.js';
import { defineSink, defineSource } from '../connector.js';
import { createKafkaSink } from './kafka-sink.js';
import { createKafkaSource } from './kafka-source.js';
import { createJsonChangelogEncoder, jsonKeySpec, missingKeyMessage } from './json-changelog.js';
import { avroRegistryClient, checkAvroColumns, createAvroRowEncoder } from '../avro/index.js';
import { createUpsertRecords } from './upsert-records.js';
import { transactionSettings, transactionTimeoutMs } from './transactions.js';

const DEFAULT_CHECKPOINT_INTERVAL_MS = 30_000;

const clientIdOf = (name: string): string => `dirk-${name}`.replace(/[^A-Za-z0-9._-]/g, '_');

export const kafkaSource = defineSource({
  kind: 'source',
  name: 'KAFKA_SOURCE',
  aliases: ['KAFKA_CONSUMER'],
  slice: (stream): { table: string; kafka: KafkaSourceConfig; bounded: boolean; badRecords: BadRecordPolicy } => ({
    table: stream.table,
    kafka: stream.kafka!,
    bounded: stream.source.type === 'BOUNDED',
    badRecords: stream.badRecordPolicy,
  }),
  create: (s, ctx) =>
    createKafkaSource({
      table: s.table,
      topicPattern: s.kafka.topicPattern,
      brokers: s.kafka.bootstrapServers,
      groupId: s.kafka.groupId,
      autoOffsetReset: s.kafka.autoOffsetReset,
      security: s.kafka.security,
      clientId: `dirk-${s.table}`,
      decoder: ctx.decoder,
      upsert: s.kafka.upsert ? createUpsertRecords(ctx.schema, s.kafka.upsert) : undefined,
      badRecords: s.badRecords,
      logger: ctx.logger.child({ table: s.table }),
      bounded: s.bounded,
      largeMessage: s.kafka.largeMessage,
      consumerProperties: s.kafka.additional,
      ...(ctx.producers ? { producers: ctx.producers } : {}),
      ...(ctx.taskAssignment ? { taskAssignment: ctx.taskAssignment } : {}),
    }),
});

export const kafkaSink = defineSink({
  kind: 'sink',
  name: 'kafka',
  slice: (sink): KafkaSinkConfig | undefined => (sink.type === 'kafka' ? sink : undefined),
  validate(sink, plan) {
    // A transaction must outlive a checkpoint interval (throws naming both keys).
    if (sink.deliveryGuarantee === 'EXACTLY_ONCE') transactionTimeoutMs(sink, plan.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS);
    if (sink.dataType === 'JSON' && sink.jsonKey) jsonKeySpec(plan.columns, sink.jsonKey);
    if (plan.updating && sink.dataType === 'JSON' && (sink.jsonChangelog ?? 'UPSERT') === 'UPSERT' && !plan.uniqueKey?.length && !sink.jsonKey) {
      throw userError(missingKeyMessage(plan.columns), { key: 'SINK_KAFKA_JSON_CHANGELOG' });
    }
    if (plan.updating && !sink.protoKey && sink.dataType === 'PROTO') {
      throw userError('the query produces an updating result; the kafka sink writes it as upserts and needs SINK_KAFKA_PROTO_KEY for the key');
    }
    if (sink.dataType === 'AVRO') {
      if (plan.updating) {
        throw userError('SINK_KAFKA_DATA_TYPE: AVRO writes append-only results; this query produces updates (GROUP BY without a window, joins without time bounds): use JSON with SINK_KAFKA_JSON_CHANGELOG, or PROTO with SINK_KAFKA_PROTO_KEY');
      }
      if (!sink.avro?.registry) throw userError('SCHEMA_REGISTRY_CONFLUENT_URL is required for SINK_KAFKA_DATA_TYPE=AVRO', { key: 'SCHEMA_REGISTRY_CONFLUENT_URL' });
      checkAvroColumns(plan.columns);
    }
    if (sink.dataType === 'PROTO') {
      if (!sink.protoMessage) throw userError('SINK_KAFKA_PROTO_MESSAGE is required for SINK_KAFKA_DATA_TYPE=PROTO');
      // Validate-time column/field type check (throws naming both).
      createProtoRowEncoder(plan.registry!, sink.protoMessage, plan.columns);
      if (sink.protoKey) createProtoRowEncoder(plan.registry!, sink.protoKey, plan.columns);
    }
  },
  create(sink, ctx) {
    const { columns, logger } = ctx;
    const protoEncoder = (): RowEncoder =>
      createProtoRowEncoder(ctx.registry!, sink.protoMessage!, columns, {
        onRefreshFailed: (e) => logger.warn('schema refresh: the sink keeps its schema, the result no longer fits the new version', { protoClass: sink.protoMessage, error: e.message }),
      });
    const valueEncoder =
      sink.dataType === 'AVRO'
        ? createAvroRowEncoder(columns, avroRegistryClient(sink.avro!.registry!), { subject: sink.avro!.subject, autoRegister: sink.avro!.autoRegister })
        : sink.dataType === 'JSON'
          ? createJsonRowEncoder(columns, sink.jsonSchema, sink.jsonTimestampFormat)
          : ctx.wrapValueEncoder
            ? ctx.wrapValueEncoder(protoEncoder())
            : protoEncoder();
    const keyEncoder = sink.dataType === 'PROTO' && sink.protoKey ? createProtoRowEncoder(ctx.registry!, sink.protoKey, columns) : undefined;
    return createKafkaSink({
      name: ctx.name ?? 'kafka',
      brokers: sink.brokers,
      topic: sink.topic,
      valueEncoder,
      keyEncoder,
      producerConfig: sink.producerConfig,
      lingerMs: sink.lingerMs,
      largeMessage: sink.largeMessage,
      // An upsert sink keyed by SINK_KAFKA_JSON_KEY writes keyed records for an append-only result too.
      changelog:
        sink.dataType === 'JSON' && (ctx.updating || (sink.jsonKey && (sink.jsonChangelog ?? 'UPSERT') === 'UPSERT'))
          ? createJsonChangelogEncoder(columns, {
              mode: sink.jsonChangelog ?? 'UPSERT',
              uniqueKey: ctx.uniqueKey,
              jsonSchema: sink.jsonSchema,
              timestampFormat: sink.jsonTimestampFormat,
              key: sink.jsonKey ? jsonKeySpec(columns, sink.jsonKey) : undefined,
            })
          : undefined,
      clientId: clientIdOf(ctx.jobId),
      logger,
      metrics: ctx.metrics,
      errorPolicy: sink.errorPolicy,
      createTopic: sink.createTopic,
      ...(ctx.origin ? { origin: ctx.origin } : {}),
      ...(ctx.recordsRouted ?? {}),
      transactional:
        sink.deliveryGuarantee === 'EXACTLY_ONCE'
          ? { ...transactionSettings(sink, ctx.jobId, ctx.name ?? 'kafka', ctx.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS, ctx.task), ...ctx.transactionCounters }
          : undefined,
    });
  },
});
