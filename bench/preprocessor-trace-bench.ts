import { silentLogger } from '../src/core/logger.js';
import { T, type Row, type TableSchema } from '../src/core/types.js';
import { tracedPreprocessor, type UpstreamStage } from '../src/job/exchange/processors.js';
import { buildPreprocessors, createTransformerCatalog, defineTransformer, PreprocessorRunner, type TransformerDef } from '../src/processors/transformers/index.js';
import { builtinFunctions } from '../src/sql/functions/index.js';
import { createTelemetry } from '../src/telemetry/index.js';
import { createFunctionCatalog } from '../src/udf/registry.js';

/**
 * What a scaled-out pre-processor costs in-process (`npx vite-node bench/preprocessor-trace-bench.ts`): rows per
 * CPU-second through InvalidRecordFilterTransformer, ClearColumnTransformer and a user transformer that builds
 * rows, as one task runs them (the plain runner) and as the exchange's upstream runs them (each row traced to
 * its source offset): the user transformer without rowMapping (one record at a time) and declaring 'map'.
 */
const BATCH = 500;
const BATCHES = 2000;
const lower = (rows: Row[]): Row[] =>
  rows.map((r) => {
    const out = [...r];
    out[0] = String(out[0]).toLowerCase();
    return out;
  });
const Lower = defineTransformer({ name: 'Lower', transform: lower });
const LowerMap = defineTransformer({ name: 'LowerMap', rowMapping: 'map', transform: lower });
const table: TableSchema = { name: 't', columns: [{ name: 's', type: T.STRING }, { name: 'x', type: T.BIGINT }], rowtimeIndex: undefined };
const job = {
  transformers: createTransformerCatalog().with([Lower, LowerMap] as TransformerDef[], () => 'bench'),
  functions: createFunctionCatalog(builtinFunctions),
  registry: undefined,
  sinkProtoMessage: undefined,
};

async function runner(user: string): Promise<PreprocessorRunner> {
  const transformers = [
    { transformation_class: 'InvalidRecordFilterTransformer' },
    { transformation_class: 'ClearColumnTransformer', transformation_arguments: { targetColumnName: 'x' } },
    { transformation_class: user },
  ];
  const r = new PreprocessorRunner(buildPreprocessors({ table_transformers: [{ table_name: 't', transformers }] }, new Map([['t', table]]), job).get('t')!);
  await r.open({ logger: silentLogger, telemetry: createTelemetry({ jobId: 'bench' }), registry: undefined, now: () => 0 });
  return r;
}

const next: UpstreamStage = { process: async (rows) => rows, finish: async () => [], snapshot: () => null, restore: () => undefined };

/** Rows per CPU-second over the second of two rounds (the first warms up). */
async function measure(name: string, process_: (rows: Row[], offsets: string[]) => Promise<unknown>): Promise<void> {
  let perSecond = 0;
  for (let round = 0; round < 2; round++) {
    const t0 = process.cpuUsage();
    for (let b = 0; b < BATCHES; b++) {
      const rows: Row[] = Array.from({ length: BATCH }, (_, i) => [`KEY${i % 7}`, BigInt(i)]);
      await process_(rows, rows.map((_, i) => String(b * BATCH + i)));
    }
    const cpu = process.cpuUsage(t0);
    perSecond = (BATCH * BATCHES) / ((cpu.user + cpu.system) / 1e6);
  }
  console.log(`${name}: ${Math.round(perSecond).toLocaleString('en-US')} rows per CPU-second`);
}

const plain = await runner('Lower');
await measure('one task (plain runner), user transformer', (rows) => plain.process(rows, 'bench'));
const oneByOne = tracedPreprocessor(await runner('Lower'), next);
await measure('scaled out, user transformer without rowMapping (one record at a time)', (rows, offsets) => oneByOne.process(rows, 'bench', { split: 't:0', rows, offsets }));
const mapped = tracedPreprocessor(await runner('LowerMap'), next);
await measure("scaled out, the same transformer declaring rowMapping 'map'", (rows, offsets) => mapped.process(rows, 'bench', { split: 't:0', rows, offsets }));
