/**
 * The job's one Kafka producer for side outputs: dead letters (undecodable source records) and late records.
 * Both write rarely and in bursts, so one idempotent producer per cluster serves every stream of the job
 * instead of one per source plus one per late-record policy. Producers are keyed by broker list and
 * security settings (a dead-letter topic may live on another cluster), connected on first use, and closed
 * once by whoever created the set (the job, or a source built on its own in a test).
 */
import type { Message } from 'kafkajs';
import type { Logger } from '../../core/logger.js';
import { createKafkaClient, type KafkaSecurity } from './kafka-client.js';
import { CODEC_IDS, type CompressionType } from './compression.js';
import { DEFAULT_MAX_REQUEST_BYTES, fitDeadLetter, prepareTopic, sendBounded, type SendLimits } from './bounded-send.js';

export interface SideOutputRecord {
  readonly topic: string;
  readonly messages: readonly Message[];
  /** SOURCE_DEAD_LETTER_COMPRESSION_TYPE; absent: uncompressed. */
  readonly compression?: CompressionType | undefined;
}

/** One cluster's producer, shared. */
export interface SharedProducer {
  /** Connects once; later calls return the same promise (a failed connect is retried on the next call). */
  connect(): Promise<void>;
  /**
   * Sends with acks from all in-sync replicas, after connecting, cut into requests the topic accepts
   * (bounded-send.ts); a record too large for the topic alone is sent as its headers (the reference).
   */
  send(record: SideOutputRecord): Promise<void>;
  /** Checks the topic exists and reads its size limit (done at start, so a missing topic fails early). */
  checkTopic(topic: string, what: string): Promise<void>;
}

export interface KafkaProducers {
  producer(brokers: readonly string[], security?: KafkaSecurity): SharedProducer;
  close(): Promise<void>;
}

export interface KafkaProducersOptions {
  readonly clientId: string;
  readonly logger: Logger;
}

export function createKafkaProducers(options: KafkaProducersOptions): KafkaProducers {
  type Client = ReturnType<typeof createKafkaClient>;
  const byCluster = new Map<
    string,
    { client: Client; producer: ReturnType<Client['producer']>; connected?: Promise<void> | undefined; limits: Map<string, Promise<SendLimits>> }
  >();
  const entry = (brokers: readonly string[], security: KafkaSecurity | undefined) => {
    const key = JSON.stringify([brokers, security ?? null]);
    let e = byCluster.get(key);
    if (!e) {
      const client = createKafkaClient({ brokers, clientId: options.clientId, security, logger: options.logger });
      e = { client, producer: client.producer({ idempotent: true, allowAutoTopicCreation: false, retry: { retries: 5 } }), limits: new Map() };
      byCluster.set(key, e);
    }
    return e;
  };
  return {
    producer(brokers, security) {
      const e = entry(brokers, security);
      const connect = (): Promise<void> => {
        e.connected ??= e.producer.connect().catch((err: unknown) => {
          e.connected = undefined;
          throw err;
        });
        return e.connected;
      };
      /** The topic's limits, read once per topic (a failed read is retried on the next call). */
      const limitsOf = (topic: string, what: string): Promise<SendLimits> => {
        let l = e.limits.get(topic);
        if (!l) {
          l = (async () => {
            const admin = e.client.admin();
            await admin.connect();
            try {
              return { maxMessageBytes: await prepareTopic(admin, topic, what), maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES };
            } finally {
              await admin.disconnect().catch(() => undefined);
            }
          })();
          l.catch(() => e.limits.delete(topic));
          e.limits.set(topic, l);
        }
        return l;
      };
      return {
        connect,
        async send(record) {
          await connect();
          const limits = await limitsOf(record.topic, `side-output topic ${record.topic}`);
          const compression = record.compression !== undefined && record.compression !== 'none' ? CODEC_IDS[record.compression] : undefined;
          const sendLimits = compression !== undefined ? { ...limits, compression: record.compression } : limits;
          await sendBounded(e.producer, record.topic, record.messages.map((m) => fitDeadLetter(m, sendLimits)), sendLimits, compression !== undefined ? { compression } : {});
        },
        async checkTopic(topic, what) {
          await limitsOf(topic, what);
        },
      };
    },
    async close() {
      const all = [...byCluster.values()];
      byCluster.clear();
      await Promise.all(all.map((e) => (e.connected ? e.producer.disconnect().catch(() => undefined) : undefined)));
    },
  };
}
