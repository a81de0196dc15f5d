import { DirkError } from '../../../core/errors.js';
import { RowKind, T, typeToString, type Field, type Row, type TableSchema } from '../../../core/types.js';
import { WatermarkTracker } from '../../../job/watermarks.js';
import { buildDataflow, type Dataflow } from '../../../runtime/dataflow.js';
import type { PlanNode, QueryPlan } from '../../../plan/nodes.js';
import { planInputs } from '../../../plan/children.js';
import { planSql } from '../../../sql/planner.js';
import { defineTransformer, type TransformerBuildContext } from '../api.js';

interface Args {
  readonly sqlQuery: string;
  readonly tableName: string;
  readonly allowedLatenessInMs: number;
}

/** Dagger gives a column named exactly `rowtime` event-time semantics (`rowtime.rowtime` in its schema string). */
const ROWTIME = 'rowtime';

interface SqlState {
  readonly dataflow: Dataflow;
  readonly watermarks: WatermarkTracker;
  readonly rowtimeIndex: number | undefined;
  /** Rows the query emitted during the current call (appends and the new side of updates). */
  out: Row[];
  emitted: number;
}

function tableOf(input: readonly Field[], ctx: TransformerBuildContext<Args>): TableSchema {
  const rowtimeIndex = input.findIndex((f) => f.name === ROWTIME);
  const columns = input.map((f, i) => {
    if (i !== rowtimeIndex) return f;
    if (f.type.kind !== 'TIMESTAMP') {
      throw ctx.argumentError('sqlQuery', `a TIMESTAMP column named rowtime (it becomes the event time of ${ctx.args.tableName})`, `rowtime of type ${typeToString(f.type)}`);
    }
    return { ...f, type: T.ROWTIME };
  });
  return { name: ctx.args.tableName, columns, rowtimeIndex: rowtimeIndex < 0 ? undefined : rowtimeIndex };
}

function plan(input: readonly Field[], ctx: TransformerBuildContext<Args>): { plan: QueryPlan; table: TableSchema } {
  const table = tableOf(input, ctx);
  const name = table.name.toLowerCase();
  try {
    const plan = planSql(ctx.args.sqlQuery, {
      table: (n) => (n.toLowerCase() === name ? table : undefined),
      tableNames: () => [table.name],
      functions: ctx.functions,
    });
    return { plan, table };
  } catch (e) {
    if (e instanceof DirkError && e.domain === 'user') throw ctx.argumentError('sqlQuery', `a query over ${table.name}`, e);
    throw e;
  }
}

/**
 * Dagger's SQLTransformer: a second SQL query over the rows arriving at the transformer, registered as table
 * `tableName` (default `data_stream`). It runs on Dirk's own planner and dataflow, with every function the
 * job has (built-ins, Dagger's library, the job's UDF folders). A column named `rowtime` becomes the event
 * time: watermarks follow its largest value minus `allowedLatenessInMs` (minus 1 ms, Flink's bounded
 * out-of-orderness rule), so windows over it fire as data arrives; the end of a bounded input fires the rest.
 * As in Dagger (`toRetractStream` keeping the accumulate messages), an updating query passes on its inserts
 * and the new values of updates; retractions are not passed on.
 */
export const SQLTransformer = defineTransformer<Args, SqlState>({
  name: 'SQLTransformer',
  description:
    'Runs a SQL query over the rows (table tableName, default data_stream) with every function of the job, including user UDFs. A column named rowtime is the event time: watermarks are its largest value minus allowedLatenessInMs. The query result is what passes on.',
  // Post only, as in Dagger: before the SQL its window results would come out behind the table's watermark.
  places: ['post'],
  arguments: {
    sqlQuery: { type: 'string', required: true, description: 'The query; its result columns are the output columns.' },
    tableName: { type: 'string', default: 'data_stream', description: 'The name the rows are registered under in sqlQuery.' },
    allowedLatenessInMs: { type: 'integer', default: 0, description: 'Watermark delay behind the largest rowtime seen (ms).' },
  },
  outputSchema(input, ctx): Field[] {
    if (ctx.args.allowedLatenessInMs < 0) throw ctx.argumentError('allowedLatenessInMs', 'a whole number of milliseconds >= 0', ctx.args.allowedLatenessInMs);
    return [...plan(input, ctx).plan.root.fields];
  },
  // A query of filters and projections keeps nothing between batches (scale-out runs it in every task).
  keepsState: (ctx) => keepsRows(plan(ctx.input, ctx).plan.root),
  open(ctx) {
    const { plan: p, table } = plan(ctx.input, ctx);
    const state: SqlState = {
      dataflow: undefined as unknown as Dataflow,
      watermarks: new WatermarkTracker(ctx.args.allowedLatenessInMs, false, 0),
      rowtimeIndex: table.rowtimeIndex,
      out: [],
      emitted: -Infinity,
    };
    (state as { dataflow: Dataflow }).dataflow = buildDataflow(
      p,
      {
        data(rows, kinds) {
          if (!kinds) {
            for (const r of rows) state.out.push(r);
            return;
          }
          rows.forEach((r, i) => {
            if (kinds[i] === RowKind.Insert || kinds[i] === RowKind.UpdateAfter) state.out.push(r);
          });
        },
        watermark: () => {},
      },
      {
        hooks: { late: (rows) => ctx.logger.debug(`SQLTransformer: ${rows.length} late row(s) dropped by the query`) },
        retentionMs: 0,
        now: () => ctx.now(),
      },
    );
    ctx.state = state;
  },
  async transform(rows, ctx): Promise<Row[]> {
    const s = ctx.state;
    s.out = [];
    const ports = s.dataflow.inputs;
    if (s.rowtimeIndex !== undefined) s.watermarks.observe('all', rows, s.rowtimeIndex, ctx.now());
    for (const p of ports) p.push(rows);
    await s.dataflow.settle();
    if (s.rowtimeIndex !== undefined) advance(s, s.watermarks.current(ctx.now()));
    s.dataflow.batchEnd();
    await s.dataflow.settle();
    const out = s.out;
    s.out = [];
    return out;
  },
  async onWatermark(time, ctx) {
    // The query's event time comes from its own rowtime column, as in Dagger; only the end of the input
    // (event time +infinity upstream) is taken from outside, so the last windows fire.
    if (time !== Infinity) return undefined;
    const s = ctx.state;
    s.out = [];
    advance(s, Infinity);
    s.dataflow.batchEnd();
    await s.dataflow.settle();
    const out = s.out;
    s.out = [];
    return out;
  },
  snapshot(ctx) {
    const s = ctx.state;
    return { operators: s.dataflow.snapshot(), watermarks: s.watermarks.snapshot(), emitted: s.emitted };
  },
  restore(snapshot, ctx) {
    const snap = snapshot as { operators: unknown[]; watermarks: ReturnType<WatermarkTracker['snapshot']>; emitted: number };
    ctx.state.dataflow.restore(snap.operators);
    ctx.state.watermarks.restore(snap.watermarks);
    ctx.state.emitted = snap.emitted;
  },
  examples: [
    {
      title: "Dagger's docs example: distinct data1 per data2 in one-minute windows",
      config: {
        transformation_class: 'SQLTransformer',
        transformation_arguments: {
          sqlQuery:
            'SELECT count(distinct data1) AS `count`, data2, TUMBLE_END(rowtime, INTERVAL \'60\' SECOND) AS event_timestamp FROM data_stream group by TUMBLE (rowtime, INTERVAL \'60\' SECOND), data2',
        },
      },
      input: {
        columns: [
          { name: 'data1', type: 'STRING' },
          { name: 'rowtime', type: 'TIMESTAMP' },
          { name: 'data2', type: 'STRING' },
        ],
        rows: [
          ['a', 0, 'x'],
          ['b', 10_000, 'x'],
          ['a', 20_000, 'x'],
          ['c', 30_000, 'y'],
          ['d', 61_000, 'x'],
        ],
      },
      output: [
        [2, 'x', 60_000],
        [1, 'y', 60_000],
      ],
    },
  ],
});

/** Plan nodes that keep nothing from one batch to the next. */
const STATELESS = new Set<PlanNode['kind']>(['scan', 'filter', 'project', 'correlate', 'windowTvf', 'union', 'lookupJoin']);

/** Whether any operator of the plan holds rows or aggregates across batches. */
function keepsRows(n: PlanNode): boolean {
  return !STATELESS.has(n.kind) || planInputs(n).some(keepsRows);
}

function advance(s: SqlState, wm: number): void {
  if (wm <= s.emitted) return;
  s.emitted = wm;
  for (const p of s.dataflow.inputs) p.watermark(wm);
}

