import type { Producer, Transaction } from 'kafkajs';
import type { Counter, PartitionOffset, SinkTransactions } from '../../core/connector.js';
import { DirkError, externalError, mayRetry } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { SendingProducer } from './bounded-send.js';

export interface KafkaSinkTransactional {
  /** Stable across restarts, so a restarted job fences the producer of the one it replaces. */
  readonly transactionalId: string;
  /** transaction.timeout.ms asked of the broker (at most its transaction.max.timeout.ms). */
  readonly timeoutMs: number;
  readonly commits?: Counter;
  readonly aborts?: Counter;
}

/**
 * The exactly-once half of the Kafka sink: the open transaction of its transactional producer (begun at open
 * and after every commit), what it holds (records sent, offsets added: an empty one is not counted), and the
 * `SinkTransactions` the checkpoint drives (sendOffsets, then commit).
 */
export class SinkTransaction {
  private txn: Transaction | undefined;
  /** Records sent in the open transaction (an abort of an empty one is not counted). */
  private sent = 0;
  /** Offsets were added to the open transaction (a commit of an empty one is not counted). */
  private offsets = false;

  constructor(
    private readonly sinkName: string,
    private readonly t: KafkaSinkTransactional,
  ) {}

  /**
   * InitProducerId with the stable transactional id, then the first transaction: fences a previous run's
   * producer (a zombie) and aborts the transaction it left open, so read_committed readers are not held up by it.
   */
  async begin(producer: Producer): Promise<void> {
    try {
      this.txn = await producer.transaction();
    } catch (e) {
      throw externalError(`kafka sink ${this.sinkName}: cannot start a transaction (transactional id ${this.t.transactionalId}): ${(e as Error).message}`, { cause: e });
    }
  }

  /** The open transaction (one is begun if none is open). */
  private async open(producer: Producer | undefined): Promise<Transaction> {
    if (!producer) throw new DirkError(`internal error: kafka sink ${this.sinkName} written before open()`);
    this.txn ??= await producer.transaction();
    return this.txn;
  }

  /**
   * Sends into the open transaction, one at a time: the sink's sends and those of the job's other writers
   * (scale-out: repartition and changelog records) would otherwise race to add partitions to it, which the
   * broker refuses (CONCURRENT_TRANSACTIONS) until a retry.
   */
  private queue: Promise<unknown> = Promise.resolve();

  sender(producer: Producer | undefined): SendingProducer {
    return {
      send: (record) => {
        const run = this.queue.then(async () => (await this.open(producer)).send(record));
        this.queue = run.catch(() => undefined);
        return run;
      },
    };
  }

  /** `n` records went into the open transaction. */
  sentRecords(n: number): void {
    this.sent += n;
  }

  private async abort(t: Transaction): Promise<void> {
    const had = this.sent;
    this.sent = 0;
    this.offsets = false;
    await t.abort();
    if (had > 0) this.t.aborts?.inc();
  }

  /** Aborts a transaction left open at close (what it holds was never covered by a checkpoint). */
  async abortOpen(logger: Logger): Promise<void> {
    const open = this.txn;
    this.txn = undefined;
    if (open?.isActive()) await this.abort(open).catch((e: unknown) => logger.warn('the open transaction was not aborted; the broker aborts it after transaction.timeout.ms', { error: String(e) }));
  }

  /** What the checkpoint calls: the consumed offsets into the transaction, then the commit. */
  api(producer: () => Producer | undefined): SinkTransactions {
    return {
      sendOffsets: async (groupId: string, offsets: readonly PartitionOffset[], metadata: string) => {
        const byTopic = new Map<string, { partition: number; offset: string; metadata: string }[]>();
        for (const o of offsets) {
          const list = byTopic.get(o.topic) ?? [];
          list.push({ partition: o.partition, offset: o.offset, metadata });
          byTopic.set(o.topic, list);
        }
        await this.queue;
        const open = await this.open(producer());
        // kafkajs passes each partition's metadata through to TxnOffsetCommit (its types omit the field).
        await open.sendOffsets({ consumerGroupId: groupId, topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) });
        this.offsets = true;
      },
      commit: async () => {
        const open = this.txn;
        if (!open) return;
        this.txn = undefined;
        try {
          await open.commit();
          if (this.sent > 0 || this.offsets) this.t.commits?.inc();
          this.sent = 0;
          this.offsets = false;
        } catch (e) {
          await this.abort(open).catch(() => undefined);
          const fenced = /fenced|epoch/i.test(String((e as { type?: string }).type ?? (e as Error).message));
          throw externalError(
            `kafka sink ${this.sinkName}: the transaction did not commit${fenced ? ` (another producer with transactional id ${this.t.transactionalId} took over: a second instance of this job?)` : ''}: ${(e as Error).message}`,
            { cause: e, retriable: mayRetry(e) },
          );
        }
        this.txn = await producer()!.transaction();
      },
      // The job's other writers in this transaction (scale-out's repartition and changelog records).
      sender: {
        send: async (record) => {
          const result = await this.sender(producer()).send(record as Parameters<SendingProducer['send']>[0]);
          this.sent += record.messages.length;
          return result;
        },
      },
    };
  }
}
