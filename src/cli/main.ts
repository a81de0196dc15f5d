#!/usr/bin/env node
import { resolve } from 'node:path';
import { DirkError } from '../core/errors.js';
import { checkJobFile, errorText, exitCodeOf } from './check.js';
import { createLogger, type Logger } from '../core/logger.js';
import { loadJobConfigFile } from '../config/index.js';
import { prepareJob, type PreparedJob } from '../job/prepare.js';
import { startJob } from '../job/stream-manager.js';
import { startStencilServer } from '../schema/index.js';

/**
 * `dirk run | validate | explain | registry serve`. Exit codes: 0 ok, 2 user error (config, SQL, schema,
 * bad data under the FAIL policy), 1 internal or external error.
 */
const HELP: Record<string, string> = {
  main: `Dirk: a Dagger-style streaming SQL engine for Kafka.

Usage: dirk <command> [options]

Commands:
  run <job.json>          run a job until its bounded input ends or SIGINT/SIGTERM (then drain, checkpoint, commit)
  validate <job.json>     check config, schemas and SQL; no side effects
  explain <job.json>      print the logical and physical plans
  registry serve <dir>    serve .proto files in <dir> as a Stencil-compatible descriptor registry

Run 'dirk <command> --help' for the options of a command.
Exit codes: 0 ok, 2 user error (config, SQL, schema, bad record), 1 internal or external error.`,
  run: `Usage: dirk run <job.json> [--checkpoint-dir <dir>] [--watch-udfs]

Runs the job. Bounded inputs (FILE_SOURCE, BOUNDED Kafka) end the job when read; unbounded ones run until
SIGINT or SIGTERM, when Dirk finishes the batch in flight, takes a checkpoint, commits the Kafka offsets of
that checkpoint and exits 0. A restart resumes from the last checkpoint (after a crash, records since that
checkpoint are read again and their output may repeat). A failed sink write, or more failed checkpoints in a
row than FLINK_CHECKPOINT_TOLERABLE_FAILURES, stops the job with exit 1 without committing offsets past them.

Options:
  --checkpoint-dir <dir>  where checkpoints are kept (default .dirk/checkpoints/<FLINK_JOB_ID>)
  --watch-udfs            reload a changed file of UDF_FOLDERS in the running job, keeping operator state
                          (as UDF_WATCH=true); a function whose signatures changed is not reloaded
  --log-level <level>     debug | info | warn | error (default info; env DIRK_LOG_LEVEL)`,
  validate: `Usage: dirk validate <job.json>

Parses the job config, loads the schemas (local .proto files or the Stencil registry), loads UDFs, and plans
the SQL. Prints warnings and 'ok', or the errors, and exits 0 or 2. Starts nothing.`,
  explain: `Usage: dirk explain <job.json>

Prints the plan the job would run: operators, windows, the columns each source decodes, and the output schema.`,
  registry: `Usage: dirk registry serve <dir> [--port <port>] [--host <host>] [--namespace <ns>] [--name <name>]

Serves a FileDescriptorSet built from the .proto files under <dir> at Stencil's URL shapes:
  GET /v1beta1/namespaces/<ns>/schemas/<name>               latest version (binary FileDescriptorSet)
  GET /v1beta1/namespaces/<ns>/schemas/<name>/versions      {"versions":[1,...]}
  GET /v1beta1/namespaces/<ns>/schemas/<name>/versions/<n>  that version
Defaults: --host 127.0.0.1 --port 8000 --namespace dirk --name protos.
Publishing (POST /v1beta1/namespaces/<ns>/schemas/<name>) is off unless DIRK_REGISTRY_PUBLISH_TOKEN is set;
then a POST needs "Authorization: Bearer <token>". Request bodies are capped at 16 MiB.`,
};

interface Parsed {
  readonly positional: string[];
  readonly flags: Map<string, string | true>;
}

/** Flags that take no value, so `--watch-udfs job.json` does not read the job file as the flag's value. */
const BOOLEAN_FLAGS = new Set(['watch-udfs']);

function parseArgs(argv: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') flags.set('help', true);
    else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--') && !BOOLEAN_FLAGS.has(a.slice(2))) flags.set(a.slice(2), argv[++i]!);
      else flags.set(a.slice(2), true);
    } else positional.push(a);
  }
  return { positional, flags };
}

class UsageError extends DirkError {
  constructor(message: string) {
    super(message, { domain: 'user' });
  }
}

async function load(file: string | undefined, logger: Logger): Promise<PreparedJob> {
  if (!file) throw new UsageError('missing <job.json>');
  const { config, warnings } = await loadJobConfigFile(resolve(file));
  for (const w of warnings) logger.warn(w);
  return prepareJob(config, logger);
}

export async function main(argv: string[]): Promise<number> {
  const { positional, flags } = parseArgs(argv);
  const [command, ...rest] = positional;
  const level = (flags.get('log-level') as string | undefined) ?? process.env['DIRK_LOG_LEVEL'];
  const logger = createLogger(level ? { level: level as 'info' } : {});
  if (!command || (command && !(command in HELP) && flags.has('help'))) {
    process.stdout.write(`${HELP['main']}\n`);
    return command ? 2 : flags.has('help') ? 0 : 2;
  }
  if (flags.has('help')) {
    process.stdout.write(`${HELP[command] ?? HELP['main']}\n`);
    return 0;
  }
  switch (command) {
    case 'validate':
    case 'explain': {
      if (!rest[0]) throw new UsageError('missing <job.json>');
      // Network checks try briefly here (check.ts); the result is printed as the CLI always did.
      const result = await checkJobFile(command, rest[0], logger);
      process.stdout.write(result.stdout);
      process.stderr.write(result.stderr);
      return result.code;
    }
    case 'run': {
      const job = await load(rest[0], logger);
      const dir = flags.get('checkpoint-dir');
      const running = await startJob(job, {
        logger,
        ...(typeof dir === 'string' ? { checkpointDir: resolve(dir) } : {}),
        ...(flags.has('watch-udfs') ? { watchUdfs: flags.get('watch-udfs') !== 'false' } : {}),
      });
      logger.info(`job "${job.config.jobId}" running`);
      let signals = 0;
      const onSignal = (sig: string): void => {
        signals++;
        if (signals > 1) {
          logger.warn(`${sig} again: exiting without a final checkpoint`);
          process.exit(1);
        }
        logger.info(`${sig} received`);
        // A failure (of the final checkpoint, say) is reported through running.done below.
        running.stop().catch(() => undefined);
      };
      process.on('SIGINT', () => onSignal('SIGINT'));
      process.on('SIGTERM', () => onSignal('SIGTERM'));
      await running.done;
      logger.info('job finished');
      return 0;
    }
    case 'registry': {
      if (rest[0] !== 'serve' || !rest[1]) throw new UsageError('usage: dirk registry serve <dir>');
      const port = Number(flags.get('port') ?? 8000);
      const host = (flags.get('host') as string | undefined) ?? '127.0.0.1';
      const server = await startStencilServer({
        dir: resolve(rest[1]),
        host,
        port,
        ...(typeof flags.get('namespace') === 'string' ? { namespace: flags.get('namespace') as string } : {}),
        ...(typeof flags.get('name') === 'string' ? { name: flags.get('name') as string } : {}),
        // Publishing (POST) only with a token, taken from the environment so it never shows in `ps`.
        ...(process.env['DIRK_REGISTRY_PUBLISH_TOKEN'] ? { publishToken: process.env['DIRK_REGISTRY_PUBLISH_TOKEN'] } : {}),
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
      process.stderr.write(`unknown command "${command}"\n\n${HELP['main']}\n`);
      return 2;
  }
}

function report(e: unknown): number {
  process.stderr.write(errorText(e));
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
