/**
 * The replication stream's messages (PostgreSQL's streaming replication protocol inside CopyBoth) and the
 * pgoutput logical decoding messages (protocol version 1) they carry. Only what a table's changelog needs:
 * Begin, Commit, Relation, Insert, Update, Delete; Truncate is reported so the source can refuse it.
 */

/** An LSN as PostgreSQL prints it (`16/B374D848`) <-> a 64-bit integer. */
export function lsnToBigInt(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}
export function bigIntToLsn(n: bigint): string {
  return `${(n >> 32n).toString(16).toUpperCase()}/${(n & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** Microseconds since 2000-01-01, PostgreSQL's epoch for replication timestamps. */
const PG_EPOCH_MS = 946_684_800_000;
export function pgMicrosToMs(us: bigint): number {
  return Number(us / 1000n) + PG_EPOCH_MS;
}

export type ReplicationMessage =
  | { readonly kind: 'xlog'; readonly walStart: bigint; readonly walEnd: bigint; readonly data: Buffer }
  | { readonly kind: 'keepalive'; readonly walEnd: bigint; readonly replyRequested: boolean };

/** A CopyData chunk of the replication stream: XLogData ('w') or a primary keepalive ('k'). */
export function parseReplicationMessage(chunk: Buffer): ReplicationMessage | undefined {
  if (chunk[0] === 0x77) return { kind: 'xlog', walStart: chunk.readBigUInt64BE(1), walEnd: chunk.readBigUInt64BE(9), data: chunk.subarray(25) };
  if (chunk[0] === 0x6b) return { kind: 'keepalive', walEnd: chunk.readBigUInt64BE(1), replyRequested: chunk[17] === 1 };
  return undefined;
}

/** The standby status update ('r'): written, flushed and applied positions, and the client's clock. */
export function standbyStatus(lsn: bigint, replyRequested = false): Buffer {
  const b = Buffer.alloc(34);
  b[0] = 0x72;
  b.writeBigUInt64BE(lsn, 1);
  b.writeBigUInt64BE(lsn, 9);
  b.writeBigUInt64BE(lsn, 17);
  b.writeBigInt64BE(BigInt(Date.now() - PG_EPOCH_MS) * 1000n, 25);
  b[33] = replyRequested ? 1 : 0;
  return b;
}

export interface RelationColumn {
  readonly name: string;
  readonly typeOid: number;
  readonly key: boolean;
}

/** A tuple's column values as text (pgoutput's default), null, or `undefined` for an unchanged TOAST value. */
export type TupleValues = (string | null | undefined)[];

export type PgOutputMessage =
  | { readonly tag: 'begin'; readonly finalLsn: bigint; readonly commitTime: number; readonly xid: number }
  | { readonly tag: 'commit'; readonly commitLsn: bigint; readonly endLsn: bigint; readonly commitTime: number }
  | { readonly tag: 'relation'; readonly relationId: number; readonly schema: string; readonly name: string; readonly replicaIdentity: string; readonly columns: RelationColumn[] }
  | { readonly tag: 'insert'; readonly relationId: number; readonly tuple: TupleValues }
  | { readonly tag: 'update'; readonly relationId: number; readonly old: TupleValues | undefined; readonly oldIsKeyOnly: boolean; readonly tuple: TupleValues }
  | { readonly tag: 'delete'; readonly relationId: number; readonly old: TupleValues; readonly oldIsKeyOnly: boolean }
  | { readonly tag: 'truncate'; readonly relationIds: number[] }
  | { readonly tag: 'other'; readonly code: string };

class Reader {
  pos = 0;
  constructor(private readonly b: Buffer) {}
  u8(): number {
    return this.b[this.pos++]!;
  }
  i16(): number {
    const v = this.b.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  i32(): number {
    const v = this.b.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    const v = this.b.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  cstring(): string {
    const end = this.b.indexOf(0, this.pos);
    const s = this.b.toString('utf8', this.pos, end);
    this.pos = end + 1;
    return s;
  }
  bytes(n: number): string {
    const s = this.b.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  tuple(): TupleValues {
    const n = this.i16();
    const out: TupleValues = new Array(n);
    for (let i = 0; i < n; i++) {
      const k = String.fromCharCode(this.u8());
      if (k === 'n') out[i] = null;
      else if (k === 'u') out[i] = undefined;
      else if (k === 't') out[i] = this.bytes(this.i32());
      else throw new Error(`pgoutput: unknown tuple column kind '${k}'`);
    }
    return out;
  }
}

export function parsePgOutput(data: Buffer): PgOutputMessage {
  const r = new Reader(data);
  const code = String.fromCharCode(r.u8());
  switch (code) {
    case 'B':
      return { tag: 'begin', finalLsn: r.u64(), commitTime: pgMicrosToMs(r.u64()), xid: r.i32() };
    case 'C': {
      r.u8(); // flags
      return { tag: 'commit', commitLsn: r.u64(), endLsn: r.u64(), commitTime: pgMicrosToMs(r.u64()) };
    }
    case 'R': {
      const relationId = r.i32();
      const schema = r.cstring();
      const name = r.cstring();
      const replicaIdentity = String.fromCharCode(r.u8());
      const n = r.i16();
      const columns: RelationColumn[] = [];
      for (let i = 0; i < n; i++) {
        const flags = r.u8();
        const colName = r.cstring();
        const typeOid = r.i32();
        r.i32(); // type modifier
        columns.push({ name: colName, typeOid, key: (flags & 1) === 1 });
      }
      return { tag: 'relation', relationId, schema, name, replicaIdentity, columns };
    }
    case 'I': {
      const relationId = r.i32();
      r.u8(); // 'N'
      return { tag: 'insert', relationId, tuple: r.tuple() };
    }
    case 'U': {
      const relationId = r.i32();
      let k = String.fromCharCode(r.u8());
      let old: TupleValues | undefined;
      let oldIsKeyOnly = false;
      if (k === 'K' || k === 'O') {
        oldIsKeyOnly = k === 'K';
        old = r.tuple();
        k = String.fromCharCode(r.u8());
      }
      return { tag: 'update', relationId, old, oldIsKeyOnly, tuple: r.tuple() };
    }
    case 'D': {
      const relationId = r.i32();
      const k = String.fromCharCode(r.u8());
      return { tag: 'delete', relationId, old: r.tuple(), oldIsKeyOnly: k === 'K' };
    }
    case 'T': {
      const n = r.i32();
      r.u8(); // options
      const relationIds: number[] = [];
      for (let i = 0; i < n; i++) relationIds.push(r.i32());
      return { tag: 'truncate', relationIds };
    }
    default:
      return { tag: 'other', code };
  }
}
