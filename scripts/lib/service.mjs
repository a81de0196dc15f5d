// Small helpers shared by the service scripts (kafka, influxdb, prometheus).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** True when a TCP connect to host:port succeeds within timeoutMs. */
export function isPortOpen(host, port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function pidAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM means it exists but belongs to someone else.
    return err && err.code === 'EPERM';
  }
  // A zombie (exited, not reaped) still answers kill(0); treat it as gone.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true;
  }
}

export async function waitForExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!pidAlive(pid)) return true;
    await sleep(100);
  }
  return !pidAlive(pid);
}

/** Throws a message naming the install command when `cmd` cannot be run. */
export function requireCommand(cmd, args, installCommand, what) {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  if (r.error || r.status !== 0) {
    throw new Error(`${what}: \`${cmd}\` is not available. Install it with: ${installCommand}`);
  }
}

/** The last n lines of a file, or '' when it does not exist. */
export function tail(file, n) {
  try {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    return lines.slice(-n - 1).join('\n');
  } catch {
    return '';
  }
}

export function relative(root, p) {
  return path.relative(root, p) || '.';
}

/** Reads a pid file; undefined when missing or garbage. */
export function readPidFile(file) {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isFinite(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The pid in pidFile if that process is alive and its command line contains `marker`
 * (guards against a stale pid file whose pid was reused by another program).
 */
export function livePid(pidFile, marker) {
  const pid = readPidFile(pidFile);
  if (pid === undefined || !pidAlive(pid)) return undefined;
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes(marker)) return undefined;
  } catch {
    // no /proc: trust kill(0)
  }
  return pid;
}

/** SIGTERM, wait up to graceMs, then SIGKILL. Returns seconds taken. */
export async function terminate(pid, graceMs, log) {
  const t0 = Date.now();
  process.kill(pid, 'SIGTERM');
  if (!(await waitForExit(pid, graceMs))) {
    log(`pid ${pid} still alive after ${graceMs} ms, sending SIGKILL`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await waitForExit(pid, 5000);
  }
  return (Date.now() - t0) / 1000;
}

/** Polls fn until it returns true (or throws, which counts as not yet) within timeoutMs. */
export async function waitFor(what, fn, timeoutMs, intervalMs = 200) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      if (await fn()) return;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(intervalMs);
  }
  throw new Error(`${what} not ready within ${timeoutMs} ms${last ? ` (last error: ${last})` : ''}`);
}

/**
 * Runs fn while holding an exclusive lock file (O_EXCL), so two concurrent `start`s of one service
 * (e.g. two vitest runs in the same checkout) do not both launch it. A lock whose holder died is taken over.
 */
export async function withLock(lockFile, timeoutMs, fn) {
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if (!err || err.code !== 'EEXIST') throw err;
      const holder = readPidFile(lockFile);
      if (holder === undefined || !pidAlive(holder)) {
        fs.rmSync(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${lockFile} is held by pid ${holder} for more than ${timeoutMs} ms`);
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}

/**
 * Starts `cmd` detached from this process (it outlives the script), its output appended to logFile and
 * its pid written to pidFile. Returns the pid.
 */
export function spawnDetached(cmd, args, { cwd, logFile, pidFile }) {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`could not spawn ${cmd}`);
  fs.writeFileSync(pidFile, `${child.pid}\n`);
  child.unref();
  return child.pid;
}

/** Awaits `ready`; when it fails, kills the process just started (pid) and removes its pid file. */
export async function killUnlessReady(pid, pidFile, ready) {
  try {
    await ready;
  } catch (err) {
    if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(pidFile, { force: true });
    throw err;
  }
}

/**
 * Waits until `probe` answers true for a process just started; the last lines of its log are in the
 * error when it has exited. On failure the process is killed and its pid file removed.
 */
export function waitForStart(what, { pid, pidFile, logFile, timeoutMs }, probe) {
  const ready = waitFor(what, async () => {
    if (!pidAlive(pid)) throw new Error(`${what} exited:\n${tail(logFile, 20)}`);
    return probe();
  }, timeoutMs);
  return killUnlessReady(pid, pidFile, ready);
}

/** True when GET url (within 1 s) answers `okStatus`. */
export async function httpOk(url, okStatus) {
  const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
  await res.arrayBuffer();
  return res.status === okStatus;
}

/**
 * The main of a service script: runs the subcommand named by the first argument (a function returning
 * the exit code, or nothing for 0), prints usage for any other, and exits; an error is printed as
 * `[name] message` with exit code 1.
 */
export function runCommands(name, commands) {
  const run = async () => {
    const command = Object.hasOwn(commands, process.argv[2] ?? '') ? commands[process.argv[2]] : undefined;
    if (command === undefined) {
      process.stderr.write(`usage: node scripts/${name}.mjs ${Object.keys(commands).join('|')}\n`);
      return 2;
    }
    return (await command()) ?? 0;
  };
  run().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`[${name}] ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
