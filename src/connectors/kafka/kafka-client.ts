/**
 * What the Kafka source and sink share: security options mapped to kafkajs, kafkajs logging routed to our
 * Logger (warn and above only), and Kafka-spelled client properties mapped where kafkajs has an equivalent.
 *
 * The shapes mirror KafkaSecurityConfig (./source-config.ts, the config side of this connector) structurally.
 */
import fs from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import kafkajs from './kafkajs.js';
import type { ConsumerConfig, KafkaConfig, LogEntry, SASLOptions } from 'kafkajs';
import { userError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';

const { Kafka, logLevel } = kafkajs;

export interface KafkaSasl {
  readonly mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  readonly username: string;
  readonly password: string;
}

export interface KafkaStore {
  readonly location: string;
  readonly password?: string;
  readonly type?: 'JKS' | 'PKCS12' | 'PEM';
}

export interface KafkaSsl {
  readonly protocol?: string;
  readonly keyPassword?: string;
  readonly keystore?: KafkaStore;
  readonly truststore?: KafkaStore;
}

export interface KafkaSecurity {
  readonly protocol: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
  readonly sasl?: KafkaSasl;
  readonly ssl?: KafkaSsl;
}

/** kafkajs options for a security config: `ssl` for SSL/SASL_SSL, `sasl` for SASL_*. */
export function securityOptions(security: KafkaSecurity | undefined): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  if (!security || security.protocol === 'PLAINTEXT') return {};
  const out: { ssl?: ConnectionOptions | boolean; sasl?: SASLOptions } = {};
  if (security.protocol === 'SSL' || security.protocol === 'SASL_SSL') out.ssl = tlsOptions(security.ssl);
  if (security.protocol === 'SASL_PLAINTEXT' || security.protocol === 'SASL_SSL') {
    const sasl = security.sasl;
    if (!sasl) throw userError(`Kafka security protocol ${security.protocol} needs a SASL mechanism and JAAS config`);
    const { username, password } = sasl;
    switch (sasl.mechanism) {
      case 'PLAIN':
        out.sasl = { mechanism: 'plain', username, password };
        break;
      case 'SCRAM-SHA-256':
        out.sasl = { mechanism: 'scram-sha-256', username, password };
        break;
      case 'SCRAM-SHA-512':
        out.sasl = { mechanism: 'scram-sha-512', username, password };
        break;
    }
  }
  return out;
}

const TLS_VERSIONS: Record<string, ConnectionOptions['minVersion']> = {
  'TLSv1.1': 'TLSv1.1',
  'TLSv1.2': 'TLSv1.2',
  'TLSv1.3': 'TLSv1.3',
};

function tlsOptions(ssl: KafkaSsl | undefined): ConnectionOptions | boolean {
  if (!ssl) return true;
  const tls: ConnectionOptions = {};
  // Kafka's ssl.protocol names the protocol family; only an explicit TLS version pins a minimum here.
  const min = ssl.protocol ? TLS_VERSIONS[ssl.protocol] : undefined;
  if (min) tls.minVersion = min;
  if (ssl.truststore) {
    const type = storeType(ssl.truststore);
    if (type === 'PEM') tls.ca = readStore(ssl.truststore, 'truststore');
    else if (type === 'PKCS12') {
      // Node cannot take a PKCS12 bundle as CA list; as a pfx its certificates still reach the chain.
      tls.pfx = [{ buf: readStore(ssl.truststore, 'truststore'), ...passphrase(ssl.truststore.password) }];
    } else throw jksError('truststore', ssl.truststore.location);
  }
  if (ssl.keystore) {
    const type = storeType(ssl.keystore);
    if (type === 'PEM') {
      // A PEM keystore holds the certificate chain and the private key in one file, as Kafka's does.
      const pem = readStore(ssl.keystore, 'keystore');
      tls.cert = pem;
      tls.key = pem;
      const pass = ssl.keyPassword ?? ssl.keystore.password;
      if (pass !== undefined) tls.passphrase = pass;
    } else if (type === 'PKCS12') {
      const pfx = Array.isArray(tls.pfx) ? tls.pfx : [];
      pfx.push({ buf: readStore(ssl.keystore, 'keystore'), ...passphrase(ssl.keystore.password ?? ssl.keyPassword) });
      tls.pfx = pfx;
    } else throw jksError('keystore', ssl.keystore.location);
  }
  return tls;
}

function storeType(store: KafkaStore): 'JKS' | 'PKCS12' | 'PEM' {
  if (store.type) return store.type;
  const lower = store.location.toLowerCase();
  if (lower.endsWith('.p12') || lower.endsWith('.pfx')) return 'PKCS12';
  if (lower.endsWith('.jks')) return 'JKS';
  return 'PEM';
}

function passphrase(p: string | undefined): { passphrase?: string } {
  return p === undefined ? {} : { passphrase: p };
}

function readStore(store: KafkaStore, what: string): Buffer {
  try {
    return fs.readFileSync(store.location);
  } catch (e) {
    throw userError(`cannot read the Kafka SSL ${what} ${store.location}: ${(e as Error).message}`, { cause: e });
  }
}

function jksError(what: string, location: string): Error {
  return userError(
    `the Kafka SSL ${what} ${location} is a JKS store, which Node.js cannot read; convert it to PKCS12 ` +
      `(keytool -importkeystore -srckeystore ${location} -destkeystore store.p12 -deststoretype PKCS12) or PEM`,
  );
}

/** Routes kafkajs logs to our logger; kafkajs itself is asked for warn and above only. */
export function kafkaLogCreator(logger: Logger): NonNullable<KafkaConfig['logCreator']> {
  return () => (entry: LogEntry) => {
    const { message, timestamp: _t, logger: _l, ...fields } = entry.log as { message: string; timestamp: string; logger?: string };
    const f = { kafkajs: entry.namespace, ...fields };
    // kafkajs logs every error response before rejecting the request with it. A create that lost a race
    // (TOPIC_ALREADY_EXISTS: two tasks making the exchange's topic) is expected, and whoever asked reports
    // any other failure with its own message: not an ERROR line of its own.
    if (entry.level === logLevel.ERROR && message.startsWith('Response CreateTopics(')) return logger.debug(message, f);
    if (entry.level === logLevel.ERROR || entry.level === logLevel.NOTHING) logger.error(message, f);
    else if (entry.level === logLevel.WARN) {
      // We bound the idempotent producer's retries on purpose (a flush must fail rather than hang).
      if (message.startsWith('Limiting retries for the idempotent producer')) return;
      logger.warn(message, f);
    } else logger.debug(message, f);
  };
}

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly security?: KafkaSecurity | undefined;
  readonly logger: Logger;
}

export function createKafkaClient(options: KafkaClientOptions): InstanceType<typeof Kafka> {
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    ...securityOptions(options.security),
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(options.logger),
  });
}

/**
 * Kafka-spelled consumer properties (SOURCE_KAFKA_CONSUMER_CONFIG_* passthrough) that kafkajs can honour.
 * Returns the options and the names it could not map (the caller warns about them).
 */
export function consumerProperties(props: Readonly<Record<string, string>>): {
  config: Partial<ConsumerConfig>;
  unknown: string[];
} {
  const config: Partial<ConsumerConfig> = {};
  const unknown: string[] = [];
  for (const [k, v] of Object.entries(props)) {
    const n = Number(v);
    switch (k) {
      case 'session.timeout.ms':
        config.sessionTimeout = n;
        break;
      case 'heartbeat.interval.ms':
        config.heartbeatInterval = n;
        break;
      case 'max.poll.interval.ms':
        config.rebalanceTimeout = n;
        break;
      case 'max.partition.fetch.bytes':
        config.maxBytesPerPartition = n;
        break;
      case 'fetch.max.bytes':
        config.maxBytes = n;
        break;
      case 'fetch.min.bytes':
        config.minBytes = n;
        break;
      case 'fetch.max.wait.ms':
        config.maxWaitTimeInMs = n;
        break;
      case 'metadata.max.age.ms':
        config.metadataMaxAge = n;
        break;
      case 'isolation.level':
        config.readUncommitted = v === 'read_uncommitted';
        break;
      case 'client.rack':
        config.rackId = v;
        break;
      case 'allow.auto.create.topics':
        config.allowAutoTopicCreation = v === 'true';
        break;
      default:
        unknown.push(k);
    }
  }
  return { config, unknown };
}

/** `topic:partition` split id; Kafka topic names cannot contain ':'. */
export function splitId(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

export function parseSplit(split: string): { topic: string; partition: number } | undefined {
  const i = split.lastIndexOf(':');
  if (i <= 0) return undefined;
  const partition = Number(split.slice(i + 1));
  if (!Number.isInteger(partition) || partition < 0) return undefined;
  return { topic: split.slice(0, i), partition };
}

/** Compiles SOURCE_KAFKA_TOPIC_NAMES the way Dagger does (a Java regex over the whole name). */
export function topicRegex(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (e) {
    throw userError(`SOURCE_KAFKA_TOPIC_NAMES "${pattern}" is not a valid regular expression: ${(e as Error).message}`);
  }
}

/**
 * Kafka's offsetsForTimes for every partition of the topics matching a pattern: per `topic:partition`, the
 * first offset whose record timestamp is at or after `ts` (the end offset when there is none).
 */
export async function offsetsForTime(
  options: KafkaClientOptions & { readonly topicPattern: string },
  ts: number,
): Promise<Record<string, string>> {
  const admin = createKafkaClient(options).admin();
  await admin.connect();
  try {
    const regex = topicRegex(options.topicPattern);
    const topics = (await admin.listTopics()).filter((t) => regex.test(t) && !t.startsWith('__')).sort();
    const out: Record<string, string> = {};
    for (const topic of topics) {
      const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
      for (const p of await admin.fetchTopicOffsetsByTimestamp(topic, ts)) {
        out[splitId(topic, p.partition)] = Number(p.offset) < 0 ? ends.get(p.partition)! : p.offset;
      }
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}
