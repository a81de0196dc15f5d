import type { Row } from '../../../core/types.js';
import { defineTransformer } from '../api.js';

interface Args {
  readonly key_column: string;
  readonly ttl_in_seconds: number;
}

/**
 * Keys seen, each with the processing time (epoch ms) at which it expires. A key is written once, when first
 * seen, and every key lives for the same TTL, so insertion order is expiry order: expired keys are removed
 * from the front of the Map, and a key seen again after expiring is deleted and re-inserted at the back.
 */
interface DedupState {
  readonly expiries: Map<string, number>;
}

/**
 * A key's text in the state: strings as they are, other values prefixed with their JS type so 1 and '1'
 * stay apart. NULL is a key like any other (SQL GROUP BY treats it the same way).
 */
function keyOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '\u0000null';
  if (v instanceof Uint8Array) return `\u0000bytes:${Buffer.from(v).toString('base64')}`;
  if (typeof v === 'object') return `\u0000json:${JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x instanceof Map ? [...x] : x))}`;
  return `\u0000${typeof v}:${String(v)}`;
}

function expire(state: DedupState, now: number): void {
  for (const [k, at] of state.expiries) {
    if (at > now) break;
    state.expiries.delete(k);
  }
}

/**
 * Dagger's DeDuplicationTransformer: passes the first row of each `key_column` value and drops the others
 * until the key's TTL has run out; then the next row with that key passes again.
 *
 * The TTL runs on processing time, from when a key was first passed, as in Dagger: its Flink state TTL
 * (`StateTtlConfig`, OnCreateAndWrite, NeverReturnExpired) only has a processing-time clock, and the key is
 * written once, so duplicates do not extend it. Event time would make the TTL depend on how late records
 * are; replaying a topic after a restart would then drop rows Dagger passes. Expiry times are stored as
 * absolute epoch ms in checkpoints, so after a restart a key expires when it would have without one.
 */
export const DeDuplicationTransformer = defineTransformer<Args, DedupState>({
  name: 'DeDuplicationTransformer',
  description:
    'Drops a row when a row with the same key_column value passed less than ttl_in_seconds ago (processing time, from the first row with that key); the seen keys are kept in checkpoints.',
  places: ['pre', 'post'],
  rowMapping: 'filter',
  arguments: {
    key_column: { type: 'column', required: true, description: 'The column whose value identifies duplicates.' },
    ttl_in_seconds: { type: 'integer', required: true, description: 'How long a key is remembered (seconds, > 0). After that a row with the key passes again.' },
  },
  outputSchema(input, ctx) {
    if (!(ctx.args.ttl_in_seconds > 0)) throw ctx.argumentError('ttl_in_seconds', 'a whole number of seconds > 0', ctx.args.ttl_in_seconds);
    return input;
  },
  open(ctx) {
    ctx.state ??= { expiries: new Map() };
  },
  transform(rows, ctx): Row[] {
    const now = ctx.now();
    const state = ctx.state;
    expire(state, now);
    const index = ctx.column(ctx.args.key_column);
    const ttlMs = ctx.args.ttl_in_seconds * 1000;
    const out: Row[] = [];
    for (const r of rows) {
      const key = keyOf(r[index]);
      if (state.expiries.has(key)) continue;
      state.expiries.set(key, now + ttlMs);
      out.push(r);
    }
    return out;
  },
  snapshot(ctx) {
    expire(ctx.state, ctx.now());
    return { expiries: [...ctx.state.expiries] };
  },
  restore(snapshot, ctx) {
    const s = snapshot as { expiries: [string, number][] };
    ctx.state = { expiries: new Map(s.expiries) };
  },
  examples: [
    {
      title: "Dagger's quickstart: one row per order_number for an hour",
      config: { transformation_class: 'DeDuplicationTransformer', transformation_arguments: { key_column: 'order_number', ttl_in_seconds: '3600' } },
      input: {
        columns: [
          { name: 'order_number', type: 'STRING' },
          { name: 'customer_id', type: 'STRING' },
        ],
        rows: [
          ['ynnhjv45', 'customer-abc'],
          ['ynnhjv45', 'customer-xyz'],
          ['k2m9', 'customer-abc'],
        ],
      },
      output: [
        ['ynnhjv45', 'customer-abc'],
        ['k2m9', 'customer-abc'],
      ],
    },
  ],
});
