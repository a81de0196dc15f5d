import type protobuf from 'protobufjs';
import type { Row } from '../../../core/types.js';
import { defineTransformer, type TransformerBuildContext } from '../api.js';
import { pathHasher, type PathHasher } from './hashers.js';

interface Args {
  readonly maskColumns: readonly string[];
}

function buildHashers(ctx: TransformerBuildContext<Args>): PathHasher[] {
  const message = ctx.sinkProtoMessage;
  if (!message) throw ctx.argumentError('maskColumns', 'a job with SINK_KAFKA_PROTO_MESSAGE (the paths are resolved against the output proto, as in Dagger)', 'no SINK_KAFKA_PROTO_MESSAGE');
  const type = ctx.protoType(message) as protobuf.Type | undefined;
  if (!type) throw ctx.argumentError('maskColumns', `paths of the output proto, but its descriptor ${message} (SINK_KAFKA_PROTO_MESSAGE) was not found`);
  if (ctx.args.maskColumns.length === 0) throw ctx.argumentError('maskColumns', 'a non-empty array of field paths', ctx.args.maskColumns);
  return ctx.args.maskColumns.map((path) => {
    const root = path.split('.')[0]!;
    const index = ctx.column(root);
    if (index < 0) throw ctx.argumentError('maskColumns', `paths starting with a column of the rows (${ctx.input.map((f) => f.name).join(', ')})`, path);
    const h = pathHasher(type, path, index);
    if (typeof h === 'string') throw ctx.argumentError('maskColumns', `string, int or long fields of ${message}`, new Error(`cannot hash ${path} (resolved against ${message}): ${h}`));
    return h;
  });
}

/**
 * Dagger's HashTransformer: replaces string, int and long fields (top-level columns or fields inside ROW
 * columns, named by dotted paths) by their SHA-256 hash, resolved against the output proto
 * SINK_KAFKA_PROTO_MESSAGE exactly as Dagger does, with Dagger's bytes (see hashers.ts). Types do not change:
 * strings become 64 hex digits, ints and longs another int or long.
 */
export const HashTransformer = defineTransformer<Args, PathHasher[]>({
  name: 'HashTransformer',
  description:
    'Replaces string, int and long fields by their SHA-256 hash (hex for strings; the first 4 or 8 digest bytes, little-endian, for ints and longs), as Dagger. Paths may be dotted (`booking_log.order_number`) and are resolved against SINK_KAFKA_PROTO_MESSAGE.',
  places: ['post'],
  arguments: {
    maskColumns: { type: 'string[]', required: true, description: 'Fields to hash: column names, or dotted paths into ROW columns.' },
  },
  outputSchema(input, ctx) {
    buildHashers(ctx);
    return input;
  },
  open(ctx) {
    ctx.state = buildHashers(ctx);
  },
  transform(rows, ctx): Row[] {
    const hashers = ctx.state;
    return rows.map((r) => {
      const out = r.slice();
      for (const h of hashers) h(out);
      return out;
    });
  },
  examples: [
    {
      title: "Dagger's test: order_number (string), cancel_reason_id (int) and driver_total_fare_without_surge (long)",
      config: {
        transformation_class: 'HashTransformer',
        transformation_arguments: { maskColumns: ['order_number', 'driver_total_fare_without_surge', 'cancel_reason_id'] },
      },
      input: {
        columns: [
          { name: 'order_number', type: 'STRING' },
          { name: 'cancel_reason_id', type: 'INT' },
          { name: 'driver_total_fare_without_surge', type: 'BIGINT' },
        ],
        rows: [['test', 1, 1]],
      },
      output: [['9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 1927129959, -6467378160175308932n]],
    },
  ],
});
