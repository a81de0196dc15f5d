/**
 * Decoding one fetched Kafka batch (one partition): which records are taken, which are bad, and where the
 * batch stops. Kept apart from the consumer so the rules (restore floor, bounded end, FAIL stops at the
 * first bad record) read in one place.
 */
import type { KafkaMessage } from 'kafkajs';
import { DecodeError } from '../../core/errors.js';
import type { Row, RowKind } from '../../core/types.js';
import type { UpsertRecords } from './upsert-records.js';
import type { BadRecord, BadRecords } from '../shared/bad-records.js';
import type { RowDecoder } from '../shared/codec.js';

export interface DecodedBatch {
  /** A fresh array per batch: the dataflow may keep it (buffering), so it is never reused. */
  readonly rows: Row[];
  /** An upsert topic: each row's kind (+U for a value, -D for a tombstone), parallel to `rows`. */
  readonly kinds: RowKind[] | undefined;
  /** Each row's record offset, parallel to `rows`. */
  readonly offsets: string[];
  readonly bytes: number;
  /** Bad records to hand to the policy (SKIP, DEAD_LETTER). */
  readonly bad: BadRecord<KafkaMessage>[];
  /** FAIL: the first bad record; the batch stops before it. */
  readonly failedAt: { readonly index: number; readonly error: DecodeError } | undefined;
  /** Index of the last message taken (rows before a FAIL record or the bounded end); -1 for none. */
  readonly lastIndex: number;
}

export interface BatchBounds {
  readonly topic: string;
  readonly partition: number;
  /** Records below this offset were delivered already, or precede the restore position: dropped. */
  readonly floor: number;
  /** Bounded mode: the end offset seen at start; records at or past it are left. */
  readonly end: number | undefined;
}

export function decodeBatch(messages: readonly KafkaMessage[], bounds: BatchBounds, decoder: RowDecoder, policy: BadRecords<KafkaMessage>, upsert?: UpsertRecords): DecodedBatch {
  const { topic, partition, floor, end } = bounds;
  const n = messages.length;
  const rows: Row[] = [];
  const kinds: RowKind[] | undefined = upsert ? [] : undefined;
  const offsets: string[] = [];
  const bad: BadRecord<KafkaMessage>[] = [];
  let bytes = 0;
  let failedAt: DecodedBatch['failedAt'];
  let lastIndex = n - 1;
  for (let i = 0; i < n; i++) {
    const m = messages[i]!;
    // The consume path's messages carry the offset as a number (fetch-decoder.ts): no string parse per record.
    const offset = (m as { offsetNumber?: number }).offsetNumber ?? Number(m.offset);
    if (offset < floor) continue;
    if (end !== undefined && offset >= end) {
      lastIndex = i - 1;
      break;
    }
    const value = m.value;
    if (value !== null) bytes += value.length;
    try {
      if (upsert) {
        const r = upsert.decode(m.key ?? null, value, decoder);
        rows.push(r.row);
        kinds!.push(r.kind);
      } else {
        if (value === null) throw new DecodeError('record has no value (a tombstone)');
        rows.push(decoder.decode(value));
      }
      offsets.push(m.offset);
    } catch (e) {
      const error = policy.decodeError(e);
      if (policy.stopsSource) {
        // Deliver what came before the bad record, then stop: the bad offset is never committed.
        lastIndex = i - 1;
        failedAt = { index: i, error };
        break;
      }
      bad.push({ record: m, error, at: { topic, partition, offset: m.offset } });
    }
  }
  return { rows, kinds, offsets, bytes, bad, failedAt, lastIndex };
}
