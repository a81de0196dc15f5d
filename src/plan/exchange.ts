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
  /** The Kafka table this side's upstream half reads. */
  readonly sourceTable: string;
  /** The upstream half: its root's rows are written to the repartition topic. */
  readonly upstream: QueryPlan;
  /** Where the source offset travels in the upstream root's rows (removed before writing). */
  readonly offsetIndex: number;
  /** The exchanged rows, as the downstream half reads them (one table name per side). */
  readonly table: TableSchema;
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

/** The cut. Its own side fields are the first side's (the only one but for joins). */
export interface ExchangePlan extends ExchangeSide {
  /** Names the internal topics: `<job id>-<operator>-repartition`. */
  readonly operator: string;
  /** The keyed operator's label for explain. */
  readonly operatorKind: PlanNode['kind'];
  /** The repartition topic (every side's records, tagged by side). */
  readonly topic: string;
  /** One side per input of the keyed operator: two for a join (left, right), else one. */
  readonly sides: readonly ExchangeSide[];
  /** The plan with each upstream half replaced by a scan of its side's table. */
  readonly downstream: QueryPlan;
  /**
   * Two-phase: each source batch's rows are folded per (pane, key) upstream and the exchange carries the
   * partials (the side's `table` is then the partial rows' layout); the downstream window aggregate merges them.
   */
  readonly local?: LocalPhase;
  /** For explain: one or two phases, and why one when it is one. */
  readonly phases?: string;
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
 */
export function planExchange(plan: QueryPlan, jobId: string, kafkaTables: ReadonlySet<string>, opts: ExchangeOptions = {}): ExchangePlan | undefined {
  const keyed: { node: Node; path: Node[] }[] = [];
  const unsupported: string[] = [];
  const above: string[] = [];
  const walk = (n: Node, path: Node[]): void => {
    if (UNSUPPORTED.has(n.kind) && !(n.kind === 'union' && !n.setOp)) unsupported.push(n.kind === 'union' ? `a set operation (${n.setOp})` : `a ${n.kind === 'lookupJoin' ? 'lookup' : 'temporal'} join`);
    if ((n.kind === 'windowAggregate' || n.kind === 'windowTvf') && n.window.proctime) unsupported.push('a processing-time window');
    if (n.kind === 'changelogNormalize') unsupported.push('an upsert table (its ChangelogNormalize)');
    if (operatorKeys(n)) keyed.push({ node: n, path });
    else if (keyed.length === 0 && n.kind !== 'union' && !isStatelessNode(n)) above.push(n.kind);
    else if (keyed.length > 0 && !isStatelessNode(n) && !UNSUPPORTED.has(n.kind) && n.kind !== 'changelogNormalize') unsupported.push(`a ${n.kind} below ${describe(keyed[0]!.node)}`);
    for (const i of planInputs(n)) walk(i, [...path, n]);
  };
  walk(plan.root, []);
  if (keyed.length > 0 && above.length > 0) unsupported.push(`${above.map((k) => `a ${k}`).join(', ')} above ${describe(keyed[0]!.node)}`);
  if (keyed.length > 1) {
    // Top-down order: a keyed operator above another one would need a second exchange on its own key.
    const [top, below] = [keyed[0]!, keyed[1]!];
    const over = below.path.includes(top.node);
    unsupported.push(over ? `${describe(top.node)} over the output of ${describe(below.node)} (a second exchange)` : `a second keyed operator (${describe(below.node)})`);
  }
  if (unsupported.length > 0) {
    throw userError(
      `${PREFIX}: the query needs ${unsupported.join(', ')}, which the repartitioning exchange does not support yet; ` +
        'it supports one keyed operator (window or group aggregate, Top-N / deduplication, OVER, or a regular or interval join) over filters, projections and window TVFs of Kafka tables, ' +
        'with only filters and projections above it. Run the job as one task (DIRK_TASKS=1, FLINK_PARALLELISM=1, DIRK_EXCHANGE_ENABLE=false).',
    );
  }
  if (keyed.length === 0) return undefined;
  const { node, path } = keyed[0]!;
  const keys = operatorKeys(node)!;
  const inputs = planInputs(node);
  const operator = node.kind.toLowerCase();
  const topic = `${jobId}-${operator}-repartition`;
  const sides = inputs.map((input, i): ExchangeSide => {
    const scans = collectScans(input);
    const table = scans[0]?.table.name;
    if (scans.length !== 1 || !table || !kafkaTables.has(table)) {
      throw userError(
        `${PREFIX}: ${describe(node)}${inputs.length > 1 ? ` (${i === 0 ? 'left' : 'right'} side)` : ''} reads ${scans.map((s) => s.table.name).join(', ') || 'no table'}, ` +
          'but only one unbounded Kafka table can be repartitioned per input of the keyed operator (other sources are not split between tasks). Run the job as one task.',
      );
    }
    const { node: upstreamRoot, offsetIndex } = tagOffsets(input);
    // Side tables need distinct names: the downstream dataflow routes rows by table name.
    const exchanged: TableSchema = { name: i === 0 ? topic : `${topic}#${i}`, columns: input.fields, rowtimeIndex: input.rowtimeIndex };
    return { keys: keys[i]!, sourceTable: table, upstream: { root: upstreamRoot, scans }, offsetIndex, table: exchanged };
  });
  const phase = node.kind === 'windowAggregate' ? twoPhase(node, opts) : undefined;
  if (phase?.local) sides[0] = { ...sides[0]!, table: partialTable(sides[0]!.table.name, node as Extract<Node, { kind: 'windowAggregate' }>) };
  const scans = sides.map((s): Extract<Node, { kind: 'scan' }> => ({
    kind: 'scan',
    table: s.table,
    used: new Set(s.table.columns.map((_, i) => i)),
    fields: s.table.columns,
    updating: false,
    rowtimeIndex: s.table.rowtimeIndex,
  }));
  // Rebuild the path from the keyed operator up to the root with the new scans as the operator's inputs.
  let child: Node =
    node.kind === 'join' || node.kind === 'intervalJoin'
      ? ({ ...node, left: scans[0]!, right: scans[1]! } as Node)
      : node.kind === 'windowAggregate' && phase?.local
        ? { ...node, input: scans[0]!, keys: node.keys.map((k, i): BExpr => ({ k: 'col', index: i, type: k.type })), phase: 'global' }
        : ({ ...node, input: scans[0]! } as Node);
  for (let i = path.length - 1; i >= 0; i--) child = replaceInput(path[i]!, i === path.length - 1 ? node : path[i + 1]!, child);
  // Every other input of the plan (a UNION ALL branch beside the keyed operator) would be read by no task.
  const others = collectScans(child).filter((x) => !scans.includes(x));
  if (others.length > 0) {
    throw userError(
      `${PREFIX}: the query also reads ${[...new Set(others.map((x) => x.table.name))].join(', ')} beside ${describe(node)} (UNION ALL), ` +
        'which the repartitioning exchange does not support yet: only the keyed operator\'s inputs are read scaled out. Run the job as one task.',
    );
  }
  return {
    operator,
    operatorKind: node.kind,
    topic,
    ...sides[0]!,
    sides,
    downstream: { root: child, scans },
    ...(phase?.local ? { local: phase.local } : {}),
    ...(phase ? { phases: phase.text } : {}),
  };
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
