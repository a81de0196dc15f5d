import { typeToString, type Field, type Row } from '../core/types.js';
import type { JobConfig } from '../config/index.js';
import type { DescriptorRegistry } from '../schema/index.js';
import { buildLayout, type Layout } from './post/columns.js';
import { ROOT, parsePostProcessorConfig, type ExternalConfig, type PostProcessorConfig } from './post/config.js';
import { ExternalStage, type ExternalClient } from './post/external/async-stage.js';
import { createEsClient } from './post/external/es.js';
import { createGrpcClient } from './post/external/grpc.js';
import { createHttpClient } from './post/external/http.js';
import { createPgClient } from './post/external/pg.js';
import { createInternalStage, createProjectionStage } from './post/internal.js';
import { planLongbow } from './post/longbow/plan.js';
import { createTransformerStage, type TransformerJob } from './transformers/index.js';
import type { Stage } from './types.js';

/**
 * The post-processor chain of a job, built (not opened) from its config and the query's output columns, in
 * Dagger's order: Longbow, then every http entry, es, pg, grpc, then the internal post-processors, then
 * the projection to the output columns, then the transformers. Validation happens here, so `dirk validate`
 * and `dirk explain` report a bad entry by its path before anything connects.
 */
export interface PostChain {
  readonly stages: readonly Stage[];
  /** The columns the sink receives. */
  readonly output: readonly Field[];
  /** Things the job reads but ignores (unknown keys), for warnings at validate and run. */
  readonly warnings: readonly string[];
  /** Lines for `dirk explain`. */
  explain(): string;
}

export interface ChainInput {
  readonly config: JobConfig;
  readonly registry: DescriptorRegistry | undefined;
  /** The query's output columns. */
  readonly columns: readonly Field[];
  /** The job's transformer and function catalogs (user transformers, user UDFs in a SQLTransformer). */
  readonly transformerJob?: TransformerJob;
}

/** The chain, or undefined when the job has neither post-processors nor Longbow columns. */
export function planPostChain(input: ChainInput): PostChain | undefined {
  const { config, registry } = input;
  const longbow = planLongbow(input);
  const enabled = config.processors.postprocessorEnabled;
  const parsed: PostProcessorConfig | undefined = enabled ? parsePostProcessorConfig(config.processors.postprocessorConfig ?? {}) : undefined;
  if (!longbow && (!parsed || (parsed.external.length === 0 && parsed.internal.length === 0 && parsed.transformers.length === 0))) return undefined;

  const stages: Stage[] = [];
  let columns: readonly Field[] = input.columns;
  if (longbow) {
    stages.push(longbow.stage);
    columns = longbow.stage.output;
  }
  const sinkProto = config.sink.type === 'kafka' && config.sink.dataType === 'PROTO' ? config.sink.protoMessage : undefined;
  if (parsed && (parsed.external.length > 0 || parsed.internal.length > 0)) {
    const layout = buildLayout(columns, parsed.external, parsed.internal, { registry, sinkProto });
    stages.push(initializationStage(layout));
    for (const e of parsed.external) stages.push(new ExternalStage(e, externalClient(e, layout, registry), layout));
    if (parsed.internal.length) stages.push(createInternalStage(parsed.internal, layout, registry ? (n) => registry.hasMessage(n) : undefined));
    stages.push(createProjectionStage(layout));
    columns = layout.outputs;
  }
  for (const [i, t] of (parsed?.transformers ?? []).entries()) {
    const path = `${ROOT}.transformers[${i}]`;
    const job = input.transformerJob;
    const stage = createTransformerStage({
      config: t,
      path,
      input: columns,
      where: 'post',
      registry,
      sinkProtoMessage: sinkProto,
      index: i,
      ...(job ? { transformers: job.transformers, functions: job.functions, ...(job.warn ? { warn: job.warn } : {}) } : {}),
    });
    stages.push(stage);
    columns = stage.output;
  }
  const output = columns;
  return {
    stages,
    output,
    warnings: [...(longbow?.warnings ?? []), ...(parsed?.unknownKeys ?? []).map((k) => `${k}: unknown post-processor key, ignored (as Dagger ignores it)`)],
    explain: () => explainChain(stages, output),
  };
}

function externalClient(e: ExternalConfig, layout: Layout, registry: DescriptorRegistry | undefined): ExternalClient {
  switch (e.kind) {
    case 'http':
      return createHttpClient(e, layout);
    case 'es':
      return createEsClient(e, layout);
    case 'pg':
      return createPgClient(e, layout);
    case 'grpc':
      return createGrpcClient(e, layout, registry);
  }
}

/**
 * Query row -> working row (Dagger's InitializationDecorator): a fresh copy of the query's columns (the
 * dataflow's rows are never changed) followed by an empty slot per output column.
 */
function initializationStage(layout: Layout): Stage {
  const n = layout.input.length;
  const width = layout.working.length;
  return {
    name: 'initialization',
    input: layout.input,
    output: layout.working,
    process: (batch) => ({
      ...batch,
      rows: batch.rows.map((row: Row) => {
        const w = row.slice(0, n);
        w.length = width;
        w.fill(null, n);
        return w;
      }),
    }),
    describe: () => [`query columns + empty output columns [${layout.outputs.map((f) => f.name).join(', ')}]`],
  };
}

function explainChain(stages: readonly Stage[], output: readonly Field[]): string {
  const lines: string[] = [];
  stages.forEach((s, i) => {
    lines.push(`${i + 1}. ${s.name}`);
    for (const d of s.describe?.() ?? []) lines.push(`     ${d}`);
  });
  lines.push('', 'output:');
  for (const f of output) lines.push(`  ${f.name} ${typeToString(f.type)}`);
  return lines.join('\n');
}

/** The section `dirk explain` prints after the physical plan ('' when the job has no chain). */
export function explainPostChain(chain: PostChain | undefined): string {
  if (!chain) return '';
  const body = chain.explain().split('\n').map((l) => (l ? `  ${l}` : l)).join('\n');
  return `\n\npost-processors (after the SQL, in order):\n${body}`;
}
