import type { Message } from 'kafkajs';
import type { SinkMetrics } from '../../core/connector.js';
import { SendChain } from '../shared/send-chain.js';
import type { BatchOutbox, SealedSend } from './batch-outbox.js';
import type { BatchProducer } from './batch-producer.js';

export interface SinkBufferOptions {
  readonly metrics: SinkMetrics;
  /**
   * SINK_KAFKA_LINGER_MS, as Kafka's linger.ms: buffered rows are sent at most this long after the first of
   * them (0: as soon as the batch of input being processed has been written), or earlier when a send fills.
   */
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
 *
 * Linger as Kafka's producer does it: when the linger expires (with 0, on the next turn of the event loop,
 * i.e. once the current input batch has been written) and no send is under way, what is buffered goes out
 * at once; while a send is under way, rows keep collecting and go out together when it completes. So a
 * quiet stream sees each batch sent right away, and a busy one still sends large batches, one at a time
 * (full batches still queue behind each other; the job's backlog bound on `pending()` holds the input back).
 */
export class SinkBuffer {
  /** The sends, in order; dead letters queue here too, so they keep their place among the rows. */
  readonly sends: SendChain;
  private buffer: Message[] = [];
  private bytes = 0;
  private outbox: BatchOutbox | undefined;
  private batchProducer: BatchProducer | undefined;
  /** The armed linger (a timeout, or an immediate for linger 0). */
  private linger: { readonly cancel: () => void } | undefined;
  /** The linger expired while a send was under way: send what is buffered when the sends complete. */
  private dueWhenIdle = false;
  /** Records handed to a send that has not completed yet. */
  private inflight = 0;
  /** Sends queued on the chain and not completed. */
  private activeSends = 0;

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
    else if (n > 0 && !this.linger && !this.dueWhenIdle) this.armLinger();
  }

  private armLinger(): void {
    const expire = (): void => {
      this.linger = undefined;
      this.lingerExpired();
    };
    if (this.o.lingerMs > 0) {
      const t = setTimeout(expire, this.o.lingerMs);
      this.linger = { cancel: () => clearTimeout(t) };
    } else {
      const t = setImmediate(expire);
      this.linger = { cancel: () => clearImmediate(t) };
    }
  }

  /** Sends now if nothing is under way; otherwise when the sends under way complete (rows keep batching). */
  private lingerExpired(): void {
    if (this.buffered() === 0) return;
    if (this.activeSends > 0) this.dueWhenIdle = true;
    else this.startSend();
  }

  /** A send completed: rows whose linger expired meanwhile go out now. */
  private sendDone(): void {
    this.activeSends--;
    if (this.activeSends === 0 && this.dueWhenIdle) {
      this.dueWhenIdle = false;
      this.startSend();
    }
  }

  /** Starts sending what is buffered (in the background, after the sends already queued). */
  startSend(): void {
    this.linger?.cancel();
    this.linger = undefined;
    this.dueWhenIdle = false;
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
    this.activeSends++;
    this.sends.add(async () => {
      try {
        await this.o.sendMessages(messages, bytes);
      } finally {
        this.inflight -= messages.length;
        this.sendDone();
      }
    });
  }

  /** The record-batch path: the sealed batches go out in send order, like the message path's sends. */
  private startBatchSend(sealed: SealedSend): void {
    this.inflight += sealed.records;
    this.activeSends++;
    this.sends.add(async () => {
      try {
        await this.batchProducer!.send(await sealed.batches);
        this.o.metrics.recordsOut.inc(sealed.records);
        this.o.metrics.bytesOut.inc(sealed.payloadBytes);
      } finally {
        this.inflight -= sealed.records;
        sealed.release();
        this.sendDone();
      }
    });
  }

  /** Sends what is buffered and waits for every send; rejects with `describe(message)` if one failed. */
  flush(describe: (message: string) => string): Promise<void> {
    return this.sends.flush(() => this.startSend(), describe);
  }

  /** Drops what is not sent (only a flush makes output durable), waits for the sends under way, and hands back the record-batch producer to close. */
  async discard(): Promise<BatchProducer | undefined> {
    this.linger?.cancel();
    this.linger = undefined;
    this.dueWhenIdle = false;
    this.buffer = [];
    this.bytes = 0;
    this.outbox?.discard();
    await this.sends.settled();
    const bp = this.batchProducer;
    this.batchProducer = undefined;
    return bp;
  }
}
