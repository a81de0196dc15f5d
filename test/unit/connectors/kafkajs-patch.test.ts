import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import kafkajs, { framingPatched, groupingPatched } from '../../../src/connectors/kafka/kafkajs.js';
import { frameRequest } from '../../../src/connectors/kafka/request-frame.js';
import { produceBody } from '../../../src/connectors/kafka/batch-producer.js';

describe('kafkajs loader', () => {
  it('installs the linear message grouping before kafkajs loads', () => {
    expect(groupingPatched).toBe(true);
    expect(typeof kafkajs.Kafka).toBe('function');
  });

  it('groups messages per partition exactly as kafkajs does, in order', () => {
    const require = createRequire(import.meta.url);
    const group = require('kafkajs/src/producer/groupMessagesPerPartition.js') as (a: unknown) => Record<number, unknown[]>;
    const messages = Array.from({ length: 7 }, (_, i) => ({ value: `m${i}`, partition: i % 3 }));
    const result = group({ topic: 't', partitionMetadata: [{}, {}, {}], messages, partitioner: ({ message }: { message: { partition: number } }) => message.partition });
    expect(result).toEqual({ 0: [messages[0], messages[3], messages[6]], 1: [messages[1], messages[4]], 2: [messages[2], messages[5]] });
    expect(group({ topic: 't', partitionMetadata: [], messages, partitioner: () => 0 })).toEqual({});
  });
});

describe('request framing (request-frame.ts) and the produce body', () => {
  const require = createRequire(import.meta.url);
  type Enc = { writeInt16(v: number): Enc; writeInt32(v: number): Enc; writeString(v: string | null): Enc; writeBuffer(b: Buffer): Enc; writeEncoder(e: Enc): Enc; size(): number; buffer: Buffer };
  const Encoder = require('kafkajs/src/protocol/encoder') as new () => Enc;
  /** kafkajs 2.2.4's own protocol/request.js, written out with its Encoder: the bytes to match. */
  const kafkajsFrame = (apiKey: number, apiVersion: number, correlationId: number, clientId: string | null, payload: Enc): Buffer => {
    const body = new Encoder().writeInt16(apiKey).writeInt16(apiVersion).writeInt32(correlationId).writeString(clientId).writeEncoder(payload);
    return new Encoder().writeInt32(body.size()).writeEncoder(body).buffer;
  };

  it('is installed, and frames requests byte for byte as kafkajs did (client ids empty, null, non-ASCII)', async () => {
    expect(framingPatched).toBe(true);
    const framing = require('kafkajs/src/protocol/request.js') as typeof frameRequest;
    expect(framing).toBe(frameRequest);
    for (const clientId of ['dirk-job', '', null, 'ünïcode-id']) {
      const payload = new Encoder().writeInt32(7).writeString('topic').writeBuffer(Buffer.from([1, 2, 3, 250]));
      const framed = await frameRequest({ correlationId: 4242, clientId, request: { apiKey: 1, apiVersion: 11, encode: async () => payload } });
      expect(framed.buffer.equals(kafkajsFrame(1, 11, 4242, clientId, payload))).toBe(true);
      expect(framed.size()).toBe(framed.buffer.length);
    }
  });

  it('writes the produce body as kafkajs encoded it, at its exact size', () => {
    const list = [
      { partition: 0, bytes: Buffer.from('first batch bytes') },
      { partition: 3, bytes: Buffer.alloc(70_000, 7) },
      { partition: 1, bytes: Buffer.alloc(0) },
    ];
    const e = new Encoder().writeString(null).writeInt16(-1).writeInt32(30_000).writeInt32(1).writeString('sink-tópic').writeInt32(list.length);
    for (const b of list) e.writeInt32(b.partition).writeInt32(b.bytes.length).writeBuffer(b.bytes);
    const body = produceBody('sink-tópic', 30_000, list);
    expect(body.buffer.equals(e.buffer)).toBe(true);
    expect(body.buf).toBe(body.buffer);
    // kafkajs's own framing takes it as it takes an Encoder (when Dirk's framing could not be installed).
    expect(kafkajsFrame(0, 3, 1, 'c', body as unknown as Enc).equals(kafkajsFrame(0, 3, 1, 'c', e))).toBe(true);
  });
});
