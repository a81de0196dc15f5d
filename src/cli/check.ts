/**
 * `dirk validate` and `dirk explain` as functions: read the job file, prepare it (schemas, UDFs, plan) with
 * brief network checks, and return the exit code and the text the CLI prints. The CLI calls these; the fuzz
 * test calls them in-process over hundreds of inputs (no child process per case).
 */
import { resolve } from 'node:path';
import { DirkError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { redactText } from '../core/redact.js';
import { loadJobConfigFile } from '../config/index.js';
import { explainJob, physicalOptionsOf } from '../job/explain-job.js';
import { BRIEF_NETWORK, prepareJob, type PreparedJob } from '../job/prepare.js';
import { validateSinkCompatibility } from '../job/stream-manager.js';

export interface CheckResult {
  /** 0 ok, 2 the user's mistake, 1 an external system (or an internal error). */
  readonly code: 0 | 1 | 2;
  readonly stdout: string;
  readonly stderr: string;
}

export async function loadPrepared(file: string, logger: Logger, briefNetwork: boolean): Promise<PreparedJob> {
  const { config, warnings } = await loadJobConfigFile(resolve(file));
  for (const w of warnings) logger.warn(w);
  try {
    return await prepareJob(config, logger, { briefNetwork });
  } catch (e) {
    if (briefNetwork && e instanceof DirkError && e.domain === 'external' && e.key === 'SCHEMA_REGISTRY_STENCIL_URLS') {
      throw new DirkError(
        `${e.message} (validate and explain try ${BRIEF_NETWORK.retries + 1} times with a ${BRIEF_NETWORK.timeoutMs / 1000} s timeout; ` +
          '`dirk run` uses SCHEMA_REGISTRY_STENCIL_FETCH_RETRIES and SCHEMA_REGISTRY_STENCIL_FETCH_TIMEOUT_MS)',
        { domain: 'external', key: e.key, cause: e },
      );
    }
    throw e;
  }
}

export async function checkJobFile(command: 'validate' | 'explain', file: string, logger: Logger): Promise<CheckResult> {
  try {
    const job = await loadPrepared(file, logger, true);
    try {
      if (command === 'validate') {
        validateSinkCompatibility(job);
        return { code: 0, stdout: `ok: ${job.config.streams.length} stream(s), ${job.plan.root.fields.length} output column(s), sink ${job.config.sink.type}\n`, stderr: '' };
      }
      return { code: 0, stdout: `${explainJob(job.plan, physicalOptionsOf(job.config))}\n`, stderr: '' };
    } finally {
      job.registry?.close();
    }
  } catch (e) {
    return { code: exitCodeOf(e), stdout: '', stderr: errorText(e) };
  }
}

export function exitCodeOf(e: unknown): 1 | 2 {
  return e instanceof DirkError && e.domain === 'user' ? 2 : 1;
}

/** The line(s) the CLI prints for an error: secrets redacted; a stack only for internal errors. */
export function errorText(e: unknown): string {
  if (e instanceof DirkError && e.domain === 'user') return `error: ${redactText(e.message)}\n`;
  if (e instanceof DirkError && e.domain === 'external') return `error (external): ${redactText(e.message)}\n`;
  return `internal error: ${redactText((e as Error)?.stack ?? String(e))}\n`;
}
