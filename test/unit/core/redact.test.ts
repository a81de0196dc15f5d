import { describe, expect, it } from 'vitest';
import { ConfigErrors } from '../../../src/config/index.js';
import { ConfigError } from '../../../src/core/errors.js';
import { createLogger } from '../../../src/core/logger.js';
import { isSecretKey, redactText, redactUrl } from '../../../src/core/redact.js';
import { kafkaStream, minimal, parse } from '../config/helpers.js';

const SECRET = 'S3cret-Pa55';

function configMessages(raw: unknown): string {
  try {
    parse(raw);
  } catch (e) {
    if (e instanceof ConfigErrors) return e.message;
    throw e;
  }
  throw new Error('expected a config error');
}

describe('secrets in config errors', () => {
  it.each([
    ['an array', [SECRET]],
    ['an object', { value: SECRET }],
    ['a nested array', [[SECRET, 1]]],
  ])('a wrong-typed SSL keystore password (%s) is described by shape only', (_what, value) => {
    const msg = configMessages(
      minimal({
        STREAMS: [
          kafkaStream({
            SOURCE_KAFKA_CONSUMER_CONFIG_SECURITY_PROTOCOL: 'SSL',
            SOURCE_KAFKA_CONSUMER_CONFIG_SSL_KEYSTORE_LOCATION: '/x/keystore.p12',
            SOURCE_KAFKA_CONSUMER_CONFIG_SSL_KEYSTORE_PASSWORD: value,
          }),
        ],
      }),
    );
    expect(msg).toContain('SSL_KEYSTORE_PASSWORD');
    expect(msg).toContain('not shown: the key holds a secret');
    expect(msg).not.toContain(SECRET);
  });

  it('a wrong-typed Influx password is not echoed', () => {
    const msg = configMessages(
      minimal({ SINK_TYPE: 'influx', SINK_INFLUX_URL: 'http://h:8086', SINK_INFLUX_DB_NAME: 'd', SINK_INFLUX_MEASUREMENT_NAME: 'm', SINK_INFLUX_PASSWORD: [SECRET] }),
    );
    expect(msg).toContain('SINK_INFLUX_PASSWORD');
    expect(msg).not.toContain(SECRET);
  });

  it('a malformed Stencil auth header is reported without its value', () => {
    const msg = configMessages(
      minimal({
        SCHEMA_REGISTRY_STENCIL_ENABLE: true,
        SCHEMA_REGISTRY_STENCIL_URLS: 'http://stencil:8000/v1/x',
        SCHEMA_REGISTRY_STENCIL_FETCH_HEADERS: `Authorization: Bearer ${SECRET}\nX-Bad: 1`,
      }),
    );
    expect(msg).toContain('SCHEMA_REGISTRY_STENCIL_FETCH_HEADERS');
    expect(msg).not.toContain(SECRET);
    const alone = configMessages(minimal({ SCHEMA_REGISTRY_STENCIL_ENABLE: true, SCHEMA_REGISTRY_STENCIL_URLS: 'http://s/x', SCHEMA_REGISTRY_STENCIL_FETCH_HEADERS: `Bearer ${SECRET}` }));
    expect(alone).not.toContain(SECRET);
  });

  it('a JAAS config of the wrong type is not echoed', () => {
    const e = new ConfigError('STREAMS[0].SOURCE_KAFKA_CONSUMER_CONFIG_SASL_JAAS_CONFIG', 'a JAAS line', 12345678, `near password="${SECRET}"`);
    expect(e.message).not.toContain('12345678');
    expect(e.message).not.toContain(SECRET);
  });

  it('keys that are not secret still show what was found', () => {
    expect(new ConfigError('SINK_KAFKA_TOPIC', 'a topic name', ['x']).message).toContain('["x"]');
    expect(isSecretKey('SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET')).toBe(false);
    expect(isSecretKey('SINK_INFLUX_USERNAME')).toBe(false);
    expect(isSecretKey('STREAMS[1].SOURCE_KAFKA_CONSUMER_CONFIG_SSL_KEY_PASSWORD')).toBe(true);
    expect(isSecretKey('SCHEMA_REGISTRY_STENCIL_FETCH_HEADERS')).toBe(true);
  });
});

describe('URLs and free text', () => {
  it('prints URLs without userinfo, query strings and fragments', () => {
    expect(redactUrl(`https://dirk:${SECRET}@stencil.example.com:8443/v1beta1/ns/x?access_token=${SECRET}`)).toBe('https://stencil.example.com:8443/v1beta1/ns/x?…');
    expect(redactUrl('http://localhost:8086')).toBe('http://localhost:8086');
    expect(redactUrl(`http://u:${SECRET}@h/`)).toBe('http://h/');
  });

  it('removes URL credentials, key=value secrets and Authorization values from text', () => {
    const text = redactText(
      `fetch http://admin:${SECRET}@reg:8000/x?access_token=${SECRET} failed; password=${SECRET} token: "${SECRET}" Authorization: Bearer ${SECRET}, "${SECRET}" is an invalid header value`,
    );
    expect(text).not.toContain(SECRET);
    expect(text).toContain('http://reg:8000/x?…');
    expect(text).toContain('Authorization: Bearer ***');
  });

  it('the logger redacts messages and fields, and hides fields named like secrets', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) });
    log.warn(`retrying https://u:${SECRET}@h/p?sig=${SECRET}`, { password: SECRET, url: `http://h/?access_token=${SECRET}`, nested: { token: SECRET } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(SECRET);
    expect(lines[0]).toContain('retrying https://h/p?…');
  });
});
