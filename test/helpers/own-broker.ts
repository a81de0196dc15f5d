// A Kafka broker of the test's own (KRaft, broker + controller in one JVM), on free ports with its own data
// folder, for tests that stop and restart the broker (outages). It runs from the same jars as the shared
// broker (scripts/kafka.mjs fetches them into .cache/kafka/libs) and stays on the same ports and data across
// stop()/start(), so clients reconnect to it as to a broker that came back.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import kafkajs from 'kafkajs';
import { REPO_ROOT } from './process.js';

const { Kafka, logLevel } = kafkajs;

/** The jar folder: this checkout's, else the main checkout's (worktrees share one download). */
function libsDir(): string {
  const candidates = [path.join(REPO_ROOT, '.cache', 'kafka', 'libs'), '/work/main/.cache/kafka/libs'];
  const hit = candidates.find((d) => fs.existsSync(path.join(d, 'kafka-clients-3.9.1.jar')));
  if (!hit) throw new Error(`no Kafka jars in ${candidates.join(' or ')}: run \`node scripts/kafka.mjs fetch\``);
  return hit;
}

/** A port nothing listens on now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface OwnBroker {
  /** "127.0.0.1:<port>" */
  readonly bootstrap: string;
  readonly dataDir: string;
  /** Starts the JVM (again) and waits until the broker answers metadata and group requests. */
  start(): Promise<void>;
  /** SIGTERM (SIGKILL after 20 s) and waits for the JVM to exit. */
  stop(): Promise<void>;
  /** stop() and removes the data folder. */
  destroy(): Promise<void>;
  /** The broker's console output so far (for a failing test's message). */
  log(): string;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

export async function createOwnBroker(options: { readonly startTimeoutMs?: number } = {}): Promise<OwnBroker> {
  const port = await freePort();
  const controllerPort = await freePort();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dirk-own-broker-'));
  const dataDir = path.join(root, 'data');
  const props = path.join(root, 'server.properties');
  const log4j = path.join(root, 'log4j.properties');
  const host = '127.0.0.1';
  fs.writeFileSync(
    props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@${host}:${controllerPort}`,
      `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://${host}:${port}`,
      'inter.broker.listener.name=PLAINTEXT',
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${dataDir}`,
      'num.partitions=1',
      'default.replication.factor=1',
      'min.insync.replicas=1',
      'auto.create.topics.enable=false',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'transaction.state.log.num.partitions=1',
      'group.initial.rebalance.delay.ms=0',
      'group.min.session.timeout.ms=1000',
      'num.network.threads=1',
      'num.io.threads=2',
      'num.recovery.threads.per.data.dir=1',
      'background.threads=2',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(log4j, ['log4j.rootLogger=WARN, stdout', 'log4j.appender.stdout=org.apache.log4j.ConsoleAppender', 'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout', 'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n', ''].join('\n'));
  const cp = `${libsDir()}${path.sep}*`;
  const javaBase = ['-Xms128m', '-Xmx384m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', `-Dlog4j.configuration=file:${log4j}`, '-cp', cp];
  const format = spawnSync('java', [...javaBase, 'kafka.tools.StorageTool', 'format', '-t', kafkaClusterId(), '-c', props, '--ignore-formatted'], {
    encoding: 'utf8',
  });
  if (format.status !== 0) throw new Error(`kafka storage format failed: ${format.stdout}\n${format.stderr}`);

  let proc: ChildProcess | undefined;
  let output = '';
  const bootstrap = `${host}:${port}`;

  const ready = async (timeoutMs: number): Promise<void> => {
    const kafka = new Kafka({ clientId: 'own-broker-probe', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 });
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      if (!proc || proc.exitCode !== null) throw new Error(`the test broker exited while starting:\n${output.slice(-3000)}`);
      const admin = kafka.admin();
      try {
        await admin.connect();
        await admin.listTopics();
        await admin.describeGroups(['own-broker-warmup']);
        return;
      } catch (e) {
        last = (e as Error).message;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
    throw new Error(`the test broker on ${bootstrap} did not answer within ${timeoutMs} ms (last error: ${last})\n${output.slice(-3000)}`);
  };

  const broker: OwnBroker = {
    bootstrap,
    dataDir,
    async start() {
      if (proc && proc.exitCode === null) return;
      const p = spawn('java', [...javaBase, 'kafka.Kafka', props], { stdio: ['ignore', 'pipe', 'pipe'] });
      proc = p;
      live.add(p);
      p.once('exit', () => live.delete(p));
      for (const s of [p.stdout, p.stderr]) s?.setEncoding('utf8').on('data', (t: string) => (output = (output + t).slice(-20_000)));
      await ready(options.startTimeoutMs ?? 120_000);
    },
    async stop() {
      const p = proc;
      if (!p || p.exitCode !== null || p.signalCode !== null) return;
      const exited = new Promise<void>((r) => p.once('exit', () => r()));
      p.kill('SIGTERM');
      const timer = setTimeout(() => p.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
    async destroy() {
      await broker.stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
    log: () => output,
  };
  await broker.start();
  return broker;
}

/** A random KRaft cluster id that never starts with '-': the storage tool would read `-t -xyz` as a missing value. */
function kafkaClusterId(): string {
  let id = randomBytes(16).toString('base64url');
  while (id.startsWith('-')) id = randomBytes(16).toString('base64url');
  return id;
}
