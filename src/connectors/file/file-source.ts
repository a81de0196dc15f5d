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
import { BadRecords } from '../shared/bad-records.js';

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

  const toRow = recordDecoder(opts);

  async function run(ctx: SourceContext): Promise<void> {
    const metrics = ctx.metrics;
    let rows: Row[] = [];
    /** Records consumed so far in this run, counting from the file start. */
    let consumed = 0;
    const bad = new BadRecords(policy, { table: opts.table, logger, metrics, logLimitTotal: 20 });

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
        const error = bad.decodeError(e);
        if (bad.stopsSource) return bad.failure(`${opts.format === 'PROTO_DELIMITED' ? 'record' : 'line'} ${opts.path}:${line}`, error);
        // Synchronous for a file: without a dead-letter writer, handle() only counts and logs.
        void bad.handle([{ record: undefined, error, at: { file: opts.path, line } }]);
      }
      return undefined;
    };

    const failAfterFlush = async (err: DirkError): Promise<never> => {
      consumed--; // the bad record is not consumed: positions stop before it
      await flush();
      throw err;
    };

    const stream = fs.createReadStream(opts.path, { highWaterMark: 1 << 20 }) as fs.ReadStream & AsyncIterable<Buffer>;
    try {
      if (opts.format === 'PROTO_DELIMITED') {
        for await (const frame of delimitedFrames(stream)) {
          if ('truncated' in frame) {
            await flush();
            truncatedEnd(frame.truncated, consumed + 1);
            continue;
          }
          consumed++;
          const err = consumed > skip ? record(frame.record, consumed) : undefined;
          if (err) await failAfterFlush(err);
          if (rows.length >= batchSize) await flush();
          if (stopping) return;
        }
      } else {
        for await (const text of lineFrames(stream)) {
          consumed++;
          const err = line(text, consumed);
          if (err) await failAfterFlush(err);
          if (rows.length >= batchSize) await flush();
          if (stopping) return;
        }
      }
      await flush();
    } finally {
      stream.destroy();
    }

    /** The file ends inside a length-prefixed record: FAIL stops, otherwise it is counted and logged. */
    function truncatedEnd(carry: Buffer, n: number): void {
      const e = new DecodeError(`the file ends inside a record (${carry.length} trailing bytes)`);
      if (policy.mode === 'FAIL') throw userError(`table ${opts.table}: cannot decode record ${opts.path}:${n}: ${e.message}`, { cause: e });
      logger.warn('ignored a truncated record at the end of the file', { file: opts.path, record: n, bytes: carry.length });
      metrics.decodeErrors.inc();
      (policy.mode === 'SKIP' ? metrics.badRecordsSkipped : metrics.badRecordsDeadLettered).inc();
    }

    function line(text: Buffer, n: number): DirkError | undefined {
      if (n <= skip) return undefined;
      let e = text.length;
      if (e > 0 && text[e - 1] === 0x0d) e--; // CRLF
      // Blank (whitespace-only) lines are not records.
      let s = 0;
      while (s < e && (text[s] === 0x20 || text[s] === 0x09)) s++;
      if (s === e) return undefined;
      return record(text.subarray(0, e), n);
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

/** Turns one record's bytes into a row; throws DecodeError. PROTO_JSONL goes through the binary form. */
function recordDecoder(opts: FileSourceOptions): (bytes: Uint8Array) => Row {
  if (opts.format !== 'PROTO_JSONL') return (bytes) => opts.decoder.decode(bytes);
  return (bytes) => {
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
  };
}

/** Length-prefixed (varint) records, and `{ truncated }` with the trailing bytes when the file ends inside one. */
async function* delimitedFrames(stream: AsyncIterable<Buffer>): AsyncGenerator<{ record: Buffer } | { truncated: Buffer }> {
  let carry: Buffer | undefined;
  for await (const chunk of stream) {
    const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    carry = undefined;
    let pos = 0;
    for (;;) {
      const len = readVarint(buf, pos);
      if (len === undefined) break; // prefix incomplete: wait for more bytes
      const start = pos + len.size;
      if (start + len.value > buf.length) break;
      yield { record: buf.subarray(start, start + len.value) };
      pos = start + len.value;
    }
    if (pos < buf.length) carry = Buffer.from(buf.subarray(pos));
  }
  if (carry && carry.length > 0) yield { truncated: carry };
}

/** Lines without their newline; the last one also when the file does not end with a newline. */
async function* lineFrames(stream: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let carry: Buffer | undefined;
  for await (const chunk of stream) {
    const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    carry = undefined;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(NL, start);
      if (nl < 0) break;
      yield buf.subarray(start, nl);
      start = nl + 1;
    }
    if (start < buf.length) carry = Buffer.from(buf.subarray(start));
  }
  if (carry && carry.length > 0) yield carry;
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
