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
import { planExchange, type ExchangePlan, type ExchangeSide, type ExchangeStagePlan } from '../../plan/exchange.js';
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
import type { TaskAssignment } from '../../connectors/kafka/subscription-assigner.js';

export { ExchangeStage } from './exchange-stage.js';

/** The job's exchange, when it runs scaled out (DIRK_EXCHANGE_ENABLE, or more than one task) and has a keyed operator. */
export function jobExchange(job: PreparedJob): ExchangePlan | undefined {
  if (!job.config.exchange) return undefined;
  checkBoundedScaleOut(job);
  // Bounded Kafka streams too: a bounded run scaled out ends when every split's end has crossed (cli/tasks.ts).
  const kafka = new Set(job.config.streams.filter((s) => s.kafka && (s.source.type === 'UNBOUNDED' || s.source.type === 'BOUNDED')).map((s) => s.table));
  const ex = planExchange(job.plan, job.config.jobId.replace(/[^A-Za-z0-9._-]/g, '_'), kafka, { aggPhase: job.config.aggPhase, twoPhaseBlocker });
  const tables = ex ? allSourceTables(ex) : [];
  if (ex && tables.length > 1) {
    // The internal topics live on one cluster, so every table the exchanges read must be read from it.
    const servers = tables.map((table) => [...streamOf(job, table).kafka!.bootstrapServers].map((x) => x.trim()).sort().join(','));
    const other = servers.findIndex((x) => x !== servers[0]);
    if (other > 0) {
      const what = ex.stages.length === 1 ? "the join's tables" : "the tables the query's keyed operators read";
      throw userError(
        `DIRK_EXCHANGE_ENABLE (or DIRK_TASKS / FLINK_PARALLELISM > 1): ${what} ${tables[0]} and ${tables[other]} are read from different clusters ` +
          `(${servers[0]} and ${servers[other]}); ${ex.stages.length === 1 ? 'both sides go through one repartition topic on one cluster' : 'the internal topics live on one cluster'}. Run the job as one task.`,
      );
    }
  }
  return ex;
}

/** Whether the job reads bounded Kafka streams (KAFKA_SOURCE, SOURCE_DETAILS BOUNDED): a scaled-out run of it ends by itself. */
export function isBoundedJob(job: PreparedJob): boolean {
  return job.config.streams.some((s) => s.kafka && s.source.type === 'BOUNDED');
}

/**
 * A bounded job scales out as the worker threads of one process only: its tasks' partitions are dealt out by
 * task and the process's main thread ends the run when every task's input has ended. A process of one task
 * with DIRK_EXCHANGE_ENABLE is a member of a multi-process group, whose end no process could see: refused.
 * So is a job mixing bounded and unbounded streams (it would never end).
 */
export function checkBoundedScaleOut(job: PreparedJob): void {
  if (!job.config.exchange || !isBoundedJob(job)) return;
  const bounded = job.config.streams.filter((s) => s.kafka && s.source.type === 'BOUNDED');
  const other = job.config.streams.filter((s) => !(s.kafka && s.source.type === 'BOUNDED'));
  if (other.length > 0) {
    throw userError(
      `SOURCE_DETAILS: table ${bounded[0]!.table} is BOUNDED but ${other.map((st) => `table ${st.table} (${st.source.type} ${st.source.name})`).join(', ')} is not a bounded Kafka stream; ` +
        'a job scaled out (DIRK_TASKS / FLINK_PARALLELISM > 1, or DIRK_EXCHANGE_ENABLE) reads either only bounded Kafka streams or only unbounded ones',
      { key: 'SOURCE_DETAILS' },
    );
  }
  if (job.config.tasks <= 1) {
    throw userError(
      `DIRK_EXCHANGE_ENABLE with DIRK_TASKS / FLINK_PARALLELISM = ${job.config.tasks} makes this process one member of a multi-process job, but table ${bounded[0]!.table} is BOUNDED (SOURCE_DETAILS): ` +
        'a bounded job scales out only as the worker threads of one process, whose main thread sees every task reach the end. ' +
        'Set DIRK_TASKS (or FLINK_PARALLELISM) to the number of tasks and run one process, or unset DIRK_EXCHANGE_ENABLE to run it as one task',
      { key: 'DIRK_EXCHANGE_ENABLE' },
    );
  }
}

/** Every table the job's exchanges read, in stage and side order (each once). */
export function allSourceTables(ex: ExchangePlan): string[] {
  return [...new Set(ex.stages.flatMap((st) => st.sides.flatMap((side) => (side.sourceTable ? [side.sourceTable] : []))))];
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

/** The stream whose cluster, consumer group prefix and consumer settings the internal topics use: the first table read. */
export function primaryStream(job: PreparedJob, ex: ExchangePlan): StreamConfig {
  return streamOf(job, allSourceTables(ex)[0]!);
}

/** Tables with their topic patterns (sizing the internal topics). */
function sourcesOf(job: PreparedJob, tables: readonly string[]): { table: string; pattern: string }[] {
  return tables.map((table) => ({ table, pattern: streamOf(job, table).kafka!.topicPattern }));
}

/** The compacted topic the keyed operator's state per partition is kept in. */
export function changelogTopic(ex: ExchangeStagePlan): string {
  return ex.changelog;
}

/** The consumer group of a stage's downstream half: `<group>-<operator>-repartition` (and `-<n>` for later stages). */
export function exchangeGroupId(stream: StreamConfig, ex: ExchangeStagePlan): string {
  return `${stream.kafka!.groupId}-${ex.operator}-repartition${ex.index === 0 ? '' : `-${ex.index + 1}`}`;
}

/** The internal topics of every stage: repartition, then changelog. */
export function internalTopicNames(ex: ExchangePlan): string[] {
  return ex.stages.flatMap((st) => [st.topic, st.changelog]);
}

/** `dirk explain`: the exchanges, their internal topics and consumer groups. */
export function explainExchange(job: PreparedJob): string {
  const ex = jobExchange(job);
  const tasks = `tasks: ${job.config.tasks} in this process${job.config.exchange ? '; more processes of the job join the same consumer groups' : ''}\n`;
  if (!ex) {
    if (!job.config.exchange) return '';
    return ['', 'scale-out:', `  ${tasks.trimEnd()}`, ...explainBounded(job), '  no keyed operator: every task runs the whole plan on its partitions', ...explainScaleOutProcessors(job, false), ''].join('\n');
  }
  const stream = primaryStream(job, ex);
  const lines = ['', 'scale-out:', `  ${tasks.trimEnd()}`, ...explainBounded(job)];
  if (ex.stages.length > 1) lines.push(`  ${ex.stages.length} stages, one exchange each (a keyed operator over another one's output reads it through its own repartition topic)`);
  for (const st of ex.stages) lines.push(...explainStage(job, st, stream, ex));
  lines.push(...explainScaleOutProcessors(job, true));
  lines.push('  internal topics:');
  for (const st of ex.stages) {
    const join = st.sides.length > 1;
    lines.push(`    ${st.topic}  (repartition${join ? ', both sides tagged by side' : ''}; watermarks travel as control records to every partition)`);
    lines.push(`    ${st.changelog}  (changelog, compacted: the ${st.operatorKind}'s state per partition, written at each checkpoint)`);
  }
  if (job.config.sinks.some((k) => k.type === 'kafka' && k.deliveryGuarantee === 'EXACTLY_ONCE')) {
    lines.push(`  exactly-once: one transaction per task and checkpoint (output, repartition and changelog records, ${ex.stages.length > 1 ? 'every group\'s' : 'both groups\''} offsets); transactional id <id>-task-<i>`);
  } else if (ex.stages.length > 1) {
    lines.push('  at-least-once: after a failure, what a stage re-reads since the last checkpoint it may write again, and the stage above applies it twice (set SINK_KAFKA_DELIVERY_GUARANTEE=EXACTLY_ONCE for exact results)');
  }
  lines.push('');
  return lines.join('\n');
}

/** A bounded job scaled out: how its run ends (explain). */
function explainBounded(job: PreparedJob): string[] {
  if (!isBoundedJob(job) || job.config.tasks <= 1) return [];
  return [
    `  bounded: partition p of every topic read by task p mod ${job.config.tasks} (none moves), to the end offsets found at start; each split's end crosses every exchange as a +infinity watermark; dirk run exits when every task's output has ended`,
  ];
}

/** One stage's lines for explain. */
function explainStage(job: PreparedJob, st: ExchangeStagePlan, stream: StreamConfig, ex: ExchangePlan): string[] {
  const chained = ex.stages.length > 1;
  const keysOf = (side: ExchangeSide): string =>
    side.keys.length
      ? // Over the upstream rows (a two-phase side's table is the partial rows' layout).
        side.keys.map((k) => printExpr(k, side.upstream ? side.upstream.root.fields.filter((_, i) => i !== side.offsetIndex) : side.table.columns)).join(', ')
      : '(none: one partition takes every row)';
  const join = st.sides.length > 1;
  const into = st.into;
  const side = into && ex.stages[into.stage]!.sides.length > 1 ? `, ${into.side === 0 ? 'left' : 'right'} side` : '';
  const head = chained ? [`  stage ${st.index + 1}${into ? ` (feeds stage ${into.stage + 1}${side})` : " (the job's output)"}:`] : [];
  const exchanges = join
    ? st.sides.map((side, i) => `  Exchange[hash(${keysOf(side)})] ${i === 0 ? 'left' : 'right'} side of ${st.operatorKind}, tagged ${i === 0 ? 'left' : 'right'}`)
    : st.local
      ? [
          `  LocalWindowAggregate[${st.local.window.type} panes, per source batch; keys ${keysOf(st)}; ${st.local.aggs.map((a) => a.name).join(', ')}] upstream`,
          `  Exchange[hash(${keysOf(st)})] of partial aggregates before GlobalWindowAggregate (merges them)`,
        ]
      : [`  Exchange[hash(${keysOf(st)})] before ${st.operatorKind}`];
  const upstreams = st.sides.map((side) =>
    side.sourceTable
      ? `    upstream: table ${side.sourceTable} (group ${streamOf(job, side.sourceTable).kafka!.groupId}) -> internal topic ${st.topic} (partitions = the sources' most)`
      : `    upstream: stage ${side.from! + 1}'s output (its changelog: row kinds travel) -> internal topic ${st.topic}`,
  );
  return [
    ...head,
    ...exchanges.map((x) => (chained ? `  ${x}` : x)),
    ...(st.phases ? [`    aggregation: ${st.phases}`] : []),
    ...[...new Set(upstreams)],
    `    downstream: ${st.topic} (group ${exchangeGroupId(stream, st)}) -> ${st.local ? 'GlobalWindowAggregate' : st.operatorKind}${join ? ' (both sides of a key in one partition)' : ''} and the rest of ${st.into ? 'its stage' : 'the plan'}, one instance per partition`,
  ];
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
  const stream = primaryStream(job, ex);
  const kafka = stream.kafka!;
  const client = createKafkaClient({ brokers: kafka.bootstrapServers, clientId: `dirk-${job.config.jobId}-topics`.replace(/[^A-Za-z0-9._-]/g, '_'), security: kafka.security, logger });
  const admin = client.admin();
  try {
    await admin.connect();
    const topics: Awaited<ReturnType<typeof describeExchangeTopics>> = [];
    for (const st of ex.stages) topics.push(...(await describeExchangeTopics(admin, sourcesOf(job, allSourceTables(ex)), st.topic, st.changelog)));
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

/** One stage's downstream half and the writer of its repartition topic. */
export interface OpenedStage {
  readonly plan: ExchangeStagePlan;
  /** The repartition topic (its input's table name). */
  readonly table: string;
  readonly stream: StreamConfig;
  readonly source: Source;
  readonly stage: ExchangeStage;
  /** Writes this stage's repartition topic (fed by source tables' upstream halves and stages below). */
  readonly writer: ExchangeWriter;
  /** The stage's state per partition, written at checkpoints and read when a partition moves here. */
  readonly changelog: Changelog;
  /** The repartition topic's partition count. */
  readonly partitions: number;
}

export interface OpenedExchange {
  /** Every upstream half as one dataflow for deliveries and checkpoints (the stages' state is their own). */
  readonly dataflow: Dataflow;
  /**
   * Each source table's input: offsets tagged, rows through the upstream half of every side reading the
   * table (in any stage) into that stage's writer.
   */
  readonly upstreams: ReadonlyMap<string, { readonly ports: readonly { push(rows: Row[]): void }[]; readonly pre: InputStage }>;
  /** Every stage (the one whose output is the job's first), each a repartition topic's input. */
  readonly stages: readonly OpenedStage[];
  /** Sets a source table's watermark promise (once that input's watermark tracker exists). */
  promiseOf(table: string, promise: () => Promise_): void;
  /** A source table's partitions after a rebalance (in the delivery lock, before their batches): two-phase decides where partials may start. */
  upstreamAssigned(table: string, splits: readonly string[]): Promise<void>;
  /**
   * Exactly-once, at the barrier: every stage's held output goes on (a stage's into the writer of the stage
   * above it, which then reports the watermark those rows are complete up to).
   */
  release(): void;
  /** Everything written to the repartition topics so far, acknowledged (a checkpoint covers it). */
  flush(): Promise<void>;
  /** Rows written to the repartition topics and not yet acknowledged. */
  pending(): number;
  /** The periodic watermark report of every writer (also when no input arrives). */
  report(): void;
  /** Every stage's partition states, as captured with checkpoint `c`, to its changelog topic. */
  writeChangelogs(states: (stage: OpenedStage) => ReadonlyMap<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

/** What a task can promise: no row below `wm` will come from it for `splits`. */
type Promise_ = { readonly wm: number; readonly splits: readonly string[] };

/**
 * A writer's promise over what feeds it: with one feeder, its own; with several (a join's sides), the
 * lowest watermark over every feeder's splits, source splits named `<table>|<split>` (two tables may read
 * one topic; a stage's splits are repartition partitions, unique already).
 */
function combinedPromise(feeders: readonly { readonly tag?: string; readonly get: () => Promise_ | undefined }[]): Promise_ {
  if (feeders.length === 1) return feeders[0]!.get() ?? { wm: -Infinity, splits: [] };
  let wm = Infinity;
  const splits: string[] = [];
  for (const f of feeders) {
    const p = f.get();
    if (!p || p.splits.length === 0) continue;
    wm = Math.min(wm, p.wm);
    for (const x of p.splits) splits.push(f.tag ? `${f.tag}|${x}` : x);
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

/** A stage's metric callbacks (labelled by its repartition topic). */
export interface ExchangeCallbacks {
  readonly onRowsOut?: (n: number) => void;
  readonly onDuplicates?: (n: number) => void;
  /** Two-phase partials taken over rows already taken (a zombie writer; see ExchangeStage.takePartial). */
  readonly onOverlap?: (n: number) => void;
  readonly onPartitions?: (n: number) => void;
  readonly onRestoring?: (pending: number) => void;
  readonly onRestoredBytes?: (bytes: number) => void;
}

export interface ExchangeContext {
  readonly job: PreparedJob;
  readonly exchange: ExchangePlan;
  readonly output: Output;
  readonly dataflowOptions: DataflowOptions;
  readonly logger: Logger;
  readonly task: number;
  /** Each stage's metric callbacks, by its repartition topic. */
  readonly metrics?: (topic: string) => ExchangeCallbacks;
  /**
   * Exactly-once: the sink's transactions. Repartition and changelog records go into the sink's open
   * transaction, and each stage's output is held per partition until the checkpoint.
   */
  readonly transactions?: SinkTransactions | undefined;
  /** One task of a bounded run scaled out (see BoundedExchange). */
  readonly bounded?: BoundedExchange | undefined;
}

/**
 * A bounded run scaled out: every group deals its partitions out by task (none moves during the run), the
 * repartition topics are read from where they ended when the run started (`starts`, per topic and partition;
 * a partition not named starts at 0), and no state is read from or written to the changelog topics: the run
 * computes everything from its bounded input, as one task would. A partition that moves anyway is reported
 * to `onMoved` (the job fails).
 */
export interface BoundedExchange {
  readonly assignment: TaskAssignment;
  readonly starts: Readonly<Record<string, readonly number[]>>;
  readonly onMoved: (topic: string, split: string) => void;
}

interface Upstream {
  readonly table: string;
  readonly dataflow: Dataflow;
  readonly writer: ExchangeWriter;
}

/** Each source table's input: offsets tagged, rows through every upstream half reading the table, into their writers. */
function upstreamInputs(ups: readonly Upstream[]): Map<string, { ports: { push(rows: Row[]): void }[]; pre: InputStage }> {
  const upstreams = new Map<string, { ports: { push(rows: Row[]): void }[]; pre: InputStage }>();
  for (const table of new Set(ups.map((u) => u.table))) {
    const mine = ups.filter((u) => u.table === table);
    // A self-join's table, or a table several stages read, feeds several upstream halves.
    const ports = mine.flatMap((u) => u.dataflow.inputs.filter((i) => i.table === table));
    const writers = [...new Set(mine.map((u) => u.writer))];
    upstreams.set(table, {
      ports: [
        {
          push(rows: Row[]) {
            // Writers take the offset column out of the rows they are given: each further half gets copies.
            const copies = ports.slice(1).map(() => rows.map((r) => r.slice()));
            ports.forEach((p, i) => p.push(i === 0 ? rows : copies[i - 1]!));
            for (const writer of writers) {
              writer.end();
              // Per batch, not only when the upstream plan's watermark moves: that one waits for every
              // assigned split, the promise only for those delivered from.
              writer.report(false);
            }
          },
        },
      ],
      pre: {
        async process(rows: Row[], _origin?: string, batch?: SourceBatch) {
          for (const writer of writers) writer.begin(batch?.split ?? '');
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

/** Every upstream half, and the stages' batch ends and state sizes, as one dataflow for deliveries and checkpoints. */
function exchangeDataflow(ups: readonly Upstream[], stages: readonly OpenedStage[]): Dataflow {
return {
    inputs: ups.flatMap((up) => up.dataflow.inputs),
    operators: ups.flatMap((up) => up.dataflow.operators),
    batchEnd() {
      for (const up of ups) up.dataflow.batchEnd();
      for (const s of stages) s.stage.batchEnd();
    },
    async settle() {
      for (const up of ups) await up.dataflow.settle();
      for (const s of stages) await s.stage.settle();
    },
    // One list over every side's operators (with one side, the shape of checkpoints written before joins).
    snapshot: () => ups.flatMap((up) => up.dataflow.snapshot()),
    restore: (s) => {
      let at = 0;
      for (const up of ups) {
        up.dataflow.restore(s.slice(at, at + up.dataflow.operators.length));
        at += up.dataflow.operators.length;
      }
    },
    stateEntries: () => ups.reduce((n, up) => n + up.dataflow.stateEntries(), 0) + stages.reduce((n, s) => n + s.stage.stateEntries(), 0),
    close: async () => {
      await Promise.all(ups.map((up) => up.dataflow.close()));
    },
  };
}

/** The stages' instances, each writing to the job's output or to the writer of the stage above it. */
function attachStages(c: ExchangeContext, stages: OpenedStage[]): void {
  const { job, exchange: ex, logger } = c;
  ex.stages.forEach((st, i) => {
    const m = c.metrics?.(st.topic) ?? {};
    const into = st.into ? stages[st.into.stage]!.writer : undefined;
    const output = into ? into.side(st.into!.side) : c.output;
    const stage = new ExchangeStage({
      // Changelog partition p holds the state of repartition partition p (split ids name the latter). A
      // bounded run starts from nothing: its partitions never move.
      ...(c.bounded ? { onMoved: (split: string) => c.bounded!.onMoved(st.topic, split) } : { fetchState: (splits: readonly string[]) => stages[i]!.changelog.read(splits) }),
      build: (out) => buildDataflow(st.downstream, out, c.dataflowOptions),
      ...(st.sides.length > 1 ? { sideTables: st.sides.map((side) => side.table.name) } : {}),
      ...(st.local ? { local: st.local } : {}),
      ...(m.onOverlap ? { onOverlap: m.onOverlap } : {}),
      output,
      // Exactly-once: a partition's output waits for the checkpoint, so a partition revoked before it is
      // dropped with its state (the new owner re-emits it from the changelog's state).
      holdOutput: c.transactions !== undefined,
      idleTimeoutMs: job.config.watermark.idleTimeoutMs,
      logger,
      ...(m.onDuplicates ? { onDuplicates: m.onDuplicates } : {}),
      ...(m.onPartitions ? { onPartitions: m.onPartitions } : {}),
      // A stage below another: what each batch emitted goes out to the stage above (and its watermark).
      ...(into ? { afterBatch: () => (into.end(), into.report(false)) } : {}),
    });
    stages[i] = { ...stages[i]!, stage };
  });
}

export async function openExchange(c: ExchangeContext): Promise<OpenedExchange> {
  const { job, exchange: ex, logger } = c;
  const stream = primaryStream(job, ex);
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
    const tx = c.transactions?.sender;
    if (c.transactions && !tx) throw userError('SINK_KAFKA_DELIVERY_GUARANTEE=EXACTLY_ONCE with scale-out: the sink cannot take the repartition records into its transaction');
    if (!tx) {
      producer = client.producer({ allowAutoTopicCreation: false });
      await producer.connect();
    }
    const sender = tx ?? producer!;
    const promises = new Map<string, () => Promise_>();
    const all = sourcesOf(job, allSourceTables(ex));
    const stages: OpenedStage[] = [];
    const ups: Upstream[] = [];
    const gates = new Map<string, PartialsGate[]>();
    for (const st of ex.stages) {
      const tables = [...new Set(st.sides.flatMap((side) => (side.sourceTable ? [side.sourceTable] : [])))];
      const fed = st.sides.filter((side) => side.from !== undefined).length;
      const topics = await prepareExchangeTopics(admin, sourcesOf(job, tables), st.topic, st.changelog, { job: all, fed });
      const m = c.metrics?.(st.topic) ?? {};
      const join = st.sides.length > 1;
      // A bounded run: a split is read by one task only and the stage reads this run's records only, so
      // partials start at once (no earlier owner can have written the split's rows).
      const gate = st.local && !c.bounded ? new PartialsGate({ admin, topic: st.topic, logger }) : undefined;
      if (gate) for (const table of tables) gates.set(table, [...(gates.get(table) ?? []), gate]);
      const feeders = [
        ...tables.map((table) => ({ ...(join ? { tag: table } : {}), get: () => promises.get(table)?.() })),
        ...st.sides.flatMap((side) => (side.from === undefined ? [] : [{ get: () => stages[side.from!]?.stage.promise() }])),
      ];
      const writer = new ExchangeWriter({
        ...(st.local ? { local: st.local, ...(gate ? { partialsFrom: (split: string) => gate.from(split) } : {}) } : {}),
        producer: sender,
        topic: st.topic,
        partitions: topics.partitions,
        keys: st.keys,
        offsetIndex: st.offsetIndex ?? -1,
        ...(join ? { sides: st.sides.map((side) => ({ keys: side.keys, offsetIndex: side.offsetIndex ?? -1 })) } : {}),
        promise: () => combinedPromise(feeders),
        intervalMs: job.config.watermark.intervalMs,
        totalSplits: topics.sourceSplits,
        logger,
        ...(m.onRowsOut ? { onRows: m.onRowsOut } : {}),
      });
      st.sides.forEach((side, i) => {
        if (side.upstream) ups.push({ table: side.sourceTable!, writer, dataflow: buildDataflow(side.upstream, join ? writer.side(i) : writer, c.dataflowOptions) });
      });
      const groupId = exchangeGroupId(stream, st);
      const changelog = new Changelog({
        kafka: client,
        admin,
        producer: sender,
        topic: topics.changelog,
        groupId,
        logger,
        ...(m.onRestoring ? { onRestoring: m.onRestoring } : {}),
        ...(m.onRestoredBytes ? { onRestoredBytes: m.onRestoredBytes } : {}),
      });
      const source = createKafkaSource({
        table: st.topic,
        topicPattern: st.topic.replace(/[.]/g, '\\.'),
        brokers: kafka.bootstrapServers,
        groupId,
        autoOffsetReset: 'earliest',
        security: kafka.security,
        clientId: `${clientId}-in${st.index === 0 ? '' : `-${st.index + 1}`}`,
        decoder: exchangeDecoder,
        badRecords: { mode: 'FAIL' },
        logger: logger.child({ exchange: st.topic }),
        largeMessage: true,
        // The stream's consumer settings (session timeout, heartbeats) hold for the downstream group too.
        consumerProperties: kafka.additional,
        ...(c.bounded ? { taskAssignment: c.bounded.assignment } : {}),
      });
      if (c.bounded) {
        // This run's records only: each partition from where the topic ended when the run started.
        const from = c.bounded.starts[st.topic] ?? [];
        source.seek?.(Object.fromEntries(Array.from({ length: topics.partitions }, (_, p) => [`${st.topic}:${p}`, String(from[p] ?? 0)])));
      }
      stages.push({ plan: st, table: st.topic, stream: { ...stream, table: st.topic }, source, stage: undefined as unknown as ExchangeStage, writer, changelog, partitions: topics.partitions });
      logger.info(
        `scale-out: ${st.operatorKind} reads through ${st.topic}${join ? ' (both sides)' : ''} (${topics.partitions} partitions; ${fed > 0 ? 'splits' : 'source splits'} ${topics.sourceSplits})${st.phases ? `; ${st.phases}` : ''}${st.into ? `; its output goes to ${ex.stages[st.into.stage]!.topic}` : ''}`,
      );
    }
    attachStages(c, stages);
    const writers = stages.map((s) => s.writer);
    const dataflow = exchangeDataflow(ups, stages);
    if (stages.length > 1 && !c.transactions) {
      logger.warn(
        `scale-out: ${stages.length} stages at-least-once: after a failure a stage writes what it re-reads since its last checkpoint again, and the stage above applies it twice; set SINK_KAFKA_DELIVERY_GUARANTEE=EXACTLY_ONCE for exact results`,
      );
    }
    return {
      dataflow,
      upstreams: upstreamInputs(ups),
      stages,
      promiseOf: (table, promise) => void promises.set(table, promise),
      upstreamAssigned: async (table, splits) => {
        // Partials held for splits that moved away are dropped with their positions (the new owner re-reads
        // those rows from the committed offset); the kept splits' go out before the gate moves any bound.
        for (const up of ups) if (up.table === table) up.writer.endPartials(new Set(splits));
        for (const gate of gates.get(table) ?? []) await gate.assigned(splits);
      },
      release: () => {
        for (const s of stages) s.stage.release();
        // The released rows' watermark follows them into the stage above (in the same transaction).
        for (const s of stages) if (s.plan.sides.some((side) => side.from !== undefined)) s.writer.report(true);
      },
      flush: async () => {
        for (const w of writers) await w.flush();
      },
      pending: () => writers.reduce((n, w) => n + w.pending(), 0),
      report: () => {
        for (const w of writers) w.report(true);
      },
      writeChangelogs: async (states) => {
        for (const s of stages) await s.changelog.write(states(s));
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
