/**
 * PARQUET_SOURCE: a bounded source over Parquet files, read with hyparquet (pure JavaScript; chosen over
 * parquet-wasm by the measurement in BENCHMARKS.md, and because it reads a file by byte ranges, one row group
 * at a time, where parquet-wasm's Node entry wants the whole file in memory).
 *
 * Files come in partition-time order (file-discovery.ts); each file is read one row group at a time, and
 * only the columns the query reads are decoded (row-mapper.ts). Rows are delivered in batches of
 * `batchSize`; run() resolves after the last file.
 *
 * Positions: `{ <file>: rows consumed }`, moved when a batch has been processed; seek() skips that many rows
 * of each file (whole row groups without decoding them), so a restored job neither repeats nor loses a row.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import type { Source, SourceContext, SourcePositions } from '../../core/connector.js';
import type { ParquetMetrics } from '../../telemetry/index.js';
import { DirkError, userError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Row, TableSchema } from '../../core/types.js';
import type protobuf from 'protobufjs';
import { discoverParquetFiles, type ParquetFileSplit } from './file-discovery.js';
import { planParquetMapping, type SchemaMatchStrategy } from './row-mapper.js';

export interface ParquetSourceOptions {
  readonly table: TableSchema;
  /** STREAMS[i], for messages. */
  readonly streamKey: string;
  readonly paths: readonly string[];
  readonly dateRanges: readonly { readonly start: number; readonly end: number }[];
  readonly strategy: SchemaMatchStrategy;
  readonly protoType: protobuf.Type;
  readonly rowtimeFieldNumber: number | undefined;
  /** Table columns the query reads; undefined: all. */
  readonly used: ReadonlySet<number> | undefined;
  readonly logger: Logger;
  readonly metrics?: ParquetMetrics;
  /** Rows per delivered batch (default 1000). */
  readonly batchSize?: number;
}

/** Timestamps as epoch milliseconds (numbers) instead of Date objects: the value model's TIMESTAMP. */
const PARSERS = {
  timestampFromMilliseconds: (v: bigint) => Number(v),
  timestampFromMicroseconds: (v: bigint) => Number(v / 1000n),
  timestampFromNanoseconds: (v: bigint) => Number(v / 1000000n),
  dateFromDays: (d: number) => d * 86_400_000,
};

/**
 * Decodes `columns` of rows [rowStart, rowEnd) column by column (hyparquet's onChunk), one array per column
 * indexed from rowStart: no per-row arrays in between, which halves the garbage of a row-oriented read.
 */
async function readColumns(file: AsyncBuffer, metadata: FileMetaData, columns: readonly string[], rowStart: number, rowEnd: number): Promise<unknown[][]> {
  const out = columns.map(() => new Array<unknown>(rowEnd - rowStart));
  const slot = new Map(columns.map((c, i) => [c, out[i]!]));
  await parquetRead({
    file,
    metadata,
    columns: [...columns],
    rowStart,
    rowEnd,
    utf8: false,
    parsers: PARSERS,
    onChunk: (chunk) => {
      const target = slot.get(chunk.columnName);
      if (!target) return;
      const data = chunk.columnData as ArrayLike<unknown>;
      // A chunk may start before rowStart or run past rowEnd (whole pages): copy only the overlap.
      const from = Math.max(chunk.rowStart, rowStart);
      const to = Math.min(chunk.rowEnd, rowEnd);
      for (let r = from; r < to; r++) target[r - rowStart] = data[r - chunk.rowStart];
    },
  });
  return out;
}

export function createParquetSource(opts: ParquetSourceOptions): Source {
  const batchSize = opts.batchSize ?? 1000;
  const logger = opts.logger.child({ source: 'parquet', table: opts.table.name });
  const pathsKey = `${opts.streamKey}.SOURCE_PARQUET_FILE_PATHS`;
  /** Rows of each file processed by the job (what a checkpoint records). */
  const consumed = new Map<string, number>();
  let skip = new Map<string, number>();
  let stopping = false;

  async function readFile(split: ParquetFileSplit, ctx: SourceContext): Promise<void> {
    const m = opts.metrics;
    let file: AsyncBuffer;
    let metadata: FileMetaData;
    try {
      file = await asyncBufferFromFile(split.path);
      metadata = await parquetMetadataAsync(file);
    } catch (e) {
      throw userError(`${pathsKey}: ${split.path} is not a readable Parquet file (${(e as Error).message})`, { key: pathsKey, cause: e });
    }
    m?.readersCreated.inc();
    try {
      const mapping = planParquetMapping(parquetSchema(metadata), {
        type: opts.protoType,
        table: opts.table,
        used: opts.used,
        rowtimeFieldNumber: opts.rowtimeFieldNumber,
        strategy: opts.strategy,
        file: split.path,
      });
      const already = skip.get(split.path) ?? 0;
      let rowStart = 0;
      for (const group of metadata.row_groups) {
        if (stopping) return;
        const rowEnd = rowStart + Number(group.num_rows);
        const from = Math.max(rowStart, already);
        if (from < rowEnd) {
          const t0 = performance.now();
          // A query that reads no column of the file (COUNT(*) without event time) still gets one row per record.
          const columns = mapping.columns.length === 0 ? [] : await readColumns(file, metadata, mapping.columns, from, rowEnd);
          const t1 = performance.now();
          const rows: Row[] = new Array(rowEnd - from);
          for (let i = 0; i < rows.length; i++) rows[i] = mapping.toRow(columns, i);
          m?.rowGroupReadSeconds.observe((t1 - t0) / 1000);
          m?.rowGroupDeserializeSeconds.observe((performance.now() - t1) / 1000);
          await deliverRows(split.path, from, rows, ctx);
        }
        rowStart = rowEnd;
      }
    } finally {
      m?.readersClosed.inc();
    }
  }

  async function deliverRows(path: string, firstRow: number, rows: Row[], ctx: SourceContext): Promise<void> {
    for (let i = 0; i < rows.length && !stopping; i += batchSize) {
      const batch = rows.slice(i, i + batchSize);
      const upTo = firstRow + i + batch.length;
      await ctx.deliver({
        rows: batch,
        // One split for the whole source: files are read one after another in time order, so event time
        // only moves forward across them (per-file splits would hold the watermark at the oldest file's).
        split: 'parquet',
        processed: () => {
          consumed.set(path, upTo);
          ctx.metrics.recordsIn.inc(batch.length);
          opts.metrics?.rowsEmitted.inc(batch.length);
        },
      });
    }
  }

  return {
    table: opts.table.name,
    async run(ctx) {
      const found = discoverParquetFiles(opts.paths, opts.dateRanges, pathsKey);
      const m = opts.metrics;
      m?.splitsDiscovered.set(found.discovered);
      m?.splitsRecorded.set(found.splits.length);
      logger.info(`${found.splits.length} Parquet file(s) to read (${found.discovered} found)`);
      if (found.splits.length === 0) logger.warn(`${pathsKey}: no Parquet file to read${opts.dateRanges.length ? ' in SOURCE_PARQUET_FILE_DATE_RANGE' : ''}`);
      for (let i = 0; i < found.splits.length && !stopping; i++) {
        m?.splitsAwaiting.set(found.splits.length - i - 1);
        const split = found.splits[i]!;
        try {
          await readFile(split, ctx);
        } catch (e) {
          if (e instanceof DirkError) throw e;
          throw userError(`${pathsKey}: reading ${split.path} failed: ${(e as Error).message}`, { key: pathsKey, cause: e });
        }
      }
    },
    positions: () => Object.fromEntries([...consumed].map(([k, v]) => [k, String(v)])),
    commit: async () => {},
    seek(positions: SourcePositions) {
      skip = new Map(Object.entries(positions).map(([k, v]) => [k, Number(v)]));
      for (const [k, v] of skip) consumed.set(k, v);
    },
    async stop() {
      stopping = true;
    },
  };
}
