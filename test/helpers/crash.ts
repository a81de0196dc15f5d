// Helpers for the crash tests (test/integration/crash-recovery.test.ts, exactly-once.test.ts): checkpoint
// files on disk, waiting on a running CLI, and tailing an output topic.
import { readdirSync } from 'node:fs';
import kafkajs, { type Consumer } from 'kafkajs';
import { kafkaClient, uniqueTopic } from './kafka.js';
import type { RunningCli } from './process.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The highest checkpoint id on disk (0 when none). */
export function latestCheckpointId(ckptDir: string): number {
  let max = 0;
  for (const f of readdirSync(ckptDir)) {
    const m = /^ckpt-(\d+)\.ckpt$/.exec(f);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max;
}

/** Polls `ok` until it holds; fails with the job's log when the job exits first or time runs out. */
export async function waitUntil(cli: RunningCli, what: string, ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void cli.exited.then(() => (exited = true));
  while (!ok()) {
    if (exited || Date.now() > deadline) throw new Error(`${what}: ${exited ? 'the job exited first' : 'timed out'}\n${cli.stderr().slice(-4000)}`);
    await sleep(20);
  }
}

export interface Tail {
  readonly records: { offset: number; value: string }[];
  stop(): Promise<void>;
}

/**
 * Every record of a topic from the start, as it arrives, through a consumer of its own. kafkajs reads
 * read_committed by default; `readUncommitted` also sees records of open and aborted transactions.
 */
export async function tail(topic: string, options: { readUncommitted?: boolean; brokers?: string } = {}): Promise<Tail> {
  const records: { offset: number; value: string }[] = [];
  // Another broker (a test's private one): a client of its own, retrying through the broker's restarts.
  const client = options.brokers
    ? new kafkajs.Kafka({ clientId: 'dirk-test-tail', brokers: [options.brokers], logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 100, maxRetryTime: 5000 } })
    : kafkaClient();
  const consumer: Consumer = client.consumer({
    groupId: `dirk-test-${uniqueTopic('tail')}`,
    sessionTimeout: 6000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 100,
    readUncommitted: options.readUncommitted ?? false,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      records.push({ offset: Number(message.offset), value: message.value!.toString('utf8') });
    },
  });
  return { records, stop: () => consumer.disconnect() };
}
