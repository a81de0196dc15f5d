/**
 * Dirk as a library (`import { startJob } from 'dirk-sql'`): load a Dagger-style job config (a file path or
 * an object), validate or explain it, and run it inside the program, with the results handed to code.
 *
 *   const job = await startJob('job.json', { onRow: (c) => console.log(c.kind, c.row) });
 *   await job.done;
 *
 * Errors are DirkError: `domain` 'user' for a mistake in the job (config key, SQL line and column), 'external'
 * for a system Dirk talks to. The UDF API is exported here too, and alone from `dirk-sql/udf`.
 */
import { resolve } from 'node:path';
import { createLogger, type Logger } from '../core/logger.js';
import { typeToString } from '../core/types.js';
import { loadJobConfigFile, parseJobConfig, type JobConfig } from '../config/index.js';
import { createCodeSink, type Change, type CodeSink } from '../connectors/code/code-sink.js';
import { explainJob as explainPlanText, physicalOptionsOf } from '../job/explain-job.js';
import { prepareJob, type PreparedJob } from '../job/prepare.js';
import { startJob as startPreparedJob, validateSinkCompatibility, type RunningJob } from '../job/stream-manager.js';
import { checkScaleOut } from '../job/exchange/index.js';

export { DirkError } from '../core/errors.js';
export { Decimal, parseDecimal } from '../core/decimal.js';
export type { Logger, LogLevel } from '../core/logger.js';
export type { JobConfig } from '../config/index.js';
export { ConfigErrors } from '../config/config-errors.js';
export type { Change, ChangeKind } from '../connectors/code/code-sink.js';
export * from '../udf/api.js';

/** A job config: the path of a JSON file, or the config object itself (the same keys). */
export type JobSource = string | Readonly<Record<string, unknown>>;

export interface LoadOptions {
  /** Where log lines go; default: warnings and errors on stderr. */
  readonly logger?: Logger;
  /** `${NAME}` values for a config object; a file is filled from process.env, as the CLI does. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Folder relative paths in a config object are resolved against; default the working directory. */
  readonly baseDir?: string;
}

export interface Column {
  readonly name: string;
  /** Flink SQL type, e.g. `BIGINT`, `TIMESTAMP(3)`, `ROW<a STRING>`. */
  readonly type: string;
}

const PREPARED = Symbol('dirk.prepared');

/** A loaded job: config parsed, schemas read, query planned. Nothing is running yet. */
export interface LoadedJob {
  readonly id: string;
  /** The query's result columns. */
  readonly columns: readonly Column[];
  /** The result is a changelog (updates, deletes), not append-only. */
  readonly updating: boolean;
  readonly config: JobConfig;
  readonly warnings: readonly string[];
  /** Lets go of the schema registry (Stencil refresh); not needed once the job was started. */
  close(): void;
  readonly [PREPARED]: PreparedJob;
}

export async function loadJob(source: JobSource | LoadedJob, options: LoadOptions = {}): Promise<LoadedJob> {
  if (isLoaded(source)) return source;
  const logger = options.logger ?? createLogger({ level: 'warn' });
  const { config, warnings } = await parse(source, options);
  for (const w of warnings) logger.warn(w);
  const prepared = await prepareJob(config, logger);
  return {
    id: config.jobId,
    columns: prepared.plan.root.fields.map((f) => ({ name: f.name, type: typeToString(f.type) })),
    updating: prepared.plan.root.updating,
    config,
    warnings,
    close: () => prepared.registry?.close(),
    [PREPARED]: prepared,
  };
}

/** Everything `dirk validate` checks, without running: throws the first problem as a DirkError. */
export async function validateJob(source: JobSource, options: LoadOptions = {}): Promise<LoadedJob> {
  const job = await loadJob(source, options);
  try {
    validateSinkCompatibility(job[PREPARED]);
    // Scaled out: what the exchange cannot run, and transformers that keep state (as `dirk validate`).
    checkScaleOut(job[PREPARED]);
  } finally {
    job.close();
  }
  return job;
}

/** The plan `dirk explain` prints: operators, state, watermarks. */
export async function explainJob(source: JobSource, options: LoadOptions = {}): Promise<string> {
  const job = await loadJob(source, options);
  job.close();
  return explainPlanText(job[PREPARED].plan, physicalOptionsOf(job.config));
}

export interface StartOptions extends LoadOptions {
  /** Hands every result row to this function instead of the configured sink (awaited before checkpoints). */
  readonly onRow?: (change: Change) => void | Promise<void>;
  /** Makes the results available through `job.changes()` instead of the configured sink. */
  readonly changes?: boolean;
  /** Where checkpoints go; default .dirk/checkpoints/<job id> under the working directory (the CLI: next to the job file). */
  readonly checkpointDir?: string;
}

/** A running job. */
export interface DirkJob {
  readonly id: string;
  readonly columns: readonly Column[];
  /** Resolves when the job has ended (bounded input finished, or stop()); rejects with what stopped it. */
  readonly done: Promise<void>;
  /** Graceful stop: finish the batch in flight, take a final checkpoint, commit, close. */
  stop(): Promise<void>;
  /** The job's metrics in Prometheus text format (the same as its /metrics endpoint). */
  metrics(): Promise<string>;
  /** The /metrics URL when METRIC_TELEMETRY_ENABLE is on. */
  readonly metricsUrl: string | undefined;
  /** The results, in order (start with `{ changes: true }`); the loop ends when the job ends. */
  changes(): AsyncIterableIterator<Change>;
}

export async function startJob(source: JobSource | LoadedJob, options: StartOptions = {}): Promise<DirkJob> {
  const job = await loadJob(source, options);
  const logger = options.logger ?? createLogger({ level: 'warn' });
  let codeSink: CodeSink | undefined;
  const toCode = options.onRow !== undefined || options.changes === true;
  const running: RunningJob = await startPreparedJob(job[PREPARED], {
    logger,
    ...(options.checkpointDir ? { checkpointDir: resolve(options.checkpointDir) } : {}),
    ...(toCode
      ? {
          sink: {
            name: 'code',
            create: (columns, metrics) => (codeSink = createCodeSink({ columns, metrics, onRow: options.onRow })),
          },
        }
      : {}),
  });
  return {
    id: job.id,
    columns: job.columns,
    done: running.done,
    stop: () => running.stop(),
    metrics: () => running.telemetry.metrics(),
    metricsUrl: running.metricsUrl,
    changes() {
      if (!codeSink) throw new Error('changes(): start the job with { changes: true } to read its results in code');
      return codeSink.changes();
    },
  };
}

function isLoaded(source: JobSource | LoadedJob): source is LoadedJob {
  return typeof source === 'object' && PREPARED in source;
}

async function parse(source: JobSource, options: LoadOptions): Promise<{ config: JobConfig; warnings: string[] }> {
  if (typeof source === 'string') return loadJobConfigFile(resolve(source), options.env ? { env: options.env } : {});
  return parseJobConfig(source, { ...(options.env ? { env: options.env } : {}), ...(options.baseDir ? { baseDir: options.baseDir } : {}) });
}

export { createLogger, silentLogger } from '../core/logger.js';
