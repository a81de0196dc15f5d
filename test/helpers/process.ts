// Spawns the built CLI (dist/src/cli/main.js, made by `npm run build`) the way a user runs it.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI_PATH = path.join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

export interface CliOptions {
  /** Added to (and overriding) the parent's environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Written to stdin, which is then closed. Without it stdin is closed at once. */
  readonly input?: string | Buffer;
}

export interface CliResult {
  /** Exit code; null when the process was killed by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

const live = new Set<ChildProcess>();
// A failing test must not leave a CLI running past the worker.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function spawnCli(args: readonly string[], options: CliOptions): ChildProcess {
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (options.input !== undefined) child.stdin?.end(options.input);
  else child.stdin?.end();
  return child;
}

/** Runs the CLI to completion. On timeout it is killed (SIGKILL) and the result says timedOut. */
export function runCli(args: readonly string[], options: CliOptions & { readonly timeoutMs?: number } = {}): Promise<CliResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, options);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

export type Stream = 'stdout' | 'stderr' | 'any';

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RunningCli {
  readonly child: ChildProcess;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the first complete line (already printed or future) that matches; rejects on exit or timeout. */
  waitForLine(pattern: RegExp | string, options?: { readonly stream?: Stream; readonly timeoutMs?: number }): Promise<string>;
  /** Resolves when the process has exited (streams closed). */
  readonly exited: Promise<ExitStatus>;
  /** Sends the signal (SIGTERM by default) and waits for exit; SIGKILL after timeoutMs. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ExitStatus>;
}

/** Starts the CLI in the background, e.g. `dirk run job.json`, for tests that talk to it while it runs. */
export function startCli(args: readonly string[], options: CliOptions = {}): RunningCli {
  const child = spawnCli(args, options);
  const text = { stdout: '', stderr: '' };
  const lines: { stream: 'stdout' | 'stderr'; line: string }[] = [];
  const partial = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const l of [...listeners]) l();
  };
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]?.setEncoding('utf8').on('data', (s: string) => {
      text[stream] += s;
      const parts = (partial[stream] + s).split('\n');
      partial[stream] = parts.pop() ?? '';
      for (const line of parts) lines.push({ stream, line: line.replace(/\r$/, '') });
      notify();
    });
  }
  let status: ExitStatus | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('close', (code, signal) => {
      for (const stream of ['stdout', 'stderr'] as const) {
        if (partial[stream] !== '') lines.push({ stream, line: partial[stream] });
        partial[stream] = '';
      }
      status = { code, signal };
      notify();
      resolve(status);
    });
    child.once('error', (err) => {
      text.stderr += `\n[spawn error] ${err.message}`;
    });
  });

  const matches = (pattern: RegExp | string, line: string): boolean =>
    typeof pattern === 'string' ? line.includes(pattern) : pattern.test(line);

  const waitForLine: RunningCli['waitForLine'] = (pattern, opts = {}) => {
    const stream = opts.stream ?? 'any';
    const timeoutMs = opts.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      let seen = 0;
      const describe = (why: string): Error =>
        new Error(`waitForLine(${String(pattern)}) on ${stream}: ${why}\n--- stdout ---\n${text.stdout.slice(-4000)}\n--- stderr ---\n${text.stderr.slice(-4000)}`);
      const check = (): void => {
        for (; seen < lines.length; seen++) {
          const entry = lines[seen];
          if (entry !== undefined && (stream === 'any' || entry.stream === stream) && matches(pattern, entry.line)) {
            cleanup();
            resolve(entry.line);
            return;
          }
        }
        if (status !== undefined) {
          cleanup();
          reject(describe(`process exited (code ${status.code}, signal ${status.signal}) first`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(describe(`not seen within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  };

  const stop: RunningCli['stop'] = async (signal = 'SIGTERM', timeoutMs = 15_000) => {
    if (status !== undefined) return status;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  return { child, stdout: () => text.stdout, stderr: () => text.stderr, waitForLine, exited, stop };
}
