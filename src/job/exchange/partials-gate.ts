/**
 * Two-phase aggregation across the exchange: from which source offset of a split the upstream may send
 * partial aggregates instead of rows.
 *
 * The downstream drops what a re-reading upstream writes twice by the source offset: per split, rows at or
 * below the highest offset taken are repeats. A row message can be cut at that offset; a partial cannot
 * (its rows are folded), so it is taken or dropped whole, and that is exact only if no partial covers
 * offsets that another writer may already have written: a split's earlier owner (a rebalance) or this
 * task before a restart. Those writers read only offsets that existed before this task was assigned the
 * split, i.e. below the split's end offset at the assignment. So for a newly assigned split the rows
 * below that end offset travel as rows (exact per row), and partials start there.
 *
 * A split that stays assigned across a rebalance keeps its bound (the source resumes it where this task
 * was, and no one else had it in between). When the repartition topic holds no record at all at the
 * assignment (a new job), no one has written anything yet and partials start at once; a write of an
 * earlier owner still in flight at that moment would not be seen (an owner that lost the split during its
 * very first write), and the downstream counts such an overlap (`dirk_exchange_partial_overlaps_total`).
 */
import type { Admin } from 'kafkajs';
import type { Logger } from '../../core/logger.js';
import { parseSplit } from '../../connectors/kafka/kafka-client.js';

export interface PartialsGateOptions {
  readonly admin: Pick<Admin, 'fetchTopicOffsets'>;
  /** The repartition topic. */
  readonly topic: string;
  readonly logger: Logger;
}

export class PartialsGate {
  /** Per split assigned here: the lowest source offset that may travel in a partial. */
  private readonly bounds = new Map<string, number>();

  constructor(private readonly o: PartialsGateOptions) {}

  /** The lowest offset of `split` that may travel in a partial (a split not assigned through `assigned`: none). */
  from(split: string): number {
    return this.bounds.get(split) ?? Infinity;
  }

  /** The source's partitions after a rebalance; runs before any batch of the new assignment. */
  async assigned(splits: readonly string[]): Promise<void> {
    const now = new Set(splits);
    for (const split of [...this.bounds.keys()]) if (!now.has(split)) this.bounds.delete(split);
    const added = splits.filter((s) => !this.bounds.has(s));
    if (added.length === 0) return;
    try {
      const repartition = await this.o.admin.fetchTopicOffsets(this.o.topic);
      if (repartition.every((p) => Number(p.high) === 0)) {
        for (const split of added) this.bounds.set(split, -Infinity);
        this.o.logger.info(`two-phase aggregation: ${this.o.topic} is empty, partials from the start of ${added.length} partition(s)`);
        return;
      }
      const topics = new Map<string, Map<number, number>>();
      for (const split of added) {
        const sp = parseSplit(split);
        if (!sp || topics.has(sp.topic)) continue;
        const offsets = await this.o.admin.fetchTopicOffsets(sp.topic);
        topics.set(sp.topic, new Map(offsets.map((p) => [p.partition, Number(p.high)])));
      }
      for (const split of added) {
        const sp = parseSplit(split);
        const end = sp ? topics.get(sp.topic)?.get(sp.partition) : undefined;
        this.bounds.set(split, end ?? Infinity);
      }
      this.o.logger.info(`two-phase aggregation: rows up to each partition's end offset at the assignment travel as rows, partials after`, {
        partitions: Object.fromEntries(added.map((s) => [s, this.bounds.get(s)])),
      });
    } catch (e) {
      // Without the bounds, rows (exact whatever was written before) until the next assignment.
      for (const split of added) this.bounds.set(split, Infinity);
      this.o.logger.warn(`two-phase aggregation: cannot read offsets (${(e as Error).message}); the new partitions' rows cross the exchange as rows`);
    }
  }
}
