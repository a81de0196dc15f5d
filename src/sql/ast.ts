import type { SourcePosition } from '../core/errors.js';

/** The parsed (unbound) syntax tree. Every node keeps the position of its first token. */

export type TimeUnit =
  | 'MILLISECOND'
  | 'SECOND'
  | 'MINUTE'
  | 'HOUR'
  | 'DAY'
  | 'WEEK'
  | 'MONTH'
  | 'QUARTER'
  | 'YEAR';

export interface TypeSpec {
  readonly name: string; // upper-cased base name: INT, VARCHAR, DECIMAL, ARRAY, MAP, ROW, TIMESTAMP...
  readonly params: readonly number[];
  readonly element?: TypeSpec;
  readonly key?: TypeSpec;
  readonly value?: TypeSpec;
  readonly fields?: readonly { readonly name: string; readonly type: TypeSpec }[];
}

export type Expr =
  | { readonly kind: 'literal'; readonly pos: SourcePosition; readonly value: string | number | boolean | null; readonly raw?: string }
  | { readonly kind: 'interval'; readonly pos: SourcePosition; readonly ms: number; readonly text: string; readonly months?: number }
  | { readonly kind: 'timeUnit'; readonly pos: SourcePosition; readonly unit: TimeUnit | string }
  | { readonly kind: 'column'; readonly pos: SourcePosition; readonly path: readonly string[] }
  | { readonly kind: 'star'; readonly pos: SourcePosition; readonly table?: string }
  | {
      readonly kind: 'call';
      readonly pos: SourcePosition;
      readonly name: string;
      readonly args: readonly Expr[];
      readonly distinct?: boolean;
      readonly star?: boolean;
      readonly over?: OverSpec;
      readonly filter?: Expr;
    }
  | { readonly kind: 'binary'; readonly pos: SourcePosition; readonly op: string; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'unary'; readonly pos: SourcePosition; readonly op: 'NOT' | '-' | '+'; readonly arg: Expr }
  | {
      readonly kind: 'case';
      readonly pos: SourcePosition;
      readonly operand?: Expr;
      readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
      readonly else?: Expr;
    }
  | { readonly kind: 'cast'; readonly pos: SourcePosition; readonly arg: Expr; readonly type: TypeSpec; readonly safe: boolean }
  | { readonly kind: 'between'; readonly pos: SourcePosition; readonly arg: Expr; readonly low: Expr; readonly high: Expr; readonly negated: boolean }
  | { readonly kind: 'in'; readonly pos: SourcePosition; readonly arg: Expr; readonly list: readonly Expr[]; readonly negated: boolean }
  | { readonly kind: 'like'; readonly pos: SourcePosition; readonly arg: Expr; readonly pattern: Expr; readonly escape?: Expr; readonly negated: boolean; readonly similar?: boolean }
  | { readonly kind: 'is'; readonly pos: SourcePosition; readonly arg: Expr; readonly what: 'NULL' | 'TRUE' | 'FALSE' | 'UNKNOWN'; readonly negated: boolean }
  | { readonly kind: 'isDistinct'; readonly pos: SourcePosition; readonly left: Expr; readonly right: Expr; readonly negated: boolean }
  | { readonly kind: 'subscript'; readonly pos: SourcePosition; readonly arg: Expr; readonly index: Expr }
  | { readonly kind: 'field'; readonly pos: SourcePosition; readonly arg: Expr; readonly name: string }
  | { readonly kind: 'array'; readonly pos: SourcePosition; readonly items: readonly Expr[] }
  | { readonly kind: 'map'; readonly pos: SourcePosition; readonly items: readonly Expr[] }
  | { readonly kind: 'row'; readonly pos: SourcePosition; readonly items: readonly Expr[] }
  | { readonly kind: 'descriptor'; readonly pos: SourcePosition; readonly columns: readonly string[] }
  | { readonly kind: 'tableArg'; readonly pos: SourcePosition; readonly name: string; readonly partitionBy?: readonly Expr[] }
  | { readonly kind: 'subquery'; readonly pos: SourcePosition; readonly query: Query }
  /** `x [NOT] IN (SELECT ...)`: planned as a semi join from a WHERE conjunct. */
  | { readonly kind: 'inQuery'; readonly pos: SourcePosition; readonly arg: Expr; readonly query: Query; readonly negated: boolean }
  /** `EXISTS (SELECT ...)`: planned as a semi (or, under NOT, anti) join from a WHERE conjunct. */
  | { readonly kind: 'exists'; readonly pos: SourcePosition; readonly query: Query };

export interface OverSpec {
  /** `OVER w`: a window named in the SELECT's WINDOW clause (the other members are then empty). */
  readonly ref?: { readonly name: string; readonly pos: SourcePosition };
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly OrderItem[];
  readonly frame?: {
    readonly unit: 'ROWS' | 'RANGE';
    readonly preceding: Expr | 'UNBOUNDED' | 'CURRENT';
  };
}

export interface OrderItem {
  readonly expr: Expr;
  readonly desc: boolean;
}

export type SelectItem =
  | { readonly kind: 'expr'; readonly expr: Expr; readonly alias?: string; readonly pos: SourcePosition }
  | { readonly kind: 'star'; readonly table?: string; readonly pos: SourcePosition };

export type FromItem =
  | {
      readonly kind: 'table';
      readonly pos: SourcePosition;
      readonly name: string;
      readonly alias?: string;
      /** `FOR SYSTEM_TIME AS OF expr`: the right side of a temporal or lookup join. */
      readonly asOf?: Expr;
    }
  | { readonly kind: 'subquery'; readonly pos: SourcePosition; readonly query: Query; readonly alias?: string }
  | {
      readonly kind: 'join';
      readonly pos: SourcePosition;
      readonly type: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS';
      readonly left: FromItem;
      readonly right: FromItem;
      readonly on?: Expr;
    }
  | {
      readonly kind: 'lateral';
      readonly pos: SourcePosition;
      readonly call: Expr;
      readonly alias?: string;
      readonly columns?: readonly string[];
    }
  | {
      readonly kind: 'unnest';
      readonly pos: SourcePosition;
      readonly expr: Expr;
      readonly alias?: string;
      readonly columns?: readonly string[];
      readonly withOrdinality: boolean;
    }
  | {
      /** TABLE(TUMBLE(TABLE t, DESCRIPTOR(rowtime), INTERVAL ...)) window table functions. */
      readonly kind: 'windowTvf';
      readonly pos: SourcePosition;
      readonly call: Extract<Expr, { kind: 'call' }>;
      readonly alias?: string;
    }
  | MatchRecognize;

/** One element of a MATCH_RECOGNIZE pattern: a variable with its quantifier (`A`, `B+?`, `C{2,}`). */
export interface PatternElement {
  readonly variable: string;
  readonly pos: SourcePosition;
  readonly min: number;
  /** null: no upper bound. */
  readonly max: number | null;
  /** Reluctant quantifiers (`*?`, `+?`, `{n,m}?`) take as few rows as possible. */
  readonly reluctant: boolean;
  /** Written with a quantifier that may vary in count (`*`, `+`, `{n,}`, `{n,m}`): Flink marks those greedy. */
  readonly looping: boolean;
}

/** `input MATCH_RECOGNIZE (...) [AS alias]`: row pattern recognition (Flink's supported subset). */
export interface MatchRecognize {
  readonly kind: 'match';
  readonly pos: SourcePosition;
  readonly input: FromItem;
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly OrderItem[];
  readonly orderPos: SourcePosition;
  readonly measures: readonly { readonly expr: Expr; readonly alias: string; readonly pos: SourcePosition }[];
  readonly after:
    | { readonly mode: 'PAST_LAST_ROW' | 'TO_NEXT_ROW'; readonly pos: SourcePosition }
    | { readonly mode: 'TO_FIRST' | 'TO_LAST'; readonly variable: string; readonly pos: SourcePosition };
  readonly pattern: readonly PatternElement[];
  readonly patternPos: SourcePosition;
  readonly within?: { readonly ms: number; readonly pos: SourcePosition };
  readonly defines: readonly { readonly variable: string; readonly expr: Expr; readonly pos: SourcePosition }[];
  readonly alias?: string;
}

export interface Select {
  readonly kind: 'select';
  readonly pos: SourcePosition;
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  readonly from?: FromItem;
  readonly where?: Expr;
  readonly groupBy: readonly Expr[];
  /**
   * GROUP BY with GROUPING SETS, ROLLUP or CUBE: the expanded grouping sets (each a list of key
   * expressions); `groupBy` then holds every key once.
   */
  readonly groupingSets?: readonly (readonly Expr[])[];
  readonly having?: Expr;
  /** `WINDOW w AS (...)`: named OVER windows. */
  readonly windows?: readonly { readonly name: string; readonly pos: SourcePosition; readonly spec: OverSpec }[];
}

export type QueryBody =
  | Select
  | {
      readonly kind: 'union';
      readonly pos: SourcePosition;
      readonly all: boolean;
      readonly left: QueryBody;
      readonly right: QueryBody;
    }
  | {
      /** INTERSECT / EXCEPT (MINUS), with ALL or distinct. */
      readonly kind: 'setOp';
      readonly op: 'INTERSECT' | 'EXCEPT';
      readonly pos: SourcePosition;
      readonly all: boolean;
      readonly left: QueryBody;
      readonly right: QueryBody;
    }
  | { readonly kind: 'nested'; readonly pos: SourcePosition; readonly query: Query };

export interface Query {
  readonly pos: SourcePosition;
  readonly with: readonly { readonly name: string; readonly query: Query; readonly pos: SourcePosition }[];
  readonly body: QueryBody;
  readonly orderBy: readonly OrderItem[];
  readonly limit?: number;
  readonly limitPos?: SourcePosition;
}

/** A `'key' = 'value'` of a WITH (...) clause or a SET statement, with the key's position. */
export interface TableOption {
  readonly key: string;
  readonly value: string;
  readonly pos: SourcePosition;
}

export interface TableColumnDef {
  readonly name: string;
  readonly pos: SourcePosition;
  /** A physical column's type; absent for a computed column (`name AS expr`). */
  readonly type?: TypeSpec;
  readonly computed?: Expr;
}

export interface CreateTable {
  readonly kind: 'createTable';
  readonly pos: SourcePosition;
  readonly name: string;
  readonly namePos: SourcePosition;
  readonly columns: readonly TableColumnDef[];
  readonly watermark?: { readonly column: string; readonly expr: Expr; readonly pos: SourcePosition };
  readonly primaryKey?: readonly string[];
  readonly options: readonly TableOption[];
}

export type InsertStatement = { readonly kind: 'insert'; readonly pos: SourcePosition; readonly target: string; readonly query: Query };

export type Statement =
  | { readonly kind: 'query'; readonly pos: SourcePosition; readonly query: Query }
  | CreateTable
  | { readonly kind: 'createFunction'; readonly pos: SourcePosition; readonly name: string; readonly className: string; readonly classPos: SourcePosition }
  | { readonly kind: 'set'; readonly pos: SourcePosition; readonly option: TableOption }
  | { readonly kind: 'statementSet'; readonly pos: SourcePosition; readonly inserts: readonly InsertStatement[] }
  | { readonly kind: 'createView'; readonly pos: SourcePosition; readonly name: string; readonly query: Query }
  | InsertStatement;
