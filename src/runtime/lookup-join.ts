import { Decimal } from '../core/decimal.js';
import { RowKind, type Row } from '../core/types.js';
import type { LookupCacheSpec, LookupTable, PlanNode } from '../plan/nodes.js';
import { compilePredicate, compileProjection } from './expr/compile.js';
import type { Operator, OperatorContext } from './operator.js';
import { OrderedWork } from './ordered-work.js';

/**
 * Lookup join (Flink's LookupJoin with a JDBC lookup source): every input row's key is looked up in the table
 * when the row arrives. A batch's distinct keys not in the cache are queried together, at most
 * `LOOKUP_CONCURRENCY` at a time; the batch's joined rows leave in input order, and a watermark leaves after
 * the batches before it. The job waits for `pending()` before a checkpoint, so no batch is half-way then.
 * A NULL key matches nothing and is not queried (a JDBC `col = NULL` never matches).
 */

/** Rows of the lookup table (in its column order) whose key columns equal `key` (in the plan's key order). */
export interface LookupClient {
  lookup(key: readonly unknown[]): Promise<Row[]>;
}

/** Gives the runtime a client for a lookup table, queried on `keyColumns` (positions in the table). */
export type LookupClients = (table: LookupTable, keyColumns: readonly number[]) => LookupClient;

/** Lookups in flight at once per lookup join. */
export const LOOKUP_CONCURRENCY = 8;

type LookupNode = Extract<PlanNode, { kind: 'lookupJoin' }>;

/** A map key for a tuple of SQL values. */
export function keyText(values: readonly unknown[]): string {
  return values
    .map((v) => {
      if (v instanceof Uint8Array) return `x${Buffer.from(v).toString('hex')}`;
      if (v instanceof Decimal) return `d${v.toString()}`;
      return `${typeof v}:${String(v)}`;
    })
    .join('\u0001');
}

/**
 * Flink's partial lookup cache: entries (a key and all its rows) expire a fixed time after they were written
 * and/or last read; beyond `maxRows` keys the least recently used goes. A Map keeps insertion order, and a
 * read moves its entry to the end, so the first entry is always the least recently used.
 */
export class LookupCache {
  private readonly entries = new Map<string, { rows: Row[]; written: number; read: number }>();
  constructor(
    private readonly spec: LookupCacheSpec,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): Row[] | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    const t = this.now();
    const s = this.spec;
    if ((s.expireAfterWriteMs !== undefined && t - e.written >= s.expireAfterWriteMs) || (s.expireAfterAccessMs !== undefined && t - e.read >= s.expireAfterAccessMs)) {
      this.entries.delete(key);
      return undefined;
    }
    e.read = t;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.rows;
  }

  put(key: string, rows: Row[]): void {
    if (rows.length === 0 && !this.spec.cacheMissingKey) return;
    const t = this.now();
    this.entries.delete(key);
    this.entries.set(key, { rows, written: t, read: t });
    if (this.spec.maxRows !== undefined) {
      for (const k of this.entries.keys()) {
        if (this.entries.size <= this.spec.maxRows) break;
        this.entries.delete(k);
      }
    }
  }
}

export class LookupJoinOperator implements Operator {
  readonly name: string;
  private readonly keyOf: (r: Row) => unknown[];
  private readonly residual: ((r: Row) => boolean) | undefined;
  private readonly client: LookupClient;
  private readonly cache: LookupCache | undefined;
  private readonly width: number;
  private readonly nulls: null[];
  private readonly work = new OrderedWork();

  constructor(
    private readonly n: LookupNode,
    private readonly ctx: OperatorContext,
    clients: LookupClients,
  ) {
    this.name = `LookupJoin(${n.table.name})`;
    this.keyOf = compileProjection(n.keys.map((k) => k.expr));
    this.residual = n.residual ? compilePredicate(n.residual) : undefined;
    this.client = clients(n.table, n.keys.map((k) => k.column));
    this.cache = n.table.cache ? new LookupCache(n.table.cache, ctx.now) : undefined;
    this.width = n.input.fields.length;
    this.nulls = n.table.columns.map(() => null);
  }

  process(rows: Row[], kinds: RowKind[] | undefined): void {
    if (rows.length === 0) return;
    this.work.enqueue(() => this.run(rows, kinds));
  }

  onWatermark(time: number): void {
    this.work.after(() => this.ctx.out.watermark(time));
  }

  pending(): Promise<void> | undefined {
    return this.work.pending();
  }

  private async run(rows: Row[], kinds: RowKind[] | undefined): Promise<void> {
    const keys = rows.map((r) => this.keyOf(r));
    const texts = keys.map((k) => (k.some((v) => v === null || v === undefined) ? undefined : keyText(k)));
    const found = new Map<string, Row[]>();
    const missing = new Map<string, unknown[]>();
    texts.forEach((t, i) => {
      if (t === undefined || found.has(t) || missing.has(t)) return;
      const hit = this.cache?.get(t);
      if (hit) found.set(t, hit);
      else missing.set(t, keys[i]!);
    });
    const todo = [...missing];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < todo.length) {
        const [t, key] = todo[next++]!;
        const result = await this.client.lookup(key);
        found.set(t, result);
        this.cache?.put(t, result);
      }
    };
    await Promise.all(Array.from({ length: Math.min(LOOKUP_CONCURRENCY, todo.length) }, worker));
    const out: Row[] = [];
    const outKinds: RowKind[] = [];
    rows.forEach((r, i) => {
      const left = r.length > this.width ? r.slice(0, this.width) : r;
      const t = texts[i];
      let matched = false;
      for (const right of t === undefined ? [] : (found.get(t) ?? [])) {
        const joined = [...left, ...right];
        if (this.residual && !this.residual(joined)) continue;
        matched = true;
        out.push(joined);
        outKinds.push(kinds?.[i] ?? RowKind.Insert);
      }
      if (!matched && this.n.joinType === 'LEFT') {
        out.push([...left, ...this.nulls]);
        outKinds.push(kinds?.[i] ?? RowKind.Insert);
      }
    });
    if (out.length) this.ctx.out.data(out, kinds ? outKinds : undefined);
  }
}
