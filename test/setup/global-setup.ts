// vitest globalSetup: makes sure the real services the integration tests need are up.
//
// Kafka (127.0.0.1:9092) is always needed: if nothing listens there, scripts/kafka.mjs starts a broker,
// and teardown stops it again. A broker that was already running is used and left running.
// InfluxDB and Prometheus start when their binaries are installed; without them their tests are skipped,
// except in CI (CI=true), where a missing one fails the run with the command that installs it.
// When the run selects no file under test/integration/ (e.g. `vitest run test/unit`), nothing starts.
// DIRK_TEST_KEEP_SERVICES=1 leaves the services this run started running after it.

import { spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { INFLUX_URL, KAFKA_BOOTSTRAP, KAFKA_PORT, PROMETHEUS_URL } from './services.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Service {
  readonly name: string;
  readonly script: string;
  readonly port: number;
  /** Binary whose absence means "not installed" (Kafka needs java; its script reports that itself). */
  readonly binary: string | undefined;
  readonly install: string;
  readonly required: boolean;
}

const inCi = process.env['CI'] === 'true' || process.env['CI'] === '1';

const SERVICES: readonly Service[] = [
  { name: 'kafka', script: 'scripts/kafka.mjs', port: KAFKA_PORT, binary: undefined, install: 'apt-get install -y openjdk-17-jre-headless maven', required: true },
  { name: 'influxdb', script: 'scripts/influxdb.mjs', port: 8086, binary: 'influxd', install: 'apt-get install -y influxdb', required: inCi },
  { name: 'prometheus', script: 'scripts/prometheus.mjs', port: 9090, binary: 'prometheus', install: 'apt-get install -y prometheus', required: inCi },
  // The pg post-processor and Longbow tests: trust auth for postgres on 127.0.0.1:5432, database `test`.
  { name: 'postgres', script: 'scripts/postgres.mjs', port: 5432, binary: 'psql', install: 'apt-get install -y postgresql', required: inCi },
];

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function installed(binary: string): boolean {
  const r = spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' });
  return r.status === 0;
}

function runScript(service: Service, command: 'start' | 'stop' | 'status --targets-dir', quiet = false): string {
  const r = spawnSync(process.execPath, [service.script, ...command.split(' ')], { cwd: ROOT, encoding: 'utf8' });
  if (r.stdout && !quiet) process.stdout.write(r.stdout);
  if (r.status !== 0) {
    throw new Error(
      `[global-setup] \`node ${service.script} ${command}\` failed (exit ${r.status ?? r.signal}).\n` +
        `${r.stderr}${r.stdout}\nIf a tool is missing, install it with: ${service.install}`,
    );
  }
  return r.stdout;
}

/** True unless the CLI filters select only files outside test/integration/. */
async function runSelectsIntegrationTests(project: TestProject): Promise<boolean> {
  // filenamePattern holds the CLI file filters; it is not public API, so fall back to "yes" when absent.
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  if (!filters || filters.length === 0) return true;
  try {
    const { testFiles } = await project.globTestFiles(filters);
    return testFiles.some((f) => f.includes(`${path.sep}test${path.sep}integration${path.sep}`));
  } catch {
    return true;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const started: Service[] = [];
  const available = new Set<string>();
  let targetsDir = '';

  const provideAll = (): void => {
    const influx = available.has('influxdb') ? INFLUX_URL : '';
    const prom = available.has('prometheus') ? PROMETHEUS_URL : '';
    const targets = prom ? targetsDir : '';
    project.provide('kafkaBootstrap', KAFKA_BOOTSTRAP);
    project.provide('influxUrl', influx);
    project.provide('prometheusUrl', prom);
    project.provide('prometheusTargetsDir', targets);
    process.env['DIRK_TEST_KAFKA_BOOTSTRAP'] = KAFKA_BOOTSTRAP;
    process.env['DIRK_TEST_INFLUX_URL'] = influx;
    process.env['DIRK_TEST_PROMETHEUS_URL'] = prom;
    process.env['DIRK_TEST_PROMETHEUS_TARGETS'] = targets;
  };

  const teardown = (): void => {
    if (process.env['DIRK_TEST_KEEP_SERVICES'] === '1') {
      if (started.length > 0) process.stdout.write(`[global-setup] DIRK_TEST_KEEP_SERVICES=1: leaving ${started.map((x) => x.name).join(', ')} running\n`);
      return;
    }
    for (const service of started.reverse()) {
      try {
        runScript(service, 'stop');
      } catch (err) {
        process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      }
    }
  };

  if (!(await runSelectsIntegrationTests(project))) {
    provideAll();
    return teardown;
  }

  try {
    for (const service of SERVICES) {
      if (await portOpen(service.port)) {
        // Any broker on 9092 will do. For the others, `start` checks that the process on the port is
        // usable (our shim / a Prometheus with a dirk file_sd job, e.g. from another checkout).
        if (service.name !== 'kafka') runScript(service, 'start', true);
        available.add(service.name);
        continue;
      }
      if (service.binary !== undefined && !installed(service.binary)) {
        const msg = `[global-setup] ${service.name}: \`${service.binary}\` is not installed. Install it with: ${service.install}`;
        if (service.required) throw new Error(msg);
        process.stderr.write(`${msg}\n[global-setup] tests that need ${service.name} are skipped (they fail under CI=true).\n`);
        continue;
      }
      const t0 = Date.now();
      runScript(service, 'start');
      started.push(service);
      available.add(service.name);
      process.stdout.write(`[global-setup] ${service.name} started in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    }
    if (available.has('prometheus')) {
      // The folder the running Prometheus watches (it may belong to another checkout's .dirk/).
      const prom = SERVICES.find((x) => x.name === 'prometheus');
      if (prom) targetsDir = runScript(prom, 'status --targets-dir', true).trim();
    }
  } catch (err) {
    teardown();
    throw err;
  }
  provideAll();
  return teardown;
}
