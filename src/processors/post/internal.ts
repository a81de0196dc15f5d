import { userError } from '../../core/errors.js';
import { T, type Field, type Row } from '../../core/types.js';
import { stringifyJson } from '../../schema/index.js';
import type { Stage, StageBatch, StageContext } from '../types.js';
import { castToSql } from './cast.js';
import type { Layout } from './columns.js';
import type { InternalConfig } from './config.js';

/**
 * Dagger's internal post-processors, applied together in one stage (as its InternalPostProcessor does):
 * - `sql`: a query column copied to an output column; `*` -> `*` copies every column under its own name,
 *   `*` -> `f` puts the whole query row (as a ROW) in `f`;
 * - `constant`: the value, cast to the output column's type;
 * - `function`: `CURRENT_TIMESTAMP` (processing time) or `JSON_PAYLOAD` (the query row as JSON text; Dagger
 *   serialises it with `schema_proto_class`, which must be one of the job's messages).
 */
export function createInternalStage(configs: readonly InternalConfig[], layout: Layout, registryHas: ((name: string) => boolean) | undefined): Stage {
  let now: () => number = Date.now;
  const rowType = T.row(layout.input.map((f) => ({ name: f.name, type: f.type })));
  const asObject = (row: Row): Record<string, unknown> => Object.fromEntries(layout.input.map((f, i) => [f.name, row[i] ?? null]));
  const steps: ((row: Row) => void)[] = [];
  for (const c of configs) {
    if (c.kind === 'sql' && c.outputField === '*') {
      const pairs = layout.input.map((f, i) => [i, layout.outputIndex(f.name)] as const);
      steps.push((row) => {
        for (const [from, to] of pairs) row[to] = row[from];
      });
      continue;
    }
    const to = layout.outputIndex(c.outputField);
    const field: Field = layout.working[to]!;
    switch (c.kind) {
      case 'sql': {
        if (c.value === '*') {
          steps.push((row) => (row[to] = asObject(row)));
        } else {
          const from = layout.inputIndex(c.value);
          steps.push((row) => (row[to] = row[from]));
        }
        break;
      }
      case 'constant': {
        const value = castToSql(c.value, field.type);
        steps.push((row) => (row[to] = value));
        break;
      }
      case 'function':
        if (c.fn === 'CURRENT_TIMESTAMP') {
          steps.push((row) => (row[to] = now()));
        } else {
          if (registryHas && !registryHas(c.schemaProtoClass!)) {
            throw userError(`${c.path}.internal_processor_config.schema_proto_class: ${c.schemaProtoClass} is not a message of the job's descriptors`);
          }
          steps.push((row) => (row[to] = stringifyJson(asObject(row), rowType)));
        }
        break;
    }
  }
  return {
    name: 'internal',
    input: layout.working,
    output: layout.working,
    async open(ctx: StageContext) {
      now = ctx.now;
    },
    process(batch: StageBatch): StageBatch {
      for (const row of batch.rows) for (const s of steps) s(row);
      return batch;
    },
    describe: () =>
      configs.map((c) =>
        c.kind === 'function'
          ? `${c.outputField} <- ${c.fn}()${c.schemaProtoClass ? ` (schema_proto_class ${c.schemaProtoClass})` : ''}`
          : c.kind === 'constant'
            ? `${c.outputField} <- constant ${JSON.stringify(c.value)}`
            : `${c.outputField} <- sql ${c.value}`,
      ),
  };
}

/**
 * Keeps the output columns only (Dagger's FetchOutputDecorator): the query's columns are dropped unless an
 * internal `sql` entry copied them. Output fields no stage filled are NULL.
 */
export function createProjectionStage(layout: Layout): Stage {
  const n = layout.input.length;
  const m = layout.outputs.length;
  return {
    name: 'projection',
    input: layout.working,
    output: layout.outputs,
    process(batch: StageBatch): StageBatch {
      const rows = batch.rows.map((r) => {
        const out = new Array<unknown>(m);
        for (let j = 0; j < m; j++) out[j] = r[n + j] ?? null;
        return out;
      });
      return { ...batch, rows };
    },
    describe: () => [`to [${layout.outputs.map((f) => f.name).join(', ')}]`],
  };
}
