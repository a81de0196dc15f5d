/**
 * The consume path's decoder (src/connectors/kafka/fetch-decoder.ts) on the real broker: a transactional topic
 * with committed and aborted transactions (plain and gzip batches) interleaved with a plain producer's records,
 * read by kafkajs's consumer through Dirk's patched decoder: read_committed sees exactly the committed and plain
 * records in offset order (the aborted ones and the transaction markers never reach eachBatch), read_uncommitted
 * sees the aborted ones too. Small fetch sizes cut batches at the fetch boundary on the way.
 */
import { afterAll, describe, expect, it } from 'vitest';
import kafkajs, { consumePathPatched } from '../../src/connectors/kafka/kafkajs.js';
import { FetchedMessage } from '../../src/connectors/kafka/fetch-decoder.js';
import { closeKafkaHelpers, createTopics, kafkaBootstrap, uniqueTopic } from '../helpers/kafka.js';

afterAll(closeKafkaHelpers);

const { Kafka, logLevel, CompressionTypes } = kafkajs;

async function write(topic: string): Promise<string[]> {
  const kafka = new Kafka({ clientId: 'fetch-decoder-it', brokers: [kafkaBootstrap()], logLevel: logLevel.ERROR });
  const tx = kafka.producer({ transactionalId: `tx-${topic}`, idempotent: true, maxInFlightRequests: 1 });
  const plain = kafka.producer({ allowAutoTopicCreation: false });
  await Promise.all([tx.connect(), plain.connect()]);
  const committed: string[] = [];
  const values = (p: string, n: number): Array<{ value: string; headers: Record<string, string> }> => Array.from({ length: n }, (_, i) => ({ value: `${p}${i}`, headers: { from: p } }));
  try {
    for (const [name, commit, compression] of [
      ['a', true, CompressionTypes.None],
      ['b', false, CompressionTypes.None],
      ['c', true, CompressionTypes.GZIP],
      ['d', false, CompressionTypes.GZIP],
      ['e', true, CompressionTypes.None],
    ] as const) {
      const t = await tx.transaction();
      await t.send({ topic, compression, messages: values(name, 40) });
      // A plain record inside the transaction's span: kept whatever the transaction's outcome.
      await plain.send({ topic, messages: [{ value: `plain-${name}` }] });
      await t.send({ topic, compression, messages: values(`${name}-late-`, 3) });
      // In offset order: the transaction's first records, the plain one, the transaction's late ones.
      if (commit) {
        await t.commit();
        committed.push(...values(name, 40).map((v) => v.value), `plain-${name}`, ...values(`${name}-late-`, 3).map((v) => v.value));
      } else {
        await t.abort();
        committed.push(`plain-${name}`);
      }
    }
    await plain.send({ topic, messages: [{ value: 'end' }] });
    committed.push('end');
  } finally {
    await Promise.all([tx.disconnect(), plain.disconnect()]);
  }
  return committed;
}

async function read(topic: string, readUncommitted: boolean): Promise<{ values: string[]; offsets: number[]; lean: boolean }> {
  const kafka = new Kafka({ clientId: 'fetch-decoder-it', brokers: [kafkaBootstrap()], logLevel: logLevel.ERROR });
  // 1 KiB per partition: most fetches end inside a batch (kafkajs asks again from the cut batch).
  const consumer = kafka.consumer({ groupId: `g-${topic}-${readUncommitted}`, readUncommitted, maxBytesPerPartition: 1024, maxWaitTimeInMs: 100 });
  const values: string[] = [];
  const offsets: number[] = [];
  let lean = true;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`got ${values.length} records, no 'end' within 30 s: ${values.join(',')}`)), 30_000);
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              lean &&= m instanceof FetchedMessage;
              values.push(m.value!.toString());
              offsets.push(Number(m.offset));
              if (m.value!.toString() === 'end') {
                clearTimeout(timer);
                resolve();
              }
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return { values, offsets, lean };
}

describe('consume path decoder on a transactional topic', () => {
  it('read_committed drops aborted transactions and markers; read_uncommitted keeps the aborted records', async () => {
    expect(consumePathPatched).toBe(true);
    const topic = uniqueTopic('fetch-decoder-tx');
    await createTopics([topic], 1);
    const committed = await write(topic);

    const rc = await read(topic, false);
    expect(rc.lean).toBe(true);
    expect(rc.values).toEqual(committed);
    // Offsets rise, with gaps where aborted records and markers were.
    expect(rc.offsets.every((o, i) => i === 0 || o > rc.offsets[i - 1]!)).toBe(true);
    expect(rc.offsets.at(-1)! + 1 - rc.offsets[0]!).toBeGreaterThan(committed.length);

    const ru = await read(topic, true);
    expect(ru.values.filter((v) => /^[bd]/.test(v)).length).toBe(2 * 43);
    expect(ru.values.filter((v) => !/^[bd]/.test(v))).toEqual(committed);
  }, 90_000);
});
