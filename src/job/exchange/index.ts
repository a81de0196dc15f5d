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
import { twoPhaseBlocker } from '../../runtime/local-window-aggregate.js';
import { PartialsGate } from './partials-gate.js';
import { checkScaleOutProcessors, explainScaleOutProcessors } from './processors.js';

export { ExchangeStage } from './exchange-stage.js';

/** The job's exchange, when it runs scaled out (DIRK_EXCHANGE_ENABLE, or more than one task) and has a keyed operator. */
export function jobExchange(job: PreparedJob): ExchangePlan | undefined {
  if (!job.config.exchange) return undefined;
  const kafka = new Set(job.config.streams.filter((s) => s.kafka && s.source.type === 'UNBOUNDED').map((s) => s.table));
  const ex = planExchange(job.plan, job.config.jobId.replace(/[^A-Za-z0-9._-]/g, '_'), kafka, { aggPhase: job.config.aggPhase, twoPhaseBlocker });
  if (ex && ex.sides.length > 1) {
    // One repartition topic carries both sides: it lives on one cluster, so both tables must be read from it.
    const servers = ex.sides.map((side) => [...streamOf(job, side.sourceTable).kafka!.bootstrapServers].map((x) => x.trim()).sort().join(','));
    if (servers[0] !== servers[1]) {
      throw userError(
        `DIRK_EXCHANGE_ENABLE (or DIRK_TASKS / FLINK_PARALLELISM > 1): the join's tables ${ex.sides.map((x) => x.sourceTable).join(' and ')} are read from different clusters ` +
          `(${servers.join(' and ')}); both sides go through one repartition topic on one cluster. Run the job as one task.`,
      );
    }
  }
  return ex;
}

/**
 * What `dirk validate` checks of a scaled-out job (the same refusals `dirk run` gives at start): the plan
 * cut (query shapes the exchange cannot run) and transformers that keep state (processors.ts).
 */
export function checkScaleOut(job: PreparedJob): void {
  const ex = jobExchange(job);
  checkScaleOutProcessors(job, ex !== undefined);
}

/** The stream (job config) of a table the exchange reads. */
function streamOf(job: PreparedJob, table: string): StreamConfig {
  return job.config.streams.find((s) => s.table === table)!;
}

/** The tables the exchange reads with their topic patterns (sizing the internal topics). */
function exchangeSources(job: PreparedJob, ex: ExchangePlan): { table: string; pattern: string }[] {
  return ex.sides.map((side) => ({ table: side.sourceTable, pattern: streamOf(job, side.sourceTable).kafka!.topicPattern }));
}

/** The compacted topic the keyed operator's state per partition is kept in. */
export function changelogTopic(ex: ExchangePlan): string {
  return ex.topic.replace(/-repartition$/, '-changelog');
}

/** The consumer group of the downstream half. */
export function exchangeGroupId(stream: StreamConfig, ex: ExchangePlan): string {
  return `${stream.kafka!.groupId}-${ex.operator}-repartition`;
}

/** `dirk explain`: the exchange, its internal topic and consumer group. */
export function explainExchange(job: PreparedJob): string {
  const ex = jobExchange(job);
  const tasks = `tasks: ${job.config.tasks} in this process${job.config.exchange ? '; more processes of the job join the same consumer groups' : ''}\n`;
  if (!ex) {
    if (!job.config.exchange) return '';
    return ['', 'scale-out:', `  ${tasks.trimEnd()}`, '  no keyed operator: every task runs the whole plan on its partitions', ...explainScaleOutProcessors(job, false), ''].join('\n');
  }
  const stream = streamOf(job, ex.sourceTable);
  const keysOf = (side: ExchangePlan['sides'][number]): string =>
    side.keys.length
      ? // Over the upstream rows (a two-phase side's table is the partial rows' layout).
        side.keys.map((k) => printExpr(k, side.upstream.root.fields.filter((_, i) => i !== side.offsetIndex))).join(', ')
      : '(none: one partition takes every row)';
  const join = ex.sides.length > 1;
  const exchanges = join
    ? ex.sides.map((side, i) => `  Exchange[hash(${keysOf(side)})] ${i === 0 ? 'left' : 'right'} side of ${ex.operatorKind}, tagged ${i === 0 ? 'left' : 'right'}`)
    : ex.local
      ? [
          `  LocalWindowAggregate[${ex.local.window.type} panes, per source batch; keys ${keysOf(ex)}; ${ex.local.aggs.map((a) => a.name).join(', ')}] upstream`,
          `  Exchange[hash(${keysOf(ex)})] of partial aggregates before GlobalWindowAggregate (merges them)`,
        ]
      : [`  Exchange[hash(${keysOf(ex)})] before ${ex.operatorKind}`];
  const upstreams = ex.sides.map((side) => `    upstream: table ${side.sourceTable} (group ${streamOf(job, side.sourceTable).kafka!.groupId}) -> internal topic ${ex.topic} (partitions = the sources' most)`);
  return [
    '',
    'scale-out:',
    `  ${tasks.trimEnd()}`,
    ...exchanges,
    ...(ex.phases ? [`    aggregation: ${ex.phases}`] : []),
    ...[...new Set(upstreams)],
    `    downstream: ${ex.topic} (group ${exchangeGroupId(stream, ex)}) -> ${ex.local ? 'GlobalWindowAggregate' : ex.operatorKind}${join ? ' (both sides of a key in one partition)' : ''} and the rest of the plan, one instance per partition`,
    ...explainScaleOutProcessors(job, true),
    '  internal topics:',
    `    ${ex.topic}  (repartition${join ? ', both sides tagged by side' : ''}; watermarks travel as control records to every partition)`,
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
  const stream = streamOf(job, ex.sourceTable);
  const kafka = stream.kafka!;
  const client = createKafkaClient({ brokers: kafka.bootstrapServers, clientId: `dirk-${job.config.jobId}-topics`.replace(/[^A-Za-z0-9._-]/g, '_'), security: kafka.security, logger });
  const admin = client.admin();
  try {
    await admin.connect();
    const topics = await describeExchangeTopics(admin, exchangeSources(job, ex), ex.topic, changelogTopic(ex));
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
  /**
   * Each source table's input (a join's two tables, or one): offsets tagged, rows through the upstream
   * half of every side reading the table into the writer.
   */
  readonly upstreams: ReadonlyMap<string, { readonly ports: readonly { push(rows: Row[]): void }[]; readonly pre: InputStage }>;
  /** The repartition topic's input. */
  readonly downstream: { readonly table: string; readonly stream: StreamConfig; readonly source: Source; readonly stage: ExchangeStage };
  readonly writer: ExchangeWriter;
  /** The keyed operator's state per partition, written at checkpoints and read when a partition moves here. */
  readonly changelog: Changelog;
  /** Sets a source table's watermark promise (once that input's watermark tracker exists). */
  promiseOf(table: string, promise: () => Promise_): void;
  /** A source table's partitions after a rebalance (in the delivery lock, before their batches): two-phase decides where partials may start. */
  upstreamAssigned(table: string, splits: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** What a task can promise: no row below `wm` will come from it for `splits`. */
type Promise_ = { readonly wm: number; readonly splits: readonly string[] };

/**
 * The task's promise over every source table: with one table, that table's; with a join's two, the lower
 * watermark over both tables' delivered splits, named `<table>|<split>` (two tables may read one topic).
 */
function combinedPromise(promises: ReadonlyMap<string, () => Promise_>, tagged: boolean): Promise_ {
  if (!tagged) return [...promises.values()][0]?.() ?? { wm: -Infinity, splits: [] };
  let wm = Infinity;
  const splits: string[] = [];
  for (const [table, promise] of promises) {
    const p = promise();
    if (p.splits.length === 0) continue;
    wm = Math.min(wm, p.wm);
    for (const s of p.splits) splits.push(`${table}|${s}`);
  }
  return splits.length === 0 ? { wm: -Infinity, splits } : { wm, splits };
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
  /** Two-phase partials taken over rows already taken (a zombie writer; see ExchangeStage.takePartial). */
  readonly onOverlap?: (n: number) => void;
  readonly onPartitions?: (n: number) => void;
  readonly onRestoring?: (pending: number) => void;
  readonly onRestoredBytes?: (bytes: number) => void;
  /**
   * Exactly-once: the sink's transactions. Repartition and changelog records go into the sink's open
   * transaction, and the keyed operator's output is held per partition until the checkpoint.
   */
  readonly transactions?: SinkTransactions | undefined;
}

/** Each source table's input: offsets tagged, rows through every side's upstream half reading the table, into the writer. */
function upstreamInputs(ex: ExchangePlan, ups: readonly Dataflow[], writer: ExchangeWriter): Map<string, { ports: { push(rows: Row[]): void }[]; pre: InputStage }> {
  const upstreams = new Map<string, { ports: { push(rows: Row[]): void }[]; pre: InputStage }>();
  for (const table of new Set(ex.sides.map((side) => side.sourceTable))) {
    // A self-join's table feeds both sides' upstream halves.
    const ports = ups.flatMap((up) => up.inputs.filter((i) => i.table === table));
    upstreams.set(table, {
      ports: [
        {
          push(rows: Row[]) {
            for (const p of ports) p.push(rows);
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
    });
  }
  return upstreams;
}

export async function openExchange(c: ExchangeContext): Promise<OpenedExchange> {
  const { job, exchange: ex, logger } = c;
  const stream = streamOf(job, ex.sourceTable);
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
    const topics = await prepareExchangeTopics(admin, exchangeSources(job, ex), ex.topic, changelogTopic(ex));
    const tx = c.transactions?.sender;
    if (c.transactions && !tx) throw userError('SINK_KAFKA_DELIVERY_GUARANTEE=EXACTLY_ONCE with scale-out: the sink cannot take the repartition records into its transaction');
    if (!tx) {
      producer = client.producer({ allowAutoTopicCreation: false });
      await producer.connect();
    }
    const sender = tx ?? producer!;
    const join = ex.sides.length > 1;
    const promises = new Map<string, () => Promise_>();
    const gate = ex.local ? new PartialsGate({ admin, topic: ex.topic, logger }) : undefined;
    const writer = new ExchangeWriter({
      ...(ex.local && gate ? { local: ex.local, partialsFrom: (split: string) => gate.from(split) } : {}),
      producer: sender,
      topic: ex.topic,
      partitions: topics.partitions,
      keys: ex.keys,
      offsetIndex: ex.offsetIndex,
      ...(join ? { sides: ex.sides } : {}),
      promise: () => combinedPromise(promises, join),
      intervalMs: job.config.watermark.intervalMs,
      totalSplits: topics.sourceSplits,
      logger,
      ...(c.onRowsOut ? { onRows: c.onRowsOut } : {}),
    });
    const ups = ex.sides.map((side, i) => buildDataflow(side.upstream, join ? writer.side(i) : writer, c.dataflowOptions));
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
      ...(join ? { sideTables: ex.sides.map((side) => side.table.name) } : {}),
      ...(ex.local ? { local: ex.local } : {}),
      ...(c.onOverlap ? { onOverlap: c.onOverlap } : {}),
      output: c.output,
      // Exactly-once: a partition's output waits for the checkpoint, so a partition revoked before it is
      // dropped with its state (the new owner re-emits it from the changelog's state).
      holdOutput: c.transactions !== undefined,
      idleTimeoutMs: job.config.watermark.idleTimeoutMs,
      logger,
      ...(c.onDuplicates ? { onDuplicates: c.onDuplicates } : {}),
      ...(c.onPartitions ? { onPartitions: c.onPartitions } : {}),
    });
    const downStream: StreamConfig = { ...stream, table: ex.topic };
    const source = createKafkaSource({
      table: ex.topic,
      topicPattern: ex.topic.replace(/[.]/g, '\\.'),
      brokers: kafka.bootstrapServers,
      groupId: exchangeGroupId(stream, ex),
      autoOffsetReset: 'earliest',
      security: kafka.security,
      clientId: `${clientId}-in`,
      decoder: exchangeDecoder,
      badRecords: { mode: 'FAIL' },
      logger: logger.child({ exchange: ex.topic }),
      largeMessage: true,
      // The stream's consumer settings (session timeout, heartbeats) hold for the downstream group too.
      consumerProperties: kafka.additional,
    });
    const dataflow: Dataflow = {
      inputs: ups.flatMap((up) => up.inputs),
      operators: ups.flatMap((up) => up.operators),
      batchEnd() {
        for (const up of ups) up.batchEnd();
        stage.batchEnd();
      },
      async settle() {
        for (const up of ups) await up.settle();
        await stage.settle();
      },
      // One list over every side's operators (with one side, the shape of checkpoints written before joins).
      snapshot: () => ups.flatMap((up) => up.snapshot()),
      restore: (s) => {
        let at = 0;
        for (const up of ups) {
          up.restore(s.slice(at, at + up.operators.length));
          at += up.operators.length;
        }
      },
      stateEntries: () => ups.reduce((n, up) => n + up.stateEntries(), 0) + stage.stateEntries(),
      close: async () => {
        await Promise.all(ups.map((up) => up.close()));
      },
    };
    const upstreams = upstreamInputs(ex, ups, writer);
    const opened: OpenedExchange = {
      dataflow,
      upstreams,
      promiseOf: (table, promise) => void promises.set(table, promise),
      upstreamAssigned: async (_table, splits) => {
        // Partials held for splits that moved away are dropped with their positions (the new owner re-reads
        // those rows from the committed offset); the kept splits' go out before the gate moves any bound.
        writer.endPartials(new Set(splits));
        await gate?.assigned(splits);
      },
      downstream: { table: ex.topic, stream: downStream, source, stage },
      writer,
      changelog,
      close,
    };
    logger.info(`scale-out: ${ex.operatorKind} reads through ${ex.topic}${join ? ' (both sides)' : ''} (${topics.partitions} partitions; source splits ${topics.sourceSplits})${ex.phases ? `; ${ex.phases}` : ''}`);
    return opened;
  } catch (e) {
    await close();
    throw e;
  }
}
