import type { Logger } from '../core/logger.js';
import type { Field, Row, RowKind } from '../core/types.js';
import type { DescriptorRegistry } from '../schema/index.js';
import type { Telemetry } from '../telemetry/index.js';

/**
 * The stage contract shared by pre-processors (transformers before the SQL), post-processors (Longbow, the
 * external lookups, the internal processors, the projection to the output columns) and post-processor
 * transformers.
 *
 * A stage is one ordered, possibly asynchronous step over micro-batches of positional rows. Its input and
 * output columns are known when the job is built (names + Dirk SQL types from `src/core/types.ts`), so the
 * next stage, `dirk explain` and the sink's encoder can be checked before the first record.
 *
 * The runner (`src/processors/chain.ts`, `StageRunner`) calls the stages of a chain one batch at a time and
 * in arrival order: a stage never sees batch n+1 before it has returned batch n, so a stage may keep many
 * requests of one batch in flight but must return the batch's rows in their input order. Because the
 * runner awaits each batch, "the work in flight" of a chain is what the runner's pending promise covers;
 * the job's checkpoint waits for it (as Flink's async operator does) before it snapshots state or commits
 * offsets, so a crash neither loses nor skips a row.
 */

/** A micro-batch flowing through a chain. */
export interface StageBatch {
  readonly rows: Row[];
  /** One entry per row when the stream is a changelog; absent means all inserts. */
  readonly kinds?: RowKind[];
  /**
   * Where the batch came from, for error messages ("table booking, partition 3, offsets 120-180"). Stages
   * name it when a row fails; they never depend on its format.
   */
  readonly origin?: string;
}

/** What a stage may use while it is opened and running. */
export interface StageContext {
  readonly logger: Logger;
  readonly telemetry: Telemetry;
  /** The job's protobuf descriptors (absent for JSON-only jobs). */
  readonly registry: DescriptorRegistry | undefined;
  /** Processing time in epoch ms (tests pass a fixed clock). */
  readonly now: () => number;
}

export interface Stage {
  /**
   * Names the stage in explain output, logs, metrics and errors, in Dagger's words where Dagger has them:
   * `http[0]`, `pg[1]`, `internal[2]`, `projection`, `transformer[0] HashTransformer`.
   */
  readonly name: string;
  /** Columns of the rows `process` receives. */
  readonly input: readonly Field[];
  /** Columns of the rows `process` returns (may equal `input`). */
  readonly output: readonly Field[];

  /** Opens connections, pools, stores. Called once, before the first batch. A failure stops the job start. */
  open?(ctx: StageContext): Promise<void>;

  /**
   * Transforms one batch. May drop rows (a filter) or add rows; must keep the input order of the rows it
   * returns. May be async: the runner waits for it before it hands the stage the next batch. A thrown
   * `DirkError` stops the job (user errors exit 2, external ones 1).
   */
  process(batch: StageBatch): StageBatch | Promise<StageBatch>;

  /**
   * Event time reached `time` upstream (the SQL's output watermark, or the stage before). Stages that
   * buffer by event time (a SQL transformer with windows) may emit rows here; others leave it out and
   * the runner forwards the watermark unchanged.
   */
  onWatermark?(time: number): StageBatch | Promise<StageBatch | undefined> | undefined;

  /**
   * State to keep in a checkpoint (structured-clone serialisable). Only called when no batch is in flight
   * in the chain, so it is a consistent cut.
   */
  snapshot?(): unknown;
  restore?(state: unknown): void;

  /**
   * Resolves when work the stage started outside `process` (background writes, e.g. a Longbow writer's
   * batched inserts) is done. The runner awaits it before a checkpoint; stages whose work all finishes
   * inside `process` leave it out.
   */
  drain?(): Promise<void>;

  /** Releases what `open` took. Called once, also after a failed open or a failed job. */
  close?(): Promise<void>;

  /** Lines for `dirk explain` (after the stage name): the stage's settings, without secrets. */
  describe?(): readonly string[];
}

/**
 * What builds post-processor transformer stages: the transformer helper exports one named
 * `createTransformerStage` of this shape from `src/processors/transformers/index.ts`. `index` is the
 * position in the `transformers` array (for error paths `transformers[1].transformation_arguments...`);
 * `input` is the output of the stage before it (the projection for the first transformer).
 */
export type TransformerStageFactory = (spec: TransformerSpec) => Stage;

export interface TransformerSpec {
  /** The transformer entry exactly as written in the config (`{transformation_class, transformation_arguments}`). */
  readonly config: unknown;
  /** Path of the entry in the job config, for errors: `PROCESSOR_POSTPROCESSOR_CONFIG.transformers[1]`. */
  readonly path: string;
  /** Columns arriving at this transformer. */
  readonly input: readonly Field[];
  /** 'post' here; the transformer helper's pre-processor wiring passes 'pre' with the table name. */
  readonly where: 'pre' | 'post';
  readonly table?: string;
  /** The job's descriptors and sink proto, for transformers that resolve fields against them (HashTransformer). */
  readonly registry: DescriptorRegistry | undefined;
  readonly sinkProtoMessage: string | undefined;
}
