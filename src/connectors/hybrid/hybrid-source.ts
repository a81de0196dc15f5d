/**
 * A hybrid source (Dagger issue #110, Flink's HybridSource): a bounded part (Parquet or file) read to its
 * end, then Kafka from the offsets of the bounded part's end time, as one table with one watermark.
 *
 * The switch time is the largest event time the bounded part delivered plus 1 ms; Kafka starts, per
 * partition, at the first record whose timestamp is at or after it (offsetsForTimes). Records are thus
 * neither repeated nor lost at the switch when the topic's record timestamps are the event times (producers'
 * CreateTime) and the files hold the topic's history up to that time. With an empty bounded part, Kafka
 * starts where it would alone (committed offsets or SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET).
 *
 * Positions (checkpointed): before the switch, the bounded part's own positions plus `hybrid:max-event-time`
 * (so a restart inside the files still computes the same switch time); after it, Kafka's positions (the
 * switch offsets until a partition delivers) plus `hybrid:switched-at`. A restore from a checkpoint taken
 * after the switch goes straight to Kafka: the files are not read again.
 *
 * Event time continues across the switch: the watermark only moves forward (the emitter never moves it back),
 * and Kafka's partitions take over from the bounded part's split when they are assigned.
 */
import type { Logger } from '../../core/logger.js';
import type { Source, SourceBatch, SourceContext, SourcePositions } from '../../core/connector.js';

const MAX_TIME = 'hybrid:max-event-time';
const SWITCHED = 'hybrid:switched-at';

export interface HybridSourceOptions {
  readonly table: string;
  readonly bounded: Source;
  readonly kafka: Source;
  /** Kafka offsets (`topic:partition` -> offset) at a time, from the Kafka part's brokers and topics. */
  readonly offsetsForTime: (ts: number) => Promise<Record<string, string>>;
  /** Position of the rowtime column in delivered rows. */
  readonly rowtimeIndex: number;
  readonly logger: Logger;
}

function without(positions: SourcePositions, ...keys: string[]): Record<string, string> {
  const out: Record<string, string> = { ...positions };
  for (const k of keys) delete out[k];
  return out;
}

export function createHybridSource(o: HybridSourceOptions): Source {
  let phase: 'bounded' | 'kafka' = 'bounded';
  /** Largest event time of the bounded rows processed so far. */
  let maxTime = -Infinity;
  let switchedAt: number | undefined;
  let stopping = false;
  const logger = o.logger.child({ table: o.table, source: 'hybrid' });

  const boundedContext = (ctx: SourceContext): SourceContext => ({
    ...ctx,
    deliver(batch: SourceBatch) {
      let m = -Infinity;
      for (const r of batch.rows) {
        const t = r[o.rowtimeIndex];
        if (typeof t === 'number' && t > m) m = t;
      }
      // The maximum moves with the positions (inside the job's lock), so a checkpoint holds both or neither.
      return ctx.deliver({
        ...batch,
        processed: () => {
          batch.processed?.();
          if (m > maxTime) maxTime = m;
        },
      });
    },
  });

  return {
    table: o.table,
    async run(ctx) {
      if (phase === 'bounded') {
        await o.bounded.run(boundedContext(ctx));
        if (stopping) return;
        const at = maxTime === -Infinity ? undefined : maxTime + 1;
        const offsets = at === undefined ? {} : await o.offsetsForTime(at);
        if (Object.keys(offsets).length > 0) o.kafka.seek?.(offsets);
        switchedAt = at ?? -1;
        phase = 'kafka';
        logger.info('hybrid source: the bounded part is read; switching to Kafka', {
          switchTime: at === undefined ? 'none (the bounded part was empty)' : new Date(at).toISOString(),
          offsets,
        });
      }
      if (stopping) return;
      await o.kafka.run(ctx);
    },
    positions() {
      if (phase === 'kafka') return { ...o.kafka.positions(), [SWITCHED]: String(switchedAt) };
      return { ...o.bounded.positions(), ...(maxTime > -Infinity ? { [MAX_TIME]: String(maxTime) } : {}) };
    },
    async commit(positions) {
      if (SWITCHED in positions) await o.kafka.commit(without(positions, SWITCHED));
      else await o.bounded.commit(without(positions, MAX_TIME));
    },
    seek(positions) {
      if (SWITCHED in positions) {
        phase = 'kafka';
        switchedAt = Number(positions[SWITCHED]);
        o.kafka.seek?.(without(positions, SWITCHED));
        logger.info('hybrid source: restored after the switch to Kafka; the bounded part is not read again');
        return;
      }
      phase = 'bounded';
      if (MAX_TIME in positions) maxTime = Number(positions[MAX_TIME]);
      o.bounded.seek?.(without(positions, MAX_TIME));
    },
    async stop() {
      stopping = true;
      await (phase === 'bounded' ? o.bounded.stop() : o.kafka.stop());
    },
  };
}
