/**
 * Pre- and post-processors of a job run scaled out (DIRK_TASKS / FLINK_PARALLELISM > 1, DIRK_EXCHANGE_ENABLE).
 * Every task runs them on its own share of the rows: a table's pre-processor in the exchange's upstream half
 * (on the source partitions the task reads, before the repartition writer), the post-processor chain in the
 * downstream half (on the output of the repartition partitions the task runs, before the sink). Stateless
 * stages (every external and internal post-processor, the projection, Longbow, whose history lives in
 * PostgreSQL, and transformers that keep nothing between batches) give the single task's result that way. A
 * transformer that keeps state would hold its task's part of it only (its key, e.g. a DeDuplicationTransformer's
 * key_column, is not what Kafka or the exchange partitions by): it is refused by name. See
 * docs/architecture.md, Scale-out.
 */
import type { SourceBatch } from '../../core/connector.js';
import { userError } from '../../core/errors.js';
import type { Row } from '../../core/types.js';
import { isTransformerStage, transformerKeepsState, type BuiltTransformer, type PreprocessorRunner, type TransformerStage } from '../../processors/transformers/index.js';
import type { PreparedJob } from '../prepare.js';

const SCALED_OUT = 'a job run scaled out (DIRK_TASKS / FLINK_PARALLELISM > 1, or DIRK_EXCHANGE_ENABLE)';

/** Every transformer of the job as configured: each table's pre-processor, then the post-processor chain's. */
function jobTransformers(job: PreparedJob): BuiltTransformer[] {
  const pre = [...job.transformers.preprocessors.values()].flatMap((p) => p.transformers);
  const post = (job.post?.stages ?? []).filter(isTransformerStage).map((s) => s.transformer);
  return [...pre, ...post];
}

/**
 * Scaled out, a transformer that keeps state is refused (`dirk validate` and the start of `dirk run`), naming
 * it, why, and what to do; every other stage runs in each task. `keyed`: the job has a keyed operator (its
 * post-processors then run per repartition partition).
 */
export function checkScaleOutProcessors(job: PreparedJob, keyed: boolean): void {
  if (!job.config.exchange) return;
  for (const t of jobTransformers(job)) {
    if (!transformerKeepsState(t)) continue;
    const where =
      t.where === 'pre'
        ? `a pre-processor runs in the task that reads each partition of table ${t.table}, and rows that belong together (by any column) can sit in any partition`
        : keyed
          ? "post-processors run in the task that owns each repartition partition, which holds its share of the query's keys only"
          : 'post-processors run in every task on the results of the source partitions it reads';
    const hint = t.def.name === 'SQLTransformer' ? ' (a SQLTransformer query of filters and projections only keeps no state and runs scaled out)' : '';
    throw userError(
      `${t.path} (${t.def.name}): ${SCALED_OUT} cannot run a transformer that keeps state: ${where}, so each task would keep the state of its own rows and the result would not be exact. ` +
        `Run the job as one task (DIRK_TASKS and FLINK_PARALLELISM 1, DIRK_EXCHANGE_ENABLE false), or remove the transformer${hint}`,
      { key: t.where === 'pre' ? 'PROCESSOR_PREPROCESSOR_CONFIG' : 'PROCESSOR_POSTPROCESSOR_CONFIG' },
    );
  }
}

/** A stage between a source and the exchange's upstream plan (the shape of `InputStage`). */
export interface UpstreamStage {
  process(rows: Row[], origin?: string, batch?: SourceBatch): Promise<Row[]>;
  finish(): Promise<Row[]>;
  snapshot(): unknown;
  restore(state: unknown): void;
}

/**
 * A table's pre-processor in front of the exchange's upstream stage (`next`, which tags each row with its
 * source offset). The downstream drops a re-reading task's repeats by those offsets, so every row leaving the
 * transformers must carry its own record's offset whatever the batches were: a transformer declaring
 * `rowMapping` gets whole batches (a filter's rows are traced by identity, a map's by position), any other
 * one record at a time.
 */
export function tracedPreprocessor(runner: PreprocessorRunner, next: UpstreamStage): UpstreamStage & { readonly stages: readonly TransformerStage[] } {
  return {
    stages: runner.stages,
    async process(rows, origin, batch) {
      let traced = { rows, offsets: batch?.offsets ?? rows.map(() => '0') };
      for (const stage of runner.stages) {
        if (traced.rows.length === 0) break;
        traced = await trace(stage, traced.rows, traced.offsets, origin);
      }
      // The writer appends each row's offset to the row itself: a row object returned twice becomes two rows.
      const once = new Set<Row>();
      const out = traced.rows.map((r) => (once.has(r) ? r.slice() : (once.add(r), r)));
      return next.process(out, origin, batch && { ...batch, rows: out, offsets: traced.offsets });
    },
    // The exchange reads unbounded Kafka tables only, and a transformer without state holds nothing back.
    finish: async () => [],
    snapshot: () => runner.snapshot(),
    restore: (state) => runner.restore(state as unknown[]),
  };
}

/** One transformer over rows with their source offsets: the rows it returns, each with its record's offset. */
async function trace(stage: TransformerStage, rows: Row[], offsets: readonly string[], origin: string | undefined): Promise<{ rows: Row[]; offsets: readonly string[] }> {
  const batch = (r: Row[]) => ({ rows: r, ...(origin ? { origin } : {}) });
  const { def, path } = stage.transformer;
  const broken = (what: string): Error =>
    userError(`${path} (${def.name}) declares rowMapping '${def.rowMapping}' but ${what}; ${SCALED_OUT} traces each row to its source record by it: fix the transformer, or leave rowMapping out (it then gets one record at a time)`);
  if (def.rowMapping === 'map') {
    const out = (await stage.process(batch(rows))).rows;
    if (out.length !== rows.length) throw broken(`returned ${out.length} row(s) for ${rows.length}`);
    return { rows: out, offsets };
  }
  if (def.rowMapping === 'filter') {
    const out = (await stage.process(batch(rows))).rows;
    const at = new Map(rows.map((r, i) => [r, offsets[i]!]));
    return {
      rows: out,
      offsets: out.map((r) => {
        const offset = at.get(r);
        if (offset === undefined) throw broken('returned a row it was not given');
        return offset;
      }),
    };
  }
  // Each row it returns for one record is that record's.
  const out: Row[] = [];
  const outOffsets: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    for (const r of (await stage.process(batch([rows[i]!]))).rows) {
      out.push(r);
      outOffsets.push(offsets[i]!);
    }
  }
  return { rows: out, offsets: outOffsets };
}

/** `dirk explain`, scaled out: where the pre- and post-processors run (`keyed`: across an exchange). */
export function explainScaleOutProcessors(job: PreparedJob, keyed: boolean): string[] {
  const lines: string[] = [];
  for (const p of job.transformers.preprocessors.values()) {
    const oneByOne = p.transformers.filter((t) => !t.def.rowMapping).map((t) => t.def.name);
    lines.push(
      `  pre-processor of table ${p.table}: ${keyed ? 'upstream, ' : ''}in the task reading each of its partitions${keyed ? ', before the repartition writer' : ''}` +
        (keyed && oneByOne.length ? `; ${oneByOne.join(', ')} one record at a time (no rowMapping: each row must keep its record's offset)` : ''),
    );
  }
  if (job.post) {
    lines.push(
      `  post-processors (${job.post.stages.map((s) => s.name).join(' -> ')}): ${keyed ? "downstream, in the task running each repartition partition, on that partition's output" : 'in every task, on the output of its partitions'}, before the sink`,
    );
  }
  return lines;
}
