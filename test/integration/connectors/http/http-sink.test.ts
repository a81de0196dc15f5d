import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { IN_PROCESS_DEFAULTS, parquetBookingStream, runBoundedJob } from '../../../helpers/inprocess-job.js';
import { closeKafkaHelpers, consumeN, createTopics, kafkaBootstrap, uniqueTopic } from '../../../helpers/kafka.js';
import { writeBookings } from '../../../connectors/parquet/parquet-files.js';
import kafkajs from '../../../../src/connectors/kafka/kafkajs.js';

/**
 * The HTTP sink against a real HTTP server on 127.0.0.1 (port 0) that misbehaves on purpose: it fails a
 * number of requests before accepting, asks for a Retry-After pause, or refuses rows for good. The job reads
 * Parquet bookings and writes them through the sink; the server records what it accepted.
 */
const H9 = Date.UTC(2026, 0, 1, 9, 0, 0);

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: unknown;
  readonly status: number;
  readonly at: number;
}

type Behaviour = (n: number, url: string) => { status: number; headers?: Record<string, string> };

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});
afterAll(() => closeKafkaHelpers());

async function server(behaviour: Behaviour): Promise<{ base: string; log: Received[] }> {
  const log: Received[] = [];
  let n = 0;
  const s = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8').on('data', (c: string) => (text += c));
    req.on('end', () => {
      const answer = behaviour(n++, req.url ?? '');
      log.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: JSON.parse(text), status: answer.status, at: Date.now() });
      res.writeHead(answer.status, answer.headers ?? {}).end(answer.status >= 400 ? 'try again later' : '');
    });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, log };
}

function bookingsDir(n: number): string {
  const root = mkdtempSync(join(tmpdir(), 'dirk-http-'));
  writeBookings(
    join(root, 'dt=2026-01-01/part-0.parquet'),
    Array.from({ length: n }, (_, i) => ({ order_number: `o-${i}`, service_type: i % 2 ? 'GO_FOOD' : 'GO_RIDE', status: 'COMPLETED', event_timestamp: H9 + i, order_amount: i })),
  );
  return root;
}

function httpJob(dir: string, sink: Record<string, unknown>): Record<string, unknown> {
  return {
    FLINK_JOB_ID: 'http-sink-test',
    STREAMS: [parquetBookingStream([dir])],
    FLINK_SQL_QUERY: 'SELECT order_number, service_type, order_amount FROM booking',
    SINK_TYPE: 'http',
    SINK_HTTP_RETRY_BACKOFF_MS: '20',
    ...IN_PROCESS_DEFAULTS,
    ...sink,
  };
}

const accepted = (log: Received[]): unknown[] => log.filter((r) => r.status < 300).flatMap((r) => (Array.isArray(r.body) ? r.body : [r.body]));

describe('HTTP sink', () => {
  it('retries a server that fails 3 times (honouring Retry-After), then delivers every row exactly once', async () => {
    // Requests 0-2 fail: 503 with Retry-After: 1, then 500, then 429; everything after is accepted.
    const { base, log } = await server((n) => (n === 0 ? { status: 503, headers: { 'retry-after': '1' } } : n === 1 ? { status: 500 } : n === 2 ? { status: 429 } : { status: 204 }));
    const { metrics } = await runBoundedJob(
      httpJob(bookingsDir(5), {
        SINK_HTTP_URL: `${base}/orders/{service_type}?src=dirk`,
        SINK_HTTP_HEADERS: { Authorization: 'Bearer t0ken', 'X-Team': 'maps' },
        SINK_HTTP_BATCH_SIZE: '2',
        SINK_HTTP_MAX_IN_FLIGHT: '1',
      }),
    );
    expect(log.slice(0, 3).map((r) => r.status)).toEqual([503, 500, 429]);
    // The first retry waited for the server's Retry-After (1 s), not the 20 ms backoff.
    expect(log[1]!.at - log[0]!.at).toBeGreaterThanOrEqual(950);
    const rows = accepted(log) as { order_number: string; service_type: string; order_amount: number }[];
    expect(rows.map((r) => r.order_number).sort()).toEqual(['o-0', 'o-1', 'o-2', 'o-3', 'o-4']);
    expect(rows.find((r) => r.order_number === 'o-3')).toEqual({ order_number: 'o-3', service_type: 'GO_FOOD', order_amount: 3 });
    // Templated URL: rows grouped by service type, batches of at most 2 rows, headers as configured.
    const ok = log.filter((r) => r.status < 300);
    expect(ok.map((r) => r.url).sort()).toEqual(['/orders/GO_FOOD?src=dirk', '/orders/GO_RIDE?src=dirk', '/orders/GO_RIDE?src=dirk']);
    for (const r of ok) {
      expect((r.body as unknown[]).length).toBeLessThanOrEqual(2);
      expect(r.headers['authorization']).toBe('Bearer t0ken');
      expect(r.headers['x-team']).toBe('maps');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.method).toBe('POST');
    }
    expect(metrics).toMatch(/dirk_sink_retries_total\{[^}]*sink="http"[^}]*\} 3/);
    expect(metrics).toMatch(/dirk_sink_records_total\{[^}]*sink="http"[^}]*\} 5/);
  });

  it('SINGLE mode sends one JSON object per request', async () => {
    const { base, log } = await server(() => ({ status: 200 }));
    await runBoundedJob(httpJob(bookingsDir(3), { SINK_HTTP_URL: `${base}/one`, SINK_HTTP_REQUEST_MODE: 'SINGLE', SINK_HTTP_METHOD: 'PUT' }));
    expect(log.length).toBe(3);
    expect(log.every((r) => !Array.isArray(r.body) && r.method === 'PUT')).toBe(true);
    expect(log.map((r) => (r.body as { order_number: string }).order_number).sort()).toEqual(['o-0', 'o-1', 'o-2']);
  });

  it('sends rows that fail permanently to the dead-letter topic, with status and error, and goes on', async () => {
    const dlq = uniqueTopic('http-dlq');
    await createTopics([dlq]);
    // GO_FOOD is refused for good (400); GO_RIDE always answers 503, so its retries run out.
    const { base, log } = await server((_n, url) => (url.includes('GO_FOOD') ? { status: 400 } : url.includes('GO_RIDE') ? { status: 503 } : { status: 200 }));
    const { metrics } = await runBoundedJob(
      httpJob(bookingsDir(4), {
        SINK_HTTP_URL: `${base}/orders/{service_type}`,
        SINK_HTTP_MAX_RETRIES: '2',
        SINK_HTTP_DEAD_LETTER_TOPIC: dlq,
        SINK_HTTP_DEAD_LETTER_BROKERS: kafkaBootstrap(),
        // Written lz4-compressed (read back below through Dirk's codecs in kafkajs).
        SINK_HTTP_DEAD_LETTER_COMPRESSION_TYPE: 'lz4',
      }),
    );
    // 400 is not retried; 503 is tried 1 + 2 times.
    expect(log.filter((r) => r.url.includes('GO_FOOD')).length).toBe(1);
    expect(log.filter((r) => r.url.includes('GO_RIDE')).length).toBe(3);
    // Every batch of the topic is lz4: count kafkajs's lz4 look-ups (one per batch) while reading it.
    const codecs = kafkajs.CompressionCodecs as unknown as Record<number, () => unknown>;
    const lz4 = codecs[3]!;
    let lz4Batches = 0;
    codecs[3] = () => (lz4Batches++, lz4());
    const dead = await consumeN(dlq, 4).finally(() => (codecs[3] = lz4));
    expect(lz4Batches).toBeGreaterThan(0);
    const byOrder = new Map(dead.map((m) => [JSON.parse(m.value!.toString()).order_number as string, m.headers]));
    expect([...byOrder.keys()].sort()).toEqual(['o-0', 'o-1', 'o-2', 'o-3']);
    expect(String(byOrder.get('o-1')!['dirk-http-status'])).toBe('400');
    expect(String(byOrder.get('o-0')!['dirk-http-status'])).toBe('503');
    expect(String(byOrder.get('o-0')!['dirk-error'])).toMatch(/^HTTP 503/);
    expect(metrics).toMatch(/dirk_sink_dead_lettered_total\{[^}]*\} 4/);
  });

  it('without a dead-letter topic a permanent failure stops the job with a clear error', async () => {
    const { base } = await server(() => ({ status: 422 }));
    await expect(runBoundedJob(httpJob(bookingsDir(2), { SINK_HTTP_URL: `${base}/x?token=secret` }))).rejects.toThrow(
      /HTTP sink: 2 row\(s\) to http:\/\/127\.0\.0\.1:\d+\/x failed permanently \(HTTP 422: try again later\); set SINK_HTTP_DEAD_LETTER_TOPIC/,
    );
  });

  it('a URL placeholder naming no result column is refused before anything runs', async () => {
    await expect(runBoundedJob(httpJob(bookingsDir(1), { SINK_HTTP_URL: 'http://127.0.0.1:1/{city}' }))).rejects.toThrow(
      /SINK_HTTP_URL: the placeholder \{city\} names no column of the query's result \(columns: order_number, service_type, order_amount\)/,
    );
  });
});
