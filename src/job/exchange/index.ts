/**
 * Scale-out wiring: the plan cut by `plan/exchange.ts` becomes an upstream dataflow (fed by the job's Kafka
 * source, written to the repartition topic by ExchangeWriter) and a downstream ExchangeStage (fed by a
 * Kafka source on the repartition topic, in its own consumer group), run by one StreamManager under one
 * delivery lock and one checkpoint. See docs/architecture.md, Scale-out.
 */
import type { Producer } from 'kafkajs';
import type { SinkTransactions, Source, SourceBatch } from '../../core/connector.js';
import type { Logger } from '../../core/logger.js';
import type { Row } from '../../core/types.js';
import type { StreamConfig } from '../../config/index.js';
import { planExchange, type ExchangePlan } from '../../plan/exchange.js';
import { printExpr } from '../../plan/printer.js';
import { buildDataflow, type Dataflow, type DataflowOptions } from '../../runtime/dataflow.js';
import type { Output } from '../../runtime/operator.js';
import { createKafkaClient } from '../../connectors/kafka/kafka-client.js';
import { createKafkaSource } from '../../connectors/kafka/kafka-source.js';
import type { PreparedJob } from '../prepare.js';
import { ExchangeStage, exchangeDecoder } from './exchange-stage.js';
import { describeExchangeTopics, prepareExchangeTopics } from './exchange-topics.js';
import { ExchangeWriter } from './exchange-writer.js';
import { Changelog } from './changelog.js';
import { userError } from '../../core/errors.js';

export { ExchangeStage } from './exchange-stage.js';

/** The job's exchange, when it runs scaled out (DIRK_EXCHANGE_ENABLE, or more than one task) and has a keyed operator. */
export function jobExchange(job: PreparedJob): ExchangePlan | undefined {
  if (!job.config.exchange) return undefined;
  const kafka = new Set(job.config.streams.filter((s) => s.kafka && s.source.type === 'UNBOUNDED').map((s) => s.table));
  return planExchange(job.plan, job.config.jobId.replace(/[^A-Za-z0-9._-]/g, '_'), kafka);
}

/** The compacted topic the keyed operator's state per partition is kept in. */
export function changelogTopic(ex: ExchangePlan): string {
  return ex.table.name.replace(/-repartition$/, '-changelog');
}

/** The consumer group of the downstream half. */
export function exchangeGroupId(stream: StreamConfig, ex: ExchangePlan): string {
  return `${stream.kafka!.groupId}-${ex.operator}-repartition`;
}

/** `dirk explain`: the exchange, its internal topic and consumer group. */
export function explainExchange(job: PreparedJob): string {
  const ex = jobExchange(job);
  const tasks = `tasks: ${job.config.tasks} in this process${job.config.exchange ? '; more processes of the job join the same consumer groups' : ''}\n`;
  if (!ex) return job.config.exchange ? `\nscale-out:\n  ${tasks}  no keyed operator: every task runs the whole plan on its partitions\n` : '';
  const stream = job.config.streams.find((s) => s.table === ex.sourceTable)!;
  const keys = ex.keys.length ? ex.keys.map((k) => printExpr(k, ex.table.columns)).join(', ') : '(none: one partition takes every row)';
  return [
    '',
    'scale-out:',
    `  ${tasks.trimEnd()}`,
    `  Exchange[hash(${keys})] before ${ex.operatorKind}`,
    `    upstream: table ${ex.sourceTable} (group ${stream.kafka!.groupId}) -> internal topic ${ex.table.name} (partitions = the source's)`,
    `    downstream: ${ex.table.name} (group ${exchangeGroupId(stream, ex)}) -> ${ex.operatorKind} and the rest of the plan, one instance per partition`,
    '  internal topics:',
    `    ${ex.table.name}  (repartition; watermarks travel as control records to every partition)`,
    `    ${changelogTopic(ex)}  (changelog, compacted: the ${ex.operatorKind}'s state per partition, written at each checkpoint)`,
    ...(job.config.sinks.some((k) => k.type === 'kafka' && k.deliveryGuarantee === 'EXACTLY_ONCE')
      ? ['  exactly-once: one transaction per task and checkpoint (output, repartition and changelog records, both groups\' offsets); transactional id <id>-task-<i>']
      : []),
    '',
  ].join('\n');
}

/**
 * `dirk topics <job>`: the job's internal topics with their partition counts and configs, as the broker
 * has them. `problems` names each topic whose partition count differs from the source's (the job refuses
 * to start with it).
 */
export async function listJobTopics(job: PreparedJob, logger: Logger): Promise<{ readonly text: string; readonly problems: readonly string[] }> {
  const ex = jobExchange(job);
  if (!ex) {
    const why = job.config.exchange ? 'the query has no keyed operator' : 'the job runs as one task (DIRK_TASKS / FLINK_PARALLELISM = 1 and DIRK_EXCHANGE_ENABLE off)';
    return { text: `no internal topics: ${why}\n`, problems: [] };
  }
  const stream = job.config.streams.find((s) => s.table === ex.sourceTable)!;
  const kafka = stream.kafka!;
  const client = createKafkaClient({ brokers: kafka.bootstrapServers, clientId: `dirk-${job.config.jobId}-topics`.replace(/[^A-Za-z0-9._-]/g, '_'), security: kafka.security, logger });
  const admin = client.admin();
  try {
    await admin.connect();
    const topics = await describeExchangeTopics(admin, kafka.topicPattern, stream.table, ex.table.name, changelogTopic(ex));
    const lines = [`internal topics of job ${job.config.jobId} (cluster ${kafka.bootstrapServers.join(',')}):`];
    const problems: string[] = [];
    for (const t of topics) {
      const count = t.found === undefined ? `missing (created at start with ${t.expected} partitions)` : `${t.found} partitions (source: ${t.expected})`;
      const configs = Object.entries(t.configs).map(([k, v]) => `${k}=${v}`).join(' ');
      lines.push(`  ${t.topic}  ${t.kind}  ${count}${configs ? `  ${configs}` : ''}`);
      if (t.found !== undefined && t.found !== t.expected) {
        problems.push(`the ${t.kind} topic ${t.topic} has ${t.found} partitions, but the job's source has ${t.expected}: the job refuses to start; delete the topic (and the job's checkpoints) or restore the source's partition count`);
      }
    }
    return { text: `${lines.join('\n')}\n`, problems };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export interface OpenedExchange {
  /** Both halves as one dataflow for deliveries and checkpoints (the downstream's state is the stage's). */
  readonly dataflow: Dataflow;
  /** The source table's input: offsets tagged, rows through the upstream half into the writer. */
  readonly upstream: {
    readonly ports: readonly { push(rows: Row[]): void }[];
    readonly pre: InputStage;
  };
  /** The repartition topic's input. */
  readonly downstream: { readonly table: string; readonly stream: StreamConfig; readonly source: Source; readonly stage: ExchangeStage };
  readonly writer: ExchangeWriter;
  /** The keyed operator's state per partition, written at checkpoints and read when a partition moves here. */
  readonly changelog: Changelog;
  /** The upstream's watermark promise (set once the upstream input's watermark tracker exists). */
  promise: () => { readonly wm: number; readonly splits: readonly string[] };
  close(): Promise<void>;
}

/** An input's stage between the source and the dataflow (as the pre-processor runner). */
export interface InputStage {
  process(rows: Row[], origin?: string, batch?: SourceBatch): Promise<Row[]>;
  finish(): Promise<Row[]>;
  snapshot(): unknown;
  restore(state: unknown): void;
}

export interface ExchangeContext {
  readonly job: PreparedJob;
  readonly exchange: ExchangePlan;
  readonly output: Output;
  readonly dataflowOptions: DataflowOptions;
  readonly logger: Logger;
  readonly task: number;
  readonly onRowsOut?: (n: number) => void;
  readonly onDuplicates?: (n: number) => void;
  readonly onPartitions?: (n: number) => void;
  readonly onRestoring?: (pending: number) => void;
  readonly onRestoredBytes?: (bytes: number) => void;
  /**
   * Exactly-once: the sink's transactions. Repartition and changelog records go into the sink's open
   * transaction, and the keyed operator's output is held per partition until the checkpoint.
   */
  readonly transactions?: SinkTransactions | undefined;
}

export async function openExchange(c: ExchangeContext): Promise<OpenedExchange> {
  const { job, exchange: ex, logger } = c;
  const stream = job.config.streams.find((s) => s.table === ex.sourceTable)!;
  const kafka = stream.kafka!;
  const clientId = `dirk-${job.config.jobId}-exchange-${c.task}`.replace(/[^A-Za-z0-9._-]/g, '_');
  const client = createKafkaClient({ brokers: kafka.bootstrapServers, clientId, security: kafka.security, logger });
  const admin = client.admin();
  let producer: Producer | undefined;
  const close = async (): Promise<void> => {
    await admin.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  };
  try {
    await admin.connect();
    const topics = await prepareExchangeTopics(admin, kafka.topicPattern, stream.table, ex.table.name, changelogTopic(ex));
    const tx = c.transactions?.sender;
    if (c.transactions && !tx) throw userError('SINK_KAFKA_DELIVERY_GUARANTEE=EXACTLY_ONCE with scale-out: the sink cannot take the repartition records into its transaction');
    if (!tx) {
      producer = client.producer({ allowAutoTopicCreation: false });
      await producer.connect();
    }
    const sender = tx ?? producer!;
    const opened: OpenedExchange = {
      promise: () => ({ wm: -Infinity, splits: [] }),
    } as unknown as OpenedExchange;
    const writer = new ExchangeWriter({
      producer: sender,
      topic: ex.table.name,
      partitions: topics.partitions,
      keys: ex.keys,
      offsetIndex: ex.offsetIndex,
      promise: () => opened.promise(),
      intervalMs: job.config.watermark.intervalMs,
      totalSplits: topics.sourceSplits,
      logger,
      ...(c.onRowsOut ? { onRows: c.onRowsOut } : {}),
    });
    const up = buildDataflow(ex.upstream, writer, c.dataflowOptions);
    const changelog = new Changelog({
      kafka: client,
      admin,
      producer: sender,
      topic: topics.changelog,
      groupId: exchangeGroupId(stream, ex),
      logger,
      ...(c.onRestoring ? { onRestoring: c.onRestoring } : {}),
      ...(c.onRestoredBytes ? { onRestoredBytes: c.onRestoredBytes } : {}),
    });
    const stage = new ExchangeStage({
      // Changelog partition p holds the state of repartition partition p (split ids name the latter).
      fetchState: (splits) => changelog.read(splits),
      build: (output) => buildDataflow(ex.downstream, output, c.dataflowOptions),
      output: c.output,
      // Exactly-once: a partition's output waits for the checkpoint, so a partition revoked before it is
      // dropped with its state (the new owner re-emits it from the changelog's state).
      holdOutput: c.transactions !== undefined,
      idleTimeoutMs: job.config.watermark.idleTimeoutMs,
      logger,
      ...(c.onDuplicates ? { onDuplicates: c.onDuplicates } : {}),
      ...(c.onPartitions ? { onPartitions: c.onPartitions } : {}),
    });
    const downStream: StreamConfig = { ...stream, table: ex.table.name };
    const source = createKafkaSource({
      table: ex.table.name,
      topicPattern: ex.table.name.replace(/[.]/g, '\\.'),
      brokers: kafka.bootstrapServers,
      groupId: exchangeGroupId(stream, ex),
      autoOffsetReset: 'earliest',
      security: kafka.security,
      clientId: `${clientId}-in`,
      decoder: exchangeDecoder,
      badRecords: { mode: 'FAIL' },
      logger: logger.child({ exchange: ex.table.name }),
      largeMessage: true,
      // The stream's consumer settings (session timeout, heartbeats) hold for the downstream group too.
      consumerProperties: kafka.additional,
    });
    const upPorts = up.inputs.filter((i) => i.table === stream.table);
    const dataflow: Dataflow = {
      inputs: up.inputs,
      operators: up.operators,
      batchEnd() {
        up.batchEnd();
        stage.batchEnd();
      },
      async settle() {
        await up.settle();
        await stage.settle();
      },
      snapshot: () => up.snapshot(),
      restore: (s) => up.restore(s),
      stateEntries: () => up.stateEntries() + stage.stateEntries(),
      close: () => up.close(),
    };
    Object.assign(opened, {
      dataflow,
      upstream: {
        ports: [
          {
            push(rows: Row[]) {
              for (const p of upPorts) p.push(rows);
              writer.end();
              // Per batch, not only when the upstream plan's watermark moves: that one waits for every
              // assigned split, the promise only for those delivered from.
              writer.report(false);
            },
          },
        ],
        pre: {
          async process(rows: Row[], _origin?: string, batch?: SourceBatch) {
            writer.begin(batch?.split ?? '');
            const offsets = batch?.offsets;
            for (let i = 0; i < rows.length; i++) rows[i]!.push(offsets ? Number(offsets[i]) : 0);
            return rows;
          },
          finish: async () => [],
          snapshot: () => null,
          restore: () => undefined,
        },
      },
      downstream: { table: ex.table.name, stream: downStream, source, stage },
      writer,
      changelog,
      close,
    });
    logger.info(`scale-out: ${ex.operatorKind} reads through ${ex.table.name} (${topics.partitions} partitions; source splits ${topics.sourceSplits})`);
    return opened;
  } catch (e) {
    await close();
    throw e;
  }
}
