import type { Message } from 'kafkajs';
import type { SinkMetrics } from '../../core/connector.js';
import { SendChain } from '../shared/send-chain.js';
import type { BatchOutbox, SealedSend } from './batch-outbox.js';
import type { BatchProducer } from './batch-producer.js';

export interface SinkBufferOptions {
  readonly metrics: SinkMetrics;
  /** SINK_KAFKA_LINGER_MS: start sending this long after the first buffered row (0: at flush or when full). */
  readonly lingerMs: number;
  /** Rows per background send. */
  readonly sendBatchRecords: number;
  /** The message path's send of one batch (kafkajs producer or transaction); counts what it sent. */
  readonly sendMessages: (messages: Message[], bytes: number) => Promise<void>;
}

/**
 * What the Kafka sink has written and not yet sent, in one of two shapes: kafkajs messages (the exactly-once
 * path), or pre-encoded record batches in an outbox (the at-least-once path, `useBatches`). Sends start in
 * the background once `sendBatchRecords` rows are buffered or `lingerMs` after the first, and run one after
 * another (a SendChain), so per-key order holds even across retries; `flush` sends the rest and waits.
 */
export class SinkBuffer {
  /** The sends, in order; dead letters queue here too, so they keep their place among the rows. */
  readonly sends: SendChain;
  private buffer: Message[] = [];
  private bytes = 0;
  private outbox: BatchOutbox | undefined;
  private batchProducer: BatchProducer | undefined;
  private linger: NodeJS.Timeout | undefined;
  /** Records handed to a send that has not completed yet. */
  private inflight = 0;

  constructor(private readonly o: SinkBufferOptions) {
    this.sends = new SendChain(o.metrics);
  }

  /** From now on, rows go into the record-batch outbox and out through `producer`. */
  useBatches(producer: BatchProducer, outbox: BatchOutbox): void {
    this.batchProducer = producer;
    this.outbox = outbox;
  }

  /** Rows written since the last send started. */
  private buffered(): number {
    return this.outbox ? this.outbox.records : this.buffer.length;
  }

  /** Rows written and not yet acknowledged. */
  pending(): number {
    return this.buffered() + this.inflight;
  }

  /** Buffers one record that fits a send (the caller checked its size). */
  add(key: Buffer | null, value: Buffer | null, now: number): void {
    if (!this.outbox) {
      this.buffer.push({ key, value });
      return;
    }
    const sealed = this.outbox.add(key, value, now);
    if (sealed) this.startBatchSend(sealed);
  }

  /** Buffers records that each fit a send (a changelog encoder's), then as afterWrite. */
  addAll(records: Iterable<{ readonly key: Buffer | null; readonly value: Buffer | null }>): void {
    let bytes = 0;
    const now = Date.now();
    for (const m of records) {
      bytes += (m.key?.length ?? 0) + (m.value?.length ?? 0);
      this.add(m.key, m.value, now);
    }
    this.afterWrite(bytes);
  }

  /** After a write() of `bytes` payload bytes: a send starts when enough is buffered, or the linger is armed. */
  afterWrite(bytes: number): void {
    this.bytes += bytes;
    const n = this.buffered();
    if (n >= this.o.sendBatchRecords) this.startSend();
    else if (this.o.lingerMs > 0 && !this.linger && n > 0) this.linger = setTimeout(() => this.startSend(), this.o.lingerMs);
  }

  /** Starts sending what is buffered (in the background, after the sends already queued). */
  startSend(): void {
    if (this.linger) {
      clearTimeout(this.linger);
      this.linger = undefined;
    }
    if (this.outbox) {
      const sealed = this.outbox.seal();
      if (sealed) this.startBatchSend(sealed);
      return;
    }
    if (this.buffer.length === 0) return;
    const messages = this.buffer;
    const bytes = this.bytes;
    this.buffer = [];
    this.bytes = 0;
    this.inflight += messages.length;
    this.sends.add(async () => {
      try {
        await this.o.sendMessages(messages, bytes);
      } finally {
        this.inflight -= messages.length;
      }
    });
  }

  /** The record-batch path: the sealed batches go out in send order, like the message path's sends. */
  private startBatchSend(sealed: SealedSend): void {
    this.inflight += sealed.records;
    this.sends.add(async () => {
      try {
        await this.batchProducer!.send(await sealed.batches);
        this.o.metrics.recordsOut.inc(sealed.records);
        this.o.metrics.bytesOut.inc(sealed.payloadBytes);
      } finally {
        this.inflight -= sealed.records;
        sealed.release();
      }
    });
  }

  /** Sends what is buffered and waits for every send; rejects with `describe(message)` if one failed. */
  flush(describe: (message: string) => string): Promise<void> {
    return this.sends.flush(() => this.startSend(), describe);
  }

  /** Drops what is not sent (only a flush makes output durable), waits for the sends under way, and hands back the record-batch producer to close. */
  async discard(): Promise<BatchProducer | undefined> {
    if (this.linger) clearTimeout(this.linger);
    this.linger = undefined;
    this.buffer = [];
    this.bytes = 0;
    this.outbox?.discard();
    await this.sends.settled();
    const bp = this.batchProducer;
    this.batchProducer = undefined;
    return bp;
  }
}
