import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DirkError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { readCheckpointHistory, type CheckpointRecord } from '../runtime/checkpoint-store.js';
import { checkJobConfig, type JobCheck } from './job-check.js';
import { deleteInternalTopics, jobInternalTopics } from './internal-topics.js';
import { maskInText, maskSecrets, secretValues } from './redact.js';
import type { DesiredState, JobEvent, JobRecord, JobRepository, JobState } from './repository/types.js';
import { JobSupervisor } from './supervisor.js';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The heart of `dirk serve`: the repository says which jobs exist and whether each should run; one
 * supervisor per job runs it. A status sync every `syncIntervalMs` reconciles the two (a job that should run
 * and has no process is started, one that should not is stopped) and records every state change with its
 * time and reason, so a restarted service resumes exactly the jobs that were running.
 */
export interface ControlPlaneOptions {
  readonly repository: JobRepository;
  /** Where job folders (job file, checkpoints, logs) live. */
  readonly dataDir: string;
  /** Working directory of job processes: relative paths in job configs resolve against it. */
  readonly cwd: string;
  readonly logger: Logger;
  readonly syncIntervalMs?: number;
  /** The built CLI the job processes run; default: this build's dist/src/cli/main.js. */
  readonly cliPath?: string;
  /** How long a delete with purge waits for the job's brokers to delete its internal topics (default 30 s). */
  readonly topicTimeoutMs?: number;
  readonly supervisor?: { maxRestarts?: number; backoffMinMs?: number; backoffMaxMs?: number; stopGraceMs?: number };
}

export interface JobView {
  readonly id: string;
  readonly desired: DesiredState;
  readonly state: JobState;
  readonly version: number;
  readonly pipeline?: string | undefined;
  readonly pid?: number | undefined;
  readonly startedAt?: string | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Secrets masked. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly lastEvent?: JobEvent | undefined;
}

export class ControlPlaneError extends DirkError {
  constructor(
    message: string,
    readonly status: number,
    readonly details?: readonly string[],
  ) {
    super(message, { domain: 'user' });
  }
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export class ControlPlane {
  private readonly supervisors = new Map<string, JobSupervisor>();
  private readonly lastEvents = new Map<string, JobEvent>();
  private syncTimer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly opts: ControlPlaneOptions) {}

  get repository(): JobRepository {
    return this.opts.repository;
  }

  /** Resume what should run and start the periodic status sync. */
  async start(): Promise<void> {
    await this.sync();
    const every = this.opts.syncIntervalMs ?? 10_000;
    this.syncTimer = setInterval(() => void this.sync(), every);
    this.syncTimer.unref();
  }

  /** Stop every job process (each takes its final checkpoint); the repository keeps their desired state. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.syncTimer);
    await this.syncing;
    await Promise.all([...this.supervisors.values()].map((s) => s.dispose()));
    this.supervisors.clear();
  }

  check(config: Readonly<Record<string, unknown>>): Promise<JobCheck> {
    return checkJobConfig(config, this.opts.cwd);
  }

  async list(): Promise<JobView[]> {
    return (await this.repository.list()).map((j) => this.view(j));
  }

  async get(id: string): Promise<JobView> {
    return this.view(await this.record(id));
  }

  async add(id: string, config: Record<string, unknown>, start: boolean, pipeline?: string): Promise<{ job: JobView; check: JobCheck }> {
    if (!ID.test(id)) throw new ControlPlaneError(`id: expected letters, digits, '.', '_' or '-' (at most 100, starting with a letter or digit), found "${id}"`, 400);
    if (await this.repository.get(id)) throw new ControlPlaneError(`job "${id}" exists already (PUT /api/jobs/${id} updates it)`, 409);
    const check = await this.check(config);
    if (!check.ok) throw new ControlPlaneError(`job "${id}" is not valid`, 422, check.errors);
    const now = new Date().toISOString();
    const rec: JobRecord = { id, config, desired: start ? 'running' : 'stopped', version: 1, pipeline, createdAt: now, updatedAt: now };
    await this.repository.put(rec);
    await this.event(id, 'created');
    if (start) await this.ensure(rec);
    return { job: this.view(rec), check };
  }

  /**
   * A new config for an existing job: the job stops with a final checkpoint and restarts on the new config.
   * When the new plan differs from the one its checkpoints were taken for, the state cannot be restored:
   * refused unless `dropState` (then the checkpoints are deleted and the job starts from its sources' start
   * offsets / committed group offsets).
   */
  async update(id: string, config: Record<string, unknown>, dropState: boolean): Promise<{ job: JobView; check: JobCheck }> {
    const old = await this.record(id);
    const check = await this.check(config);
    if (!check.ok) throw new ControlPlaneError(`job "${id}": the new config is not valid`, 422, check.errors);
    const oldCheck = await this.check(old.config);
    const sup = this.supervisors.get(id);
    const stateDir = sup?.checkpointDir ?? join(this.opts.dataDir, 'jobs', id, 'checkpoints');
    const hasState = await hasCheckpoints(stateDir);
    if (hasState && oldCheck.ok && oldCheck.fingerprint !== check.fingerprint && !dropState) {
      throw new ControlPlaneError(
        `job "${id}": the new query plans differently, so its checkpointed state cannot be restored; ` +
          'send dropState=true to start the new plan without the old state',
        409,
      );
    }
    if (sup) {
      await sup.dispose();
      this.supervisors.delete(id);
    }
    if (hasState && (dropState || !oldCheck.ok)) await rm(stateDir, { recursive: true, force: true });
    const rec: JobRecord = { ...old, config, version: old.version + 1, updatedAt: new Date().toISOString() };
    await this.repository.put(rec);
    await this.event(id, 'created', `updated to version ${rec.version}`);
    if (rec.desired === 'running') await this.ensure(rec);
    return { job: this.view(rec), check };
  }

  /**
   * Stop and delete a job. With `purge` its folder (checkpoints, logs) goes too, and the internal Kafka
   * topics its plan creates when scaled out (exactly those names, on the job's own brokers). When the
   * brokers cannot delete them within `topicTimeoutMs`, nothing is deleted: the job is kept, stopped, and
   * the error names the topics left, so the delete can be retried.
   */
  async remove(id: string, purge: boolean): Promise<{ topicsDeleted: string[] }> {
    const rec = await this.record(id);
    const sup = this.supervisors.get(id);
    if (sup) {
      await sup.dispose();
      this.supervisors.delete(id);
    }
    let topicsDeleted: string[] = [];
    if (purge) {
      try {
        const internal = await jobInternalTopics(rec.config, this.opts.cwd);
        if (internal) topicsDeleted = await deleteInternalTopics(internal, `dirk-serve-delete-${id}`, this.opts.topicTimeoutMs ?? 30_000);
      } catch (e) {
        const reason = maskInText((e as Error).message);
        await this.repository.put({ ...rec, desired: 'stopped', updatedAt: new Date().toISOString() });
        await this.event(id, 'stopped', `delete with purge failed: ${reason}`);
        throw new ControlPlaneError(`job "${id}" was stopped but not deleted: ${reason}; retry the delete, or delete without purge`, 502);
      }
    }
    await this.repository.delete(id);
    this.lastEvents.delete(id);
    if (purge) await rm(join(this.opts.dataDir, 'jobs', id), { recursive: true, force: true });
    this.opts.logger.info(`job ${id}: deleted${purge ? `, with its checkpoints and logs; internal topics deleted: ${topicsDeleted.join(', ') || 'none'}` : ''}`);
    return { topicsDeleted };
  }

  async setDesired(id: string, desired: DesiredState): Promise<JobView> {
    const rec = { ...(await this.record(id)), desired, updatedAt: new Date().toISOString() };
    await this.repository.put(rec);
    if (desired === 'running') await this.ensure(rec);
    else await this.supervisors.get(id)?.stop();
    return this.view(rec);
  }

  async restart(id: string): Promise<JobView> {
    const rec = { ...(await this.record(id)), desired: 'running' as const, updatedAt: new Date().toISOString() };
    await this.repository.put(rec);
    const sup = this.supervisors.get(id);
    if (sup) {
      await sup.dispose();
      this.supervisors.delete(id);
    }
    await this.ensure(rec);
    return this.view(rec);
  }

  async logs(id: string, limit: number): Promise<string[]> {
    await this.record(id);
    const sup = this.supervisors.get(id);
    if (sup) return sup.logs(limit);
    // Not running in this service process: the job's log file from an earlier run.
    try {
      const text = await readFile(join(this.opts.dataDir, 'jobs', id, 'job.log'), 'utf8');
      return text.split('\n').filter(Boolean).slice(-limit).map(maskInText);
    } catch {
      return [];
    }
  }

  /** The job's last completed checkpoints, newest first (from history.jsonl in its checkpoint folder). */
  async checkpoints(id: string, limit: number): Promise<CheckpointRecord[]> {
    await this.record(id);
    return readCheckpointHistory(this.supervisors.get(id)?.checkpointDir ?? join(this.opts.dataDir, 'jobs', id, 'checkpoints'), limit);
  }

  async events(id: string, limit: number): Promise<JobEvent[]> {
    await this.record(id);
    return this.repository.events(id, limit);
  }

  /** Prometheus text of the job's own /metrics, when it runs with telemetry on. */
  async metricsText(id: string): Promise<string | undefined> {
    await this.record(id);
    const port = this.supervisors.get(id)?.metricsPort;
    if (port === undefined) return undefined;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2_000) });
      return res.ok ? await res.text() : undefined;
    } catch {
      return undefined;
    }
  }

  /** One reconcile pass; passes never overlap. */
  sync(): Promise<void> {
    const run = this.syncing.then(async () => {
      if (this.closed) return;
      try {
        const jobs = await this.repository.list();
        const known = new Set(jobs.map((j) => j.id));
        for (const job of jobs) {
          if (job.desired === 'running') await this.ensure(job);
          else if (this.supervisors.get(job.id)?.pid !== undefined) await this.supervisors.get(job.id)!.stop();
        }
        // Jobs deleted by another service sharing the repository.
        for (const [id, sup] of this.supervisors) {
          if (!known.has(id)) {
            await sup.dispose();
            this.supervisors.delete(id);
          }
        }
      } catch (e) {
        this.opts.logger.warn(`status sync failed: ${maskInText((e as Error).message)}`);
      }
    });
    this.syncing = run;
    return run;
  }

  private async ensure(job: JobRecord): Promise<void> {
    let sup = this.supervisors.get(job.id);
    if (!sup) {
      const id = job.id;
      sup = new JobSupervisor({
        id,
        config: job.config,
        dataDir: this.opts.dataDir,
        cwd: this.opts.cwd,
        cliPath: this.opts.cliPath ?? defaultCliPath(),
        secrets: secretValues(job.config),
        onState: (state, reason) => void this.onState(id, state, reason),
        ...this.opts.supervisor,
      });
      this.supervisors.set(id, sup);
    }
    // Only a job that has no process and is not waiting for a restart is started here; failed and finished
    // jobs stay so until someone restarts them.
    if (sup.current === 'created' || sup.current === 'stopped') await sup.start();
  }

  /** A bounded job that finished should not run again when the service restarts: its desired state drops. */
  private async onState(id: string, state: JobState, reason?: string): Promise<void> {
    await this.event(id, state, reason);
    if (state !== 'finished') return;
    const rec = await this.repository.get(id).catch(() => undefined);
    if (rec && rec.desired === 'running') await this.repository.put({ ...rec, desired: 'stopped', updatedAt: new Date().toISOString() }).catch(() => undefined);
  }

  private async record(id: string): Promise<JobRecord> {
    const rec = await this.repository.get(id);
    if (!rec) throw new ControlPlaneError(`no job "${id}"`, 404);
    return rec;
  }

  private async event(jobId: string, state: JobState, reason?: string): Promise<void> {
    const e: JobEvent = { jobId, at: new Date().toISOString(), state, ...(reason ? { reason: maskInText(reason) } : {}) };
    this.lastEvents.set(jobId, e);
    this.opts.logger.info(`job ${jobId}: ${state}${e.reason ? ` (${e.reason})` : ''}`);
    try {
      await this.repository.addEvent(e);
    } catch (err) {
      this.opts.logger.warn(`cannot record an event of job ${jobId}: ${(err as Error).message}`);
    }
  }

  private view(rec: JobRecord): JobView {
    const sup = this.supervisors.get(rec.id);
    const last = this.lastEvents.get(rec.id);
    return {
      id: rec.id,
      desired: rec.desired,
      state: sup?.current ?? (rec.desired === 'running' ? 'starting' : last?.state === 'created' || !last ? 'stopped' : last.state),
      version: rec.version,
      pipeline: rec.pipeline,
      pid: sup?.pid,
      startedAt: sup?.startedAt,
      createdAt: rec.createdAt,
      updatedAt: rec.updatedAt,
      config: maskSecrets(rec.config) as Record<string, unknown>,
      lastEvent: last,
    };
  }
}

async function hasCheckpoints(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).some((f) => f.endsWith('.ckpt'));
  } catch {
    return false;
  }
}

/** dist/src/cli/main.js of this build, whether this file runs from dist/ or (in tests) from src/. */
export function defaultCliPath(): string {
  const here = fileURLToPath(import.meta.url);
  const root = here.includes(`${join('dist', 'src')}`) ? here.slice(0, here.indexOf(join('dist', 'src'))) : join(here, '..', '..', '..');
  return join(root, 'dist', 'src', 'cli', 'main.js');
}
