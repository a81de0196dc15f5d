import { afterAll, describe, expect, it } from 'vitest';
import { DirkError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { RowKind, T, type Field, type Row } from '../../src/core/types.js';
import { createProtoRowEncoder, openDescriptorRegistry, type RowEncoder } from '../../src/schema/index.js';
import { createKafkaSink } from '../../src/connectors/kafka/kafka-sink.js';
import { createTelemetry } from '../../src/telemetry/index.js';
import { closeKafkaHelpers, consumeN, createTopics, deleteTopics, kafkaBootstrap, uniqueTopic } from '../helpers/kafka.js';

/** JSON object of the named columns (what a JSON-mode sink writes; no key, as Dagger). */
function jsonEncoder(columns: readonly string[]): RowEncoder {
  return {
    encode: (row: Row) =>
      Buffer.from(JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, row[i]])), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))),
  };
}

const stringKey = (index: number): RowEncoder => ({ encode: (row: Row) => Buffer.from(String(row[index])) });

afterAll(closeKafkaHelpers);

describe('kafka sink', () => {
  it('writes exact protobuf records and keys with acks=all, and counts them', async () => {
    const topic = uniqueTopic('sink-proto');
    await createTopics([topic], 3);
    const reg = await openDescriptorRegistry({ kind: 'files', dirs: ['protos'] });
    const columns: Field[] = [
      { name: 'tag_service_type', type: T.STRING },
      { name: 'number_of_bookings', type: T.BIGINT },
      { name: 'total_amount', type: T.DOUBLE },
      { name: 'window_timestamp', type: T.TIMESTAMP },
    ];
    const telemetry = createTelemetry({ jobId: 'sink-test' });
    const sink = createKafkaSink({
      brokers: [kafkaBootstrap()],
      topic,
      valueEncoder: createProtoRowEncoder(reg, 'dirk.examples.BookingCountMessage', columns),
      keyEncoder: createProtoRowEncoder(reg, 'dirk.examples.BookingCountKey', columns.slice(0, 1)),
      logger: silentLogger,
      metrics: telemetry.sinkMetrics('kafka'),
      sendBatchRecords: 4,
    });
    await sink.open();
    const rows: Row[] = Array.from({ length: 10 }, (_, i) => [`GO_${i}`, 2n ** 53n + BigInt(i), i * 1.5, Date.UTC(2024, 0, 1, 0, i)]);
    sink.write({ kind: 'data', rows: rows.slice(0, 6) });
    sink.write({ kind: 'data', rows: rows.slice(6) });
    await sink.flush();

    const got = await consumeN(topic, 10);
    const valueType = reg.lookupType('dirk.examples.BookingCountMessage');
    const keyType = reg.lookupType('dirk.examples.BookingCountKey');
    const decoded = got
      .map((m) => ({
        key: keyType.toObject(keyType.decode(m.key!)) as { tag_service_type: string },
        value: valueType.toObject(valueType.decode(m.value!), { longs: String }) as Record<string, unknown>,
      }))
      .sort((a, b) => a.key.tag_service_type.localeCompare(b.key.tag_service_type));
    expect(decoded.map((d) => d.key.tag_service_type)).toEqual(rows.map((r) => r[0]));
    expect(decoded[3]!.value).toMatchObject({ tag_service_type: 'GO_3', number_of_bookings: String(BigInt(2 ** 53) + 3n), total_amount: 4.5 });
    expect(decoded[3]!.value['window_timestamp']).toMatchObject({ seconds: String(Date.UTC(2024, 0, 1, 0, 3) / 1000) });
    const text = await telemetry.metrics();
    expect(text).toContain('dirk_sink_records_total{sink="kafka",job="sink-test"} 10');
    expect(text).toMatch(/dirk_sink_flush_duration_seconds_count\{job="sink-test",sink="kafka"\} 1/);
    await sink.close();
  });

  it('writes an upsert stream for updating results: a replaced -U skipped, a lone -U and -D as tombstones', async () => {
    const topic = uniqueTopic('sink-upsert');
    await createTopics([topic], 1);
    const sink = createKafkaSink({
      brokers: [kafkaBootstrap()],
      topic,
      valueEncoder: jsonEncoder(['k', 'n']),
      keyEncoder: stringKey(0),
      logger: silentLogger,
    });
    await sink.open();
    sink.write({
      kind: 'data',
      rows: [
        ['a', 1],
        ['a', 1],
        ['a', 2],
        ['b', 5],
        ['a', 2],
      ],
      rowKinds: [RowKind.Insert, RowKind.UpdateBefore, RowKind.UpdateAfter, RowKind.Insert, RowKind.Delete],
    });
    // a -U whose +U a HAVING filtered out (no later change of the key in the batch) deletes the key
    sink.write({ kind: 'data', rows: [['b', 5], ['a', 7]], rowKinds: [RowKind.UpdateBefore, RowKind.Insert] });
    await sink.flush();
    const got = await consumeN(topic, 6);
    expect(got.map((m) => [m.key?.toString(), m.value === null ? null : m.value.toString()])).toEqual([
      ['a', '{"k":"a","n":1}'],
      ['a', '{"k":"a","n":2}'],
      ['b', '{"k":"b","n":5}'],
      ['a', null],
      ['b', null],
      ['a', '{"k":"a","n":7}'],
    ]);
    await sink.close();
  });

  it('refuses an updating result without a key encoder', async () => {
    const sink = createKafkaSink({ brokers: [kafkaBootstrap()], topic: 'unused', valueEncoder: jsonEncoder(['k']), logger: silentLogger });
    expect(() => sink.write({ kind: 'data', rows: [['a']], rowKinds: [RowKind.Insert] })).toThrow(/needs a key/);
  });

  it('JSON mode: null keys, JSON values, linger sends before flush', async () => {
    const topic = uniqueTopic('sink-json');
    await createTopics([topic], 1);
    const sink = createKafkaSink({
      brokers: [kafkaBootstrap()],
      topic,
      valueEncoder: jsonEncoder(['id', 'name', 'big']),
      lingerMs: 20,
      logger: silentLogger,
    });
    await sink.open();
    sink.write({ kind: 'data', rows: [[1, 'x', 12345678901234567890n], [2, 'y', null]] });
    // linger: the rows reach the topic without a flush
    const got = await consumeN(topic, 2, 10_000);
    expect(got.map((m) => m.key)).toEqual([null, null]);
    expect(got.map((m) => JSON.parse(m.value!.toString()))).toEqual([
      { id: 1, name: 'x', big: '12345678901234567890' },
      { id: 2, name: 'y', big: null },
    ]);
    await sink.flush();
    await sink.close();
  });

  it('linger 0 (the default): each write reaches the topic without a flush, and a burst of writes arrives whole and in order', async () => {
    const topic = uniqueTopic('sink-linger0');
    await createTopics([topic], 1);
    const sink = createKafkaSink({ brokers: [kafkaBootstrap()], topic, valueEncoder: jsonEncoder(['id']), logger: silentLogger });
    await sink.open();
    sink.write({ kind: 'data', rows: [[1], [2]] });
    const first = await consumeN(topic, 2, 10_000);
    expect(first.map((m) => JSON.parse(m.value!.toString()))).toEqual([{ id: 1 }, { id: 2 }]);
    // Many input batches in one go: all arrive, in order, without a flush.
    for (let b = 0; b < 50; b++) sink.write({ kind: 'data', rows: [[100 + b * 2], [101 + b * 2]] });
    const all = await consumeN(topic, 102, 10_000);
    expect(all.map((m) => (JSON.parse(m.value!.toString()) as { id: number }).id)).toEqual([1, 2, ...Array.from({ length: 100 }, (_, i) => 100 + i)]);
    await sink.close();
  });

  it('rejects flush with a retriable external error when the topic cannot be written', async () => {
    const telemetry = createTelemetry({ jobId: 'sink-fail' });
    const topic = uniqueTopic('sink-deleted');
    await createTopics([topic], 1);
    const sink = createKafkaSink({
      brokers: [kafkaBootstrap()],
      topic,
      valueEncoder: jsonEncoder(['id']),
      producerConfig: { retries: '1', 'request.timeout.ms': '2000' },
      logger: silentLogger,
      metrics: telemetry.sinkMetrics('kafka'),
    });
    await sink.open();
    // Deleted after the start-up check (which would have refused a missing topic): the write itself fails.
    await deleteTopics([topic]);
    sink.write({ kind: 'data', rows: [[1]] });
    const err = await sink.flush().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DirkError);
    expect((err as DirkError).domain).toBe('external');
    expect((err as DirkError).retriable).toBe(true);
    expect(await telemetry.metrics()).toContain('dirk_sink_write_errors_total{sink="kafka",job="sink-fail"} 1');
    await sink.close();
  });
});
