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

export interface SideOutputRecord {
  readonly topic: string;
  readonly messages: readonly Message[];
}

/** One cluster's producer, shared. */
export interface SharedProducer {
  /** Connects once; later calls return the same promise (a failed connect is retried on the next call). */
  connect(): Promise<void>;
  /** Sends with acks from all in-sync replicas, after connecting. */
  send(record: SideOutputRecord): Promise<void>;
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
  const byCluster = new Map<string, { producer: ReturnType<ReturnType<typeof createKafkaClient>["producer"]>; connected?: Promise<void> | undefined }>();
  const entry = (brokers: readonly string[], security: KafkaSecurity | undefined) => {
    const key = JSON.stringify([brokers, security ?? null]);
    let e = byCluster.get(key);
    if (!e) {
      const client = createKafkaClient({ brokers, clientId: options.clientId, security, logger: options.logger });
      e = { producer: client.producer({ idempotent: true, allowAutoTopicCreation: false, retry: { retries: 5 } }) };
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
      return {
        connect,
        async send(record) {
          await connect();
          await e.producer.send({ topic: record.topic, acks: -1, messages: [...record.messages] });
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
