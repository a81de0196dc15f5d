import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Sink, Source, SourceBatch } from '../core/connector.js';
import { DirkError, externalError, userError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Row, RowKind } from '../core/types.js';
import type { JobConfig, StreamConfig } from '../config/index.js';
import { CheckpointStore, type Checkpoint } from '../runtime/checkpoint-store.js';
import { buildDataflow, type Dataflow } from '../runtime/dataflow.js';
import { createJsonRowEncoder, createProtoRowEncoder } from '../schema/index.js';
import { createKafkaSink } from '../connectors/kafka/kafka-sink.js';
import { createLogSink } from '../connectors/log/log-sink.js';
import { createInfluxSink } from '../connectors/influxdb/influx-sink.js';
import { createKafkaSource } from '../connectors/kafka/kafka-source.js';
import { createFileSource } from '../connectors/file/file-source.js';
import { createDatagenSource } from '../connectors/datagen/datagen-source.js';
import { createTelemetry, startMetricsServer, type MetricsServer, type Telemetry } from '../telemetry/index.js';
import { explainPlan } from '../plan/printer.js';
import { createLateRecordOutput } from './late-records.js';
import { detectPassThrough, passThroughEncoder, rememberingDecoder, schemaChangeReporter, type PassThrough } from './pass-through.js';
import { streamDecoder, type PreparedJob } from './prepare.js';
import { WatermarkTracker } from './watermarks.js';
import { startUdfRuntime } from './udf-lifecycle.js';
import { UdfCallError } from '../udf/slots.js';
import { RowOriginTracker } from './row-origin.js';
import { SinkRecordError } from '../connectors/kafka/oversized-records.js';

/**
 * The StreamManager: turns a prepared job into a running pipeline of sources -> dataflow -> sink, with
 * watermarks, metrics and checkpoints. Deliveries are serialised, so a checkpoint taken between them sees
 * every operator and every source position at one consistent point (an aligned barrier, trivially).
 */
/** Unacknowledged output rows allowed before a delivery waits for the sink (backpressure). */
const MAX_SINK_BACKLOG = 50_000;

export interface RunOptions {
  readonly logger: Logger;
  /** Where completed checkpoints live; default .dirk/checkpoints/<job id>. */
  readonly checkpointDir?: string;
  /** Where the log sink writes; default stdout. */
  readonly out?: NodeJS.WritableStream;
  /** Reload changed user UDF files in the running job (`--watch-udfs`); default: the config's UDF_WATCH. */
  readonly watchUdfs?: boolean;
  /** Called after each source batch is processed and flushed (benchmarks: batch latency). */
  readonly onBatch?: (ms: number, rows: number) => void;
}

export interface RunningJob {
  /** Resolves when the job has ended: bounded input finished, or stop() completed. */
  readonly done: Promise<void>;
  /** Graceful stop: finish the batch in flight, checkpoint, commit, close. */
  stop(): Promise<void>;
  readonly metricsUrl: string | undefined;
  readonly telemetry: Telemetry;
}

interface Input {
  readonly stream: StreamConfig;
  readonly source: Source;
  readonly ports: Dataflow['inputs'];
  readonly watermarks: WatermarkTracker;
  readonly rowtimeIndex: number | undefined;
  emitted: number;
  lastEmitAt: number;
}

export function validateSinkCompatibility(job: PreparedJob): void {
  const sink = job.config.sink;
  const root = job.plan.root;
  if (job.config.processors.preprocessorEnabled || job.config.processors.postprocessorEnabled) {
    throw userError(
      `${job.config.processors.preprocessorEnabled ? 'PROCESSOR_PREPROCESSOR_ENABLE' : 'PROCESSOR_POSTPROCESSOR_ENABLE'}=true: pre- and post-processors (transformers, external lookups) are not available in Dirk yet; set it to false`,
    );
  }
  if (sink.type === 'kafka' && sink.deliveryGuarantee === 'EXACTLY_ONCE') {
    throw userError('SINK_KAFKA_DELIVERY_GUARANTEE: EXACTLY_ONCE (Kafka transactions) is not available yet; use AT_LEAST_ONCE, which flushes the sink before every checkpoint commits offsets');
  }
  if (sink.type === 'bigquery') throw userError('SINK_TYPE: bigquery is not available in Dirk (no BigQuery here); use kafka, influx or log');
  if (root.updating && sink.type === 'influx') {
    throw userError('the query produces an updating result (a GROUP BY without a window, DISTINCT, ...) but SINK_TYPE=influx only takes appends; add a window or use the kafka sink with SINK_KAFKA_PROTO_KEY (upserts)');
  }
  if (root.updating && sink.type === 'kafka' && sink.dataType === 'JSON') {
    throw userError(
      'the query produces an updating result, which the kafka sink writes as upserts keyed by SINK_KAFKA_PROTO_KEY; SINK_KAFKA_DATA_TYPE=JSON has no key. Use SINK_KAFKA_DATA_TYPE=PROTO with SINK_KAFKA_PROTO_KEY, or make the query append-only (a window)',
    );
  }
  if (root.updating && sink.type === 'kafka' && !sink.protoKey && sink.dataType === 'PROTO') {
    throw userError('the query produces an updating result; the kafka sink writes it as upserts and needs SINK_KAFKA_PROTO_KEY for the key');
  }
  if (sink.type === 'kafka' && sink.dataType === 'PROTO') {
    if (!sink.protoMessage) throw userError('SINK_KAFKA_PROTO_MESSAGE is required for SINK_KAFKA_DATA_TYPE=PROTO');
    // Validate-time column/field type check (throws naming both).
    createProtoRowEncoder(job.registry!, sink.protoMessage, root.fields);
    if (sink.protoKey) createProtoRowEncoder(job.registry!, sink.protoKey, root.fields);
  }
}

function planFingerprint(job: PreparedJob): string {
  return createHash('sha256').update(job.config.sqlQuery).update(explainPlan(job.plan)).digest('hex').slice(0, 16);
}

function createSink(job: PreparedJob, telemetry: Telemetry, logger: Logger, out?: NodeJS.WritableStream, passThrough?: PassThrough, origin?: RowOriginTracker): Sink {
  const sink = job.config.sink;
  const columns = job.plan.root.fields;
  switch (sink.type) {
    case 'log':
      return createLogSink({ columns, metrics: telemetry.sinkMetrics('log'), ...(out ? { out } : {}) });
    case 'kafka': {
      const protoEncoder = (): ReturnType<typeof createProtoRowEncoder> =>
        createProtoRowEncoder(job.registry!, sink.protoMessage!, columns, {
          onRefreshFailed: (e) => logger.warn('schema refresh: the sink keeps its schema, the result no longer fits the new version', { protoClass: sink.protoMessage, error: e.message }),
        });
      const valueEncoder =
        sink.dataType === 'JSON'
          ? createJsonRowEncoder(columns, sink.jsonSchema)
          : passThrough
            ? passThroughEncoder(protoEncoder(), passThrough.bytes)
            : protoEncoder();
      const keyEncoder = sink.dataType === 'PROTO' && sink.protoKey ? createProtoRowEncoder(job.registry!, sink.protoKey, columns) : undefined;
      return createKafkaSink({
        name: 'kafka',
        brokers: sink.brokers,
        topic: sink.topic,
        valueEncoder,
        keyEncoder,
        producerConfig: sink.producerConfig,
        lingerMs: sink.lingerMs,
        largeMessage: sink.largeMessage,
        clientId: `dirk-${job.config.jobId}`.replace(/[^A-Za-z0-9._-]/g, '_'),
        logger,
        metrics: telemetry.sinkMetrics('kafka'),
        errorPolicy: sink.errorPolicy,
        createTopic: sink.createTopic,
        ...(origin ? { origin: origin.get } : {}),
        ...kafkaSinkCounters(telemetry),
      });
    }
    case 'influx':
      return createInfluxSink({
        url: sink.url,
        ...(sink.username ? { username: sink.username } : {}),
        ...(sink.password ? { password: sink.password } : {}),
        database: sink.dbName,
        retentionPolicy: sink.retentionPolicy,
        measurement: sink.measurementName,
        columns,
        batchSize: sink.batchSize,
        flushDurationMs: sink.flushDurationMs,
        logger,
        metrics: telemetry.sinkMetrics('influx'),
        lateRecordsDropped: telemetry.sinkLateRecordsDropped('influx'),
      });
    default:
      throw userError(`SINK_TYPE=${sink.type} is not available in Dirk`);
  }
}

function kafkaSinkCounters(telemetry: Telemetry): { skipped: ReturnType<Telemetry['sinkLateRecordsDropped']>; deadLettered: ReturnType<Telemetry['sinkLateRecordsDropped']> } {
  return telemetry.sinkRecordsRouted('kafka');
}

function createSource(job: PreparedJob, stream: StreamConfig, logger: Logger, telemetry?: Telemetry, passThrough?: PassThrough): Source {
  const pass = passThrough?.table === stream.table ? passThrough : undefined;
  const onSchemaChange = telemetry ? schemaChangeReporter(stream.table, telemetry, logger, pass !== undefined) : undefined;
  const decoded = streamDecoder(job, stream.table, onSchemaChange ? { onSchemaChange } : {});
  const decoder = pass ? rememberingDecoder(decoded, pass.bytes) : decoded;
  const badRecords = stream.badRecordPolicy;
  switch (stream.source.name) {
    case 'KAFKA_SOURCE':
    case 'KAFKA_CONSUMER': {
      const k = stream.kafka!;
      return createKafkaSource({
        table: stream.table,
        topicPattern: k.topicPattern,
        brokers: k.bootstrapServers,
        groupId: k.groupId,
        autoOffsetReset: k.autoOffsetReset,
        security: k.security,
        clientId: `dirk-${stream.table}`,
        decoder,
        badRecords,
        logger: logger.child({ table: stream.table }),
        bounded: stream.source.type === 'BOUNDED',
        largeMessage: k.largeMessage,
        consumerProperties: k.additional,
      });
    }
    case 'DATAGEN_SOURCE': {
      const g = stream.datagen!;
      return createDatagenSource({
        table: job.tables.get(stream.table)!.schema,
        rows: g.rows,
        seed: g.seed,
        ...(g.ratePerSecond !== undefined ? { ratePerSecond: g.ratePerSecond } : {}),
      });
    }
    case 'FILE_SOURCE': {
      const f = stream.file!;
      const protoType = stream.dataType === 'PROTO' ? job.registry!.lookupType(stream.protoClass!) : undefined;
      return createFileSource({
        table: stream.table,
        path: f.path,
        format: f.format,
        decoder,
        badRecords,
        logger: logger.child({ table: stream.table }),
        ...(protoType ? { protoJsonToBytes: (obj: unknown) => protoType.encode(protoType.fromObject(obj as Record<string, unknown>)).finish() } : {}),
      });
    }
    default:
      throw userError(`STREAMS[${stream.index}].SOURCE_DETAILS: ${stream.source.name} is not available in Dirk yet; use KAFKA_SOURCE, KAFKA_CONSUMER, FILE_SOURCE or DATAGEN_SOURCE`);
  }
}

export async function startJob(job: PreparedJob, options: RunOptions): Promise<RunningJob> {
  // What start-up has opened, closed in reverse order when it fails (and when the job ends), so a job that
  // cannot start exits promptly instead of hanging on a producer, a server or a watcher.
  const closers: { what: string; close: () => Promise<void> | void }[] = [];
  const closeAll = async (logger: Logger): Promise<void> => {
    for (const c of closers.splice(0).reverse()) {
      try {
        await c.close();
      } catch (e) {
        logger.warn(`closing ${c.what} failed: ${(e as Error).message}`);
      }
    }
  };
  closers.push({ what: 'the schema registry', close: () => job.registry?.close() });
  try {
    return await runJob(job, options, closers, closeAll);
  } catch (e) {
    await closeAll(options.logger);
    throw e;
  }
}

type Closers = { what: string; close: () => Promise<void> | void }[];

async function runJob(job: PreparedJob, options: RunOptions, closers: Closers, closeAll: (logger: Logger) => Promise<void>): Promise<RunningJob> {
  const { config } = job;
  const logger = options.logger;
  validateSinkCompatibility(job);
  const telemetry = createTelemetry({ jobId: config.jobId });
  telemetry.jobInfo({ sinkType: config.sink.type });
  telemetry.processStats();
  // Every function the plan uses is opened before the first record (and closed when the job ends).
  const udfs = await startUdfRuntime(job, { telemetry, logger, watch: options.watchUdfs ?? config.udf.watch });
  closers.push({ what: 'the UDFs', close: () => udfs.close() });
  let metricsServer: MetricsServer | undefined;
  if (config.metrics.enabled) {
    const server = await startMetricsServer({ host: config.metrics.host, port: config.metrics.port, telemetry });
    metricsServer = server;
    closers.push({ what: 'the metrics server', close: () => server.close() });
    logger.info(`metrics at ${new URL("/metrics", server.url).href}`);
  }

  const passThrough = detectPassThrough(job);
  if (passThrough) logger.info(`pass-through job: records of table ${passThrough.table} reach the sink as their original bytes (fields unknown to the job are kept)`);
  const origin = new RowOriginTracker();
  const sink = createSink(job, telemetry, logger, options.out, passThrough, origin);
  // Registered before open(): a sink that fails half-way through opening still lets go of what it holds.
  closers.push({ what: 'the sink', close: () => sink.close() });
  await sink.open();
  const lateOutput = createLateRecordOutput({
    streams: config.streams,
    logger,
    lateRecords: (table) => telemetry.lateRecords(table),
    clientId: `dirk-${config.jobId}-late`.replace(/[^A-Za-z0-9._-]/g, '_'),
  });
  closers.push({ what: 'the late-record output', close: () => lateOutput.close() });
  await lateOutput.open();
  const dataflow = buildDataflow(
    passThrough?.plan ?? job.plan,
    {
      data: (rows: Row[], kinds?: RowKind[]) => sink.write(kinds ? { kind: 'data', rows, rowKinds: kinds } : { kind: 'data', rows }),
      watermark: () => {},
    },
    {
      hooks: {
        late: (rows, info) => lateOutput.late(rows, info),
      },
      retentionMs: config.retentionIdleStateMinutes * 60_000,
      now: Date.now,
    },
  );

  const inputs: Input[] = [];
  for (const stream of config.streams) {
    const ports = dataflow.inputs.filter((i) => i.table === job.tables.get(stream.table)!.schema.name);
    if (ports.length === 0) {
      logger.warn(`table ${stream.table} is not read by the query; its stream is not consumed`);
      continue;
    }
    inputs.push({
      stream,
      source: createSource(job, stream, logger, telemetry, passThrough),
      ports,
      watermarks: new WatermarkTracker(config.watermark.delayMs, config.watermark.perPartition, config.watermark.idleTimeoutMs),
      rowtimeIndex: job.tables.get(stream.table)!.schema.rowtimeIndex,
      emitted: -Infinity,
      lastEmitAt: 0,
    });
  }

  // ---- checkpoints ------------------------------------------------------------------------------------
  const checkpointDir = options.checkpointDir ?? resolve('.dirk', 'checkpoints', config.jobId.replace(/[^A-Za-z0-9._-]/g, '_'));
  const store = new CheckpointStore(checkpointDir, {
    onUnreadable: (file, e) => logger.warn(`checkpoint file ${file} cannot be read (${e.message}); falling back to the previous checkpoint`),
  });
  const fingerprint = planFingerprint(job);
  let checkpointId = 0;
  // A job whose inputs are all bounded re-reads them from the start on every run: no checkpoints.
  const allBounded = inputs.every((i) => i.stream.source.type === 'BOUNDED');
  const restored = allBounded ? undefined : store.latest();
  if (restored) {
    // Ids go on from the newest checkpoint found, so a new one always outranks the files already there.
    checkpointId = restored.id;
    if (restored.planFingerprint !== fingerprint) {
      logger.warn(`checkpoint ${restored.id} was taken for a different query; starting without restoring state (delete ${join(checkpointDir, '')} to silence this)`);
    } else {
      // State and positions come from the same checkpoint, and both are in place before the first fetch:
      // sources apply the positions when partitions are assigned.
      dataflow.restore(restored.operatorStates);
      for (const input of inputs) {
        const pos = restored.positions[input.stream.table];
        if (pos && input.source.seek) input.source.seek(pos);
        const wm = restored.watermarks[input.stream.table];
        if (wm !== undefined) input.emitted = wm;
        const tracker = restored.trackers?.[input.stream.table];
        if (tracker) input.watermarks.restore(tracker as Parameters<WatermarkTracker['restore']>[0]);
      }
      logger.info(`restored checkpoint ${restored.id} taken at ${new Date(restored.takenAt).toISOString()}`);
    }
  }
  let lastCompleted = restored?.planFingerprint === fingerprint ? restored.id : undefined;

  // Deliveries and checkpoints take turns: one at a time, in arrival order.
  let lock: Promise<void> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = lock.then(fn);
    lock = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };

  let stopping = false;
  /** What stops the job from inside (a UDF failing while windows fire, a lost sink write, too many failed checkpoints). */
  let fatal: unknown;
  const stopWith = (e: unknown): void => {
    if (fatal !== undefined) return;
    fatal = e;
    stopping = true;
    void Promise.allSettled(inputs.map((i) => i.source.stop()));
  };

  /**
   * A failed sink (or late-record topic) write has lost its rows: the sink buffers nothing for a retry. No
   * later checkpoint may then commit offsets past those rows, so the job stops; a restart replays them.
   */
  let outputLost: DirkError | undefined;
  const flushOutput = async (): Promise<void> => {
    if (outputLost) throw outputLost;
    try {
      await sink.flush();
      // Late rows written to their topic are part of what the checkpoint covers (at-least-once).
      await lateOutput.flush();
    } catch (e) {
      outputLost ??= externalError(
        `${(e as Error).message}; the rows of the failed write are lost, so no later checkpoint can complete: the job stops and a restart ` +
          `resumes from ${lastCompleted === undefined ? 'the committed Kafka offsets' : `checkpoint ${lastCompleted}`}`,
        { cause: e },
      );
      stopWith(outputLost);
      throw outputLost;
    }
  };

  const checkpointMetrics = telemetry.checkpointMetrics();
  let consecutiveFailures = 0;
  const takeCheckpoint = async (): Promise<void> => {
    const started = Date.now();
    if (allBounded) {
      await flushOutput();
      return;
    }
    try {
      await flushOutput();
      const c: Checkpoint = {
        id: checkpointId + 1,
        takenAt: started,
        planFingerprint: fingerprint,
        positions: Object.fromEntries(inputs.map((i) => [i.stream.table, i.source.positions()])),
        operatorStates: dataflow.snapshot(),
        watermarks: Object.fromEntries(inputs.map((i) => [i.stream.table, i.emitted])),
        trackers: Object.fromEntries(inputs.map((i) => [i.stream.table, i.watermarks.snapshot()])),
      };
      store.save(c);
      checkpointId = c.id;
      // Only a completed checkpoint's positions are committed to Kafka. A crash between save and commit
      // is harmless: the restart seeks to the saved positions, whatever the group has committed.
      for (const i of inputs) await i.source.commit(c.positions[i.stream.table] ?? {});
      lastCompleted = c.id;
      consecutiveFailures = 0;
      checkpointMetrics.completed.inc();
      checkpointMetrics.durationSeconds.observe((Date.now() - started) / 1000);
      logger.debug(`checkpoint ${c.id} complete`);
    } catch (e) {
      checkpointMetrics.failed.inc();
      consecutiveFailures++;
      const message = (e as Error).message;
      logger.warn(`checkpoint failed (${consecutiveFailures} in a row, ${config.checkpoint.tolerableFailures} tolerated): ${message}`);
      if (!outputLost && consecutiveFailures > config.checkpoint.tolerableFailures) {
        stopWith(
          externalError(
            `${consecutiveFailures} checkpoints in a row failed (FLINK_CHECKPOINT_TOLERABLE_FAILURES=${config.checkpoint.tolerableFailures}), the last with: ${message}; ` +
              `offsets were not committed past ${lastCompleted === undefined ? 'the group\'s committed offsets' : `checkpoint ${lastCompleted}`}, where a restart resumes`,
            { cause: e },
          ),
        );
      }
      throw e;
    }
  };

  const emitWatermark = (input: Input, now: number, force: boolean): void => {
    const wm = input.watermarks.current(now);
    if (wm <= input.emitted) return;
    if (!force && config.watermark.intervalMs > 0 && now - input.lastEmitAt < config.watermark.intervalMs) return;
    input.emitted = wm;
    input.lastEmitAt = now;
    origin.duringWatermark(input.stream.table, wm, () => {
      for (const p of input.ports) p.watermark(wm);
    });
    if (Number.isFinite(wm)) telemetry.watermarkLagMs(input.stream.table).set(now - wm);
  };

  /** A mini-batch boundary, with any async work (before and after it) finished. */
  const endBatch = async (): Promise<void> => {
    await dataflow.settle();
    dataflow.batchEnd();
    await dataflow.settle();
  };

  const deliverFor = (input: Input) => (batch: SourceBatch): Promise<void> =>
    exclusive(async () => {
      const now = Date.now();
      if (input.rowtimeIndex !== undefined) input.watermarks.observe(batch.split, batch.rows, input.rowtimeIndex, now);
      udfs.setBatch(batch);
      origin.batch(input.stream.table, batch);
      try {
        for (const p of input.ports) p.push(batch.rows);
        // Async UDF lookups finish before event time moves on, so a watermark never overtakes their rows.
        await dataflow.settle();
        if (input.rowtimeIndex !== undefined) emitWatermark(input, now, false);
        await endBatch();
      } finally {
        udfs.setBatch(undefined);
        udfs.flush();
        origin.clear();
      }
      // The source's position moves here, inside the lock: a checkpoint sees it together with this state.
      batch.processed?.();
      // Output becomes durable at the latest at the next checkpoint (which flushes before committing offsets);
      // in between, a sink that can tell its backlog is flushed only when that backlog grows too large.
      if (!sink.pending || sink.pending() > MAX_SINK_BACKLOG) await flushOutput();
      options.onBatch?.(Date.now() - now, batch.rows.length);
    });

  const timers: NodeJS.Timeout[] = [];
  closers.push({ what: 'the timers', close: () => timers.forEach((t) => clearInterval(t)) });
  if (config.watermark.intervalMs > 0) {
    timers.push(
      setInterval(() => {
        if (stopping) return;
        void exclusive(async () => {
          const now = Date.now();
          for (const i of inputs) if (i.rowtimeIndex !== undefined) emitWatermark(i, now, true);
          await endBatch();
          await flushOutput();
        }).catch((e) => {
          if (e === outputLost) return; // reported once, by the job's end
          logger.error(`watermark tick failed: ${(e as Error).message}`);
          // A UDF failing under UDF_ERROR_POLICY=FAIL while windows fire stops the job, as it does in a batch.
          if (e instanceof UdfCallError || e instanceof SinkRecordError) stopWith(e);
        });
      }, config.watermark.intervalMs),
    );
  }
  let checkpointQueued = false;
  if (config.checkpoint.intervalMs > 0) {
    timers.push(
      setInterval(() => {
        // One checkpoint at a time: a slow one is not followed by a queue of others.
        if (stopping || checkpointQueued) return;
        checkpointQueued = true;
        void exclusive(takeCheckpoint)
          .catch(() => undefined)
          .finally(() => (checkpointQueued = false));
      }, config.checkpoint.intervalMs),
    );
  }
  for (const t of timers) t.unref();

  telemetry.running().set(1);
  const runs = inputs.map(async (input) => {
    await input.source.run({
      logger,
      metrics: telemetry.sourceMetrics(input.stream.table),
      deliver: deliverFor(input),
      splitsAssigned: (splits) => input.watermarks.assign(splits, Date.now()),
    });
    if (!stopping) {
      // Bounded input finished: event time jumps to the end, flushing every open window.
      await exclusive(async () => {
        input.watermarks.finish();
        emitWatermark(input, Date.now(), true);
        await endBatch();
        await flushOutput();
      });
    }
  });

  let failure: unknown;
  const done = (async () => {
    try {
      const results = await Promise.allSettled(runs);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason ?? fatal;
      if (failed !== undefined) {
        failure = failed;
        stopping = true;
        await Promise.allSettled(inputs.map((i) => i.source.stop()));
        // What was processed before the failure is written (best effort; at-least-once: its offsets are
        // not committed, so a restart may write it again).
        if (!outputLost) await exclusive(() => sink.flush()).catch((e) => logger.warn(`flushing the sink after the failure failed: ${(e as Error).message}`));
        throw outputLost ?? failed;
      }
      // Everything delivered (bounded end or stop): a final checkpoint commits the positions.
      await exclusive(takeCheckpoint);
    } finally {
      telemetry.running().set(0);
      await closeAll(logger);
    }
  })();
  done.catch(() => undefined);

  return {
    done,
    metricsUrl: metricsServer?.url,
    telemetry,
    async stop() {
      if (stopping) return done.catch(() => undefined);
      stopping = true;
      logger.info('stopping: finishing the batch in flight, then checkpointing');
      await Promise.allSettled(inputs.map((i) => i.source.stop()));
      await done.catch((e) => {
        if (failure === undefined) throw e;
      });
    },
  };
}

export function describeRunError(e: unknown): DirkError | undefined {
  return e instanceof DirkError ? e : undefined;
}
