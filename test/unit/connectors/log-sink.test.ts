import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RowKind, T, type Field } from '../../../src/core/types.js';
import { createLogSink } from '../../../src/connectors/log/log-sink.js';
import { createTelemetry } from '../../../src/telemetry/index.js';

const columns: Field[] = [
  { name: 'id', type: T.BIGINT },
  { name: 'name', type: T.STRING },
  { name: 'window_timestamp', type: T.TIMESTAMP },
  { name: 'driver', type: T.row([{ name: 'id', type: T.STRING }, { name: 'seen', type: T.TIMESTAMP }]) },
  { name: 'tags', type: T.map(T.STRING, T.INT) },
  { name: 'scores', type: T.array(T.DOUBLE) },
  { name: 'raw', type: T.BYTES },
  { name: 'anything', type: T.ANY },
];

function capture(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  return { out, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('log sink', () => {
  it('prints one readable line per row with the non-null columns', async () => {
    const { out, text } = capture();
    const telemetry = createTelemetry({ jobId: 'j' });
    const sink = createLogSink({ columns, out, metrics: telemetry.sinkMetrics('log') });
    await sink.open();
    sink.write({
      kind: 'data',
      rows: [
        [
          12345678901234567890n,
          'alice',
          Date.UTC(2024, 0, 2, 3, 4, 5, 6),
          { id: 'd1', seen: 0 },
          new Map([['a', 1], ['b', 2]]),
          [1.5, null],
          new Uint8Array([0xde, 0xad]),
          { x: 1n, y: null },
        ],
        [7, null, null, null, null, null, null, null],
      ],
    });
    await sink.flush();
    await sink.close();
    expect(text()).toBe(
      '+I {id=12345678901234567890, name=alice, window_timestamp=2024-01-02T03:04:05.006Z, ' +
        'driver={id=d1, seen=1970-01-01T00:00:00.000Z}, tags={a=1, b=2}, scores=[1.5, null], raw=0xdead, anything={x=1}}\n' +
        '+I {id=7}\n',
    );
    expect(await telemetry.metrics()).toContain('dirk_sink_records_total{sink="log",job="j"} 2');
  });

  it('prefixes changelog rows with their kind', async () => {
    const { out, text } = capture();
    const sink = createLogSink({ columns: [{ name: 'k', type: T.STRING }, { name: 'n', type: T.BIGINT }], out });
    sink.write({
      kind: 'data',
      rows: [['a', 1], ['a', 1], ['a', 2], ['a', 2]],
      rowKinds: [RowKind.Insert, RowKind.UpdateBefore, RowKind.UpdateAfter, RowKind.Delete],
    });
    await sink.flush();
    expect(text().split('\n')).toEqual(['+I {k=a, n=1}', '-U {k=a, n=1}', '+U {k=a, n=2}', '-D {k=a, n=2}', '']);
  });
});
