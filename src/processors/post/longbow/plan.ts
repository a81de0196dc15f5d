import { userError } from '../../../core/errors.js';
import { T, typeToString, type Field, type Row } from '../../../core/types.js';
import { createProtoRowEncoder } from '../../../schema/index.js';
import type { JobConfig } from '../../../config/index.js';
import type { DescriptorRegistry } from '../../../schema/index.js';
import type { Stage, StageBatch, StageContext } from '../../types.js';
import { formatValue } from '../external/template.js';
import { PgLongbowStore, type LongbowCell, type LongbowStore } from './store.js';

/**
 * Longbow and Longbow+, driven by the query's column names exactly as in Dagger:
 * - Longbow (`longbow_key`): each row is written (its `longbow_data*` columns, as text), then the history of
 *   its key is read back over `longbow_duration` (`30d`, `12h`, `15m`) before its rowtime, or between
 *   `longbow_earliest` and `longbow_latest`, and every `longbow_data*` column becomes the list of its values,
 *   newest first. The row itself is in its own history, as in Dagger (the writer runs before the reader).
 * - Longbow+ writer (`longbow_write_key`): the row is stored whole, encoded with the first stream's proto,
 *   and the output gains `bigtable_table_id`, `input_class_name` and `longbow_read_key`.
 * - Longbow+ reader (`longbow_read_key`): the output gains `proto_data`, the stored messages (bytes), newest first.
 * The store is PostgreSQL (PROCESSOR_LONGBOW_STORE_URL); see store.ts for how BigTable's layout maps on it.
 */
type Kind = 'process' | 'write' | 'read';

const DATA = 'longbow_data';
const PROTO_COLUMN = 'proto';
const DURATION_UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

export interface LongbowPlan {
  readonly stage: Stage;
  /** Keys the job sets that have no meaning with the PostgreSQL store. */
  readonly warnings: readonly string[];
}

/** What Longbow is planned from: the job's config and descriptors, and the query's output columns. */
export interface LongbowInput {
  readonly config: JobConfig;
  readonly registry: DescriptorRegistry | undefined;
  readonly columns: readonly Field[];
}

export function planLongbow(input: LongbowInput): LongbowPlan | undefined {
  const names = input.columns.map((f) => f.name);
  const kind: Kind | undefined = names.includes('longbow_key') ? 'process' : names.includes('longbow_write_key') ? 'write' : names.includes('longbow_read_key') ? 'read' : undefined;
  if (!kind) return undefined;
  const keyName = kind === 'process' ? 'longbow_key' : kind === 'write' ? 'longbow_write_key' : 'longbow_read_key';
  const has = (n: string): boolean => names.includes(n);
  const dataColumns = names.filter((n) => n.includes(DATA));
  const rowtimeName = input.config.rowtimeAttributeName;
  const what = `Longbow${kind === 'process' ? '' : kind === 'write' ? '+ writer' : '+ reader'} (the query has a ${keyName} column)`;
  // Dagger's LongbowValidator: mandatory and forbidden columns per kind.
  const mandatory = kind === 'process' ? [DATA, 'event_timestamp', rowtimeName] : kind === 'write' ? [rowtimeName, 'event_timestamp'] : ['event_timestamp'];
  for (const m of mandatory) {
    if (!(m === DATA ? dataColumns.length > 0 : has(m))) throw userError(`${what}: the query must also select ${m === DATA ? 'at least one longbow_data* column' : `a ${m} column`}`);
  }
  const forbidden = kind === 'process' ? ['proto_data'] : kind === 'write' ? ['proto_data', DATA, 'longbow_latest', 'longbow_earliest', 'longbow_duration'] : [DATA, 'proto_data'];
  for (const f of forbidden) {
    const found = f === DATA ? dataColumns[0] : has(f) ? f : undefined;
    if (found) throw userError(`${what}: the query may not select ${found}`);
  }
  let range: 'duration' | 'absolute' | undefined;
  if (kind !== 'write') {
    if (has('longbow_duration') && (has('longbow_earliest') || has('longbow_latest'))) throw userError(`${what}: select either longbow_duration or longbow_earliest and longbow_latest, not both`);
    if (has('longbow_duration')) range = 'duration';
    else if (has('longbow_earliest') && has('longbow_latest')) range = 'absolute';
    else throw userError(`${what}: select longbow_duration (e.g. '30d') or both longbow_earliest and longbow_latest`);
  }
  const lb = input.config.processors.longbow;
  if (!lb.storeUrl) {
    throw userError(`${what}: Longbow needs a store, and Dirk keeps it in PostgreSQL instead of BigTable; set PROCESSOR_LONGBOW_STORE_URL=postgres://user@host:5432/database`);
  }
  const idx = (n: string): number => names.indexOf(n);
  const rowtimeIdx = idx(rowtimeName) >= 0 ? idx(rowtimeName) : idx('event_timestamp');
  let output: Field[] = [...input.columns];
  let encode: ((row: Row) => Uint8Array) | undefined;
  let inputProto: string | undefined;
  if (kind === 'process') {
    output = input.columns.map((f) => (f.name.includes(DATA) ? { name: f.name, type: T.array(T.STRING) } : f));
  } else if (kind === 'write') {
    inputProto = input.config.streams[0]?.protoClass;
    if (!inputProto || !input.registry) throw userError(`${what}: the first stream must be protobuf (INPUT_SCHEMA_PROTO_CLASS): Longbow+ stores rows encoded with it`);
    const encoder = createProtoRowEncoder(input.registry, inputProto, input.columns);
    encode = (row) => encoder.encode(row);
    output = [...input.columns, { name: 'bigtable_table_id', type: T.STRING }, { name: 'input_class_name', type: T.STRING }, { name: 'longbow_read_key', type: T.STRING }];
  } else {
    output = [...input.columns, { name: 'proto_data', type: T.array(T.BYTES) }];
  }
  const table = lb.gcpTableId;
  const store: LongbowStore = new PgLongbowStore(lb.storeUrl, lb.threadCapacity, lb.asyncTimeoutMs);
  const stage = new LongbowStage({
    kind,
    table,
    keyIdx: idx(keyName),
    rowtimeIdx,
    dataIdx: dataColumns.map((n) => [n, idx(n)] as const),
    range,
    durationIdx: idx('longbow_duration'),
    earliestIdx: idx('longbow_earliest'),
    latestIdx: idx('longbow_latest'),
    input: input.columns,
    output,
    store,
    capacity: lb.threadCapacity,
    retentionMs: lb.documentDurationMs,
    encode,
    inputProto,
    describeText: `${what}: table ${table} in ${store.describe()}, retention ${lb.documentDuration}, capacity ${lb.threadCapacity}${range ? `, range by ${range === 'duration' ? 'longbow_duration' : 'longbow_earliest..longbow_latest'}` : ''}`,
  });
  const warnings: string[] = [];
  for (const [key, value] of [['PROCESSOR_LONGBOW_GCP_PROJECT_ID', lb.gcpProjectId], ['PROCESSOR_LONGBOW_GCP_INSTANCE_ID', lb.gcpInstanceId]] as const) {
    if (value !== 'default-gcp-project') warnings.push(`${key}=${value} is ignored: Dirk keeps Longbow history in PostgreSQL (PROCESSOR_LONGBOW_STORE_URL), not BigTable`);
  }
  return { stage, warnings };
}

interface LongbowSpec {
  readonly kind: Kind;
  readonly table: string;
  readonly keyIdx: number;
  readonly rowtimeIdx: number;
  readonly dataIdx: readonly (readonly [string, number])[];
  readonly range: 'duration' | 'absolute' | undefined;
  readonly durationIdx: number;
  readonly earliestIdx: number;
  readonly latestIdx: number;
  readonly input: readonly Field[];
  readonly output: readonly Field[];
  readonly store: LongbowStore;
  readonly capacity: number;
  readonly retentionMs: number;
  readonly encode: ((row: Row) => Uint8Array) | undefined;
  readonly inputProto: string | undefined;
  readonly describeText: string;
}

const HOUR = 3_600_000;

class LongbowStage implements Stage {
  readonly name: string;
  readonly input: readonly Field[];
  readonly output: readonly Field[];
  private lastExpire = 0;
  private now: () => number = Date.now;

  constructor(private readonly s: LongbowSpec) {
    this.name = s.kind === 'process' ? 'longbow' : s.kind === 'write' ? 'longbow+ writer' : 'longbow+ reader';
    this.input = s.input;
    this.output = s.output;
  }

  async open(ctx: StageContext): Promise<void> {
    this.now = ctx.now;
    await this.s.store.open();
    await this.expire();
  }

  async close(): Promise<void> {
    await this.s.store.close();
  }

  describe(): string[] {
    return [this.s.describeText, `output: ${this.output.map((f) => `${f.name} ${typeToString(f.type)}`).join(', ')}`];
  }

  async process(batch: StageBatch): Promise<StageBatch> {
    const s = this.s;
    if (s.kind !== 'read') await this.write(batch.rows, batch.origin);
    if (s.kind === 'write') {
      const rows = batch.rows.map((r) => [...r, s.table, s.inputProto ?? null, r[s.keyIdx] ?? null]);
      return { ...batch, rows };
    }
    const out = new Array<Row>(batch.rows.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batch.rows.length) {
        const i = next++;
        out[i] = await this.read(batch.rows[i]!, batch.origin);
      }
    };
    await Promise.all(Array.from({ length: Math.min(s.capacity, batch.rows.length) }, worker));
    if (this.now() - this.lastExpire > HOUR) await this.expire();
    return { ...batch, rows: out };
  }

  private async write(rows: readonly Row[], origin: string | undefined): Promise<void> {
    const s = this.s;
    const cells: LongbowCell[] = [];
    for (const r of rows) {
      const key = this.key(r, origin);
      const time = this.time(r, origin);
      if (s.kind === 'write') cells.push({ key, time, column: PROTO_COLUMN, value: s.encode!(r) });
      else for (const [name, i] of s.dataIdx) cells.push({ key, time, column: name, value: Buffer.from(r[i] === null || r[i] === undefined ? '' : formatValue(r[i]), 'utf8') });
    }
    try {
      for (let i = 0; i < cells.length; i += 1000) await s.store.put(s.table, cells.slice(i, i + 1000));
    } catch (e) {
      throw userError(`${this.name}: writing to the Longbow store failed: ${(e as Error).message}${origin ? ` (records from ${origin})` : ''}`, { cause: e });
    }
  }

  private async read(row: Row, origin: string | undefined): Promise<Row> {
    const s = this.s;
    const key = this.key(row, origin);
    let from: number;
    let to: number;
    if (s.range === 'duration') {
      to = this.time(row, origin);
      from = to - duration(row[s.durationIdx], `${this.name}: longbow_duration`);
    } else {
      from = timeValue(row[s.earliestIdx], `${this.name}: longbow_earliest`);
      to = timeValue(row[s.latestIdx], `${this.name}: longbow_latest`);
    }
    const columns = s.kind === 'process' ? s.dataIdx.map(([n]) => n) : [PROTO_COLUMN];
    let found: Awaited<ReturnType<LongbowStore['scan']>>;
    try {
      found = await s.store.scan(s.table, key, from, to, columns);
    } catch (e) {
      throw userError(`${this.name}: reading the Longbow store failed: ${(e as Error).message}`, { cause: e });
    }
    if (s.kind === 'read') return [...row, found.map((f) => f.values.get(PROTO_COLUMN) ?? new Uint8Array())];
    const out = [...row];
    for (const [name, i] of s.dataIdx) out[i] = found.map((f) => Buffer.from(f.values.get(name) ?? new Uint8Array()).toString('utf8'));
    return out;
  }

  private key(row: Row, origin: string | undefined): string {
    const k = row[this.s.keyIdx];
    if (k === null || k === undefined) throw userError(`${this.name}: a row has a NULL ${this.s.kind === 'process' ? 'longbow_key' : this.s.kind === 'write' ? 'longbow_write_key' : 'longbow_read_key'}${origin ? ` (record from ${origin})` : ''}`);
    return formatValue(k);
  }

  private time(row: Row, origin: string | undefined): number {
    const t = row[this.s.rowtimeIdx];
    if (typeof t !== 'number') throw userError(`${this.name}: a row has no rowtime${origin ? ` (record from ${origin})` : ''}`);
    return t;
  }

  private async expire(): Promise<void> {
    this.lastExpire = this.now();
    await this.s.store.expire(this.s.table, this.now() - this.s.retentionMs);
  }
}

/** `30d`, `12h`, `15m`: Dagger's longbow_duration units. */
function duration(v: unknown, what: string): number {
  const m = typeof v === 'string' ? /^(\d+)([mhd])$/.exec(v.trim()) : null;
  if (!m) throw userError(`${what}: expected a number and a unit m, h or d (e.g. 30d), found ${formatValue(v)}`);
  return Number(m[1]) * DURATION_UNITS[m[2]!]!;
}

/** longbow_earliest / longbow_latest: a TIMESTAMP or a number of epoch milliseconds. */
function timeValue(v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  throw userError(`${what}: expected a TIMESTAMP or epoch milliseconds, found ${formatValue(v)}`);
}
