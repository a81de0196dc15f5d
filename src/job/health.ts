/**
 * What GET /healthz answers for a running job: 200 `{"status":"ok"}`, or 503 with the reasons, when
 *  - a source has not reached its broker for longer than METRICS_HEALTH_UNREACHABLE_MS (the Kafka source
 *    reports every fetch and heartbeat, and every crash of its consumer, through SourceContext.connected),
 *  - a sink flush has waited longer than that for the external system's acknowledgement, or a flush failed,
 *  - METRICS_HEALTH_CHECKPOINT_FAILURES checkpoints in a row failed,
 *  - the job is between two in-process restarts (FLINK_RESTART_*), or has stopped.
 * The state lives across restarts of the pipeline (one JobHealth per job), fed by the pipeline's parts.
 */
export interface HealthReport {
  readonly healthy: boolean;
  readonly status: 'ok' | 'unhealthy';
  readonly reasons: readonly string[];
  readonly since?: string;
}

export interface HealthOptions {
  /** A source unreachable, or a sink flush unacknowledged, longer than this (ms) is unhealthy. */
  readonly unreachableMs: number;
  /** This many consecutive failed checkpoints are unhealthy (0: never). */
  readonly checkpointFailures: number;
  readonly now?: () => number;
}

export class JobHealth {
  /** table -> since when its source has not reached the broker, and why. */
  private readonly down = new Map<string, { since: number; reason: string }>();
  /** table -> when its source last heard from the broker. */
  private readonly lastUp = new Map<string, number>();
  private flushStartedAt: number | undefined;
  private flushError: string | undefined;
  private failedCheckpoints = 0;
  private completed = 0;
  private restarting: { since: number; reason: string } | undefined;
  private ended: string | undefined;
  private readonly now: () => number;

  constructor(private readonly o: HealthOptions) {
    this.now = o.now ?? Date.now;
  }

  /** A source reached its broker (up) or lost it (down, with the client's error). */
  source(table: string, up: boolean, reason?: string): void {
    const now = this.now();
    if (up) {
      this.down.delete(table);
      this.lastUp.set(table, now);
      return;
    }
    // The client notices after its own retries; the broker has been gone since it last answered.
    const d = this.down.get(table);
    if (d) d.reason = reason ?? d.reason;
    else this.down.set(table, { since: this.lastUp.get(table) ?? now, reason: reason ?? 'unreachable' });
  }

  /** Wraps the output flush: its duration and outcome are what the sink's health is. */
  async flush<T>(run: () => Promise<T>): Promise<T> {
    const started = this.now();
    this.flushStartedAt ??= started;
    try {
      const r = await run();
      this.flushError = undefined;
      return r;
    } catch (e) {
      this.flushError = (e as Error).message;
      throw e;
    } finally {
      if (this.flushStartedAt === started) this.flushStartedAt = undefined;
    }
  }

  checkpointCompleted(): void {
    this.failedCheckpoints = 0;
    this.completed++;
  }

  /** Checkpoints completed since the job started (across restarts). */
  get checkpointsCompleted(): number {
    return this.completed;
  }

  checkpointFailed(): void {
    this.failedCheckpoints++;
  }

  /** The pipeline failed and restarts after a backoff (cleared by `running`). */
  restartingAfter(reason: string): void {
    this.restarting = { since: this.now(), reason };
  }

  /** A (new) pipeline is running: what the old one saw no longer holds. */
  running(): void {
    this.restarting = undefined;
    this.down.clear();
    this.flushStartedAt = undefined;
    this.flushError = undefined;
  }

  /** The job has ended (stopped or failed for good). */
  stopped(reason: string): void {
    this.ended = reason;
  }

  report(): HealthReport {
    const now = this.now();
    const reasons: string[] = [];
    let since: number | undefined;
    const note = (at: number): void => {
      since = since === undefined ? at : Math.min(since, at);
    };
    const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
    if (this.ended !== undefined) reasons.push(this.ended);
    if (this.restarting) {
      reasons.push(`restarting from the last checkpoint after: ${this.restarting.reason}`);
      note(this.restarting.since);
    }
    for (const [table, d] of this.down) {
      if (now - d.since <= this.o.unreachableMs) continue;
      reasons.push(`source ${table}: broker unreachable for ${secs(now - d.since)} (${d.reason})`);
      note(d.since);
    }
    if (this.flushStartedAt !== undefined && now - this.flushStartedAt > this.o.unreachableMs) {
      reasons.push(`sink: a flush has waited ${secs(now - this.flushStartedAt)} for acknowledgement`);
      note(this.flushStartedAt);
    }
    if (this.flushError !== undefined) reasons.push(`sink: the last flush failed: ${this.flushError}`);
    if (this.o.checkpointFailures > 0 && this.failedCheckpoints >= this.o.checkpointFailures) {
      reasons.push(`${this.failedCheckpoints} checkpoints in a row failed`);
    }
    const healthy = reasons.length === 0;
    return {
      healthy,
      status: healthy ? 'ok' : 'unhealthy',
      reasons,
      ...(since !== undefined ? { since: new Date(since).toISOString() } : {}),
    };
  }
}
