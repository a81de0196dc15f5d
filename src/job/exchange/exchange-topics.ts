/**
 * The internal topics of an exchange, checked (and created when missing) at start: the repartition topic
 * has the source's partition count (the most partitions among the topics the source pattern matches), so
 * the job spreads over as many tasks after the exchange as before it.
 */
import type { Admin } from 'kafkajs';
import { externalError, userError } from '../../core/errors.js';
import { topicRegex } from '../../connectors/kafka/kafka-client.js';
import { EXCHANGE_MAX_MESSAGE_BYTES } from './exchange-writer.js';

export interface ExchangeTopics {
  /** Partitions of the repartition topic. */
  readonly partitions: number;
  /** Source splits (topic partitions) the source pattern reads in all. */
  readonly sourceSplits: number;
}

export async function prepareExchangeTopics(admin: Admin, sourcePattern: string, table: string, topic: string): Promise<ExchangeTopics> {
  const regex = topicRegex(sourcePattern);
  const all = await admin.listTopics();
  const sources = all.filter((t) => regex.test(t) && !t.startsWith('__'));
  if (sources.length === 0) throw userError(`table ${table}: no Kafka topic matches SOURCE_KAFKA_TOPIC_NAMES "${sourcePattern}" (needed to size the repartition topic ${topic})`);
  const meta = await admin.fetchTopicMetadata({ topics: sources });
  const counts = meta.topics.map((t) => t.partitions.length);
  const partitions = Math.max(...counts);
  const sourceSplits = counts.reduce((a, b) => a + b, 0);
  if (!all.includes(topic)) {
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic, numPartitions: partitions, replicationFactor: -1, configEntries: [{ name: 'max.message.bytes', value: String(EXCHANGE_MAX_MESSAGE_BYTES) }] }],
      });
    } catch (e) {
      // Another task or process of the job may have created it a moment ago.
      if (!/already exists/i.test((e as Error).message)) {
        throw externalError(`cannot create the repartition topic ${topic} (${partitions} partitions): ${(e as Error).message}`, { cause: e });
      }
    }
  }
  const found = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions.length;
  if (found !== partitions) {
    throw userError(
      `the repartition topic ${topic} has ${found} partitions, but the job's source (${sources.join(', ')}) has ${partitions}: ` +
        `the job's key placement would not match; delete the topic (and the job's checkpoints) or restore the source's partition count`,
    );
  }
  return { partitions, sourceSplits };
}
