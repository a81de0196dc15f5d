import { SqlError, type SourcePosition } from '../core/errors.js';
import type { CreateTable, Expr, Statement, TableColumnDef, TableOption, TypeSpec } from '../sql/ast.js';
import { parseStatements } from '../sql/parser.js';
import { registerScriptReader } from '../config/sources.js';
import { flinkDurationMs, isLookupTable } from '../sql/lookup-table.js';
import { fieldOptionsProblem } from '../connectors/datagen/flink-fields.js';

/**
 * A Flink SQL script (`dirk run script.sql`): CREATE TABLE ... WITH (...) for sources and the sink, CREATE VIEW,
 * CREATE FUNCTION, SET, and INSERT INTO statements (alone or in EXECUTE STATEMENT SET), turned into the job
 * config the rest of Dirk runs (STREAMS, SINK_* or one SINKS entry per INSERT target, FLINK_SQL_QUERY), so the
 * same sources, decoders and sinks are used.
 *
 * The whole script is the job's FLINK_SQL_QUERY: the planner skips the DDL, plans the views and the INSERTs,
 * and its errors name the script's own lines and columns.
 */

type Config = Record<string, unknown>;

/** SQL column types as a JSON Schema property; `x-sql-type` keeps what JSON Schema cannot say (INT, DECIMAL). */
function jsonSchemaOf(t: TypeSpec): Record<string, unknown> {
  switch (t.name) {
    case 'BOOLEAN':
    case 'BOOL':
      return { type: 'boolean' };
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
      return { type: 'integer', 'x-sql-type': 'INT' };
    case 'BIGINT':
      return { type: 'integer' };
    case 'FLOAT':
    case 'DOUBLE':
      return { type: 'number' };
    case 'DECIMAL':
      return { type: 'number', 'x-sql-type': `DECIMAL(${t.params[0] ?? 10}, ${t.params[1] ?? 0})` };
    case 'TIMESTAMP':
    case 'DATE':
    case 'TIME':
      return { type: 'string', format: 'date-time' };
    case 'BYTES':
      return { type: 'string', contentEncoding: 'base64' };
    case 'ARRAY':
      return { type: 'array', items: t.element ? jsonSchemaOf(t.element) : {} };
    case 'MAP':
      return { type: 'object', additionalProperties: t.value ? jsonSchemaOf(t.value) : {} };
    case 'ROW':
      return { type: 'object', properties: Object.fromEntries((t.fields ?? []).map((f) => [f.name, jsonSchemaOf(f.type)])) };
    default:
      return { type: 'string' };
  }
}

class Options {
  private readonly used = new Set<string>();
  constructor(
    private readonly table: CreateTable,
    private readonly list: readonly TableOption[],
  ) {}
  get(key: string): string | undefined {
    this.used.add(key);
    return this.list.find((o) => o.key === key)?.value;
  }
  need(key: string, what: string): string {
    const v = this.get(key);
    if (v === undefined) throw new SqlError(`CREATE TABLE ${this.table.name}: '${key}' is required (${what})`, this.table.namePos);
    return v;
  }
  oneOf(key: string, values: readonly string[], dflt: string): string {
    const v = this.get(key) ?? dflt;
    if (!values.includes(v)) throw new SqlError(`CREATE TABLE ${this.table.name}: '${key}' = '${v}' is not supported; use ${values.map((x) => `'${x}'`).join(', ')}`, this.pos(key));
    return v;
  }
  pos(key: string): SourcePosition {
    return this.list.find((o) => o.key === key)?.pos ?? this.table.namePos;
  }
  /** Every option not read is named as unsupported, at its position. */
  checkAllUsed(ignored: readonly RegExp[] = []): void {
    for (const o of this.list) {
      if (!this.used.has(o.key) && !ignored.some((r) => r.test(o.key))) {
        throw new SqlError(`CREATE TABLE ${this.table.name}: option '${o.key}' is not supported`, o.pos);
      }
    }
  }
}

/** `ts - INTERVAL '5' SECOND` (or `ts`): the watermark delay in ms. */
function watermarkDelay(table: CreateTable): number {
  const w = table.watermark!;
  const isCol = (e: Expr): boolean => e.kind === 'column' && e.path.length === 1 && e.path[0]!.toLowerCase() === w.column.toLowerCase();
  if (isCol(w.expr)) return 0;
  const e = w.expr;
  if (e.kind === 'binary' && e.op === '-' && isCol(e.left) && e.right.kind === 'interval') return e.right.ms;
  throw new SqlError(`WATERMARK FOR ${w.column}: only '${w.column}' or '${w.column} - INTERVAL ...' is supported (a bounded out-of-orderness watermark)`, w.pos);
}

/**
 * A computed event-time column (`ts AS TO_TIMESTAMP_LTZ(epoch_ms, 3)`, `WATERMARK FOR ts ...`): the forms whose
 * value is one physical column read as a time, so the source can fill the rowtime from that field, as it does
 * for a TIMESTAMP column. Returns the field and how a number in it counts; other forms are a SQL error.
 */
function computedRowtimeSource(table: CreateTable, name: string, e: Expr, pos: SourcePosition): { field: string; unit: 'SECONDS' | 'MILLISECONDS' } {
  const physical = (x: Expr): { name: string; type: string } | undefined => {
    if (x.kind !== 'column' || x.path.length !== 1) return undefined;
    const c = table.columns.find((col) => !col.computed && col.name.toLowerCase() === x.path[0]!.toLowerCase());
    return c ? { name: c.name, type: c.type!.name } : undefined;
  };
  const integral = (t: string): boolean => ['BIGINT', 'INT', 'INTEGER', 'SMALLINT', 'TINYINT'].includes(t);
  const text = (t: string): boolean => ['STRING', 'VARCHAR', 'CHAR'].includes(t);
  const fn = e.kind === 'call' ? e.name.toUpperCase() : undefined;
  if (fn === 'PROCTIME') throw new SqlError(`WATERMARK FOR ${name}: a processing-time attribute (PROCTIME()) cannot carry a watermark, as in Flink`, pos);
  if (e.kind === 'call' && fn === 'TO_TIMESTAMP_LTZ' && e.args.length === 2) {
    const col = physical(e.args[0]!);
    const precision = e.args[1]!;
    if (col && integral(col.type) && precision.kind === 'literal' && (precision.value === 3 || precision.value === 0)) {
      return { field: col.name, unit: precision.value === 3 ? 'MILLISECONDS' : 'SECONDS' };
    }
  }
  if (e.kind === 'call' && fn === 'TO_TIMESTAMP' && e.args.length === 1) {
    const col = physical(e.args[0]!);
    if (col && text(col.type)) return { field: col.name, unit: 'SECONDS' };
    // TO_TIMESTAMP(FROM_UNIXTIME(epoch_seconds))
    const inner = e.args[0]!;
    if (inner.kind === 'call' && inner.name.toUpperCase() === 'FROM_UNIXTIME' && inner.args.length === 1) {
      const c = physical(inner.args[0]!);
      if (c && integral(c.type)) return { field: c.name, unit: 'SECONDS' };
    }
  }
  if (e.kind === 'cast') {
    const col = physical(e.arg);
    if (col && text(col.type) && e.type.name === 'TIMESTAMP') return { field: col.name, unit: 'SECONDS' };
  }
  throw new SqlError(
    `WATERMARK FOR ${name}: the computed event-time column must read one column of the record as a time: ` +
      `TO_TIMESTAMP_LTZ(<BIGINT column>, 3) (epoch milliseconds), TO_TIMESTAMP_LTZ(<BIGINT column>, 0) or TO_TIMESTAMP(FROM_UNIXTIME(<BIGINT column>)) (epoch seconds), ` +
      `TO_TIMESTAMP(<STRING column>) or CAST(<STRING column> AS TIMESTAMP(3)); or declare it as a TIMESTAMP(3) column of the record`,
    pos,
  );
}

/** LOCALTIMESTAMP, CURRENT_TIMESTAMP or NOW(): the time a generated row is made. */
function isWallClock(e: Expr): boolean {
  return e.kind === 'call' && e.args.length === 0 && ['LOCALTIMESTAMP', 'CURRENT_TIMESTAMP', 'NOW'].includes(e.name.toUpperCase());
}

function sourceStream(table: CreateTable): { stream: Config; rowtime?: string; delayMs?: number } {
  const o = new Options(table, table.options);
  const connector = o.oneOf('connector', ['kafka', 'upsert-kafka', 'filesystem', 'datagen'], '');
  if (connector !== 'upsert-kafka' && connector !== 'datagen') o.oneOf('format', ['json'], 'json');
  const rowtime = table.watermark?.column;
  let computedFrom: { field: string; unit: 'SECONDS' | 'MILLISECONDS' } | undefined;
  /** A 'datagen' table's `ts AS LOCALTIMESTAMP` event-time column: generated as the wall clock, a column of the rows. */
  let generated: TableColumnDef | undefined;
  if (rowtime !== undefined) {
    const col = table.columns.find((c) => c.name.toLowerCase() === rowtime.toLowerCase());
    if (!col) throw new SqlError(`WATERMARK FOR ${rowtime}: no column ${rowtime} in ${table.name}`, table.watermark!.pos);
    if (col.computed) {
      if (connector === 'datagen') {
        if (!isWallClock(col.computed)) {
          throw new SqlError(
            `WATERMARK FOR ${rowtime}: a 'datagen' table's computed event-time column must be the time a row is generated (LOCALTIMESTAMP, CURRENT_TIMESTAMP or NOW()); or declare it as a TIMESTAMP(3) column of the table (see 'fields.${rowtime}.max-past')`,
            table.watermark!.pos,
          );
        }
        generated = col;
      } else computedFrom = computedRowtimeSource(table, rowtime, col.computed, table.watermark!.pos);
    } else if (!['TIMESTAMP', 'TIMESTAMP_LTZ'].includes(col.type!.name)) {
      throw new SqlError(`WATERMARK FOR ${rowtime}: the column must be a TIMESTAMP(3), found ${col.type!.name}`, table.watermark!.pos);
    }
  }
  // The watermark column becomes the table's event-time column (fed from the record's field of that name).
  // Computed columns (`p AS PROCTIME()`) are not read from the record: the query plans them over the scan.
  // A datagen table's wall-clock event time is generated with the row (max-past 0: the time it is made).
  const properties = Object.fromEntries(table.columns.filter((c) => !c.computed || c === generated).map((c) => [c.name, jsonSchemaOf(c === generated ? { name: 'TIMESTAMP', params: [3] } : c.type!)]));
  const stream: Config = {
    INPUT_SCHEMA_TABLE: table.name,
    INPUT_DATATYPE: 'JSON',
    INPUT_SCHEMA_JSON_SCHEMA: JSON.stringify({ type: 'object', properties }),
    ...(rowtime !== undefined ? { INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: computedFrom?.field ?? rowtime } : {}),
    ...(computedFrom?.unit === 'MILLISECONDS' ? { INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_UNIT: 'MILLISECONDS' } : {}),
  };
  if (connector === 'upsert-kafka') {
    Object.assign(stream, {
      SOURCE_DETAILS: [{ SOURCE_TYPE: 'UNBOUNDED', SOURCE_NAME: 'KAFKA_CONSUMER' }],
      SOURCE_KAFKA_NAME: table.name,
      SOURCE_KAFKA_TOPIC_NAMES: o.need('topic', 'the topic to read'),
      SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: o.need('properties.bootstrap.servers', 'the brokers'),
      SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: o.get('properties.group.id') ?? `dirk-${table.name}`,
      // As Flink's upsert-kafka source: always from the earliest offset (the whole table), no scan.startup.mode.
      SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET: 'earliest',
      ...upsertKeyOptions(table, o, 'SOURCE_KAFKA_UPSERT_KEY', 'SOURCE_KAFKA_UPSERT_KEY_FIELDS_PREFIX', 'SOURCE_KAFKA_UPSERT_VALUE_FIELDS_INCLUDE'),
    });
    if (rowtime !== undefined && table.primaryKey!.some((k) => k.toLowerCase() === rowtime.toLowerCase())) {
      throw new SqlError(`WATERMARK FOR ${rowtime}: the event-time column of an 'upsert-kafka' table cannot be a PRIMARY KEY column in Dirk`, table.watermark!.pos);
    }
  } else if (connector === 'kafka') {
    Object.assign(stream, {
      SOURCE_DETAILS: [{ SOURCE_TYPE: 'UNBOUNDED', SOURCE_NAME: 'KAFKA_CONSUMER' }],
      SOURCE_KAFKA_NAME: table.name,
      SOURCE_KAFKA_TOPIC_NAMES: o.need('topic', 'the topic to read'),
      SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: o.need('properties.bootstrap.servers', 'the brokers'),
      SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: o.get('properties.group.id') ?? `dirk-${table.name}`,
    });
    // Flink's 'scan.bounded.mode' = 'latest-offset': read up to the end offsets found at start, then finish.
    if (o.oneOf('scan.bounded.mode', ['unbounded', 'latest-offset'], 'unbounded') === 'latest-offset') {
      stream['SOURCE_DETAILS'] = [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'KAFKA_SOURCE' }];
    }
    const mode = o.oneOf('scan.startup.mode', ['earliest-offset', 'latest-offset', 'group-offsets'], 'group-offsets');
    const reset = o.get('properties.auto.offset.reset');
    stream['SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET'] = mode === 'earliest-offset' ? 'earliest' : mode === 'latest-offset' ? 'latest' : (reset ?? 'latest');
  } else if (connector === 'datagen') {
    Object.assign(stream, datagenOptions(table, o));
  } else {
    Object.assign(stream, {
      SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'FILE_SOURCE' }],
      SOURCE_FILE_PATH: o.need('path', 'the file to read'),
      SOURCE_FILE_FORMAT: 'JSONL',
    });
  }
  Object.assign(stream, alignmentOptions(table, o));
  o.checkAllUsed([/^json\./, /^(key|value)\.json\./]);
  // Without a WATERMARK the stream has no event-time field: the config of a script allows that (processing time only).
  return { stream, ...(rowtime !== undefined ? { rowtime, delayMs: watermarkDelay(table) } : {}) };
}

/**
 * Flink's watermark alignment options ('scan.watermark.alignment.group' and '.max-drift', both or neither):
 * the stream keys of src/job/watermark-alignment.ts. '.update-interval' is checked and not needed: Dirk checks
 * the drift at every delivery.
 */
function alignmentOptions(table: CreateTable, o: Options): Config {
  const group = o.get('scan.watermark.alignment.group');
  const drift = o.get('scan.watermark.alignment.max-drift');
  const interval = o.get('scan.watermark.alignment.update-interval');
  const what = (key: string): string => `CREATE TABLE ${table.name}: '${key}'`;
  if (interval !== undefined) flinkDurationMs(interval, what('scan.watermark.alignment.update-interval'), o.pos('scan.watermark.alignment.update-interval'));
  if (group === undefined && drift === undefined) return {};
  if (group === undefined || group.trim() === '') throw new SqlError(`${what('scan.watermark.alignment.group')} is required with 'scan.watermark.alignment.max-drift' (the name of the group to align with)`, o.pos('scan.watermark.alignment.max-drift'));
  if (drift === undefined) throw new SqlError(`${what('scan.watermark.alignment.max-drift')} is required with 'scan.watermark.alignment.group' (how far the table may run ahead, such as '5 s')`, o.pos('scan.watermark.alignment.group'));
  if (table.watermark === undefined) throw new SqlError(`CREATE TABLE ${table.name}: watermark alignment needs a WATERMARK (the event time to align by)`, o.pos('scan.watermark.alignment.group'));
  const ms = flinkDurationMs(drift, what('scan.watermark.alignment.max-drift'), o.pos('scan.watermark.alignment.max-drift'));
  if (ms < 1) throw new SqlError(`${what('scan.watermark.alignment.max-drift')} must be at least 1 ms, found '${drift}'`, o.pos('scan.watermark.alignment.max-drift'));
  return { SOURCE_WATERMARK_ALIGNMENT_GROUP: group.trim(), SOURCE_WATERMARK_ALIGNMENT_MAX_DRIFT_MS: ms };
}

/**
 * Flink's 'datagen' table: 'rows-per-second' (default 10000), 'number-of-rows' (absent: unbounded) and
 * 'fields.<column>.<option>' (flink-fields.ts checks the options against the table's columns when the job opens).
 */
function datagenOptions(table: CreateTable, o: Options): Config {
  const whole = (key: string, min: number): number | undefined => {
    const v = o.get(key);
    if (v === undefined) return undefined;
    if (!/^\s*\d+\s*$/.test(v) || Number(v) < min) throw new SqlError(`CREATE TABLE ${table.name}: option '${key}' expects a whole number of at least ${min}, found '${v}'`, o.pos(key));
    return Number(v);
  };
  const rate = whole('rows-per-second', 1) ?? 10_000;
  const rows = whole('number-of-rows', 0);
  // Flink runs one reader unless told otherwise; Dirk's datagen is one split either way.
  whole('scan.parallelism', 1);
  const fields: Record<string, string> = {};
  for (const opt of table.options) {
    if (!opt.key.startsWith('fields.')) continue;
    o.get(opt.key);
    const rest = opt.key.slice('fields.'.length);
    const dot = rest.lastIndexOf('.');
    const column = rest.slice(0, Math.max(0, dot));
    if (dot <= 0 || !table.columns.some((c) => c.name.toLowerCase() === column.toLowerCase() && !c.computed)) {
      const columns = table.columns.filter((c) => !c.computed).map((c) => c.name);
      throw new SqlError(`CREATE TABLE ${table.name}: option '${opt.key}' names no column of the table (columns: ${columns.join(', ')})`, opt.pos);
    }
    fields[rest] = opt.value;
  }
  const byColumn = new Map<string, Record<string, string>>();
  for (const [k, v] of Object.entries(fields)) {
    const dot = k.lastIndexOf('.');
    const column = k.slice(0, dot);
    byColumn.set(column, { ...byColumn.get(column), [k.slice(dot + 1)]: v });
  }
  for (const [column, options] of byColumn) {
    const problem = fieldOptionsProblem(options);
    if (problem) {
      const key = `fields.${column}.${problem.option}`;
      throw new SqlError(`CREATE TABLE ${table.name}: option '${key}': ${problem.message}`, o.pos(key));
    }
  }
  return {
    SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'DATAGEN_SOURCE' }],
    SOURCE_DATAGEN_RATE_PER_SECOND: rate,
    ...(rows !== undefined ? { SOURCE_DATAGEN_ROWS: rows } : { SOURCE_DATAGEN_UNBOUNDED: true }),
    SOURCE_DATAGEN_FIELDS: fields,
  };
}

function sinkConfig(table: CreateTable): Config {
  const o = new Options(table, table.options);
  const connector = o.oneOf('connector', ['kafka', 'upsert-kafka', 'print', 'blackhole'], '');
  if (connector === 'print' || connector === 'blackhole') {
    o.checkAllUsed();
    return { SINK_TYPE: connector === 'print' ? 'log' : 'blackhole' };
  }
  const cfg: Config = {
    SINK_TYPE: 'kafka',
    SINK_KAFKA_BROKERS: o.need('properties.bootstrap.servers', 'the brokers'),
    SINK_KAFKA_TOPIC: o.need('topic', 'the topic to write'),
    SINK_KAFKA_DATA_TYPE: 'JSON',
  };
  // Flink hands properties.* to the Kafka producer; linger.ms is the one that changes Dirk's sending.
  const linger = o.get('properties.linger.ms');
  if (linger !== undefined) {
    if (!/^\d+$/.test(linger.trim())) throw new SqlError(`CREATE TABLE ${table.name}: option 'properties.linger.ms' expects a whole number of milliseconds, found '${linger}'`, o.pos('properties.linger.ms'));
    cfg['SINK_KAFKA_LINGER_MS'] = Number(linger.trim());
  }
  if (connector === 'upsert-kafka') {
    cfg['SINK_KAFKA_JSON_CHANGELOG'] = 'UPSERT';
    // Flink's upsert-kafka sink keys every record by the table's PRIMARY KEY, not by the query's unique key.
    Object.assign(cfg, upsertKeyOptions(table, o, 'SINK_KAFKA_JSON_KEY', 'SINK_KAFKA_JSON_KEY_FIELDS_PREFIX', 'SINK_KAFKA_JSON_VALUE_FIELDS_INCLUDE'));
  } else {
    const format = o.oneOf('format', ['json', 'debezium-json'], 'json');
    if (format === 'debezium-json') cfg['SINK_KAFKA_JSON_CHANGELOG'] = 'DEBEZIUM';
  }
  // Flink's json format writes TIMESTAMPs as 'yyyy-MM-dd HH:mm:ss[.f]' unless told ISO-8601 (Dagger's sink: RFC 3339).
  const tsOption = connector === 'upsert-kafka' ? 'value.json.timestamp-format.standard' : `${o.get('format') ?? 'json'}.timestamp-format.standard`;
  cfg['SINK_KAFKA_JSON_TIMESTAMP_FORMAT'] = o.oneOf(tsOption, ['SQL', 'ISO-8601'], 'SQL');
  o.checkAllUsed([/^json\./, /^properties\./, /^sink\./]);
  return cfg;
}

/**
 * The options both sides of 'upsert-kafka' share, with Flink's checks and messages: the PRIMARY KEY (the record
 * key's columns), 'key.format' and 'value.format' (both required; JSON), 'key.fields-prefix' and
 * 'value.fields-include'. Returns the config keys naming them (`keyKey`, `prefixKey`, `includeKey`).
 */
function upsertKeyOptions(table: CreateTable, o: Options, keyKey: string, prefixKey: string, includeKey: string): Config {
  if (!table.primaryKey || table.primaryKey.length === 0) {
    throw new SqlError(
      `CREATE TABLE ${table.name}: 'upsert-kafka' tables require to define a PRIMARY KEY constraint (PRIMARY KEY (...) NOT ENFORCED). The PRIMARY KEY specifies which columns are read from or written to the Kafka message key, and the keys on which records update or delete`,
      table.namePos,
    );
  }
  for (const k of table.primaryKey) {
    if (!table.columns.some((c) => c.name.toLowerCase() === k.toLowerCase() && !c.computed)) {
      throw new SqlError(`CREATE TABLE ${table.name}: PRIMARY KEY column ${k} is not a (physical) column of the table`, table.namePos);
    }
  }
  o.need('key.format', "the record key's format: 'json'");
  o.need('value.format', "the record value's format: 'json'");
  o.oneOf('key.format', ['json'], 'json');
  o.oneOf('value.format', ['json'], 'json');
  const includeRaw = (o.get('value.fields-include') ?? 'ALL').toUpperCase();
  if (includeRaw !== 'ALL' && includeRaw !== 'EXCEPT_KEY') {
    throw new SqlError(`CREATE TABLE ${table.name}: 'value.fields-include' = '${includeRaw}' is not supported; use 'ALL' or 'EXCEPT_KEY'`, o.pos('value.fields-include'));
  }
  const prefix = o.get('key.fields-prefix') ?? '';
  if (prefix && includeRaw === 'ALL') {
    throw new SqlError(
      `CREATE TABLE ${table.name}: a key prefix is not allowed when option 'value.fields-include' is set to 'ALL'. Set it to 'EXCEPT_KEY' instead to avoid field overlaps`,
      o.pos('key.fields-prefix'),
    );
  }
  // Column names as the table declares them (the PRIMARY KEY may spell them in another case).
  const key = table.primaryKey.map((k) => table.columns.find((c) => c.name.toLowerCase() === k.toLowerCase())!.name);
  for (const k of key) {
    if (prefix && !k.startsWith(prefix)) {
      throw new SqlError(`CREATE TABLE ${table.name}: all fields in the key must be prefixed with '${prefix}' when option 'key.fields-prefix' is set, but field '${k}' is not prefixed`, o.pos('key.fields-prefix'));
    }
  }
  return { [keyKey]: key.join(','), ...(prefix ? { [prefixKey]: prefix } : {}), [includeKey]: includeRaw };
}

/** SET keys a script may give, mapped to Dirk's keys. */
const SET_KEYS: Readonly<Record<string, string>> = {
  'pipeline.name': 'FLINK_JOB_ID',
  'execution.checkpointing.interval': 'FLINK_CHECKPOINT_INTERVAL_MS',
  'table.exec.state.ttl': 'FLINK_RETENTION_IDLE_STATE_MINUTE',
};

function durationMs(v: string, pos: SourcePosition): number {
  const m = /^\s*(\d+)\s*(ms|s|min|h)?\s*$/.exec(v);
  if (!m) throw new SqlError(`expected a duration such as '10 s', found '${v}'`, pos);
  return Number(m[1]) * ({ ms: 1, s: 1000, min: 60_000, h: 3_600_000 }[m[2] ?? 'ms'] ?? 1);
}

/** The job config of a Flink SQL script. Throws SqlErrors naming the script's line and column. */
export function scriptToConfig(text: string): Config {
  const statements: Statement[] = parseStatements(text);
  const tables = new Map<string, CreateTable>();
  for (const st of statements) {
    if (st.kind !== 'createTable') continue;
    if (tables.has(st.name)) throw new SqlError(`table ${st.name} is created twice`, st.namePos);
    tables.set(st.name, st);
  }
  const inserts = statements.flatMap((s) => (s.kind === 'insert' ? [s] : s.kind === 'statementSet' ? s.inserts : []));
  if (inserts.length === 0) throw new SqlError('the script has no INSERT INTO: nothing would be written', statements[statements.length - 1]!.pos);
  const sinkTables = new Map<string, CreateTable>();
  for (const insert of inserts) {
    const table = tables.get(insert.target);
    if (!table) throw new SqlError(`INSERT INTO ${insert.target}: no CREATE TABLE ${insert.target} in the script`, insert.pos);
    sinkTables.set(insert.target, table);
  }
  // Several INSERTs (a statement set, or INSERT statements one after another) run as one job: each writes
  // the sink of its own table (SINKS entries tagged with SINK_TABLE).
  const sinks = [...sinkTables.values()];
  const config: Config =
    inserts.length === 1 ? { ...sinkConfig(sinks[0]!), FLINK_SQL_QUERY: text } : { SINKS: sinks.map((t) => ({ ...sinkConfig(t), SINK_TABLE: t.name })), FLINK_SQL_QUERY: text };
  const streams: Config[] = [];
  let rowtime: string | undefined;
  let delay: number | undefined;
  for (const t of tables.values()) {
    if (sinkTables.has(t.name)) continue;
    // A 'jdbc' table is a lookup table: the planner reads its options (sql/lookup-table.ts), no stream reads it.
    if (isLookupTable(t)) continue;
    const s = sourceStream(t);
    streams.push(s.stream);
    if (s.rowtime !== undefined) {
      if (rowtime !== undefined && rowtime !== s.rowtime) {
        throw new SqlError(`WATERMARK FOR ${s.rowtime}: every table's event-time column must have one name in Dirk (another table uses ${rowtime})`, t.watermark!.pos);
      }
      if (delay !== undefined && delay !== s.delayMs) {
        throw new SqlError(`WATERMARK FOR ${s.rowtime}: every table's watermark must trail by the same interval in Dirk (another table uses ${delay} ms)`, t.watermark!.pos);
      }
      rowtime = s.rowtime;
      delay = s.delayMs;
    }
  }
  if (streams.length === 0) throw new SqlError('the script creates no source table (only INSERT targets)', sinks[0]!.pos);
  config['STREAMS'] = streams;
  if (rowtime !== undefined) {
    config['FLINK_ROWTIME_ATTRIBUTE_NAME'] = rowtime;
    // Flink's DDL watermark is max(ts) - delay; Dirk's bounded out-of-orderness is max - delay - 1 ms
    config['FLINK_WATERMARK_DELAY_MS'] = Math.max(0, (delay ?? 0) - 1);
  }
  for (const st of statements) {
    if (st.kind !== 'set') continue;
    const key = SET_KEYS[st.option.key];
    if (!key) throw new SqlError(`SET '${st.option.key}' is not supported (supported: ${Object.keys(SET_KEYS).join(', ')})`, st.option.pos);
    const v = st.option.value;
    config[key] = key === 'FLINK_JOB_ID' ? v : key === 'FLINK_RETENTION_IDLE_STATE_MINUTE' ? Math.ceil(durationMs(v, st.option.pos) / 60_000) : durationMs(v, st.option.pos);
  }
  return config;
}

registerScriptReader(scriptToConfig);
