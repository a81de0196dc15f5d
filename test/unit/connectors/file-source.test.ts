import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Source, SourceBatch } from '../../../src/core/connector.js';
import { DecodeError, DirkError } from '../../../src/core/errors.js';
import { silentLogger, type Logger } from '../../../src/core/logger.js';
import type { Row } from '../../../src/core/types.js';
import { createProtoRowDecoder, openDescriptorRegistry, protoTableSchema } from '../../../src/schema/index.js';
import type { RowDecoder } from '../../../src/connectors/shared/codec.js';
import { createFileSource, type FileSourceOptions } from '../../../src/connectors/file/file-source.js';
import { createTelemetry } from '../../../src/telemetry/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dirk-file-source-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

/** Test decoder: a JSON object with id and name -> [id, name]. */
const jsonDecoder: RowDecoder = {
  decode(bytes) {
    let v: { id?: unknown; name?: unknown };
    try {
      v = JSON.parse(Buffer.from(bytes).toString('utf8')) as typeof v;
    } catch (e) {
      throw new DecodeError(`not JSON: ${(e as Error).message}`);
    }
    return [v.id ?? null, v.name ?? null];
  },
};

async function runAll(src: Source): Promise<{ batches: SourceBatch[]; rows: Row[]; metrics: string; error?: unknown }> {
  const telemetry = createTelemetry({ jobId: 't' });
  const batches: SourceBatch[] = [];
  let error: unknown;
  await src
    .run({ logger: silentLogger, metrics: telemetry.sourceMetrics('t'), deliver: async (b) => void batches.push(b) })
    .catch((e: unknown) => (error = e));
  return { batches, rows: batches.flatMap((b) => b.rows), metrics: await telemetry.metrics(), error };
}

function jsonl(n: number): string {
  return Array.from({ length: n }, (_, i) => JSON.stringify({ id: i, name: `n${i}` })).join('\n') + '\n';
}

const base = (p: string, extra: Partial<FileSourceOptions> = {}): FileSourceOptions => ({
  table: 't',
  path: p,
  format: 'JSONL',
  decoder: jsonDecoder,
  badRecords: { mode: 'FAIL' },
  logger: silentLogger,
  ...extra,
});

describe('file source', () => {
  it('reads JSONL in batches of 500 and reports positions as lines consumed', async () => {
    const p = file('a.jsonl', jsonl(1234));
    const src = createFileSource(base(p));
    const { batches, rows, metrics } = await runAll(src);
    expect(batches.map((b) => b.rows.length)).toEqual([500, 500, 234]);
    expect(batches[0]!.split).toBe(p);
    expect(rows[0]).toEqual([0, 'n0']);
    expect(rows[1233]).toEqual([1233, 'n1233']);
    expect(src.positions()).toEqual({ [p]: '1234' });
    expect(metrics).toContain('dirk_source_records_total{table="t",job="t"} 1234');
  });

  it('handles CRLF, blank lines and a last line without newline; seek skips consumed lines', async () => {
    const p = file('b.jsonl', '{"id":1}\r\n\n  \n{"id":2}\n{"id":3}');
    const { rows } = await runAll(createFileSource(base(p)));
    expect(rows).toEqual([
      [1, null],
      [2, null],
      [3, null],
    ]);
    const src = createFileSource(base(p));
    src.seek!({ [p]: '4' });
    const again = await runAll(src);
    expect(again.rows).toEqual([[3, null]]);
    expect(src.positions()).toEqual({ [p]: '5' });
  });

  it('FAIL names the file and line and delivers the rows before it', async () => {
    const p = file('c.jsonl', '{"id":1}\n{"id":2}\nnot json\n{"id":4}\n');
    const src = createFileSource(base(p));
    const { rows, error } = await runAll(src);
    expect(rows).toEqual([
      [1, null],
      [2, null],
    ]);
    expect(error).toBeInstanceOf(DirkError);
    expect((error as Error).message).toContain(`cannot decode line ${p}:3: not JSON`);
    expect(src.positions()).toEqual({ [p]: '2' });
  });

  it('SKIP and DEAD_LETTER (logged with the line number) continue and count', async () => {
    const p = file('d.jsonl', '{"id":1}\nnot json\n{"id":3}\n');
    const skip = await runAll(createFileSource(base(p, { badRecords: { mode: 'SKIP' } })));
    expect(skip.rows).toEqual([
      [1, null],
      [3, null],
    ]);
    expect(skip.metrics).toContain('dirk_source_bad_records_skipped_total{table="t",job="t"} 1');

    const warned: Record<string, unknown>[] = [];
    const logger: Logger = { ...silentLogger, warn: (_m, f) => void warned.push(f ?? {}), child: () => logger };
    const dl = await runAll(createFileSource(base(p, { badRecords: { mode: 'DEAD_LETTER' }, logger })));
    expect(dl.rows.length).toBe(2);
    expect(dl.metrics).toContain('dirk_source_bad_records_dead_lettered_total{table="t",job="t"} 1');
    expect(warned).toEqual([{ file: p, line: 2, error: expect.stringMatching(/^not JSON/) as unknown }]);
  });

  describe('protobuf', async () => {
    const reg = await openDescriptorRegistry({ kind: 'files', dirs: ['protos'] });
    const type = reg.lookupType('dirk.examples.BookingLogMessage');
    const table = protoTableSchema(reg, 'dirk.examples.BookingLogMessage', { table: 'booking', rowtimeFieldNumber: 5, rowtimeName: 'rowtime' });
    const decoder = createProtoRowDecoder(reg, 'dirk.examples.BookingLogMessage', table);
    const col = (name: string): number => table.columns.findIndex((c) => c.name === name);
    const messages = Array.from({ length: 1001 }, (_, i) => ({
      order_number: `o-${i}`,
      service_area_id: i,
      event_timestamp: { seconds: 1_700_000_000 + i, nanos: 5_000_000 },
    }));

    it('PROTO_JSONL: JSON lines encoded to protobuf and decoded by the protobuf decoder', async () => {
      const p = file('e.jsonl', messages.map((m) => JSON.stringify(m)).join('\n'));
      const src = createFileSource({
        ...base(p, { format: 'PROTO_JSONL', decoder }),
        protoJsonToBytes: (json) => type.encode(type.fromObject(json as Record<string, unknown>)).finish(),
      });
      const { rows, error } = await runAll(src);
      expect(error).toBeUndefined();
      expect(rows.length).toBe(1001);
      expect(rows[7]![col('order_number')]).toBe('o-7');
      expect(rows[7]![table.rowtimeIndex!]).toBe((1_700_000_000 + 7) * 1000 + 5);
    });

    it('PROTO_DELIMITED: varint length-delimited messages, across read chunks', async () => {
      const big = messages.map((m, i) => ({ ...m, customer_id: 'x'.repeat(i % 3 === 0 ? 3000 : 10) }));
      const bytes = Buffer.concat(big.map((m) => type.encodeDelimited(type.fromObject(m)).finish()));
      const p = file('f.bin', bytes);
      const src = createFileSource(base(p, { format: 'PROTO_DELIMITED', decoder, batchSize: 300 }));
      const { rows, error } = await runAll(src);
      expect(error).toBeUndefined();
      expect(rows.map((r) => r[col('service_area_id')])).toEqual(big.map((m) => m.service_area_id));
      expect(src.positions()).toEqual({ [p]: '1001' });

      const truncated = file('g.bin', bytes.subarray(0, bytes.length - 2));
      // 1000 whole records precede the truncated one: they are delivered before the error.
      const t = await runAll(createFileSource(base(truncated, { format: 'PROTO_DELIMITED', decoder, batchSize: 300 })));
      expect((t.error as Error).message).toMatch(/g\.bin:1001: the file ends inside a record/);
      expect(t.rows.length).toBe(1000);
    });
  });

  it('names a missing file', async () => {
    const { error } = await runAll(createFileSource(base(path.join(dir, 'nope.jsonl'))));
    expect((error as Error).message).toMatch(/nope\.jsonl does not exist/);
  });
});
