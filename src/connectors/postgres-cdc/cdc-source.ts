/**
 * PostgreSQL CDC: one table's changes through logical replication (pgoutput) as a changelog.
 *
 * Start. A publication for the table is created when missing. Without a restore position the source
 * (re)creates its replication slot; in INITIAL mode inside a REPEATABLE READ transaction whose snapshot is
 * the slot's (`CREATE_REPLICATION_SLOT ... USE_SNAPSHOT`), reading the table's rows as inserts, so the
 * snapshot and the changes after it neither overlap nor leave a gap. With a restore position (a checkpoint),
 * the slot must still exist and streaming resumes there.
 *
 * Stream. `START_REPLICATION` turns the connection into a CopyBoth stream (pg's client passes its CopyData
 * chunks on; status updates go back as CopyData). A transaction's changes are delivered as one batch at its
 * commit: insert +I; update -U (the old row; REPLICA IDENTITY FULL sends it) and +U; delete -D. The batch's
 * position is the commit's end LSN; transactions at or below the restore position are skipped.
 *
 * Acknowledgement. The slot's confirmed position (what PostgreSQL may discard WAL up to) moves only when a
 * checkpoint holding an LSN completes (`commit`), so a restart from that checkpoint finds everything after
 * it still in the slot.
 */
import pg from 'pg';
import { externalError, userError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { RowKind, type Row, type TableSchema } from '../../core/types.js';
import type { Source, SourceContext, SourcePositions } from '../../core/connector.js';
import type { PostgresCdcSourceConfig } from '../../config/index.js';
import { bigIntToLsn, lsnToBigInt, parsePgOutput, parseReplicationMessage, standbyStatus, type TupleValues } from './pgoutput.js';
import { fromPgText, pgClientConfig } from './pg-schema.js';

const SPLIT = 'postgres';
const STATUS_INTERVAL_MS = 10_000;

const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`;

export interface CdcSourceOptions {
  readonly config: PostgresCdcSourceConfig;
  readonly schema: TableSchema;
  readonly streamKey: string;
  readonly logger: Logger;
}

interface Relation {
  /** Per relation column: its table column and converter, or undefined for a column the table lacks. */
  readonly map: ({ index: number; conv: (v: string) => unknown } | undefined)[];
}

export function createPostgresCdcSource(o: CdcSourceOptions): Source {
  return new PostgresCdcSource(o);
}

class PostgresCdcSource implements Source {
  readonly table: string;
  private readonly logger: Logger;
  /** End LSN of the last transaction processed (moves inside the job's lock). */
  private lsn: bigint | undefined;
  private restore: bigint | undefined;
  private acked = 0n;
  private repl: pg.Client | undefined;
  private chain: Promise<void> = Promise.resolve();
  private readonly relations = new Map<number, Relation>();
  private tx: { rows: Row[]; kinds: RowKind[] } | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: CdcSourceOptions) {
    this.table = o.schema.name;
    this.logger = o.logger.child({ table: o.schema.name, source: 'postgres-cdc' });
  }

  private get name(): string {
    return `${this.o.config.schema}.${this.o.config.table}`;
  }

  async run(ctx: SourceContext): Promise<void> {
    const c = this.o.config;
    const create = await this.prepareServer();
    if (this.stopping) return;
    const repl = new pg.Client({ ...pgClientConfig(c), replication: 'database' } as pg.ClientConfig);
    this.repl = repl;
    repl.on('error', (e) => this.fail(externalError(`${this.o.streamKey}: the replication connection failed: ${e.message}`, { cause: e })));
    await repl.connect();
    let start: bigint;
    if (create) {
      start = await this.createSlot(repl, ctx);
    } else {
      start = this.restore!;
      this.lsn = start;
    }
    if (this.stopping) return;
    ctx.splitsAssigned?.([SPLIT]);
    ctx.markIdle?.(SPLIT);
    repl.connection.on('copyData', (msg: { chunk: Buffer }) => {
      try {
        this.onCopyData(msg.chunk, ctx);
      } catch (e) {
        this.fail(e as Error);
      }
    });
    const streaming = repl
      .query(`START_REPLICATION SLOT ${c.slotName} LOGICAL ${bigIntToLsn(start)} (proto_version '1', publication_names '${c.publicationName}')`)
      .then(
        () => undefined,
        (e: Error) => {
          if (!this.stopping) this.fail(externalError(`${this.o.streamKey}: replication from slot ${c.slotName} stopped: ${e.message}`, { cause: e }));
        },
      );
    this.timer = setInterval(() => this.sendStatus(false), STATUS_INTERVAL_MS);
    this.timer.unref();
    this.logger.info('streaming changes', { table: this.name, slot: c.slotName, from: bigIntToLsn(start) });
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      if (this.stopping || this.failure) resolve();
    });
    await this.chain.catch(() => {});
    clearInterval(this.timer);
    await repl.end().catch(() => {});
    await streaming;
    if (this.failure) throw this.failure;
  }

  /** Publication and slot; true when the slot must be created (no restore position). */
  private async prepareServer(): Promise<boolean> {
    const c = this.o.config;
    const admin = new pg.Client(pgClientConfig(c));
    await admin.connect().catch((e: Error) => {
      throw externalError(`${this.o.streamKey}: cannot connect to PostgreSQL at ${c.host}:${c.port}: ${e.message}`, { cause: e });
    });
    try {
      const wal = (await admin.query<{ wal_level: string }>('SHOW wal_level')).rows[0]!.wal_level;
      if (wal !== 'logical') {
        throw userError(`${this.o.streamKey}: PostgreSQL at ${c.host}:${c.port} has wal_level=${wal}; logical replication needs wal_level=logical (postgresql.conf, then a restart; see docs/infra.md)`);
      }
      const pub = await admin.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [c.publicationName]);
      if (pub.rowCount === 0) {
        await admin.query(`CREATE PUBLICATION ${ident(c.publicationName)} FOR TABLE ${ident(c.schema)}.${ident(c.table)}`);
        this.logger.info('publication created', { publication: c.publicationName, table: this.name });
      }
      const slot = await admin.query<{ active: boolean }>('SELECT active FROM pg_replication_slots WHERE slot_name = $1', [c.slotName]);
      if (this.restore !== undefined) {
        if (slot.rowCount === 0) {
          throw userError(
            `${this.o.streamKey}: replication slot ${c.slotName} no longer exists, so the changes after the checkpoint's position ${bigIntToLsn(this.restore)} are gone; start without the checkpoint to read the table again`,
          );
        }
        return false;
      }
      if (slot.rowCount! > 0) {
        if (slot.rows[0]!.active) throw userError(`${this.o.streamKey}: replication slot ${c.slotName} is in use by another connection (another instance of this job?)`);
        // No checkpoint: the job's state is new, so the table is read anew from a new slot.
        await admin.query('SELECT pg_drop_replication_slot($1)', [c.slotName]);
      }
      return true;
    } finally {
      await admin.end().catch(() => {});
    }
  }

  private async createSlot(repl: pg.Client, ctx: SourceContext): Promise<bigint> {
    const c = this.o.config;
    if (c.startupMode === 'LATEST_OFFSET') {
      const r = await repl.query<{ consistent_point: string }>(`CREATE_REPLICATION_SLOT ${c.slotName} LOGICAL pgoutput NOEXPORT_SNAPSHOT`);
      const at = lsnToBigInt(r.rows[0]!.consistent_point);
      this.lsn = at;
      return at;
    }
    await repl.query('BEGIN READ ONLY ISOLATION LEVEL REPEATABLE READ');
    const r = await repl.query<{ consistent_point: string }>(`CREATE_REPLICATION_SLOT ${c.slotName} LOGICAL pgoutput USE_SNAPSHOT`);
    const at = lsnToBigInt(r.rows[0]!.consistent_point);
    const cols = this.o.schema.columns;
    const snap = await repl.query({
      text: `SELECT ${cols.map((col) => `${ident(col.name)}::text`).join(', ')} FROM ${ident(c.schema)}.${ident(c.table)}`,
      rowMode: 'array',
    });
    await repl.query('COMMIT');
    const convs = cols.map((col) => fromPgText(col.type));
    const rows: Row[] = (snap.rows as (string | null)[][]).map((r) => r.map((v, i) => (v === null ? null : convs[i]!(v))));
    this.logger.info('snapshot read', { table: this.name, rows: rows.length, lsn: bigIntToLsn(at) });
    // One batch: a checkpoint never falls inside the snapshot (its position is the slot's start).
    if (rows.length) {
      ctx.metrics.recordsIn.inc(rows.length);
      await ctx.deliver({ rows, split: SPLIT, processed: () => (this.lsn = at) });
    }
    this.lsn = at;
    return at;
  }

  private onCopyData(chunk: Buffer, ctx: SourceContext): void {
    const m = parseReplicationMessage(chunk);
    if (!m) return;
    if (m.kind === 'keepalive') {
      if (m.replyRequested) this.sendStatus(false);
      return;
    }
    const msg = parsePgOutput(m.data);
    switch (msg.tag) {
      case 'relation': {
        const cols = this.o.schema.columns;
        this.relations.set(msg.relationId, {
          map: msg.columns.map((rc) => {
            const index = cols.findIndex((col) => col.name === rc.name);
            return index < 0 ? undefined : { index, conv: fromPgText(cols[index]!.type) };
          }),
        });
        return;
      }
      case 'begin':
        this.tx = { rows: [], kinds: [] };
        return;
      case 'insert':
        this.tx?.rows.push(this.row(msg.relationId, msg.tuple));
        this.tx?.kinds.push(RowKind.Insert);
        return;
      case 'update': {
        if (!msg.old || msg.oldIsKeyOnly) {
          throw userError(`${this.o.streamKey}: an update of ${this.name} came without its old row; the table needs REPLICA IDENTITY FULL`);
        }
        const before = this.row(msg.relationId, msg.old);
        this.tx?.rows.push(before, this.row(msg.relationId, msg.tuple, before));
        this.tx?.kinds.push(RowKind.UpdateBefore, RowKind.UpdateAfter);
        return;
      }
      case 'delete':
        if (msg.oldIsKeyOnly) throw userError(`${this.o.streamKey}: a delete of ${this.name} came with its key only; the table needs REPLICA IDENTITY FULL`);
        this.tx?.rows.push(this.row(msg.relationId, msg.old));
        this.tx?.kinds.push(RowKind.Delete);
        return;
      case 'truncate':
        throw userError(`${this.o.streamKey}: ${this.name} was truncated; a changelog cannot express TRUNCATE (restart the job without its checkpoint to read the table anew)`);
      case 'commit': {
        const tx = this.tx;
        this.tx = undefined;
        const end = msg.endLsn;
        if (this.restore !== undefined && end <= this.restore) return;
        if (!tx || tx.rows.length === 0) {
          this.chain = this.chain.then(() => {
            this.lsn = end;
          });
          return;
        }
        ctx.metrics.recordsIn.inc(tx.rows.length);
        this.chain = this.chain
          .then(() => (this.stopping ? undefined : ctx.deliver({ rows: tx.rows, rowKinds: tx.kinds, split: SPLIT, processed: () => (this.lsn = end) })))
          .catch((e: Error) => this.fail(e));
        return;
      }
      default:
        return;
    }
  }

  /** A tuple as a table row; an unchanged TOAST value is taken from `previous` (the old row). */
  private row(relationId: number, tuple: TupleValues, previous?: Row): Row {
    const rel = this.relations.get(relationId);
    if (!rel) throw new Error(`internal error: pgoutput change for relation ${relationId} before its Relation message`);
    const row: Row = new Array<unknown>(this.o.schema.columns.length).fill(null);
    tuple.forEach((v, i) => {
      const m = rel.map[i];
      if (!m) return;
      if (v === undefined) row[m.index] = previous?.[m.index] ?? null;
      else row[m.index] = v === null ? null : m.conv(v);
    });
    return row;
  }

  private sendStatus(replyRequested: boolean): void {
    const repl = this.repl as unknown as { connection?: { sendCopyFromChunk(b: Buffer): void } } | undefined;
    if (!repl?.connection || this.stopping) return;
    try {
      repl.connection.sendCopyFromChunk(standbyStatus(this.acked, replyRequested));
    } catch (e) {
      this.logger.warn('could not send the replication status', { error: (e as Error).message });
    }
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.wake?.();
  }

  positions(): SourcePositions {
    return this.lsn === undefined ? {} : { lsn: bigIntToLsn(this.lsn) };
  }

  async commit(positions: SourcePositions): Promise<void> {
    const lsn = positions['lsn'];
    if (lsn === undefined) return;
    const n = lsnToBigInt(lsn);
    if (n > this.acked) {
      this.acked = n;
      this.sendStatus(false);
    }
  }

  seek(positions: SourcePositions): void {
    const lsn = positions['lsn'];
    if (lsn !== undefined) this.restore = lsnToBigInt(lsn);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
  }
}
