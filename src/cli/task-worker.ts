/**
 * One task of a job run with several (src/cli/tasks.ts): loads the job as `dirk run` does, runs it with its
 * own checkpoint folder and task-labelled metrics (served by the main thread), and stops gracefully when
 * told to.
 */
import { join, resolve } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../core/logger.js';
import { redactText } from '../core/redact.js';
import { loadLayeredJobConfig } from '../config/sources.js';
import { startProgress } from '../job/progress.js';
import { prepareJob } from '../job/prepare.js';
import { startJob } from '../job/stream-manager.js';
import { parseCommandLine } from './args.js';
import { exitCodeOf, formatError } from './report.js';
import type { FromTask, TaskData, ToTask } from './tasks.js';

const data = workerData as TaskData;
const port = parentPort!;
const send = (m: FromTask): void => port.postMessage(m);

/** A stop that came while the job was still starting (a bounded run can end before every task is up). */
let stopEarly = false;
const early = (m: ToTask): void => {
  if (m.type === 'stop') stopEarly = true;
};
port.on('message', early);

async function run(): Promise<void> {
  const cmd = parseCommandLine(data.argv);
  const logger = createLogger({}).child({ task: data.task });
  const file = cmd.positionals[0];
  const loaded = await loadLayeredJobConfig({
    ...(file !== undefined ? { path: resolve(file) } : {}),
    env: process.env,
    args: cmd.configArgs,
    strict: cmd.options['strict'] === true,
  });
  const prepared = await prepareJob(loaded.config, logger);
  // The main thread serves /metrics for every task.
  const job = { ...prepared, config: { ...prepared.config, metrics: { ...prepared.config.metrics, enabled: false } } };
  const jobLogger = logger.child({ job: job.config.jobId });
  const running = await startJob(job, {
    logger: jobLogger,
    checkpointDir: join(data.checkpointDir, `task-${data.task}`),
    task: data.task,
    // A bounded run: partitions dealt out by task, and every unit ended reported to the main thread.
    ...(data.bounded
      ? {
          bounded: {
            assignment: { task: data.task, tasks: data.tasks, run: data.bounded.run },
            starts: data.bounded.starts,
            onEnded: (units: readonly string[], total: number) => send({ type: 'ended', units, total }),
          },
        }
      : {}),
  });
  const progress = startProgress(running.telemetry, jobLogger, data.progressMs);
  port.off('message', early);
  if (stopEarly) running.stop().catch(() => undefined);
  port.on('message', (m: ToTask) => {
    if (m.type === 'stop') running.stop().catch(() => undefined);
    else if (m.type === 'metrics') void running.telemetry.registry.getMetricsAsJSON().then((json) => send({ type: 'metrics', id: m.id, json }));
  });
  send({ type: 'running' });
  try {
    await running.done;
  } finally {
    await progress.finish().catch(() => undefined);
  }
}

run().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(redactText(`task ${data.task}: ${formatError(e)}`));
    send({ type: 'failed', code: exitCodeOf(e), message: (e as Error).message });
    process.exit(exitCodeOf(e));
  },
);
