import type { Logger } from '../../core/logger.js';
import type { TableSchema } from '../../core/types.js';
import type { JobConfig, StreamConfig } from '../../config/index.js';
import type { DescriptorRegistry } from '../../schema/index.js';
import type { FunctionCatalog } from '../../udf/registry.js';
import type { TransformerJob } from './build.js';
import { createTransformerCatalog, type TransformerCatalog } from './catalog.js';
import { loadTransformerFolders } from './loader.js';
import { buildPreprocessors, type TablePreprocessor } from './preprocessor.js';

/** The job's transformers: the catalog post-processor transformers are built from, and each pre-processed table's. */
export interface JobTransformers {
  readonly catalog: TransformerCatalog;
  /** Keyed by table name (INPUT_SCHEMA_TABLE). */
  readonly preprocessors: ReadonlyMap<string, TablePreprocessor>;
  /** What `createTransformerStage` needs for post-processor transformers (pass it along with the spec). */
  readonly job: TransformerJob;
}

function usesTransformers(config: JobConfig): boolean {
  const p = config.processors;
  const post = p.postprocessorConfig as { transformers?: unknown } | null;
  return p.preprocessorEnabled || (p.postprocessorEnabled && Array.isArray(post?.transformers) && post.transformers.length > 0);
}

/**
 * Loads user transformers (when the job uses transformers at all) and builds the pre-processors. `tables` is
 * updated in place: a pre-processed table's schema becomes its last transformer's output, which is what the
 * SQL, `dirk validate` and `dirk explain` see.
 */
export async function prepareTransformers(
  config: JobConfig,
  tables: Map<string, { stream: StreamConfig; schema: TableSchema }>,
  functions: FunctionCatalog,
  registry: DescriptorRegistry | undefined,
  logger: Logger,
): Promise<JobTransformers> {
  let catalog = createTransformerCatalog();
  if (usesTransformers(config) && (config.processors.transformerFolders.length > 0 || config.udf.folders.length > 0)) {
    const loaded = await loadTransformerFolders(config.processors.transformerFolders, config.udf.folders);
    const files = new Map(loaded.map((l) => [l.def, l.file]));
    catalog = catalog.with(
      loaded.map((l) => l.def),
      (d) => files.get(d) ?? 'TRANSFORMER_FOLDERS',
    );
  }
  const sink = config.sink;
  const job: TransformerJob = {
    transformers: catalog,
    functions,
    registry,
    sinkProtoMessage: sink.type === 'kafka' && sink.dataType === 'PROTO' ? sink.protoMessage : undefined,
    warn: (m) => logger.warn(m),
  };
  let preprocessors = new Map<string, TablePreprocessor>();
  if (config.processors.preprocessorEnabled) {
    const schemas = new Map([...tables].map(([name, t]) => [name, t.schema] as const));
    preprocessors = buildPreprocessors(config.processors.preprocessorConfig, schemas, job);
    for (const [name, pre] of preprocessors) {
      const t = tables.get(name)!;
      tables.set(name, { stream: t.stream, schema: pre.output });
      if (pre.filtersInvalidRecords && t.stream.badRecordPolicy.mode === 'DEAD_LETTER') {
        logger.warn(`table ${name}: SOURCE_BAD_RECORD_POLICY=DEAD_LETTER sends undecodable records to ${t.stream.badRecordPolicy.deadLetterTopic} before the InvalidRecordFilterTransformer could drop them; the filter sees none`);
      }
    }
  } else if (config.processors.preprocessorConfig !== null) {
    const list = (config.processors.preprocessorConfig as { table_transformers?: unknown[] }).table_transformers;
    if (Array.isArray(list) && list.length > 0) logger.warn('PROCESSOR_PREPROCESSOR_CONFIG has table_transformers but PROCESSOR_PREPROCESSOR_ENABLE is false: they do not run');
  }
  return { catalog, preprocessors, job };
}
