/**
 * Transformers: Dagger's seven and user ones, as pre-processor steps (per table, before the SQL) and as
 * post-processor steps (after the post-processors). See docs/transformers.md.
 */
import type { Stage, TransformerSpec } from '../types.js';
import { buildTransformer, transformerStage, type TransformerJob } from './build.js';
import { createTransformerCatalog } from './catalog.js';
import { builtinFunctions } from '../../sql/functions/index.js';
import { createFunctionCatalog } from '../../udf/registry.js';
import { daggerFunctions } from '../../../udfs/index.js';

export * from './api.js';
export { buildTransformer, isTransformerStage, transformerKeepsState, transformerStage, type BuiltTransformer, type TransformerJob } from './build.js';
export { builtinTransformers, createTransformerCatalog, DAGGER_TRANSFORMER_PACKAGES, type TransformerCatalog } from './catalog.js';
export { loadTransformerFolders, type LoadedTransformer } from './loader.js';
export { buildPreprocessors, PreprocessorRunner, type TablePreprocessor } from './preprocessor.js';
export { isInvalidRow, markingDecoder } from './invalid-record-filter/invalid-record-filter.js';

/** What a post-processor transformer needs beyond TransformerSpec: the job's transformer and function catalogs. */
export interface TransformerSpecJob {
  readonly transformers?: TransformerJob['transformers'];
  readonly functions?: TransformerJob['functions'];
  readonly warn?: (message: string) => void;
  /** Position in the `transformers` array (names the stage `transformer[i] X`); default 0. */
  readonly index?: number;
}

/**
 * The factory the post-processor chain calls for each entry of `PROCESSOR_POSTPROCESSOR_CONFIG.transformers`
 * (src/processors/types.ts, TransformerStageFactory). Pass the job's catalogs (PreparedJob.transformers and
 * .functions) so user transformers and user UDFs (in a SQLTransformer) are found; without them only the
 * built-ins are. Throws a user error naming the path, the transformer and the argument for a bad entry.
 */
export function createTransformerStage(spec: TransformerSpec & TransformerSpecJob): Stage {
  const job: TransformerJob = {
    transformers: spec.transformers ?? createTransformerCatalog(),
    functions: spec.functions ?? createFunctionCatalog(builtinFunctions).with(daggerFunctions, 'udfs/ (Dagger library)'),
    registry: spec.registry,
    sinkProtoMessage: spec.sinkProtoMessage,
    ...(spec.warn ? { warn: spec.warn } : {}),
  };
  const built = buildTransformer(spec.config, spec.path, spec.input, spec.where, spec.where === 'pre' ? (spec.table ?? 'NULL') : 'NULL', job);
  return transformerStage(built, spec.index ?? indexFromPath(spec.path));
}

function indexFromPath(path: string): number {
  const m = /\[(\d+)\]$/.exec(path);
  return m ? Number(m[1]) : 0;
}
export { prepareTransformers, type JobTransformers } from './job.js';
export { explainPreprocessors } from './explain.js';
export { watchTransformerFolders, type TransformerWatcher } from './reload.js';
export type { TransformerStage } from './build.js';
