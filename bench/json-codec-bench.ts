/**
 * JSON codec micro-benchmark, in process: the generated decoder and encoder on the shapes of the Kafka
 * benches (Nexmark bids as q0/q1 read and write them, bench bookings as the TUMBLE and filter scenarios
 * read and write them). Each case runs the same 2,000 distinct records round after round for a fixed time
 * after a warm-up and reports records per CPU-second (process.cpuUsage, so a loaded machine skews it less).
 *
 *   npm run build && node dist/bench/json-codec-bench.js
 *
 * JSON_BENCH_CODEC=<path to another build's dist/src/schema/json-codec.js> measures that build's codec with
 * the same records (interleave runs of two builds to compare them); JSON_BENCH_MS sets the time per case
 * (default 600 ms), JSON_BENCH_ONLY=<part of a case name> runs only matching cases.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { T, type Field, type Row, type TableSchema } from '../src/core/types.js';
import { Decimal } from '../src/core/decimal.js';
import * as localCodec from '../src/schema/json-codec.js';
import { BOOKING_JSON_SCHEMA, bookingJson } from './booking-json.js';
import { nexmarkEvent } from './nexmark/generator.js';

type Codec = typeof localCodec;

const MEASURE_MS = Number(process.env['JSON_BENCH_MS'] ?? 600);
const WARMUP_MS = Math.min(300, MEASURE_MS / 2);
const RECORDS = 2000;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Runs `fn` over every input, round after round; records per CPU-second. */
function measure<I>(fn: (x: I) => unknown, inputs: readonly I[]): number {
  let sink = 0;
  const round = (): void => {
    for (let i = 0; i < inputs.length; i++) if (fn(inputs[i]!) !== undefined) sink++;
  };
  const warmEnd = performance.now() + WARMUP_MS;
  while (performance.now() < warmEnd) round();
  let n = 0;
  const wallStart = performance.now();
  const cpuStart = cpuMs();
  while (performance.now() - wallStart < MEASURE_MS) {
    round();
    n += inputs.length;
  }
  const cpu = cpuMs() - cpuStart;
  if (sink < 0) throw new Error('unreachable'); // keeps the results alive
  return n / (cpu / 1000);
}

const BID_SCHEMA = JSON.stringify({
  type: 'object',
  properties: {
    auction: { type: 'integer' },
    bidder: { type: 'integer' },
    price: { type: 'integer' },
    channel: { type: 'string' },
    url: { type: 'string' },
    dateTime: { type: 'string', format: 'date-time' },
    extra: { type: 'string' },
  },
});

function bids(): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; out.length < RECORDS; i++) {
    const e = nexmarkEvent(i);
    if (e.kind === 'bid') out.push(Buffer.from(JSON.stringify(e.value)));
  }
  return out;
}

interface Case {
  readonly name: string;
  readonly run: (codec: Codec) => number;
}

function decodeCases(): Case[] {
  const bidRecords = bids();
  const bookingRecords = Array.from({ length: RECORDS }, (_v, j) => bookingJson(j, Date.UTC(2026, 0, 1) + j * 1000));
  const bookingSchema = JSON.stringify(BOOKING_JSON_SCHEMA);
  const decoder = (codec: Codec, schema: string, rowtime: string, read?: (t: TableSchema) => number[]): ((b: Uint8Array) => Row) => {
    const table = codec.jsonTableSchema(schema, { table: 't', rowtimeFieldName: rowtime, rowtimeName: rowtime === 'dateTime' ? 'dateTime' : 'rowtime' });
    const cols = read ? new Set(read(table)) : undefined;
    const d = codec.createJsonRowDecoder(table, cols ? { columns: cols } : {});
    return (b) => d.decode(b);
  };
  const idx = (t: TableSchema, names: string[]): number[] => names.map((n) => t.columns.findIndex((c) => c.name === n));
  return [
    { name: 'decode bid, every column (q0)', run: (c) => measure(decoder(c, BID_SCHEMA, 'dateTime'), bidRecords) },
    { name: 'decode bid, auction+price (q2)', run: (c) => measure(decoder(c, BID_SCHEMA, 'dateTime', (t) => idx(t, ['auction', 'price'])), bidRecords) },
    {
      name: 'decode booking, tumble columns',
      run: (c) => measure(decoder(c, bookingSchema, 'event_timestamp', (t) => idx(t, ['service_area_id'])), bookingRecords),
    },
    {
      name: 'decode booking, filter columns',
      run: (c) =>
        measure(decoder(c, bookingSchema, 'event_timestamp', (t) => idx(t, ['order_number', 'service_type', 'status', 'order_amount'])), bookingRecords),
    },
  ];
}

function encodeCases(): Case[] {
  const bidRows: Row[] = [];
  for (let i = 0; bidRows.length < RECORDS; i++) {
    const e = nexmarkEvent(i);
    if (e.kind !== 'bid') continue;
    const v = e.value as Record<string, unknown>;
    bidRows.push([v['auction'], v['bidder'], v['price'], Date.parse(`${String(v['dateTime']).replace(' ', 'T')}Z`), v['extra']]);
  }
  const q0: Field[] = ['auction', 'bidder', 'price'].map((name) => ({ name, type: T.BIGINT, nullable: true }));
  q0.push({ name: 'dateTime', type: T.TIMESTAMP, nullable: true }, { name: 'extra', type: T.STRING, nullable: true });
  const q1 = q0.map((f) => (f.name === 'price' ? { ...f, type: T.decimal(23, 3) } : f));
  const q1Rows = bidRows.map((r) => [r[0], r[1], new Decimal(BigInt(r[2] as number) * 908n, 3), r[3], r[4]]);
  const filter: Field[] = [
    { name: 'order_number', type: T.STRING, nullable: true },
    { name: 'service', type: T.STRING, nullable: true },
    { name: 'amount_with_tax', type: T.DOUBLE, nullable: true },
    { name: 'rowtime', type: T.TIMESTAMP, nullable: true },
  ];
  const filterRows: Row[] = Array.from({ length: RECORDS }, (_v, j) => [`ORD-${j}`, ['GO_RIDE', 'GO_CAR', 'GO_FOOD', 'GO_SEND'][j % 4], ((j % 1000) / 10) * 1.1, Date.UTC(2026, 0, 1) + j * 1000]);
  const enc = (codec: Codec, fields: Field[], format?: 'SQL' | 'RFC3339'): ((r: Row) => Uint8Array) => {
    const e = codec.createJsonRowEncoder(fields, undefined, format);
    return (r) => e.encode(r);
  };
  return [
    { name: 'encode q0 row (SQL timestamps)', run: (c) => measure(enc(c, q0, 'SQL'), bidRows) },
    { name: 'encode q1 row (DECIMAL, SQL timestamps)', run: (c) => measure(enc(c, q1, 'SQL'), q1Rows) },
    { name: 'encode filter row (RFC3339)', run: (c) => measure(enc(c, filter, 'RFC3339'), filterRows) },
  ];
}

async function main(): Promise<void> {
  const other = process.env['JSON_BENCH_CODEC'];
  const codec: Codec = other ? ((await import(pathToFileURL(path.resolve(other)).href)) as Codec) : localCodec;
  const only = process.env['JSON_BENCH_ONLY'];
  console.log(`codec: ${other ?? 'this build'}; ${MEASURE_MS} ms per case; load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const c of [...decodeCases(), ...encodeCases()]) {
    if (only && !c.name.includes(only)) continue;
    const rate = c.run(codec);
    console.log(`${c.name.padEnd(42)} ${(rate / 1000).toFixed(1).padStart(8)} k records/cpu-s`);
  }
}

await main();
