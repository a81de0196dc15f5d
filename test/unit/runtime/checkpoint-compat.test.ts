import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RowKind, type Row, type SqlType, type TableSchema } from '../../../src/core/types.js';
import { CheckpointStore } from '../../../src/runtime/checkpoint-store.js';
import { buildDataflow, type Dataflow } from '../../../src/runtime/dataflow.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import { planSql } from '../../../src/sql/planner.js';
import { createFunctionCatalog } from '../../../src/udf/registry.js';

/**
 * Checkpoints written by an older Dirk (test/fixtures/checkpoints-v1, made by make-fixtures.mjs from main
 * before the operators' construction change) restore into today's operators: the rows after the restore are
 * exactly those of one uninterrupted run over all the input.
 */
type Step = { readonly watermark: number | string } | { readonly rows: readonly { readonly table: string; readonly row: Row }[] };
interface Fixture {
  readonly tables: readonly { readonly name: string; readonly columns: readonly [string, string][] }[];
  readonly before: readonly Step[];
  readonly after: readonly Step[];
  readonly scenarios: readonly { readonly name: string; readonly sql: string }[];
}

const dir = join(import.meta.dirname, '../../fixtures/checkpoints-v1');
const fixture = JSON.parse(readFileSync(join(dir, 'scenarios.json'), 'utf8')) as Fixture;
const TYPES: Record<string, SqlType> = { STRING: { kind: 'STRING' }, BIGINT: { kind: 'BIGINT' }, ROWTIME: { kind: 'TIMESTAMP', precision: 3, rowtime: true } };
const tables: TableSchema[] = fixture.tables.map((t) => ({
  name: t.name,
  columns: t.columns.map(([name, kind]) => ({ name, type: TYPES[kind]! })),
  rowtimeIndex: t.columns.findIndex(([, kind]) => kind === 'ROWTIME'),
}));
const functions = createFunctionCatalog(builtinFunctions);
const KIND = ['+I', '-U', '+U', '-D'];

function start(sql: string): { flow: Dataflow; out: string[] } {
  const plan = planSql(sql, { table: (n) => tables.find((t) => t.name === n), tableNames: () => tables.map((t) => t.name), functions });
  const out: string[] = [];
  const sink = {
    data: (rows: Row[], kinds?: RowKind[]) => rows.forEach((r, i) => out.push(`${KIND[kinds?.[i] ?? RowKind.Insert]}${JSON.stringify(r)}`)),
    watermark() {},
  };
  return { flow: buildDataflow(plan, sink, { hooks: { late() {} }, retentionMs: 0, now: () => 0 }), out };
}

async function run(flow: Dataflow, steps: readonly Step[]): Promise<void> {
  for (const step of steps) {
    if ('watermark' in step) {
      for (const i of flow.inputs) i.watermark(Number(step.watermark));
      continue;
    }
    for (const i of flow.inputs) {
      const rows = step.rows.filter((r) => r.table === i.table).map((r) => r.row);
      if (rows.length > 0) i.push(rows);
    }
    await flow.settle();
    flow.batchEnd();
  }
}

describe('checkpoints of an older Dirk restore into the current operators', () => {
  for (const s of fixture.scenarios) {
    it(s.name, async () => {
      const whole = start(s.sql);
      await run(whole.flow, fixture.before);
      const split = whole.out.length;
      await run(whole.flow, fixture.after);
      const expected = whole.out.slice(split);
      expect(expected.length).toBeGreaterThan(0);

      const saved = new CheckpointStore(join(dir, s.name)).latest();
      expect(saved?.operatorStates.length).toBeGreaterThan(0);
      const resumed = start(s.sql);
      resumed.flow.restore(saved!.operatorStates);
      await run(resumed.flow, fixture.after);
      expect(resumed.out).toEqual(expected);

      // The restored state matters: without it the same input gives other rows.
      const fresh = start(s.sql);
      await run(fresh.flow, fixture.after);
      expect(fresh.out).not.toEqual(expected);
    });
  }
});
