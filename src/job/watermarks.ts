/**
 * Bounded out-of-orderness watermarks, as Flink's BoundedOutOfOrdernessWatermarks: the watermark is the
 * largest event time seen minus the delay minus 1 ms. With per-partition watermarks (Dagger's
 * FLINK_WATERMARK_PER_PARTITION_ENABLE) it is the minimum over the partitions; a partition idle for longer
 * than the idle timeout no longer holds it back.
 */
export class WatermarkTracker {
  private readonly maxBySplit = new Map<string, { max: number; seenAt: number }>();
  private globalMax = -Infinity;
  private finished = false;
  /** Assigned splits read to their end (a bounded run scaled out): each is at +infinity. */
  private readonly ended = new Set<string>();

  constructor(
    private readonly delayMs: number,
    private readonly perPartition: boolean,
    private readonly idleTimeoutMs: number,
  ) {}

  observe(split: string, rows: readonly unknown[][], rowtimeIndex: number, now: number): void {
    let max = -Infinity;
    for (const r of rows) {
      const t = r[rowtimeIndex] as number | null;
      if (typeof t === 'number' && t > max) max = t;
    }
    const s = this.maxBySplit.get(split);
    if (s) {
      if (max > s.max) s.max = max;
      s.seenAt = now;
    } else this.maxBySplit.set(split, { max, seenAt: now });
    if (max > this.globalMax) this.globalMax = max;
  }

  /** Splits now assigned: new ones start at -infinity (holding the per-partition watermark), revoked ones go. */
  assign(splits: readonly string[], now: number): void {
    const keep = new Set(splits);
    for (const k of [...this.maxBySplit.keys()]) if (!keep.has(k)) this.maxBySplit.delete(k);
    for (const k of [...this.ended]) if (!keep.has(k)) this.ended.delete(k);
    for (const s of splits) if (!this.maxBySplit.has(s)) this.maxBySplit.set(s, { max: -Infinity, seenAt: now });
  }

  /**
   * What a scaled-out task can promise about the splits it has delivered from (src/job/exchange): their
   * watermark, leaving out splits assigned but not delivered yet (their previous owner's promise stands)
   * and idle ones. -Infinity with no splits when there is nothing to promise.
   */
  delivered(now: number): { wm: number; splits: string[] } {
    const splits: string[] = [];
    let min = Infinity;
    let live = 0;
    for (const [k, s] of this.maxBySplit) {
      if (this.ended.has(k)) {
        // Read to its end: promised at +infinity, whether or not it had any row.
        splits.push(k);
        continue;
      }
      if (s.max === -Infinity) continue;
      if (this.idleTimeoutMs > 0 && now - s.seenAt > this.idleTimeoutMs) continue;
      splits.push(k);
      live++;
      if (s.max < min) min = s.max;
    }
    if (splits.length === 0) return { wm: -Infinity, splits };
    const base = this.finished || live === 0 ? Infinity : this.perPartition ? min : this.globalMax;
    return { wm: base - this.delayMs - 1, splits };
  }

  snapshot(): { maxBySplit: Map<string, { max: number; seenAt: number }>; globalMax: number } {
    return { maxBySplit: new Map(this.maxBySplit), globalMax: this.globalMax };
  }

  restore(s: { maxBySplit: Map<string, { max: number; seenAt: number }>; globalMax: number }): void {
    for (const [k, v] of s.maxBySplit) this.maxBySplit.set(k, { ...v });
    this.globalMax = s.globalMax;
  }

  /** The input is bounded and fully read: event time jumps to the end. */
  finish(): void {
    this.finished = true;
  }

  /**
   * One assigned split is read to its end (a bounded run scaled out): it no longer holds event time back and
   * is promised downstream at +infinity; with every assigned split ended, event time is at the end.
   */
  endSplit(split: string): void {
    if (!this.maxBySplit.has(split)) this.maxBySplit.set(split, { max: -Infinity, seenAt: 0 });
    this.ended.add(split);
  }

  /** Assigned splits read to their end. */
  endedSplits(): readonly string[] {
    return [...this.ended].sort();
  }

  current(now: number): number {
    if (this.finished) return Infinity;
    if (this.ended.size > 0 && this.ended.size >= this.maxBySplit.size) return Infinity;
    let base = this.globalMax;
    if (this.perPartition && this.maxBySplit.size > 0) {
      let min = Infinity;
      for (const [k, s] of this.maxBySplit) {
        if (this.ended.has(k)) continue;
        if (this.idleTimeoutMs > 0 && now - s.seenAt > this.idleTimeoutMs) continue;
        if (s.max < min) min = s.max;
      }
      base = min === Infinity ? this.globalMax : min;
    }
    return base === -Infinity ? -Infinity : base - this.delayMs - 1;
  }
}

/** Where an input's watermarks go: the dataflow ports that read its table. */
export interface WatermarkPort {
  watermark(wm: number): void;
}

export type TrackerSnapshot = ReturnType<WatermarkTracker['snapshot']>;

/**
 * One input's watermark output: reads its tracker, and sends the watermark to the input's ports when it has
 * moved, at most once per FLINK_WATERMARK_INTERVAL_MS unless forced (the interval tick, the end of bounded
 * input). What it last emitted is checkpointed with the tracker, so a restore never moves event time back.
 */
export class WatermarkEmitter {
  /** The last watermark sent to the ports (-Infinity before the first). */
  emitted = -Infinity;
  private lastEmitAt = 0;

  constructor(
    readonly tracker: WatermarkTracker,
    private readonly ports: readonly WatermarkPort[],
    private readonly intervalMs: number,
    /** Called with now - watermark after each emission (the watermark-lag gauge). */
    private readonly onLag?: (lagMs: number) => void,
  ) {}

  emit(now: number, force: boolean): void {
    const wm = this.tracker.current(now);
    if (wm <= this.emitted) return;
    if (!force && this.intervalMs > 0 && now - this.lastEmitAt < this.intervalMs) return;
    this.emitted = wm;
    this.lastEmitAt = now;
    for (const p of this.ports) p.watermark(wm);
    if (Number.isFinite(wm)) this.onLag?.(now - wm);
  }

  snapshot(): { emitted: number; tracker: TrackerSnapshot } {
    return { emitted: this.emitted, tracker: this.tracker.snapshot() };
  }

  restore(emitted: number | undefined, tracker: TrackerSnapshot | undefined): void {
    if (emitted !== undefined) this.emitted = emitted;
    if (tracker) this.tracker.restore(tracker);
  }
}
