import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from '../core/logger.js';

/**
 * Where `dirk run` keeps checkpoints without --checkpoint-dir: `.dirk/checkpoints/<job id>` next to the job
 * file, so a supervisor that starts the job from another working directory still finds its state. Before,
 * the folder was relative to the working directory; when only that old folder holds checkpoints, it is kept
 * (with a warning saying where to move it), so an upgrade never restarts a job with empty state.
 */
export function defaultCheckpointDir(jobFile: string | undefined, jobId: string, logger: Logger, cwd = process.cwd()): string {
  const safeId = jobId.replace(/[^A-Za-z0-9._-]/g, '_');
  const legacy = resolve(cwd, '.dirk', 'checkpoints', safeId);
  if (jobFile === undefined) return legacy;
  const beside = join(dirname(resolve(cwd, jobFile)), '.dirk', 'checkpoints', safeId);
  if (beside === legacy) return beside;
  if (!hasCheckpoints(beside) && hasCheckpoints(legacy)) {
    logger.warn(
      `checkpoints of this job are in ${legacy} (relative to the working directory, the old default); using them. ` +
        `The default is now next to the job file (${beside}): move the folder there, or pass --checkpoint-dir`,
    );
    return legacy;
  }
  return beside;
}

function hasCheckpoints(dir: string): boolean {
  if (!existsSync(dir)) return false;
  try {
    return readdirSync(dir).some((f) => f.endsWith('.ckpt'));
  } catch {
    return false;
  }
}
