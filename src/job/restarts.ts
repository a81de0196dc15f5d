/**
 * In-process restarts (FLINK_RESTART_*): when a running pipeline fails for an external reason (a broker
 * outage that outlasted the Kafka clients' own retries: a lost sink write, a crashed consumer, checkpoints
 * failing past their tolerance), it is closed and opened again, which restores the last completed
 * checkpoint (state, watermarks, source positions) exactly as a restart of the process would. Output
 * written after that checkpoint may repeat (at-least-once); no input is lost, because offsets are
 * committed only for completed checkpoints.
 *
 * Waits double from FLINK_RESTART_BACKOFF_MS up to FLINK_RESTART_BACKOFF_MAX_MS; a pipeline that cannot
 * even start again (the broker still down) counts as one more failure. After FLINK_RESTART_ATTEMPTS
 * failures in a row the job ends with the last failure; a checkpoint completed after a restart resets the
 * count. User and internal errors, and failures of the very first start, end the job at once.
 */
import { DirkError, externalError, mayRetry } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Telemetry } from '../telemetry/index.js';
import type { JobHealth } from './health.js';
import { errorDomain } from './job-metrics.js';

export interface RestartPolicy {
  readonly attempts: number;
  readonly backoffMs: number;
  readonly backoffMaxMs: number;
}

/** One pipeline, as runJob returns it. */
export interface Attempt {
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

export interface SuperviseOptions<A extends Attempt> {
  /** Opens and runs a pipeline (restoring the last checkpoint); rejects when it cannot start. */
  readonly start: () => Promise<A>;
  readonly restart: RestartPolicy;
  readonly logger: Logger;
  readonly telemetry: Telemetry;
  readonly metricsUrl: string | undefined;
  readonly health: JobHealth;
  /** Closes what outlives the pipelines (metrics server, registry) once the job has ended. */
  readonly close: () => Promise<void>;
  readonly sleep?: (ms: number, wake: Promise<void>) => Promise<void>;
}

export interface SupervisedJob {
  readonly done: Promise<void>;
  stop(): Promise<void>;
  readonly metricsUrl: string | undefined;
  readonly telemetry: Telemetry;
}

/** Whether a failed pipeline is restarted: when a retry may help (core/errors.ts `mayRetry`, the one rule). */
export const restartable = mayRetry;

const defaultSleep = (ms: number, wake: Promise<void>): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void wake.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });

export async function superviseRestarts<A extends Attempt>(o: SuperviseOptions<A>): Promise<SupervisedJob> {
  const { restart, logger, health } = o;
  const sleep = o.sleep ?? defaultSleep;
  let current = await o.start();
  let stopRequested = false;
  let wakeUp!: () => void;
  const woken = new Promise<void>((r) => (wakeUp = r));
  /** Checkpoints completed by the current pipeline: one resets the count of failures in a row. */
  let completedAtStart = 0;
  const completedNow = (): number => health.checkpointsCompleted;

  const done = (async () => {
    let inARow = 0;
    try {
      for (;;) {
        let failure: unknown;
        try {
          await current.done;
          health.stopped('the job has stopped');
          return;
        } catch (e) {
          failure = e;
        }
        if (stopRequested || !restartable(failure)) throw failure;
        if (completedNow() > completedAtStart) inARow = 0;
        // Restart until a pipeline starts, or the budget is used up.
        for (;;) {
          inARow++;
          const message = (failure as Error).message;
          if (inARow > restart.attempts) {
            throw restart.attempts === 0 ? failure : exhausted(failure, restart.attempts);
          }
          const wait = Math.min(restart.backoffMaxMs, restart.backoffMs * 2 ** (inARow - 1));
          logger.warn(`the job failed (${message}); restarting from the last checkpoint in ${wait} ms (restart ${inARow} of FLINK_RESTART_ATTEMPTS=${restart.attempts})`);
          health.restartingAfter(message);
          await sleep(wait, woken);
          if (stopRequested) {
            health.stopped('the job was stopped while restarting');
            return;
          }
          o.telemetry.restarts().inc();
          try {
            completedAtStart = completedNow();
            current = await o.start();
            logger.info(`restarted (restart ${inARow} of ${restart.attempts})`);
            break;
          } catch (e) {
            if (!restartable(e)) throw e;
            failure = e;
          }
        }
      }
    } catch (e) {
      health.stopped(`the job has failed: ${(e as Error).message}`);
      o.telemetry.error(errorDomain(e), true);
      throw e;
    } finally {
      await o.close();
    }
  })();
  done.catch(() => undefined);

  return {
    done,
    metricsUrl: o.metricsUrl,
    telemetry: o.telemetry,
    async stop() {
      stopRequested = true;
      wakeUp();
      await current.stop();
      await done.catch(() => undefined);
    },
  };
}

function exhausted(failure: unknown, attempts: number): DirkError {
  return externalError(
    `${(failure as Error).message} (after ${attempts} in-process restart(s) in a row, FLINK_RESTART_ATTEMPTS=${attempts}; ` +
      `a restart of the job resumes from its last completed checkpoint)`,
    { cause: failure },
  );
}
