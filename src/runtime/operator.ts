import type { Row, RowKind } from '../core/types.js';

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
  /** Called once per processed source batch: a mini-batch boundary (used to coalesce updates). */
  onBatchEnd?(): void;
  /** Operator state for a checkpoint (structured-clone serialisable: Map, bigint and bytes are fine). */
  snapshot?(): unknown;
  restore?(state: unknown): void;
  /** Asynchronous work still in flight (e.g. async UDF calls), or undefined when there is none. */
  pending?(): Promise<void> | undefined;
  /** Rows dropped because their window had already fired (late data), for metrics. */
  lateCount?(): number;
}

/** Where late rows were found: the operator's input (0, or 1 for a join's right side) and its watermark then. */
export interface LateDetail {
  readonly input: number;
  readonly watermark: number;
}

/** Counters an operator updates; the dataflow adds what it knows (fields, table) and the job binds them. */
export interface OperatorHooks {
  late(rows: Row[], detail: LateDetail): void;
}

export const noHooks: OperatorHooks = { late() {} };
