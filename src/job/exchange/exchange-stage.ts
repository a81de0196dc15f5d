/**
 * The downstream half of an exchange: one instance of the keyed part of the plan per repartition partition
 * this task owns (as Kafka Streams runs one task per partition), so a partition's state can move with the
 * partition. Its input is a Kafka source on the repartition topic whose decoder hands each message over
 * whole; `process` (the input's stage, called inside the delivery lock) routes a batch to its partition's
 * instance:
 * - data messages are pushed after dropping rows already seen: per source split, rows at or below the
 *   highest source offset taken before are a re-reading upstream task's repeats (at-least-once upstream
 *   becomes exactly-once state);
 * - control messages move the partition's view of each source split's watermark; the instance's watermark
 *   is the minimum over all source splits of the job (none before each has reported; with an idle timeout,
 *   a split not reported for that long stops holding it back).
 * Instance state, watermarks and seen offsets are checkpointed per partition with the repartition topic's
 * positions.
 */
import { deserialize } from 'node:v8';
import type { SourceBatch } from '../../core/connector.js';
import { DecodeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Row, RowKind } from '../../core/types.js';
import type { Dataflow } from '../../runtime/dataflow.js';
import type { Output } from '../../runtime/operator.js';
import { LocalWindowAggregator, type LocalAggregateSpec } from '../../runtime/local-window-aggregate.js';

interface DataMessage {
  readonly s: string;
  /** Source offsets, one per row; absent for another stage's output (no repeats can be told apart). */
  readonly o?: readonly number[];
  readonly r: Row[];
  /** A join's side (absent: the left or only side). */
  readonly t?: number;
  /** Row kinds, one per row (absent: all inserts). */
  readonly k?: RowKind[];
}
/** Two-phase aggregation: one source batch's rows folded per (pane, key); see exchange-writer.ts. */
interface PartialMessage {
  readonly s: string;
  readonly lo: number;
  readonly hi: number;
  readonly n: number;
  readonly p: Row[];
  /** More pieces of the same batch follow (the seen offset moves with the last). */
  readonly m?: number;
}
interface ControlMessage {
  readonly w: number;
  readonly s: readonly string[];
  readonly n: number;
}

/** Decodes a repartition record into a one-column row holding the message (the stage unpacks it). */
export const exchangeDecoder = {
  decode(bytes: Uint8Array): Row {
    try {
      return [deserialize(bytes) as DataMessage | PartialMessage | ControlMessage];
    } catch (e) {
      throw new DecodeError(`not a Dirk repartition record: ${(e as Error).message}`);
    }
  },
};

interface Instance {
  readonly dataflow: Dataflow;
  /** Highest source offset taken, per source split. */
  readonly seen: Map<string, number>;
  /** Watermark per source split, and when it was last reported. */
  readonly watermarks: Map<string, { wm: number; at: number }>;
  /** How many source splits the job reads (from the control records). */
  total: number;
  emitted: number;
  readonly createdAt: number;
  /** holdOutput: rows emitted since the last checkpoint, released to the output by `release()`. */
  readonly held: [Row[], RowKind[] | undefined][];
  /** The instance's output watermark, and (holdOutput) the one its released rows are complete up to. */
  out: number;
  released: number;
}

/** A partition's checkpointed state. */
interface InstanceState {
  readonly operators: unknown[];
  readonly seen: [string, number][];
  readonly watermarks: [string, number][];
  readonly total: number;
  readonly emitted: number;
}

export interface ExchangeStageOptions {
  /** Builds one instance of the downstream plan, writing to `output`. */
  readonly build: (output: Output) => Dataflow;
  /** Where every instance's rows and watermarks go. */
  readonly output: Output;
  /**
   * Exactly-once: each instance's rows are held until `release()` (the checkpoint), and a partition
   * revoked before that drops them with its state: the new owner restores the state the last committed
   * checkpoint wrote to the changelog and emits them again, so nothing is doubled.
   */
  readonly holdOutput?: boolean;
  readonly idleTimeoutMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Rows dropped as repeats (dirk_exchange_duplicates_dropped_total). */
  readonly onDuplicates?: (n: number) => void;
  /** Partitions this task runs now (dirk_exchange_partitions). */
  readonly onPartitions?: (n: number) => void;
  /**
   * A join's side tables, by side: side i's rows go to the instance's input of that table (and the seen
   * offsets are kept per side and split). Absent: one input.
   */
  readonly sideTables?: readonly string[];
  /** The newest state of partitions this task has no state for (the changelog topic). */
  readonly fetchState?: (splits: readonly string[]) => Promise<Map<string, unknown>>;
  /**
   * Two-phase aggregation: the instance's input takes partial rows, so rows written as rows (below a
   * writer's `partialsFrom`) are folded here first.
   */
  readonly local?: LocalAggregateSpec;
  /** Partial messages that overlap rows already taken (cannot be exact; see `takePartial`). */
  readonly onOverlap?: (rows: number) => void;
  /** After each batch (a stage feeding another exchange: its writer sends what the batch emitted). */
  readonly afterBatch?: () => void;
  /**
   * A bounded run scaled out: partitions never move (they are dealt out by task), so one that does (another
   * process joined, or the group lost a task) is reported here; the job fails rather than end with output
   * lost or doubled.
   */
  readonly onMoved?: (split: string) => void;
}

export class ExchangeStage {
  private readonly instances = new Map<string, Instance>();
  /** Restored state of partitions not (yet) assigned here since the restore. */
  private stash = new Map<string, InstanceState>();
  /** The partitions of the last assignment (undefined before the first). */
  private owned: Set<string> | undefined;
  private readonly now: () => number;
  private readonly local: LocalWindowAggregator | undefined;

  constructor(private readonly o: ExchangeStageOptions) {
    this.now = o.now ?? Date.now;
    this.local = o.local ? new LocalWindowAggregator(o.local) : undefined;
  }

  /**
   * Partitions owned now: revoked ones go; new ones get an instance, restored from this task's checkpoint
   * when it had the partition (the source then resumes at that checkpoint's position), else from the
   * changelog topic (the source resumes at the group's committed offset, and the seen offsets drop what
   * the state already holds).
   */
  async assign(splits: readonly string[]): Promise<void> {
    const keep = new Set(splits);
    this.owned = keep;
    for (const [split, inst] of [...this.instances]) {
      if (keep.has(split)) continue;
      this.o.onMoved?.(split);
      this.instances.delete(split);
      const rows = inst.held.reduce((n, [r]) => n + r.length, 0);
      if (rows > 0) this.o.logger.info(`partition ${split} moved away before the checkpoint: ${rows} row(s) of its output are dropped; its new owner emits them from the last committed state`);
    }
    const missing = splits.filter((s) => !this.instances.has(s) && !this.stash.has(s));
    if (missing.length > 0 && this.o.fetchState) {
      for (const [split, state] of await this.o.fetchState(missing)) this.stash.set(split, state as InstanceState);
    }
    for (const split of splits) this.instance(split);
    this.o.onPartitions?.(this.instances.size);
  }

  /** The state of the partitions this task runs (what goes to the changelog at a checkpoint). */
  liveSnapshot(): Map<string, unknown> {
    const all = this.snapshot();
    return new Map([...this.instances.keys()].map((k) => [k, all[k]]));
  }

  get partitions(): readonly string[] {
    return [...this.instances.keys()].sort();
  }

  /** Partitions whose input has ended (their watermark is +infinity: every split read to its end). */
  endedPartitions(): string[] {
    return [...this.instances].filter(([, inst]) => inst.emitted === Infinity).map(([split]) => split).sort();
  }

  private instance(split: string): Instance {
    let inst = this.instances.get(split);
    if (inst) return inst;
    const held: Instance['held'] = [];
    const { output } = this.o;
    const made: Omit<Instance, 'dataflow'> & { dataflow?: Dataflow } = { seen: new Map(), watermarks: new Map(), total: 0, emitted: -Infinity, createdAt: this.now(), held, out: -Infinity, released: -Infinity };
    const out: Output = {
      data: this.o.holdOutput ? (rows, kinds) => void held.push([rows, kinds]) : (rows, kinds) => output.data(rows, kinds),
      watermark: (t) => {
        if (t > made.out) made.out = t;
        output.watermark(t);
      },
    };
    made.dataflow = this.o.build(out);
    inst = made as Instance;
    const saved = this.stash.get(split);
    if (saved) {
      this.stash.delete(split);
      inst.dataflow.restore(saved.operators);
      for (const [k, v] of saved.seen) inst.seen.set(k, v);
      for (const [k, v] of saved.watermarks) inst.watermarks.set(k, { wm: v, at: this.now() });
      inst.total = saved.total;
      inst.emitted = saved.emitted;
      if (Number.isFinite(inst.emitted)) for (const i of inst.dataflow.inputs) i.watermark(inst.emitted);
    }
    this.instances.set(split, inst);
    return inst;
  }

  /** One batch of one repartition partition (the input's stage: rows are pushed here, none returned). */
  async process(rows: Row[], _origin?: string, batch?: SourceBatch): Promise<Row[]> {
    if (!batch) return [];
    // A batch fetched before its partition moved away: the new owner reads it (an instance made here would
    // have no state, and its changelog record would overwrite the owner's).
    if (this.owned && !this.owned.has(batch.split)) return [];
    const inst = this.instance(batch.split);
    const inputs = inst.dataflow.inputs;
    const now = this.now();
    let dropped = 0;
    for (const [message] of rows) {
      if ('w' in (message as object)) {
        const c = message as ControlMessage;
        inst.total = Math.max(inst.total, c.n);
        for (const s of c.s) {
          const at = inst.watermarks.get(s);
          if (!at) inst.watermarks.set(s, { wm: c.w, at: now });
          else {
            if (c.w > at.wm) at.wm = c.w;
            at.at = now;
          }
        }
        continue;
      }
      if ('p' in (message as object)) {
        dropped += this.takePartial(inst, message as PartialMessage);
        continue;
      }
      dropped += this.takeRows(inst, message as DataMessage);
    }
    if (dropped > 0) this.o.onDuplicates?.(dropped);
    const wm = this.watermarkOf(inst, now);
    if (wm > inst.emitted) {
      inst.emitted = wm;
      // A join's inputs all get the minimum over the job's source splits (the join aligns them anyway).
      for (const i of inputs) i.watermark(wm);
    }
    this.o.afterBatch?.();
    return [];
  }

  /** A data message's rows not seen before go to the instance (folded into partials under two-phase); returns the repeats dropped. */
  private takeRows(inst: Instance, d: DataMessage): number {
    const side = d.t ?? 0;
    const offsets = d.o;
    if (!offsets) {
      // Another stage's changelog: taken whole (exactly-once reads only committed transactions).
      if (d.r.length > 0) this.inputOf(inst, side).push(d.r, d.k);
      return 0;
    }
    // Both sides of a self-join come from one source split with the same offsets: seen per side.
    const seenKey = side === 0 ? d.s : `${side}|${d.s}`;
    const floor = inst.seen.get(seenKey) ?? -1;
    let take = d.r;
    if (offsets.length > 0 && offsets[0]! <= floor) take = d.r.filter((_, i) => offsets[i]! > floor);
    if (take.length > 0) {
      const input = this.inputOf(inst, side);
      if (this.local) {
        this.local.add(take);
        input.push(this.local.drain());
      } else input.push(take);
      inst.seen.set(seenKey, Math.max(floor, offsets[offsets.length - 1]!));
    }
    return d.r.length - take.length;
  }

  private inputOf(inst: Instance, side: number): Dataflow['inputs'][number] {
    const sides = this.o.sideTables;
    const input = sides ? inst.dataflow.inputs.find((i) => i.table === sides[side]) : inst.dataflow.inputs[0];
    if (!input) throw new DecodeError(`repartition record of side ${side}, which the query does not have`);
    return input;
  }

  /**
   * What this task can promise downstream of the stage (its output feeds another exchange): the lowest
   * output watermark over its partitions that have one (under holdOutput, the one its released rows are
   * complete up to), and those partitions (split ids of this stage's repartition topic).
   */
  promise(): { wm: number; splits: string[] } {
    let wm = Infinity;
    const splits: string[] = [];
    for (const [split, inst] of this.instances) {
      const at = this.o.holdOutput ? inst.released : inst.out;
      if (at === -Infinity) continue;
      splits.push(split);
      if (at < wm) wm = at;
    }
    return splits.length === 0 ? { wm: -Infinity, splits } : { wm, splits };
  }

  /**
   * A partial message is taken or dropped whole: its rows are folded, so only a message whose offsets are
   * all above the split's seen offset can be taken. Writers send partials only from offsets no other writer
   * can have reached (`partialsFrom`), so a message overlapping rows already taken means a writer broke that
   * (a zombie task): it is taken (at-least-once, as rows would be without the seen offsets) and counted.
   */
  private takePartial(inst: Instance, d: PartialMessage): number {
    const floor = inst.seen.get(d.s) ?? -1;
    if (d.hi <= floor) return d.n;
    if (d.lo <= floor) {
      this.o.logger.warn(`repartition partials of ${d.s} (offsets ${d.lo}..${d.hi}) overlap offsets already taken (up to ${floor}): taken, some rows may count twice`);
      this.o.onOverlap?.(d.n);
    }
    if (d.p.length > 0) inst.dataflow.inputs[0]!.push(d.p);
    if (!d.m) inst.seen.set(d.s, d.hi);
    return 0;
  }

  /** Minimum over the job's source splits; none until each reported (idle ones aside). */
  private watermarkOf(inst: Instance, now: number): number {
    const idle = this.o.idleTimeoutMs;
    let reported = 0;
    let counted = 0;
    let min = Infinity;
    for (const { wm, at } of inst.watermarks.values()) {
      reported++;
      if (idle > 0 && now - at > idle) continue;
      counted++;
      if (wm < min) min = wm;
    }
    if (inst.total === 0 || (reported < inst.total && !(idle > 0 && now - inst.createdAt > idle))) return -Infinity;
    // Every split at +infinity: the end of input (a bounded run scaled out) fires what is left.
    return counted === 0 ? -Infinity : min;
  }

  /** holdOutput: hands every instance's held rows to the output (at the checkpoint, before the flush). */
  release(): void {
    for (const inst of this.instances.values()) {
      for (const [rows, kinds] of inst.held.splice(0)) this.o.output.data(rows, kinds);
      inst.released = inst.out;
    }
  }

  async finish(): Promise<Row[]> {
    return [];
  }

  batchEnd(): void {
    for (const inst of this.instances.values()) inst.dataflow.batchEnd();
  }

  async settle(): Promise<void> {
    for (const inst of this.instances.values()) await inst.dataflow.settle();
  }

  /** Entries of operator state held by every split's instance (running counts: nothing is copied). */
  stateEntries(): number {
    let n = 0;
    for (const inst of this.instances.values()) n += inst.dataflow.stateEntries();
    return n;
  }

  snapshot(): Record<string, InstanceState> {
    const out: Record<string, InstanceState> = Object.fromEntries(this.stash);
    for (const [split, inst] of this.instances) {
      out[split] = {
        operators: inst.dataflow.snapshot(),
        seen: [...inst.seen],
        watermarks: [...inst.watermarks].map(([k, v]) => [k, v.wm]),
        total: inst.total,
        emitted: inst.emitted,
      };
    }
    return out;
  }

  restore(state: unknown): void {
    this.stash = new Map(Object.entries((state ?? {}) as Record<string, InstanceState>));
    this.instances.clear();
  }
}
