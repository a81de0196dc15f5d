import { planBranches, type PlanNode, type QueryPlan, type WindowSpec } from '../plan/nodes.js';
import { columnRefs, planInputs } from '../plan/children.js';
import { canonicalNodes } from '../plan/reuse.js';
import { dispatchPlan, type PlanNodeOf, type PlanVisitor } from '../plan/visitor.js';
import { hasAsyncCall } from './async-calc.js';
import { paneWidth } from './window-aggregate.js';
import { joinColumns } from './state/join-columns.js';

/**
 * The physical side of `explain`: the operators `buildDataflow` creates for a plan, in the same order
 * (root first, depth first), each with the state it keeps, the inputs it reads and how it moves the
 * watermark. Kept next to `dataflow.ts` so that a new operator kind is described where it is wired.
 */
export interface PhysicalOperator {
  /** `#n`, in build order; sources come after the operators reading them. */
  readonly id: number;
  /** Operator and its parameters, e.g. `WindowAggregate[HOP panes of 60000 ms, windows of 3600000 ms]`. */
  readonly label: string;
  readonly state: string;
  /** How the output watermark relates to the input watermark, when not passed through unchanged. */
  readonly watermark?: string;
  /** Ids of the inputs (left then right for joins). */
  readonly reads: readonly number[];
  readonly depth: number;
}

export interface PhysicalOptions {
  /** FLINK_WATERMARK_DELAY_MS, shown on the sources. */
  readonly watermarkDelayMs?: number;
  /** FLINK_STATE_BACKEND_TYPE: with rocksdb, where each operator's state lives is shown. */
  readonly stateBackend?: 'hashmap' | 'rocksdb';
  /** FLINK_TABLE_OPTIMIZER_REUSE_SUB_PLAN_ENABLED (default on): a repeated sub-plan is shown once, then `Reuse[#n]`. */
  readonly reuseSubPlans?: boolean;
}

export function physicalOperators(plan: QueryPlan, options: PhysicalOptions = {}): PhysicalOperator[] {
  const out: PhysicalOperator[] = [];
  let next = 1;
  const canonical = canonicalNodes(plan, options.reuseSubPlans !== false);
  const ids = new Map<PlanNode, number>();
  const walk = (n: PlanNode, depth: number): number => {
    const id = next++;
    // Sources stay listed per scan: the job reads a table once and feeds each of them ("Read once" below).
    const first = n.kind === 'scan' ? undefined : ids.get(canonical.get(n) ?? n);
    if (first !== undefined) {
      // The dataflow builds this sub-plan once (plan/reuse.ts): its consumer reads the first copy's output.
      out.push({ id, label: `Reuse[#${first}]`, state: 'none (shared with the operator it names)', reads: [first], depth });
      return id;
    }
    ids.set(n, id);
    const slot = out.length;
    out.push({ id, label: '', state: '', reads: [], depth });
    const reads = planInputs(n).map((c) => walk(c, depth + 1));
    const d = describeOperator(n, options);
    const state = options.stateBackend === 'rocksdb' && n.kind !== 'scan' && d.state !== 'none' ? `${d.state}; ${stateHome(n)}` : d.state;
    out[slot] = { id, label: d.label, state, ...(d.watermark ? { watermark: d.watermark } : {}), reads, depth };
    return id;
  };
  // A statement set: each INSERT's operators in turn, in the order the dataflow builds them.
  const depth = plan.branches ? 1 : 0;
  for (const b of planBranches(plan)) walk(b.root, depth);
  return out;
}

/** FLINK_STATE_BACKEND_TYPE=rocksdb covers the non-windowed GROUP BY only (runtime/state/off-heap.ts). */
function stateHome(n: PlanNode): string {
  return n.kind === 'groupAggregate' && !n.window ? 'off the heap in LMDB (FLINK_STATE_BACKEND_TYPE=rocksdb)' : 'on the heap (FLINK_STATE_BACKEND_TYPE=rocksdb covers the non-windowed GROUP BY only)';
}

/** Stable text of the physical plan, one operator a line, indented under the operator that reads it. */
export function explainPhysical(plan: QueryPlan, options: PhysicalOptions = {}): string {
  const ops = physicalOperators(plan, options);
  const lines = ops.map((op) => {
    const parts = [`#${op.id} ${op.label}`, `state: ${op.state}`];
    if (op.watermark) parts.push(`watermark: ${op.watermark}`);
    if (op.reads.length === 1) parts.push(`reads #${op.reads[0]}`);
    else if (op.reads.length === 2 && isJoin(op.label)) parts.push(`reads left #${op.reads[0]}, right #${op.reads[1]}`);
    else if (op.reads.length > 1) parts.push(`reads ${op.reads.map((r) => `#${r}`).join(', ')}`);
    return `${'  '.repeat(op.depth)}${parts.join('; ')}`;
  });
  if (plan.branches) {
    // Each branch's root heads the sink it writes to.
    const roots = ops.flatMap((op, i) => (op.depth === 1 ? [i] : []));
    roots.reverse().forEach((i, k) => lines.splice(i, 0, `Sink(table=${plan.branches![plan.branches!.length - 1 - k]!.target})`));
    // The job reads a table once and pushes each batch to every branch's source operator.
    for (const table of new Set(plan.scans.map((sc) => sc.table.name))) {
      const ids = ops.filter((op) => op.label.startsWith(`Source[${table}]`)).map((op) => `#${op.id}`);
      if (ids.length > 1) lines.push(`Read once: ${table} feeds ${ids.join(', ')}`);
    }
  }
  return lines.join('\n');
}

function isJoin(label: string): boolean {
  return label.startsWith('IntervalJoin') || label.startsWith('Join') || label.startsWith('WindowJoin');
}

/** The operator's label alone (used to say which operator found a late row). */
export function operatorLabel(n: PlanNode): string {
  return describeOperator(n).label;
}

/** ", storing left [a, b] and right [c]" when a regular join stores fewer than all columns of its inputs. */
function storedText(n: PlanNodeOf<'join'>): string {
  const used = n.used && n.semi ? new Set([...n.used].filter((c) => c < n.left.fields.length)) : n.used;
  const keep = joinColumns([n.left.fields.length, n.right.fields.length], used, n.residual ? columnRefs([n.residual]) : new Set()).keep;
  if (keep[0] === null && keep[1] === null) return '';
  const side = (k: readonly number[] | null, input: PlanNode): string =>
    k === null ? `[all ${input.fields.length} columns]` : `[${k.map((i) => input.fields[i]!.name).join(', ')}]`;
  return `, storing left ${side(keep[0], n.left)} and right ${side(keep[1], n.right)}`;
}

interface OperatorText {
  label: string;
  state: string;
  watermark?: string;
}

function describeOperator(n: PlanNode, options: PhysicalOptions = {}): OperatorText {
  return dispatchPlan(n, DESCRIBE_OPERATOR, options);
}

/** Label, state and watermark handling of the operator built for each plan node kind. */
const DESCRIBE_OPERATOR: PlanVisitor<OperatorText, PhysicalOptions> = {
  scan: (n, options) => {
    const cols = [...n.used].sort((a, b) => a - b).map((i) => n.table.columns[i]?.name);
    return {
      label: `Source[${n.table.name}] decodes [${cols.join(', ')}]`,
      state: 'source positions (checkpointed)',
      ...(n.rowtimeIndex !== undefined
        ? {
            watermark:
              options.watermarkDelayMs === undefined
                ? `bounded out-of-orderness on ${n.table.columns[n.rowtimeIndex]?.name}`
                : `max(${n.table.columns[n.rowtimeIndex]?.name}) - ${options.watermarkDelayMs} ms - 1 ms`,
          }
        : {}),
    };
  },
  changelogNormalize: (n) => ({
    label: `ChangelogNormalize[key=${n.keys.map((i) => n.fields[i]!.name).join(', ')}]`,
    state: 'last row by key (checkpointed), idle-state retention',
  }),
  filter: (n) => (hasAsyncCall(n.predicate) ? { label: 'AsyncFilter', state: 'rows waiting for async calls' } : { label: 'Filter', state: 'none' }),
  project: (n) => (n.exprs.some(hasAsyncCall) ? { label: 'AsyncProject', state: 'rows waiting for async calls' } : { label: 'Project', state: 'none' }),
  union: (n) =>
    n.setOp
      ? { label: `${n.setOp.op}${n.setOp.all ? ' ALL' : ''}`, state: 'count of each distinct row per input' }
      : { label: `Union[${n.inputs.length} inputs]`, state: 'none', watermark: 'minimum of the inputs' },
  windowAggregate: (n) => ({
    label: `${n.phase === 'global' ? 'GlobalWindowAggregate' : 'WindowAggregate'}[${windowLabel(n.window)}]`,
    state: n.window.type === 'SESSION' ? 'open sessions by key, merged when they touch' : n.phase === 'global' ? 'panes by key, merged from the upstream tasks\' partials' : 'panes by key',
    watermark: n.window.proctime
      ? 'forwards it; windows fire on the processing-time clock (a timer) when it passes their end'
      : 'fires windows whose end it passes, then forwards it',
  }),
  groupAggregate: (n) =>
    n.window
      ? {
          label: `WindowGroupAggregate[${n.keys.length} keys, per window of the input]`,
          state: 'accumulators by window and key, dropped when the window closes',
          watermark: 'emits the windows whose end it passes, then forwards it',
        }
      : {
          label: `GroupAggregate[${n.keys.length} key${n.keys.length === 1 ? '' : 's'}${n.input.updating ? ', retracting input' : ''}]`,
          state: 'accumulators by key, idle-state retention',
        },
  intervalJoin: (n) => ({
    label: `IntervalJoin[${n.joinType}, right.time - left.time in [${n.lower} ms, ${n.upper} ms]]`,
    state: 'both sides by key, expire by time',
    watermark: `held back ${Math.max(0, n.upper, -n.lower)} ms`,
  }),
  join: (n) =>
    n.window
      ? {
          label: `WindowJoin[${n.joinType}, ${windowLabel(n.window.spec)}]`,
          state: 'both sides by window and key, dropped when the window closes',
          watermark: 'joins and emits the windows whose end it passes, then forwards it',
        }
      : { label: `Join[${n.semi ?? n.joinType}]`, state: `both sides by key${storedText(n)}, idle-state retention` },
  windowTvf: (n) => ({ label: `WindowTableFunction[${windowLabel(n.window)}]`, state: 'none' }),
  correlate: (n) => ({ label: n.generator.type === 'unnest' ? 'Correlate[UNNEST]' : `Correlate[${n.generator.fn.def.name}]`, state: 'none' }),
  rank: (n) => {
    if (n.dedup === 'first') return { label: 'Deduplicate[keep first]', state: 'first row by key until the watermark passes it, then its key', watermark: 'emits held rows it passes' };
    if (n.dedup === 'last') return { label: 'Deduplicate[keep last]', state: 'last row by key, idle-state retention' };
    return topNDescription(n);
  },
  over: (n) => ({
    label: `OverAggregate[${n.frame.unit} ${n.frame.preceding === 'UNBOUNDED' ? 'UNBOUNDED' : n.frame.unit === 'RANGE' ? `${n.frame.preceding} ms` : n.frame.preceding} PRECEDING]`,
    state: 'rows waiting for the watermark, frames by partition key, idle-state retention',
    watermark: 'processes rows it passes, in time order',
  }),
  temporalJoin: (n) =>
    n.leftTime !== undefined
      ? {
          label: `TemporalJoin[${n.joinType}, event time]`,
          state: 'left rows until the watermark passes them; versions by key, dropped once superseded at the watermark',
          watermark: 'joins and emits the left rows it passes, then forwards it',
        }
      : { label: `TemporalJoin[${n.joinType}, processing time]`, state: 'latest version by key' },
  match: (n) => ({
    label: `MatchRecognize[${n.pattern.length} pattern elements${n.within !== null ? `, within ${n.within} ms` : ''}${n.proctime ? ', processing time' : ''}]`,
    state: `partial matches by partition key${n.proctime ? '' : ', rows waiting for the watermark'}; rows kept only while a partial match holds them${n.within !== null ? ', pruned by WITHIN' : ''}`,
    ...(n.proctime ? {} : { watermark: 'matches the rows it passes, in time order, then forwards it' }),
  }),
  lookupJoin: (n) => ({
    label: `LookupJoin[${n.joinType}, ${n.table.name}]`,
    state: n.table.cache ? 'lookup cache (not checkpointed); rows waiting for their lookups' : 'rows waiting for their lookups',
    watermark: 'forwarded after the rows before it',
  }),
};

function topNDescription(n: Extract<PlanNode, { kind: 'rank' }>): { label: string; state: string } {
  const start = n.start ?? 1;
  if (n.limitColumn !== undefined) {
    const col = n.input.fields[n.limitColumn]!.name;
    return { label: `TopN[<= ${col}]`, state: `top rows by partition key, up to the partition's first ${col}, idle-state retention` };
  }
  if (!n.rankType) {
    return { label: `TopN[${start > 1 ? `rows ${start}..${n.limit}` : n.limit}]`, state: `top ${n.limit} rows by partition key, idle-state retention` };
  }
  return {
    label: `TopN[${n.rankType} ${start > 1 ? `${start}..${n.limit}` : `<= ${n.limit}`}]`,
    state: `rows ranked up to ${n.limit}, ties included, by partition key, idle-state retention`,
  };
}

function windowLabel(w: WindowSpec): string {
  return `${windowLabelOf(w)}${w.proctime ? ', on processing time' : ''}`;
}

function windowLabelOf(w: WindowSpec): string {
  switch (w.type) {
    case 'TUMBLE':
      return `TUMBLE panes of ${w.size} ms${w.offset ? `, offset ${w.offset} ms` : ''}`;
    case 'HOP':
      // The slide is the pane width unless the size is not a multiple of it.
      return `HOP panes of ${paneWidth(w)} ms, windows of ${w.size} ms${paneWidth(w) === w.slide ? '' : ` every ${w.slide} ms`}`;
    case 'CUMULATE':
      return `CUMULATE panes of ${w.step} ms, up to ${w.size} ms`;
    case 'SESSION':
      return `SESSION gap ${w.gap} ms`;
  }
}
