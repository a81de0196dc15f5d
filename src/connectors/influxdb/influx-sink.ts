/**
 * The InfluxDB sink, with Dagger's mapping (InfluxDBWriter): one point per row in the measurement;
 * - `window_timestamp` -> the point's time (ms precision; when null or absent the server's time is used);
 * - `tag_*` columns -> tags with the full column name; `label_*` -> tags with `label_` removed;
 * - every other non-null column -> a field: INT/BIGINT as integers, FLOAT/DOUBLE/DECIMAL as floats,
 *   STRING as strings, BOOLEAN as booleans; TIMESTAMP as integer epoch milliseconds; BYTES as base64;
 *   nested ROW/ARRAY/MAP as JSON text. NaN and infinities are not representable and are left out.
 * A row with no field at all cannot be a point; it is skipped and logged.
 *
 * Rows are turned into line protocol in write() and sent on flush() (every checkpoint: at-least-once,
 * as Dagger; a point rewritten after a restart lands on the same series and time, so it is idempotent),
 * in requests of `batchSize` lines; with `flushDurationMs` a timer also sends in between.
 * "points beyond retention policy dropped" is counted (dirk_sink_late_records_dropped_total), not an error,
 * as Dagger's influx.late.records.dropped; any other failure rejects flush() with a retriable external error.
 *
 * Updating results: InfluxDB cannot retract, so -U and -D rows are skipped and +U overwrites the point.
 */
import { Decimal } from '../../core/decimal.js';
import type { Counter, Sink, SinkMetrics } from '../../core/connector.js';
import { jsonReplacer, type Logger } from '../../core/logger.js';
import { RowKind, type DataMessage, type Field, type SqlType } from '../../core/types.js';
import { noopSinkMetrics } from '../shared/noop-metrics.js';
import { SendChain } from '../shared/send-chain.js';
import { createLineProtocolWriter, type LineProtocolWriter } from './write-api.js';
import { redactUrl } from '../../core/redact.js';

export interface InfluxSinkOptions {
  readonly name?: string;
  /** SINK_INFLUX_URL: the server's base URL. */
  readonly url: string;
  /** SINK_INFLUX_API_VERSION: 1 (`/write`, every 1.x and 2.x's compatibility API; default) or 2 (`/api/v2/write`). */
  readonly apiVersion?: 1 | 2;
  readonly username?: string;
  readonly password?: string;
  /** v1: credentials as basic auth (default) or as u/p query parameters. */
  readonly auth?: 'BASIC' | 'QUERY';
  /** v2: an API token; wins over username/password. */
  readonly token?: string;
  /** SINK_INFLUX_DB_NAME (1.x database; with v2 the bucket unless `bucket` is given). */
  readonly database: string;
  /** SINK_INFLUX_RETENTION_POLICY; empty for the database default. */
  readonly retentionPolicy?: string;
  /** v2 organisation. */
  readonly org?: string;
  /** v2 bucket. */
  readonly bucket?: string;
  readonly measurement: string;
  /** The columns of the query's result, in order. */
  readonly columns: readonly Field[];
  /** SINK_INFLUX_BATCH_SIZE: lines per write request (0: default 5000). */
  readonly batchSize?: number;
  /** SINK_INFLUX_FLUSH_DURATION_MS: also send buffered points this often (0: only on flush()). */
  readonly flushDurationMs?: number;
  readonly logger: Logger;
  readonly metrics?: SinkMetrics;
  /** Counts points refused as beyond the retention policy. */
  readonly lateRecordsDropped?: Counter;
  /** Per-request timeout (ms); default 10 000. */
  readonly timeoutMs?: number;
}

type LineWriter = (row: readonly unknown[]) => string | undefined;

export function createInfluxSink(options: InfluxSinkOptions): Sink {
  const name = options.name ?? 'influx';
  const logger = options.logger.child({ sink: name, measurement: options.measurement });
  const metrics = options.metrics ?? noopSinkMetrics;
  const batchSize = options.batchSize && options.batchSize > 0 ? options.batchSize : 5000;
  const toLine = compileLineWriter(options.measurement, options.columns);

  let writer: LineProtocolWriter | undefined;
  let lines: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const sends = new SendChain(metrics);
  let skippedNoFields = 0;

  async function sendChunk(chunk: string[]): Promise<void> {
    const { droppedByRetention: late } = await writer!.write(chunk);
    if (late > 0) {
      options.lateRecordsDropped?.inc(late);
      logger.warn('InfluxDB dropped points beyond the retention policy', { dropped: late });
    }
    let chunkBytes = 0;
    for (const l of chunk) chunkBytes += l.length + 1;
    metrics.recordsOut.inc(chunk.length - late);
    metrics.bytesOut.inc(chunkBytes);
  }

  function startSend(): void {
    if (lines.length === 0) return;
    const all = lines;
    lines = [];
    // A failed chunk ends the send: the rest is not written, and the next flush reports the failure.
    sends.add(async () => {
      for (let i = 0; i < all.length; i += batchSize) await sendChunk(all.slice(i, i + batchSize));
    });
  }

  return {
    name,

    async open() {
      writer = createLineProtocolWriter({
        apiVersion: options.apiVersion ?? 1,
        url: options.url,
        database: options.database,
        ...(options.retentionPolicy ? { retentionPolicy: options.retentionPolicy } : {}),
        ...(options.username ? { username: options.username } : {}),
        ...(options.password ? { password: options.password } : {}),
        ...(options.auth ? { auth: options.auth } : {}),
        ...(options.org !== undefined ? { org: options.org } : {}),
        ...(options.bucket ? { bucket: options.bucket } : {}),
        ...(options.token ? { token: options.token } : {}),
        timeoutMs: options.timeoutMs ?? 10_000,
      });
      if (options.flushDurationMs && options.flushDurationMs > 0) {
        timer = setInterval(startSend, options.flushDurationMs);
        timer.unref();
      }
    },

    write(batch: DataMessage) {
      const { rows, rowKinds } = batch;
      for (let i = 0; i < rows.length; i++) {
        if (rowKinds) {
          const k = rowKinds[i];
          if (k === RowKind.UpdateBefore || k === RowKind.Delete) continue;
        }
        const line = toLine(rows[i]!);
        if (line === undefined) {
          if (skippedNoFields++ % 1000 === 0) {
            logger.warn('skipped rows with no field values (an InfluxDB point needs at least one field)', { total: skippedNoFields });
          }
          continue;
        }
        lines.push(line);
      }
    },

    flush() {
      return sends.flush(startSend, (message) => `influx sink ${name}: writing to ${writer?.description ?? redactUrl(options.url)} failed: ${message}`);
    },

    async close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      lines = [];
      await sends.settled();
      writer = undefined;
    },
  };
}

// ---- line protocol --------------------------------------------------------------------------------

const escMeasurement = (s: string): string => s.replace(/[\\, ]/g, (c) => `\\${c}`).replace(/\n/g, '\\n');
const escKey = (s: string): string => s.replace(/[\\,= ]/g, (c) => `\\${c}`).replace(/\n/g, '\\n');
const escString = (s: string): string => s.replace(/[\\"]/g, (c) => `\\${c}`);

type FieldFormatter = (v: unknown) => string | undefined;

function fieldFormatter(type: SqlType): FieldFormatter {
  switch (type.kind) {
    case 'INT':
    case 'BIGINT':
      return (v) => {
        if (typeof v === 'bigint') return `${v}i`;
        if (typeof v === 'number') return Number.isFinite(v) ? `${Math.trunc(v)}i` : undefined;
        return anyField(v);
      };
    case 'FLOAT':
    case 'DOUBLE':
    case 'DECIMAL':
      return (v) => (typeof v === 'number' ? floatField(v) : v instanceof Decimal ? floatField(Number(v)) : anyField(v));
    case 'BOOLEAN':
      return (v) => (typeof v === 'boolean' ? (v ? 'true' : 'false') : anyField(v));
    case 'STRING':
      return (v) => (typeof v === 'string' ? `"${escString(v)}"` : anyField(v));
    case 'TIMESTAMP':
      return (v) => (typeof v === 'number' && Number.isFinite(v) ? `${Math.trunc(v)}i` : anyField(v));
    default:
      return anyField;
  }
}

function floatField(v: number): string | undefined {
  if (!Number.isFinite(v)) return undefined;
  // Always a float in line protocol: a bare integer literal would also parse as float, but be explicit.
  return Number.isInteger(v) && Math.abs(v) < 1e21 ? `${v}.0` : String(v);
}

/** By runtime shape, for ANY and nested types. */
function anyField(v: unknown): string | undefined {
  switch (typeof v) {
    case 'number':
      return floatField(v);
    case 'bigint':
      return `${v}i`;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return `"${escString(v)}"`;
    case 'object':
      if (v === null) return undefined;
      if (v instanceof Uint8Array) return `"${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')}"`;
      return `"${escString(JSON.stringify(v, jsonReplacer))}"`;
    default:
      return undefined;
  }
}

function tagValue(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'object') s = JSON.stringify(v, jsonReplacer);
  else s = String(v);
  // Influx refuses empty tag values; a tag that is empty is simply absent.
  return s.length === 0 ? undefined : escKey(s);
}

/** Compiles the row -> line protocol writer once per column list. */
export function compileLineWriter(measurement: string, columns: readonly Field[]): LineWriter {
  const m = escMeasurement(measurement);
  const tags: { index: number; key: string }[] = [];
  const fields: { index: number; key: string; fmt: FieldFormatter }[] = [];
  let timeIndex = -1;
  columns.forEach((c, index) => {
    if (c.name === 'window_timestamp') timeIndex = index;
    else if (c.name.startsWith('tag_')) tags.push({ index, key: escKey(c.name) });
    else if (c.name.startsWith('label_')) tags.push({ index, key: escKey(c.name.slice('label_'.length)) });
    else fields.push({ index, key: escKey(c.name), fmt: fieldFormatter(c.type) });
  });
  // Line protocol wants tags sorted by key for best performance on the server.
  tags.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  return (row) => {
    let line = m;
    for (const t of tags) {
      const v = tagValue(row[t.index]);
      if (v !== undefined) line += `,${t.key}=${v}`;
    }
    let sep = ' ';
    let any = false;
    for (const f of fields) {
      const raw = row[f.index];
      if (raw === null || raw === undefined) continue;
      const v = f.fmt(raw);
      if (v === undefined) continue;
      line += `${sep}${f.key}=${v}`;
      sep = ',';
      any = true;
    }
    if (!any) return undefined;
    if (timeIndex >= 0) {
      const t = row[timeIndex];
      if (typeof t === 'number' && Number.isFinite(t)) line += ` ${Math.trunc(t)}`;
    }
    return line;
  };
}
