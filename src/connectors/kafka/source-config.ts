/** KAFKA_SOURCE / KAFKA_CONSUMER: a stream's Kafka keys (SOURCE_KAFKA_*), security included. */
import { NotSecret } from '../../core/redact.js';
import { sourceConfig, type SourceParseContext } from '../../config/connector-spec.js';
import { parseJaas } from '../../config/jaas.js';
import { keyReader } from '../../config/read-key.js';
import type { Section } from '../../config/reader.js';
import { kafkaPropertyName, resolvePath } from '../../config/util.js';
import { KAFKA_SOURCE_KEYS as D } from './keys.js';

const CONSUMER = 'SOURCE_KAFKA_CONSUMER_CONFIG_';
const SSL_PROTOCOLS = ['TLS', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3', 'SSL', 'SSLv2', 'SSLv3'] as const;
const STORE_TYPES: readonly StoreType[] = ['JKS', 'PKCS12', 'PEM'];
/** The consumer keys Dirk reads itself; any other SOURCE_KAFKA_CONSUMER_CONFIG_* is passed through. */
const KNOWN_CONSUMER_KEYS = new Set(Object.keys(D).filter((k) => k.startsWith(CONSUMER) && !k.endsWith('*')));
const read = keyReader(D);

export interface SaslConfig {
  readonly mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  readonly username: string;
  readonly password: string;
}

export type StoreType = 'JKS' | 'PKCS12' | 'PEM';

export interface StoreConfig {
  readonly location: string;
  readonly password?: string;
  readonly type?: StoreType;
}

export interface SslConfig {
  /** TLS, TLSv1.1, TLSv1.2, TLSv1.3, SSL, SSLv2, SSLv3 (as Kafka spells them). */
  readonly protocol?: string;
  readonly keyPassword?: string;
  readonly keystore?: StoreConfig;
  readonly truststore?: StoreConfig;
}

export interface KafkaSecurityConfig {
  readonly protocol: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
  readonly sasl?: SaslConfig;
  readonly ssl?: SslConfig;
}

export interface KafkaSourceConfig {
  /** SOURCE_KAFKA_TOPIC_NAMES: a regular expression matched against the whole topic name (`a|b` = two topics). */
  readonly topicPattern: string;
  /** The topic names when the pattern is a plain `|`-separated list (no regex syntax besides `.`); else absent. */
  readonly topics?: readonly string[];
  /** SOURCE_KAFKA_NAME: logical cluster name, used in metrics and logs. */
  readonly clusterName?: string;
  readonly bootstrapServers: readonly string[];
  readonly groupId: string;
  readonly autoOffsetReset: 'latest' | 'earliest';
  readonly autoCommit: boolean;
  /** Absent when SECURITY_PROTOCOL is not set (plain text). */
  readonly security?: KafkaSecurityConfig;
  /** Extra consumer properties, Kafka spelling (`max.poll.records`), from ADDITIONAL_CONFIGURATIONS and unknown CONFIG_* keys. */
  readonly additional: Readonly<Record<string, string>>;
  /** SOURCE_KAFKA_CONSUME_LARGE_MESSAGE_ENABLE (job level): fetch up to 5 MiB per partition. */
  readonly largeMessage: boolean;
  /** SOURCE_KAFKA_UPSERT_KEY (and its prefix / value-fields keys): the topic is an upsert changelog. */
  readonly upsert?: UpsertSourceConfig;
}

/** Flink's upsert-kafka source: the record key is the JSON of the key columns; a null value deletes the key. */
export interface UpsertSourceConfig {
  /** Key column names, as in the table. */
  readonly key: readonly string[];
  /** Prefix of the key columns' names that the key JSON's property names lack ('' for none). */
  readonly keyPrefix: string;
  readonly valueFieldsInclude: 'ALL' | 'EXCEPT_KEY';
}

function parseKafkaSource(s: Section, ctx: SourceParseContext): KafkaSourceConfig {
  const topicPattern = s.required('SOURCE_KAFKA_TOPIC_NAMES', 'a topic name or regular expression (a|b for two topics)');
  if (topicPattern) {
    try {
      new RegExp(`^(?:${topicPattern})$`);
    } catch (e) {
      s.error('SOURCE_KAFKA_TOPIC_NAMES', 'a valid regular expression', topicPattern, (e as Error).message);
    }
  }
  const bootstrapServers = s.list(`${CONSUMER}BOOTSTRAP_SERVERS`) ?? [];
  if (bootstrapServers.length === 0 && !s.issues.errors.some((e) => e.key === s.path(`${CONSUMER}BOOTSTRAP_SERVERS`))) {
    s.error(`${CONSUMER}BOOTSTRAP_SERVERS`, 'a comma-separated list of host:port', s.get(`${CONSUMER}BOOTSTRAP_SERVERS`));
  }
  for (const b of bootstrapServers) {
    if (!/^[^\s:]+:\d+$/.test(b) && !/^\[[0-9a-fA-F:]+\]:\d+$/.test(b)) {
      s.error(`${CONSUMER}BOOTSTRAP_SERVERS`, 'host:port entries', b);
    }
  }
  const out: { -readonly [K in keyof KafkaSourceConfig]?: KafkaSourceConfig[K] } = {
    topicPattern,
    bootstrapServers,
    groupId: s.required(`${CONSUMER}GROUP_ID`, 'a consumer group id'),
    autoOffsetReset: read(s, 'SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET'),
    autoCommit: read(s, 'SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_COMMIT_ENABLE'),
    largeMessage: ctx.largeMessage,
  };
  const topics = literalTopics(topicPattern);
  if (topics) out.topics = topics;
  const clusterName = s.optional('SOURCE_KAFKA_NAME');
  if (clusterName !== undefined) out.clusterName = clusterName;
  const security = parseSecurity(s, ctx);
  if (security) out.security = security;

  // Passthrough properties: ADDITIONAL_CONFIGURATIONS first, then CONFIG_* keys of the stream itself.
  const additional: Record<string, string> = {};
  const extra = s.stringMap('SOURCE_KAFKA_CONSUMER_ADDITIONAL_CONFIGURATIONS') ?? {};
  for (const [k, v] of Object.entries(extra)) {
    if (!k.toUpperCase().startsWith(CONSUMER)) {
      s.error(`SOURCE_KAFKA_CONSUMER_ADDITIONAL_CONFIGURATIONS.${k}`, `a key starting with ${CONSUMER}`, k);
      continue;
    }
    additional[kafkaPropertyName(k.toUpperCase(), CONSUMER)] = v;
  }
  for (const k of Object.keys(s.values)) {
    if (!k.startsWith(CONSUMER) || KNOWN_CONSUMER_KEYS.has(k)) continue;
    const v = s.str(k);
    if (v !== undefined) additional[kafkaPropertyName(k, CONSUMER)] = v;
    else if (typeof s.get(k) === 'boolean') additional[kafkaPropertyName(k, CONSUMER)] = String(s.get(k));
  }
  out.additional = additional;
  const upsert = parseUpsertSource(s);
  if (upsert) out.upsert = upsert;
  return out as KafkaSourceConfig;
}

/** The topic list when the pattern is only names joined by `|` (a `.` is taken as itself, as people mean it). */
function literalTopics(pattern: string): string[] | undefined {
  if (!pattern) return undefined;
  const parts = pattern.split('|');
  return parts.every((p) => /^[A-Za-z0-9._-]+$/.test(p)) ? parts : undefined;
}

function parseSecurity(s: Section, ctx: SourceParseContext): KafkaSecurityConfig | undefined {
  const protocolGiven = s.has(`${CONSUMER}SECURITY_PROTOCOL`);
  const protocol = read(s, 'SOURCE_KAFKA_CONSUMER_CONFIG_SECURITY_PROTOCOL');
  const mechanismKey = `${CONSUMER}SASL_MECHANISM`;
  const jaasKey = `${CONSUMER}SASL_JAAS_CONFIG`;
  const isSasl = protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
  const isSsl = protocol === 'SSL' || protocol === 'SASL_SSL';

  let sasl: SaslConfig | undefined;
  if (isSasl) {
    const mechanism = s.has(mechanismKey)
      ? s.oneOf(mechanismKey, ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const, 'PLAIN')
      : (s.error(mechanismKey, `PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (required with ${protocol})`, undefined), 'PLAIN' as const);
    const jaasText = s.required(jaasKey, `a JAAS line such as ${jaasExample(mechanism)} (required with ${protocol})`);
    if (jaasText) {
      const parsed = parseJaas(jaasText);
      if ('error' in parsed) {
        s.error(jaasKey, `a JAAS line such as ${jaasExample(mechanism)}`, new NotSecret(redactJaas(jaasText)), parsed.error);
      } else {
        const module = parsed.loginModule.split('.').pop() ?? '';
        const wanted = mechanism === 'PLAIN' ? 'PlainLoginModule' : 'ScramLoginModule';
        const { username, password } = parsed.options;
        if (module !== wanted) {
          s.error(jaasKey, `${wanted} for SASL mechanism ${mechanism}`, new NotSecret(parsed.loginModule));
        } else if (username === undefined || password === undefined) {
          s.error(jaasKey, 'username="..." and password="..." options', new NotSecret(redactJaas(jaasText)));
        } else sasl = { mechanism, username, password };
      }
    }
  } else if (s.has(mechanismKey) || s.has(jaasKey)) {
    s.issues.warn(`${s.path(mechanismKey)} / SASL_JAAS_CONFIG are ignored: SECURITY_PROTOCOL is ${protocol}, not SASL_PLAINTEXT or SASL_SSL`);
  }

  const ssl = parseSsl(s, ctx);
  if (ssl && !isSsl) {
    s.issues.warn(`${s.path(`${CONSUMER}SSL_*`)} keys are ignored: SECURITY_PROTOCOL is ${protocol}, not SSL or SASL_SSL`);
  }
  if (!protocolGiven) return undefined;
  return {
    protocol,
    ...(sasl ? { sasl } : {}),
    ...(ssl && isSsl ? { ssl } : {}),
  };
}

function parseSsl(s: Section, ctx: SourceParseContext): SslConfig | undefined {
  const out: { -readonly [K in keyof SslConfig]?: SslConfig[K] } = {};
  if (s.has(`${CONSUMER}SSL_PROTOCOL`)) out.protocol = s.oneOf(`${CONSUMER}SSL_PROTOCOL`, SSL_PROTOCOLS, 'TLS');
  const keyPassword = s.str(`${CONSUMER}SSL_KEY_PASSWORD`);
  if (keyPassword !== undefined) out.keyPassword = keyPassword;
  const keystore = parseStore(s, 'KEYSTORE', ctx);
  if (keystore) out.keystore = keystore;
  const truststore = parseStore(s, 'TRUSTSTORE', ctx);
  if (truststore) out.truststore = truststore;
  return Object.keys(out).length === 0 ? undefined : out;
}

function parseStore(s: Section, which: 'KEYSTORE' | 'TRUSTSTORE', ctx: SourceParseContext): StoreConfig | undefined {
  const p = `${CONSUMER}SSL_${which}_`;
  const location = s.optional(`${p}LOCATION`);
  const password = s.str(`${p}PASSWORD`);
  const type = s.has(`${p}TYPE`) ? s.oneOf(`${p}TYPE`, STORE_TYPES, 'PEM') : undefined;
  if (location === undefined) {
    if (password !== undefined || type !== undefined) s.error(`${p}LOCATION`, `the ${which.toLowerCase()} file path`, undefined);
    return undefined;
  }
  if (type === 'JKS') {
    s.issues.warn(`${s.path(`${p}TYPE`)}: JKS stores cannot be read by Node.js; convert to PEM or PKCS12 (keytool -importkeystore -deststoretype PKCS12)`);
  }
  return {
    location: resolvePath(ctx.baseDir, location),
    ...(password !== undefined ? { password } : {}),
    ...(type !== undefined ? { type } : {}),
  };
}

function jaasExample(mechanism: SaslConfig['mechanism']): string {
  const module = mechanism === 'PLAIN' ? 'plain.PlainLoginModule' : 'scram.ScramLoginModule';
  return `org.apache.kafka.common.security.${module} required username="u" password="p";`;
}

/** Never echo a password back into logs. */
function redactJaas(text: string): string {
  return text.replace(/(password\s*=\s*)("[^"]*"|[^\s;]+)/gi, '$1"***"');
}

/** SOURCE_KAFKA_UPSERT_*: the key columns, their prefix and what the value holds (Flink's upsert-kafka rules). */
function parseUpsertSource(s: Section): UpsertSourceConfig | undefined {
  const key = s.list('SOURCE_KAFKA_UPSERT_KEY');
  const prefix = s.optional('SOURCE_KAFKA_UPSERT_KEY_FIELDS_PREFIX') ?? '';
  const include = read(s, 'SOURCE_KAFKA_UPSERT_VALUE_FIELDS_INCLUDE');
  if (!key || key.length === 0) {
    if (s.has('SOURCE_KAFKA_UPSERT_KEY')) s.error('SOURCE_KAFKA_UPSERT_KEY', 'a comma-separated list of key column names', s.get('SOURCE_KAFKA_UPSERT_KEY'));
    else if (prefix || s.has('SOURCE_KAFKA_UPSERT_VALUE_FIELDS_INCLUDE')) {
      s.error('SOURCE_KAFKA_UPSERT_KEY', 'the key columns (the other SOURCE_KAFKA_UPSERT_* keys apply to an upsert stream)', undefined);
    }
    return undefined;
  }
  const dataType = s.get('INPUT_DATATYPE') ?? 'PROTO'; // INPUT_DATATYPE's default
  if (dataType !== 'JSON') s.error('INPUT_DATATYPE', 'JSON for an upsert stream (SOURCE_KAFKA_UPSERT_KEY: the key and the value are JSON)', dataType);
  if (prefix && include === 'ALL') {
    s.error(
      'SOURCE_KAFKA_UPSERT_KEY_FIELDS_PREFIX',
      "no prefix while SOURCE_KAFKA_UPSERT_VALUE_FIELDS_INCLUDE=ALL (as Flink: a key prefix is not allowed when 'value.fields-include' is 'ALL'; set it to EXCEPT_KEY to avoid field overlaps)",
      prefix,
    );
  }
  for (const k of key) {
    if (prefix && !k.startsWith(prefix)) s.error('SOURCE_KAFKA_UPSERT_KEY', `key columns that start with the prefix '${prefix}' (SOURCE_KAFKA_UPSERT_KEY_FIELDS_PREFIX)`, k);
  }
  return { key, keyPrefix: prefix, valueFieldsInclude: include };
}

export const kafkaSourceConfig = sourceConfig({
  names: ['KAFKA_SOURCE', 'KAFKA_CONSUMER'],
  runsAs: 'UNBOUNDED',
  slot: 'kafka',
  keys: D,
  keyPrefixes: [CONSUMER],
  parse: parseKafkaSource,
  dataTypes: ['PROTO', 'JSON', 'AVRO'],
  hybridPart: 'second',
  sideOutputBrokers: (k) => k.bootstrapServers,
});
