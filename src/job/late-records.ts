import { externalError, userError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Row } from '../core/types.js';
import type { KafkaCompressionType, LateRecordPolicy, StreamConfig } from '../config/index.js';
import type { LateInfo } from '../runtime/dataflow.js';
import { createJsonRowEncoder, type RowEncoder } from '../schema/index.js';
import { createKafkaProducers, type KafkaProducers } from '../connectors/kafka/shared-producer.js';
import type { Counter } from '../core/connector.js';

/**
 * What happens to rows an operator found behind its watermark (SOURCE_LATE_RECORD_POLICY of the stream the
 * rows came from): always counted in dirk_late_records_total{table}; then DROP (nothing more, as Flink),
 * LOG (a warn line per row with its columns by name, at most LOG_LINES_PER_WINDOW lines per
 * LOG_WINDOW_MS, the rest summarised) or TOPIC (each row as a JSON object keyed by column name, with a
 * `dirk-late-reason` header naming the operator and its watermark, and `dirk-table`).
 *
 * Rows reach an operator after projections and filters, so they hold the operator's input columns, not
 * necessarily the source record's. An input that merges several tables (UNION ALL) has no single table:
 * its rows are counted under table="*" and follow the policy of the first of those tables.
 */
export const LOG_LINES_PER_WINDOW = 10;
export const LOG_WINDOW_MS = 10_000;

export interface LateProducer {
  connect(): Promise<void>;
  send(record: { topic: string; acks: number; messages: { key: null; value: Buffer; headers: Record<string, string> }[]; compression?: KafkaCompressionType | undefined }): Promise<unknown>;
  disconnect(): Promise<void>;
  /** Checks the topic exists (and reads its size limit) at open. */
  checkTopic?(topic: string, what: string): Promise<void>;
}

export interface LateRecordOptions {
  readonly streams: readonly StreamConfig[];
  readonly logger: Logger;
  readonly lateRecords: (table: string) => Counter;
  readonly now?: () => number;
  readonly clientId?: string;
  /** The job's shared side-output producer (also used for dead letters); by default one of its own. */
  readonly producers?: KafkaProducers;
  /** Tests inject a producer; by default the shared producer of the policy's brokers. */
  readonly producer?: (brokers: readonly string[], stream: StreamConfig) => LateProducer;
}

export interface LateRecordOutput {
  late(rows: Row[], info: LateInfo): void;
  /** Connects the producers of TOPIC policies (fails early when a broker is unreachable). */
  open(): Promise<void>;
  /** Resolves when every late row handed over so far is acknowledged; rejects if a send failed. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function createLateRecordOutput(options: LateRecordOptions): LateRecordOutput {
  const now = options.now ?? Date.now;
  const byTable = new Map<string, StreamConfig>();
  for (const s of options.streams) byTable.set(s.table.toLowerCase(), s);
  const counters = new Map<string, Counter>();
  const encoders = new WeakMap<LateInfo['fields'], RowEncoder>();
  const producers = new Map<string, { producer: LateProducer; connected?: Promise<void> }>();
  let ownShared: KafkaProducers | undefined;
  const shared = (): KafkaProducers =>
    options.producers ?? (ownShared ??= createKafkaProducers({ clientId: options.clientId ?? 'dirk-late-records', logger: options.logger }));
  let pending: Promise<unknown>[] = [];
  let failure: Error | undefined;
  let windowStart = -Infinity;
  let logged = 0;
  let suppressed = 0;

  const count = (table: string, n: number): void => {
    let c = counters.get(table);
    if (!c) {
      c = options.lateRecords(table);
      counters.set(table, c);
    }
    c.inc(n);
  };

  const encoderFor = (info: LateInfo): RowEncoder => {
    let e = encoders.get(info.fields);
    if (!e) {
      e = createJsonRowEncoder(info.fields);
      encoders.set(info.fields, e);
    }
    return e;
  };

  const producerFor = (stream: StreamConfig, policy: LateRecordPolicy): { producer: LateProducer; connected?: Promise<void> } => {
    const brokers = policy.brokers ?? stream.kafka?.bootstrapServers;
    if (!brokers?.length) throw userError(`STREAMS[${stream.index}].SOURCE_LATE_RECORD_POLICY=TOPIC needs brokers (SOURCE_DEAD_LETTER_BROKERS)`);
    const key = brokers.join(',');
    let p = producers.get(key);
    if (!p) {
      const producer = options.producer
        ? options.producer(brokers, stream)
        : sharedLateProducer(shared(), brokers, stream);
      p = { producer };
      producers.set(key, p);
    }
    return p;
  };

  const reason = (info: LateInfo, row: Row): string => {
    const t = info.rowtimeIndex === undefined ? undefined : row[info.rowtimeIndex];
    const wm = Number.isFinite(info.watermark) ? new Date(info.watermark).toISOString() : String(info.watermark);
    const side = info.input > 0 || info.operator.startsWith('IntervalJoin') ? ` (${info.input === 0 ? 'left' : 'right'} input)` : '';
    return `${info.operator}${side}: event time ${typeof t === 'number' ? new Date(t).toISOString() : 'unknown'} is behind watermark ${wm}`;
  };

  const log = (rows: Row[], info: LateInfo, table: string): void => {
    const t = now();
    if (t - windowStart >= LOG_WINDOW_MS) {
      if (suppressed > 0) options.logger.warn(`${suppressed} more late record(s) were not logged (at most ${LOG_LINES_PER_WINDOW} lines per ${LOG_WINDOW_MS / 1000} s)`);
      windowStart = t;
      logged = 0;
      suppressed = 0;
    }
    const enc = encoderFor(info);
    for (const row of rows) {
      if (logged >= LOG_LINES_PER_WINDOW) {
        suppressed++;
        continue;
      }
      logged++;
      options.logger.warn(`late record dropped: ${reason(info, row)}`, { table, row: Buffer.from(enc.encode(row)).toString('utf8') });
    }
  };

  const send = (rows: Row[], info: LateInfo, table: string, stream: StreamConfig, policy: LateRecordPolicy): void => {
    const enc = encoderFor(info);
    const messages = rows.map((row) => ({
      key: null,
      value: Buffer.from(enc.encode(row)),
      headers: { 'dirk-late-reason': reason(info, row), 'dirk-table': table },
    }));
    const p = producerFor(stream, policy);
    const connected = (p.connected ??= p.producer.connect());
    const sent = connected
      .then(() => p.producer.send({ topic: policy.topic!, acks: -1, messages, compression: policy.compression }))
      .catch((e: unknown) => {
        failure ??= new Error(`cannot write ${messages.length} late record(s) to ${policy.topic}: ${(e as Error).message}`);
      });
    pending.push(sent);
  };

  return {
    late(rows, info) {
      const stream = byTable.get((info.table ?? info.tables[0] ?? '').toLowerCase());
      const table = info.table ?? '*';
      count(table, info.count ?? rows.length);
      const policy = stream?.lateRecords ?? { mode: 'DROP' as const };
      if (policy.mode === 'LOG') log(rows, info, table);
      else if (policy.mode === 'TOPIC' && stream) send(rows, info, table, stream, policy);
      else options.logger.debug('late records dropped', { table, count: rows.length, operator: info.operator });
    },
    async open() {
      for (const s of options.streams) {
        if (s.lateRecords.mode !== 'TOPIC') continue;
        const p = producerFor(s, s.lateRecords);
        try {
          await (p.connected ??= p.producer.connect());
        } catch (e) {
          const brokers = s.lateRecords.brokers ?? s.kafka?.bootstrapServers ?? [];
          throw externalError(
            `STREAMS[${s.index}].SOURCE_LATE_RECORD_POLICY=TOPIC: cannot connect to ${brokers.join(',')} for the late-record topic ${s.lateRecords.topic}: ${(e as Error).message}`,
            { cause: e },
          );
        }
        await p.producer.checkTopic?.(s.lateRecords.topic!, `STREAMS[${s.index}].SOURCE_LATE_RECORD_POLICY=TOPIC`);
      }
    },
    async flush() {
      const waiting = pending;
      pending = [];
      await Promise.all(waiting);
      if (failure) {
        const e = failure;
        failure = undefined;
        throw e;
      }
    },
    async close() {
      await Promise.all(pending);
      pending = [];
      if (suppressed > 0) options.logger.warn(`${suppressed} more late record(s) were not logged`);
      suppressed = 0;
      await Promise.all([...producers.values()].map((p) => p.producer.disconnect().catch(() => undefined)));
      await ownShared?.close();
      ownShared = undefined;
    },
  };
}

/** The late-record view of the shared producer: disconnecting is left to whoever owns the producer set. */
function sharedLateProducer(producers: KafkaProducers, brokers: readonly string[], stream: StreamConfig): LateProducer {
  const producer = producers.producer(brokers, stream.kafka?.security);
  return {
    connect: () => producer.connect(),
    send: (record) => producer.send({ topic: record.topic, messages: record.messages, compression: record.compression }),
    disconnect: async () => {},
    checkTopic: (topic, what) => producer.checkTopic(topic, what),
  };
}
