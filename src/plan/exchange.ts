import { T, type Field, type TableSchema } from '../core/types.js';
import { userError } from '../core/errors.js';
import type { AggCall, BExpr, PlanNode, QueryPlan, WindowSpec } from './nodes.js';
import { collectScans, planInputs } from './children.js';

/**
 * Where a plan is cut for scale-out. A keyed operator (window or group aggregate, Top-N / deduplication,
 * OVER, a regular or interval join) needs every row of one key in one task, but Kafka deals partitions out
 * by the producer's record key, which the job cannot see. So the plan is cut below the keyed operator: the
 * *upstream* half of each input (the scan and the stateless operators on it: filter, project,
 * TUMBLE/HOP/CUMULATE window TVFs, UNNEST) runs in whichever task owns a source partition and writes its
 * rows to the repartition topic, partitioned by the operator key; the *downstream* half (the keyed operator
 * and everything above it) reads that topic as a table per input, one instance per repartition partition,
 * in whichever task owns that partition.
 *
 * A join has two inputs (sides): both go through the one repartition topic, each record tagged with its
 * side and partitioned by that side's equi-join key, so the rows of both sides with one key meet in one
 * partition (the key values hash alike on both sides: `exchange-hash.ts` hashes values, not types).
 *
 * The upstream rows carry the source record's offset as one extra column (added to every project on the
 * way up) so the downstream can drop rows a re-reading upstream task writes twice.
 */
export interface ExchangeSide {
  /** The operator key over this side's exchanged rows (without the offset column). */
  readonly keys: readonly BExpr[];
  /** The exchanged rows, as the downstream half reads them (one table name per side). */
  readonly table: TableSchema;
  /** A side fed by a source: the Kafka table its upstream half reads (absent for a side fed by a stage). */
  readonly sourceTable?: string;
  /** A side fed by a source: the upstream half, whose root's rows are written to the repartition topic. */
  readonly upstream?: QueryPlan;
  /** A side fed by a source: where the source offset travels in the upstream root's rows (removed before writing). */
  readonly offsetIndex?: number;
  /**
   * A side fed by another stage (a keyed operator below, whose key the exchange does not keep): that
   * stage's index in `ExchangePlan.stages`. Its rows are a changelog: each carries its row kind.
   */
  readonly from?: number;
}

/** Two-phase ("local-global") window aggregation across the exchange (Flink's LocalWindowAggregate / GlobalWindowAggregate). */
export interface LocalPhase {
  readonly window: WindowSpec;
  /** The group keys over the exchanged rows (the window aggregate's input). */
  readonly keys: readonly BExpr[];
  readonly aggs: readonly AggCall[];
}

/** How the keyed operator's aggregation is split across the exchange (FLINK_TABLE_OPTIMIZER_AGG_PHASE_STRATEGY). */
export type AggPhaseStrategy = 'AUTO' | 'TWO_PHASE' | 'ONE_PHASE';

export interface ExchangeOptions {
  readonly aggPhase?: AggPhaseStrategy;
  /** Why a window aggregate cannot run in two phases, or undefined when it can (the runtime knows its aggregates). */
  readonly twoPhaseBlocker?: (n: Extract<PlanNode, { kind: 'windowAggregate' }>) => string | undefined;
}

/**
 * One stage of the cut: a keyed operator (with any keyed operators above it that keep its partitioning,
 * and the stateless nodes above them) reading its inputs from its own repartition topic. Its own side
 * fields are the first side's (the only one but for joins).
 */
export interface ExchangeStagePlan extends ExchangeSide {
  /** Where it stands in `ExchangePlan.stages` (0: the stage whose output is the job's). */
  readonly index: number;
  /** Names the internal topics: `<job id>-<operator>-repartition`. */
  readonly operator: string;
  /** The keyed operator's label for explain. */
  readonly operatorKind: PlanNode['kind'];
  /** The repartition topic (every side's records, tagged by side). */
  readonly topic: string;
  /** The compacted topic its state per partition is kept in. */
  readonly changelog: string;
  /** One side per input of the keyed operator: two for a join (left, right), else one. */
  readonly sides: readonly ExchangeSide[];
  /** The stage's part of the plan, with each input of its keyed operator replaced by a scan of its side's table. */
  readonly downstream: QueryPlan;
  /**
   * Two-phase: each source batch's rows are folded per (pane, key) upstream and the exchange carries the
   * partials (the side's `table` is then the partial rows' layout); the downstream window aggregate merges them.
   */
  readonly local?: LocalPhase;
  /** For explain: one or two phases, and why one when it is one. */
  readonly phases?: string;
  /** Where the stage's output goes: a side of another stage, or (absent) the job's output. */
  readonly into?: { readonly stage: number; readonly side: number };
}

/**
 * The cut: the stage whose output is the job's (its fields), and every stage, that one first, then the
 * stages feeding it (depth first, left to right). One stage is the shape every job had before chains.
 */
export interface ExchangePlan extends ExchangeStagePlan {
  readonly stages: readonly ExchangeStagePlan[];
}

type Node = PlanNode;

const STATELESS = new Set<Node['kind']>(['scan', 'filter', 'project', 'correlate', 'windowTvf']);

function isStatelessNode(n: Node): boolean {
  if (!STATELESS.has(n.kind)) return false;
  return !(n.kind === 'windowTvf' && (n.window.type === 'SESSION' || n.partitionKeys));
}

/** The key a keyed operator groups its state by, one per input (over that input), or undefined for other nodes. */
function operatorKeys(n: Node): readonly (readonly BExpr[])[] | undefined {
  switch (n.kind) {
    case 'windowAggregate':
      return [n.keys];
    case 'groupAggregate': {
      // window_start / window_end of a windowed input are not needed to place a group: every window of a
      // key goes to the key's partition.
      const w = n.window;
      return [w ? n.keys.filter((_, i) => i !== w.startKey && i !== w.endKey) : n.keys];
    }
    case 'rank':
    case 'over':
    case 'match':
      return [n.partitionKeys];
    case 'join':
    case 'intervalJoin':
      return [n.leftKeys, n.rightKeys];
    default:
      return undefined;
  }
}

/** What a keyed operator is, in words (for refusals). */
function describe(n: Node): string {
  switch (n.kind) {
    case 'windowAggregate':
      return 'a window aggregate';
    case 'groupAggregate':
      return 'a group aggregate';
    case 'rank':
      return 'a Top-N / deduplication';
    case 'over':
      return 'an OVER aggregate';
    case 'intervalJoin':
      return 'an interval join';
    case 'join':
      return n.window ? 'a window join' : n.semi ? `a ${n.semi.toLowerCase()} join (IN / EXISTS)` : 'a join';
    default:
      return n.kind;
  }
}

const UNSUPPORTED = new Set<Node['kind']>(['union', 'lookupJoin', 'temporalJoin']);

const PREFIX = 'DIRK_EXCHANGE_ENABLE (or DIRK_TASKS / FLINK_PARALLELISM > 1)';

/**
 * Finds the cut for `plan` (reading `kafkaTables`, the job's unbounded Kafka tables), or undefined when the
 * plan has no keyed operator (every task can run the whole plan on its partitions). Throws a user error for
 * shapes the exchange does not handle yet.
 *
 * The plan becomes a tree of stages: each keyed operator whose input is not already partitioned by its key
 * reads that input from its own repartition topic. An input that is another keyed operator's output goes
 * through an exchange too (that operator's stage writes its changelog there), unless the lower operator's
 * key columns all stand in the upper one's key: every row of an upper group then lies in one partition
 * already, and both run in one stage (Nexmark q4's GROUP BY id, category over a join on id).
 */
export function planExchange(plan: QueryPlan, jobId: string, kafkaTables: ReadonlySet<string>, opts: ExchangeOptions = {}): ExchangePlan | undefined {
  const unsupported: string[] = [];
  let anyKeyed = false;
  const walk = (n: Node): void => {
    if (n.kind === 'union' && n.setOp) unsupported.push(`a set operation (${n.setOp.op}${n.setOp.all ? ' ALL' : ''})`);
    if (n.kind === 'lookupJoin' || n.kind === 'temporalJoin') unsupported.push(`a ${n.kind === 'lookupJoin' ? 'lookup' : 'temporal'} join`);
    if ((n.kind === 'windowAggregate' || n.kind === 'windowTvf') && n.window.proctime) unsupported.push('a processing-time window');
    if (n.kind === 'changelogNormalize') unsupported.push('an upsert table (its ChangelogNormalize)');
    if (operatorKeys(n)) anyKeyed = true;
    for (const i of planInputs(n)) walk(i);
  };
  walk(plan.root);
  if (unsupported.length === 0 && !anyKeyed) return undefined;
  const stages: ExchangeStagePlan[] = [];
  if (unsupported.length === 0) cutStage(plan.root, undefined, { jobId, kafkaTables, opts, stages, unsupported });
  if (unsupported.length > 0) {
    throw userError(
      `${PREFIX}: the query needs ${[...new Set(unsupported)].join(', ')}, which the repartitioning exchange does not support yet; ` +
        'it supports keyed operators (window or group aggregates, Top-N / deduplication, OVER, regular or interval joins, also over each other\'s output) over filters, projections and window TVFs of Kafka tables, ' +
        'with only filters and projections between them. Run the job as one task (DIRK_TASKS=1, FLINK_PARALLELISM=1, DIRK_EXCHANGE_ENABLE=false).',
    );
  }
  return { ...stages[0]!, stages };
}

interface CutContext {
  readonly jobId: string;
  readonly kafkaTables: ReadonlySet<string>;
  readonly opts: ExchangeOptions;
  readonly stages: ExchangeStagePlan[];
  readonly unsupported: string[];
}

function hasKeyed(n: Node): boolean {
  return operatorKeys(n) !== undefined || planInputs(n).some(hasKeyed);
}

/** Below `n`, through stateless single-input nodes: the first node that is not one, and the nodes passed (top down). */
function descendStateless(n: Node): { below: Node; path: Node[] } {
  const path: Node[] = [];
  while (n.kind !== 'scan' && isStatelessNode(n)) {
    path.push(n);
    n = planInputs(n)[0]!;
  }
  return { below: n, path };
}

/**
 * The stage whose root is `root` (its output goes `into` a side of another stage, or is the job's): from
 * the root down to its first keyed operator, down through keyed operators that keep its partitioning, and
 * one side per input of the last one; a side over another keyed operator is a stage of its own. Returns
 * the stage's index (or -1 when the shape was refused, with the reason in `c.unsupported`).
 */
function cutStage(root: Node, into: ExchangeStagePlan['into'], c: CutContext): number {
  const index = c.stages.length;
  c.stages.push(undefined as unknown as ExchangeStagePlan);
  // Above the keyed operator: stateless nodes, and UNION ALL (its other branches are checked below).
  const path: Node[] = [];
  let top = root;
  while (!operatorKeys(top)) {
    path.push(top);
    const keyedInputs = planInputs(top).filter(hasKeyed);
    if (keyedInputs.length > 1) c.unsupported.push(`a ${top.kind} over several keyed operators`);
    top = keyedInputs[0]!;
  }
  const aboveBad = path.filter((n) => n.kind !== 'union' && !isStatelessNode(n));
  if (aboveBad.length > 0) c.unsupported.push(`${aboveBad.map((n) => `a ${n.kind}`).join(', ')} above ${describe(top)}`);
  // Keyed operators whose input is partitioned by their key already run in this stage.
  let bottom = top;
  for (;;) {
    const inputs = planInputs(bottom);
    if (inputs.length !== 1) break;
    const { below, path: between } = descendStateless(inputs[0]!);
    if (!operatorKeys(below) || !keepsPartitioning(operatorKeys(bottom)![0]!, between, below)) break;
    path.push(bottom, ...between);
    bottom = below;
  }
  const inputs = planInputs(bottom);
  const keys = operatorKeys(bottom)!;
  const operator = bottom.kind.toLowerCase();
  const suffix = index === 0 ? '' : `-${index + 1}`;
  const topic = `${c.jobId}-${operator}-repartition${suffix}`;
  const sides = inputs.map((input, i): ExchangeSide => {
    const name = i === 0 ? topic : `${topic}#${i}`;
    const { below } = descendStateless(input);
    if (below.kind !== 'scan' && hasKeyed(below)) {
      if (below.kind === 'union' || !operatorKeys(below)) {
        c.unsupported.push(`a ${below.kind} below ${describe(bottom)}`);
        return { keys: keys[i]!, table: { name, columns: input.fields, rowtimeIndex: input.rowtimeIndex } };
      }
      // Another keyed operator's output: its own stage, writing its changelog to this stage's topic.
      const from = cutStage(input, { stage: index, side: i }, c);
      return { keys: keys[i]!, table: { name, columns: input.fields, rowtimeIndex: input.rowtimeIndex }, from };
    }
    const scans = collectScans(input);
    const table = scans[0]?.table.name;
    if (scans.length !== 1 || !table || !c.kafkaTables.has(table)) {
      throw userError(
        `${PREFIX}: ${describe(bottom)}${inputs.length > 1 ? ` (${i === 0 ? 'left' : 'right'} side)` : ''} reads ${scans.map((s) => s.table.name).join(', ') || 'no table'}, ` +
          'but only one unbounded Kafka table can be repartitioned per input of the keyed operator (other sources are not split between tasks). Run the job as one task.',
      );
    }
    if (below.kind !== 'scan') c.unsupported.push(`a ${below.kind} below ${describe(bottom)}`);
    const { node: upstreamRoot, offsetIndex } = tagOffsets(input);
    // Side tables need distinct names: the downstream dataflow routes rows by table name.
    return { keys: keys[i]!, sourceTable: table, upstream: { root: upstreamRoot, scans }, offsetIndex, table: { name, columns: input.fields, rowtimeIndex: input.rowtimeIndex } };
  });
  if (c.unsupported.length > 0) return -1;
  // Two phases only where the side's rows come from a source (the partials' repeats are told by source offsets).
  const phase = bottom.kind === 'windowAggregate' ? (sides[0]!.from === undefined ? twoPhase(bottom, c.opts) : { text: 'one phase (its input is another stage\'s output): rows cross the exchange' }) : undefined;
  if (phase?.local) sides[0] = { ...sides[0]!, table: partialTable(sides[0]!.table.name, bottom as Extract<Node, { kind: 'windowAggregate' }>) };
  const scans = sides.map((s, i): Extract<Node, { kind: 'scan' }> => ({
    kind: 'scan',
    table: s.table,
    used: new Set(s.table.columns.map((_, j) => j)),
    fields: s.table.columns,
    // A stage's output is a changelog when its keyed operator updates (the operator above takes retractions).
    updating: s.from !== undefined && inputs[i]!.updating,
    rowtimeIndex: s.table.rowtimeIndex,
  }));
  // Rebuild the path from the keyed operator up to the root with the new scans as the operator's inputs.
  let child: Node =
    bottom.kind === 'join' || bottom.kind === 'intervalJoin'
      ? ({ ...bottom, left: scans[0]!, right: scans[1]! } as Node)
      : bottom.kind === 'windowAggregate' && phase?.local
        ? { ...bottom, input: scans[0]!, keys: bottom.keys.map((k, i): BExpr => ({ k: 'col', index: i, type: k.type })), phase: 'global' }
        : ({ ...bottom, input: scans[0]! } as Node);
  for (let i = path.length - 1; i >= 0; i--) child = replaceInput(path[i]!, i === path.length - 1 ? bottom : path[i + 1]!, child);
  // Every other input of the stage (a UNION ALL branch beside the keyed operator) would be read by no task.
  const others = collectScans(child).filter((x) => !scans.includes(x));
  if (others.length > 0) {
    throw userError(
      `${PREFIX}: the query also reads ${[...new Set(others.map((x) => x.table.name))].join(', ')} beside ${describe(bottom)} (UNION ALL), ` +
        'which the repartitioning exchange does not support yet: only the keyed operator\'s inputs are read scaled out. Run the job as one task.',
    );
  }
  c.stages[index] = {
    index,
    operator,
    operatorKind: bottom.kind,
    topic,
    changelog: `${c.jobId}-${operator}-changelog${suffix}`,
    ...sides[0]!,
    sides,
    downstream: { root: child, scans },
    ...(phase?.local ? { local: phase.local } : {}),
    ...(phase ? { phases: phase.text } : {}),
    ...(into ? { into } : {}),
  };
  return index;
}

/**
 * Whether `upperKeys` (over the rows `between` passes up from `lower`'s output) hold every key column of
 * `lower`: then each upper group's rows share one lower key, so they lie in one partition of `lower`'s
 * exchange and the upper operator needs none of its own. Only plain column references count.
 */
function keepsPartitioning(upperKeys: readonly BExpr[], between: readonly Node[], lower: Node): boolean {
  // The lower operator's output columns the upper key holds, traced down through the stateless nodes.
  const held = new Set<number>();
  for (const k of upperKeys) {
    if (k.k !== 'col') continue;
    let index: number | undefined = k.index;
    for (const n of between) {
      if (index === undefined) break;
      if (n.kind === 'project') {
        const e: BExpr | undefined = n.exprs[index];
        index = e?.k === 'col' ? e.index : undefined;
      } else if (index >= planInputs(n)[0]!.fields.length) index = undefined; // a column a TVF or UNNEST appended
    }
    if (index !== undefined) held.add(index);
  }
  const colsOf = (ks: readonly BExpr[], shift = 0): (number | undefined)[] => ks.map((k) => (k.k === 'col' ? k.index + shift : undefined));
  const all = (cols: readonly (number | undefined)[]): boolean => cols.every((x) => x !== undefined && held.has(x));
  switch (lower.kind) {
    case 'groupAggregate':
    case 'windowAggregate': {
      // Output: the group keys first (a windowed group aggregate's window columns do not place a group).
      const w = lower.kind === 'groupAggregate' ? lower.window : undefined;
      return lower.keys.map((_, i) => i).filter((i) => !w || (i !== w.startKey && i !== w.endKey)).every((i) => held.has(i));
    }
    case 'rank':
    case 'over':
      return all(colsOf(lower.partitionKeys));
    case 'join':
    case 'intervalJoin': {
      // Either side's key column places a row (the values are equal), but only a side whose rows are never
      // padded with NULLs: an outer join's NULL keys would come from every partition.
      const leftWidth = lower.left.fields.length;
      const left = colsOf(lower.leftKeys);
      const right = lower.kind === 'join' && lower.semi ? [] : colsOf(lower.rightKeys, leftWidth);
      const useLeft = lower.joinType === 'INNER' || lower.joinType === 'LEFT';
      const useRight = lower.joinType === 'INNER' || lower.joinType === 'RIGHT';
      return left.every((l, i) => (useLeft && l !== undefined && held.has(l)) || (useRight && right[i] !== undefined && held.has(right[i]!)));
    }
    default:
      return false;
  }
}

/** Two phases for a window aggregate when the strategy allows and every call can merge; else one, with the reason. */
function twoPhase(n: Extract<Node, { kind: 'windowAggregate' }>, opts: ExchangeOptions): { local?: LocalPhase; text: string } {
  const strategy = opts.aggPhase ?? 'AUTO';
  if (strategy === 'ONE_PHASE') return { text: 'one phase (FLINK_TABLE_OPTIMIZER_AGG_PHASE_STRATEGY=ONE_PHASE): rows cross the exchange' };
  const blocker = opts.twoPhaseBlocker ? opts.twoPhaseBlocker(n) : 'no aggregate information';
  if (blocker !== undefined) return { text: `one phase (${blocker} cannot be split into local and global parts): rows cross the exchange` };
  return { local: { window: n.window, keys: n.keys, aggs: n.aggs }, text: 'two phases: LocalWindowAggregate per source batch upstream, partials cross the exchange, GlobalWindowAggregate merges them' };
}

/** The columns of a two-phase exchange's partial rows: group keys..., pane start, rows folded, one accumulator per call. */
function partialTable(name: string, n: Extract<Node, { kind: 'windowAggregate' }>): TableSchema {
  const columns: Field[] = [
    ...n.keys.map((k, i) => ({ name: n.fields[i]?.name ?? `key${i}`, type: k.type, nullable: true }) as Field),
    { name: '__dirk_pane', type: T.BIGINT, nullable: false } as Field,
    { name: '__dirk_rows', type: T.BIGINT, nullable: false } as Field,
    ...n.aggs.map((a, i) => ({ name: `__dirk_acc${i}_${a.name}`, type: a.type, nullable: true }) as Field),
  ];
  return { name, columns, rowtimeIndex: undefined };
}

/** `parent` with its input `from` replaced by `to` (single-input nodes only: the cut has no joins above it). */
function replaceInput(parent: Node, from: Node, to: Node): Node {
  if ('input' in parent && parent.input === from) return { ...parent, input: to } as Node;
  if (parent.kind === 'union') return { ...parent, inputs: parent.inputs.map((i) => (i === from ? to : i)) };
  throw new Error(`internal error: cannot rebuild ${parent.kind} for the exchange`);
}

const OFFSET_FIELD: Field = { name: '__dirk_source_offset', type: T.BIGINT, nullable: false } as Field;

/**
 * The stateless subtree with the source offset carried to its root: the scan's rows get the offset
 * appended (at the scan's width); filters, window TVFs and UNNEST keep their input columns in place (they
 * append after them), and each project passes the offset on as one more column.
 */
function tagOffsets(n: Node, atRoot = true): { node: Node; offsetIndex: number } {
  if (n.kind === 'scan') return { node: n, offsetIndex: n.fields.length };
  const { node: inner, offsetIndex } = tagOffsets(planInputs(n)[0]!, false);
  if (n.kind === 'project') {
    const col: BExpr = { k: 'col', index: offsetIndex, type: T.BIGINT };
    return { node: { ...n, input: inner, exprs: [...n.exprs, col], fields: [...n.fields, OFFSET_FIELD] }, offsetIndex: n.exprs.length };
  }
  const node = { ...n, input: inner } as Node;
  if (atRoot || n.kind === 'filter') return { node, offsetIndex };
  // A window TVF or UNNEST appends its columns after the offset: operators above address them by their
  // original positions, so the offset moves to the end.
  const width = n.fields.length + 1;
  const order = [...Array(width).keys()].filter((i) => i !== offsetIndex);
  const exprs: BExpr[] = [...order.map((i): BExpr => ({ k: 'col', index: i, type: i < offsetIndex ? inner.fields[i]!.type : n.fields[i - 1]!.type })), { k: 'col', index: offsetIndex, type: T.BIGINT }];
  const moved: Node = { kind: 'project', input: node, exprs, fields: [...n.fields, OFFSET_FIELD], updating: n.updating, rowtimeIndex: n.rowtimeIndex };
  return { node: moved, offsetIndex: n.fields.length };
}
