import { describe, expect, it } from 'vitest';
import { ConfigError, DirkError, externalError, mayRetry, SqlError, userError } from '../../../src/core/errors.js';

/** An error shaped as kafkajs makes them (its classes are named KafkaJS..., protocol errors carry a type). */
function kafkaError(name: string, message: string, extra: { type?: string; cause?: Error } = {}): Error {
  const e = new Error(message, extra.cause ? { cause: extra.cause } : undefined);
  e.name = name;
  if (extra.type) Object.assign(e, { type: extra.type });
  return e;
}

function systemError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:9092`), { code });
}

describe('mayRetry: whether trying again may help', () => {
  it('takes a Dirk error at its word: only external, retriable ones', () => {
    expect(mayRetry(externalError('broker down'))).toBe(true);
    expect(mayRetry(externalError('HTTP 400: refused', { retriable: false }))).toBe(false);
    expect(mayRetry(userError('bad record'))).toBe(false);
    expect(mayRetry(new SqlError('no such column', { line: 1, column: 8 }))).toBe(false);
    expect(mayRetry(new ConfigError('KEY', 'a number', 'x'))).toBe(false);
    // An internal error marked retriable is still a bug: a restart runs into it again.
    expect(mayRetry(new DirkError('oops', { retriable: true }))).toBe(false);
    // The outermost Dirk error decides, whatever it wraps.
    expect(mayRetry(externalError('write lost', { retriable: false, cause: kafkaError('KafkaJSConnectionError', 'Connection error') }))).toBe(false);
  });

  it('retries Kafka client errors and network errors, also wrapped in plain errors', () => {
    expect(mayRetry(kafkaError('KafkaJSConnectionError', 'Connection error: ECONNREFUSED'))).toBe(true);
    expect(mayRetry(kafkaError('KafkaJSNumberOfRetriesExceeded', 'gave up', { cause: kafkaError('KafkaJSRequestTimeoutError', 'Request timed out') }))).toBe(true);
    expect(mayRetry(new Error('request 2 of 3 failed', { cause: kafkaError('KafkaJSProtocolError', 'Not leader', { type: 'NOT_LEADER_FOR_PARTITION' }) }))).toBe(true);
    expect(mayRetry(systemError('ECONNREFUSED'))).toBe(true);
    expect(mayRetry(systemError('ECONNRESET'))).toBe(true);
    expect(mayRetry(new Error('flush failed', { cause: systemError('ETIMEDOUT') }))).toBe(true);
  });

  it('does not retry a fenced transactional producer, however deep the fencing is wrapped', () => {
    const fencing = kafkaError('KafkaJSProtocolError', 'There is a newer producer with the same transactionalId which fences the current one', { type: 'PRODUCER_FENCED' });
    expect(mayRetry(fencing)).toBe(false);
    expect(mayRetry(kafkaError('KafkaJSNonRetriableError', 'wrapped', { cause: fencing }))).toBe(false);
    expect(mayRetry(kafkaError('KafkaJSProtocolError', 'Producer attempted an operation with an old epoch', { type: 'INVALID_PRODUCER_EPOCH' }))).toBe(false);
    // The exactly-once commit path wraps the client's error with the rule's verdict.
    expect(mayRetry(externalError('kafka sink s: the transaction did not commit', { cause: fencing, retriable: mayRetry(fencing) }))).toBe(false);
  });

  it('does not retry anything else: a bug, a bad value, a non-error', () => {
    expect(mayRetry(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe(false);
    expect(mayRetry(new Error('internal'))).toBe(false);
    expect(mayRetry(systemError('ENOENT'))).toBe(false);
    expect(mayRetry('a string')).toBe(false);
    expect(mayRetry(undefined)).toBe(false);
  });
});
