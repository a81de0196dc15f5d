/**
 * The record-batch produce path (record-batch.ts, batch-producer.ts) against the broker's own decoding: the
 * broker checks each batch's CRC and records when it appends them, then the batches written by Dirk are read
 * back by kafkajs's consumer and by Apache Kafka's Java client (the decoder of the broker project, with
 * check.crcs), uncompressed and in each codec (gzip, snappy, lz4, zstd: Produce v7), with keys, null keys,
 * tombstones and headers.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { BatchProducer, murmur2 } from '../../src/connectors/kafka/batch-producer.js';
import { crc32c } from '../../src/connectors/kafka/crc32c.js';
import { createKafkaSink } from '../../src/connectors/kafka/kafka-sink.js';
import { RecordBatchWriter, recordSize, type BatchCompression } from '../../src/connectors/kafka/record-batch.js';
import { createJsonRowEncoder } from '../../src/schema/index.js';
import { closeKafkaHelpers, consumeN, createTopics, kafkaBootstrap, kafkaClient, uniqueTopic } from '../helpers/kafka.js';

afterAll(closeKafkaHelpers);

const REPO = resolve(import.meta.dirname, '..', '..');

interface Rec {
  key: Buffer | null;
  value: Buffer | null;
  headers?: Array<[string, Buffer]>;
}

function records(n: number): Rec[] {
  return Array.from({ length: n }, (_, i) => ({
    key: i % 7 === 0 ? null : Buffer.from(`key-${i % 50}`),
    value: i % 11 === 5 ? null : Buffer.from(JSON.stringify({ i, text: 'x'.repeat(i % 300), uni: 'é日本' })),
    ...(i % 13 === 0 ? { headers: [['dirk-h', Buffer.from(`h${i}`)] as [string, Buffer]] } : {}),
  }));
}

/** Writes `recs` with Dirk's batch writer (one batch per partition per send of 400) and sends them. */
async function sendWithDirk(topic: string, recs: Rec[], compression: BatchCompression): Promise<{ sent: Map<number, Rec[]>; t0: number }> {
  const producer = new BatchProducer({ kafka: kafkaClient(`dirk-batch-${compression}`), topic, logger: silentLogger });
  await producer.connect();
  const perPartition = new Map<number, Rec[]>();
  // Recent timestamps: the broker deletes records older than the topic's retention (7 days) right away.
  const t0 = Date.now();
  try {
    for (let start = 0; start < recs.length; start += 400) {
      const writers = new Map<number, RecordBatchWriter>();
      for (const r of recs.slice(start, start + 400)) {
        const p = producer.partitionFor(r.key);
        const w = writers.get(p) ?? new RecordBatchWriter(256);
        writers.set(p, w);
        const before = w.bytes;
        const predicted = r.headers ? undefined : w.nextRecordSize(r.key, r.value, t0 + start);
        w.append(r.key, r.value, t0 + start, r.headers);
        if (predicted !== undefined) expect(w.bytes - before).toBe(predicted);
        perPartition.set(p, [...(perPartition.get(p) ?? []), r]);
      }
      const batches = await Promise.all([...writers].map(async ([partition, w]) => ({ partition, bytes: await w.finish({}, compression) })));
      await producer.send(batches);
    }
  } finally {
    await producer.disconnect();
  }
  return { sent: perPartition, t0 };
}

const b64 = (b: Buffer | null | undefined): string => (b === null || b === undefined ? '-' : b.toString('base64'));

async function readWithJava(topic: string, n: number): Promise<string[]> {
  const libs = join(REPO, '.cache', 'kafka', 'libs', '*');
  const { stdout } = await promisify(execFile)('java', ['-cp', libs, join(REPO, 'test', 'fixtures', 'java', 'ReadTopic.java'), kafkaBootstrap(), topic, String(n)], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: 170_000,
  });
  return stdout.split('\n').filter((l) => l.length > 0);
}

describe('record batch pieces', () => {
  it('CRC32C matches the standard check value and kafkajs', async () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    const kafkajsCrc = (await import('kafkajs/src/protocol/recordBatch/crc32C/index.js' as string)).default as (b: Buffer) => number;
    for (const n of [0, 1, 7, 8, 9, 63, 1000]) {
      const b = randomBytes(n);
      expect(crc32c(b)).toBe(kafkajsCrc(b) >>> 0);
      expect(crc32c(Buffer.concat([Buffer.from('ab'), b]), 2)).toBe(kafkajsCrc(b) >>> 0);
    }
  });

  it('murmur2 partitions as kafkajs (and the Java client) do', async () => {
    const kafkajsMurmur = (await import('kafkajs/src/producer/partitioners/default/murmur2.js' as string)).default as (k: Buffer) => number;
    for (let len = 0; len < 40; len++) {
      const key = randomBytes(len);
      expect((murmur2(key) & 0x7fffffff) % 7).toBe((kafkajsMurmur(key) & 0x7fffffff) % 7);
    }
  });

  it('predicts record sizes exactly, including varints of several bytes', () => {
    const w = new RecordBatchWriter(64);
    for (const [k, v, ts] of [[0, 0, 0], [-1, 200, 70_000], [300, 20_000, -5], [-1, -1, 2 ** 40]] as const) {
      const key = k < 0 ? null : Buffer.alloc(k, 1);
      const value = v < 0 ? null : Buffer.alloc(v, 2);
      const before = w.bytes;
      expect(w.nextRecordSize(key, value, ts)).toBe(recordSize(k, v, w.count, w.count === 0 ? 0 : ts));
      const predicted = w.nextRecordSize(key, value, ts);
      w.append(key, value, ts);
      expect(w.bytes - before).toBe(predicted);
    }
  });
});

describe.concurrent('record batches written by Dirk, read by the broker and two consumers', () => {
  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const)('compression %s: kafkajs and the Java client read every record back as written', async (compression) => {
    const topic = uniqueTopic(`record-batch-${compression}`);
    await createTopics([topic], 3);
    const recs = records(1200);
    const { sent, t0 } = await sendWithDirk(topic, recs, compression);

    const got = await consumeN(topic, recs.length, 60_000);
    expect(got).toHaveLength(recs.length);
    for (const [partition, want] of sent) {
      const mine = got.filter((m) => m.partition === partition).sort((a, b) => a.offset - b.offset);
      expect(mine.map((m) => [b64(m.key), b64(m.value), m.headers?.['dirk-h']?.toString() ?? '-'])).toEqual(
        want.map((r) => [b64(r.key), b64(r.value), r.headers?.[0]?.[1].toString() ?? '-']),
      );
    }

    const lines = await readWithJava(topic, recs.length);
    expect(lines).toHaveLength(recs.length);
    for (const [partition, want] of sent) {
      const mine = lines
        .map((l) => l.split(' '))
        .filter((f) => Number(f[0]) === partition)
        .sort((a, b) => Number(a[1]) - Number(b[1]));
      expect(mine.map((f) => [f[3], f[4], f[5]])).toEqual(want.map((r) => [b64(r.key), b64(r.value), r.headers ? `dirk-h=${b64(r.headers[0]![1])};` : '-']));
      // Offsets are dense from 0 and timestamps are the ones written (create time).
      expect(mine.map((f) => Number(f[1]))).toEqual(want.map((_r, i) => i));
      expect(mine.every((f) => Number(f[2]) >= t0 - 1000 && Number(f[2]) <= Date.now())).toBe(true);
    }
  }, 240_000);

  it('the Kafka sink writes JSON rows through record batches, keyed rows by murmur2 like kafkajs', async () => {
    const topic = uniqueTopic('record-batch-sink');
    await createTopics([topic], 2);
    const columns = [
      { name: 'id', type: { kind: 'BIGINT' } },
      { name: 'name', type: { kind: 'STRING' } },
    ] as const;
    const encoder = createJsonRowEncoder(columns as never);
    const sink = createKafkaSink({
      brokers: [kafkaBootstrap()],
      topic,
      valueEncoder: encoder,
      keyEncoder: { encode: (row) => Buffer.from(String(row[0])) },
      logger: silentLogger,
      sendBatchRecords: 700,
      producerConfig: { 'compression.type': 'gzip' },
    });
    await sink.open();
    for (let b = 0; b < 5; b++) sink.write({ kind: 'data', rows: Array.from({ length: 500 }, (_, i) => [b * 500 + i, `n${b * 500 + i}`]) });
    await sink.flush();
    await sink.close();
    const got = await consumeN(topic, 2500, 60_000);
    const kafkajsMurmur = (await import('kafkajs/src/producer/partitioners/default/murmur2.js' as string)).default as (k: Buffer) => number;
    for (const m of got) {
      const row = JSON.parse(m.value!.toString()) as { id: number; name: string };
      expect(row.name).toBe(`n${row.id}`);
      expect(m.partition).toBe((kafkajsMurmur(m.key!) & 0x7fffffff) % 2);
    }
    expect(new Set(got.map((m) => (JSON.parse(m.value!.toString()) as { id: number }).id)).size).toBe(2500);
  }, 120_000);
});
