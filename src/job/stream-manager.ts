import { startHeapGrowth } from '../core/heap-growth.js';
import { StatusSource } from './job-status.js';
import { checkpointMetricsCountingErrors, checkpointObserver, createJobSeries, errorDomain, operatorRecordCounter, outputLagTracker } from './job-metrics.js';
import { createHash } from 'node:crypto';
import { basename, join, resolve } from 'node:path';
import type { Sink, SinkMetrics, Source } from '../core/connector.js';
import { DirkError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { DataMessage, Field, Row, RowKind } from '../core/types.js';
import type { PlanNode } from '../plan/nodes.js';
import type { StreamConfig } from '../config/index.js';
import { sinkNames } from '../config/sinks.js';
import { CheckpointStore, type Checkpoint } from '../runtime/checkpoint-store.js';
import { startHeapGuard } from '../runtime/state/heap-guard.js';
import { createJdbcLookups } from '../connectors/jdbc/jdbc-lookup.js';
import { buildDataflow, type Dataflow, type DataflowOptions } from '../runtime/dataflow.js';
import { createKafkaProducers, sinkFor, sourceFor, type KafkaProducers } from '../connectors/index.js';
import { createTelemetry, startMetricsServer, type MetricsServer, type Telemetry } from '../telemetry/index.js';
import { explainPlan } from '../plan/printer.js';
import { createLateRecordOutput } from './late-records.js';
import { detectPassThrough, passThroughEncoder, rememberingDecoder, schemaChangeReporter, type PassThrough } from './pass-through.js';
import { outputColumns, streamDecoder, usedColumns, type PreparedJob } from './prepare.js';
import { markingDecoder, PreprocessorRunner, watchTransformerFolders } from '../processors/transformers/index.js';
import { startPostChain, type RunningPostChain } from '../processors/job.js';
import { createFanOutSink } from './fanout-sink.js';
import { WatermarkEmitter, WatermarkTracker } from './watermarks.js';
import { WatermarkAlignment, type AlignedInput } from './watermark-alignment.js';
import { CheckpointCoordinator, type CheckpointedInput, type CheckpointMetrics } from './checkpoint-coordinator.js';
import { JobHealth } from './health.js';
import { superviseRestarts } from './restarts.js';
import { Delivery, SerialLock, type DeliveryInput } from './delivery.js';
import { startUdfRuntime } from './udf-lifecycle.js';
import { UdfCallError } from '../udf/slots.js';
import { RowOriginTracker } from './row-origin.js';
import { SinkRecordError } from '../connectors/kafka/oversized-records.js';
import type { TaskAssignment } from '../connectors/kafka/subscription-assigner.js';
import { allSourceTables, jobExchange, openExchange, type BoundedExchange, type ExchangeCallbacks, type InputStage, type OpenedExchange, type OpenedStage } from './exchange/index.js';
import { checkScaleOutProcessors, tracedPreprocessor } from './exchange/processors.js';
import { userError } from '../core/errors.js';
import { memoryLogPeriod, startMemoryLog } from '../core/memory-log.js';

/**
 * The StreamManager: turns a prepared job into a running pipeline of sources -> dataflow -> sink, with
 * watermarks, metrics and checkpoints. Deliveries are serialised, so a checkpoint taken between them sees
 * every operator and every source position at one consistent point (an aligned barrier, trivially).
 */
export interface RunOptions {
  readonly logger: Logger;
  /** Where completed checkpoints live; default .dirk/checkpoints/<job id> under the working directory (`dirk run` passes one next to the job file). */
  readonly checkpointDir?: string;
  /** Where the log sink writes; default stdout. */
  readonly out?: NodeJS.WritableStream;
  /** Reload changed user UDF files in the running job (`--watch-udfs`); default: the config's UDF_WATCH. */
  readonly watchUdfs?: boolean;
  /** Called after each source batch is processed and flushed (benchmarks: batch latency). */
  readonly onBatch?: (ms: number, rows: number) => void;
  /**
   * A sink chosen by the embedding program (the library's code sink) instead of the one SINK_TYPE names;
   * the configured sink is then neither checked nor opened.
   */
  readonly sink?: { readonly name: string; create(columns: readonly Field[], metrics: SinkMetrics): Sink };
  /** This task's number when the process runs several (DIRK_TASKS / FLINK_PARALLELISM); 0 by default. */
  readonly task?: number;
  /** One task of a bounded run scaled out (src/cli/tasks.ts): how its partitions are dealt, and where it reports its end. */
  readonly bounded?: BoundedTaskRun;
}

/**
 * One task of a bounded job run as several worker threads. Partitions are dealt out by task; each split read
 * to its end crosses the exchange as +infinity; and after each checkpoint that covers newly ended units (the
 * output stage's partitions whose input has ended, or without an exchange the source splits read to their
 * end) the task reports every unit it has ended so far, so the main thread can stop every task once the
 * reports cover them all.
 */
export interface BoundedTaskRun {
  readonly assignment: TaskAssignment;
  /** Each repartition topic's end offsets when the run started (this run reads what comes after). */
  readonly starts: Readonly<Record<string, readonly number[]>>;
  readonly onEnded: (units: readonly string[], total: number) => void;
}

export interface RunningJob {
  /** Resolves when the job has ended: bounded input finished, or stop() completed. */
  readonly done: Promise<void>;
  /** Graceful stop: finish the batch in flight, checkpoint, commit, close. */
  stop(): Promise<void>;
  readonly metricsUrl: string | undefined;
  readonly telemetry: Telemetry;
}

/** One consumed stream: its source, the dataflow ports that read its table, and its watermarks. */
interface Input extends DeliveryInput, CheckpointedInput {
  readonly stream: StreamConfig;
  readonly source: Source;
  readonly watermarks: WatermarkEmitter;
  readonly table: string;
  /** The table's pre-processor (transformers before the SQL), or the exchange's stage, when it has one. */
  readonly pre: (InputStage & { readonly stages?: PreprocessorRunner['stages'] }) | undefined;
  /** Partitions assigned after a rebalance (the exchange's downstream builds an instance per partition). */
  readonly assigned?: (splits: readonly string[]) => Promise<void>;
  /** SOURCE_WATERMARK_ALIGNMENT_GROUP: held while its event time runs ahead of its group's (watermark-alignment.ts). */
  readonly aligned?: AlignedInput;
}

/** What `dirk validate` and the start of a run check before opening anything: the sink against the plan. */
export function validateSinkCompatibility(job: PreparedJob): void {
  const several = job.config.sinks.length > 1;
  // One transaction commits a checkpoint's output with its offsets: two transactional sinks cannot be atomic.
  if (job.config.sinks.filter((s) => s.type === 'kafka' && s.deliveryGuarantee === 'EXACTLY_ONCE').length > 1) {
    throw new DirkError('SINKS: SINK_KAFKA_DELIVERY_GUARANTEE=EXACTLY_ONCE is allowed on one Kafka sink of a job (one transaction commits a checkpoint); set the others to AT_LEAST_ONCE', { domain: 'user' });
  }
  job.config.sinks.forEach((sink, i) => {
    const { root, columns } = sinkInput(job, i);
    try {
      // Each sink receives the post-processor chain's columns when the job has one.
      sinkFor(sink).validate({
        columns,
        updating: root.updating,
        uniqueKey: root.uniqueKey,
        registry: job.registry,
        checkpointIntervalMs: job.config.checkpoint.intervalMs,
      });
    } catch (e) {
      // With SINKS, say which entry: the keys in the message are that entry's.
      if (several && e instanceof DirkError) throw new DirkError(`SINKS[${i}] (${sink.type}): ${e.message}`, { domain: e.domain, cause: e });
      throw e;
    }
  });
}

export function planFingerprint(job: PreparedJob): string {
  const hash = createHash('sha256').update(job.config.sqlQuery).update(explainPlan(job.plan));
  // Pre-processor state is restored per transformer position: another transformer list is another job.
  if (job.transformers.preprocessors.size > 0) hash.update(JSON.stringify(job.config.processors.preprocessorConfig));
  // Post-processor transformers keep state by position too.
  if (job.post) hash.update(job.post.explain());
  return hash.digest('hex').slice(0, 16);
}

/** What sink `i` receives: its INSERT's result in a statement set, else the job's output. */
function sinkInput(job: PreparedJob, i: number): { root: PlanNode; columns: readonly Field[] } {
  const b = job.branchSinks?.findIndex((indices) => indices.includes(i)) ?? -1;
  if (b >= 0) {
    const root = job.plan.branches![b]!.root;
    return { root, columns: root.fields };
  }
  return { root: job.plan.root, columns: outputColumns(job) };
}

/**
 * The job's sink: its one sink, or a fan-out over every SINKS entry (src/job/fanout-sink.ts). In a statement
 * set every SINKS entry is a member too (flushed, opened, closed and checkpointed together), and `branches`
 * writes each INSERT's rows to its own members only.
 */
async function createSinks(
  job: PreparedJob,
  telemetry: Telemetry,
  logger: Logger,
  task: number,
  out?: NodeJS.WritableStream,
  passThrough?: PassThrough,
  origin?: RowOriginTracker,
): Promise<{ sink: Sink; branches?: ((batch: DataMessage) => void)[] }> {
  const names = sinkNames(job.config.sinks);
  if (job.config.sinks.length === 1 && !job.branchSinks) return { sink: await createSink(job, 0, names[0]!, telemetry, logger, task, out, passThrough, origin) };
  const members: { name: string; sink: Sink }[] = [];
  // One at a time, in SINKS order (each may load its connector's module first).
  for (const [i, name] of names.entries()) members.push({ name, sink: await createSink(job, i, name, telemetry, logger.child({ sink: name }), task, out, undefined, origin) });
  const sink = createFanOutSink(members);
  if (!job.branchSinks) return { sink };
  const branches = job.branchSinks.map((indices) => (batch: DataMessage) => {
    for (const i of indices) members[i]!.sink.write(batch);
  });
  return { sink, branches };
}

function createSink(job: PreparedJob, index: number, name: string, telemetry: Telemetry, logger: Logger, task: number, out?: NodeJS.WritableStream, passThrough?: PassThrough, origin?: RowOriginTracker): Promise<Sink> {
  const { root, columns } = sinkInput(job, index);
  return sinkFor(job.config.sinks[index]!).create({
    columns,
    updating: root.updating,
    uniqueKey: root.uniqueKey,
    registry: job.registry,
    checkpointIntervalMs: job.config.checkpoint.intervalMs,
    jobId: job.config.jobId,
    name,
    logger,
    metrics: telemetry.sinkMetrics(name),
    lateRecordsDropped: telemetry.sinkLateRecordsDropped(name),
    telemetry,
    out,
    wrapValueEncoder: passThrough ? (encoder) => passThroughEncoder(encoder, passThrough.bytes) : undefined,
    origin: origin?.get,
    recordsRouted: telemetry.sinkRecordsRouted(name),
    transactionCounters: telemetry.sinkTransactions(name),
    // Scaled out, every task has its own transactional producer (and id).
    task: job.config.exchange ? task : undefined,
  });
}

function createSource(
  job: PreparedJob,
  stream: StreamConfig,
  logger: Logger,
  producers: KafkaProducers,
  telemetry?: Telemetry,
  passThrough?: PassThrough,
  taskAssignment?: TaskAssignment,
): Promise<Source> {
  const bound = sourceFor(stream);
  bound.validate();
  const pass = passThrough?.table === stream.table ? passThrough : undefined;
  const onSchemaChange = telemetry ? schemaChangeReporter(stream.table, telemetry, logger, pass !== undefined) : undefined;
  const pre = job.transformers.preprocessors.get(stream.table);
  const plain = streamDecoder(job, stream.table, onSchemaChange ? { onSchemaChange } : {});
  // With an InvalidRecordFilterTransformer, undecodable records become marked rows for the filter to drop.
  const decodeErrors = telemetry?.sourceMetrics(stream.table).decodeErrors;
  const decoded =
    pre?.filtersInvalidRecords && stream.badRecordPolicy.mode !== 'DEAD_LETTER' ? markingDecoder(plain, pre.decoded.columns.length, () => decodeErrors?.inc()) : plain;
  return bound.create({
    decoder: pass ? rememberingDecoder(decoded, pass.bytes) : decoded,
    // A pre-processed table is produced (datagen) with its decoded columns; the SQL sees the pre-processor's output.
    schema: pre?.decoded ?? job.tables.get(stream.table)!.schema,
    registry: job.registry,
    logger,
    producers,
    usedColumns: usedColumns(job, stream.table),
    ...(telemetry ? { telemetry } : {}),
    ...(taskAssignment ? { taskAssignment } : {}),
  });
}

type Closers = { what: string; close: () => Promise<void> | void }[];

/** Registers `resource` to be closed with the pipeline (under the name `what`) and returns it. */
function closeWith<T extends { close(): Promise<void> | void }>(closers: Closers, what: string, resource: T): T {
  closers.push({ what, close: () => resource.close() });
  return resource;
}

/** Closes what was opened, in reverse order, logging (not throwing) a failure to close. */
async function closeEach(closers: Closers, logger: Logger): Promise<void> {
  for (const c of closers.splice(0).reverse()) {
    try {
      await c.close();
    } catch (e) {
      logger.warn(`closing ${c.what} failed: ${(e as Error).message}`);
    }
  }
}

/**
 * Starts the job: what lives as long as the job (schema registry, telemetry, metrics server, health), then
 * the pipeline, which is closed and reopened from the last checkpoint after an external failure within the
 * FLINK_RESTART_* budget (src/job/restarts.ts).
 */
export async function startJob(job: PreparedJob, options: RunOptions): Promise<RunningJob> {
  const { config } = job;
  const logger = options.logger;
  const outer: Closers = [{ what: 'the schema registry', close: () => job.registry?.close() }];
  // DIRK_MEMORY_LOG_MS: a periodic memory line on stderr while the job runs (docs/deployment.md).
  const memoryEvery = memoryLogPeriod();
  const memoryLog = memoryEvery === undefined ? undefined : startMemoryLog(memoryEvery);
  if (memoryLog) outer.push({ what: 'the memory log', close: () => memoryLog.stop() });
  // DIRK_HEAP_GROWING_PERCENT: full collections sooner while the heap is small (src/core/heap-growth.ts).
  const heapGrowth = startHeapGrowth(config.heapGrowingPercent);
  outer.push({ what: 'the heap growth setting', close: () => heapGrowth.stop() });
  try {
    // Tasks of one process share its /metrics: their series carry task="<i>".
    const telemetry = createTelemetry({ jobId: config.jobId, ...(options.task !== undefined ? { defaultLabels: { task: String(options.task) } } : {}) });
    telemetry.jobInfo({ sinkType: options.sink?.name ?? config.sinks.map((c) => c.type).join('+') });
    createJobSeries(telemetry, job);
    telemetry.processStats();
    const health = new JobHealth({ unreachableMs: config.metrics.healthUnreachableMs, checkpointFailures: config.metrics.healthCheckpointFailures });
    const status = new StatusSource();
    let metricsServer: MetricsServer | undefined;
    if (config.metrics.enabled) {
      const server = await startMetricsServer({
        host: config.metrics.host,
        port: config.metrics.port,
        telemetry,
        status: () => status.get(),
        healthy: () => health.report(),
      });
      metricsServer = server;
      outer.push({ what: 'the metrics server', close: () => server.close() });
      logger.info(`metrics at ${new URL('/metrics', server.url).href}`);
    }
    const shared: SharedParts = { telemetry, metricsServer, status, health };
    const start = async (): Promise<RunningJob> => {
      // What one pipeline opens, closed in reverse order when it fails to start (and when it ends), so a job
      // that cannot start exits promptly instead of hanging on a producer, a server or a watcher.
      const closers: Closers = [];
      try {
        return await runJob(job, options, closers, (l) => closeEach(closers, l), shared);
      } catch (e) {
        await closeEach(closers, logger);
        throw e;
      }
    };
    const running = await superviseRestarts({
      start,
      restart: config.restart,
      logger,
      telemetry,
      metricsUrl: metricsServer?.url,
      health,
      close: () => closeEach(outer, logger),
    });
    if (memoryLog) running.done.then(() => memoryLog.stop(), () => memoryLog.stop());
    return running;
  } catch (e) {
    await closeEach(outer, logger);
    throw e;
  }
}

/** What outlives a restart of the pipeline. */
interface SharedParts {
  readonly telemetry: Telemetry;
  readonly metricsServer: MetricsServer | undefined;
  /** What GET /status reports, filled in by each pipeline. */
  readonly status: StatusSource;
  readonly health: JobHealth;
}

/**
 * How often the processing-time clock is looked at when the query has processing-time windows: a window
 * fires at most this long after the wall clock passed its end.
 */
const PROCESSING_TIME_TICK_MS = 100;

/** What runs while the job runs: everything start-up opened, in the order it is wired. */
interface Pipeline {
  readonly telemetry: Telemetry;
  readonly udfs: Awaited<ReturnType<typeof startUdfRuntime>>;
  readonly metricsServer: MetricsServer | undefined;
  readonly sink: Sink;
  readonly lateOutput: ReturnType<typeof createLateRecordOutput>;
  readonly dataflow: Dataflow;
  readonly origin: RowOriginTracker;
  readonly inputs: Input[];
  /** What GET /status reports, filled in once the pipeline runs. */
  readonly status: StatusSource;
  /** Longbow, post-processors and post transformers between the SQL and the sink, when the job has them. */
  readonly post: RunningPostChain | undefined;
  /** Operator metric labels by position (for the state size gauges). */
  readonly operatorLabels: readonly string[];
  /** The repartitioning exchange, when the job runs scaled out with a keyed operator. */
  readonly exchange: OpenedExchange | undefined;
  /** Watermark alignment of the streams that name a SOURCE_WATERMARK_ALIGNMENT_GROUP, when any does. */
  readonly alignment: WatermarkAlignment | undefined;
}

/** Opens telemetry, UDFs, the metrics server, the sink, the side outputs, the dataflow and the sources. */
/** Where failures found inside the pipeline go; runJob points it at stopWith. */
interface PipelineFailures {
  /** A post-processor stage failed, or (bounded run scaled out) a partition moved. */
  post: (e: unknown) => void;
}

async function openPipeline(job: PreparedJob, options: RunOptions, closers: Closers, failures: PipelineFailures, shared: SharedParts): Promise<Pipeline> {
  const { config } = job;
  const logger = options.logger;
  if (!options.sink) validateSinkCompatibility(job);
  const { telemetry, metricsServer, status } = shared;
  // Every function the plan uses is opened before the first record (and closed when the job ends).
  const udfs = await startUdfRuntime(job, { telemetry, logger, watch: options.watchUdfs ?? config.udf.watch });
  closers.push({ what: 'the UDFs', close: () => udfs.close() });

  // Names the input of a row the sink cannot write (SINK_KAFKA_ERROR_POLICY).
  const origin = new RowOriginTracker();
  // Post-processors change the columns: the original bytes cannot stand for the output.
  const exchangePlan = jobExchange(job);
  // Scaled out, every task runs the pre- and post-processors on its share; one that keeps state is refused.
  checkScaleOutProcessors(job, exchangePlan !== undefined);
  if (exchangePlan) for (const table of allSourceTables(exchangePlan)) checkExactlyOnceExchange(job, table);
  const passThrough = options.sink || job.post || exchangePlan || job.plan.branches ? undefined : detectPassThrough(job);
  if (passThrough) logger.info(`pass-through job: records of table ${passThrough.table} reach the sink as their original bytes (fields unknown to the job are kept)`);
  if (options.sink && job.plan.branches) throw userError('a statement set (several INSERT INTO) writes the sinks its SINKS entries name; it cannot run into a code sink');
  const sinks = options.sink
    ? { sink: options.sink.create(outputColumns(job), telemetry.sinkMetrics(options.sink.name)) }
    : await createSinks(job, telemetry, logger, options.task ?? 0, options.out, passThrough, origin);
  const sink = sinks.sink;
  // Registered before open(): a sink that fails half-way through opening still lets go of what it holds.
  closers.push({ what: 'the sink', close: () => sink.close() });
  await sink.open();
  // One producer (per cluster) for the job's side outputs: dead letters and late records. Closed last.
  const producers = createKafkaProducers({ clientId: `dirk-${config.jobId}-side-output`.replace(/[^A-Za-z0-9._-]/g, '_'), logger });
  closers.push({ what: 'the side-output producer', close: () => producers.close() });
  const lateOutput = createLateRecordOutput({
    streams: config.streams,
    logger,
    lateRecords: (table) => telemetry.lateRecords(table),
    producers,
  });
  closers.push({ what: 'the late-record output', close: () => lateOutput.close() });
  await lateOutput.open();
  const write = (rows: Row[], kinds?: RowKind[]): void => sink.write(kinds ? { kind: 'data', rows, rowKinds: kinds } : { kind: 'data', rows });
  // Longbow, external/internal post-processors and post transformers run between the SQL and the sink;
  // a failing stage stops the job through the hook runJob sets.
  const post = job.post ? await startPostChain(job, { logger, telemetry, write, onError: (e) => failures.post(e) }) : undefined;
  if (post) closers.push({ what: 'the post-processors', close: () => post.close() });
  const operatorLabels: string[] = [];
  const outputLag = outputLagTracker(telemetry, job.plan.branches ? undefined : (passThrough?.plan ?? job.plan).root.rowtimeIndex);
  closers.push({ what: 'the output lag gauge', close: () => outputLag.close() });
  const output = {
    data: (rows: Row[], kinds?: RowKind[]) => (outputLag.rows(rows), post ? post.push(rows, kinds) : write(rows, kinds)),
    watermark: (time: number) => (outputLag.watermark(time), post?.watermark(time)),
  };
  // A statement set: each INSERT's rows to its own sinks (the output lag follows the shared watermark).
  const outputs = sinks.branches?.map((writeBranch) => ({
    data: (rows: Row[], kinds?: RowKind[]) => writeBranch(kinds ? { kind: 'data', rows, rowKinds: kinds } : { kind: 'data', rows }),
    watermark: (time: number) => outputLag.watermark(time),
  }));
  // Lookup joins' database clients (a pool per lookup join), closed with the pipeline.
  const lookups = closeWith(closers, 'the lookup tables', createJdbcLookups());
  const dataflowOptions: DataflowOptions = {
    lookups: lookups.clients,
    hooks: { late: (rows, info) => lateOutput.late(rows, info) },
    retentionMs: config.retentionIdleStateMinutes * 60_000,
    now: Date.now,
    countRecords: operatorRecordCounter(telemetry, operatorLabels),
    reuseSubPlans: config.reuseSubPlans,
  };
  let exchange: OpenedExchange | undefined;
  if (exchangePlan) {
    const ex = await openExchange({
      job,
      exchange: exchangePlan,
      output,
      dataflowOptions,
      logger,
      task: options.task ?? 0,
      metrics: (topic) => exchangeCallbacks(telemetry, topic),
      // Exactly-once: repartition and changelog records commit in the sink's transaction.
      transactions: sink.transactions,
      bounded: boundedExchange(options, failures),
    });
    exchange = ex;
    closers.push({ what: 'the exchange', close: () => ex.close() });
  }
  const dataflow = exchange?.dataflow ?? buildDataflow(passThrough?.plan ?? job.plan, outputs ?? output, { ...dataflowOptions, offHeap: offHeapOptions(job, options, exchange !== undefined) });
  closers.push({ what: 'the operator state', close: () => dataflow.close() });
  logStateBackend(job, dataflow, logger);
  // A lookup table that cannot be read stops the job before the first record, naming the table.
  await lookups.check();

  const inputs: Input[] = [];
  const alignment = config.streams.some((st) => st.watermarkAlignment) ? new WatermarkAlignment(config.watermark.idleTimeoutMs) : undefined;
  for (const stream of config.streams) {
    const schema = job.tables.get(stream.table)!.schema;
    const ports = dataflow.inputs.filter((i) => i.table === schema.name);
    if (ports.length === 0) {
      logger.warn(`table ${stream.table} is not read by the query; its stream is not consumed`);
      continue;
    }
    const tracker = new WatermarkTracker(config.watermark.delayMs, config.watermark.perPartition, config.watermark.idleTimeoutMs);
    const lag = telemetry.watermarkLagMs(stream.table);
    const pre = job.transformers.preprocessors.get(stream.table);
    const runner = pre ? new PreprocessorRunner(pre) : undefined;
    if (runner) {
      closers.push({ what: `the pre-processor of ${stream.table}`, close: () => runner.close() });
      await runner.open({ logger, telemetry, registry: job.registry, now: Date.now });
    }
    const source = await createSource(job, stream, logger, producers, telemetry, passThrough, options.bounded?.assignment);
    // After the final checkpoint (closers run in reverse order, so before the sink and side outputs).
    closers.push({ what: `the source of ${stream.table}`, close: () => source.close?.() });
    const upstream = exchange?.upstreams.get(stream.table);
    if (upstream) exchange!.promiseOf(stream.table, () => tracker.delivered(Date.now()));
    // Watermarks follow the decoded records (Dagger assigns them at the source, before the pre-processor).
    const rowtimeIndex = (pre?.decoded ?? schema).rowtimeIndex;
    const aligned = stream.watermarkAlignment ? alignedInput(alignment!, stream, rowtimeIndex, tracker) : undefined;
    inputs.push({
      stream,
      table: stream.table,
      source,
      ports: upstream?.ports ?? ports,
      watermarks: new WatermarkEmitter(tracker, origin.ports(stream.table, ports), config.watermark.intervalMs, (ms) => lag.set(ms)),
      rowtimeIndex,
      ...(aligned ? { aligned } : {}),
      // Scaled out with a keyed operator: the pre-processor runs before the exchange's writer, rows traced to their offsets.
      pre: upstream ? (runner ? tracedPreprocessor(runner, upstream.pre) : upstream.pre) : runner,
      // Two-phase aggregation: where each newly assigned partition's partials may start (before its batches).
      ...(upstream ? { assigned: (splits: readonly string[]) => exchange!.upstreamAssigned(stream.table, splits) } : {}),
    });
  }
  // Each repartition topic's input: its stage routes each partition's batches to that partition's instance
  // of the keyed operator, which moves its own watermark (from the upstream tasks' control records).
  for (const down of exchange?.stages ?? []) {
    inputs.push({
      stream: down.stream,
      table: down.table,
      source: down.source,
      ports: [],
      watermarks: new WatermarkEmitter(new WatermarkTracker(0, false, 0), [], 0),
      rowtimeIndex: undefined,
      pre: down.stage,
      assigned: (splits) => down.stage.assign(splits),
    });
  }
  // User transformers reload with the UDFs (--watch-udfs / UDF_WATCH) when their output columns stay the same.
  if ((options.watchUdfs ?? config.udf.watch) && config.processors.transformerFolders.length > 0) {
    const stages = [...inputs.flatMap((i) => i.pre?.stages ?? []), ...(job.post?.stages ?? [])];
    const watcher = watchTransformerFolders(config.processors.transformerFolders, stages, job.transformers.job, logger);
    closers.push({ what: 'the transformer watcher', close: () => watcher.close() });
  }
  return { telemetry, udfs, metricsServer, sink, lateOutput, dataflow, inputs, status, post, origin, operatorLabels, exchange, alignment };
}

/** Every source stops (a stream held for watermark alignment is let go first, so its batch can end). */
async function stopSources(p: Pipeline): Promise<void> {
  p.alignment?.stop();
  await Promise.allSettled(p.inputs.map((i) => i.source.stop()));
}

/** A stream's place in its watermark alignment group; it needs event time to be aligned by. */
function alignedInput(alignment: WatermarkAlignment, stream: StreamConfig, rowtimeIndex: number | undefined, tracker: WatermarkTracker): AlignedInput {
  if (rowtimeIndex === undefined) {
    throw userError(`STREAMS[${stream.index}].SOURCE_WATERMARK_ALIGNMENT_GROUP: table ${stream.table} has no event-time column to align by (in a SQL script: a WATERMARK)`);
  }
  const { group, maxDriftMs } = stream.watermarkAlignment!;
  return alignment.join({ group, maxDriftMs, watermark: () => tracker.current(Date.now()) });
}

/** A task of a bounded run scaled out: how its exchange deals partitions and reads the repartition topics. */
function boundedExchange(options: RunOptions, failures: PipelineFailures): BoundedExchange | undefined {
  const b = options.bounded;
  if (!b) return undefined;
  return {
    assignment: b.assignment,
    starts: b.starts,
    // Partitions are dealt out by task and never move during a bounded run; one that does would lose or
    // double output: the job fails instead.
    onMoved: (topic, split) =>
      failures.post(
        userError(
          `partition ${split} of ${topic} moved away from task ${options.task ?? 0} during a bounded run (a task left the consumer group, or another process joined it): ` +
            'its output cannot be completed exactly; run the job again',
        ),
      ),
  };
}

/** Takes the final checkpoint after the heap guard tripped; the error to end the job with says how it went. */
async function finalCheckpoint(e: DirkError, take: () => Promise<void>, last: () => number | undefined, logger: Logger): Promise<DirkError> {
  const before = last();
  try {
    await take();
    const id = last();
    // A job whose inputs are all bounded keeps no checkpoints: it reads its input again.
    if (id === undefined) return userError(`${e.message}; the job's inputs are bounded, so no checkpoint is kept: a restart reads them again`);
    logger.info(`final checkpoint ${id} taken after the heap limit was reached`);
    return userError(`${e.message}; final checkpoint ${id} taken: a restart resumes from it`);
  } catch (c) {
    return userError(
      `${e.message}; the final checkpoint failed (${(c as Error).message}): ${before === undefined ? 'no checkpoint completed yet' : `a restart resumes from checkpoint ${before}`}`,
    );
  }
}

/** The job's checkpoint folder: as given to the run, or .dirk/checkpoints/<job id> in the working directory. */
function checkpointDirOf(job: PreparedJob, options: RunOptions): string {
  return options.checkpointDir ?? resolve('.dirk', 'checkpoints', job.config.jobId.replace(/[^A-Za-z0-9._-]/g, '_'));
}

/**
 * FLINK_STATE_BACKEND_TYPE=rocksdb: where the off-heap stores live. Not with the exchange (scale-out), whose
 * changelog carries the keyed state as records: its operators keep heap state.
 */
function offHeapOptions(job: PreparedJob, options: RunOptions, exchanged: boolean): DataflowOptions['offHeap'] {
  const b = job.config.stateBackend;
  if (b.type !== 'rocksdb' || exchanged) return undefined;
  const checkpointDir = checkpointDirOf(job, options);
  // An explicit folder is shared by jobs: each gets a subfolder named after its checkpoint folder.
  const localDir = b.localDir ? join(b.localDir, basename(checkpointDir)) : join(checkpointDir, 'state-local');
  return { localDir, cacheEntries: b.cacheEntries };
}

/** Says at start which state is off the heap and which is not (the rocksdb backend covers the GROUP BY only). */
function logStateBackend(job: PreparedJob, dataflow: Dataflow, logger: Logger): void {
  const b = job.config.stateBackend;
  if (b.type !== 'rocksdb') return;
  const off = dataflow.operators.filter((op) => op.offHeap).length;
  const heap = dataflow.operators.filter((op) => op.snapshot && !op.offHeap).map((op) => op.name);
  logger.info(
    `FLINK_STATE_BACKEND_TYPE=rocksdb: ${off === 0 ? 'no operator of this query keeps its state off the heap (only a non-windowed GROUP BY does, and not when scaled out)' : `the state of ${off} non-windowed GROUP BY operator(s) lives on disk in LMDB (not RocksDB: no RocksDB binding for Node ships its binary), ${b.cacheEntries.toLocaleString('en-US')} entries each cached on the heap`}` +
      (heap.length > 0 ? `; ${heap.join(', ')} keep${heap.length === 1 ? 's' : ''} state on the heap` : ''),
  );
}

/** The job's checkpoint coordinator over its folder, dataflow, inputs, stages and sink (src/job/checkpoint-coordinator.ts). */
function openCheckpoints(job: PreparedJob, options: RunOptions, p: Pipeline, health: JobHealth, stopWith: (e: unknown) => void): CheckpointCoordinator {
  const { config } = job;
  const { logger } = options;
  const { telemetry, inputs, sink } = p;
  const checkpointDir = checkpointDirOf(job, options);
  const store = new CheckpointStore(checkpointDir, {
    onUnreadable: (file, e) => logger.warn(`checkpoint file ${file} cannot be read (${e.message}); falling back to the previous checkpoint`),
  });
  return new CheckpointCoordinator({
    store,
    observe: checkpointObserver(telemetry, p.operatorLabels, store),
    checkpointDir,
    fingerprint: planFingerprint(job),
    dataflow: p.dataflow,
    inputs,
    // A job whose inputs are all bounded re-reads them from the start on every run: no checkpoints.
    bounded: inputs.every((i) => i.stream.source.type === 'BOUNDED'),
    // Rows still being looked up are part of what a checkpoint covers (as Flink's async operator drains).
    drain: p.post ? () => p.post!.settle() : undefined,
    stageState: {
      snapshot: () => ({
        preprocessors: Object.fromEntries(inputs.filter((i) => i.pre).map((i) => [i.table, i.pre!.snapshot() as unknown[]])),
        ...(p.post ? { postprocessors: p.post.snapshot() } : {}),
      }),
      restore: (c) => {
        for (const i of inputs) {
          const state = c.preprocessors?.[i.table];
          if (state && i.pre) i.pre.restore(state);
        }
        if (p.post && c.postprocessors) p.post.restore(c.postprocessors);
      },
    },
    // Exactly-once: the sink's transaction carries the offsets and commits with each checkpoint.
    transactions: sink.transactions,
    // Exactly-once scaled out: the keyed operator's output, held per partition, enters the transaction at
    // the barrier; and state is restored from Kafka (changelog and committed offsets), not from the files.
    barrier: p.exchange && sink.transactions ? () => p.exchange!.release() : undefined,
    stateInKafka: p.exchange !== undefined && sink.transactions !== undefined,
    // How long a flush waits for acknowledgements, and whether it failed, is the sink's health (/healthz).
    flushOutput: () =>
      health.flush(async () => {
        // Rows on their way to the repartition topic are covered by the checkpoint as the sink's are.
        await p.exchange?.flush();
        await sink.flush();
        // Late rows written to their topic are part of what the checkpoint covers (at-least-once).
        await p.lateOutput.flush();
      }),
    // Scale-out: each partition's keyed state goes to the changelog topic before the offsets are committed
    // (the partitions this task still runs, as captured with the checkpoint).
    beforeCommit: p.exchange ? (c) => p.exchange!.writeChangelogs((stage) => liveStates(c, stage)) : undefined,
    tolerableFailures: config.checkpoint.tolerableFailures,
    metrics: healthCountingCheckpoints(checkpointMetricsCountingErrors(telemetry), health),
    logger,
    stopWith,
  });
}

async function runJob(job: PreparedJob, options: RunOptions, closers: Closers, closeAll: (logger: Logger) => Promise<void>, shared: SharedParts): Promise<RunningJob> {
  const { config } = job;
  const logger = options.logger;
  // A failing post-processor stage stops the job (stopWith, set below once the sources exist).
  const failures: PipelineFailures = { post: () => undefined };
  const p = await openPipeline(job, options, closers, failures, shared);
  const { telemetry, inputs, sink } = p;
  const { health } = shared;

  let stopping = false;
  /** What stops the job from inside (a UDF failing while windows fire, a lost sink write, too many failed checkpoints). */
  let fatal: unknown;
  const stopWith = (e: unknown): void => {
    if (fatal !== undefined) return;
    fatal = e;
    stopping = true;
    void stopSources(p);
  };
  failures.post = stopWith;

  const checkpoints = openCheckpoints(job, options, p, health, stopWith);
  /** The heap guard's error, once it tripped: the job stops after a final checkpoint. */
  let heapLimit: DirkError | undefined;
  await checkpoints.restoreCommitted();
  // State that outgrows the heap stops the job with a Dirk error instead of a V8 abort.
  const heapGuard = startHeapGuard({
    stateEntries: () => p.dataflow.stateEntries(),
    retentionMinutes: config.retentionIdleStateMinutes,
    lastCheckpoint: () => checkpoints.lastCompleted,
    onLimit: (e) => {
      heapLimit = e;
      stopWith(e);
    },
  });
  closers.push({ what: 'the heap guard', close: () => heapGuard.stop() });

  const lock = new SerialLock();
  const exchange = p.exchange;
  const pending = exchange && sink.pending ? { pending: () => sink.pending!() + exchange.pending() } : sink;
  const delivery = new Delivery({ lock, dataflow: p.dataflow, sink: pending, flushOutput: () => checkpoints.flushOutput(), udfs: p.origin.udfs(p.udfs), onBatch: options.onBatch, post: p.post });
  // The barrier inside the lock; the state is written and the positions committed after it, between batches.
  const takeCheckpoint = async (): Promise<void> => (await lock.run(() => checkpoints.begin(), 'a checkpoint')).complete();

  startTimers({ job, p, delivery, lock, checkpoints, takeCheckpoint, closers, stopWith, isStopping: () => stopping, logger });
  if (options.bounded) reportEnds(options.bounded, p, lock, checkpoints, closers, () => stopping, stopWith);

  let ended: 'stopped' | 'failed' | undefined;
  p.status.set({
    jobId: config.jobId,
    startedAt: Date.now(),
    state: () => ended ?? (stopping ? 'stopping' : 'running'),
    plan: explainPlan(job.plan),
    inputs: inputs.map((i) => ({ table: i.stream.table, sourceName: i.stream.source.name, source: i.source, watermark: () => i.watermarks.emitted })),
    lastCheckpoint: () => checkpoints.lastCompleted,
    telemetry,
  });
  telemetry.running().set(1);
  health.running();
  const runs = inputs.map(async (input) => {
    await input.source.run({
      logger,
      metrics: telemetry.sourceMetrics(input.stream.table),
      deliver: async (batch) => {
        heapGuard.check();
        await delivery.deliver(input, batch);
        // Outside the lock: an input held for alignment lets the others deliver and catch up.
        if (input.aligned) {
          input.aligned.delivered();
          await input.aligned.hold();
        }
      },
      splitsAssigned: (splits) => {
        input.watermarks.tracker.assign(splits, Date.now());
        // In the lock: no delivery runs while instances come and go.
        // A partition whose state cannot be restored cannot run: the job stops (a restart tries again).
        if (input.assigned) lock.run(async () => input.assigned!(splits), `taking ${splits.length} partition(s) of ${input.table}`).catch(stopWith);
      },
      connected: (up, reason) => health.source(input.table, up, reason),
      // A bounded run scaled out: a split read to its end crosses the exchange as +infinity at once.
      splitEnded: (split) => {
        input.watermarks.tracker.endSplit(split);
        lock
          .run(async () => {
            input.watermarks.emit(Date.now(), true);
            exchange?.report();
          }, `the end of ${split}`)
          .catch(stopWith);
      },
    });
    // Bounded input finished: event time jumps to the end, flushing every open window.
    if (!stopping) await delivery.finish(input);
    p.alignment?.recheck();
    if (input.aligned && input.aligned.heldTimes > 0) logger.info('watermark alignment held the stream while it ran ahead', { table: input.table, times: input.aligned.heldTimes, heldMs: input.aligned.heldMs });
  }).map((run) =>
    // One input failing (its consumer crashed) fails the pipeline at once: with several inputs (the
    // exchange's two) the others would otherwise run on while that one's partitions go unread.
    run.catch((e: unknown) => {
      stopWith(e);
      throw e;
    }),
  );

  let failure: unknown;
  const done = (async () => {
    try {
      const results = await Promise.allSettled(runs);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason ?? fatal;
      if (failed !== undefined) {
        failure = failed;
        ended = 'failed';
        // Fatal only if the job ends with it (src/job/restarts.ts counts that); a restart may still follow.
        telemetry.error(errorDomain(checkpoints.outputLost ?? failed), false);
        stopping = true;
        await stopSources(p);
        // What was processed before the failure is written (best effort; at-least-once: its offsets are
        // not committed, so a restart may write it again).
        const lost = checkpoints.outputLost;
        // Near the heap limit: the state so far is checkpointed (chunked, so it needs little more memory) and a
        // restart resumes from it with more heap, a shorter retention or FLINK_STATE_BACKEND_TYPE=rocksdb.
        if (!lost && heapLimit && failed === heapLimit) throw await finalCheckpoint(heapLimit, takeCheckpoint, () => checkpoints.lastCompleted, logger);
        if (!lost) await lock.run(() => sink.flush()).catch((e) => logger.warn(`flushing the sink after the failure failed: ${(e as Error).message}`));
        throw lost ?? failed;
      }
      // Everything delivered (bounded end or stop): a final checkpoint commits the positions.
      await takeCheckpoint();
    } finally {
      ended ??= 'stopped';
      telemetry.running().set(0);
      await closeAll(logger);
    }
  })();
  done.catch(() => undefined);

  return {
    done,
    metricsUrl: p.metricsServer?.url,
    telemetry,
    async stop() {
      if (stopping) return done.catch(() => undefined);
      stopping = true;
      logger.info('stopping: finishing the batch in flight, then checkpointing');
      await stopSources(p);
      await done.catch((e) => {
        if (failure === undefined) throw e;
      });
    },
  };
}

/** How often a task of a bounded run scaled out looks for newly ended units. */
const ENDED_POLL_MS = 100;

/**
 * A task of a bounded run scaled out: what has ended here (the output stage's partitions at +infinity, or
 * without an exchange the source splits read to their end), over how many units the job has in all.
 */
export function endedUnits(p: Pick<Pipeline, 'exchange' | 'inputs'>): { units: string[]; total: number } | undefined {
  const out = p.exchange?.stages[0];
  if (out) return { units: out.stage.endedPartitions(), total: out.partitions };
  const units: string[] = [];
  let total = 0;
  for (const input of p.inputs) {
    const all = input.source.boundedSplits?.();
    if (!all) return undefined;
    total += all.length;
    for (const split of input.watermarks.tracker.endedSplits()) units.push(`${input.table}|${split}`);
  }
  return { units: units.sort(), total };
}

/** Everything that has ended in this task: source splits and every stage's partitions (a change is worth a checkpoint). */
function endedHere(p: Pick<Pipeline, 'exchange' | 'inputs'>): string {
  const splits = p.inputs.flatMap((i) => i.watermarks.tracker.endedSplits().map((s) => `${i.table}|${s}`));
  const parts = p.exchange?.stages.flatMap((st) => st.stage.endedPartitions()) ?? [];
  return [...splits, ...parts].join(',');
}

/**
 * Once something has newly ended here, a checkpoint (inside the lock, the units taken at its barrier) flushes
 * the output, or commits it under exactly-once; then the task reports every unit it has ended so far. A split
 * or a lower stage's partition ending takes a checkpoint too: under exactly-once its +infinity crosses the
 * exchange only with the transaction that carries it, so waiting for the checkpoint interval would add up to
 * one interval per stage of a chain.
 */
function reportEnds(run: BoundedTaskRun, p: Pipeline, lock: SerialLock, checkpoints: CheckpointCoordinator, closers: Closers, isStopping: () => boolean, stopWith: (e: unknown) => void): void {
  let reported = '';
  let seen = '';
  let busy = false;
  const timer = setInterval(() => {
    if (busy || isStopping()) return;
    const now = endedUnits(p);
    const here = endedHere(p);
    if (!now || here === seen) return;
    busy = true;
    void (async () => {
      let at = now;
      let covered = here;
      const begun = await lock.run(async () => {
        at = endedUnits(p) ?? now;
        covered = endedHere(p);
        return checkpoints.begin();
      }, 'a checkpoint at the end of input');
      await begun.complete();
      seen = covered;
      const units = at.units.join(',');
      if (at.units.length === 0 || units === reported) return;
      reported = units;
      run.onEnded(at.units, at.total);
    })()
      .catch((e: unknown) => stopWith(e))
      .finally(() => (busy = false));
  }, ENDED_POLL_MS);
  timer.unref();
  closers.push({ what: 'the end-of-input reports', close: () => clearInterval(timer) });
}

/** How long one section may hold the delivery lock before the job warns of a stall. */
const LOCK_STALL_WARN_MS = 10_000;

interface JobTimers {
  readonly job: PreparedJob;
  readonly p: Pipeline;
  readonly delivery: Delivery;
  readonly lock: SerialLock;
  readonly checkpoints: CheckpointCoordinator;
  readonly takeCheckpoint: () => Promise<void>;
  readonly closers: Closers;
  readonly stopWith: (e: unknown) => void;
  readonly isStopping: () => boolean;
  readonly logger: Logger;
}

/**
 * The job's periodic work, each on its own interval: watermark ticks, processing-time timers, the exchange's
 * watermark promise and checkpoints. None runs once the job is stopping; all are cleared with the job.
 */
function startTimers(t: JobTimers): void {
  const timers: NodeJS.Timeout[] = [];
  const { config } = t.job;
  const logger = t.logger;
  t.closers.push({ what: 'the timers', close: () => timers.forEach((timer) => clearInterval(timer)) });
  if (config.watermark.intervalMs > 0) {
    timers.push(
      setInterval(() => {
        if (t.isStopping()) return;
        void t.delivery.tick(t.p.inputs).catch((e) => {
          if (e === t.checkpoints.outputLost) return; // reported once, by the job's end
          logger.error(`watermark tick failed: ${(e as Error).message}`);
          // A UDF failing under UDF_ERROR_POLICY=FAIL while windows fire stops the job, as it does in a batch.
          // So does a row too large for the sink topic under SINK_KAFKA_ERROR_POLICY=FAIL.
          if (e instanceof UdfCallError || e instanceof SinkRecordError) t.stopWith(e);
        });
      }, config.watermark.intervalMs),
    );
  }
  if (t.p.dataflow.processingTime) {
    // Processing-time windows fire when the wall clock passes their end: checked every PROCESSING_TIME_TICK_MS.
    timers.push(
      setInterval(() => {
        if (t.isStopping()) return;
        void t.delivery.processingTime().catch((e) => {
          if (e === t.checkpoints.outputLost) return;
          logger.error(`processing-time timer failed: ${(e as Error).message}`);
          if (e instanceof UdfCallError || e instanceof SinkRecordError) t.stopWith(e);
        });
      }, PROCESSING_TIME_TICK_MS),
    );
  }
  if (t.p.exchange && config.watermark.intervalMs > 0) {
    // The exchange's watermark promise also goes out with no new input (a batch's report may have been
    // throttled); in the lock, so it never overtakes rows of a delivery under way.
    const exchange = t.p.exchange;
    timers.push(setInterval(() => void t.lock.run(async () => exchange.report(), 'the exchange\'s watermark report').catch(() => undefined), config.watermark.intervalMs));
  }
  // A section holding the delivery lock this long stalls every input of the task: say which one it is.
  let stalledSince = 0;
  timers.push(
    setInterval(() => {
      const busy = t.lock.busy();
      if (!busy || busy.ms < LOCK_STALL_WARN_MS) return void (stalledSince = 0);
      if (stalledSince === 0 || busy.ms - stalledSince >= LOCK_STALL_WARN_MS) {
        stalledSince = busy.ms;
        logger.warn(`${busy.what} has held the task's delivery lock for ${Math.round(busy.ms / 1000)} s: no input is read meanwhile`);
      }
    }, 1000),
  );
  let checkpointQueued = false;
  if (config.checkpoint.intervalMs > 0) {
    timers.push(
      setInterval(() => {
        // One checkpoint at a time: a slow one is not followed by a queue of others.
        if (t.isStopping() || checkpointQueued) return;
        checkpointQueued = true;
        void t.takeCheckpoint()
          .catch(() => undefined)
          .finally(() => (checkpointQueued = false));
      }, config.checkpoint.intervalMs),
    );
  }
  for (const timer of timers) timer.unref();
}

/** Checkpoint counters that also tell the job's health how checkpoints go. */
function healthCountingCheckpoints(m: CheckpointMetrics, health: JobHealth): CheckpointMetrics {
  return {
    completed: { inc: (n?: number) => (m.completed.inc(n), health.checkpointCompleted()) },
    failed: { inc: (n?: number) => (m.failed.inc(n), health.checkpointFailed()) },
    durationSeconds: m.durationSeconds,
  };
}

export function describeRunError(e: unknown): DirkError | undefined {
  return e instanceof DirkError ? e : undefined;
}

/**
 * Exactly-once scaled out: one transaction per task carries the output, the repartition and changelog
 * records and the offsets of both consumer groups, so they must all live on the sink's cluster.
 */
function checkExactlyOnceExchange(job: PreparedJob, sourceTable: string): void {
  const eos = job.config.sinks.find((c) => c.type === 'kafka' && c.deliveryGuarantee === 'EXACTLY_ONCE');
  if (!eos || eos.type !== 'kafka') return;
  const stream = job.config.streams.find((s) => s.table === sourceTable)!;
  const norm = (servers: readonly string[]) => [...servers].map((x) => x.trim()).sort().join(',');
  const sinkServers = eos.brokers;
  if (norm(stream.kafka!.bootstrapServers) !== norm(sinkServers)) {
    throw userError(
      `SINK_KAFKA_DELIVERY_GUARANTEE=EXACTLY_ONCE with scale-out: the repartition and changelog topics live on the cluster of table ${sourceTable} ` +
        `(${stream.kafka!.bootstrapServers.join(',')}), but the sink writes to ${sinkServers.join(',')}; one transaction cannot span two clusters. ` +
        'Use one cluster, AT_LEAST_ONCE, or run the job as one task',
    );
  }
}

/** A stage's exchange metrics (labelled by its repartition topic). */
function exchangeCallbacks(telemetry: Telemetry, topic: string): ExchangeCallbacks {
  const m = telemetry.exchangeMetrics(topic);
  return {
    onRowsOut: (n) => m.recordsOut.inc(n),
    onDuplicates: (n) => m.duplicatesDropped.inc(n),
    onOverlap: (n) => m.partialOverlaps.inc(n),
    onPartitions: (n) => m.partitions.set(n),
    onRestoring: (n) => m.restoringPartitions.set(n),
    onRestoredBytes: (n) => m.restoredBytes.inc(n),
  };
}

/** The checkpoint's state of the repartition partitions this task runs now. */
function liveStates(c: Checkpoint, down: OpenedStage): Map<string, unknown> {
  const all = (c.preprocessors?.[down.table] ?? {}) as unknown as Record<string, unknown>;
  return new Map(down.stage.partitions.filter((k) => k in all).map((k) => [k, all[k]]));
}
