import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeJobFile } from '../helpers/jobs.js';
import { sleep } from '../helpers/crash.js';
import { closeKafkaHelpers, createTopics, kafkaBootstrap, produce, uniqueTopic } from '../helpers/kafka.js';
import { runCli, startCli } from '../helpers/process.js';
import { CheckpointStore } from '../../src/runtime/checkpoint-store.js';

/**
 * A GROUP BY over 300,000 distinct keys from the real broker under a 128 MB heap (the heap state of about
 * half of them fills it). With the heap backend the heap guard stops the job with a Dirk error, after a
 * final checkpoint that can be read back; with FLINK_STATE_BACKEND_TYPE=rocksdb (LMDB, 2,000 entries cached)
 * the same job reads every record. About 45 s, a third of it producing the input.
 */
const dir = mkdtempSync(join(tmpdir(), 'dirk-heap-limit-'));
const ROWS = 300_000;
let topic: string;

beforeAll(async () => {
  topic = uniqueTopic('it-heap-limit');
  await createTopics([topic], 2);
  for (let from = 0; from < ROWS; from += 10_000) {
    const messages = [];
    for (let i = from; i < Math.min(ROWS, from + 10_000); i++) {
      messages.push({ value: JSON.stringify({ k: `customer-${i}-${'x'.repeat(40)}`, v: i, ts: new Date(Date.UTC(2026, 0, 1) + i).toISOString() }), partition: i % 2 });
    }
    await produce(topic, messages);
  }
}, 120_000);
afterAll(() => closeKafkaHelpers());

const job = (name: string, extra: Record<string, string>): string =>
  writeJobFile(dir, name, {
    FLINK_JOB_ID: `it-heap-limit-${name}-${topic}`,
    STREAMS: [
      {
        INPUT_SCHEMA_TABLE: 't',
        INPUT_DATATYPE: 'JSON',
        INPUT_SCHEMA_JSON_SCHEMA: JSON.stringify({ type: 'object', properties: { k: { type: 'string' }, v: { type: 'integer' }, ts: { type: 'string', format: 'date-time' } } }),
        INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'ts',
        SOURCE_KAFKA_TOPIC_NAMES: topic,
        SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: kafkaBootstrap(),
        SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: `it-heap-limit-${name}-${topic}`,
        SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET: 'earliest',
      },
    ],
    FLINK_SQL_QUERY: 'SELECT k, COUNT(1) AS n, SUM(v) AS s FROM t GROUP BY k',
    FLINK_CHECKPOINT_INTERVAL_MS: '1000',
    SINK_TYPE: 'log',
    METRIC_TELEMETRY_ENABLE: 'false',
    ...extra,
  });

const env = { NODE_OPTIONS: '--max-old-space-size=128', DIRK_LOG_LEVEL: 'info' };

describe('state beyond the heap', () => {
  it('hashmap: the heap guard stops the job with a Dirk error after a final, readable checkpoint', async () => {
    const ckpt = join(dir, 'ckpt-hashmap');
    const r = await runCli(['run', job('hashmap', {}), '--checkpoint-dir', ckpt], { env, timeoutMs: 120_000 });
    expect(r.timedOut).toBe(false);
    expect(r.signal, r.stderr.slice(-2000)).toBeNull();
    expect(r.code, r.stderr.slice(-2000)).toBe(2);
    expect(r.stderr).not.toMatch(/JavaScript heap out of memory|FATAL ERROR/);
    const m = /the job's state no longer fits in memory: .* entries of operator state; .*FLINK_STATE_BACKEND_TYPE=rocksdb.*; final checkpoint (\d+) taken: a restart resumes from it/.exec(r.stderr);
    expect(m, r.stderr.slice(-2000)).not.toBeNull();
    const saved = new CheckpointStore(ckpt).latest();
    expect(saved?.id).toBe(Number(m![1]));
    // It covers what was read: positions past the start, and the groups of those records.
    const read = Object.values(saved!.positions['t'] ?? {}).reduce((n, p) => n + Number(p), 0);
    expect(read).toBeGreaterThan(0);
  }, 150_000);

  it('rocksdb: the same job reads every record in a 128 MB heap', async () => {
    const cli = startCli(['run', job('rocksdb', { FLINK_STATE_BACKEND_TYPE: 'rocksdb', FLINK_STATE_BACKEND_CACHE_ENTRIES: '2000' }), '--checkpoint-dir', join(dir, 'ckpt-rocksdb')], { env });
    try {
      await cli.waitForLine(/lives on disk in LMDB/, { timeoutMs: 30_000 });
      const rows = (): number => cli.stdout().split('\n').filter((l) => l.includes('customer-')).length;
      let exited = false;
      void cli.exited.then(() => (exited = true));
      const deadline = Date.now() + 100_000;
      while (rows() < ROWS) {
        if (exited || Date.now() > deadline) throw new Error(`read ${rows()} of ${ROWS} rows\n${cli.stderr().slice(-3000)}`);
        await sleep(500);
      }
      const status = await cli.stop('SIGTERM', 30_000);
      expect(status.code, cli.stderr().slice(-3000)).toBe(0);
      expect(cli.stderr()).not.toMatch(/no longer fits in memory|JavaScript heap out of memory/);
    } finally {
      await cli.stop('SIGKILL').catch(() => undefined);
    }
  }, 150_000);
});
