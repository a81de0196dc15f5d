/**
 * The Kafka sink's buffer on the record-batch path: each record is partitioned and written straight into its
 * partition's open batch (record-batch.ts); `seal()` closes the open batches into one send. The total of a
 * send's record bytes stays within the request budget of bounded-send.ts (`min(topic max.message.bytes,
 * max.request.size)` less overheads), so no partition's batch can exceed the topic's limit. Batch buffers
 * are reused once their send completed.
 */
import type { BatchProducer, PartitionBatch } from './batch-producer.js';
import { RecordBatchWriter, type BatchCompression, type BatchProducerFields } from './record-batch.js';

export interface SealedSend {
  readonly records: number;
  /** Uncompressed value + key bytes (the sink's bytes-out metric). */
  readonly payloadBytes: number;
  /** The finished batches (compression, if any, runs on libuv's thread pool meanwhile). */
  readonly batches: Promise<PartitionBatch[]>;
  /** Gives the batch buffers back for reuse; call once the send completed (or failed). */
  release(): void;
}

export class BatchOutbox {
  private open = new Map<number, RecordBatchWriter>();
  private readonly spare: RecordBatchWriter[] = [];
  private openBytes = 0;
  private payload = 0;
  records = 0;

  constructor(
    private readonly producer: BatchProducer,
    private readonly budget: () => number,
    private readonly compression: BatchCompression,
    private readonly fields: BatchProducerFields = {},
  ) {}

  /** Adds one record; returns a send sealed first when this record would have taken the open one over budget. */
  add(key: Uint8Array | null, value: Uint8Array | null, timestamp: number): SealedSend | undefined {
    const partition = this.producer.partitionFor(key);
    let w = this.writer(partition);
    let size = w.nextRecordSize(key, value, timestamp);
    let sealed: SealedSend | undefined;
    if (this.records > 0 && this.openBytes + size > this.budget()) {
      sealed = this.seal();
      w = this.writer(partition);
      size = w.nextRecordSize(key, value, timestamp);
    }
    w.append(key, value, timestamp);
    this.openBytes += size;
    this.payload += (key ? key.length : 0) + (value ? value.length : 0);
    this.records++;
    return sealed;
  }

  seal(): SealedSend | undefined {
    if (this.records === 0) return undefined;
    const writers = [...this.open];
    const records = this.records;
    const payloadBytes = this.payload;
    this.open = new Map();
    this.openBytes = 0;
    this.payload = 0;
    this.records = 0;
    const batches = Promise.all(writers.map(async ([partition, w]) => ({ partition, bytes: await w.finish(this.fields, this.compression) })));
    batches.catch(() => undefined); // awaited by the send; this only stops an early failure counting as unhandled
    let released = false;
    return {
      records,
      payloadBytes,
      batches,
      release: () => {
        if (released) return;
        released = true;
        for (const [, w] of writers) {
          w.reset();
          if (this.spare.length < 64) this.spare.push(w);
        }
      },
    };
  }

  /** Drops the open records (the sink closes without a flush). */
  discard(): void {
    for (const [, w] of this.open) {
      w.reset();
      this.spare.push(w);
    }
    this.open = new Map();
    this.openBytes = 0;
    this.payload = 0;
    this.records = 0;
  }

  private writer(partition: number): RecordBatchWriter {
    let w = this.open.get(partition);
    if (!w) {
      w = this.spare.pop() ?? new RecordBatchWriter();
      this.open.set(partition, w);
    }
    return w;
  }
}
