/**
 * A bounded file source (a Dirk extension for the embedded example job and for tests). It reads one file
 * start to end and delivers rows in batches of about 500; run() resolves at the end of the file.
 *
 * Formats, all decoded by the same RowDecoder as Kafka records, so the same decode path runs:
 * - JSONL: one JSON object per line; the line's bytes go to the (JSON) decoder.
 * - PROTO_JSONL: one protobuf message per line in its JSON form; `protoJsonToBytes` encodes it to the
 *   binary form, which the protobuf decoder then decodes.
 * - PROTO_DELIMITED: binary protobuf messages, each preceded by its varint length (protobuf's
 *   writeDelimited framing).
 * Blank lines are ignored (they still count for line numbers).
 *
 * Positions: `{ <path>: n }` where n is the number of records (lines, for the line formats) consumed,
 * which is also the 1-based line number of the last line delivered. seek() skips that many on the next run.
 *
 * Bad records follow the stream's policy; a file has no dead-letter topic, so DEAD_LETTER means: logged at
 * warn with the file, line number and error, and counted as dead-lettered.
 */
import fs from 'node:fs';
import type { Source, SourceContext, SourcePositions } from '../../core/connector.js';
import { DecodeError, DirkError, userError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Row } from '../../core/types.js';
import type { BadRecordPolicy, RowDecoder } from '../shared/codec.js';

export type FileFormat = 'JSONL' | 'PROTO_JSONL' | 'PROTO_DELIMITED';

export interface FileSourceOptions {
  readonly table: string;
  readonly path: string;
  readonly format: FileFormat;
  readonly decoder: RowDecoder;
  /** PROTO_JSONL: a message's JSON form (parsed) -> its binary encoding. */
  readonly protoJsonToBytes?: (json: unknown) => Uint8Array;
  readonly badRecords: BadRecordPolicy;
  readonly logger: Logger;
  /** Rows per delivered batch (default 500). */
  readonly batchSize?: number;
}

const NL = 0x0a;

export function createFileSource(opts: FileSourceOptions): Source {
  const logger = opts.logger.child({ source: 'file', table: opts.table, path: opts.path });
  const batchSize = opts.batchSize ?? 500;
  const split = opts.path;
  const policy = opts.badRecords;
  if (opts.format === 'PROTO_JSONL' && !opts.protoJsonToBytes) {
    throw new DirkError('internal error: a PROTO_JSONL file source needs protoJsonToBytes');
  }
  /** Records consumed and delivered. */
  let delivered = 0;
  /** From seek(): records to skip at the start. */
  let skip = 0;
  let stopping = false;
  let running = false;

  /** Turns one record's bytes into a row; throws DecodeError. */
  const toRow: (bytes: Uint8Array) => Row =
    opts.format === 'PROTO_JSONL'
      ? (bytes) => {
          let json: unknown;
          try {
            json = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
          } catch (e) {
            throw new DecodeError(`not JSON: ${(e as Error).message}`);
          }
          let bin: Uint8Array;
          try {
            bin = opts.protoJsonToBytes!(json);
          } catch (e) {
            throw new DecodeError(`not a valid protobuf JSON message: ${(e as Error).message}`);
          }
          return opts.decoder.decode(bin);
        }
      : (bytes) => opts.decoder.decode(bytes);

  async function run(ctx: SourceContext): Promise<void> {
    const metrics = ctx.metrics;
    let rows: Row[] = [];
    /** Records consumed so far in this run, counting from the file start. */
    let consumed = 0;
    let badLogged = 0;

    const flush = async (): Promise<void> => {
      if (rows.length > 0) {
        const batch = rows;
        rows = [];
        metrics.recordsIn.inc(batch.length);
        await ctx.deliver({ rows: batch, split });
      }
      delivered = consumed;
    };

    /**
     * One record (line number is 1-based; for PROTO_DELIMITED it is the record number). Returns the error
     * that must stop the source (policy FAIL); the caller first delivers the rows before it.
     */
    const record = (bytes: Uint8Array, line: number): DirkError | undefined => {
      metrics.bytesIn.inc(bytes.byteLength);
      try {
        rows.push(toRow(bytes));
      } catch (e) {
        const error = e instanceof DecodeError ? e : new DecodeError(`decoder failed: ${(e as Error).message}`, e);
        metrics.decodeErrors.inc();
        const where = `${opts.path}:${line}`;
        if (policy.mode === 'FAIL') {
          return userError(
            `table ${opts.table}: cannot decode ${opts.format === 'PROTO_DELIMITED' ? 'record' : 'line'} ${where}: ${error.message} ` +
              '(bad-record policy FAIL stops the job; SKIP or DEAD_LETTER would let it continue)',
            { cause: error },
          );
        }
        if (policy.mode === 'SKIP') metrics.badRecordsSkipped.inc();
        else metrics.badRecordsDeadLettered.inc();
        if (policy.mode === 'DEAD_LETTER' || badLogged++ < 20) {
          logger.warn(policy.mode === 'SKIP' ? 'skipped a record that cannot be decoded' : 'dead letter: a record that cannot be decoded', {
            file: opts.path,
            line,
            error: error.message,
          });
        }
      }
      return undefined;
    };

    const failAfterFlush = async (err: DirkError): Promise<never> => {
      consumed--; // the bad record is not consumed: positions stop before it
      await flush();
      throw err;
    };

    const stream = fs.createReadStream(opts.path, { highWaterMark: 1 << 20 });
    try {
      if (opts.format === 'PROTO_DELIMITED') {
        let carry: Buffer | undefined;
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
          carry = undefined;
          let pos = 0;
          for (;;) {
            const len = readVarint(buf, pos);
            if (len === undefined) break; // prefix incomplete: wait for more bytes
            const start = pos + len.size;
            if (start + len.value > buf.length) break;
            consumed++;
            const err = consumed > skip ? record(buf.subarray(start, start + len.value), consumed) : undefined;
            if (err) await failAfterFlush(err);
            pos = start + len.value;
            if (rows.length >= batchSize) await flush();
            if (stopping) return;
          }
          if (pos < buf.length) carry = Buffer.from(buf.subarray(pos));
        }
        if (carry && carry.length > 0) {
          await flush();
          const line = consumed + 1;
          const e = new DecodeError(`the file ends inside a record (${carry.length} trailing bytes)`);
          if (policy.mode === 'FAIL') throw userError(`table ${opts.table}: cannot decode record ${opts.path}:${line}: ${e.message}`, { cause: e });
          logger.warn('ignored a truncated record at the end of the file', { file: opts.path, record: line, bytes: carry.length });
          metrics.decodeErrors.inc();
          (policy.mode === 'SKIP' ? metrics.badRecordsSkipped : metrics.badRecordsDeadLettered).inc();
        }
      } else {
        let carry: Buffer | undefined;
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
          carry = undefined;
          let start = 0;
          for (;;) {
            const nl = buf.indexOf(NL, start);
            if (nl < 0) break;
            consumed++;
            const err = line(buf, start, nl, consumed);
            if (err) await failAfterFlush(err);
            start = nl + 1;
            if (rows.length >= batchSize) await flush();
            if (stopping) return;
          }
          if (start < buf.length) carry = Buffer.from(buf.subarray(start));
        }
        if (carry && carry.length > 0) {
          consumed++;
          const err = line(carry, 0, carry.length, consumed);
          if (err) await failAfterFlush(err);
        }
      }
      await flush();
    } finally {
      stream.destroy();
    }

    function line(buf: Buffer, start: number, end: number, n: number): DirkError | undefined {
      if (n <= skip) return undefined;
      let e = end;
      if (e > start && buf[e - 1] === 0x0d) e--; // CRLF
      // Blank (whitespace-only) lines are not records.
      let s = start;
      while (s < e && (buf[s] === 0x20 || buf[s] === 0x09)) s++;
      if (s === e) return undefined;
      return record(buf.subarray(start, e), n);
    }
  }

  return {
    table: opts.table,
    async run(ctx) {
      if (running) throw new DirkError('internal error: file source run() called twice');
      running = true;
      stopping = false;
      try {
        await run(ctx);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw userError(`table ${opts.table}: file ${opts.path} does not exist`, { cause: e });
        throw e;
      } finally {
        running = false;
      }
    },
    positions(): SourcePositions {
      return { [split]: String(Math.max(delivered, skip)) };
    },
    async commit() {
      // A file has no external position store; the checkpoint holds it.
    },
    seek(positions: SourcePositions) {
      const p = positions[split];
      if (p === undefined) return;
      const n = Number(p);
      if (!Number.isInteger(n) || n < 0) throw new DirkError(`internal error: bad file position ${split}=${p}`);
      skip = n;
      delivered = n;
    },
    async stop() {
      stopping = true;
    },
  };
}

/** Reads a varint (up to 32 bits, enough for a length) at pos; undefined when the buffer ends first. */
function readVarint(buf: Uint8Array, pos: number): { value: number; size: number } | undefined {
  let value = 0;
  let shift = 0;
  for (let i = pos; i < buf.length && i < pos + 5; i++) {
    const b = buf[i]!;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return { value, size: i - pos + 1 };
    shift += 7;
  }
  if (buf.length - pos >= 5) throw userError('PROTO_DELIMITED file: a length prefix is longer than 5 bytes (not a delimited protobuf file?)');
  return undefined;
}
