import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDescriptorSet, rootFromDescriptorSet } from '../../src/schema/index.js';
import { protoTimestamp, writeJobFile } from '../helpers/jobs.js';
import { closeKafkaHelpers, createTopics, kafkaBootstrap, produce, uniqueTopic } from '../helpers/kafka.js';
import { REPO_ROOT, startCli } from '../helpers/process.js';

/**
 * Dagger's own quickstart enrichment job (goto/dagger quickstart/examples/enrichment/elasticsearch_enrichment),
 * run from its local.properties with only these changes: the Kafka bootstrap (kafka:29094), the topic and
 * group names (unique per test run), the Stencil URL (http://stencil:2917/file.desc, served here from the
 * quickstart's own protos) and the Elasticsearch host and port. Elasticsearch is an HTTP server in the test
 * answering `GET /<index>/_doc/<id>` as Elasticsearch 7 does (see docs/infra.md for why not OpenSearch).
 * The seed document is the quickstart's seed1.json; the input records are its sample_message.txt.
 */
const FIXTURE = join(REPO_ROOT, 'test/fixtures/dagger-quickstart-jobs/es-enrichment');
const dir = mkdtempSync(join(tmpdir(), 'dirk-post-dagger-'));
let stencil: Server;
let es: Server;
let stencilUrl: string;
let esPort: number;
const esRequests: string[] = [];

function listen(s: Server): Promise<number> {
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
}

beforeAll(async () => {
  const desc = buildDescriptorSet([FIXTURE]);
  stencil = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(Buffer.from(desc));
  });
  stencilUrl = `http://127.0.0.1:${await listen(stencil)}/file.desc`;
  const seed = JSON.parse(readFileSync(join(FIXTURE, 'seed1.json'), 'utf8')) as Record<string, unknown>;
  es = createServer((req: IncomingMessage, res: ServerResponse) => {
    esRequests.push(`${req.method} ${req.url}`);
    const m = /^\/([^/]+)\/_doc\/([^/?]+)$/.exec(req.url ?? '');
    res.setHeader('content-type', 'application/json; charset=UTF-8');
    if (!m || req.method !== 'GET') {
      res.writeHead(400);
      return res.end(JSON.stringify({ error: 'bad request' }));
    }
    const [, index, id] = m;
    if (index === 'customers' && id === String(seed['customer_id'])) {
      res.writeHead(200);
      return res.end(JSON.stringify({ _index: index, _type: '_doc', _id: id, _version: 1, _seq_no: 0, _primary_term: 1, found: true, _source: seed }));
    }
    res.writeHead(404);
    res.end(JSON.stringify({ _index: index, _type: '_doc', _id: id, found: false }));
  });
  esPort = await listen(es);
});
afterAll(async () => {
  await new Promise<void>((r) => stencil.close(() => r()));
  await new Promise<void>((r) => es.close(() => r()));
  await closeKafkaHelpers();
});

/** Reads a Java properties file (key=value lines; # comments), values as written. */
function readProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    const i = line.indexOf('=');
    out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

describe("Dagger's quickstart Elasticsearch enrichment job", () => {
  it('runs from its local.properties (hosts changed) and enriches the booking with the customer profile', async () => {
    const topic = uniqueTopic('it-dagger-es');
    await createTopics([topic], 1);
    const props = readProperties(readFileSync(join(FIXTURE, 'local.properties'), 'utf8'));
    // The only changes: hosts, ports, topic and group names.
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(props)) {
      config[k] = v
        .replace('kafka:29094', kafkaBootstrap())
        .replace('dagger-test-topic-v1', topic)
        .replace('dagger-test-topic-cgroup-v1', `${topic}-group`)
        .replace('http://stencil:2917/file.desc', stencilUrl)
        .replace('"host": "elasticsearch"', '"host": "127.0.0.1"')
        .replace('"port": "9200"', `"port": "${esPort}"`);
    }
    config['FLINK_JOB_ID'] = `it-dagger-es-${topic}`;
    const file = writeJobFile(dir, 'es-enrichment', config);
    const cli = startCli(['run', file]);
    try {
      await cli.waitForLine('partitions assigned', { timeoutMs: 30_000 });
      const root = rootFromDescriptorSet(buildDescriptorSet([FIXTURE]));
      const Booking = root.lookupType('com.gotocompany.dagger.consumer.TestBookingLogMessage');
      const at = Date.UTC(2026, 0, 2, 3, 4, 5);
      // sample_message.txt with the feeder's substitutions (service type, timestamp, customer suffix).
      const message = (service: string, customer: string): Buffer =>
        Buffer.from(
          Booking.encode(
            Booking.fromObject({
              service_type: service,
              order_number: 'ynnhjv45',
              event_timestamp: protoTimestamp(at),
              customer_id: customer,
              driver_pickup_location: { latitude: 19.075983, longitude: 72.877655 },
              driver_dropoff_location: { latitude: 19.237188, longitude: 72.844139 },
            }),
          ).finish(),
        );
      await produce(topic, [{ value: message('FLIGHT', '11') }, { value: message('BUS', '3') }]);
      const first = await cli.waitForLine(/^\+I .*customer_profile=/m, { timeoutMs: 30_000, stream: 'stdout' });
      expect(first).toContain(
        '+I {customer_profile={customer_id=11, name=dummy customer, email=dummy_customer@gojek.com, phone=+666666000666666, wallet_id=171380079590001027, created_at={seconds=1495070394, nanos=0}, updated_at={seconds=1495070400, nanos=0}}, ',
      );
      expect(first).toContain(`booking_log={service_type=FLIGHT, order_number=ynnhjv45, order_url=, event_timestamp={seconds=${at / 1000}, nanos=0}, customer_id=11, `);
      expect(first).toContain('driver_pickup_location={name=, address=, latitude=19.075983, longitude=72.877655, ');
      expect(first).toContain('rowtime=2026-01-02T03:04:05.000Z}');
      expect(first).toMatch(/, event_timestamp=20\d\d-\d\d-\d\dT[\d:.]+Z\}$/);
      // Customer 3 has no document: a 404, the row goes on without a profile (fail_on_errors is false).
      const second = await cli.waitForLine(/^\+I \{booking_log=\{service_type=BUS/m, { timeoutMs: 30_000, stream: 'stdout' });
      expect(second).toContain('customer_id=3');
      expect(second).not.toContain('customer_profile');
      expect(esRequests).toEqual(['GET /customers/_doc/11', 'GET /customers/_doc/3']);
    } finally {
      const status = await cli.stop('SIGTERM', 20_000);
      expect(status.code, cli.stderr()).toBe(0);
    }
  });
});
