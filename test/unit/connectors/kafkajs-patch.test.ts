import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import kafkajs, { groupingPatched } from '../../../src/connectors/kafka/kafkajs.js';

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
