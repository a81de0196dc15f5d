import { T, type Field, type TableSchema } from '../core/types.js';
import { userError } from '../core/errors.js';
import type { BExpr, PlanNode, QueryPlan } from './nodes.js';
import { collectScans, planInputs } from './children.js';

/**
 * Where a plan is cut for scale-out. A keyed operator (window or group aggregate, Top-N / deduplication,
 * OVER) needs every row of one key in one task, but Kafka deals partitions out by the producer's record
 * key, which the job cannot see. So the plan is cut below the keyed operator: the *upstream* half (the
 * scan and the stateless operators on it: filter, project, TUMBLE/HOP/CUMULATE window TVFs, UNNEST) runs
 * in whichever task owns a source partition and writes its rows to the repartition topic, partitioned by
 * the operator key; the *downstream* half (the keyed operator and everything above it) reads that topic
 * as a table of its own, one instance per repartition partition, in whichever task owns that partition.
 *
 * The upstream rows carry the source record's offset as one extra column (added to every project on the
 * way up) so the downstream can drop rows a re-reading upstream task writes twice.
 */
export interface ExchangePlan {
  /** Names the internal topics: `<job id>-<operator>-repartition`. */
  readonly operator: string;
  /** The keyed operator's label for explain. */
  readonly operatorKind: PlanNode['kind'];
  /** The operator key, over the exchanged rows (without the offset column). */
  readonly keys: readonly BExpr[];
  /** The Kafka table the upstream half reads. */
  readonly sourceTable: string;
  /** The upstream half: its root's rows are written to the repartition topic. */
  readonly upstream: QueryPlan;
  /** Where the source offset travels in the upstream root's rows (removed before writing). */
  readonly offsetIndex: number;
  /** The exchanged rows, as the downstream half reads them. */
  readonly table: TableSchema;
  /** The plan with the upstream half replaced by a scan of `table`. */
  readonly downstream: QueryPlan;
}

type Node = PlanNode;

const STATELESS = new Set<Node['kind']>(['scan', 'filter', 'project', 'correlate', 'windowTvf']);

function isStateless(n: Node): boolean {
  if (!STATELESS.has(n.kind)) return false;
  if (n.kind === 'windowTvf' && (n.window.type === 'SESSION' || n.partitionKeys)) return false;
  return planInputs(n).every(isStateless);
}

/** The key a keyed operator groups its state by (over its input), or undefined for other nodes. */
function operatorKey(n: Node): readonly BExpr[] | undefined {
  switch (n.kind) {
    case 'windowAggregate':
      return n.keys;
    case 'groupAggregate': {
      // window_start / window_end of a windowed input are not needed to place a group: every window of a
      // key goes to the key's partition.
      const w = n.window;
      return w ? n.keys.filter((_, i) => i !== w.startKey && i !== w.endKey) : n.keys;
    }
    case 'rank':
    case 'over':
    case 'match':
      return n.partitionKeys;
    default:
      return undefined;
  }
}

const KEYED_UNSUPPORTED = new Set<Node['kind']>(['join', 'intervalJoin', 'union', 'lookupJoin', 'temporalJoin']);

/**
 * Finds the cut for `plan` (reading `kafkaTables`, the job's unbounded Kafka tables), or undefined when the
 * plan has no keyed operator (every task can run the whole plan on its partitions). Throws a user error for
 * shapes the exchange does not handle yet.
 */
export function planExchange(plan: QueryPlan, jobId: string, kafkaTables: ReadonlySet<string>): ExchangePlan | undefined {
  let found = undefined as { node: Node; path: Node[] } | undefined;
  const unsupported: string[] = [];
  const walk = (n: Node, path: Node[]): void => {
    if (KEYED_UNSUPPORTED.has(n.kind) && !(n.kind === 'union' && !n.setOp)) unsupported.push(n.kind);
    if ((n.kind === 'windowAggregate' || n.kind === 'windowTvf') && n.window.proctime) unsupported.push('a processing-time window');
    if (n.kind === 'changelogNormalize') unsupported.push('an upsert table (its ChangelogNormalize)');
    const key = operatorKey(n);
    if (key && isStateless(planInputs(n)[0]!)) {
      if (found) unsupported.push(`a second keyed operator (${n.kind})`);
      else found = { node: n, path };
    } else if (key && !found) {
      // A keyed operator above another one: its own key would need a second exchange.
      for (const i of planInputs(n)) walk(i, [...path, n]);
      const below = found as { node: Node } | undefined;
      if (below) unsupported.push(`${n.kind} over ${below.node.kind}`);
      return;
    }
    for (const i of planInputs(n)) walk(i, [...path, n]);
  };
  walk(plan.root, []);
  const join = findJoin(plan.root);
  if (join) {
    const tables = (n: Node): string => [...new Set(collectScans(n).map((x) => x.table.name))].join(', ') || '(no table)';
    const kind = join.kind === 'intervalJoin' ? 'interval join' : join.window ? 'window join' : join.semi ? `${join.semi.toLowerCase()} join (IN / EXISTS)` : 'join';
    throw userError(
      `DIRK_EXCHANGE_ENABLE (or DIRK_TASKS / FLINK_PARALLELISM > 1): the query has ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} of ${tables(join.left)} with ${tables(join.right)}. ` +
        'Scaled out, each task reads only some partitions of each side, so rows with equal join keys meet in the same task only when both topics ' +
        'are keyed by the join key with the same partition count and partitioner (co-partitioned), which Dirk cannot verify from the records; ' +
        'and it does not repartition join inputs by the join key yet. Run the job as one task (DIRK_TASKS=1, FLINK_PARALLELISM=1, DIRK_EXCHANGE_ENABLE=false).',
    );
  }
  if (unsupported.length > 0) {
    throw userError(
      `DIRK_EXCHANGE_ENABLE (or DIRK_TASKS / FLINK_PARALLELISM > 1): the query needs ${unsupported.join(', ')}, which the repartitioning exchange does not support yet; ` +
        'it supports one keyed operator (window or group aggregate, Top-N / deduplication, OVER) over filters, projections and window TVFs of one Kafka table. Run the job as one task.',
    );
  }
  if (!found) return undefined;
  const { node, path } = found;
  const input = planInputs(node)[0]!;
  const scans = collectScans(input);
  const table = scans[0]!.table.name;
  if (scans.length !== 1 || !kafkaTables.has(table)) {
    throw userError(
      `DIRK_EXCHANGE_ENABLE (or DIRK_TASKS / FLINK_PARALLELISM > 1): the ${node.kind} reads ${scans.map((s) => s.table.name).join(', ')}, ` +
        'but only one unbounded Kafka table can be repartitioned (other sources are not split between tasks). Run the job as one task.',
    );
  }
  const { node: upstreamRoot, offsetIndex } = tagOffsets(input);
  const operator = node.kind.toLowerCase();
  const exchanged: TableSchema = { name: `${jobId}-${operator}-repartition`, columns: input.fields, rowtimeIndex: input.rowtimeIndex };
  const scan: Node = { kind: 'scan', table: exchanged, used: new Set(input.fields.map((_, i) => i)), fields: input.fields, updating: false, rowtimeIndex: input.rowtimeIndex };
  // Rebuild the path from the keyed operator up to the root with the new scan as the operator's input.
  let child: Node = { ...node, input: scan } as Node;
  for (let i = path.length - 1; i >= 0; i--) child = replaceInput(path[i]!, i === path.length - 1 ? node : path[i + 1]!, child);
  return {
    operator,
    operatorKind: node.kind,
    keys: operatorKey(node)!,
    sourceTable: table,
    upstream: { root: upstreamRoot, scans },
    offsetIndex,
    table: exchanged,
    downstream: { root: child, scans: [scan as Extract<Node, { kind: 'scan' }>] },
  };
}

/** The first join (regular, window, semi/anti or interval) of the plan. */
function findJoin(n: Node): Extract<Node, { kind: 'join' | 'intervalJoin' }> | undefined {
  if (n.kind === 'join' || n.kind === 'intervalJoin') return n;
  for (const i of planInputs(n)) {
    const j = findJoin(i);
    if (j) return j;
  }
  return undefined;
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
