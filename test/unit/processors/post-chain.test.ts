import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJobConfig } from '../../../src/config/index.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { Row } from '../../../src/core/types.js';
import { prepareJob } from '../../../src/job/prepare.js';
import { planPostChain, type PostChain } from '../../../src/processors/chain.js';
import { StageRunner } from '../../../src/processors/runner.js';
import { createTelemetry, type Telemetry } from '../../../src/telemetry/index.js';

/**
 * The post-processor chain on its own (no Kafka): a real HTTP server and the machine's PostgreSQL behind
 * http and pg stages, the internal processors and the projection, driven through the StageRunner as the
 * job drives it. The CLI tests (test/integration/post-processors.test.ts) run the same through Kafka.
 */
let server: Server;
let base: string;
const seen: { url: string; headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ url: req.url!, headers: req.headers, body });
      const id = decodeURIComponent(req.url!.split('/').pop()!.split('?')[0]!);
      const answer = (status: number, json: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (id === 'missing') return answer(404, { error: 'not found' });
      if (id === 'boom') return answer(500, { error: 'boom' });
      if (id === 'slow') return void setTimeout(() => answer(200, { name: 'late' }), 1500);
      const delay = id.startsWith('r') ? Math.floor(Math.random() * 40) : 0;
      setTimeout(() => answer(200, { data: { name: `name-${id}`, tier: id.length, tags: ['a', 'b'] }, method: req.method, body }), delay);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const BOOKING = {
  INPUT_SCHEMA_TABLE: 'booking',
  INPUT_SCHEMA_PROTO_CLASS: 'dirk.examples.BookingLogMessage',
  INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX: '5',
  SOURCE_KAFKA_TOPIC_NAMES: 'in',
  SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: '127.0.0.1:9092',
  SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: 'g',
};

async function chainFor(post: unknown, query = 'SELECT order_number, service_type, customer_id FROM booking', extra: Record<string, unknown> = {}): Promise<PostChain> {
  const config = parseJobConfig({
    FLINK_JOB_ID: 'post-unit',
    STREAMS: [BOOKING],
    FLINK_SQL_QUERY: query,
    SINK_TYPE: 'log',
    SCHEMA_PROTO_DIRS: 'protos',
    PROCESSOR_POSTPROCESSOR_ENABLE: 'true',
    PROCESSOR_POSTPROCESSOR_CONFIG: typeof post === 'string' ? post : JSON.stringify(post),
    ...extra,
  }).config;
  const job = await prepareJob(config, silentLogger);
  job.registry?.close();
  return planPostChain({ config, registry: job.registry, columns: job.plan.root.fields })!;
}

async function run(chain: PostChain, rows: Row[], telemetry: Telemetry = createTelemetry({ jobId: 't' })): Promise<{ rows: Row[]; error: unknown }> {
  const out: Row[] = [];
  let error: unknown;
  const runner = new StageRunner(chain.stages, (b) => out.push(...b.rows), (e) => (error = e));
  await runner.open({ logger: silentLogger, telemetry, registry: undefined, now: () => 1_700_000_000_000 });
  try {
    // Two batches, as two source deliveries.
    runner.push(rows.slice(0, Math.ceil(rows.length / 2)), undefined, 'table booking, partition 0, offsets 0-9');
    runner.push(rows.slice(Math.ceil(rows.length / 2)), undefined, 'table booking, partition 0, offsets 10-19');
    await runner.settle().catch(() => undefined);
  } finally {
    await runner.close();
  }
  return { rows: out, error };
}

const http = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  endpoint: base,
  verb: 'get',
  request_pattern: '/customers/%s',
  request_variables: 'customer_id',
  stream_timeout: '1000',
  connect_timeout: '500',
  capacity: '10',
  output_mapping: { customer_name: { path: '$.data.name' }, tier: { path: '$.data.tier' } },
  ...over,
});

describe('post-processor config', () => {
  it('names the path of a bad field', async () => {
    await expect(chainFor({ external_source: { http: [http({ output_mapping: { customer_name: { pth: '$.x' } } })] } })).rejects.toThrow(
      'PROCESSOR_POSTPROCESSOR_CONFIG.external_source.http[0].output_mapping.customer_name.path: expected a JSONPath',
    );
    await expect(chainFor({ external_source: { http: [http({ capacity: 'ten' })] } })).rejects.toThrow('external_source.http[0].capacity: expected an integer');
    await expect(chainFor({ external_source: { http: [http({ request_variables: 'customer_idd' })] } })).rejects.toThrow(/http\[0\]\.request_variables: expected columns of the query result .*no column "customer_idd"/);
    await expect(chainFor({ external_source: { pg: [{ host: 'h' }] } })).rejects.toThrow('external_source.pg[0].capacity: expected an integer >= 1 (required), found nothing (the key is missing)');
    await expect(chainFor('{not json')).rejects.toThrow('PROCESSOR_POSTPROCESSOR_CONFIG: expected a JSON object');
    await expect(chainFor({ internal_source: [{ output_field: 'x', type: 'magic', value: '1' }] })).rejects.toThrow('internal_source[0].type: expected sql, constant or function');
    await expect(chainFor({ external_source: { http: [http({ request_pattern: '/c/%s/%s' })] } })).rejects.toThrow('request_pattern: expected a pattern with at most as many placeholders as variables');
  });

  it('checks api key pools and their use, never showing a key', async () => {
    const pools = { api_key_pools: { shared: { api_keys: ['k-secret-1'], rate_per_second: 5 } } };
    await expect(chainFor({ ...pools, external_source: { http: [http({ api_key: { pool: 'shard', header: 'X-Key' } })] } })).rejects.toThrow(
      'external_source.http[0].api_key.pool: expected the name of a pool in api_key_pools (shared), found "shard" (did you mean shared?)',
    );
    await expect(chainFor({ external_source: { http: [http({ api_key: { pool: 'x', header: 'X-Key' } })] } })).rejects.toThrow('there is none');
    await expect(chainFor({ ...pools, external_source: { http: [http({ api_key: { pool: 'shared' } })] } })).rejects.toThrow('http[0].api_key: expected exactly one of header or query_param');
    await expect(chainFor({ ...pools, external_source: { http: [http({ api_key: { pool: 'shared', header: 'X', format: 'Bearer' } })] } })).rejects.toThrow('api_key.format: expected a text with one %s');
    await expect(chainFor({ ...pools, external_source: { http: [http({ api_key: { pool: 'shared', header: 'X', hedaer: 'Y' } })] } })).rejects.toThrow('api_key.hedaer (did you mean header?): not a key of api_key');
    const bad = chainFor({ api_key_pools: { shared: { api_keys: ['k-secret-1', 7], rate_per_second: 5 } } });
    await expect(bad).rejects.toThrow('api_key_pools.shared.api_keys: expected a non-empty array of non-empty strings');
    await expect(bad).rejects.not.toThrow('k-secret-1');
    await expect(chainFor({ api_key_pools: { shared: { api_keys: ['k'], rate_per_second: 0 } } })).rejects.toThrow('api_key_pools.shared.rate_per_second: expected an integer >= 1');
  });

  it('explains the chain in Dagger order with the output columns', async () => {
    const chain = await chainFor({
      internal_source: [{ output_field: 'order_number', type: 'sql', value: 'order_number' }],
      external_source: {
        pg: [{ host: '127.0.0.1', port: '5432', user: 'postgres', password: 'x', database: 'test', capacity: '2', stream_timeout: '1000', connect_timeout: '1000', idle_timeout: '1000', query_pattern: "select 1 as one where '%s' = 'a'", query_variables: 'customer_id', output_mapping: { one: 'one' } }],
        http: [http()],
      },
      unknown_thing: 1,
    });
    const text = chain.explain();
    expect(text.indexOf('http[0]')).toBeLessThan(text.indexOf('pg[0]'));
    expect(text.indexOf('pg[0]')).toBeLessThan(text.indexOf('internal'));
    expect(text.indexOf('internal')).toBeLessThan(text.indexOf('projection'));
    expect(text).toContain("query: select 1 as one where $1 = 'a'");
    expect(text).toContain('output:\n  customer_name ANY\n  tier ANY\n  one ANY\n  order_number STRING');
    expect(chain.warnings).toEqual(['PROCESSOR_POSTPROCESSOR_CONFIG.unknown_thing: unknown post-processor key, ignored (as Dagger ignores it)']);
  });
});

describe("the examples of Dagger's post_processor.md", () => {
  // Copied from goto/dagger docs/docs/advance/post_processor.md; only hosts (127.0.0.1 -> the test server)
  // change. Their SQL is `SELECT customer_id from booking` (+ wallet_id for the header example).
  const examples: Record<string, string> = {
    'es sample': `{"external_source":{"es":[{"host":"127.0.0.1","port":"9200","endpoint_pattern":"/customers/customer/%s","endpoint_variables":"customer_id","retry_timeout":"5000","socket_timeout":"6000","stream_timeout":"5000","connect_timeout":"5000","capacity":"30","output_mapping":{"customer_profile":{"path":"$._source"}}}]}}`,
    'http GET sample': `{"external_source":{"http":[{"endpoint":"BASE","verb":"get","request_pattern":"/customers/customer/%s","request_variables":"customer_id","header_pattern":"{\\"Header_Key\\": \\"%s\\"}","header_variables":"wallet_id","stream_timeout":"5000","connect_timeout":"5000","fail_on_errors":"false","capacity":"30","headers":{"content-type":"application/json"},"output_mapping":{"customer_profile":{"path":"$._source"}}}]}}`,
    'http POST sample': `{"external_source":{"http":[{"endpoint":"BASE/customer","verb":"post","request_pattern":"{'key': \\"%s\\"}","request_variables":"customer_id","stream_timeout":"5000","connect_timeout":"5000","fail_on_errors":"false","capacity":"30","headers":{"content-type":"application/json"},"output_mapping":{"test_field":{"path":"$._source"}}}]}}`,
    'internal sql sample': `{"internal_source":[{"output_field":"booking_log","type":"sql","value":"*"}]}`,
    'internal * sample': `{"internal_source":[{"output_field":"*","type":"sql","value":"*"}]}`,
    'internal constant sample': `{"internal_source":[{"output_field":"s2id_level","type":"constant","value":"13"}]}`,
    'internal function sample': `{"internal_source":[{"output_field":"event_timestamp","type":"function","value":"CURRENT_TIMESTAMP"}]}`,
  };
  it.each(Object.entries(examples))('%s loads and builds its chain', async (_name, text) => {
    const chain = await chainFor(text.replace(/BASE/g, base), 'SELECT customer_id, CAST(driver_id AS VARCHAR) AS wallet_id FROM booking');
    expect(chain.stages.length).toBeGreaterThan(0);
  });

  it('internal processors fill their fields: * -> *, * -> a ROW, a constant, processing time, JSON_PAYLOAD', async () => {
    const chain = await chainFor(
      {
        internal_source: [
          { output_field: '*', type: 'sql', value: '*' },
          { output_field: 'booking_log', type: 'sql', value: '*' },
          { output_field: 's2id_level', type: 'constant', value: '13' },
          { output_field: 'processed_at', type: 'function', value: 'CURRENT_TIMESTAMP' },
          { output_field: 'json_payload', type: 'function', value: 'JSON_PAYLOAD', internal_processor_config: { schema_proto_class: 'dirk.examples.BookingLogMessage' } },
        ],
      },
      'SELECT order_number, customer_id FROM booking',
    );
    expect(chain.output.map((f) => f.name)).toEqual(['booking_log', 's2id_level', 'processed_at', 'json_payload', 'order_number', 'customer_id']);
    const { rows } = await run(chain, [['o1', 'c1']]);
    expect(rows).toEqual([[{ order_number: 'o1', customer_id: 'c1' }, '13', 1_700_000_000_000, '{"order_number":"o1","customer_id":"c1"}', 'o1', 'c1']]);
  });
});

describe('http post-processor', () => {
  it('enriches rows in order under random latencies, with 404 and 500 leaving empty fields', async () => {
    const chain = await chainFor({ external_source: { http: [http({ capacity: '5' })] }, internal_source: [{ output_field: 'order_number', type: 'sql', value: 'order_number' }] });
    const ids = Array.from({ length: 40 }, (_v, i) => `r${i}`);
    ids.splice(5, 0, 'missing');
    ids.splice(9, 0, 'boom');
    const telemetry = createTelemetry({ jobId: 't' });
    const { rows, error } = await run(chain, ids.map((id, i) => [`o${i}`, 'GO_RIDE', id]), telemetry);
    expect(error).toBeUndefined();
    expect(rows.map((r) => r[2])).toEqual(ids.map((_id, i) => `o${i}`));
    expect(rows[0]).toEqual(['name-r0', 2, 'o0']);
    expect(rows[5]).toEqual([null, null, 'o5']);
    expect(rows[9]).toEqual([null, null, 'o9']);
    const metrics = await telemetry.metrics();
    expect(metrics).toContain('dirk_external_calls_total{metric_id="HTTP.0",job="t"} 42');
    expect(metrics).toContain('dirk_external_successes_total{metric_id="HTTP.0",job="t"} 40');
    expect(metrics).toContain('dirk_external_failures_total{metric_id="HTTP.0",reason="http_404",job="t"} 1');
    expect(metrics).toContain('dirk_external_failures_total{metric_id="HTTP.0",reason="http_5xx",job="t"} 1');
  });

  it('fail_on_errors stops on a 500 naming the processor, the request and the origin; excluded codes do not', async () => {
    const chain = await chainFor({ external_source: { http: [http({ fail_on_errors: 'true', exclude_fail_on_errors_code_range: '404' })] } });
    const ok = await run(chain, [['o1', 'GO_RIDE', 'missing']]);
    expect(ok.error).toBeUndefined();
    const failed = await run(chain, [['o1', 'GO_RIDE', 'a'], ['o2', 'GO_RIDE', 'boom']]);
    expect(String(failed.error)).toContain(`http[0] (HTTP.0): GET ${base}/customers/boom failed: GET ${base}/customers/boom answered status 500 (record from table booking, partition 0, offsets 10-19); fail_on_errors is true`);
  });

  it('counts a timeout and emits the row with empty fields, or stops with fail_on_errors', async () => {
    const telemetry = createTelemetry({ jobId: 't' });
    const chain = await chainFor({ external_source: { http: [http({ stream_timeout: '300' })] } });
    const started = Date.now();
    const { rows } = await run(chain, [['o1', 'GO_RIDE', 'slow'], ['o2', 'GO_RIDE', 'b']], telemetry);
    expect(Date.now() - started).toBeLessThan(1400);
    expect(rows).toEqual([[null, null], ['name-b', 1]]);
    expect(await telemetry.metrics()).toContain('dirk_external_failures_total{metric_id="HTTP.0",reason="timeout",job="t"} 1');
    const strict = await chainFor({ external_source: { http: [http({ stream_timeout: '300', fail_on_errors: true })] } });
    expect(String((await run(strict, [['o1', 'GO_RIDE', 'slow']])).error)).toContain('no answer within stream_timeout 300 ms');
  });

  it('POSTs the filled body with static and pattern headers; skips rows whose variables are empty', async () => {
    seen.length = 0;
    const telemetry = createTelemetry({ jobId: 't' });
    const chain = await chainFor({
      external_source: {
        http: [
          http({
            verb: 'POST',
            endpoint: `${base}/api/%s`,
            endpoint_variables: 'service_type',
            request_pattern: '{"key": "%s", "pct": "100%%"}',
            header_pattern: '{"X-Order": "%s"}',
            header_variables: 'order_number',
            headers: { 'content-type': 'application/json' },
            output_mapping: { method: { path: '$.method' } },
          }),
        ],
      },
    });
    const { rows } = await run(chain, [['o1', 'GO_RIDE', 'c1'], ['o2', 'GO_RIDE', '']], telemetry);
    expect(rows).toEqual([['POST'], [null]]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe('/api/GO_RIDE');
    expect(seen[0]!.body).toBe('{"key": "c1", "pct": "100%"}');
    expect(seen[0]!.headers['x-order']).toBe('o1');
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(await telemetry.metrics()).toContain('dirk_external_failures_total{metric_id="HTTP.0",reason="empty_input",job="t"} 1');
  });

  it('a circuit breaker stops calling after N failures and probes again later; a cache answers repeats', async () => {
    const telemetry = createTelemetry({ jobId: 't' });
    seen.length = 0;
    const chain = await chainFor({ external_source: { http: [http({ capacity: '1', circuit_breaker_failures: '2', circuit_breaker_reset_ms: '200' })] } });
    const { rows } = await run(chain, [['o1', 'S', 'boom'], ['o2', 'S', 'boom'], ['o3', 'S', 'a'], ['o4', 'S', 'a']], telemetry);
    expect(rows).toEqual([[null, null], [null, null], [null, null], [null, null]]);
    expect(seen).toHaveLength(2);
    expect(await telemetry.metrics()).toContain('dirk_external_failures_total{metric_id="HTTP.0",reason="circuit_open",job="t"} 2');
    const cached = await chainFor({ external_source: { http: [http({ capacity: '1', cache_ttl_ms: '60000' })] } });
    seen.length = 0;
    const t2 = createTelemetry({ jobId: 't' });
    const again = await run(cached, [['o1', 'S', 'a'], ['o2', 'S', 'a'], ['o3', 'S', 'bb']], t2);
    expect(again.rows).toEqual([['name-a', 1], ['name-a', 1], ['name-bb', 2]]);
    expect(seen).toHaveLength(2);
    expect(await t2.metrics()).toContain('dirk_external_cache_lookups_total{metric_id="HTTP.0",status="hit",job="t"} 1');
  });
});

describe('es post-processor', () => {
  it('GETs the document with basic auth, tries the next host on a refused connection, and reads $._source', async () => {
    seen.length = 0;
    const port = Number(new URL(base).port);
    const chain = await chainFor({
      external_source: {
        es: [
          {
            // A first host that refuses connections (nothing listens on 127.0.0.2 at this port), then the server.
            host: '127.0.0.2,127.0.0.1',
            port: String(port),
            user: 'elastic',
            password: 'pw',
            endpoint_pattern: '/customers/_doc/%s',
            endpoint_variables: 'customer_id',
            retry_timeout: '5000',
            socket_timeout: '2000',
            stream_timeout: '3000',
            connect_timeout: '1000',
            capacity: '1',
            retries: '0',
            output_mapping: { profile_name: { path: '$.data.name' } },
          },
        ],
      },
    });
    const { rows, error } = await run(chain, [['o1', 'S', 'c7'], ['o2', 'S', 'missing']]);
    expect(error).toBeUndefined();
    expect(rows).toEqual([['name-c7'], [null]]);
    expect(seen.map((x) => x.url)).toEqual(['/customers/_doc/c7', '/customers/_doc/missing']);
    expect(seen[0]!.headers['authorization']).toBe(`Basic ${Buffer.from('elastic:pw').toString('base64')}`);
  });
});

describe('pg post-processor', () => {
  const table = `post_unit_${process.pid}_${Date.now()}`;
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  beforeAll(async () => {
    await client.connect();
    await client.query(`CREATE TABLE ${table} (customer_id text primary key, email text, phone text, score int)`);
    await client.query(`INSERT INTO ${table} VALUES ('c1', 'c1@x.io', '+1', 7), ('c2', 'c2@x.io', '+2', 9), ('c%3', 'pct@x.io', '+3', 1)`);
  });
  afterAll(async () => {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.end();
  });
  const pgEntry = (query: string, over: Record<string, unknown> = {}): Record<string, unknown> => ({
    host: 'http://127.0.0.1',
    port: '5432',
    user: 'postgres',
    password: 'unused',
    database: 'test',
    capacity: '3',
    stream_timeout: '5000',
    connect_timeout: '5000',
    idle_timeout: '5000',
    query_pattern: query,
    query_variables: 'customer_id',
    output_mapping: { customer_email: 'email', customer_phone: 'phone' },
    fail_on_errors: 'true',
    ...over,
  });

  it('looks rows up with bound parameters; an injection attempt is only a value', async () => {
    const chain = await chainFor({ external_source: { pg: [pgEntry(`select email, phone from ${table} where customer_id = '%s'`)] } });
    const evil = `x'); DROP TABLE ${table}; --`;
    const { rows, error } = await run(chain, [['o1', 'S', 'c1'], ['o2', 'S', evil], ['o3', 'S', 'c2']]);
    expect(error).toBeUndefined();
    expect(rows).toEqual([['c1@x.io', '+1'], [null, null], ['c2@x.io', '+2']]);
    expect((await client.query(`select count(*)::int as n from ${table}`)).rows[0].n).toBe(3);
  });

  it('keeps %% as a literal percent and fails on more than one row', async () => {
    const like = await chainFor({ external_source: { pg: [pgEntry(`select email, phone from ${table} where customer_id like '%s%%3'`)] } });
    expect((await run(like, [['o1', 'S', 'c']])).rows).toEqual([['pct@x.io', '+3']]);
    const many = await chainFor({ external_source: { pg: [pgEntry(`select email, phone from ${table} where customer_id <> '%s'`)] } });
    expect(String((await run(many, [['o1', 'S', 'zz']])).error)).toContain('the query gave 3 rows');
  });
});
