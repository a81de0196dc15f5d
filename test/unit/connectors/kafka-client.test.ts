import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { consumerProperties, kafkaLogCreator, parseSplit, securityOptions, splitId, topicRegex } from '../../../src/connectors/kafka/kafka-client.js';
import kafkajs from '../../../src/connectors/kafka/kafkajs.js';

const { logLevel } = kafkajs;

describe('kafka client options', () => {
  it('maps SASL mechanisms and protocols to kafkajs', () => {
    expect(securityOptions(undefined)).toEqual({});
    expect(securityOptions({ protocol: 'PLAINTEXT' })).toEqual({});
    expect(securityOptions({ protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'PLAIN', username: 'u', password: 'p' } })).toEqual({
      sasl: { mechanism: 'plain', username: 'u', password: 'p' },
    });
    expect(securityOptions({ protocol: 'SASL_SSL', sasl: { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' } })).toEqual({
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' },
    });
    expect(securityOptions({ protocol: 'SASL_SSL', sasl: { mechanism: 'SCRAM-SHA-256', username: 'u', password: 'p' } }).sasl).toMatchObject({
      mechanism: 'scram-sha-256',
    });
    expect(() => securityOptions({ protocol: 'SASL_PLAINTEXT' })).toThrow(/needs a SASL mechanism/);
  });

  it('reads PEM and PKCS12 stores and refuses JKS with the conversion command', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dirk-tls-'));
    const ca = path.join(dir, 'ca.pem');
    const key = path.join(dir, 'client.pem');
    const p12 = path.join(dir, 'client.p12');
    fs.writeFileSync(ca, 'CA');
    fs.writeFileSync(key, 'CERT+KEY');
    fs.writeFileSync(p12, 'P12');
    expect(
      securityOptions({ protocol: 'SSL', ssl: { protocol: 'TLSv1.2', truststore: { location: ca }, keystore: { location: key }, keyPassword: 'kp' } }),
    ).toEqual({ ssl: { minVersion: 'TLSv1.2', ca: Buffer.from('CA'), cert: Buffer.from('CERT+KEY'), key: Buffer.from('CERT+KEY'), passphrase: 'kp' } });
    expect(securityOptions({ protocol: 'SSL', ssl: { keystore: { location: p12, password: 'sp' } } })).toEqual({
      ssl: { pfx: [{ buf: Buffer.from('P12'), passphrase: 'sp' }] },
    });
    expect(() => securityOptions({ protocol: 'SSL', ssl: { truststore: { location: '/x/trust.jks' } } })).toThrow(/JKS store.*keytool -importkeystore/);
    expect(() => securityOptions({ protocol: 'SSL', ssl: { truststore: { location: path.join(dir, 'missing.pem') } } })).toThrow(
      /cannot read the Kafka SSL truststore/,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('maps the consumer properties kafkajs understands and reports the rest', () => {
    expect(
      consumerProperties({ 'session.timeout.ms': '10000', 'max.partition.fetch.bytes': '5242880', 'isolation.level': 'read_committed', 'max.poll.records': '500' }),
    ).toEqual({ config: { sessionTimeout: 10000, maxBytesPerPartition: 5242880, readUncommitted: false }, unknown: ['max.poll.records'] });
  });

  it('compiles topic names as an anchored regex (Dagger: a Java regex)', () => {
    const r = topicRegex('booking-log|payment-.*');
    expect(r.test('booking-log')).toBe(true);
    expect(r.test('payment-log')).toBe(true);
    expect(r.test('booking-log-2')).toBe(false);
    expect(r.test('x-booking-log')).toBe(false);
    expect(() => topicRegex('a(')).toThrow(/not a valid regular expression/);
  });

  it('splits are topic:partition', () => {
    expect(splitId('a.b-c', 2)).toBe('a.b-c:2');
    expect(parseSplit('a.b-c:2')).toEqual({ topic: 'a.b-c', partition: 2 });
    expect(parseSplit('nope')).toBeUndefined();
  });

  it("routes kafkajs logs by level; a CreateTopics error response (a create that lost a race) is debug, not ERROR", () => {
    const lines: string[] = [];
    const at = (level: string) => (msg: string) => void lines.push(`${level} ${msg}`);
    const log = kafkaLogCreator({ error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') } as never)(logLevel.ERROR);
    const entry = (level: number, message: string) => ({ namespace: 'Connection', level, label: '', log: { message, timestamp: '' } });
    log(entry(logLevel.ERROR, 'Response CreateTopics(key: 19, version: 3)'));
    log(entry(logLevel.ERROR, 'Response Metadata(key: 3, version: 6)'));
    log(entry(logLevel.WARN, 'Limiting retries for the idempotent producer to 3'));
    log(entry(logLevel.WARN, 'Connection timeout'));
    log(entry(logLevel.INFO, 'Consumer has joined the group'));
    expect(lines).toEqual(['debug Response CreateTopics(key: 19, version: 3)', 'error Response Metadata(key: 3, version: 6)', 'warn Connection timeout', 'debug Consumer has joined the group']);
  });
});
