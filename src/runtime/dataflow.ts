import { join } from 'node:path';
import type { Field, Row, RowKind } from '../core/types.js';
import type { PlanNode, QueryPlan } from '../plan/nodes.js';
import { collectScans, planInputs } from '../plan/children.js';
import { canonicalNodes } from '../plan/reuse.js';
import { dispatchPlan, type PlanVisitor } from '../plan/visitor.js';
import { CorrelateOperator } from './correlate.js';
import { RankOperator } from './rank.js';
import { OverAggregateOperator } from './over-aggregate.js';
import { MatchRecognizeOperator } from './match/operator.js';
import { StreamingJoinOperator } from './outer-join.js';
import { aggregateHasAsyncCall, AsyncAggregateInput, AsyncCalcOperator, hasAsyncCall, type AggregateExprs } from './async-calc.js';
import { FilterOperator, GroupAggregateOperator, ProjectOperator, UnionOperator } from './basic-operators.js';
import { IntervalJoinOperator } from './join-operators.js';
import type { LateDetail, Operator, OperatorContext, OperatorHooks, Output } from './operator.js';
import { isVersionedState, readVersionedState, versionedState } from './state/versioned.js';
import { operatorLabel } from './physical-plan.js';
import { WindowAggregateOperator } from './window-aggregate.js';
import { WindowTvfOperator } from './window-tvf.js';
import { WindowGroupAggregateOperator } from './window-group-aggregate.js';
import { WindowJoinOperator } from './window-join.js';
import { SetOperationOperator } from './set-operation.js';
import { EntryCounter } from './state/keyed-state.js';
import { LookupJoinOperator, type LookupClients } from './lookup-join.js';
import { TemporalJoinOperator } from './temporal-join.js';
import { ChangelogNormalizeOperator } from './changelog-normalize.js';

/**
 * Wires a plan into a graph of operators. Each node aligns watermarks over its inputs (it sees the minimum),
 * so a join or union never runs ahead of its slowest input. Sources push micro-batches in; the sink
 * receives what the root emits.
 */
/** Late rows as the job sees them: which operator dropped them, at which watermark, and what they hold. */
export interface LateInfo extends LateDetail {
  /** The operator's label, as in the physical plan (`WindowAggregate[TUMBLE panes of 60000 ms]`). */
  readonly operator: string;
  /** The columns of the rows (the operator's input at `input`). */
  readonly fields: readonly Field[];
  /** The input's event-time column, when it has one. */
  readonly rowtimeIndex: number | undefined;
  /** The one table the rows come from, when the input reads a single table. */
  readonly table: string | undefined;
  /** Every table under that input. */
  readonly tables: readonly string[];
}

export interface DataflowHooks {
  late(rows: Row[], info: LateInfo): void;
}

export interface DataflowOptions {
  readonly hooks: DataflowHooks;
  readonly retentionMs: number;
  readonly now: () => number;
  /**
   * Row counts per operator (dirk_operator_records_in/out_total), asked once per operator with its place in
   * the graph (0 = the root) and its physical-plan label. Counted per batch, not per row.
   */
  readonly countRecords?: (index: number, label: string) => RecordCounter;
  /** Clients for the plan's lookup tables (lookup joins); the job opens and closes them. */
  readonly lookups?: LookupClients;
  /**
   * FLINK_STATE_BACKEND_TYPE=rocksdb: the folder under which each supporting operator keeps its off-heap
   * store (`op<index>`), and the entries each keeps decoded on the heap.
   */
  readonly offHeap?: { readonly localDir: string; readonly cacheEntries: number } | undefined;
  /**
   * FLINK_TABLE_OPTIMIZER_REUSE_SUB_PLAN_ENABLED (default on): a sub-plan the query computes twice runs once
   * and feeds all its consumers (plan/reuse.ts). Off, every node of the plan is an operator of its own.
   */
  readonly reuseSubPlans?: boolean;
}

export interface RecordCounter {
  in(rows: number): void;
  out(rows: number): void;
}

export interface Dataflow {
  /** One entry per scan of the plan, in plan.scans order. */
  readonly inputs: readonly DataflowInput[];
  /** Marks the end of a mini-batch (one source batch): operators may emit coalesced updates. */
  batchEnd(): void;
  /**
   * The processing-time clock may have moved: processing-time windows whose end it passed fire. True when
   * rows were emitted. Absent when the plan has nothing on processing time.
   */
  processingTime?(): boolean;
  /** Resolves when no operator has asynchronous work (async UDF lookups) in flight; rejects if it failed. */
  settle(): Promise<void>;
  snapshot(): unknown[];
  restore(states: unknown[]): void;
  /** Entries of operator state now, without walking or copying it (for the heap guard's message). */
  stateEntries(): number;
  /** Closes the operators' off-heap stores (the job calls it when the pipeline closes). */
  close(): Promise<void>;
  readonly operators: readonly Operator[];
}

export interface DataflowInput {
  readonly table: string;
  /** `kinds`: a changelog input's row kinds (absent: inserts). */
  push(rows: Row[], kinds?: RowKind[]): void;
  watermark(time: number): void;
}

class Node implements Output {
  readonly inputWatermarks: number[];
  current = -Infinity;
  op!: Operator;
  /** Consumers after the first: a shared sub-plan (plan/reuse.ts) feeds each of them the same rows. */
  private readonly more: Output[] = [];
  constructor(
    inputs: number,
    private readonly downstream: Output,
    private readonly counter: RecordCounter | undefined,
  ) {
    this.inputWatermarks = new Array<number>(inputs).fill(-Infinity);
  }
  addConsumer(o: Output): void {
    this.more.push(o);
  }
  data(rows: Row[], kinds?: RowKind[]): void {
    this.counter?.out(rows.length);
    this.downstream.data(rows, kinds);
    // Operators never change the rows they are given (a scan's batch already goes to several branches).
    for (const o of this.more) o.data(rows, kinds);
  }
  watermark(time: number): void {
    this.downstream.watermark(time);
    for (const o of this.more) o.watermark(time);
  }
  /** Called by the upstream of input `i`. */
  inputPort(i: number): Output {
    return {
      data: (rows, kinds) => {
        this.counter?.in(rows.length);
        this.op.process(rows, kinds, i);
      },
      watermark: (time) => {
        if (time <= this.inputWatermarks[i]!) return;
        this.inputWatermarks[i] = time;
        this.op.onInputWatermark?.(i, time);
        let min = Infinity;
        for (const w of this.inputWatermarks) if (w < min) min = w;
        if (min > this.current) {
          this.current = min;
          if (this.op.onWatermark) this.op.onWatermark(min);
          else this.watermark(min);
        }
      },
    };
  }
}

/**
 * `sink`: where the root's rows go; for a statement set (plan.branches), one output per branch, in order.
 * The branches' operators are listed one branch after the other; a table scanned by several branches is one
 * input per scan, and the job pushes each source batch to every input of its table (decoded once).
 */
export function buildDataflow(plan: QueryPlan, sink: Output | readonly Output[], options: DataflowOptions): Dataflow {
  const operators: Operator[] = [];
  const inputs: DataflowInput[] = [];
  const scanPorts = new Map<PlanNode, Output[]>();
  const counter = new EntryCounter();

  const canonical = canonicalNodes(plan, options.reuseSubPlans !== false);
  const built = new Map<PlanNode, Node>();
  /** Every operator after all of its inputs (a post-order of the graph): the order batch ends run in. */
  const upstreamFirst: Operator[] = [];

  const build = (planNode: PlanNode, downstream: Output): void => {
    const n = canonical.get(planNode) ?? planNode;
    if (n.kind === 'scan') {
      const ports = scanPorts.get(n) ?? [];
      ports.push(downstream);
      scanPorts.set(n, ports);
      return;
    }
    const shared = built.get(n);
    if (shared) {
      shared.addConsumer(downstream);
      return;
    }
    const inputs = planInputs(n);
    const node = new Node(inputs.length, downstream, options.countRecords?.(operators.length, operatorLabel(n)));
    built.set(n, node);
    const offHeap = options.offHeap ? { dir: join(options.offHeap.localDir, `op${operators.length}`), cacheEntries: options.offHeap.cacheEntries } : undefined;
    const ctx: OperatorContext = { out: node, hooks: operatorHooks(n, options.hooks), retentionMs: options.retentionMs, now: options.now, counter, offHeap };
    node.op = n.kind === 'lookupJoin' ? lookupJoinOperator(n, ctx, options.lookups) : makeOperator(n, ctx);
    if (node.op.snapshot && !node.op.stateSpec) throw new Error(`internal error: operator ${node.op.name} has a snapshot but no state kind and version`);
    operators.push(node.op);
    inputs.forEach((inp, i) => build(inp, node.inputPort(i)));
  };
  // Inputs right to left, then the operator: for a tree this is the reverse of the build order (pre-order),
  // the order batch ends always ran in; with shared sub-plans it still ends every input before its consumers.
  const visited = new Set<PlanNode>();
  const orderUpstreamFirst = (planNode: PlanNode): void => {
    const n = canonical.get(planNode) ?? planNode;
    if (n.kind === 'scan' || visited.has(n)) return;
    visited.add(n);
    const inputs = planInputs(n);
    for (let i = inputs.length - 1; i >= 0; i--) orderUpstreamFirst(inputs[i]!);
    upstreamFirst.push(built.get(n)!.op);
  };
  if (plan.branches) {
    const sinks = Array.isArray(sink) ? sink : [];
    if (sinks.length !== plan.branches.length) throw new Error(`internal error: ${plan.branches.length} branches, ${sinks.length} outputs`);
    plan.branches.forEach((b, i) => build(b.root, sinks[i]!));
    for (let i = plan.branches.length - 1; i >= 0; i--) orderUpstreamFirst(plan.branches[i]!.root);
  } else {
    if (Array.isArray(sink)) throw new Error('internal error: several outputs for a plan of one result');
    build(plan.root, sink as Output);
    orderUpstreamFirst(plan.root);
  }

  for (const scan of plan.scans) {
    const ports = scanPorts.get(scan) ?? [];
    inputs.push({
      table: scan.table.name,
      push(rows, kinds) {
        for (const p of ports) p.data(rows, kinds);
      },
      watermark(time) {
        for (const p of ports) p.watermark(time);
      },
    });
  }

  const asyncOps = operators.filter((op) => op.pending !== undefined);
  const timed = upstreamFirst.filter((op) => op.onProcessingTime !== undefined);
  return {
    inputs,
    operators,
    // Upstream first, as batchEnd: a window fired here reaches its consumers in the same call.
    ...(timed.length > 0
      ? {
          processingTime() {
            let emitted = false;
            for (const op of timed) if (op.onProcessingTime!()) emitted = true;
            return emitted;
          },
        }
      : {}),
    async settle() {
      for (;;) {
        const waiting = asyncOps.map((op) => op.pending!()).filter((p) => p !== undefined);
        if (waiting.length === 0) return;
        await Promise.all(waiting);
      }
    },
    batchEnd() {
      // Upstream first: every input ends before its consumers, so a stacked aggregation emits a batch's
      // updates in that same batch.
      for (const op of upstreamFirst) op.onBatchEnd?.();
    },
    async close() {
      await Promise.all(operators.map((op) => op.close?.()));
    },
    stateEntries() {
      let n = counter.entries;
      for (const op of operators) n += op.stateEntries?.() ?? 0;
      return n;
    },
    // Each state travels as { $kind, $v, data } (runtime/state/versioned.ts).
    snapshot: () => operators.map((op) => (op.snapshot && op.stateSpec ? versionedState(op.stateSpec, op.snapshot()) : null)),
    restore(saved) {
      // A checkpoint of the same query planned with more or fewer stateless operators (a filter pushed below a
      // join by a newer build, plan-pushdown.ts) restores when its stateful operators match one for one.
      const states = saved.length === operators.length ? saved : (alignStatefulStates(saved, operators) ?? saved);
      if (states.length !== operators.length) {
        throw new Error(
          `checkpoint has state for ${states.length} operators, the plan has ${operators.length}: the query changed (or FLINK_TABLE_OPTIMIZER_REUSE_SUB_PLAN_ENABLED did: a checkpoint taken by a build before sub-plan reuse, of a query that computes a sub-plan twice, restores with it set to false)`,
        );
      }
      operators.forEach((op, i) => {
        const s = states[i];
        if (s === null || s === undefined || !op.restore || !op.stateSpec) return;
        op.restore(readVersionedState(op.stateSpec, s, `operator #${i} (${op.name})`));
      });
    },
  };
}

/**
 * The saved states placed on `operators` by matching the stateful ones in order, each by its state kind;
 * undefined unless the saved states of stateful operators and the plan's stateful operators pair up exactly.
 */
export function alignStatefulStates(saved: readonly unknown[], operators: readonly Pick<Operator, 'snapshot' | 'stateSpec'>[]): unknown[] | undefined {
  const kept = saved.filter((s) => s !== null && s !== undefined);
  const stateful = operators.flatMap((op, i) => (op.snapshot && op.stateSpec ? [{ kind: op.stateSpec.kind, i }] : []));
  if (kept.length !== stateful.length) return undefined;
  const out: unknown[] = operators.map(() => null);
  for (let j = 0; j < kept.length; j++) {
    const s = kept[j];
    if (!isVersionedState(s) || s.$kind !== stateful[j]!.kind) return undefined;
    out[stateful[j]!.i] = s;
  }
  return out;
}

/** Binds an operator's late rows to what the plan knows about its inputs. */
function operatorHooks(n: PlanNode, hooks: DataflowHooks): OperatorHooks {
  const inputs = n.kind === 'scan' ? [] : n.kind === 'union' ? n.inputs : n.kind === 'intervalJoin' || n.kind === 'join' || n.kind === 'temporalJoin' ? [n.left, n.right] : [n.input];
  const operator = operatorLabel(n);
  const described = inputs.map((i) => {
    const tables = [...new Set(collectScans(i).map((scan) => scan.table.name))];
    return { fields: i.fields, rowtimeIndex: i.rowtimeIndex, tables, table: tables.length === 1 ? tables[0] : undefined };
  });
  return {
    late(rows, detail) {
      const d = described[detail.input] ?? { fields: [], rowtimeIndex: undefined, tables: [], table: undefined };
      hooks.late(rows, { ...detail, operator, ...d });
    },
  };
}

/** Late rows reported without the columns an async pre-step appended (they are the input's rows again). */
function trimLateRows(hooks: OperatorHooks, width: number): OperatorHooks {
  return { late: (rows, detail) => hooks.late(rows.map((r) => (r.length > width ? r.slice(0, width) : r)), detail) };
}

function makeOperator(n: Exclude<PlanNode, { kind: 'scan' | 'lookupJoin' }>, ctx: OperatorContext): Operator {
  return dispatchPlan<Operator, OperatorContext, 'scan' | 'lookupJoin'>(n, OPERATORS, ctx);
}

function lookupJoinOperator(n: Extract<PlanNode, { kind: 'lookupJoin' }>, ctx: OperatorContext, lookups: LookupClients | undefined): Operator {
  if (!lookups) throw new Error(`internal error: the lookup join on ${n.table.name} was built without lookup clients`);
  return new LookupJoinOperator(n, ctx, lookups);
}

/** The operator for each plan node kind (scans become dataflow inputs, not operators; lookup joins need clients). */
const OPERATORS: PlanVisitor<Operator, OperatorContext, 'scan' | 'lookupJoin'> = {
  changelogNormalize: (n, ctx) => new ChangelogNormalizeOperator({ keys: n.keys }, ctx),
  filter: (n, ctx) =>
    hasAsyncCall(n.predicate)
      ? new AsyncCalcOperator({ kind: 'filter', predicate: n.predicate, width: n.input.fields.length }, ctx)
      : new FilterOperator({ predicate: n.predicate }, ctx),
  project: (n, ctx) =>
    n.exprs.some(hasAsyncCall) ? new AsyncCalcOperator({ kind: 'project', exprs: n.exprs, width: n.input.fields.length }, ctx) : new ProjectOperator({ exprs: n.exprs }, ctx),
  union: (n, ctx) => (n.setOp ? new SetOperationOperator({ ...n.setOp, width: n.fields.length }, ctx) : new UnionOperator({}, ctx)),
  windowAggregate: (n, ctx) => {
    // Async calls in keys, arguments or FILTER: computed by an async pre-step into extra columns first.
    if (aggregateHasAsyncCall(n)) {
      const hooks = trimLateRows(ctx.hooks, n.input.fields.length);
      const build = (e: AggregateExprs): Operator => new WindowAggregateOperator({ window: n.window, keys: e.keys, aggs: e.aggs }, { ...ctx, hooks });
      return new AsyncAggregateInput({ exprs: n, width: n.input.fields.length, build }, ctx);
    }
    return new WindowAggregateOperator({ window: n.window, keys: n.keys, aggs: n.aggs, global: n.phase === 'global' }, ctx);
  },
  groupAggregate: (n, ctx) => {
    const w = n.window;
    const updatingInput = n.input.updating;
    const build = (e: AggregateExprs): Operator =>
      w ? new WindowGroupAggregateOperator({ keys: e.keys, aggs: e.aggs, window: w }, ctx) : new GroupAggregateOperator({ keys: e.keys, aggs: e.aggs, updatingInput }, ctx);
    return aggregateHasAsyncCall(n) ? new AsyncAggregateInput({ exprs: n, width: n.input.fields.length, build }, ctx) : build(n);
  },
  intervalJoin: (n, ctx) =>
    new IntervalJoinOperator(
      {
        joinType: n.joinType,
        leftKeys: n.leftKeys,
        rightKeys: n.rightKeys,
        leftTime: n.leftTime,
        rightTime: n.rightTime,
        lower: n.lower,
        upper: n.upper,
        residual: n.residual,
        leftWidth: n.left.fields.length,
        rightWidth: n.right.fields.length,
      },
      ctx,
    ),
  join: (n, ctx) =>
    n.window
      ? new WindowJoinOperator(
          {
            joinType: n.joinType,
            leftKeys: n.leftKeys,
            rightKeys: n.rightKeys,
            residual: n.residual,
            window: n.window,
            leftWidth: n.left.fields.length,
            rightWidth: n.right.fields.length,
          },
          ctx,
        )
      : new StreamingJoinOperator(
          {
            joinType: n.joinType,
            leftKeys: n.leftKeys,
            rightKeys: n.rightKeys,
            residual: n.residual,
            leftWidth: n.left.fields.length,
            rightWidth: n.right.fields.length,
            ...(n.semi ? { semi: n.semi } : {}),
            ...(n.used ? { used: n.used } : {}),
          },
          ctx,
        ),
  windowTvf: (n, ctx) => new WindowTvfOperator({ window: n.window }, ctx),
  temporalJoin: (n, ctx) => new TemporalJoinOperator(n, ctx),
  correlate: (n, ctx) => new CorrelateOperator(n, ctx),
  rank: (n, ctx) => new RankOperator(n, ctx),
  over: (n, ctx) => new OverAggregateOperator(n, ctx),
  match: (n, ctx) => new MatchRecognizeOperator(n, ctx),
};
