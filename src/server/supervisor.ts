import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { JobState } from './repository/types.js';
import { scrub } from './redact.js';

/**
 * Runs one job as a supervised child process (`dirk run`), so a job that crashes, leaks or is killed takes
 * nothing else down with it, and its checkpoints make a restart cheap. The child gets its own folder
 * (`<data>/jobs/<id>`: the job file it runs, its checkpoints and its log) and its own metrics port, which
 * the control plane scrapes for the UI.
 *
 * Restart policy: exit 1 (an external or internal failure: broker gone, sink refused a write) is restarted
 * with exponential backoff; exit 2 (a user error: bad config, bad SQL, a bad record under FAIL) is not,
 * because the same config fails the same way; after `maxRestarts` restarts within `restartWindowMs` the job
 * is left failed. Exit 0 of a bounded job is "finished".
 */
export interface SupervisorOptions {
  readonly id: string;
  /** The config to run, secrets included. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly dataDir: string;
  readonly cliPath: string;
  readonly cwd: string;
  readonly secrets: ReadonlySet<string>;
  readonly onState: (state: JobState, reason?: string) => void;
  readonly maxRestarts?: number;
  readonly restartWindowMs?: number;
  readonly backoffMinMs?: number;
  readonly backoffMaxMs?: number;
  readonly stopGraceMs?: number;
  readonly env?: Readonly<Record<string, string>>;
}

const LOG_LINES_KEPT = 2_000;

export class JobSupervisor {
  private child: ChildProcess | undefined;
  private state: JobState = 'created';
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly restarts: number[] = [];
  private readonly logLines: string[] = [];
  private logFile: WriteStream | undefined;
  private exited: Promise<void> = Promise.resolve();
  private lastError = '';
  /** Port of the running child's /metrics, when telemetry is on. */
  metricsPort: number | undefined;
  startedAt: string | undefined;
  readonly dir: string;

  constructor(private readonly opts: SupervisorOptions) {
    this.dir = join(opts.dataDir, 'jobs', opts.id);
  }

  get current(): JobState {
    return this.state;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get checkpointDir(): string {
    return join(this.dir, 'checkpoints');
  }

  /** The last `limit` lines the job printed (secrets scrubbed). */
  logs(limit = 200): string[] {
    return this.logLines.slice(-limit);
  }

  async start(): Promise<void> {
    if (this.child) return;
    this.stopping = false;
    clearTimeout(this.restartTimer);
    await mkdir(this.dir, { recursive: true });
    this.logFile ??= createWriteStream(join(this.dir, 'job.log'), { flags: 'a' });
    const telemetry = String(this.opts.config['METRIC_TELEMETRY_ENABLE'] ?? 'true') !== 'false';
    this.metricsPort = telemetry ? await freePort() : undefined;
    const config = { ...this.opts.config, ...(this.metricsPort !== undefined ? { METRICS_PORT: this.metricsPort, METRICS_HOST: '127.0.0.1' } : {}) };
    const jobFile = join(this.dir, 'job.json');
    await writeFile(jobFile, JSON.stringify(config, null, 2), { mode: 0o600 });
    this.setState('starting');
    const child = spawn(process.execPath, [this.opts.cliPath, 'run', jobFile, '--checkpoint-dir', this.checkpointDir], {
      cwd: this.opts.cwd,
      env: { ...process.env, ...this.opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.startedAt = new Date().toISOString();
    this.exited = new Promise((resolve) => child.once('close', (code, signal) => {
      this.onExit(code, signal);
      resolve();
    }));
    child.once('error', (e) => this.record(`[supervisor] cannot start the job process: ${e.message}`));
    for (const stream of [child.stdout, child.stderr]) {
      let pending = '';
      stream?.setEncoding('utf8').on('data', (chunk: string) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) this.onLine(line);
      });
      stream?.on('end', () => {
        if (pending) this.onLine(pending);
      });
    }
  }

  /** SIGTERM (the job drains, checkpoints, commits), then SIGKILL after the grace period. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const child = this.child;
    if (!child) {
      if (this.state !== 'finished' && this.state !== 'failed') this.setState('stopped');
      return;
    }
    // A second SIGTERM makes `dirk run` exit without its final checkpoint: signal once, then only wait.
    if (this.state === 'stopping') {
      await this.exited;
      return;
    }
    this.setState('stopping');
    child.kill('SIGTERM');
    const grace = this.opts.stopGraceMs ?? 30_000;
    const killer = setTimeout(() => child.kill('SIGKILL'), grace);
    await this.exited;
    clearTimeout(killer);
  }

  /** Stop, then let go of the log file. */
  async dispose(): Promise<void> {
    await this.stop();
    await new Promise<void>((resolve) => (this.logFile ? this.logFile.end(resolve) : resolve()));
    this.logFile = undefined;
  }

  private onLine(raw: string): void {
    const line = scrub(raw, this.opts.secrets);
    this.record(line);
    if (/^error|ERROR|internal error/.test(line)) this.lastError = line;
    if (this.state === 'starting' && /running/.test(line)) this.setState('running');
  }

  private record(line: string): void {
    this.logLines.push(line);
    if (this.logLines.length > LOG_LINES_KEPT) this.logLines.splice(0, this.logLines.length - LOG_LINES_KEPT);
    this.logFile?.write(`${line}\n`);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.child = undefined;
    this.metricsPort = undefined;
    const how = signal ? `killed by ${signal}` : `exit ${code}`;
    this.record(`[supervisor] job process ended: ${how}`);
    if (this.stopping) {
      this.setState('stopped');
      return;
    }
    if (code === 0) {
      this.setState('finished');
      return;
    }
    const reason = `${how}${this.lastError ? `: ${this.lastError}` : ''}`;
    if (code === 2) {
      this.setState('failed', `${reason} (a user error: fix the config and update the job; not restarted)`);
      return;
    }
    const now = Date.now();
    const window = this.opts.restartWindowMs ?? 10 * 60_000;
    while (this.restarts.length && this.restarts[0]! < now - window) this.restarts.shift();
    const max = this.opts.maxRestarts ?? 5;
    if (this.restarts.length >= max) {
      this.setState('failed', `${reason} (${max} restarts within ${Math.round(window / 1000)} s; not restarted again)`);
      return;
    }
    const min = this.opts.backoffMinMs ?? 1_000;
    const delay = Math.min(this.opts.backoffMaxMs ?? 60_000, min * 2 ** this.restarts.length);
    this.restarts.push(now);
    this.setState('restarting', `${reason}; restart ${this.restarts.length} of ${max} in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.stopping) void this.start().catch((e: Error) => this.setState('failed', `restart failed: ${e.message}`));
    }, delay);
  }

  private setState(state: JobState, reason?: string): void {
    this.state = state;
    this.opts.onState(state, reason);
  }
}

/** A port nobody listens on now (bind port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
