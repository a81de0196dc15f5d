import type { Consumer } from 'kafkajs';
import { kafkaClient, uniqueTopic } from './kafka.js';
import type { RunningCli } from './process.js';

/** Helpers for scale-out tests: the output topic's records as they arrive, and the group's assignments. */

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Every record of `topic` from the beginning, read_committed (kafkajs' default), as UTF-8 text. */
export async function tail(topic: string): Promise<{ records: string[]; stop: () => Promise<void> }> {
  const records: string[] = [];
  const consumer: Consumer = kafkaClient().consumer({ groupId: `dirk-test-${uniqueTopic('tail')}`, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void records.push(message.value!.toString('utf8')) });
  return { records, stop: () => consumer.disconnect() };
}

/** The last "partitions assigned" count of each consumer (task, source table or exchange) in a process's log. */
export function assignments(cli: RunningCli): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of cli.stderr().split('\n')) {
    if (!line.includes('partitions assigned')) continue;
    const m = /"?partitions"?[=:]\s*\[([^\]]*)\]/.exec(line);
    const table = /"?(?:exchange|table)"?[=:]\s*"?([^",\s}]+)/.exec(line);
    const task = /task[=:]"?(\d+)/.exec(line)?.[1] ?? '0';
    const key = `${task}:${line.includes('exchange') ? 'exchange' : 'source'}:${table?.[1] ?? '?'}`;
    out.set(key, m && m[1]!.trim() ? m[1]!.split(',').length : 0);
  }
  return out;
}

/** Waits until every process has `consumers` consumers each holding `perConsumer` partitions. */
export async function waitSettled(runs: readonly RunningCli[], consumers: number, perConsumer: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = runs.map(assignments);
    if (all.every((a) => a.size === consumers && [...a.values()].every((n) => n === perConsumer))) return;
    if (Date.now() > deadline) throw new Error(`the group never settled: ${JSON.stringify(all.map((a) => [...a]))}\n${runs.map((r) => r.stderr().slice(-3000)).join('\n---\n')}`);
    await sleep(200);
  }
}
