import { closest, describeFound, DirkError, userError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Field, Row } from '../../core/types.js';
import { RowKind, typeToString } from '../../core/types.js';
import type { DescriptorRegistry } from '../../schema/index.js';
import type { TransformerMetrics } from '../../telemetry/index.js';
import { parseType } from '../../udf/types.js';
import type { FunctionCatalog } from '../../udf/registry.js';
import type { Stage, StageBatch, StageContext } from '../types.js';
import type { ArgumentSpec, FieldSpec, TransformerBuildContext, TransformerContext, TransformerDef, TransformerPlace } from './api.js';
import type { TransformerCatalog } from './catalog.js';

/** What building a transformer needs from the job (prepareJob has all of it). */
export interface TransformerJob {
  readonly transformers: TransformerCatalog;
  readonly functions: FunctionCatalog;
  readonly registry: DescriptorRegistry | undefined;
  readonly sinkProtoMessage: string | undefined;
  /** Told about arguments a transformer does not read (Dagger ignores them too). */
  readonly warn?: (message: string) => void;
}

/** A configured transformer, checked: its definition, arguments and input/output columns. */
export interface BuiltTransformer {
  readonly def: TransformerDef;
  /** The config entry as written (a reload rebuilds from it). */
  readonly entry: unknown;
  /** `PROCESSOR_PREPROCESSOR_CONFIG.table_transformers[0].transformers[1]` */
  readonly path: string;
  readonly where: TransformerPlace;
  readonly table: string;
  readonly input: readonly Field[];
  readonly output: readonly Field[];
  readonly build: TransformerBuildContext;
}

function readArgument(name: string, spec: ArgumentSpec, raw: unknown, ctx: TransformerBuildContext): unknown {
  if (raw === undefined || raw === null) {
    if (spec.default !== undefined) return spec.default;
    if (spec.required) throw ctx.argumentError(name, `${describeType(spec)} (required)`);
    return undefined;
  }
  switch (spec.type) {
    case 'string':
      if (typeof raw === 'string') return raw;
      if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
      throw ctx.argumentError(name, 'a string', raw);
    case 'integer':
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n) || (spec.type === 'integer' && !Number.isInteger(n))) throw ctx.argumentError(name, describeType(spec), raw);
      return n;
    }
    case 'boolean':
      if (raw === true || raw === 'true') return true;
      if (raw === false || raw === 'false') return false;
      throw ctx.argumentError(name, 'true or false', raw);
    case 'column': {
      if (typeof raw !== 'string') throw ctx.argumentError(name, 'a column name', raw);
      if (ctx.column(raw) < 0) {
        const guess = closest(raw, ctx.input.map((f) => f.name));
        throw ctx.argumentError(name, `one of the columns arriving at the transformer (${ctx.input.map((f) => f.name).join(', ')})${guess ? `; did you mean "${guess}"?` : ''}`, raw);
      }
      return raw;
    }
    case 'string[]':
      if (!Array.isArray(raw) || raw.some((x) => typeof x !== 'string')) throw ctx.argumentError(name, 'a JSON array of strings', raw);
      return raw;
    case 'json':
      return raw;
  }
}

function describeType(spec: ArgumentSpec): string {
  switch (spec.type) {
    case 'integer':
      return 'a whole number (a JSON number or a string of digits)';
    case 'number':
      return 'a number';
    case 'column':
      return 'a column name';
    case 'string[]':
      return 'a JSON array of strings';
    case 'json':
      return 'a JSON value';
    default:
      return `a ${spec.type}`;
  }
}

function toField(f: Field | FieldSpec, def: TransformerDef, path: string): Field {
  if (typeof f.type !== 'string') return f as Field;
  try {
    return { name: f.name, type: parseType(f.type) };
  } catch (e) {
    throw userError(`${path} (${def.name}): outputSchema gives column ${f.name} the type "${f.type}", which is not a SQL type: ${(e as Error).message}`);
  }
}

/**
 * Checks one `{transformation_class, transformation_arguments}` entry against the columns arriving at it
 * and computes its output columns. Every mistake is a user error naming the entry's path, the transformer
 * and the argument. `table_name` is injected into the arguments as Dagger does (the table for a
 * pre-processor, "NULL" after the post-processors); writing it yourself is refused, as in Dagger.
 */
export function buildTransformer(entry: unknown, path: string, input: readonly Field[], where: TransformerPlace, table: string, job: TransformerJob): BuiltTransformer {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    throw userError(`${path}: expected an object {"transformation_class": ..., "transformation_arguments": {...}}, found ${describeFound(entry)}`);
  }
  const e = entry as Record<string, unknown>;
  const def = job.transformers.resolve(e.transformation_class, path);
  if (def.places && !def.places.includes(where)) {
    const other = where === 'pre' ? 'PROCESSOR_POSTPROCESSOR_CONFIG.transformers' : 'PROCESSOR_PREPROCESSOR_CONFIG.table_transformers';
    throw userError(`${path}: ${def.name} runs only as a ${def.places[0] === 'pre' ? 'pre' : 'post'}-processor (Dagger's contract); move it to ${other}`);
  }
  const declared = def.arguments ?? {};
  const argsPath = `${path}.transformation_arguments`;
  let raw: Record<string, unknown> = {};
  const given = e.transformation_arguments;
  if (given !== undefined && given !== null) {
    if (typeof given === 'object' && !Array.isArray(given)) raw = given as Record<string, unknown>;
    else if (Object.keys(declared).length > 0) throw userError(`${argsPath} (${def.name}): expected an object of arguments, found ${describeFound(given)}`);
    // A transformer without arguments ignores whatever is written there (Dagger's docs put a string there for InvalidRecordFilterTransformer).
    else job.warn?.(`${argsPath} (${def.name}): ${def.name} takes no arguments; ${describeFound(given)} is ignored`);
  }
  if ('table_name' in raw) throw userError(`${argsPath}.table_name (${def.name}): table_name is set by the job (the table name, as in Dagger) and cannot be given`);
  for (const k of Object.keys(raw)) {
    if (k in declared) continue;
    const guess = closest(k, Object.keys(declared));
    job.warn?.(`${argsPath}.${k} is not an argument of ${def.name} and is ignored${guess ? ` (did you mean "${guess}"?)` : ''}${Object.keys(declared).length ? `; its arguments: ${Object.keys(declared).join(', ')}` : ''}`);
  }

  const args: Record<string, unknown> = { table_name: table };
  const protoType = (name: string): unknown => {
    if (!job.registry) return undefined;
    try {
      return job.registry.lookupType(name);
    } catch {
      return undefined;
    }
  };
  const ctx: TransformerBuildContext = {
    args,
    input,
    column: (name) => columnIndex(input, name),
    where,
    table,
    argumentError: (argument, expected, found) =>
      found instanceof Error
        ? userError(`${argsPath}.${argument} (${def.name}): ${found.message}`, { cause: found })
        : userError(`${argsPath}.${argument} (${def.name}): expected ${expected}${found === undefined ? '' : `, found ${describeFound(found)}`}`),
    protoType,
    sinkProtoMessage: job.sinkProtoMessage,
    functions: job.functions,
  };
  def.checkArguments?.(raw, ctx);
  for (const [name, spec] of Object.entries(declared)) {
    const v = readArgument(name, spec, raw[name], ctx);
    if (v !== undefined) args[name] = v;
  }
  let output: readonly Field[];
  try {
    output = def.outputSchema ? def.outputSchema(input, ctx).map((f) => toField(f, def, path)) : input;
  } catch (err) {
    if (err instanceof DirkError) throw err;
    throw userError(`${path} (${def.name}): ${(err as Error).message}`, { cause: err });
  }
  return { def, entry, path, where, table, input, output, build: ctx };
}

/** Whether a configured transformer keeps state across batches (scale-out refuses those; see TransformerDef.keepsState). */
export function transformerKeepsState(t: BuiltTransformer): boolean {
  if (t.def.keepsState) return t.def.keepsState(t.build);
  return t.def.snapshot !== undefined || t.def.onWatermark !== undefined;
}

function columnIndex(input: readonly Field[], name: string): number {
  const exact = input.findIndex((f) => f.name === name);
  if (exact >= 0) return exact;
  const lower = name.toLowerCase();
  return input.findIndex((f) => f.name.toLowerCase() === lower);
}

/**
 * A built transformer as a processor stage (src/processors/types.ts): rows in, out and dropped are counted
 * with the transformer's label, state goes to checkpoints. Transformers work on appends: in a changelog
 * batch only the inserts and new values of updates go in (Dagger's post-processors see the accumulate side of
 * its retract stream), and what comes out is appends.
 */
/** A transformer stage; `reload` swaps in a new definition of the same transformer (hot reload). */
export interface TransformerStage extends Stage {
  readonly transformer: BuiltTransformer;
  /**
   * Uses `next` (rebuilt from the same entry and input) from the next batch on, keeping the instance's state:
   * its `open` is called with the current context (so `ctx.state` is there), then the old `close`. Refused
   * (an error saying why) when the output columns differ: the SQL was planned with the old ones.
   */
  reload(next: BuiltTransformer): Promise<void>;
}

/** Whether a stage (of a pre- or post-processor chain) is a transformer's. */
export function isTransformerStage(s: unknown): s is TransformerStage {
  return typeof (s as { reload?: unknown }).reload === 'function' && (s as { transformer?: unknown }).transformer !== undefined;
}

function sameColumns(a: readonly Field[], b: readonly Field[]): boolean {
  return a.length === b.length && a.every((f, i) => f.name === b[i]!.name && typeToString(f.type) === typeToString(b[i]!.type));
}

export function transformerStage(built: BuiltTransformer, index: number): TransformerStage {
  let t = built;
  let ctx: TransformerContext | undefined;
  /** The batch being transformed (a reload closes the old definition after it). */
  let inFlight: Promise<unknown> = Promise.resolve();
  /** A checkpoint restored before open(): applied once the instance is open (its state may need what open builds). */
  let pendingRestore: { state: unknown } | undefined;
  let metrics: TransformerMetrics | undefined;
  const label = `${t.def.name}`;
  const count = (inRows: number, out: Row[]): StageBatch => {
    metrics?.rowsIn.inc(inRows);
    metrics?.rowsOut.inc(out.length);
    if (inRows > out.length) metrics?.rowsDropped.inc(inRows - out.length);
    return { rows: out };
  };
  const failing = (err: unknown, batch?: StageBatch): never => {
    if (err instanceof DirkError) throw err;
    throw userError(`${t.path} (${t.def.name}) failed${batch?.origin ? ` on ${batch.origin}` : ''}: ${(err as Error).message}`, { cause: err });
  };
  const started = (): TransformerContext => {
    if (!ctx) throw new Error(`internal error: transformer ${t.path} used before open()`);
    return ctx;
  };
  return {
    get transformer() {
      return t;
    },
    async reload(next) {
      if (!sameColumns(next.output, t.output)) {
        throw userError(
          `${t.path}: ${t.def.name} was changed so that its output columns differ (${t.output.map((f) => f.name).join(', ')} -> ${next.output.map((f) => f.name).join(', ')}); not reloaded, restart the job`,
        );
      }
      if (ctx) {
        const nextCtx: TransformerContext = { ...ctx, ...next.build, output: next.output, state: ctx.state };
        await next.def.open?.(nextCtx);
        const old = { def: t.def, ctx };
        // The switch is one synchronous step: a batch is transformed wholly by the old or the new definition.
        ctx = nextCtx;
        t = next;
        await inFlight.catch(() => undefined);
        await old.def.close?.(old.ctx);
      } else t = next;
    },
    name: `transformer[${index}] ${t.def.name}`,
    input: t.input,
    output: t.output,
    async open(sc: StageContext) {
      metrics = sc.telemetry.transformerMetrics(label, t.table);
      ctx = {
        ...t.build,
        output: t.output,
        logger: sc.logger.child({ transformer: t.def.name, table: t.table }),
        telemetry: sc.telemetry,
        now: sc.now,
        state: undefined,
      };
      try {
        await t.def.open?.(ctx);
        if (pendingRestore) t.def.restore?.(pendingRestore.state, ctx);
        pendingRestore = undefined;
      } catch (err) {
        failing(err);
      }
    },
    async process(batch) {
      const c = started();
      let rows = batch.rows;
      if (batch.kinds) rows = rows.filter((_r, i) => batch.kinds![i] === RowKind.Insert || batch.kinds![i] === RowKind.UpdateAfter);
      try {
        const result = t.def.transform(rows, c);
        inFlight = Promise.resolve(result);
        return count(batch.rows.length, await result);
      } catch (err) {
        return failing(err, batch);
      }
    },
    ...(t.def.onWatermark
      ? {
          async onWatermark(time: number) {
            const rows = await t.def.onWatermark!(time, started());
            return rows && rows.length ? count(0, rows) : undefined;
          },
        }
      : {}),
    ...(t.def.snapshot ? { snapshot: () => t.def.snapshot!(started()) } : {}),
    ...(t.def.restore
      ? {
          restore: (s: unknown) => {
            if (ctx) t.def.restore!(s, ctx);
            else pendingRestore = { state: s };
          },
        }
      : {}),
    async close() {
      if (ctx) await t.def.close?.(ctx);
    },
    describe: () => [
      `${t.def.name} (${t.where === 'pre' ? `pre-processor of ${t.table}` : 'after the post-processors'})`,
      `arguments: ${JSON.stringify(Object.fromEntries(Object.entries(t.build.args).filter(([k]) => k !== 'table_name')), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`,
      `output: ${t.output.map((f) => f.name).join(', ')}`,
    ],
  };
}
