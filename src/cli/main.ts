#!/usr/bin/env node
import { resolve } from 'node:path';
import { createLogger, type Logger, type LogLevel } from '../core/logger.js';
import { redactText } from '../core/redact.js';
import { listenError } from '../core/listen-errors.js';
import { describeOrigins, loadLayeredJobConfig } from '../config/sources.js';
import { parseCommandLine, portOption, UsageError, type ParsedCommandLine } from './args.js';
import { checkJobFiles, checkJobForValidate } from './checks.js';
import { exitCodeOf, formatError, type ReportContext } from './report.js';
import { startProgress } from '../job/progress.js';
import { defaultCheckpointDir } from './checkpoint-dir.js';
import { runInitCommand } from './init-command.js';
import { runTestCommand } from './test-command.js';
import { dirkVersion } from './version.js';
import { explainJob, physicalOptionsOf } from '../job/explain-job.js';
import { explainPreprocessors } from '../processors/transformers/explain.js';
import { outputColumns, prepareJob, type PreparedJob } from '../job/prepare.js';
import { explainPostChain } from '../processors/chain.js';
import { startJob, validateSinkCompatibility } from '../job/stream-manager.js';
import { runTasks } from './tasks.js';
import { checkScaleOut, explainExchange, listJobTopics } from '../job/exchange/index.js';
import { userError } from '../core/errors.js';
import { startStencilServer } from '../schema/index.js';
import { PIPELINE_HELP, pipelineCommand, SERVE_HELP, serveCommand } from './serve-command.js';

/**
 * `dirk run | validate | explain | registry serve`. Exit codes: 0 ok, 2 user error (config, SQL, schema,
 * bad data under the FAIL policy), 1 internal or external error.
 */
const HELP: Record<string, string> = {
  serve: SERVE_HELP,
  pipeline: PIPELINE_HELP,
  main: `Dirk: a Dagger-style streaming SQL engine for Kafka.

Usage: dirk <command> [options]

Commands:
  run <job file>          run a job until its bounded input ends or SIGINT/SIGTERM (then drain, checkpoint, commit)
  validate <job file>     check config, schemas and SQL; no side effects
  explain <job file>      print the logical and physical plans
  topics <job file>       list a scaled-out job's internal topics (partitions, configs) on the broker
  init <folder>           write a runnable starter job (file source, window, UDF, test) into <folder>
  test <folder>           run golden test cases (.sql files: input rows, query, expected output); no broker
  registry serve <dir>    serve .proto files in <dir> as a Stencil-compatible registry (and Confluent's API for Avro)
  serve                   run the control plane: REST API, web UI, supervised jobs
  pipeline up|down|status <file>   manage a pipeline of jobs through 'dirk serve'

A job file is JSON, a Dagger local.properties, or a Flink SQL script (.sql: CREATE TABLE ... WITH, INSERT INTO;
docs/sql.md#flink-sql-scripts); --KEY value arguments and environment variables named
like config keys override it (docs/configuration.md). 'dirk --version' prints the version.
Run 'dirk <command> --help' for the options of a command.
Exit codes: 0 ok, 2 user error (config, SQL, schema, bad record), 1 internal or external error.`,
  run: `Usage: dirk run <job.json | local.properties | script.sql> [--KEY value ...] [--checkpoint-dir <dir>] [--watch-udfs] [--strict]

Runs the job. Bounded inputs (FILE_SOURCE, BOUNDED Kafka) end the job when read; unbounded ones run until
SIGINT or SIGTERM, when Dirk finishes the batch in flight, takes a checkpoint, commits the Kafka offsets of
that checkpoint and exits 0. A restart resumes from the last checkpoint (after a crash, records since that
checkpoint are read again and their output may repeat). A failed sink write, or more failed checkpoints in a
row than FLINK_CHECKPOINT_TOLERABLE_FAILURES, restarts the pipeline in the process from the last checkpoint
(FLINK_RESTART_ATTEMPTS times in a row, with backoff), then exits 1 without committing offsets past them.

Options:
  --checkpoint-dir <dir>  where checkpoints are kept (default .dirk/checkpoints/<FLINK_JOB_ID> in the job
                          file's folder; one left in the working directory by older versions is still used)
  --watch-udfs            reload a changed file of UDF_FOLDERS in the running job, keeping operator state
                          (as UDF_WATCH=true); a function whose signatures changed is not reloaded
  --KEY value             set a config key, over the job file and the environment (docs/configuration.md)
  --strict                config warnings (unknown keys, ...) are errors
  --progress-interval <s> log a progress line (records in/out, rates, watermark lag) every <s> seconds
                          (default 10; 0 = off; env DIRK_PROGRESS_INTERVAL_S); a summary is logged at the end
  --log-level <level>     debug | info | warn | error (default info; env DIRK_LOG_LEVEL)
Logs go to stderr as text, or one JSON object per line with DIRK_LOG_FORMAT=json.`,
  validate: `Usage: dirk validate <job.json | local.properties | script.sql> [--KEY value ...] [--strict]

Parses the job config, loads the schemas (local .proto files or the Stencil registry), loads UDFs, plans
the SQL, checks that input files exist and warns for output columns the sink does not write. Prints
warnings and 'ok', or the errors, and exits 0 or 2. Starts nothing. --strict makes config warnings errors.`,
  explain: `Usage: dirk explain <job.json | local.properties | script.sql> [--KEY value ...] [--strict]

Prints the plan the job would run: operators, windows, the columns each source decodes, and the output schema.`,
  topics: `Usage: dirk topics <job.json | local.properties | script.sql> [--KEY value ...] [--strict]

Lists the job's internal topics when it runs scaled out (DIRK_TASKS / FLINK_PARALLELISM > 1 or
DIRK_EXCHANGE_ENABLE): the repartition and changelog topics, with their partition counts next to the
source's and their configs as the broker has them. Exits 2 when one has another partition count than the
source (the job refuses to start with it); a missing one is created when the job starts.`,
  test: `Usage: dirk test <folder | case.sql> ... [--update] [--filter <text>]

Runs golden test cases: .sql files (searched recursively) that each give tables or a job file, a query,
input rows with event times and watermarks, and the expected changelog (or '---- fail' with the exact
error). No broker is needed: the query runs on the real operators in this process. UDF folders are loaded
('udf-folder <path>' in a case, or the job's UDF_FOLDERS). The format is in docs/testing.md.

Options:
  --update          rewrite each failing case's expected section with what the query produced (review the diff)
  --filter <text>   run only cases whose path contains <text>
Prints one line per case, a diff for each failure, and 'N passed, N failed'; exits 0 when all pass, else 1.`,
  init: `Usage: dirk init <folder> [--force]

Writes a runnable starter job into <folder>: job.json (a JSON-lines file source, a one-minute TUMBLE window),
data/rides.jsonl, a TypeScript UDF in udfs/, a golden test in tests/ and a README. Then, in that folder:
dirk run job.json, dirk test tests. A non-empty folder is refused unless --force.`,
  registry: `Usage: dirk registry serve <dir> [--port <port>] [--host <host>] [--namespace <ns>] [--name <name>]

Serves a FileDescriptorSet built from the .proto files under <dir> at Stencil's URL shapes:
  GET /v1beta1/namespaces/<ns>/schemas/<name>               latest version (binary FileDescriptorSet)
  GET /v1beta1/namespaces/<ns>/schemas/<name>/versions      {"versions":[1,...]}
  GET /v1beta1/namespaces/<ns>/schemas/<name>/versions/<n>  that version
Defaults: --host 127.0.0.1 --port 8000 --namespace dirk --name protos.
Publishing (POST /v1beta1/namespaces/<ns>/schemas/<name>) is off unless DIRK_REGISTRY_PUBLISH_TOKEN is set;
then a POST needs "Authorization: Bearer <token>". Request bodies are capped at 16 MiB.
The same port serves the Confluent Schema Registry API for Avro (subjects, versions, schemas by id,
compatibility, config; see docs/schemas.md); registering a schema follows the same token rule.`,
};

/** Set while a command runs, so an error report can quote the SQL and repeat the config warnings. */
const reportContext: ReportContext = {};

async function load(cmd: ParsedCommandLine, logger: Logger, briefNetwork = false): Promise<PreparedJob> {
  const file = cmd.positionals[0];
  if (cmd.positionals.length > 1) throw new UsageError(`expected one job file, found ${cmd.positionals.length}: ${cmd.positionals.join(' ')}`);
  const path = file === undefined ? undefined : resolve(file);
  const loaded = await loadLayeredJobConfig({
    ...(path !== undefined ? { path } : {}),
    env: process.env,
    args: cmd.configArgs,
    strict: cmd.options['strict'] === true,
  });
  logger.debug(describeOrigins(loaded, file));
  for (const w of loaded.warnings) logger.warn(w);
  reportContext.sql = loaded.config.sqlQuery;
  // validate / explain: network checks try briefly and report (src/job/prepare.ts BRIEF_NETWORK).
  const job = await prepareJob(loaded.config, logger, { briefNetwork });
  delete reportContext.sql;
  return job;
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** --progress-interval <seconds> (or DIRK_PROGRESS_INTERVAL_S): how often a running job logs progress; 0 = never. */
function progressIntervalMs(given: string | boolean | undefined): number {
  const text = typeof given === 'string' ? given : process.env['DIRK_PROGRESS_INTERVAL_S'];
  if (text === undefined || text === '') return 10_000;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) {
    throw new UsageError(`${typeof given === 'string' ? '--progress-interval' : 'DIRK_PROGRESS_INTERVAL_S'}: expected seconds >= 0 (0 turns progress lines off), found "${text}"`);
  }
  return Math.round(n * 1000);
}

function logLevelOf(cmd: ParsedCommandLine): LogLevel | undefined {
  const given = cmd.options['log-level'];
  const level = typeof given === 'string' ? given : process.env['DIRK_LOG_LEVEL'];
  if (level === undefined || level === '') return undefined;
  const hit = LOG_LEVELS.find((l) => l === level.toLowerCase());
  if (!hit) {
    const key = typeof given === 'string' ? '--log-level' : 'DIRK_LOG_LEVEL';
    throw new UsageError(`${key}: expected one of ${LOG_LEVELS.join(', ')}, found "${level}"`);
  }
  return hit;
}

export async function main(argv: string[]): Promise<number> {
  const cmd = parseCommandLine(argv);
  const { command, positionals: rest, options } = cmd;
  if (command === 'version') {
    process.stdout.write(`dirk ${dirkVersion()}\n`);
    return 0;
  }
  const level = logLevelOf(cmd);
  const logger = createLogger(level ? { level } : {});
  if (!command) {
    process.stdout.write(`${HELP['main']}\n`);
    return options['help'] === true ? 0 : 2;
  }
  if (!(command in HELP)) {
    process.stderr.write(`error: unknown command "${command}" (commands: ${Object.keys(HELP).filter((c) => c !== 'main').join(', ')}; see dirk --help)\n`);
    return 2;
  }
  if (options['help'] === true) {
    process.stdout.write(`${HELP[command]}\n`);
    return 0;
  }
  switch (command) {
    case 'validate': {
      const job = await load(cmd, logger, true);
      try {
        validateSinkCompatibility(job);
        // Scaled out: a query shape the exchange cannot run is refused here as it would be at start.
        checkScaleOut(job);
        const report = await checkJobForValidate(job);
        for (const w of report.warnings) logger.warn(w);
        if (report.errors.length > 0) throw report.errors.length === 1 ? report.errors[0]! : new UsageError(`${report.errors.length} problems:\n${report.errors.map((e) => `  - ${e.message}`).join('\n')}`);
      } finally {
        job.registry?.close();
      }
      const output = job.plan.branches
        ? `${job.plan.branches.length} INSERTs (${job.plan.branches.map((b) => `${b.target}: ${b.root.fields.length} column(s)`).join(', ')})`
        : `${outputColumns(job).length} output column(s)`;
      process.stdout.write(`ok: ${job.config.streams.length} stream(s), ${output}, sink ${job.config.sinks.map((k) => k.type).join(', ')}\n`);
      return 0;
    }
    case 'explain': {
      const job = await load(cmd, logger, true);
      job.registry?.close();
      process.stdout.write(`${explainPreprocessors(job.transformers.preprocessors)}${explainJob(job.plan, physicalOptionsOf(job.config))}${explainExchange(job)}${explainPostChain(job.post)}\n`);
      return 0;
    }
    case 'topics': {
      const job = await load(cmd, logger, true);
      job.registry?.close();
      const listed = await listJobTopics(job, logger);
      process.stdout.write(listed.text);
      if (listed.problems.length > 0) throw userError(listed.problems.join('\n'));
      return 0;
    }
    case 'run': {
      const job = await load(cmd, logger);
      await checkJobFiles(job);
      const progressMs = progressIntervalMs(options['progress-interval']);
      const jobLogger = logger.child({ job: job.config.jobId });
      const dir = options['checkpoint-dir'];
      if (job.config.tasks > 1) {
        job.registry?.close();
        const ckpt = typeof dir === 'string' ? resolve(dir) : resolve('.dirk', 'checkpoints', job.config.jobId.replace(/[^A-Za-z0-9._-]/g, '_'));
        return runTasks(job, argv, ckpt, progressMs, jobLogger);
      }
      const running = await startJob(job, {
        logger: jobLogger,
        checkpointDir: typeof dir === 'string' ? resolve(dir) : defaultCheckpointDir(cmd.positionals[0], job.config.jobId, jobLogger),
        ...(options['watch-udfs'] === true ? { watchUdfs: true } : {}),
      });
      jobLogger.info(`job "${job.config.jobId}" running`);
      const progress = startProgress(running.telemetry, jobLogger, progressMs);
      let signals = 0;
      const onSignal = (sig: string): void => {
        signals++;
        if (signals > 1) {
          jobLogger.warn(`${sig} again: exiting without a final checkpoint`);
          process.exit(1);
        }
        jobLogger.info(`${sig} received`);
        // A failure (of the final checkpoint, say) is reported through running.done below.
        running.stop().catch(() => undefined);
      };
      process.on('SIGINT', () => onSignal('SIGINT'));
      process.on('SIGTERM', () => onSignal('SIGTERM'));
      try {
        await running.done;
      } finally {
        await progress.finish().catch(() => undefined);
      }
      jobLogger.info('job finished');
      return 0;
    }
    case 'test': {
      if (rest.length === 0) throw new UsageError('usage: dirk test <folder | case.sql> ... [--update]');
      return runTestCommand(rest, {
        update: options['update'] === true,
        ...(typeof options['filter'] === 'string' ? { filter: options['filter'] } : {}),
      });
    }
    case 'init': {
      if (rest.length !== 1) throw new UsageError('usage: dirk init <folder> [--force]');
      const files = await runInitCommand(rest[0]!, { force: options['force'] === true });
      process.stdout.write(`wrote ${files.join(', ')} in ${rest[0]}\nnext: cd ${rest[0]} && dirk run job.json && dirk test tests\n`);
      return 0;
    }
    case 'serve':
      return serveCommand(options, logger);
    case 'pipeline':
      return pipelineCommand(rest, options);
    case 'registry': {
      if (rest[0] !== 'serve' || !rest[1] || rest.length > 2) throw new UsageError('usage: dirk registry serve <dir> [--port <port>] [--host <host>]');
      const port = portOption(options['port'], '--port', 8000);
      const host = typeof options['host'] === 'string' ? options['host'] : '127.0.0.1';
      const server = await startStencilServer({
        dir: resolve(rest[1]),
        host,
        port,
        ...(typeof options['namespace'] === 'string' ? { namespace: options['namespace'] } : {}),
        ...(typeof options['name'] === 'string' ? { name: options['name'] } : {}),
        // Publishing (POST) only with a token, taken from the environment so it never shows in `ps`.
        ...(process.env['DIRK_REGISTRY_PUBLISH_TOKEN'] ? { publishToken: process.env['DIRK_REGISTRY_PUBLISH_TOKEN'] } : {}),
      }).catch((e: unknown) => {
        throw listenError(e, { portKey: '--port', hostKey: '--host', host, port, what: 'the registry' });
      });
      process.stdout.write(`registry serving ${rest[1]} at ${server.url}\n`);
      await new Promise<void>((done) => {
        const stop = (): void => {
          void server.close().then(done);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function report(e: unknown): number {
  // Secrets never reach the terminal (src/core/redact.ts).
  process.stderr.write(redactText(formatError(e, reportContext)));
  return exitCodeOf(e);
}

/**
 * Everything the job opened is closed before main settles, so the process normally ends by itself. A handle
 * a library keeps (a reconnect timer, a socket) must not keep a finished or failed job alive: exit anyway.
 */
const EXIT_GRACE_MS = 5_000;

function exitSoon(code: number): void {
  process.exitCode = code;
  setTimeout(() => {
    process.stderr.write(`dirk: still running ${EXIT_GRACE_MS / 1000} s after the command ended; exiting with code ${code}\n`);
    process.exit(code);
  }, EXIT_GRACE_MS).unref();
}

main(process.argv.slice(2)).then(
  (code) => {
    // `registry serve` and a running job end here only when they are done; anything left is a leak.
    exitSoon(code);
  },
  (e) => {
    exitSoon(report(e));
  },
);
