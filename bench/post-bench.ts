import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../src/core/logger.js';
import { T, type Field, type Row } from '../src/core/types.js';
import type { JobConfig } from '../src/config/index.js';
import { parseJobConfig } from '../src/config/index.js';
import { planPostChain } from '../src/processors/chain.js';
import { StageRunner } from '../src/processors/runner.js';
import { createTelemetry } from '../src/telemetry/index.js';
import type { BenchResult } from './decode-bench.js';

/**
 * HTTP enrichment throughput: one http post-processor against a local server that answers every GET after
 * 5 ms, at capacity 1, 10 and 100. The async stage should scale with capacity until the server or the
 * event loop is the limit (1 / 5 ms = 200 rows/s at capacity 1).
 */
const LATENCY_MS = 5;

export async function run(): Promise<BenchResult[]> {
  const server = createServer((req, res) => {
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ profile: { name: `name of ${req.url}`, tier: 3 } }));
    }, LATENCY_MS);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const columns: Field[] = [
    { name: 'order_number', type: T.STRING },
    { name: 'customer_id', type: T.STRING },
  ];
  const out: BenchResult[] = [];
  try {
    for (const [capacity, rows] of [
      [1, 400],
      [10, 4_000],
      [100, 20_000],
    ] as const) {
      const config = jobConfig(base, capacity);
      const chain = planPostChain({ config, registry: undefined, columns })!;
      let emitted = 0;
      const runner = new StageRunner(chain.stages, (b) => (emitted += b.rows.length), (e) => {
        throw e;
      });
      await runner.open({ logger: silentLogger, telemetry: createTelemetry({ jobId: 'bench' }), registry: undefined, now: Date.now });
      const batches: Row[][] = [];
      for (let i = 0; i < rows; i += 500) batches.push(Array.from({ length: Math.min(500, rows - i) }, (_v, j) => [`o${i + j}`, `c${(i + j) % 1000}`]));
      const t0 = performance.now();
      for (const b of batches) runner.push(b, undefined, 'bench');
      await runner.settle();
      const seconds = (performance.now() - t0) / 1000;
      await runner.close();
      if (emitted !== rows) throw new Error(`http enrichment bench: ${emitted} of ${rows} rows came out`);
      out.push({ name: `http enrichment, ${LATENCY_MS} ms server, capacity ${capacity}`, value: rows / seconds, unit: 'rows/s' });
    }
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
  return out;
}

function jobConfig(base: string, capacity: number): JobConfig {
  return parseJobConfig({
    FLINK_JOB_ID: 'bench-http',
    // Only the post-processor config is used: the chain is built over the two columns above.
    STREAMS: [{ INPUT_SCHEMA_TABLE: 't', INPUT_SCHEMA_PROTO_CLASS: 'dirk.examples.BookingLogMessage', INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX: '5', SOURCE_KAFKA_TOPIC_NAMES: 'unused', SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: '127.0.0.1:9092', SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: 'unused' }],
    FLINK_SQL_QUERY: 'SELECT order_number, customer_id FROM t',
    SINK_TYPE: 'log',
    PROCESSOR_POSTPROCESSOR_ENABLE: 'true',
    PROCESSOR_POSTPROCESSOR_CONFIG: {
      external_source: {
        http: [
          {
            endpoint: base,
            verb: 'GET',
            request_pattern: '/customers/%s',
            request_variables: 'customer_id',
            stream_timeout: '10000',
            connect_timeout: '5000',
            capacity: String(capacity),
            output_mapping: { customer_name: { path: '$.profile.name' } },
          },
        ],
      },
      internal_source: [{ output_field: 'order_number', type: 'sql', value: 'order_number' }],
    },
  }).config;
}

// `node dist/bench/post-bench.js` runs this bench alone.
if (process.argv[1]?.endsWith('post-bench.js')) {
  run()
    .then((rs) => {
      for (const m of rs) console.log(`post       ${m.name.padEnd(48)} ${Math.round(m.value).toLocaleString('en-US').padStart(12)} ${m.unit}`);
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
