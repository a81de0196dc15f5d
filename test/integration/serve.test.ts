// `dirk serve` against the real broker and the machine's PostgreSQL: the REST API adds, updates, stops,
// restarts and deletes jobs that run as supervised processes; a killed job is restarted; a restarted service
// resumes its jobs; secrets never come back; a three-stage pipeline runs end to end through Kafka topics.

import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { startServe, type RunningService } from '../../src/server/serve.js';
import { consumeN, createTopics, deleteTopics, kafkaClient, produce, uniqueTopic, kafkaBootstrap } from '../helpers/kafka.js';
import { REPO_ROOT, runCli } from '../helpers/process.js';

const quiet = createLogger({ level: 'error' });
const dirs: string[] = [];
const services: RunningService[] = [];

afterAll(async () => {
  for (const s of services) await s.close().catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'dirk-serve-'));
  dirs.push(d);
  return d;
}

async function serve(dataDir: string, extra: { repositoryUrl?: string; repositorySchema?: string; topicTimeoutMs?: number } = {}): Promise<RunningService> {
  const s = await startServe({
    port: 0,
    dataDir,
    token: 'test-token',
    syncIntervalMs: 300,
    cwd: REPO_ROOT,
    logger: quiet,
    supervisor: { backoffMinMs: 200, backoffMaxMs: 1_000, stopGraceMs: 15_000 },
    ...extra,
  });
  services.push(s);
  return s;
}

async function call(s: RunningService, method: string, path: string, body?: unknown, token: string | null = 'test-token'): Promise<{ status: number; data: any }> {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, data: text ? JSON.parse(text) : undefined };
}

// A job's `dirk run` child may take well over its usual 2-3 s to reach running while CI runs other suites
// beside it on 2 cores (seen: over 60 s once); the wait is a budget, not a speed check.
async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (${String(last)})` : ''}`);
}

// Throws while the state differs, so a timed-out wait names the state the job was last seen in.
const stateIs = (s: RunningService, id: string, state: string) => async (): Promise<true | undefined> => {
  const r = await call(s, 'GET', `/api/jobs/${id}`);
  if (r.data?.job?.state === state) return true;
  // The last state change's reason (the supervisor's: exit code and the job's last error line), for a failed wait.
  const events: { state: string; reason?: string }[] = (await call(s, 'GET', `/api/jobs/${id}/events`)).data?.events ?? [];
  const last = events.at(-1);
  throw new Error(`${id} is ${r.data?.job?.state ?? `not found (HTTP ${r.status})`}${last?.reason ? ` (${last.state}: ${last.reason})` : ''}`);
};

const JSON_SCHEMA = JSON.stringify({
  type: 'object',
  properties: { order_id: { type: 'string' }, city: { type: 'string' }, amount: { type: 'number' }, ts: { type: 'string', format: 'date-time' } },
});

function kafkaJsonJob(name: string, input: string, output: string, query: string, extra: Record<string, unknown> = {}, schema = JSON_SCHEMA, tsField = 'ts'): Record<string, unknown> {
  return {
    FLINK_JOB_ID: `it-serve-${name}`,
    STREAMS: [
      {
        INPUT_SCHEMA_TABLE: 'orders',
        INPUT_DATATYPE: 'JSON',
        INPUT_SCHEMA_JSON_SCHEMA: schema,
        INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: tsField,
        SOURCE_KAFKA_TOPIC_NAMES: input,
        SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: kafkaBootstrap(),
        SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: `it-serve-${name}-${input}`,
        SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET: 'earliest',
        // A killed job's member stays in the group until its session ends: keep that short here.
        SOURCE_KAFKA_CONSUMER_CONFIG_SESSION_TIMEOUT_MS: '6000',
        SOURCE_KAFKA_CONSUMER_CONFIG_HEARTBEAT_INTERVAL_MS: '500',
        SOURCE_DETAILS: [{ SOURCE_TYPE: 'UNBOUNDED', SOURCE_NAME: 'KAFKA_CONSUMER' }],
      },
    ],
    FLINK_SQL_QUERY: query,
    FLINK_ROWTIME_ATTRIBUTE_NAME: 'rowtime',
    FLINK_WATERMARK_DELAY_MS: '0',
    FLINK_WATERMARK_INTERVAL_MS: '100',
    FLINK_CHECKPOINT_INTERVAL_MS: '500',
    SINK_TYPE: 'kafka',
    SINK_KAFKA_BROKERS: kafkaBootstrap(),
    SINK_KAFKA_TOPIC: output,
    SINK_KAFKA_DATA_TYPE: 'JSON',
    ...extra,
  };
}

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const order = (id: string, city: string, amount: number, atMs: number) => ({ value: JSON.stringify({ order_id: id, city, amount, ts: new Date(atMs).toISOString() }) });

describe.each([
  ['embedded file repository', () => ({})],
  ['PostgreSQL repository', () => ({ repositoryUrl: 'postgres://postgres@127.0.0.1:5432/test', repositorySchema: `it_serve_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}` })],
] as const)('dirk serve with the %s', (_name, repo) => {
  it('adds, lists, stops, updates, restarts after a kill, resumes after a service restart, and deletes a job', async () => {
    const dataDir = tempDir();
    const repoOpts: { repositoryUrl?: string; repositorySchema?: string } = repo();
    let s = await serve(dataDir, repoOpts);
    const [input, output] = [uniqueTopic('it-serve-in'), uniqueTopic('it-serve-out')];
    await createTopics([input, output], 1);
    const config = kafkaJsonJob('pass', input, output, "SELECT order_id, amount FROM orders WHERE city = 'Jakarta'", { SINK_INFLUX_PASSWORD: 'hunter2-secret' });

    // Mutations need the token; bodies are checked field by field.
    expect((await call(s, 'POST', '/api/jobs', { id: 'j1', config }, null)).status).toBe(401);
    const bad = await call(s, 'POST', '/api/jobs', { id: 'j1', config: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.data.error).toBe('body.config: expected an object, found a string');
    expect((await call(s, 'POST', '/api/jobs', '{"id": ')).status).toBe(400);

    // An invalid config is refused with the messages `dirk validate` prints.
    const invalid = { ...config, FLINK_SQL_QUERY: 'SELECT nope FROM orders' };
    const refused = await call(s, 'POST', '/api/jobs', { id: 'bad', config: invalid });
    expect(refused.status).toBe(422);
    const cliDir = tempDir();
    const file = join(cliDir, 'bad.json');
    (await import('node:fs')).writeFileSync(file, JSON.stringify(invalid));
    const cli = await runCli(['validate', file]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain(refused.data.details[0]);

    const added = await call(s, 'POST', '/api/jobs', { id: 'j1', config });
    expect(added.status).toBe(201);
    expect(added.data.job.config.SINK_INFLUX_PASSWORD).toBe('***');
    expect((await call(s, 'POST', '/api/jobs', { id: 'j1', config })).status).toBe(409);
    await waitFor('j1 running', stateIs(s, 'j1', 'running'));
    await produce(input, [order('o1', 'Jakarta', 10, T0), order('o2', 'Bandung', 20, T0 + 1), order('o3', 'Jakarta', 30, T0 + 2)]);
    const out = await consumeN(output, 2);
    expect(out.map((m) => JSON.parse(m.value!.toString()).order_id).sort()).toEqual(['o1', 'o3']);

    const list = await call(s, 'GET', '/api/jobs');
    expect(list.data.jobs.map((j: { id: string }) => j.id)).toEqual(['j1']);

    // Supervised restart: the job's process is killed and comes back by itself.
    // The current process (had it ended for any reason, its supervisor would have started another).
    const pid = await waitFor('j1 with a process', async () => {
      const j = (await call(s, 'GET', '/api/jobs/j1')).data.job;
      return j.state === 'running' && typeof j.pid === 'number' ? (j.pid as number) : undefined;
    });
    process.kill(pid, 'SIGKILL');
    await waitFor('a restart event', async () => ((await call(s, 'GET', '/api/jobs/j1/events')).data.events.some((e: { state: string }) => e.state === 'restarting') ? true : undefined));
    await waitFor('j1 running again', async () => {
      const j = (await call(s, 'GET', '/api/jobs/j1')).data.job;
      return j.state === 'running' && j.pid !== pid ? true : undefined;
    });

    // Stop takes a final checkpoint; a different query then cannot restore it without dropState.
    expect((await call(s, 'POST', '/api/jobs/j1/stop')).status).toBe(200);
    await waitFor('j1 stopped', stateIs(s, 'j1', 'stopped'));
    expect(readdirSync(join(dataDir, 'jobs', 'j1', 'checkpoints')).some((f) => f.endsWith('.ckpt'))).toBe(true);
    const changed = { ...config, FLINK_SQL_QUERY: "SELECT order_id, amount * 2 AS amount FROM orders WHERE city = 'Bandung'" };
    const conflict = await call(s, 'PUT', '/api/jobs/j1', { config: changed });
    expect(conflict.status).toBe(409);
    expect(conflict.data.error).toMatch(/dropState=true/);
    const updated = await call(s, 'PUT', '/api/jobs/j1', { config: changed, dropState: true });
    expect(updated.status).toBe(200);
    expect(updated.data.job.version).toBe(2);

    // A service restart resumes the jobs that should run.
    await call(s, 'POST', '/api/jobs/j1/start');
    await waitFor('j1 running (v2)', stateIs(s, 'j1', 'running'));
    await s.close();
    services.splice(services.indexOf(s), 1);
    s = await serve(dataDir, repoOpts);
    await waitFor('j1 resumed', stateIs(s, 'j1', 'running'));
    await produce(input, [order('o4', 'Bandung', 7, T0 + 3)]);
    // v2 reads on from the offsets the stopped job committed: after o1..o3 (repeated at least once after the
    // kill, so the count varies) comes o4, doubled by the new query.
    const o4 = async (): Promise<{ amount: number } | undefined> => {
      for (let n = 3; n <= 8; n++) {
        const all = await consumeN(output, n, 20_000).catch(() => undefined);
        if (!all) return undefined;
        const hit = all.map((m) => JSON.parse(m.value!.toString())).find((r) => r.order_id === 'o4');
        if (hit) return hit;
      }
      return undefined;
    };
    const v2 = await o4();
    if (!v2) throw new Error(`o4 never reached the sink topic\n${readFileSync(join(dataDir, 'jobs', 'j1', 'job.log'), 'utf8')}`);
    expect(v2?.amount).toBe(14);

    // Secrets: never in a response, the events or the logs.
    const everything = JSON.stringify([(await call(s, 'GET', '/api/jobs')).data, (await call(s, 'GET', '/api/jobs/j1/logs?limit=2000')).data, (await call(s, 'GET', '/api/jobs/j1/events')).data]);
    expect(everything).not.toContain('hunter2-secret');

    // Delete with purge drops the job's folder.
    const del = await call(s, 'DELETE', '/api/jobs/j1?purge=true');
    expect(del.status).toBe(200);
    // j1 has no keyed operator: no internal topics.
    expect(del.data).toEqual({ deleted: 'j1', purged: true, topicsDeleted: [] });
    expect((await call(s, 'GET', '/api/jobs/j1')).status).toBe(404);
    expect(() => readdirSync(join(dataDir, 'jobs', 'j1'))).toThrow();
    if (!repoOpts.repositoryUrl) expect(readFileSync(join(dataDir, 'repository.json'), 'utf8')).not.toContain('"j1"');
  }, 360_000);
});

describe('dirk serve: delete with purge drops the internal topics of scale-out', () => {
  const AGG = "SELECT city, COUNT(*) AS n, TUMBLE_END(rowtime, INTERVAL '10' SECOND) AS window_end FROM orders GROUP BY TUMBLE(rowtime, INTERVAL '10' SECOND), city";

  it("deletes exactly the job's repartition and changelog topics, and reports them", async () => {
    const s = await serve(tempDir());
    const input = uniqueTopic('it-serve-purge-in');
    const jobId = uniqueTopic('it-serve-purge');
    // What scale-out creates for this job (docs/architecture.md, Scale-out), and look-alikes of other jobs.
    const own = [`${jobId}-windowaggregate-repartition`, `${jobId}-windowaggregate-changelog`];
    const others = [`${jobId}x-windowaggregate-repartition`, `${jobId}-windowaggregate-repartition-old`, `${jobId}-other`];
    await createTopics([input, ...own, ...others], 1);
    try {
      const config = { ...kafkaJsonJob('purge', input, uniqueTopic('it-serve-purge-out'), AGG), FLINK_JOB_ID: jobId };
      expect((await call(s, 'POST', '/api/jobs', { id: 'scaled', config, start: false })).status).toBe(201);
      const del = await call(s, 'DELETE', '/api/jobs/scaled?purge=true');
      expect(del.status).toBe(200);
      expect([...del.data.topicsDeleted].sort()).toEqual([...own].sort());
      const left = new Set(await waitFor('topics deleted', async () => {
        const all = await kafkaClientTopics();
        return own.some((t) => all.includes(t)) ? undefined : all;
      }));
      for (const t of others) expect(left.has(t), t).toBe(true);
      expect((await call(s, 'GET', '/api/jobs/scaled')).status).toBe(404);
    } finally {
      await deleteTopics([input, ...others]).catch(() => undefined);
    }
  }, 120_000);

  it("answers 502 naming the topics left when the job's broker is unreachable, and keeps the job stopped", async () => {
    const s = await serve(tempDir(), { topicTimeoutMs: 3_000 });
    const port = await closedPort();
    const jobId = uniqueTopic('it-serve-purge-down');
    const config: Record<string, unknown> = { ...kafkaJsonJob('purge-down', 'orders-nowhere', 'out-nowhere', AGG), FLINK_JOB_ID: jobId };
    (config['STREAMS'] as Record<string, unknown>[])[0]!['SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS'] = `127.0.0.1:${port}`;
    expect((await call(s, 'POST', '/api/jobs', { id: 'down', config, start: false })).status).toBe(201);
    const started = Date.now();
    const del = await call(s, 'DELETE', '/api/jobs/down?purge=true');
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(del.status).toBe(502);
    expect(del.data.error).toContain(`${jobId}-windowaggregate-repartition`);
    expect(del.data.error).toContain(`${jobId}-windowaggregate-changelog`);
    const kept = await call(s, 'GET', '/api/jobs/down');
    expect(kept.status).toBe(200);
    expect(kept.data.job.desired).toBe('stopped');
    // Without purge the job goes.
    expect((await call(s, 'DELETE', '/api/jobs/down')).data).toEqual({ deleted: 'down', purged: false, topicsDeleted: [] });
  }, 120_000);
});

async function kafkaClientTopics(): Promise<string[]> {
  const admin = kafkaClient('dirk-test-serve-purge').admin();
  await admin.connect();
  try {
    return await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('dirk serve pipelines', () => {
  it('runs a three-stage pipeline (ingest -> aggregate -> alert) through Kafka and brings it down', async () => {
    const s = await serve(tempDir());
    const suffix = Date.now().toString(36);
    const [raw, clean, agg, alerts] = [`it-pipe-raw-${suffix}`, `it-pipe-clean-${suffix}`, `it-pipe-agg-${suffix}`, `it-pipe-alerts-${suffix}`];
    await createTopics([raw], 1);
    const aggSchema = JSON.stringify({ type: 'object', properties: { city: { type: 'string' }, orders: { type: 'integer' }, total: { type: 'number' }, window_end: { type: 'string', format: 'date-time' } } });
    const spec = {
      name: `orders-${suffix}`,
      topics: [{ name: clean, partitions: 1 }, { name: agg }, { name: alerts }],
      stages: [
        { name: 'ingest', config: kafkaJsonJob(`ingest-${suffix}`, raw, clean, 'SELECT order_id, city, amount, ts FROM orders WHERE amount > 0') },
        {
          name: 'aggregate',
          config: kafkaJsonJob(`aggregate-${suffix}`, clean, agg, "SELECT city, COUNT(*) AS orders, SUM(amount) AS total, TUMBLE_END(rowtime, INTERVAL '10' SECOND) AS window_end FROM orders GROUP BY TUMBLE(rowtime, INTERVAL '10' SECOND), city"),
        },
        { name: 'alert', config: kafkaJsonJob(`alert-${suffix}`, agg, alerts, 'SELECT city, total, window_end FROM orders WHERE total >= 100', {}, aggSchema, 'window_end') },
      ],
    };
    // A cycle is refused before anything starts.
    const cyclic = { ...spec, name: `cyclic-${suffix}`, stages: [spec.stages[0], { name: 'back', config: kafkaJsonJob(`back-${suffix}`, clean, raw, 'SELECT order_id, city, amount, ts FROM orders') }] };
    const refused = await call(s, 'POST', '/api/pipelines', cyclic);
    expect(refused.status).toBe(422);
    expect(refused.data.error).toMatch(/cycle/);

    const up = await call(s, 'POST', '/api/pipelines', spec);
    expect(up.status).toBe(201);
    expect(up.data.pipeline.edges).toEqual([
      { from: 'ingest', to: 'aggregate', topic: clean },
      { from: 'aggregate', to: 'alert', topic: agg },
    ]);
    // Three `dirk run` children start at once on 2 cores beside other suites: the default budget, not a short one.
    for (const st of ['ingest', 'aggregate', 'alert']) await waitFor(`${st} running`, stateIs(s, `${spec.name}.${st}`, 'running'));
    await produce(raw, [
      order('a', 'Jakarta', 60, T0 + 1_000),
      order('b', 'Jakarta', 50, T0 + 2_000),
      order('c', 'Bandung', 30, T0 + 3_000),
      order('bad', 'Bandung', -5, T0 + 4_000),
      order('d', 'Bandung', 10, T0 + 12_000),
      // Moves every stage's watermark past the first window.
      order('e', 'Surabaya', 1, T0 + 30_000),
    ]);
    const got = await consumeN(alerts, 1, 60_000);
    expect(JSON.parse(got[0]!.value!.toString())).toMatchObject({ city: 'Jakarta', total: 110 });
    const status = await call(s, 'GET', `/api/pipelines/${spec.name}`);
    expect(status.data.pipeline.stages.map((x: { stage: string; state: string }) => `${x.stage}:${x.state}`)).toEqual(['ingest:running', 'aggregate:running', 'alert:running']);
    expect((await call(s, 'DELETE', `/api/pipelines/${spec.name}`)).status).toBe(204);
    expect((await call(s, 'GET', '/api/jobs')).data.jobs).toEqual([]);
  }, 300_000);
});

describe('dirk pipeline (CLI) with stream-back', () => {
  it('brings up examples/pipeline: a bounded backfill feeds a running aggregation through a topic', async () => {
    const s = await serve(tempDir());
    const dir = tempDir();
    const topic = uniqueTopic('it-streamback');
    const fs = await import('node:fs');
    const read = (f: string): Record<string, any> => JSON.parse(fs.readFileSync(join(REPO_ROOT, 'examples', 'pipeline', f), 'utf8'));
    const pipeline = read('pipeline.json');
    pipeline['name'] = `streamback-${Date.now().toString(36)}`;
    pipeline['topics'] = [{ name: topic, partitions: 1 }];
    const backfill = { ...read('backfill.json'), SINK_KAFKA_BROKERS: kafkaBootstrap(), SINK_KAFKA_TOPIC: topic };
    const perMinute = read('per-minute.json');
    perMinute['STREAMS'][0] = { ...perMinute['STREAMS'][0], SOURCE_KAFKA_TOPIC_NAMES: topic, SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: kafkaBootstrap(), SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: topic };
    fs.writeFileSync(join(dir, 'pipeline.json'), JSON.stringify(pipeline));
    fs.writeFileSync(join(dir, 'backfill.json'), JSON.stringify(backfill));
    fs.writeFileSync(join(dir, 'per-minute.json'), JSON.stringify(perMinute));
    const env = { DIRK_SERVE_URL: s.url, DIRK_SERVE_TOKEN: 'test-token' };

    const up = await runCli(['pipeline', 'up', join(dir, 'pipeline.json')], { env, timeoutMs: 60_000 });
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(up.stdout).toContain(`backfill -> per-minute via ${topic}`);
    const name = pipeline['name'] as string;
    await waitFor('backfill finished', stateIs(s, `${name}.backfill`, 'finished'));
    // 300 sample bookings, one-minute windows: the aggregation prints windows as the backfill's records arrive.
    const windows = await waitFor('windows in the aggregation log', async () => {
      const lines: string[] = (await call(s, 'GET', `/api/jobs/${name}.per-minute/logs?limit=2000`)).data.lines;
      const w = lines.filter((l) => l.startsWith('+I {service_type='));
      return w.length >= 5 ? w : undefined;
    }, 60_000);
    expect(windows[0]).toMatch(/bookings=\d+, window_end=2026-01-01T/);
    const status = await runCli(['pipeline', 'status', join(dir, 'pipeline.json')], { env });
    expect(status.stdout).toMatch(/backfill\s+finished/);
    expect(status.stdout).toMatch(/per-minute\s+running/);
    const down = await runCli(['pipeline', 'down', join(dir, 'pipeline.json')], { env });
    expect(down.code).toBe(0);
    expect((await call(s, 'GET', '/api/jobs')).data.jobs).toEqual([]);
  }, 300_000);
});
