#!/usr/bin/env node
// Summarises a V8 .cpuprofile (node --cpu-prof) by where the time goes: the Kafka client, decoding, encoding,
// Dirk's record batches, the engine, garbage collection, idle. Only samples from the first call of
// `startJob` on are counted, so process start-up and a bench's preload stay out.
//
//   node scripts/profile-shares.mjs <file.cpuprofile | folder holding one> [top N functions]
import fs from 'node:fs';
import path from 'node:path';

const arg = process.argv[2];
if (!arg) {
  console.error('usage: node scripts/profile-shares.mjs <file.cpuprofile | folder> [top N]');
  process.exit(2);
}
const file = fs.statSync(arg).isDirectory()
  ? path.join(arg, fs.readdirSync(arg).filter((f) => f.endsWith('.cpuprofile')).sort().at(-1))
  : arg;
const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

function stack(id) {
  const out = [];
  for (let q = id; q !== undefined; q = parent.get(q)) out.push(byId.get(q).callFrame);
  return out;
}

/** Category of a sample, from its own frame first, then (for Node internals) from the nearest caller that says more. */
function category(id) {
  const frames = stack(id);
  const own = frames[0];
  if (own.functionName === '(garbage collector)') return 'garbage collection';
  if (own.functionName === '(idle)') return 'idle (waiting on the broker or the event loop)';
  if (own.functionName === '(program)') return 'V8/native outside JavaScript';
  for (const f of frames) {
    const u = f.url;
    const fn = f.functionName;
    if (u === '' && (fn === 'run' || fn === 'keyOf')) return 'JSON decoding (generated decoder)';
    if (u === '' && fn === 'encode') return 'JSON encoding (generated encoder)';
    if (u.includes('json-scanner') || u.includes('json-decoder')) return 'JSON decoding (generated decoder)';
    if (u.includes('json-codec')) return 'JSON codec (reference paths, encoder helpers)';
    if (u.includes('proto-decoder') || u.includes('/schema/wire')) return 'protobuf decoding';
    if (u.includes('record-batch') || u.includes('crc32c') || u.includes('batch-producer') || u.includes('batch-outbox')) return 'Dirk record batches (encode, CRC32C, send)';
    if (u.includes('kafkajs/src/producer') || u.includes('protocol/requests/produce') || u.includes('recordBatch/record') || u.includes('recordBatch/crc32C') || (u.includes('recordBatch/v0/index')))
      return 'kafkajs producing';
    if (u.includes('kafkajs/src/consumer') || u.includes('requests/fetch') || u.includes('recordBatch/v0/decoder') || u.includes('protocol/decoder') || u.includes('kafkajs/src/utils/long'))
      return 'kafkajs fetching and decoding';
    if (u.includes('kafkajs')) return 'kafkajs network and other';
    if (u.includes('/runtime/') || (u === '' && fn === 'anonymous') || u.includes('/sql/functions/') || u.includes('/udfs/')) return 'engine (operators, compiled expressions)';
    if (u.includes('/connectors/') || u.includes('/job/')) return 'Dirk job and connectors';
  }
  return 'Node.js internals (buffers, sockets, timers)';
}

// The job window: from the first sample under startJob; with PROFILE_WINDOW_US="<from>,<to>" (µs on the
// monotonic clock, process.hrtime's, which V8's profile times are on) only the samples inside it, e.g. a
// bench's timed span without the group join's wait or the time after the last record.
let t = prof.startTime;
let from = Infinity;
let to = Infinity;
const times = prof.samples.map((_s, i) => (t += prof.timeDeltas[i]));
for (let i = 0; i < prof.samples.length && from === Infinity; i++) {
  if (stack(prof.samples[i]).some((f) => f.functionName === 'startJob')) from = times[i];
}
if (from === Infinity) from = prof.startTime;
const windowUs = process.env.PROFILE_WINDOW_US?.split(',').map(Number);
if (windowUs?.length === 2 && windowUs.every(Number.isFinite)) [from, to] = [Math.max(from, windowUs[0]), windowUs[1]];
const shares = new Map();
const self = new Map();
let total = 0;
for (let i = 0; i < prof.samples.length; i++) {
  if (times[i] < from || times[i] > to) continue;
  const id = prof.samples[i];
  const c = category(id);
  shares.set(c, (shares.get(c) ?? 0) + 1);
  const f = byId.get(id).callFrame;
  const k = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
  self.set(k, (self.get(k) ?? 0) + 1);
  total++;
}
console.log(`${path.basename(file)}: ${total} samples, ${((Math.min(times.at(-1), to) - from) / 1e6).toFixed(2)} s ${to === Infinity ? 'from startJob' : 'in the window'}`);
for (const [k, v] of [...shares].sort((a, b) => b[1] - a[1])) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
const top = Number(process.argv[3] ?? 0);
if (top > 0) {
  console.log('--- top functions (self time)');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
}
