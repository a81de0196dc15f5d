import type { SourcePosition } from '../core/errors.js';
import type { Field, SqlType, TableSchema } from '../core/types.js';
import type { AggregateFunctionDef } from '../udf/api.js';
import type { ResolvedFunction } from '../udf/registry.js';

/**
 * Bound expressions and plan nodes: plain, readonly data tagged by `kind`. Column references are positions
 * in the input row, resolved at plan time, so nothing looks names up while records flow.
 */
export type BExpr =
  | { readonly k: 'col'; readonly index: number; readonly type: SqlType; readonly pos?: SourcePosition; readonly name?: string }
  | { readonly k: 'lit'; readonly value: unknown; readonly type: SqlType }
  | {
      readonly k: 'call';
      readonly name: string;
      readonly fn: ResolvedFunction;
      readonly args: readonly BExpr[];
      readonly type: SqlType;
      /** Where the call is written: runtime failures and plan checks name it. */
      readonly pos?: SourcePosition;
    }
  | { readonly k: 'op'; readonly op: OpName; readonly args: readonly BExpr[]; readonly type: SqlType; readonly pos?: SourcePosition }
  | {
      readonly k: 'case';
      readonly whens: readonly (readonly [BExpr, BExpr])[];
      readonly else: BExpr | null;
      readonly type: SqlType;
    }
  | { readonly k: 'cast'; readonly arg: BExpr; readonly type: SqlType; readonly safe: boolean; readonly pos?: SourcePosition }
  | { readonly k: 'field'; readonly arg: BExpr; readonly name: string; readonly type: SqlType }
  | { readonly k: 'index'; readonly arg: BExpr; readonly index: BExpr; readonly type: SqlType }
  | { readonly k: 'like'; readonly arg: BExpr; readonly pattern: BExpr; readonly escape: string | null; readonly type: SqlType; readonly similar: boolean }
  | { readonly k: 'in'; readonly arg: BExpr; readonly list: readonly BExpr[]; readonly type: SqlType };

export type OpName =
  | '+' | '-' | '*' | '/' | '%' | '||' | 'NEG'
  | '=' | '<>' | '<' | '<=' | '>' | '>='
  | 'AND' | 'OR' | 'NOT'
  | 'IS_NULL' | 'IS_NOT_NULL' | 'IS_TRUE' | 'IS_NOT_TRUE' | 'IS_FALSE' | 'IS_NOT_FALSE'
  | 'IS_DISTINCT' | 'IS_NOT_DISTINCT'
  | 'COALESCE' | 'NULLIF' | 'GREATEST' | 'LEAST' | 'IF'
  | 'ARRAY' | 'MAP' | 'ROW'
  | 'TS_ADD_INTERVAL' | 'TS_SUB_INTERVAL' | 'TS_DIFF'
  /** PROCTIME(): the processing-time clock of the operator that evaluates it (no arguments). */
  | 'PROCTIME'
  /** CURRENT_WATERMARK(rowtime): the evaluating operator's input watermark, NULL before the first one. */
  | 'CURRENT_WATERMARK';

/** One aggregate call in a GROUP BY or window. */
export interface AggCall {
  readonly name: string; // COUNT, SUM, ... or a user aggregate's name
  readonly args: readonly BExpr[];
  readonly distinct: boolean;
  readonly filter: BExpr | null;
  readonly type: SqlType;
  /** The aggregate's definition (built-ins are defined with the same API as user aggregates). */
  readonly aggregate: AggregateFunctionDef<unknown>;
  /** Plan-time parameter from the definition's bindCall, e.g. LISTAGG's separator. */
  readonly param?: unknown;
}

export type WindowSpec = (
  | { readonly type: 'TUMBLE'; readonly timeIndex: number; readonly size: number; readonly offset: number }
  | { readonly type: 'HOP'; readonly timeIndex: number; readonly size: number; readonly slide: number; readonly offset: number }
  | { readonly type: 'SESSION'; readonly timeIndex: number; readonly gap: number }
  | { readonly type: 'CUMULATE'; readonly timeIndex: number; readonly size: number; readonly step: number; readonly offset: number }
) & {
  /**
   * A window on a processing-time attribute: a row is assigned by the operator's clock when it arrives (the
   * column's value is not read) and windows fire when that clock passes their end, not by watermarks.
   */
  readonly proctime?: true;
};

/** Where a windowed group aggregate finds window_start and window_end among its keys. */
export interface WindowAttachment {
  readonly startKey: number;
  readonly endKey: number;
  readonly spec: WindowSpec;
}

/** Positions of window_start / window_end in each input of a window join. */
export interface WindowJoinBounds {
  readonly leftStart: number;
  readonly leftEnd: number;
  readonly rightStart: number;
  readonly rightEnd: number;
  readonly spec: WindowSpec;
}

interface NodeBase {
  /** Output columns. */
  readonly fields: readonly Field[];
  /** The output is a changelog (updates/deletes), not append-only. */
  readonly updating: boolean;
  /** Position of the event-time attribute in the output, if it still has one. */
  readonly rowtimeIndex: number | undefined;
  /** Column positions that uniquely identify an updating row (its upsert key). */
  readonly uniqueKey?: readonly number[];
}

export type PlanNode =
  | (NodeBase & {
      readonly kind: 'scan';
      readonly table: TableSchema;
      /** Columns the query reads: only these must be decoded (projection pushdown into decoding). */
      readonly used: ReadonlySet<number>;
    })
  | (NodeBase & {
      /**
       * ChangelogNormalize over the scan of an upsert table (upsert-kafka): keeps the last row per primary key
       * and turns upserts and key-only deletes into +I / -U / +U / -D of whole rows. Output = input columns.
       */
      readonly kind: 'changelogNormalize';
      readonly input: PlanNode;
      /** Column positions of the primary key. */
      readonly keys: readonly number[];
    })
  | (NodeBase & { readonly kind: 'filter'; readonly input: PlanNode; readonly predicate: BExpr })
  | (NodeBase & { readonly kind: 'project'; readonly input: PlanNode; readonly exprs: readonly BExpr[] })
  | (NodeBase & {
      /** Output: group keys..., aggregates..., window_start, window_end, window_time. */
      readonly kind: 'windowAggregate';
      readonly input: PlanNode;
      readonly window: WindowSpec;
      readonly keys: readonly BExpr[];
      readonly aggs: readonly AggCall[];
      /**
       * 'global': the global half of a two-phase aggregation across the scale-out exchange: the input rows
       * are partial aggregates (keys..., pane start, rows folded, accumulators...; `keys` are their first
       * columns), merged instead of accumulated.
       */
      readonly phase?: 'global';
    })
  | (NodeBase & {
      /** Non-windowed GROUP BY: an updating result keyed by the group keys. Output: keys..., aggregates... */
      readonly kind: 'groupAggregate';
      readonly input: PlanNode;
      readonly keys: readonly BExpr[];
      readonly aggs: readonly AggCall[];
      /**
       * GROUP BY the window_start and window_end of a windowed input (a window aggregate's result): each
       * group belongs to one window and is emitted once, append-only, when the watermark passes its end.
       * Positions are in `keys`.
       */
      readonly window?: WindowAttachment;
    })
  | (NodeBase & {
      /**
       * UNION ALL of its inputs; with `setOp`, INTERSECT or EXCEPT of its two inputs: rows are counted per
       * side by their whole value, and each row is output as often as the operation says (INTERSECT ALL:
       * min(left, right) times; EXCEPT ALL: left - right; without ALL at most once), changing as counts do.
       */
      readonly kind: 'union';
      readonly inputs: readonly PlanNode[];
      readonly setOp?: { readonly op: 'INTERSECT' | 'EXCEPT'; readonly all: boolean };
    })
  | (NodeBase & {
      /** Joins rows of two streams whose event times are within bounds: right.time in [left.time + lower, left.time + upper]. */
      readonly kind: 'intervalJoin';
      readonly joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';
      readonly left: PlanNode;
      readonly right: PlanNode;
      readonly leftKeys: readonly BExpr[];
      readonly rightKeys: readonly BExpr[];
      readonly leftTime: number;
      readonly rightTime: number;
      readonly lower: number;
      readonly upper: number;
      /** Remaining condition over the joined row (left columns then right columns). */
      readonly residual: BExpr | null;
    })
  | (NodeBase & {
      /**
       * Regular join with idle-state retention: keeps both sides keyed by the equi-join keys. With `window`,
       * a window join: both inputs are windowed and equal on window_start and window_end; the rows of a
       * window are joined once when the watermark passes its end, then dropped (append-only).
       */
      readonly kind: 'join';
      readonly joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';
      readonly left: PlanNode;
      readonly right: PlanNode;
      readonly leftKeys: readonly BExpr[];
      readonly rightKeys: readonly BExpr[];
      readonly residual: BExpr | null;
      readonly window?: WindowJoinBounds;
      /** Why the planner chose this join (shown by explain), e.g. a time condition that bounds one side only. */
      readonly note?: string;
      /**
       * A semi (IN / EXISTS) or anti (NOT EXISTS) join: `fields` are the left input's only; the keys and the
       * residual condition still address the left row followed by the right row.
       */
      readonly semi?: 'SEMI' | 'ANTI';
      /**
       * The output columns read above a regular join (not a window join), set by computeUsedColumns
       * (plan/walk.ts): the join stores only these of each side's rows (and what its residual reads).
       * Absent: every column.
       */
      readonly used?: ReadonlySet<number>;
    })
  | (NodeBase & {
      /** For each input row, rows of a table function or of UNNEST(array|map), appended to the input columns. */
      readonly kind: 'correlate';
      readonly input: PlanNode;
      readonly generator:
        | { readonly type: 'unnest'; readonly expr: BExpr; readonly withOrdinality: boolean }
        | { readonly type: 'function'; readonly fn: ResolvedFunction; readonly args: readonly BExpr[] };
      readonly outer: boolean;
    })
  | (NodeBase & {
      /** Window table function: appends window_start, window_end, window_time to each row (HOP: one copy per window). */
      readonly kind: 'windowTvf';
      readonly input: PlanNode;
      readonly window: WindowSpec;
      /** SESSION's PARTITION BY columns: sessions are kept per these keys (they must be grouped by). */
      readonly partitionKeys?: readonly BExpr[];
    })
  | (NodeBase & {
      /**
       * ROW_NUMBER() OVER (PARTITION BY .. ORDER BY ..) <= n: Top-N; n = 1 on the time attribute is deduplication.
       * RANK() / DENSE_RANK() keep every row whose rank is in range, ties included.
       */
      readonly kind: 'rank';
      readonly input: PlanNode;
      readonly partitionKeys: readonly BExpr[];
      readonly orderBy: readonly { readonly expr: BExpr; readonly desc: boolean }[];
      /** The last rank kept (rank end); Infinity when `limitColumn` gives it. */
      readonly limit: number;
      /**
       * A rank end read from this input column (Flink's variable rank range, `rn <= col`): each partition
       * keeps the value of its first row; later rows with another value do not change it.
       */
      readonly limitColumn?: number;
      /** The first rank kept (rank start); 1 when absent. */
      readonly start?: number;
      /** The ranking function; ROW_NUMBER when absent. */
      readonly rankType?: 'RANK' | 'DENSE_RANK';
      /** Output the rank number column as the last column. */
      readonly withRowNumber: boolean;
      /** Deduplication on event time: append-only when keeping the first row. */
      readonly dedup: 'first' | 'last' | null;
    })
  | (NodeBase & {
      /** OVER aggregates: input columns then one column per aggregate. */
      readonly kind: 'over';
      readonly input: PlanNode;
      readonly partitionKeys: readonly BExpr[];
      readonly timeIndex: number;
      readonly frame: { readonly unit: 'ROWS' | 'RANGE'; readonly preceding: number | 'UNBOUNDED' };
      readonly aggs: readonly AggCall[];
    })
  | (NodeBase & {
      /**
       * Lookup join (`JOIN t FOR SYSTEM_TIME AS OF left.proctime ON ...` against a lookup table): each input row
       * queries the table by `keys` (table column = expression over the input row) when it arrives; output is
       * the input columns then the table's, in input order. LEFT keeps an input row without a match, NULL-padded.
       */
      readonly kind: 'lookupJoin';
      readonly joinType: 'INNER' | 'LEFT';
      readonly input: PlanNode;
      readonly table: LookupTable;
      readonly keys: readonly { readonly column: number; readonly expr: BExpr }[];
      /** Remaining condition over the joined row (input columns then table columns). */
      readonly residual: BExpr | null;
    })
  | (NodeBase & {
      /**
       * Temporal join against a versioned table (the right input: a changelog with a primary key, which the
       * equalities cover). Event time (`leftTime` and `rightTime` set): each left row is joined, once the
       * watermark passes its time, with its key's version valid at that time (the last one at or before it);
       * versions the watermark has superseded are dropped. Processing time: each left row is joined at once with
       * its key's latest version. LEFT keeps a left row without a valid version, NULL-padded.
       */
      readonly kind: 'temporalJoin';
      readonly joinType: 'INNER' | 'LEFT';
      readonly left: PlanNode;
      readonly right: PlanNode;
      readonly leftKeys: readonly BExpr[];
      readonly rightKeys: readonly BExpr[];
      readonly leftTime?: number;
      readonly rightTime?: number;
      readonly residual: BExpr | null;
      /**
       * Processing time against a table read to its end (a bounded source: Nexmark q13's side input): left rows
       * wait until it has been read fully, as if it were looked up, then join its final versions.
       */
      readonly rightBounded?: boolean;
    })
  | (NodeBase & MatchSpec & { readonly kind: 'match'; readonly input: PlanNode });

/** One element of a MATCH_RECOGNIZE pattern: variable `variable` taken between `min` and `max` times. */
export interface MatchElement {
  readonly variable: number;
  readonly min: number;
  /** null: no upper bound. */
  readonly max: number | null;
  /**
   * Flink's greedy looping quantifier (`*`, `+`, `{n,}`, `{n,m}` without `?`): a row this element's condition
   * accepts is not given to the next element.
   */
  readonly greedy: boolean;
}

/**
 * A value DEFINE and MEASURES read, computed per evaluation from the rows of a (partial) match; the bound
 * conditions and measures address these slots as columns. `variable` null is every row of the match.
 */
export type MatchSlot =
  /** FIRST/LAST(var.expr, offset); `var.col` alone is LAST(var.col, 0). `expr` is over an input row. */
  | { readonly k: 'nav'; readonly variable: number | null; readonly first: boolean; readonly offset: number; readonly expr: BExpr }
  /**
   * An aggregate over the rows of `variable` (arguments over an input row). `incremental`: a built-in whose
   * accumulator merges without sharing state (SUM, SUM0, COUNT, AVG, MIN, MAX), kept per partial match and
   * extended by each row instead of recomputed.
   */
  | { readonly k: 'agg'; readonly variable: number | null; readonly call: AggCall; readonly incremental?: boolean }
  /** MATCH_ROWTIME(): the event time of the match's last row. */
  | { readonly k: 'matchRowtime' }
  /** MATCH_PROCTIME(): the processing-time clock when the match is emitted. */
  | { readonly k: 'matchProctime' };

/** MATCH_RECOGNIZE: output = partition keys, then one column per measure; one row per match, append-only. */
export interface MatchSpec {
  readonly partitionKeys: readonly BExpr[];
  /** The input's time attribute ordering the rows: event time (sorted, processed at the watermark) or processing time. */
  readonly timeIndex: number;
  readonly proctime: boolean;
  /** Further ORDER BY keys, ordering rows of equal event time. */
  readonly orderBy: readonly { readonly expr: BExpr; readonly desc: boolean }[];
  readonly variables: readonly string[];
  readonly pattern: readonly MatchElement[];
  /** WITHIN: a match must end less than this many ms after its first row. */
  readonly within: number | null;
  readonly after: { readonly mode: 'PAST_LAST_ROW' | 'TO_NEXT_ROW' | 'TO_FIRST' | 'TO_LAST'; readonly variable?: number; readonly pos?: SourcePosition };
  readonly slots: readonly MatchSlot[];
  /** Per variable, its DEFINE condition over the slots (null: always true). */
  readonly defines: readonly (BExpr | null)[];
  /** The MEASURES, over the slots. */
  readonly measures: readonly BExpr[];
}

/**
 * A lookup table (CREATE TABLE ... WITH ('connector' = 'jdbc', ...)): rows are queried by key when a left row
 * arrives, never scanned. The password is here because the runtime connects with it; printers never show it.
 */
export interface LookupTable {
  readonly name: string;
  readonly columns: readonly Field[];
  readonly connector: 'jdbc';
  /** `jdbc:postgresql://host:port/database`. */
  readonly url: string;
  /** The database table (`'table-name'`), possibly schema-qualified. */
  readonly tableName: string;
  readonly username?: string;
  readonly password?: string;
  /** `'lookup.cache' = 'PARTIAL'` (or the older lookup.cache.max-rows / ttl): absent means no cache. */
  readonly cache?: LookupCacheSpec;
  /** `'lookup.max-retries'`: further attempts after a failed query (Flink's default 3). */
  readonly maxRetries: number;
}

export interface LookupCacheSpec {
  /** Keys held at most (each key's rows are one entry); the least recently used goes first. */
  readonly maxRows?: number;
  readonly expireAfterWriteMs?: number;
  readonly expireAfterAccessMs?: number;
  /** Cache keys the table has no row for (Flink's default true). */
  readonly cacheMissingKey: boolean;
}

export type PlanKind = PlanNode['kind'];

/** One INSERT of a statement set: its target table and the query result written there. */
export interface PlanBranch {
  readonly target: string;
  readonly root: PlanNode;
}

/**
 * The planned job: one query result headed for the sink, plus the scans it reads. A job of several INSERTs
 * (a statement set) has `branches`, one per INSERT in order, each with its own sink; `root` is then the first
 * branch's root and `scans` lists the scans of every branch (a table read by several branches is read once
 * by the job and fans out to each branch's scan).
 */
export interface QueryPlan {
  readonly root: PlanNode;
  readonly scans: readonly Extract<PlanNode, { kind: 'scan' }>[];
  readonly branches?: readonly PlanBranch[];
}

/** The results a plan writes: its branches, or its one root (target undefined). */
export function planBranches(plan: QueryPlan): readonly { readonly target: string | undefined; readonly root: PlanNode }[] {
  return plan.branches ?? [{ target: undefined, root: plan.root }];
}
