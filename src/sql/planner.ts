import { closest, SqlError, type SourcePosition } from '../core/errors.js';
import { checkTreeDepth } from './depth-guard.js';
import { typeFromSpec } from './types.js';
import { T, typeToString, type Field, type SqlType, type TableSchema } from '../core/types.js';
import type { FunctionCatalog } from '../udf/registry.js';
import type { CreateTable, Expr, FromItem, Query, QueryBody, Select, Statement } from './ast.js';
import { Binder, Scope } from './binder.js';
import { visitExpr } from './ast-walk.js';
import { expandGroupingSets } from './grouping-sets.js';
import { parseStatements } from './parser.js';
import { assertNoSessionTvf, containsAggregate, planAggregate, planWindowTvf } from './plan-aggregate.js';
import { planCorrelate } from './plan-correlate.js';
import { bindSelectList, mapUniqueKey, passThrough, uniqueNames } from './plan-fields.js';
import type { PlanHost, Planned } from './plan-host.js';
import { planJoin } from './plan-join.js';
import { pushFilterIntoJoin } from './plan-pushdown.js';
import { planMatch } from './plan-match.js';
import { isLookupTable, lookupTableOf } from './lookup-table.js';
import { planTemporalJoin } from './plan-temporal.js';
import type { LookupTable } from '../plan/nodes.js';
import { planSubqueryConjuncts } from './plan-subquery.js';
import { assertNoPendingRank, consumeRank, containsOver, planOverSelect } from './plan-over.js';
import { collectScans, type ScanNode } from '../plan/children.js';
import { assertAsyncPlacement, computeUsedColumns } from '../plan/walk.js';
import type { BExpr, PlanNode, QueryPlan } from '../plan/nodes.js';
import { commonType, isProctime, isRowtime, plainType } from './types.js';

/** The planner's narrow view of the world: tables by name and functions. */
export interface Catalog {
  table(name: string): TableSchema | undefined;
  tableNames(): string[];
  readonly functions: FunctionCatalog;
}

export function planSql(sql: string, catalog: Catalog): QueryPlan {
  const statements = parseStatements(sql);
  // Bounds every recursive walk below (binder, planner, compiler): see depth-guard.ts.
  checkTreeDepth(statements);
  return new Planner(withCreatedFunctions(statements, catalog)).planStatements(statements);
}

/**
 * INSERT INTO a table created in the same script: the query's columns go to the table's columns by position,
 * as in Flink, so the output takes the table's column names; the counts must agree.
 */
function intoTable(result: Planned, st: Extract<Statement, { kind: 'insert' }>, statements: readonly Statement[]): Planned {
  const table = statements.find((s) => s.kind === 'createTable' && s.name === st.target);
  if (!table || table.kind !== 'createTable') return result;
  const names = table.columns.map((c) => c.name);
  const fields = result.node.fields;
  if (names.length !== fields.length) {
    const n = (k: number): string => `${k} column${k === 1 ? '' : 's'}`;
    throw new SqlError(`INSERT INTO ${st.target}: the query gives ${n(fields.length)} (${fields.map((f) => f.name).join(', ')}), the table has ${n(names.length)} (${names.join(', ')})`, st.pos);
  }
  // Numbers of another type than the column's are cast to it (Flink's implicit cast on INSERT: INT into a
  // BIGINT column, DECIMAL into DOUBLE), so the sink writes the table's types.
  const casts: (SqlType | undefined)[] = fields.map(() => undefined);
  table.columns.forEach((c, i) => {
    if (c.computed || !c.type) return;
    const declared = typeFromSpec(c.type, st.pos);
    const given = fields[i]!.type;
    if (typeFamily(given) === 'number' && typeFamily(declared) === 'number' && typeToString(given) !== typeToString(declared)) casts[i] = declared;
    if (typeFamily(given) !== undefined && typeFamily(declared) !== undefined && typeFamily(given) !== typeFamily(declared)) {
      // Flink refuses it too ("Incompatible types for sink column"): by position, a query listing its columns
      // in another order than the table would otherwise write one column's values into another.
      throw new SqlError(
        `INSERT INTO ${st.target}: column ${i + 1} of the table, ${c.name}, is ${typeToString(declared)}, but the query's column ${i + 1} (${fields[i]!.name}) is ${typeToString(given)}; ` +
          'the query\'s columns go to the table\'s by position: list them in the table\'s order, or CAST',
        st.pos,
      );
    }
  });
  const renamed = fields.map((f, i) => ({ ...f, name: names[i]!, ...(casts[i] ? { type: casts[i] } : {}) }));
  if (casts.every((c) => c === undefined)) return { node: { ...result.node, fields: renamed }, scope: Scope.of(renamed, undefined) };
  const input = result.node;
  const exprs: BExpr[] = fields.map((f, i): BExpr => {
    const col: BExpr = { k: 'col', index: i, type: f.type };
    return casts[i] ? { k: 'cast', arg: col, type: casts[i]!, safe: false, pos: st.pos } : col;
  });
  const node: PlanNode = {
    kind: 'project',
    input,
    exprs,
    fields: renamed,
    updating: input.updating,
    rowtimeIndex: input.rowtimeIndex,
    ...(input.uniqueKey ? { uniqueKey: input.uniqueKey } : {}),
  };
  return { node, scope: Scope.of(renamed, undefined) };
}

/** Types one column can be written as another within (Flink casts implicitly inside a family); undefined: not checked. */
function typeFamily(t: SqlType): string | undefined {
  switch (t.kind) {
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DECIMAL':
      return 'number';
    case 'NULL':
    case 'ANY':
      return undefined;
    default:
      return t.kind;
  }
}

/**
 * A second INSERT into a table another INSERT writes: both go to the table's one sink, which takes the first's
 * columns, so the rows must agree in count and types; only append-only results (two changelogs into one
 * keyed table would interleave their updates).
 */
function sameSinkRows(first: PlanNode, next: PlanNode, st: Extract<Statement, { kind: 'insert' }>): void {
  const shape = (n: PlanNode): string => n.fields.map((f) => typeToString(f.type)).join(', ');
  if (shape(first) !== shape(next)) {
    throw new SqlError(`INSERT INTO ${st.target}: this query gives (${shape(next)}), another INSERT into ${st.target} gives (${shape(first)}); CAST the columns to the same types`, st.pos);
  }
  if (first.updating || next.updating) {
    throw new SqlError(`INSERT INTO ${st.target}: two INSERTs into one table with an updating result are not supported yet; combine the queries with UNION ALL`, st.pos);
  }
}

/**
 * CREATE [TEMPORARY] FUNCTION name AS 'fn': `fn` is a function of the UDF folders (or a built-in); `name`
 * becomes another name for it in the query.
 */
function withCreatedFunctions(statements: readonly Statement[], catalog: Catalog): Catalog {
  let functions = catalog.functions;
  for (const st of statements) {
    if (st.kind !== 'createFunction') continue;
    const def = functions.lookup(st.className);
    if (!def) {
      const hint = closest(st.className, functions.names());
      throw new SqlError(`CREATE FUNCTION ${st.name}: no function '${st.className}' in the UDF folders${hint ? `; did you mean '${hint}'?` : ''}`, st.classPos);
    }
    if (st.name.toLowerCase() === def.name.toLowerCase()) continue;
    if (functions.lookup(st.name)) throw new SqlError(`CREATE FUNCTION ${st.name}: a function of that name already exists`, st.pos);
    functions = functions.with([{ ...def, name: st.name } as typeof def], `CREATE FUNCTION ${st.name} AS '${st.className}'`);
  }
  return functions === catalog.functions ? catalog : { table: (n) => catalog.table(n), tableNames: () => catalog.tableNames(), functions };
}

class Planner {
  private readonly binder: Binder;
  private readonly views = new Map<string, { query: Query; pos: SourcePosition }>();
  /** The INSERT targets of the statements being planned. */
  private targets: ReadonlySet<string> = new Set();
  /** The script's lookup tables (CREATE TABLE ... 'connector' = 'jdbc'), by name. */
  private readonly lookupTables = new Map<string, LookupTable>();
  /** PRIMARY KEY columns a script declares for the tables it reads (the key of a versioned table), by name. */
  private readonly declaredKeys = new Map<string, readonly string[]>();
  /** CREATE TABLE statements of a script that have computed columns (`p AS PROCTIME()`), by table name. */
  private readonly computedTables = new Map<string, CreateTable>();

  constructor(private readonly catalog: Catalog) {
    this.binder = new Binder(catalog.functions);
  }

  planStatements(statements: Statement[]): QueryPlan {
    let result: Planned | undefined;
    const branches: { target: string; root: PlanNode }[] = [];
    const targets = new Set(statements.flatMap((s) => (s.kind === 'insert' ? [s.target] : s.kind === 'statementSet' ? s.inserts.map((x) => x.target) : [])));
    this.targets = targets;
    // A statement set's INSERTs run as the statements of the script do: in order, in one job.
    const flat = statements.flatMap((s): Exclude<Statement, { kind: 'statementSet' }>[] => (s.kind === 'statementSet' ? [...s.inserts] : [s]));
    for (const st of flat) {
      if (st.kind === 'set' || st.kind === 'createFunction') continue;
      if (st.kind === 'createTable') {
        // A SQL script's tables: sources are registered by the script's job, sinks are the INSERT targets,
        // lookup tables are queried by the lookup joins planned here.
        if (isLookupTable(st)) {
          this.lookupTables.set(st.name.toLowerCase(), lookupTableOf(st));
          continue;
        }
        if (st.columns.some((c) => c.computed) && this.catalog.table(st.name) && !targets.has(st.name)) this.computedTables.set(st.name, st);
        if (st.primaryKey && !targets.has(st.name)) this.declaredKeys.set(st.name.toLowerCase(), st.primaryKey);
        if (this.catalog.table(st.name) || targets.has(st.name)) continue;
        throw new SqlError(`CREATE TABLE ${st.name}: a table that is neither read nor written by an INSERT; CREATE TABLE runs in a SQL script (dirk run script.sql), where a job config's tables come from STREAMS`, st.pos);
      }
      if (st.kind === 'createView') {
        if (this.views.has(st.name) || this.catalog.table(st.name)) throw new SqlError(`'${st.name}' is already defined`, st.pos);
        // Plan it once now so that errors point at the view definition.
        this.planQuery(st.query, new Map());
        this.views.set(st.name, { query: st.query, pos: st.pos });
        continue;
      }
      if (st.kind === 'insert') {
        if (result && branches.length === 0) throw new SqlError('a SELECT next to INSERT INTO: in a job of INSERTs every query writes to a table; make the SELECT an INSERT INTO', st.pos);
        result = intoTable(this.planQuery(st.query, new Map()), st, statements);
        const earlier = branches.find((b) => b.target === st.target);
        if (earlier) sameSinkRows(earlier.root, result.node, st);
        branches.push({ target: st.target, root: result.node });
        continue;
      }
      if (result) {
        if (branches.length > 0) throw new SqlError('a SELECT next to INSERT INTO: in a job of INSERTs every query writes to a table; make the SELECT an INSERT INTO', st.pos);
        throw new SqlError('only one query may produce the job output; put the others in CREATE TEMPORARY VIEW', st.pos);
      }
      result = this.planQuery(st.query, new Map());
    }
    if (!result) throw new SqlError('no query: the last statement must be a SELECT (views alone produce nothing)', statements[0]!.pos);
    for (const b of branches.length > 1 ? branches : [{ root: result.node }]) {
      assertNoPendingRank(b.root);
      assertAsyncPlacement(b.root);
      computeUsedColumns(b.root);
    }
    if (branches.length > 1) return { root: branches[0]!.root, scans: branches.flatMap((b) => collectScans(b.root)), branches };
    const root = result.node;
    return { root, scans: collectScans(root) };
  }

  // ---- queries --------------------------------------------------------------------------------------
  private planQuery(q: Query, ctes: Map<string, Query>): Planned {
    const inner = new Map(ctes);
    for (const w of q.with) inner.set(w.name, w.query);
    let planned = this.planBody(q.body, inner);
    if (q.orderBy.length || q.limit !== undefined) {
      planned = this.planOrderLimit(q, planned);
    }
    return planned;
  }

  private planOrderLimit(q: Query, planned: Planned): Planned {
    // On an unbounded stream only ordering by the ascending time attribute is meaningful, and it is the order
    // rows already come in; anything else needs ROW_NUMBER() (Top-N).
    for (const o of q.orderBy) {
      const b = this.binder.bind(o.expr, planned.scope);
      if (!(b.k === 'col' && isRowtime(b.type) && !o.desc)) {
        throw new SqlError('ORDER BY on a stream is only supported on the ascending time attribute; use ROW_NUMBER() OVER (...) for Top-N', o.expr.pos);
      }
    }
    if (q.limit !== undefined) throw new SqlError('LIMIT on an unbounded stream is not supported; use ROW_NUMBER() OVER (...) <= n', q.limitPos ?? q.pos);
    return planned;
  }

  private planBody(body: QueryBody, ctes: Map<string, Query>): Planned {
    switch (body.kind) {
      case 'select':
        return this.planSelect(body, ctes);
      case 'nested':
        return this.planQuery(body.query, ctes);
      case 'union': {
        if (!body.all) throw new SqlError('UNION without ALL needs global deduplication; use UNION ALL (and DISTINCT on top if you need it)', body.pos);
        const inputs = flattenUnion(body).map((b) => this.planBody(b, ctes));
        const fields = setColumns(inputs, 'UNION ALL', body.pos);
        const first = inputs[0]!;
        const rowtimeIndex = first.node.rowtimeIndex !== undefined && inputs.every((i) => i.node.rowtimeIndex === first.node.rowtimeIndex) ? first.node.rowtimeIndex : undefined;
        const node: PlanNode = {
          kind: 'union',
          inputs: inputs.map((i) => i.node),
          fields,
          updating: inputs.some((i) => i.node.updating),
          rowtimeIndex,
        };
        return { node, scope: Scope.of(fields, undefined) };
      }
      case 'setOp': {
        const inputs = [this.planBody(body.left, ctes), this.planBody(body.right, ctes)];
        const what = `${body.op}${body.all ? ' ALL' : ''}`;
        const fields = setColumns(inputs, what, body.pos).map((f) => ({ name: f.name, type: plainType(f.type) }));
        const node: PlanNode = {
          kind: 'union',
          inputs: inputs.map((i) => i.node),
          setOp: { op: body.op, all: body.all },
          fields,
          // Counts only grow on append-only inputs, so INTERSECT then only ever adds rows; EXCEPT removes a row
          // when its match arrives on the right.
          updating: body.op === 'EXCEPT' || inputs.some((i) => i.node.updating),
          rowtimeIndex: undefined,
          ...(body.all ? {} : { uniqueKey: fields.map((_, i) => i) }),
        };
        return { node, scope: Scope.of(fields, undefined) };
      }
    }
  }

  private planSelect(s: Select, ctes: Map<string, Query>): Planned {
    if (s.groupingSets || (s.groupBy.length > 0 && usesGrouping(s))) return this.planGroupingSets(s, ctes);
    // `FROM a, b WHERE ...`: a filter over a cross product is an inner join on that condition (as Flink plans it).
    if (s.from?.kind === 'join' && s.from.type === 'CROSS' && !s.from.on && s.where && s.from.right.kind !== 'unnest' && s.from.right.kind !== 'lateral') {
      const { where, ...rest } = s;
      s = { ...rest, from: { ...s.from, type: 'INNER', on: where } };
    }
    if (!s.from) throw new SqlError('SELECT without FROM produces no stream', s.pos);
    let input = this.planFrom(s.from, ctes);
    let where = s.where;
    // ROW_NUMBER() in the FROM sub-query, filtered here: Top-N or deduplication.
    const ranked = consumeRank(this.host, s, input);
    if (ranked?.planned) return ranked.planned;
    if (ranked) ({ input, where } = ranked);
    if (where) ({ input, where } = planSubqueryConjuncts(this.host, where, input, ctes));
    if (where) {
      const predicate = this.binder.bind(where, input.scope);
      if (predicate.type.kind !== 'BOOLEAN' && predicate.type.kind !== 'NULL') {
        throw new SqlError(`WHERE needs a BOOLEAN condition, found ${typeToString(predicate.type)}`, where.pos);
      }
      // Conjuncts that read one input of a join are evaluated before it (plan-pushdown.ts); the rest after.
      const pushed = pushFilterIntoJoin(input.node, predicate);
      const node = pushed.rest ? { ...passThrough(pushed.node), kind: 'filter' as const, input: pushed.node, predicate: pushed.rest } : pushed.node;
      input = { node, scope: input.scope };
    }
    const hasAgg = s.groupBy.length > 0 || s.items.some((i) => i.kind === 'expr' && containsAggregate(this.binder, i.expr)) || (s.having !== undefined);
    let planned: Planned;
    if (hasAgg) planned = planAggregate(this.host, s, input);
    else {
      assertNoSessionTvf(input, s.from.pos);
      planned = this.planProjection(s, input);
    }
    if (s.distinct) {
      const keys = planned.node.fields.map((f, i): BExpr => ({ k: 'col', index: i, type: f.type }));
      const fields = planned.node.fields.map((f) => ({ name: f.name, type: plainType(f.type) }));
      const node: PlanNode = {
        kind: 'groupAggregate',
        input: planned.node,
        keys,
        aggs: [],
        fields,
        updating: true,
        rowtimeIndex: undefined,
        uniqueKey: keys.map((_, i) => i),
      };
      planned = { node, scope: Scope.of(fields, undefined) };
    }
    return planned;
  }

  /** GROUPING SETS / ROLLUP / CUBE: one aggregation per grouping set, their results together (UNION ALL). */
  private planGroupingSets(s: Select, ctes: Map<string, Query>): Planned {
    const isAggregate = (name: string): boolean => this.binder.isAggregate(name);
    const branches = expandGroupingSets(s, isAggregate).map((b) => this.planSelect(b, ctes));
    const fields = setColumns(branches, 'GROUPING SETS', s.pos).map((f) => ({ name: f.name, type: plainType(f.type) }));
    const node: PlanNode =
      branches.length === 1
        ? branches[0]!.node
        : { kind: 'union', inputs: branches.map((b) => b.node), fields, updating: branches.some((b) => b.node.updating), rowtimeIndex: undefined };
    return { node, scope: Scope.of(node.fields, undefined) };
  }

  private get host(): PlanHost {
    return {
      binder: this.binder,
      project: (input, exprs, fields) => this.project(input, exprs, fields),
      planFrom: (f, ctes) => this.planFrom(f, ctes),
    };
  }

  private planProjection(s: Select, input: Planned): Planned {
    if (s.items.some((i) => i.kind === 'expr' && containsOver(i.expr))) {
      return planOverSelect(this.host, s, input, (name) => this.binder.isAggregate(name));
    }
    const { exprs, fields } = bindSelectList(input.scope, s.items, (item) => {
      if (item.expr.kind === 'call' && item.expr.over) throw new SqlError('OVER aggregations are not supported yet', item.expr.pos);
      return this.binder.bind(item.expr, input.scope);
    })!;
    return this.project(input.node, exprs, fields);
  }

  private project(input: PlanNode, exprs: BExpr[], named: Field[]): Planned {
    const fields = uniqueNames(named);
    let rowtimeIndex: number | undefined;
    const outFields = fields.map((f, i) => {
      const e = exprs[i]!;
      // A time attribute stays one only when passed through unchanged.
      if (e.k === 'col' && isRowtime(e.type) && e.index === input.rowtimeIndex) {
        if (rowtimeIndex === undefined) rowtimeIndex = i;
        return f;
      }
      if (e.k === 'col' && isRowtime(e.type)) return f;
      // A processing-time attribute stays one when passed through or written as PROCTIME() (Flink).
      if (isProctime(e.type) && (e.k === 'col' || (e.k === 'op' && e.op === 'PROCTIME'))) return { name: f.name, type: T.PROCTIME };
      return { name: f.name, type: plainType(f.type) };
    });
    const uniqueKey = mapUniqueKey(input, exprs);
    const node: PlanNode = {
      kind: 'project',
      input,
      exprs,
      fields: outFields,
      updating: input.updating,
      rowtimeIndex,
      ...(uniqueKey ? { uniqueKey } : {}),
    };
    return { node, scope: Scope.of(outFields, undefined) };
  }

  /**
   * A script table's computed columns (`name AS expr`, e.g. `p AS PROCTIME()`): a projection over the scan
   * giving the columns in the order CREATE TABLE lists them, each computed one bound against the physical
   * columns (as Flink plans them).
   */
  private computedColumns(ddl: CreateTable, scan: Planned): Planned {
    const exprs: BExpr[] = [];
    const fields: Field[] = [];
    const rowtime = scan.node.rowtimeIndex === undefined ? undefined : scan.node.fields[scan.node.rowtimeIndex]?.name.toLowerCase();
    for (const c of ddl.columns) {
      // The computed event-time column (`ts AS TO_TIMESTAMP_LTZ(ms, 3)` with a WATERMARK on it) was filled by the
      // source, which reads the watermark from it: it is the scan's rowtime column, not computed again here.
      const computed = c.computed && c.name.toLowerCase() !== rowtime ? c.computed : undefined;
      const e = computed ? this.binder.bind(computed, scan.scope) : this.binder.bind({ kind: 'column', pos: c.pos, path: [c.name] }, scan.scope);
      exprs.push(e);
      fields.push({ name: c.name, type: e.type });
    }
    return this.project(scan.node, exprs, fields);
  }

  // ---- FROM -----------------------------------------------------------------------------------------
  private planFrom(f: FromItem, ctes: Map<string, Query>): Planned {
    switch (f.kind) {
      case 'table': {
        const alias = f.alias ?? f.name;
        const cte = ctes.get(f.name);
        if (cte) {
          const p = this.planQuery(cte, ctes);
          return { node: p.node, scope: Scope.of(p.node.fields, alias) };
        }
        const view = this.views.get(f.name);
        if (view) {
          const p = this.planQuery(view.query, new Map());
          return { node: p.node, scope: Scope.of(p.node.fields, alias) };
        }
        if (f.asOf) throw new SqlError(`FOR SYSTEM_TIME AS OF: ${f.name} must be the right side of a JOIN (a temporal or lookup join)`, f.asOf.pos);
        const lookup = this.lookupTables.get(f.name.toLowerCase());
        if (lookup) {
          throw new SqlError(`table ${f.name} is a lookup table ('connector' = 'jdbc'): join it with JOIN ${f.name} FOR SYSTEM_TIME AS OF <left>.<processing-time column> ON ...`, f.pos);
        }
        const table = this.catalog.table(f.name);
        if (!table) {
          if (this.targets.has(f.name)) throw new SqlError(`table '${f.name}' is written by an INSERT of this job; reading an INSERT's target in the same job is not supported yet`, f.pos);
          const names = [...this.catalog.tableNames(), ...this.views.keys(), ...ctes.keys()];
          throw new SqlError(`table '${f.name}' not found; the job's tables (INPUT_SCHEMA_TABLE in STREAMS) are: ${names.join(', ') || 'none'}`, f.pos);
        }
        const node: ScanNode = {
          kind: 'scan',
          table,
          used: new Set<number>(),
          fields: table.columns,
          updating: table.changelog === true,
          ...(table.changelog && table.primaryKey?.length ? { uniqueKey: table.primaryKey } : {}),
          rowtimeIndex: table.rowtimeIndex,
        };
        const ddl = this.computedTables.get(f.name);
        if (table.upsert) {
          // An upsert source (upsert-kafka) gives upserts and key-only deletes: a ChangelogNormalize keeps the
          // last row per key and makes them a retract stream, as Flink's planner does.
          const normalized: PlanNode = { kind: 'changelogNormalize', input: node, keys: table.primaryKey!, fields: node.fields, updating: true, uniqueKey: table.primaryKey!, rowtimeIndex: node.rowtimeIndex };
          const p = ddl ? this.computedColumns(ddl, { node: normalized, scope: Scope.of(table.columns, undefined) }) : { node: normalized };
          return { node: p.node, scope: Scope.of(p.node.fields, alias) };
        }
        if (ddl) {
          const p = this.computedColumns(ddl, { node, scope: Scope.of(table.columns, undefined) });
          return { node: p.node, scope: Scope.of(p.node.fields, alias) };
        }
        return { node, scope: Scope.of(table.columns, alias) };
      }
      case 'subquery': {
        const p = this.planQuery(f.query, ctes);
        return { node: p.node, scope: Scope.of(p.node.fields, f.alias) };
      }
      case 'join':
        if (f.right.kind === 'unnest' || f.right.kind === 'lateral') {
          return planCorrelate(this.binder, this.catalog.functions, this.planFrom(f.left, ctes), f);
        }
        if (f.right.kind === 'table' && f.right.asOf) {
          return planTemporalJoin(this.host, f, f.right, ctes, {
            lookupTable: (name) => this.lookupTables.get(name.toLowerCase()),
            declaredKey: (name) => this.declaredKeys.get(name.toLowerCase()),
          });
        }
        return planJoin(this.host, f, ctes);
      case 'windowTvf':
        return planWindowTvf(this.host, f, ctes);
      case 'match':
        return planMatch(this.host, f, ctes);
      case 'lateral':
      case 'unnest':
        throw new SqlError(
          `${f.kind === 'lateral' ? 'LATERAL TABLE' : 'UNNEST'} needs a table before it, e.g. FROM t CROSS JOIN UNNEST(t.arr) AS u(x) or FROM t, LATERAL TABLE(fn(t.a)) AS f(c)`,
          f.pos,
        );
    }
  }
}

function usesGrouping(s: Select): boolean {
  let found = false;
  const look = (e: Expr): void => visitExpr(e, (x) => {
    if (x.kind === 'call' && (x.name === 'GROUPING' || x.name === 'GROUPING_ID')) found = true;
  });
  for (const i of s.items) if (i.kind === 'expr') look(i.expr);
  if (s.having) look(s.having);
  return found;
}

/** The columns of a UNION ALL / INTERSECT / EXCEPT: the first input's names, the inputs' common types. */
function setColumns(inputs: readonly Planned[], what: string, pos: SourcePosition): Field[] {
  const first = inputs[0]!;
  const width = first.node.fields.length;
  const fields: Field[] = [];
  for (let c = 0; c < width; c++) {
    const types: SqlType[] = [];
    for (const [k, inp] of inputs.entries()) {
      if (inp.node.fields.length !== width) {
        throw new SqlError(`${what} inputs have different numbers of columns (${width} and ${inp.node.fields.length}) in input ${k + 1}`, pos);
      }
      types.push(inp.node.fields[c]!.type);
    }
    const t = commonType(types);
    if (!t) throw new SqlError(`${what} column ${c + 1} has incompatible types: ${types.map(typeToString).join(', ')}`, pos);
    const allRowtime = types.every((x) => isRowtime(x));
    fields.push({ name: first.node.fields[c]!.name, type: allRowtime ? first.node.fields[c]!.type : t });
  }
  return fields;
}

function flattenUnion(b: QueryBody): QueryBody[] {
  return b.kind === 'union' && b.all ? [...flattenUnion(b.left), ...flattenUnion(b.right)] : [b];
}
