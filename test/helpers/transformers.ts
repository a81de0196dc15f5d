import { silentLogger } from '../../src/core/logger.js';
import type { Field, Row } from '../../src/core/types.js';
import { buildTransformer, createTransformerCatalog, transformerStage, type TransformerDef, type TransformerJob } from '../../src/processors/transformers/index.js';
import type { Stage } from '../../src/processors/types.js';
import type { DescriptorRegistry } from '../../src/schema/index.js';
import { builtinFunctions } from '../../src/sql/functions/index.js';
import { createTelemetry, type Telemetry } from '../../src/telemetry/index.js';
import type { FunctionDef } from '../../src/udf/api.js';
import { parseType } from '../../src/udf/types.js';
import { createFunctionCatalog } from '../../src/udf/registry.js';
import { daggerFunctions } from '../../udfs/index.js';

export interface Harness {
  readonly stage: Stage;
  readonly telemetry: Telemetry;
  /** The processing-time clock the transformer sees; tests move it. */
  readonly clock: { now: number };
  run(rows: Row[]): Promise<Row[]>;
  watermark(time: number): Promise<Row[]>;
}

export interface HarnessOptions {
  readonly registry?: DescriptorRegistry;
  readonly sinkProtoMessage?: string;
  readonly where?: 'pre' | 'post';
  readonly table?: string;
  readonly userTransformers?: readonly TransformerDef[];
  readonly userFunctions?: readonly FunctionDef[];
  readonly telemetry?: Telemetry;
  readonly now?: number;
  readonly warnings?: string[];
}

export function fields(spec: Record<string, string>): Field[] {
  return Object.entries(spec).map(([name, type]) => ({ name, type: parseType(type) }));
}

export function transformerJob(o: HarnessOptions = {}): TransformerJob {
  let functions = createFunctionCatalog(builtinFunctions).with(daggerFunctions, 'udfs/ (Dagger library)');
  if (o.userFunctions?.length) functions = functions.with(o.userFunctions, 'UDF_FOLDERS');
  let transformers = createTransformerCatalog();
  if (o.userTransformers?.length) transformers = transformers.with(o.userTransformers, () => 'test');
  return {
    transformers,
    functions,
    registry: o.registry,
    sinkProtoMessage: o.sinkProtoMessage,
    warn: (m) => o.warnings?.push(m),
  };
}

/** One configured transformer, opened, with a fixed clock: what a job runs, without the job. */
export async function openTransformer(config: unknown, input: readonly Field[], o: HarnessOptions = {}): Promise<Harness> {
  const where = o.where ?? 'post';
  const built = buildTransformer(config, 'transformers[0]', input, where, where === 'pre' ? (o.table ?? 'booking') : 'NULL', transformerJob(o));
  const stage = transformerStage(built, 0);
  const telemetry = o.telemetry ?? createTelemetry({ jobId: 'transformer-test' });
  const clock = { now: o.now ?? 1_700_000_000_000 };
  await stage.open?.({ logger: silentLogger, telemetry, registry: o.registry, now: () => clock.now });
  return {
    stage,
    telemetry,
    clock,
    run: async (rows) => (await stage.process({ rows })).rows,
    watermark: async (time) => (await stage.onWatermark?.(time))?.rows ?? [],
  };
}
