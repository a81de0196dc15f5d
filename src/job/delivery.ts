/**
 * How batches reach the dataflow: one at a time. Deliveries, watermark ticks, the end of a bounded input
 * and checkpoints all run through one serialised lock, in arrival order, so a checkpoint taken between two
 * of them sees every operator and every source position at one consistent point. Between checkpoints the
 * output is flushed only when the sink cannot say how much it holds, or holds too much (backpressure).
 */
import type { Sink, SourceBatch } from '../core/connector.js';
import type { Row, RowKind } from '../core/types.js';
import type { Dataflow } from '../runtime/dataflow.js';
import type { WatermarkEmitter } from './watermarks.js';

/** Unacknowledged output rows allowed before a delivery waits for the sink (backpressure). */
export const MAX_SINK_BACKLOG = 50_000;

/** Runs async sections one after another, in call order; a failed section does not block the next. */
export class SerialLock {
  private tail: Promise<void> = Promise.resolve();
  /** The section running now: what it is, and since when (the stall watchdog names it). */
  private current: { what: string; since: number } | undefined;

  /** `what` names the section for the stall watchdog (`busy()`). */
  run<T>(fn: () => Promise<T>, what = 'a section'): Promise<T> {
    const run = this.tail.then(async () => {
      const section = { what, since: Date.now() };
      this.current = section;
      try {
        return await fn();
      } finally {
        if (this.current === section) this.current = undefined;
      }
    });
    this.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** The section holding the lock now, and how long it has (undefined when free). */
  busy(now = Date.now()): { what: string; ms: number } | undefined {
    return this.current && { what: this.current.what, ms: now - this.current.since };
  }
}

/** One input as deliveries see it. */
export interface DeliveryInput {
  readonly ports: readonly { push(rows: Row[], kinds?: RowKind[]): void }[];
  /** The table's event-time column; undefined for a table without one (no watermarks). */
  readonly rowtimeIndex: number | undefined;
  readonly watermarks: WatermarkEmitter;
  /** The table's name, for error messages of the stages after the SQL. */
  readonly table?: string | undefined;
  /** The table's pre-processor (transformers before the SQL), when it has one. */
  readonly pre?:
    | {
        /** `batch`: the source batch the rows are (the exchange's stages route and tag by it). */
        process(rows: Row[], origin: string, batch?: SourceBatch): Promise<Row[]>;
        /** Rows it held back by event time (a SQL transformer's windows), at the end of bounded input. */
        finish(): Promise<Row[]>;
      }
    | undefined;
}

export interface DeliveryOptions {
  readonly lock: SerialLock;
  readonly dataflow: Pick<Dataflow, 'settle' | 'batchEnd' | 'processingTime'>;
  readonly sink: Pick<Sink, 'pending' | 'afterBatch'>;
  /** Flushes the sink and the late-record output (the checkpoint coordinator's, which notes lost output). */
  readonly flushOutput: () => Promise<void>;
  /** Tells UDFs which batch is being processed (their errors name its record) and moves their counts to metrics. */
  readonly udfs: { setBatch(batch: SourceBatch | undefined): void; flush(): void };
  readonly maxSinkBacklog?: number;
  /** Called after each batch with its processing time (benchmarks). */
  readonly onBatch?: ((ms: number, rows: number) => void) | undefined;
  readonly now?: () => number;
  /** The post-processor chain: told which batch is delivered (its errors name it), and waited on when its backlog is long. */
  readonly post?:
    | {
        setOrigin(table: string | undefined, batch?: SourceBatch): void;
        backpressure(): Promise<void>;
      }
    | undefined;
}

export class Delivery {
  private readonly now: () => number;

  constructor(private readonly o: DeliveryOptions) {
    this.now = o.now ?? Date.now;
  }

  /** A source batch: pushed, watermark moved, mini-batch closed, position advanced: all inside the lock. */
  deliver(input: DeliveryInput, batch: SourceBatch): Promise<void> {
    return this.o.lock.run(async () => {
      const { o } = this;
      const now = this.now();
      if (input.rowtimeIndex !== undefined) input.watermarks.tracker.observe(batch.split, batch.rows, input.rowtimeIndex, now);
      o.udfs.setBatch(batch);
      o.post?.setOrigin(input.table ?? 'input', batch);
      try {
        const rows = input.pre ? await input.pre.process(batch.rows, `table ${input.table}, ${batch.split}`, batch) : batch.rows;
        // Row kinds go with a changelog source's rows (pre-processors are refused for changelog tables).
        if (rows.length) for (const p of input.ports) p.push(rows, input.pre ? undefined : batch.rowKinds);
        // Async UDF lookups finish before event time moves on, so a watermark never overtakes their rows.
        await o.dataflow.settle();
        if (input.rowtimeIndex !== undefined) input.watermarks.emit(now, false);
        await this.endBatch();
      } finally {
        o.udfs.setBatch(undefined);
        o.udfs.flush();
        o.post?.setOrigin(undefined);
      }
      // The source's position moves here, inside the lock: a checkpoint sees it together with this state.
      batch.processed?.();
      // Lookups after the SQL run behind the deliveries; a long backlog makes the source wait.
      await o.post?.backpressure();
      // Output becomes durable at the latest at the next checkpoint (which flushes before committing
      // offsets); in between, a sink that can tell its backlog is flushed only when it grows too large.
      const pending = o.sink.pending?.();
      if (pending === undefined || pending > (o.maxSinkBacklog ?? MAX_SINK_BACKLOG)) await o.flushOutput();
      else await o.sink.afterBatch?.();
      o.onBatch?.(this.now() - now, batch.rows.length);
    }, `a batch of ${batch.rows.length} record(s) of ${input.table ?? 'an input'} from ${batch.split}`);
  }

  /** The watermark interval: event time moves on for every input, even those that delivered nothing. */
  tick(inputs: readonly DeliveryInput[]): Promise<void> {
    return this.o.lock.run(async () => {
      const now = this.now();
      for (const i of inputs) if (i.rowtimeIndex !== undefined) i.watermarks.emit(now, true);
      await this.endBatch();
      await this.o.flushOutput();
    }, 'a watermark tick');
  }

  /**
   * The processing-time timer: windows on processing time whose end the clock passed fire, inside the lock
   * (so a checkpoint never sees half of it); what they emitted is flushed as a watermark tick's output is.
   */
  processingTime(): Promise<void> {
    return this.o.lock.run(async () => {
      if (!this.o.dataflow.processingTime?.()) return;
      await this.endBatch();
      await this.o.flushOutput();
    });
  }

  /** A bounded input has delivered everything: its event time jumps to the end, firing every open window. */
  finish(input: DeliveryInput): Promise<void> {
    return this.o.lock.run(async () => {
      // Rows a pre-processor held back by event time (a SQL transformer's windows) come out first.
      const held = input.pre ? await input.pre.finish() : [];
      if (held.length) for (const p of input.ports) p.push(held);
      input.watermarks.tracker.finish();
      input.watermarks.emit(this.now(), true);
      await this.endBatch();
      await this.o.flushOutput();
    });
  }

  /** A mini-batch boundary, with any async work (before and after it) finished. */
  private async endBatch(): Promise<void> {
    await this.o.dataflow.settle();
    this.o.dataflow.batchEnd();
    await this.o.dataflow.settle();
  }
}
