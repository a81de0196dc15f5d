import type { Row, RowKind } from '../core/types.js';
import type { EntryCounter } from './state/keyed-state.js';
import type { StateSpec } from './state/versioned.js';

/**
 * Operators work on micro-batches. `process` receives a batch from one input; watermarks arrive already
 * aligned (the minimum over all inputs); state is snapshotted between batches, which in this single-threaded
 * dataflow is exactly the moment an aligned barrier has passed every input.
 */
export interface Output {
  data(rows: Row[], kinds?: RowKind[]): void;
  watermark(time: number): void;
}

export interface Operator {
  readonly name: string;
  process(rows: Row[], kinds: RowKind[] | undefined, input: number): void;
  /** Event time has reached `time` on every input. Default: forward it. */
  onWatermark?(time: number): void;
  /**
   * The processing-time clock (OperatorContext.now) may have moved: fire what is due on it (processing-time
   * windows). Returns true when it emitted rows.
   */
  onProcessingTime?(): boolean;
  /** Input `input`'s own watermark moved to `time` (before the inputs are aligned). */
  onInputWatermark?(input: number, time: number): void;
  /** Called once per processed source batch: a mini-batch boundary (used to coalesce updates). */
  onBatchEnd?(): void;
  /**
   * The kind and version of the state `snapshot()` returns; every operator with a snapshot has one (the
   * dataflow wraps each state as `{ $kind, $v, data }` and checks both on restore: runtime/state/versioned.ts).
   */
  readonly stateSpec?: StateSpec | undefined;
  /**
   * Operator state for a checkpoint (structured-clone serialisable: Map, bigint and bytes are fine). Keyed
   * state held in a KeyedState (runtime/state/keyed-state.ts) is captured copy-on-write and written after
   * the barrier; everything else is serialised at the barrier.
   */
  snapshot?(): unknown;
  restore?(state: unknown): void;
  /** Asynchronous work still in flight (e.g. async UDF calls), or undefined when there is none. */
  pending?(): Promise<void> | undefined;
  /**
   * Entries of state held outside KeyedState (which the dataflow counts by itself), for the heap guard's
   * message; must not allocate (it runs when the heap is nearly full).
   */
  stateEntries?(): number;
  /** Rows dropped because their window had already fired (late data), for metrics. */
  lateCount?(): number;
  /** Releases what the operator holds outside the heap (an off-heap state store). */
  close?(): Promise<void>;
  /** True when the operator's state lives off the heap (FLINK_STATE_BACKEND_TYPE=rocksdb). */
  readonly offHeap?: boolean;
}

/** Where late rows were found: the operator's input (0, or 1 for a join's right side) and its watermark then. */
export interface LateDetail {
  readonly input: number;
  readonly watermark: number;
  /**
   * Rows the report stands for when it is not `rows.length`: a two-phase aggregation's late partial
   * aggregate folded rows it no longer has (`rows` is then empty).
   */
  readonly count?: number;
}

/** Counters an operator updates; the dataflow adds what it knows (fields, table) and the job binds them. */
export interface OperatorHooks {
  late(rows: Row[], detail: LateDetail): void;
}

export const noHooks: OperatorHooks = { late() {} };

/**
 * What every operator is built with besides its plan node: where it emits, where it reports late rows, and,
 * for keyed state, the idle-state retention (FLINK_RETENTION_IDLE_STATE_MINUTE, 0 = keep forever) and the
 * processing-time clock it is measured on.
 */
export interface OperatorContext {
  readonly out: Output;
  readonly hooks: OperatorHooks;
  readonly retentionMs: number;
  readonly now: () => number;
  /** Shared by the dataflow's KeyedStates (pass the context to `new KeyedState(ctx)`): its state size. */
  readonly counter?: EntryCounter | undefined;
  /**
   * FLINK_STATE_BACKEND_TYPE=rocksdb: operators that support it (the non-windowed GROUP BY) keep their keyed
   * state in an off-heap store in `dir` (this operator's own folder), `cacheEntries` of it decoded on the heap.
   */
  readonly offHeap?: { readonly dir: string; readonly cacheEntries: number } | undefined;
}
