/**
 * `dirk run` with DIRK_TASKS / FLINK_PARALLELISM > 1: the job runs as N tasks, each a worker thread with
 * its own pipeline (consumers, dataflow, sink, checkpoint folder `<dir>/task-<i>`). Every task is a member
 * of the job's consumer groups, so Kafka deals the source and repartition partitions out among the tasks of
 * this and every other process of the job, and moves them when a task or process goes. The main thread
 * serves one /metrics with every task's series (labelled task="<i>"), forwards SIGINT/SIGTERM as a graceful
 * stop, and ends when every task has (exit 1 when one failed: the others are stopped).
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import client from 'prom-client';
import type { Logger } from '../core/logger.js';
import type { PreparedJob } from '../job/prepare.js';
import { userError } from '../core/errors.js';
import { isBoundedJob, jobExchange, primaryStream } from '../job/exchange/index.js';
import type { ExchangePlan } from '../plan/exchange.js';
import { createKafkaClient } from '../connectors/kafka/kafka-client.js';
import { BoundedEnd } from './bounded-end.js';
import { startMetricsServer } from '../telemetry/index.js';

/** What the main thread sends a task. */
export type ToTask = { readonly type: 'stop' } | { readonly type: 'metrics'; readonly id: number };
/** What a task sends the main thread. */
export type FromTask =
  | { readonly type: 'running' }
  | { readonly type: 'metrics'; readonly id: number; readonly json: client.MetricObjectWithValues<client.MetricValue<string>>[] }
  | { readonly type: 'failed'; readonly code: number; readonly message: string }
  /** A bounded run: every unit this task has ended so far (after a checkpoint covering them), of `total`. */
  | { readonly type: 'ended'; readonly units: readonly string[]; readonly total: number };

export interface TaskData {
  readonly argv: readonly string[];
  readonly task: number;
  readonly tasks: number;
  readonly checkpointDir: string;
  readonly progressMs: number;
  /** A bounded run: its id (members of another run are foreign) and where each repartition topic ended at its start. */
  readonly bounded?: { readonly run: string; readonly starts: Readonly<Record<string, readonly number[]>> };
}

export async function runTasks(job: PreparedJob, argv: readonly string[], checkpointDir: string, progressMs: number, logger: Logger): Promise<number> {
  const n = job.config.tasks;
  const other = job.config.streams.filter((st) => !(st.kafka && (st.source.type === 'UNBOUNDED' || st.source.type === 'BOUNDED')));
  if (other.length > 0) {
    throw userError(
      `DIRK_TASKS / FLINK_PARALLELISM = ${n}: only Kafka streams can be split between tasks, but ${other.map((st) => `table ${st.table} (${st.source.type} ${st.source.name})`).join(', ')} is not one; set DIRK_TASKS=1`,
    );
  }
  // Shapes the exchange cannot run fail here, once, before any task starts (and a bounded job mixing unbounded streams).
  const ex = jobExchange(job);
  const bounded = isBoundedJob(job) ? { run: randomUUID(), starts: ex ? await repartitionEnds(job, ex, logger) : {} } : undefined;
  const end = new BoundedEnd();
  let ending = false;
  const workers: Worker[] = [];
  let failed = 0;
  let nextId = 0;
  const waiting = new Map<number, (json: client.MetricObjectWithValues<client.MetricValue<string>>[]) => void>();
  const ended: Promise<void>[] = [];
  for (let task = 0; task < n; task++) {
    const data: TaskData = { argv, task, tasks: n, checkpointDir, progressMs, ...(bounded ? { bounded } : {}) };
    const w = new Worker(new URL('./task-worker.js', import.meta.url), { workerData: data });
    workers.push(w);
    w.on('message', (m: FromTask) => {
      if (m.type === 'metrics') waiting.get(m.id)?.(m.json);
      else if (m.type === 'ended') {
        if (ending || !end.report(task, m.units, m.total)) return;
        // Every unit's output is flushed (or committed): every task stops, with a final checkpoint.
        ending = true;
        logger.info(`bounded input read to its end by every task (${m.total} ${ex ? 'output partitions' : 'source partitions'} ended): stopping ${n} tasks`);
        for (const o of workers) o.postMessage({ type: 'stop' } satisfies ToTask);
      } else if (m.type === 'failed') {
        failed = Math.max(failed, m.code);
        // One task failing stops the process: the others checkpoint and leave the groups, and a restart
        // (or another process of the job) takes their partitions.
        for (const o of workers) if (o !== w) o.postMessage({ type: 'stop' } satisfies ToTask);
      }
    });
    ended.push(
      new Promise<void>((done) => {
        w.once('exit', (code) => {
          if (code !== 0) failed = Math.max(failed, 1);
          for (const resolve of [...waiting.values()]) resolve([]);
          done();
        });
        w.once('error', (e) => {
          logger.error(`task ${task} crashed: ${e.message}`);
          failed = Math.max(failed, 1);
        });
      }),
    );
  }
  logger.info(`job "${job.config.jobId}" running as ${n} tasks (worker threads)${bounded ? '; bounded: it ends when every task has read its partitions to the end offsets' : ''}`);

  let server: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
  if (job.config.metrics.enabled) {
    const ask = (w: Worker): Promise<client.MetricObjectWithValues<client.MetricValue<string>>[]> =>
      new Promise((resolve) => {
        const id = nextId++;
        const timer = setTimeout(() => finish([]), 5000);
        const finish = (json: client.MetricObjectWithValues<client.MetricValue<string>>[]): void => {
          clearTimeout(timer);
          waiting.delete(id);
          resolve(json);
        };
        waiting.set(id, finish);
        w.postMessage({ type: 'metrics', id } satisfies ToTask);
      });
    const merged = {
      contentType: client.register.contentType,
      async metrics(): Promise<string> {
        // Each task's series carry task="<i>", so summing the registries only merges them.
        const all = await Promise.all(workers.map(ask));
        return client.AggregatorRegistry.aggregate(all.filter((j) => j.length > 0)).metrics();
      },
    };
    const { host, port } = job.config.metrics;
    server = await startMetricsServer({ host, port, telemetry: merged }).catch((e: unknown) => {
      for (const w of workers) void w.terminate();
      throw e;
    });
    logger.info(`metrics at ${new URL('/metrics', server.url).href}`);
  }

  let signals = 0;
  const onSignal = (sig: string): void => {
    signals++;
    if (signals > 1) {
      logger.warn(`${sig} again: exiting without a final checkpoint`);
      process.exit(1);
    }
    logger.info(`${sig} received: stopping ${n} tasks`);
    for (const w of workers) w.postMessage({ type: 'stop' } satisfies ToTask);
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  await Promise.all(ended);
  await server?.close();
  logger.info(failed ? 'job failed' : 'job finished');
  return failed;
}

/**
 * A bounded run reads only what its own tasks write to the repartition topics: each topic's end offsets now,
 * before any task starts (a topic not there yet is created empty by the tasks: every partition from 0).
 */
async function repartitionEnds(job: PreparedJob, ex: ExchangePlan, logger: Logger): Promise<Record<string, number[]>> {
  const kafka = primaryStream(job, ex).kafka!;
  const client = createKafkaClient({ brokers: kafka.bootstrapServers, clientId: `dirk-${job.config.jobId}-bounded`.replace(/[^A-Za-z0-9._-]/g, '_'), security: kafka.security, logger });
  const admin = client.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const out: Record<string, number[]> = {};
    for (const st of ex.stages) {
      if (!existing.has(st.topic)) continue;
      const ends: number[] = [];
      for (const p of await admin.fetchTopicOffsets(st.topic)) ends[p.partition] = Number(p.high);
      out[st.topic] = ends;
    }
    return out;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
