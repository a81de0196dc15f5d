import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBooking, kafkaStream, loadBookingProtos, metricsUrl, writeJobFile } from '../helpers/jobs.js';
import { closeKafkaHelpers, consumeN, createTopics, kafkaBootstrap, produce, uniqueTopic } from '../helpers/kafka.js';
import { REPO_ROOT, runCli, startCli } from '../helpers/process.js';

/**
 * Pre-processors in running jobs, through the CLI (`npm run build` first) against the real broker: a table's
 * InvalidRecordFilterTransformer, DeDuplicationTransformer and a TypeScript user transformer from
 * TRANSFORMER_FOLDERS run before the SQL, which reads the user transformer's column; the dedup keys survive a
 * restart from the checkpoint; `dirk validate` and `dirk explain` see the transformed columns.
 */
let Booking: protobuf.Type;
const dir = mkdtempSync(join(tmpdir(), 'dirk-pre-it-'));
const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

beforeAll(async () => {
  Booking = (await loadBookingProtos()).lookupType('dirk.examples.BookingLogMessage');
});
afterAll(() => closeKafkaHelpers());

const booking = (order: string, atMs: number): Buffer => encodeBooking(Booking, order, 'GO_RIDE', atMs, 10);

/** A user transformer written in TypeScript against the public API: appends `order_tag`. */
function transformerFolder(): string {
  const folder = join(dir, 'transformers');
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, 'order-tag.ts'),
    `import { defineTransformer } from 'dirk';

export const OrderTag = defineTransformer<{ prefix: string }>({
  name: 'OrderTag',
  description: 'Appends order_tag = <prefix>-<order_number>.',
  arguments: { prefix: { type: 'string', required: true, description: 'The tag prefix.' } },
  outputSchema: (input) => [...input, { name: 'order_tag', type: 'STRING' }],
  transform(rows, ctx) {
    const order = ctx.column('order_number');
    return rows.map((r) => [...r, \`\${ctx.args.prefix}-\${String(r[order])}\`]);
  },
});
`,
  );
  return folder;
}

function preprocessorConfig(): unknown {
  return {
    table_transformers: [
      {
        table_name: 'booking',
        transformers: [
          { transformation_class: 'com.gotocompany.dagger.functions.transformers.InvalidRecordFilterTransformer', transformation_arguments: {} },
          { transformation_class: 'DeDuplicationTransformer', transformation_arguments: { key_column: 'order_number', ttl_in_seconds: '3600' } },
          { transformation_class: 'OrderTag', transformation_arguments: { prefix: 'tag' } },
        ],
      },
    ],
  };
}

function writeJob(name: string, input: string, output: string, sql: string, extra: Record<string, unknown> = {}): string {
  return writeJobFile(dir, name, {
    FLINK_JOB_ID: `it-pre-${name}-${input}`,
    STREAMS: [kafkaStream({ table: 'booking', protoClass: 'dirk.examples.BookingLogMessage', timestampIndex: '5', topic: input, groupId: `it-pre-group-${input}` })],
    FLINK_SQL_QUERY: sql,
    FLINK_WATERMARK_DELAY_MS: '0',
    FLINK_CHECKPOINT_INTERVAL_MS: '1000',
    SCHEMA_PROTO_DIRS: join(REPO_ROOT, 'protos'),
    METRIC_TELEMETRY_ENABLE: 'false',
    PROCESSOR_PREPROCESSOR_ENABLE: 'true',
    PROCESSOR_PREPROCESSOR_CONFIG: JSON.stringify(preprocessorConfig()),
    TRANSFORMER_FOLDERS: transformerFolder(),
    SINK_TYPE: 'kafka',
    SINK_KAFKA_BROKERS: kafkaBootstrap(),
    SINK_KAFKA_TOPIC: output,
    SINK_KAFKA_DATA_TYPE: 'JSON',
    ...extra,
  });
}

const SQL = 'SELECT order_number, order_tag FROM `booking`';

describe('dirk run with pre-processors', () => {
  it('filters invalid records, deduplicates across a restart from the checkpoint, and the SQL reads a user transformer column', async () => {
    const input = uniqueTopic('it-pre-in');
    const output = uniqueTopic('it-pre-out');
    await createTopics([input, output], 1);
    const job = writeJob('dedup', input, output, SQL, { METRIC_TELEMETRY_ENABLE: 'true', METRICS_PORT: '0' });
    const checkpoints = join(dir, 'ckpt-dedup');
    await produce(input, [{ value: booking('o1', T0) }, { value: booking('o1', T0 + 1) }, { value: Buffer.from([0xff, 0xff, 0xff, 0xff]) }, { value: booking('o2', T0 + 2) }]);

    const first = startCli(['run', '--checkpoint-dir', checkpoints, job]);
    try {
      const records = await consumeN(output, 2, 30_000);
      expect(records.map((r) => JSON.parse(r.value!.toString('utf8')))).toEqual([
        { order_number: 'o1', order_tag: 'tag-o1' },
        { order_number: 'o2', order_tag: 'tag-o2' },
      ]);
      await first.waitForLine('filtered 1 invalid record(s) of table booking', { timeoutMs: 10_000 });
      const metrics = await (await fetch(await metricsUrl(first))).text();
      const value = (name: string, labels: string): number => Number(new RegExp(`^${name}\\{${labels}[^}]*\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? NaN);
      expect(value('dirk_filtered_invalid_records_total', 'table="booking"')).toBe(1);
      expect(value('dirk_source_decode_errors_total', 'table="booking"')).toBe(1);
      expect(value('dirk_transformer_rows_in_total', 'transformer="DeDuplicationTransformer",table="booking"')).toBe(3);
      expect(value('dirk_transformer_rows_dropped_total', 'transformer="DeDuplicationTransformer",table="booking"')).toBe(1);
      expect(value('dirk_transformer_rows_out_total', 'transformer="OrderTag",table="booking"')).toBe(2);
    } finally {
      const status = await first.stop('SIGTERM', 20_000);
      expect(status.code, first.stderr()).toBe(0);
    }

    // o1 and o2 were seen before the restart: only o3 passes after it.
    await produce(input, [{ value: booking('o1', T0 + 3) }, { value: booking('o3', T0 + 4) }, { value: booking('o2', T0 + 5) }, { value: booking('o3', T0 + 6) }]);
    const second = startCli(['run', '--checkpoint-dir', checkpoints, job]);
    try {
      await second.waitForLine(/restored checkpoint \d+/, { timeoutMs: 20_000 });
      const records = await consumeN(output, 3, 30_000);
      expect(records.map((r) => JSON.parse(r.value!.toString('utf8')))).toEqual([
        { order_number: 'o1', order_tag: 'tag-o1' },
        { order_number: 'o2', order_tag: 'tag-o2' },
        { order_number: 'o3', order_tag: 'tag-o3' },
      ]);
      // Nothing else arrives (a fourth record would be a duplicate let through).
      await expect(consumeN(output, 4, 3_000)).rejects.toThrow();
    } finally {
      const status = await second.stop('SIGTERM', 20_000);
      expect(status.code, second.stderr()).toBe(0);
    }
  });

  it('dirk validate checks the SQL against the transformed columns, and dirk explain lists the pre-processors', async () => {
    const ok = await runCli(['validate', writeJob('validate-ok', 'unused-in', 'unused-out', SQL)], { timeoutMs: 40_000 });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('ok: 1 stream(s), 2 output column(s)');

    const bad = await runCli(['validate', writeJob('validate-bad', 'unused-in', 'unused-out', 'SELECT order_number, order_tags FROM `booking`')], { timeoutMs: 40_000 });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/line 1, column 22: column 'order_tags' not found; available: .*order_tag/);

    const explained = await runCli(['explain', writeJob('explain', 'unused-in', 'unused-out', SQL)], { timeoutMs: 40_000 });
    expect(explained.code, explained.stderr).toBe(0);
    expect(explained.stdout).toContain('pre-processors (run per table before the SQL):');
    expect(explained.stdout).toContain('transformer[1] DeDuplicationTransformer');
    expect(explained.stdout).toMatch(/columns for SQL: order_number STRING, .*rowtime TIMESTAMP\(3\) \*ROWTIME\*, order_tag STRING/);
  });

  it('a wrong transformer argument is a validate-time error naming the transformer and the argument', async () => {
    const file = writeJobFile(dir, 'validate-arg', {
      STREAMS: [kafkaStream({ table: 'booking', protoClass: 'dirk.examples.BookingLogMessage', timestampIndex: '5', topic: 'unused', groupId: 'unused' })],
      FLINK_SQL_QUERY: SQL,
      SCHEMA_PROTO_DIRS: join(REPO_ROOT, 'protos'),
      PROCESSOR_PREPROCESSOR_ENABLE: 'true',
      PROCESSOR_PREPROCESSOR_CONFIG: JSON.stringify({
        table_transformers: [{ table_name: 'booking', transformers: [{ transformation_class: 'DeDuplicationTransformer', transformation_arguments: { key_column: 'order_id', ttl_in_seconds: 60 } }] }],
      }),
      SINK_TYPE: 'log',
    });
    const r = await runCli(['validate', file], { timeoutMs: 40_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'PROCESSOR_PREPROCESSOR_CONFIG.table_transformers[0].transformers[0].transformation_arguments.key_column (DeDuplicationTransformer): expected one of the columns arriving at the transformer',
    );
  });
});
