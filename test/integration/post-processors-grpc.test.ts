import * as grpc from '@grpc/grpc-js';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDescriptorSet } from '../../src/schema/index.js';
import { kafkaStream, loadBookingProtos, protoTimestamp, writeJobFile } from '../helpers/jobs.js';
import { closeKafkaHelpers, consumeN, createTopics, kafkaBootstrap, produce, uniqueTopic } from '../helpers/kafka.js';
import { REPO_ROOT, startCli } from '../helpers/process.js';

/**
 * The grpc post-processor through the CLI: a @grpc/grpc-js server started here from a .proto, the
 * request/response descriptors fetched from `grpc_stencil_url` (a Stencil-style HTTP server serving the
 * .proto's descriptor set), headers as metadata, the answer read by JSONPath, a NOT_FOUND status leaving
 * the fields empty.
 */
const PROTO = join(REPO_ROOT, 'test/fixtures/grpc/customer_service.proto');
const dir = mkdtempSync(join(tmpdir(), 'dirk-post-grpc-'));
let grpcServer: grpc.Server;
let grpcPort: number;
let stencil: Server;
let stencilUrl: string;
let Booking: protobuf.Type;

beforeAll(async () => {
  Booking = (await loadBookingProtos()).lookupType('dirk.examples.BookingLogMessage');
  const root = await new protobuf.Root().load(PROTO, { keepCase: true });
  const Req = root.lookupType('dirk.test.grpc.CustomerRequest');
  const Rep = root.lookupType('dirk.test.grpc.CustomerReply');
  grpcServer = new grpc.Server();
  grpcServer.addService(
    {
      Lookup: {
        path: '/dirk.test.grpc.CustomerService/Lookup',
        requestStream: false,
        responseStream: false,
        requestSerialize: (m: protobuf.Message) => Buffer.from(Req.encode(m).finish()),
        requestDeserialize: (b: Buffer) => Req.decode(b),
        responseSerialize: (m: Record<string, unknown>) => Buffer.from(Rep.encode(Rep.fromObject(m)).finish()),
        responseDeserialize: (b: Buffer) => Rep.decode(b),
      },
    },
    {
      Lookup: (call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>, callback: grpc.sendUnaryData<Record<string, unknown>>) => {
        const req = Req.toObject(call.request as unknown as protobuf.Message, { defaults: true }) as { customer_id: string; detail_level: number };
        if (req.customer_id === 'ghost') return callback({ code: grpc.status.NOT_FOUND, details: 'no such customer' });
        const delay = Math.floor(Math.random() * 20);
        setTimeout(
          () =>
            callback(null, {
              name: `Customer ${req.customer_id}`,
              points: 1000 + req.detail_level,
              address: { city: 'Jakarta', zip: '1234' },
              tags: ['gold'],
              api_key_seen: String(call.metadata.get('x-api-key')[0] ?? ''),
            }),
          delay,
        );
      },
    },
  );
  grpcPort = await new Promise<number>((resolve, reject) => grpcServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, port) => (e ? reject(e) : resolve(port))));
  const desc = buildDescriptorSet([PROTO]);
  stencil = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(Buffer.from(desc));
  });
  await new Promise<void>((r) => stencil.listen(0, '127.0.0.1', r));
  stencilUrl = `http://127.0.0.1:${(stencil.address() as AddressInfo).port}/descriptors.bin`;
});
afterAll(async () => {
  grpcServer.forceShutdown();
  await new Promise<void>((r) => stencil.close(() => r()));
  await closeKafkaHelpers();
});

describe('dirk run with a grpc post-processor', () => {
  it('calls the unary method per record in order and maps the reply with JSONPath', async () => {
    const input = uniqueTopic('it-grpc-in');
    const output = uniqueTopic('it-grpc-out');
    await createTopics([input, output], 1);
    const customers = ['c1', 'c2', 'ghost', 'c4', 'c5', 'c6', 'c7', 'c8'];
    await produce(
      input,
      customers.map((c, i) => ({
        value: Buffer.from(Booking.encode(Booking.fromObject({ order_number: `o${i}`, customer_id: c, service_area_id: i, event_timestamp: protoTimestamp(Date.UTC(2026, 0, 1) + i) })).finish()),
      })),
    );
    const file = writeJobFile(dir, 'grpc', {
      FLINK_JOB_ID: `it-grpc-${input}`,
      STREAMS: [kafkaStream({ table: 'booking', protoClass: 'dirk.examples.BookingLogMessage', timestampIndex: '5', topic: input, groupId: `it-grpc-${input}` })],
      FLINK_SQL_QUERY: 'SELECT order_number, customer_id, service_area_id FROM `booking`',
      SCHEMA_PROTO_DIRS: join(REPO_ROOT, 'protos'),
      SINK_TYPE: 'kafka',
      SINK_KAFKA_BROKERS: kafkaBootstrap(),
      SINK_KAFKA_TOPIC: output,
      SINK_KAFKA_DATA_TYPE: 'JSON',
      METRICS_PORT: '0',
      PROCESSOR_POSTPROCESSOR_ENABLE: 'true',
      PROCESSOR_POSTPROCESSOR_CONFIG: {
        external_source: {
          grpc: [
            {
              endpoint: '127.0.0.1',
              service_port: String(grpcPort),
              request_pattern: "{'customer_id': '%s', 'detail_level': %d}",
              request_variables: 'customer_id,service_area_id',
              grpc_stencil_url: stencilUrl,
              grpc_request_proto_schema: 'dirk.test.grpc.CustomerRequest',
              grpc_response_proto_schema: 'dirk.test.grpc.CustomerReply',
              grpc_method_url: 'dirk.test.grpc.CustomerService/Lookup',
              stream_timeout: '5000',
              connect_timeout: '5000',
              fail_on_errors: 'false',
              capacity: '4',
              headers: { 'x-api-key': 'secret-key' },
              grpc_arg_keepalive_time_ms: '60000',
              output_mapping: { customer_name: { path: '$.name' }, points: { path: '$.points' }, city: { path: '$.address.city' }, key_seen: { path: '$.api_key_seen' } },
            },
          ],
        },
        internal_source: [{ output_field: 'order_number', type: 'sql', value: 'order_number' }],
      },
    });
    const cli = startCli(['run', file]);
    try {
      const records = (await consumeN(output, customers.length, 40_000)).map((r) => JSON.parse(r.value!.toString('utf8')) as Record<string, unknown>);
      expect(records.map((r) => r['order_number'])).toEqual(customers.map((_c, i) => `o${i}`));
      // int64 comes back as text, as Dagger's JsonFormat prints it.
      expect(records[1]).toEqual({ customer_name: 'Customer c2', points: '1001', city: 'Jakarta', key_seen: 'secret-key', order_number: 'o1' });
      expect(records[2]).toEqual({ customer_name: null, points: null, city: null, key_seen: null, order_number: 'o2' });
      expect(records[7]).toMatchObject({ customer_name: 'Customer c8', points: '1007' });
    } finally {
      const status = await cli.stop('SIGTERM', 20_000);
      expect(status.code, cli.stderr()).toBe(0);
    }
  });
});
