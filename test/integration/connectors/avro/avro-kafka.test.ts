import avro from 'avsc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStencilServer, type StencilServer } from '../../../../src/schema/index.js';
import { IN_PROCESS_DEFAULTS, runBoundedJob } from '../../../helpers/inprocess-job.js';
import { closeKafkaHelpers, consumeN, createTopics, kafkaBootstrap, produce, uniqueTopic } from '../../../helpers/kafka.js';

/**
 * Avro through the real broker and a real Confluent-API registry (`dirk registry serve`'s server on port 0):
 * records written with two versions of a subject (the second adds a field with a default) are read as the
 * latest version, aggregated in SQL, and written back as Avro under a subject the sink registers.
 */
const TOKEN = 'avro-test-token';
let server: StencilServer;
beforeAll(async () => {
  server = await startStencilServer({ publishToken: TOKEN });
});
afterAll(async () => {
  await server.close();
  await closeKafkaHelpers();
});

const V1 = {
  type: 'record',
  name: 'Order',
  namespace: 'dirk.test',
  fields: [
    { name: 'order_id', type: 'string' },
    { name: 'service', type: ['null', 'string'], default: null },
    { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 } },
    { name: 'event_time', type: { type: 'long', logicalType: 'timestamp-millis' } },
  ],
};
const V2 = { ...V1, fields: [...V1.fields, { name: 'qty', type: 'int', default: 1 }] };
const V3_INCOMPATIBLE = { ...V1, fields: [...V1.fields, { name: 'required_new', type: 'string' }] };

async function registry(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(server.url + path, {
    method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: await res.json() };
}

function wire(id: number, bytes: Buffer): Buffer {
  const h = Buffer.alloc(5);
  h.writeUInt32BE(id, 1);
  return Buffer.concat([h, bytes]);
}

/** Decimal bytes as the Avro spec writes them: big-endian two's complement of the unscaled value. */
function decimal(cents: number): Buffer {
  const hex = cents.toString(16);
  const b = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  return b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b;
}

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

describe('Avro with a Confluent schema registry', () => {
  it('registry API: registration needs the token, evolution is checked BACKWARD', async () => {
    const subject = `${uniqueTopic('avro-api')}-value`;
    expect((await registry('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(V1) })).status).toBe(401);
    const v1 = await registry('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(V1) }, TOKEN);
    expect(v1.status).toBe(200);
    // The same schema again keeps its id; lookup finds it.
    expect((await registry('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(V1) }, TOKEN)).body.id).toBe(v1.body.id);
    expect((await registry('POST', `/subjects/${subject}`, { schema: JSON.stringify(V1) })).body).toMatchObject({ subject, version: 1, id: v1.body.id });
    expect((await registry('POST', `/compatibility/subjects/${subject}/versions/latest`, { schema: JSON.stringify(V2) })).body.is_compatible).toBe(true);
    const check = await registry('POST', `/compatibility/subjects/${subject}/versions/latest`, { schema: JSON.stringify(V3_INCOMPATIBLE) });
    expect(check.body.is_compatible).toBe(false);
    const refused = await registry('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(V3_INCOMPATIBLE) }, TOKEN);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/required_new/);
    const v2 = await registry('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(V2) }, TOKEN);
    expect(v2.body.id).not.toBe(v1.body.id);
    expect((await registry('GET', `/subjects/${subject}/versions`)).body).toEqual([1, 2]);
    expect((await registry('GET', `/subjects/${subject}/versions/latest`)).body).toMatchObject({ version: 2, id: v2.body.id });
    expect(JSON.parse((await registry('GET', `/schemas/ids/${v1.body.id}`)).body.schema)).toEqual(V1);
    expect((await registry('GET', '/subjects')).body).toContain(subject);
    // NONE lets anything through; the level is per subject.
    expect((await registry('PUT', `/config/${subject}`, { compatibility: 'NONE' }, TOKEN)).status).toBe(200);
    expect((await registry('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(V3_INCOMPATIBLE) }, TOKEN)).status).toBe(200);
    expect((await registry('GET', `/schemas/ids/9999`)).status).toBe(404);
  });

  it('Kafka Avro in -> SQL -> Avro out, across a schema evolution step', { timeout: 120_000 }, async () => {
    const inTopic = uniqueTopic('avro-in');
    const outTopic = uniqueTopic('avro-out');
    await createTopics([inTopic, outTopic]);
    const id1 = (await registry('POST', `/subjects/${inTopic}-value/versions`, { schema: JSON.stringify(V1) }, TOKEN)).body.id as number;
    const t1 = avro.Type.forSchema(V1 as avro.Schema);
    // Minute 0: three v1 records (qty comes from v2's default, 1).
    await produce(inTopic, [
      { value: wire(id1, t1.toBuffer({ order_id: 'a', service: 'GO_RIDE', amount: decimal(1050), event_time: T0 + 1000 })) },
      { value: wire(id1, t1.toBuffer({ order_id: 'b', service: 'GO_RIDE', amount: decimal(200), event_time: T0 + 2000 })) },
      { value: wire(id1, t1.toBuffer({ order_id: 'c', service: 'GO_FOOD', amount: decimal(99), event_time: T0 + 3000 })) },
    ]);
    const id2 = (await registry('POST', `/subjects/${inTopic}-value/versions`, { schema: JSON.stringify(V2) }, TOKEN)).body.id as number;
    const t2 = avro.Type.forSchema(V2 as avro.Schema);
    // Minute 1: v2 records with their own qty; then one record far later closes minute 1's window.
    await produce(inTopic, [
      { value: wire(id2, t2.toBuffer({ order_id: 'd', service: 'GO_RIDE', amount: decimal(500), event_time: T0 + 61_000, qty: 3 })) },
      { value: wire(id2, t2.toBuffer({ order_id: 'e', service: null, amount: decimal(1), event_time: T0 + 62_000, qty: 5 })) },
      { value: wire(id2, t2.toBuffer({ order_id: 'z', service: 'LATE', amount: decimal(0), event_time: T0 + 600_000, qty: 0 })) },
    ]);

    await runBoundedJob({
      FLINK_JOB_ID: 'avro-test',
      STREAMS: [
        {
          INPUT_SCHEMA_TABLE: 'orders',
          INPUT_DATATYPE: 'AVRO',
          INPUT_SCHEMA_AVRO_EVENT_TIMESTAMP_FIELD_NAME: 'event_time',
          SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'KAFKA_SOURCE' }],
          SOURCE_KAFKA_TOPIC_NAMES: inTopic,
          SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: kafkaBootstrap(),
          SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: `${inTopic}-g`,
          SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET: 'earliest',
        },
      ],
      SCHEMA_REGISTRY_CONFLUENT_URL: server.url,
      SCHEMA_REGISTRY_CONFLUENT_BEARER_AUTH_TOKEN: TOKEN,
      FLINK_SQL_QUERY:
        "SELECT COALESCE(service, 'none') AS service, COUNT(*) AS orders, SUM(amount) AS total, SUM(qty) AS qty, TUMBLE_END(rowtime, INTERVAL '1' MINUTE) AS window_end " +
        "FROM orders GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE), COALESCE(service, 'none')",
      SINK_TYPE: 'kafka',
      SINK_KAFKA_BROKERS: kafkaBootstrap(),
      SINK_KAFKA_TOPIC: outTopic,
      SINK_KAFKA_DATA_TYPE: 'AVRO',
      ...IN_PROCESS_DEFAULTS,
    });

    const messages = await consumeN(outTopic, 5);
    const latest = (await registry('GET', `/subjects/${outTopic}-value/versions/latest`)).body as { id: number; schema: string };
    const outType = avro.Type.forSchema(JSON.parse(latest.schema) as avro.Schema);
    const rows = messages.map((m) => {
      const v = m.value!;
      expect(v[0]).toBe(0);
      expect(v.readUInt32BE(1)).toBe(latest.id);
      const r = outType.fromBuffer(v.subarray(5)) as { service: string; orders: number; total: Buffer; qty: number; window_end: number };
      // The registered schema says how the decimal is scaled.
      const scale = (JSON.parse(latest.schema) as { fields: { name: string; type: unknown[] }[] }).fields.find((f) => f.name === 'total')!.type[1] as { scale: number };
      const cents = Number(BigInt(`0x${r.total.toString('hex')}`)) / 10 ** (scale.scale - 2);
      return `${new Date(r.window_end).toISOString().slice(11, 16)} ${r.service} ${r.orders} ${cents} ${r.qty}`;
    });
    // The bounded input's end fires the last window too.
    expect(rows.sort()).toEqual(['09:01 GO_FOOD 1 99 1', '09:01 GO_RIDE 2 1250 2', '09:02 GO_RIDE 1 500 3', '09:02 none 1 1 5', '09:11 LATE 1 0 0']);
  });

  it('projection pushdown, bad records and config errors', { timeout: 60_000 }, async () => {
    const topic = uniqueTopic('avro-bad');
    await createTopics([topic]);
    const id = (await registry('POST', `/subjects/${topic}-value/versions`, { schema: JSON.stringify(V2) }, TOKEN)).body.id as number;
    const t2 = avro.Type.forSchema(V2 as avro.Schema);
    await produce(topic, [
      { value: wire(id, t2.toBuffer({ order_id: 'a', service: 'X', amount: decimal(1), event_time: T0, qty: 7 })) },
      { value: Buffer.from('{"not":"avro"}') },
      { value: wire(4242, Buffer.from([1, 2, 3])) },
      { value: wire(id, t2.toBuffer({ order_id: 'b', service: 'Y', amount: decimal(2), event_time: T0 + 1, qty: 8 })) },
    ]);
    const stream = {
      INPUT_SCHEMA_TABLE: 'orders',
      INPUT_DATATYPE: 'AVRO',
      INPUT_SCHEMA_AVRO_EVENT_TIMESTAMP_FIELD_NAME: 'event_time',
      SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'KAFKA_SOURCE' }],
      SOURCE_KAFKA_TOPIC_NAMES: topic,
      SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: kafkaBootstrap(),
      SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: `${topic}-g`,
      SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET: 'earliest',
      SOURCE_BAD_RECORD_POLICY: 'SKIP',
    };
    const { lines } = await runBoundedJob({
      STREAMS: [stream],
      SCHEMA_REGISTRY_CONFLUENT_URL: server.url,
      FLINK_SQL_QUERY: 'SELECT order_id, qty FROM orders',
      SINK_TYPE: 'log',
      ...IN_PROCESS_DEFAULTS,
    });
    expect(lines.length).toBe(2);
    expect(lines.join('\n')).toMatch(/a.*7/);
    expect(lines.join('\n')).toMatch(/b.*8/);
    // Without the registry URL, or with a subject the registry lacks: a user error naming the key.
    await expect(runBoundedJob({ STREAMS: [stream], FLINK_SQL_QUERY: 'SELECT order_id FROM orders', SINK_TYPE: 'log', ...IN_PROCESS_DEFAULTS })).rejects.toThrow(
      /SCHEMA_REGISTRY_CONFLUENT_URL is required/,
    );
    await expect(
      runBoundedJob({
        STREAMS: [{ ...stream, INPUT_SCHEMA_AVRO_SUBJECT: 'no-such-subject' }],
        SCHEMA_REGISTRY_CONFLUENT_URL: server.url,
        FLINK_SQL_QUERY: 'SELECT order_id FROM orders',
        SINK_TYPE: 'log',
        ...IN_PROCESS_DEFAULTS,
      }),
    ).rejects.toThrow(/STREAMS\[0\]\.INPUT_SCHEMA_AVRO_SUBJECT: subject "no-such-subject" has no schema/);
  });
});
