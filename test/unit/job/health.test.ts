import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/logger.js';
import { externalError, userError } from '../../../src/core/errors.js';
import { JobHealth } from '../../../src/job/health.js';
import { restartable, superviseRestarts, type Attempt } from '../../../src/job/restarts.js';
import { createTelemetry, startMetricsServer } from '../../../src/telemetry/index.js';

describe('JobHealth (/healthz)', () => {
  const make = (unreachableMs = 1000, checkpointFailures = 2) => {
    let t = 10_000;
    const h = new JobHealth({ unreachableMs, checkpointFailures, now: () => t });
    return { h, advance: (ms: number) => (t += ms) };
  };

  it('is healthy while sources answer and checkpoints complete', () => {
    const { h, advance } = make();
    h.running();
    h.source('booking', true);
    h.checkpointCompleted();
    advance(5000);
    expect(h.report()).toEqual({ healthy: true, status: 'ok', reasons: [] });
  });

  it('a source down longer than the threshold, counted from when the broker last answered', () => {
    const { h, advance } = make(1000);
    h.source('booking', true);
    advance(700);
    h.source('booking', false, 'Connection error: connect ECONNREFUSED');
    expect(h.report().healthy).toBe(true); // 700 ms since the last fetch
    advance(400);
    const r = h.report();
    expect(r.healthy).toBe(false);
    expect(r.status).toBe('unhealthy');
    expect(r.reasons).toEqual(['source booking: broker unreachable for 1.1 s (Connection error: connect ECONNREFUSED)']);
    expect(r.since).toBe(new Date(10_000).toISOString());
    h.source('booking', true);
    expect(h.report().healthy).toBe(true);
  });

  it('a flush waiting for acknowledgement too long, and a failed flush', async () => {
    const { h, advance } = make(1000);
    let release!: () => void;
    const flushing = h.flush(() => new Promise<void>((r) => (release = r)));
    advance(1500);
    expect(h.report().reasons).toEqual(['sink: a flush has waited 1.5 s for acknowledgement']);
    release();
    await flushing;
    expect(h.report().healthy).toBe(true);
    await expect(h.flush(() => Promise.reject(new Error('producing to topic out failed')))).rejects.toThrow('producing');
    expect(h.report().reasons).toEqual(['sink: the last flush failed: producing to topic out failed']);
    await h.flush(async () => undefined);
    expect(h.report().healthy).toBe(true);
  });

  it('checkpoints failing in a row, restarting, stopped', () => {
    const { h } = make(1000, 2);
    h.checkpointFailed();
    expect(h.report().healthy).toBe(true);
    h.checkpointFailed();
    expect(h.report().reasons).toEqual(['2 checkpoints in a row failed']);
    h.checkpointCompleted();
    expect(h.report().healthy).toBe(true);
    expect(h.checkpointsCompleted).toBe(1);
    h.restartingAfter('kafka sink kafka: producing failed');
    expect(h.report().reasons).toEqual(['restarting from the last checkpoint after: kafka sink kafka: producing failed']);
    h.running();
    expect(h.report().healthy).toBe(true);
    h.stopped('the job has stopped');
    expect(h.report().healthy).toBe(false);
  });

  it('the metrics server serves the report as JSON, 200 or 503', async () => {
    const { h } = make(1000, 1);
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0, telemetry: createTelemetry({ jobId: 'h' }), healthy: () => h.report() });
    try {
      let res = await fetch(`${server.url}/healthz`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json()).toEqual({ healthy: true, status: 'ok', reasons: [] });
      h.checkpointFailed();
      res = await fetch(`${server.url}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ healthy: false, status: 'unhealthy', reasons: ['1 checkpoints in a row failed'] });
    } finally {
      await server.close();
    }
  });
});

describe('in-process restarts (FLINK_RESTART_*)', () => {
  interface Run extends Attempt {
    fail(e: unknown): void;
    end(): void;
  }
  const attempt = (): Run => {
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    done.catch(() => undefined);
    return { done, stop: async () => resolve(), fail: reject, end: resolve };
  };
  const setup = (attempts: number, startFails: (n: number) => unknown = () => undefined) => {
    const lines: string[] = [];
    const runs: Run[] = [];
    const waits: number[] = [];
    const telemetry = createTelemetry({ jobId: 'r' });
    const health = new JobHealth({ unreachableMs: 1000, checkpointFailures: 2 });
    let closed = 0;
    let starts = 0;
    const job = superviseRestarts({
      start: async () => {
        const failure = startFails(starts++);
        if (failure !== undefined) throw failure;
        const r = attempt();
        runs.push(r);
        return r;
      },
      restart: { attempts, backoffMs: 100, backoffMaxMs: 250 },
      logger: createLogger({ level: 'debug', write: (l) => void lines.push(l) }),
      telemetry,
      metricsUrl: undefined,
      health,
      close: async () => void closed++,
      sleep: async (ms) => void waits.push(ms),
    });
    return { job, runs, waits, lines, health, telemetry, closed: () => closed };
  };
  const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

  it('only external (and Kafka client) failures restart', () => {
    expect(restartable(externalError('broker down'))).toBe(true);
    expect(restartable(userError('bad record'))).toBe(false);
    expect(restartable(new Error('internal'))).toBe(false);
    const kafkaError = new Error('Connection error');
    kafkaError.name = 'KafkaJSConnectionError';
    expect(restartable(kafkaError)).toBe(true);
  });

  it('restarts with doubling, capped backoff and ends with the budget used up', async () => {
    const s = setup(3);
    const job = await s.job;
    for (let i = 0; i < 3; i++) {
      s.runs[i]!.fail(externalError(`send failed ${i}`));
      await tick();
      expect(s.runs.length).toBe(i + 2);
    }
    expect(s.waits).toEqual([100, 200, 250]);
    s.runs[3]!.fail(externalError('send failed 3'));
    await expect(job.done).rejects.toThrow(/send failed 3 \(after 3 in-process restart\(s\) in a row, FLINK_RESTART_ATTEMPTS=3/);
    expect(s.closed()).toBe(1);
    expect(await s.telemetry.metrics()).toMatch(/dirk_job_restarts_total\{job="r"\} 3/);
    expect(await s.telemetry.metrics()).toMatch(/dirk_errors_total\{domain="external",status="fatal",job="r"\} 1/);
    expect(s.lines.join('\n')).toMatch(/restarting from the last checkpoint in 100 ms \(restart 1 of FLINK_RESTART_ATTEMPTS=3\)/);
    expect(s.health.report().reasons[0]).toMatch(/the job has failed: send failed 3/);
  });

  it('a checkpoint completed after a restart resets the count', async () => {
    const s = setup(1);
    const job = await s.job;
    s.runs[0]!.fail(externalError('outage 1'));
    await tick();
    s.health.checkpointCompleted();
    s.runs[1]!.fail(externalError('outage 2'));
    await tick();
    expect(s.runs.length).toBe(3);
    s.runs[2]!.fail(externalError('outage 3'));
    await expect(job.done).rejects.toThrow(/outage 3 \(after 1 in-process restart/);
  });

  it('a user error ends the job at once; a clean end resolves; stop ends it', async () => {
    const a = setup(5);
    (await a.job).done.catch(() => undefined);
    a.runs[0]!.fail(userError('bad record'));
    await expect((await a.job).done).rejects.toThrow('bad record');
    expect(a.runs.length).toBe(1);

    const b = setup(5);
    b.runs[0]!.end();
    await expect((await b.job).done).resolves.toBeUndefined();
    expect(b.closed()).toBe(1);

    const c = setup(5);
    await (await c.job).stop();
    await expect((await c.job).done).resolves.toBeUndefined();
  });

  it('stop() during the backoff ends the job without starting another pipeline', async () => {
    let starts = 0;
    const runs: Run[] = [];
    const health = new JobHealth({ unreachableMs: 1000, checkpointFailures: 2 });
    const job = await superviseRestarts({
      start: async () => {
        starts++;
        const r = attempt();
        runs.push(r);
        return r;
      },
      restart: { attempts: 5, backoffMs: 60_000, backoffMaxMs: 60_000 },
      logger: createLogger({ level: 'error', write: () => undefined }),
      telemetry: createTelemetry({ jobId: 's' }),
      metricsUrl: undefined,
      health,
      close: async () => undefined,
    });
    runs[0]!.fail(externalError('outage'));
    await tick();
    expect(health.report().reasons[0]).toMatch(/restarting from the last checkpoint after: outage/);
    await job.stop(); // the real 60 s sleep is cut short
    await expect(job.done).resolves.toBeUndefined();
    expect(starts).toBe(1);
  });

  it('a pipeline that cannot start again counts as another failure; the first start failing ends it', async () => {
    const s = setup(3, (n) => (n === 1 || n === 2 ? externalError(`broker still down ${n}`) : undefined));
    const job = await s.job;
    s.runs[0]!.fail(externalError('outage'));
    await tick();
    expect(s.runs.length).toBe(2);
    expect(s.waits).toEqual([100, 200, 250]);
    s.runs[1]!.end();
    await expect(job.done).resolves.toBeUndefined();

    const first = setup(3, (n) => (n === 0 ? externalError('cannot connect') : undefined));
    await expect(first.job).rejects.toThrow('cannot connect');
  });
});
