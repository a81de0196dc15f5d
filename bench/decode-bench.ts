/**
 * Decode micro-benchmark: full against pushed-down protobuf decoding of the 20-field `dirk.test.Wide`
 * (protos/dirk/test/all_types.proto), in process, about 2.5 s in all. Each case decodes the same 2000
 * distinct records round after round for a fixed time after a warm-up, and reports records per second.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createProtoRowDecoder, openDescriptorRegistry, protoTableSchema, type RowDecoder } from '../src/schema/index.js';
import { mulberry32 } from '../src/connectors/datagen/datagen-source.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

const WARMUP_MS = 100;
const MEASURE_MS = 400;
const RECORDS = 2000;

function repoRoot(): string {
  // bench/ in the sources, dist/bench/ when built
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '..', '..') : path.resolve(here, '..');
}

/** Decodes every record, round after round, for MEASURE_MS after WARMUP_MS; records per second. */
function measure(decode: (b: Uint8Array) => unknown, records: readonly Uint8Array[]): number {
  let sink = 0;
  const round = (): void => {
    for (let i = 0; i < records.length; i++) if (decode(records[i]!) !== undefined) sink++;
  };
  const warmEnd = performance.now() + WARMUP_MS;
  while (performance.now() < warmEnd) round();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < MEASURE_MS) {
    round();
    n += records.length;
    now = performance.now();
  }
  if (sink < 0) throw new Error('unreachable'); // keeps the results alive
  return n / ((now - start) / 1000);
}

export async function run(): Promise<BenchResult[]> {
  const reg = await openDescriptorRegistry({ kind: 'files', dirs: [path.join(repoRoot(), 'protos')] });
  try {
    const type = reg.lookupType('dirk.test.Wide');
    const table = protoTableSchema(reg, 'dirk.test.Wide', { table: 'wide', rowtimeFieldNumber: 20, rowtimeName: 'rowtime' });
    const rnd = mulberry32(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const records: Uint8Array[] = [];
    for (let i = 0; i < RECORDS; i++) {
      records.push(
        type
          .encode(
            type.fromObject({
              order_number: `ORD-${1_000_000 + i}`,
              customer_id: `cust-${Math.floor(rnd() * 1e6)}`,
              driver_id: `drv-${Math.floor(rnd() * 1e5)}`,
              service_area_id: Math.floor(rnd() * 1e12),
              status: Math.floor(rnd() * 5),
              amount: rnd() * 1000,
              discount: rnd() * 50,
              latitude: -6 - rnd(),
              longitude: 106 + rnd(),
              city: pick(['Jakarta', 'Bandung', 'Surabaya', 'Medan']),
              payment_method: pick(['CASH', 'CARD', 'WALLET']),
              is_member: rnd() < 0.5,
              created_seconds: 1_700_000_000 + i,
              color: pick(['RED', 'GREEN', 'BLUE']),
              tags: ['a', 'bb', 'ccc'].slice(0, 1 + Math.floor(rnd() * 3)),
              metadata: { k1: 'v1', k2: `v${i % 7}` },
              inner: { label: 'inner', count: i, color: 'GREEN', values: [1, 2, 3] },
              note: rnd() < 0.3 ? 'leave at the door' : '',
              rating: 1 + Math.floor(rnd() * 5),
              event_timestamp: { seconds: 1_700_000_000 + i, nanos: (i % 1000) * 1_000_000 },
            }),
          )
          .finish(),
      );
    }
    const bytes = records.reduce((s, r) => s + r.length, 0) / records.length;
    const col = (name: string): number => table.columns.findIndex((c) => c.name === name);
    const decoder = (columns?: readonly string[]): RowDecoder =>
      createProtoRowDecoder(reg, 'dirk.test.Wide', table, columns ? { columns: new Set(columns.map(col)) } : {});

    const cases: [string, (b: Uint8Array) => unknown][] = [];
    const full = decoder();
    cases.push(['decode.full_20_columns', (b) => full.decode(b)]);
    const three = decoder(['order_number', 'amount', 'service_area_id']);
    cases.push(['decode.pushdown_3_columns', (b) => three.decode(b)]);
    const one = decoder(['city']);
    cases.push(['decode.pushdown_1_column', (b) => one.decode(b)]);
    const none = decoder([]);
    cases.push(['decode.pushdown_rowtime_only', (b) => none.decode(b)]);
    cases.push(['decode.protobufjs_decode', (b) => type.decode(b)]);

    const results: BenchResult[] = [{ name: 'decode.wide_record_bytes_avg', value: Math.round(bytes * 10) / 10, unit: 'bytes' }];
    for (const [name, fn] of cases) results.push({ name, value: Math.round(measure(fn, records)), unit: 'records/s' });
    const fullRate = results.find((r) => r.name === 'decode.full_20_columns')!.value;
    const threeRate = results.find((r) => r.name === 'decode.pushdown_3_columns')!.value;
    results.push({ name: 'decode.pushdown_3_vs_full_speedup', value: Math.round((threeRate / fullRate) * 100) / 100, unit: 'x' });
    return results;
  } finally {
    reg.close();
  }
}

// `node dist/bench/decode-bench.js` runs it on its own.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  for (const r of await run()) console.log(`${r.name.padEnd(36)} ${r.value.toLocaleString('en-US').padStart(14)} ${r.unit}`);
  console.log(`(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
