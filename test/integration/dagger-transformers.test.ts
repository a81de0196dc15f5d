import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDescriptorSet } from '../../src/schema/descriptor-registry.js';
import { protoTimestamp, writeJobFile } from '../helpers/jobs.js';
import { closeKafkaHelpers, consumeN, createTopics, kafkaBootstrap, produce, uniqueTopic } from '../helpers/kafka.js';
import { REPO_ROOT, runCli, startCli, type RunningCli } from '../helpers/process.js';

/**
 * Dagger's own transformer jobs through the CLI (`npm run build` first) and the real broker: the quickstart's
 * deduplication job (its local.properties with only hosts, topic and group replaced, and the metrics port set
 * to 0), and the examples of Dagger's transformer reference page with their post-processor configs as
 * published, over a proto holding the columns they name.
 */
const dir = mkdtempSync(join(tmpdir(), 'dirk-dagger-tr-'));
const PROTO_DIR = join(REPO_ROOT, 'protos/dirk/test/dagger');
let stencil: Server;
let stencilHost: string;
let root: protobuf.Root;

beforeAll(async () => {
  // Dagger's quickstart serves a descriptor set file at http://stencil:2917/file.desc; so does this server.
  const descriptors = buildDescriptorSet([PROTO_DIR]);
  stencil = createServer((req, res) => {
    if (req.url === '/file.desc') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(descriptors);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => stencil.listen(0, '127.0.0.1', r));
  stencilHost = `127.0.0.1:${(stencil.address() as AddressInfo).port}`;
  root = await new protobuf.Root().load([join(PROTO_DIR, 'booking_log.proto'), join(PROTO_DIR, 'docs_example.proto')], { keepCase: true });
});
afterAll(async () => {
  await new Promise<void>((r) => stencil.close(() => r()));
  await closeKafkaHelpers();
});

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("Dagger's quickstart deduplication job", () => {
  it('prints each order_number once', async () => {
    const topic = uniqueTopic('dagger-test-topic-v1');
    await createTopics([topic], 1);
    const text = readFileSync(join(REPO_ROOT, 'test/fixtures/dagger-quickstart/deduplication-transformer/local.properties'), 'utf8')
      .replaceAll('kafka:29094', kafkaBootstrap())
      .replaceAll('stencil:2917', stencilHost)
      .replaceAll('dagger-test-topic-cgroup-v1', `${topic}-cgroup`)
      .replaceAll('dagger-test-topic-v1', topic);
    const job = join(dir, 'quickstart-dedup.properties');
    writeFileSync(job, `${text}\nMETRICS_PORT=0\n`);

    const validated = await runCli(['validate', job], { timeoutMs: 40_000 });
    expect(validated.code, validated.stderr).toBe(0);

    // The quickstart's feeder: sample_message.txt with the time, a random service type and customer suffix.
    const Booking = root.lookupType('com.gotocompany.dagger.consumer.TestBookingLogMessage');
    const message = (order: string, customer: string, service: string): Buffer =>
      Buffer.from(
        Booking.encode(
          Booking.fromObject({
            service_type: service,
            order_number: order,
            event_timestamp: protoTimestamp(Math.floor(Date.now() / 1000) * 1000),
            customer_id: `customer-${customer}`,
            driver_pickup_location: { latitude: 19.075983, longitude: 72.877655 },
            driver_dropoff_location: { latitude: 19.237188, longitude: 72.844139 },
          }),
        ).finish(),
      );

    const cli: RunningCli = startCli(['run', '--checkpoint-dir', join(dir, 'ckpt-quickstart'), job]);
    const rows = (order: string): string[] => cli.stdout().split('\n').filter((l) => l.includes(`order_number=${order}`));
    try {
      await cli.waitForLine('partitions assigned', { timeoutMs: 30_000 });
      // SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET=latest: feed until the job has seen one (duplicates are dropped anyway).
      let n = 0;
      await until('the first ynnhjv45 row', async () => {
        await produce(topic, [{ value: message('ynnhjv45', `a${n++}`, 'FLIGHT') }]);
        return rows('ynnhjv45').length > 0;
      });
      await produce(topic, [{ value: message('ynnhjv45', 'zzz', 'BUS') }, { value: message('k2m9p0', 'b01', 'TRAIN') }, { value: message('ynnhjv45', 'yyy', 'TRAIN') }]);
      await until('the k2m9p0 row', () => rows('k2m9p0').length > 0);
      // Exactly one: the first the job read (with offset reset latest, an early feed may come before its start offset).
      expect(rows('ynnhjv45')).toHaveLength(1);
      expect(rows('ynnhjv45')[0]).toMatch(/^\+I \{order_number=ynnhjv45, customer_id=customer-a\d+\}$/);
      expect(rows('k2m9p0')).toEqual(['+I {order_number=k2m9p0, customer_id=customer-b01}']);
    } finally {
      const status = await cli.stop('SIGTERM', 20_000);
      expect(status.code, cli.stderr()).toBe(0);
    }
  });
});
