import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirkError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { RowKind, T, type Field } from '../../../src/core/types.js';
import { compileLineWriter, createInfluxSink } from '../../../src/connectors/influxdb/influx-sink.js';
import { createTelemetry } from '../../../src/telemetry/index.js';

const columns: Field[] = [
  { name: 'tag_service_type', type: T.STRING },
  { name: 'label_area', type: T.INT },
  { name: 'number_of_bookings', type: T.BIGINT },
  { name: 'total_amount', type: T.DOUBLE },
  { name: 'is_peak', type: T.BOOLEAN },
  { name: 'note', type: T.STRING },
  { name: 'window_start', type: T.TIMESTAMP },
  { name: 'window_timestamp', type: T.TIMESTAMP },
];
const t0 = Date.UTC(2024, 0, 1, 10, 0);

describe('line protocol', () => {
  const line = compileLineWriter('booking count', columns);
  it('maps window_timestamp, tag_ and label_ columns and typed fields (Dagger semantics)', () => {
    expect(line(['GO_RIDE', 7, 12, 30, true, 'a "quoted" \\ note', t0 - 60_000, t0])).toBe(
      `booking\\ count,area=7,tag_service_type=GO_RIDE number_of_bookings=12i,total_amount=30.0,is_peak=true,` +
        `note="a \\"quoted\\" \\\\ note",window_start=${t0 - 60_000}i ${t0}`,
    );
  });
  it('leaves out nulls, empty tags and NaN; escapes tag values; exact bigints; no time without window_timestamp', () => {
    expect(line(['', null, 2n ** 63n - 1n, NaN, null, null, null, null])).toBe('booking\\ count number_of_bookings=9223372036854775807i');
    expect(line(['a b,c=d', 1, null, 1.5, null, null, null, t0])).toBe(`booking\\ count,area=1,tag_service_type=a\\ b\\,c\\=d total_amount=1.5 ${t0}`);
    expect(line(['x', 1, null, null, null, null, null, t0])).toBeUndefined();
  });
});

describe('influx sink over HTTP', () => {
  const requests: { url: string; body: string; auth: string | undefined }[] = [];
  let respond: (res: http.ServerResponse) => void = (res) => res.writeHead(204).end();
  let server: http.Server;
  let url = '';

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
        requests.push({ url: req.url ?? '', body: body.toString('utf8'), auth: req.headers.authorization });
        respond(res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('buffers until flush, sends batches of batchSize lines with ms precision, counts', async () => {
    requests.length = 0;
    respond = (res) => res.writeHead(204).end();
    const telemetry = createTelemetry({ jobId: 'j' });
    const sink = createInfluxSink({
      url,
      username: 'u',
      password: 'p',
      database: 'dirk',
      retentionPolicy: 'autogen',
      measurement: 'm',
      columns,
      batchSize: 2,
      logger: silentLogger,
      metrics: telemetry.sinkMetrics('influx'),
    });
    await sink.open();
    sink.write({
      kind: 'data',
      rows: [1, 2, 3].map((i) => [`S${i}`, i, i, i / 2, false, null, null, t0 + i]),
    });
    // changelog: -U and -D are skipped
    sink.write({ kind: 'data', rows: [['S9', 9, 9, 9, false, null, null, t0], ['S9', 9, 9, 9, false, null, null, t0]], rowKinds: [RowKind.UpdateBefore, RowKind.Delete] });
    expect(requests).toEqual([]);
    await sink.flush();
    expect(requests.map((r) => r.body.split('\n').length)).toEqual([2, 1]);
    expect(requests[0]!.url).toBe('/api/v2/write?org=&bucket=dirk%2Fautogen&precision=ms');
    expect(requests[0]!.auth).toBe('Token u:p');
    expect(requests[0]!.body.split('\n')[0]).toBe(`m,area=1,tag_service_type=S1 number_of_bookings=1i,total_amount=0.5,is_peak=false ${t0 + 1}`);
    expect(await telemetry.metrics()).toContain('dirk_sink_records_total{sink="influx",job="j"} 3');
    await sink.flush(); // nothing buffered: no request
    expect(requests.length).toBe(2);
    await sink.close();
  });

  it('counts points beyond the retention policy instead of failing', async () => {
    requests.length = 0;
    respond = (res) =>
      res
        .writeHead(422, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: 'unprocessable entity', message: 'partial write: points beyond retention policy dropped=1' }));
    const telemetry = createTelemetry({ jobId: 'j' });
    const sink = createInfluxSink({
      url,
      database: 'dirk',
      measurement: 'm',
      columns,
      logger: silentLogger,
      metrics: telemetry.sinkMetrics('influx'),
      lateRecordsDropped: telemetry.sinkLateRecordsDropped('influx'),
    });
    await sink.open();
    sink.write({ kind: 'data', rows: [['a', 1, 1, 1, true, null, null, 1], ['a', 1, 1, 1, true, null, null, t0]] });
    await sink.flush();
    const text = await telemetry.metrics();
    expect(text).toContain('dirk_sink_late_records_dropped_total{sink="influx",job="j"} 1');
    expect(text).toContain('dirk_sink_records_total{sink="influx",job="j"} 1');
    await sink.close();
  });

  it('rejects flush with a retriable external error on other failures', async () => {
    respond = (res) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'internal error', message: 'disk full' }));
    const telemetry = createTelemetry({ jobId: 'j' });
    const sink = createInfluxSink({ url, database: 'dirk', measurement: 'm', columns, logger: silentLogger, metrics: telemetry.sinkMetrics('influx') });
    await sink.open();
    sink.write({ kind: 'data', rows: [['a', 1, 1, 1, true, null, null, t0]] });
    const err = await sink.flush().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DirkError);
    expect((err as DirkError).domain).toBe('external');
    expect((err as DirkError).retriable).toBe(true);
    expect((err as Error).message).toMatch(/disk full/);
    expect(await telemetry.metrics()).toContain('dirk_sink_write_errors_total{sink="influx",job="j"} 1');
    // the next flush starts clean
    respond = (res) => res.writeHead(204).end();
    await sink.flush();
    await sink.close();
  });
});
