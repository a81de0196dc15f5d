import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src/core/logger.js';
import { parseJobConfig } from '../../../../src/config/index.js';
import { prepareJob } from '../../../../src/job/prepare.js';
import { startJob } from '../../../../src/job/stream-manager.js';
import { closeKafkaHelpers, createTopics, kafkaBootstrap, kafkaClient, uniqueTopic } from '../../../helpers/kafka.js';
import { startLogicalPostgres, type LogicalPostgres } from '../../../helpers/postgres-logical.js';

/**
 * POSTGRES_CDC_SOURCE against a PostgreSQL of the test's own (wal_level=logical): the table's snapshot, then
 * inserts, updates (one moving a row to another group) and deletes, reflected in a GROUP BY written as JSON
 * upserts to Kafka; then a stop, more changes while stopped, and a restart from the checkpoint's LSN.
 */
let server: LogicalPostgres;
let db: pg.Client;
beforeAll(async () => {
  server = await startLogicalPostgres();
  db = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'postgres', database: 'postgres' });
  await db.connect();
}, 120_000);
afterAll(async () => {
  await db?.end();
  await server?.stop();
  await closeKafkaHelpers();
});

type State = Record<string, string>;

/** What the database says the query's result is. */
async function expected(): Promise<State> {
  const r = await db.query<{ service: string; n: string; total: string }>('SELECT service, COUNT(*) AS n, SUM(amount)::float8 AS total FROM orders GROUP BY service');
  return Object.fromEntries(r.rows.map((x) => [x.service, `${x.n} ${Number(x.total)}`]));
}

/** Reads the upsert topic from the start and folds it (a tombstone deletes) until it equals `want`. */
async function waitForState(topic: string, want: State, timeoutMs = 60_000): Promise<void> {
  const state: State = {};
  const consumer = kafkaClient().consumer({ groupId: `${topic}-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`state ${JSON.stringify(state)} never became ${JSON.stringify(want)}`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ message }) => {
          const key = (JSON.parse(message.key!.toString()) as { service: string }).service;
          if (message.value === null) delete state[key];
          else {
            const v = JSON.parse(message.value.toString()) as { n: number; total: number };
            state[key] = `${v.n} ${v.total}`;
          }
          if (JSON.stringify(Object.entries(state).sort()) === JSON.stringify(Object.entries(want).sort())) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}

describe('PostgreSQL CDC source', () => {
  it('snapshot, inserts, updates and deletes reach a GROUP BY; a restart resumes at the checkpoint LSN', { timeout: 180_000 }, async () => {
    await db.query('CREATE TABLE orders (id int PRIMARY KEY, service text NOT NULL, amount numeric(10,2) NOT NULL)');
    await db.query('ALTER TABLE orders REPLICA IDENTITY FULL');
    await db.query("INSERT INTO orders VALUES (1, 'ride', 10.50), (2, 'ride', 4), (3, 'food', 7.25)");
    const topic = uniqueTopic('cdc-out');
    await createTopics([topic]);
    const raw = {
      FLINK_JOB_ID: 'cdc-test',
      STREAMS: [
        {
          INPUT_SCHEMA_TABLE: 'orders',
          SOURCE_DETAILS: [{ SOURCE_TYPE: 'UNBOUNDED', SOURCE_NAME: 'POSTGRES_CDC_SOURCE' }],
          SOURCE_POSTGRES_CDC_PORT: String(server.port),
          SOURCE_POSTGRES_CDC_DATABASE: 'postgres',
          SOURCE_POSTGRES_CDC_TABLE: 'orders',
        },
      ],
      FLINK_SQL_QUERY: 'SELECT service, COUNT(*) AS n, SUM(amount) AS total FROM orders GROUP BY service',
      FLINK_CHECKPOINT_INTERVAL_MS: '300',
      METRIC_TELEMETRY_ENABLE: 'false',
      SINK_TYPE: 'kafka',
      SINK_KAFKA_BROKERS: kafkaBootstrap(),
      SINK_KAFKA_TOPIC: topic,
      SINK_KAFKA_DATA_TYPE: 'JSON',
    };
    const checkpointDir = mkdtempSync(join(tmpdir(), 'dirk-cdc-ckpt-'));
    const run = async (): Promise<Awaited<ReturnType<typeof startJob>>> =>
      startJob(await prepareJob(parseJobConfig(raw).config, silentLogger), { logger: silentLogger, checkpointDir });

    const first = await run();
    await waitForState(topic, await expected());
    await db.query("INSERT INTO orders VALUES (4, 'ride', 1), (5, 'mart', 2.5)");
    await db.query("UPDATE orders SET service = 'mart', amount = 3 WHERE id = 2");
    await db.query('UPDATE orders SET amount = amount + 1 WHERE id = 1');
    await db.query('DELETE FROM orders WHERE id = 3');
    expect(await expected()).toEqual({ ride: '2 12.5', mart: '2 5.5' });
    await waitForState(topic, await expected());
    await first.stop();
    // The slot's confirmed position moved with the checkpoints.
    const slot = await db.query<{ confirmed_flush_lsn: string }>("SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = 'dirk_public_orders'");
    expect(slot.rows[0]!.confirmed_flush_lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);

    // Changes while the job is down are in the slot; the restarted job reads them once.
    await db.query("INSERT INTO orders VALUES (6, 'food', 8)");
    await db.query("DELETE FROM orders WHERE service = 'mart'");
    const second = await run();
    try {
      expect(await expected()).toEqual({ ride: '2 12.5', food: '1 8' });
      await waitForState(topic, await expected());
    } finally {
      await second.stop();
    }
  });
});
