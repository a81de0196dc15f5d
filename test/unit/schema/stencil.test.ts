import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DirkError } from '../../../src/core/errors.js';
import type { Logger } from '../../../src/core/logger.js';
import {
  buildDescriptorSet,
  createProtoRowDecoder,
  openDescriptorRegistry,
  protoTableSchema,
  startStencilServer,
  type DescriptorRegistry,
  type DescriptorSource,
  type StencilServer,
} from '../../../src/schema/index.js';
import { StencilRegistry } from '../../../src/schema/stencil-client.js';

const V1 = `syntax = "proto3";
package dirk.reg;
import "google/protobuf/timestamp.proto";
enum Kind { K_UNKNOWN = 0; A = 1; }
message Ev { Kind kind = 1; google.protobuf.Timestamp ts = 2; }
`;
const V2 = V1.replace('A = 1;', 'A = 1; B = 2;').replace('ts = 2;', 'ts = 2; string extra = 3;');

let tmp: string;
const servers: StencilServer[] = [];
const registries: DescriptorRegistry[] = [];

function protoDir(name: string, text: string): string {
  const dir = path.join(tmp, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'ev.proto'), text);
  return dir;
}

function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log =
    (level: string) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      lines.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`);
    };
  const l: Logger & { lines: string[] } = {
    lines,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: () => l,
  };
  return l;
}

function source(urls: string[], over: Partial<Extract<DescriptorSource, { kind: 'stencil' }>> = {}): DescriptorSource {
  return {
    kind: 'stencil',
    urls,
    timeoutMs: 2000,
    headers: {},
    retries: 0,
    backoffMinMs: 10,
    autoRefresh: false,
    ttlMs: 60_000,
    refreshStrategy: 'LONG_POLLING',
    ...over,
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function open(src: DescriptorSource, opts: Parameters<typeof openDescriptorRegistry>[1] = {}): Promise<DescriptorRegistry> {
  const r = await openDescriptorRegistry(src, opts);
  registries.push(r);
  return r;
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'dirk-stencil-'));
});
afterEach(async () => {
  for (const r of registries.splice(0)) r.close();
  for (const s of servers.splice(0)) await s.close();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function serve(opts: Parameters<typeof startStencilServer>[0] = {}): Promise<StencilServer> {
  const s = await startStencilServer({ host: '127.0.0.1', ...opts });
  servers.push(s);
  return s;
}

function encodeEv(reg: DescriptorRegistry, kind: number, seconds: number, extra?: string): Uint8Array {
  const t = reg.lookupType('dirk.reg.Ev');
  const w = protobuf.Writer.create();
  w.uint32(8).int32(kind);
  w.uint32(18).fork().uint32(8).int64(seconds).ldelim();
  if (extra !== undefined) w.uint32(26).string(extra);
  void t;
  return w.finish();
}

describe('Stencil-compatible server', () => {
  it('serves a dir as version 1 with the stencil URL shapes', async () => {
    const s = await serve({ dir: 'protos' });
    expect(await (await fetch(`${s.url}/ping`)).text()).toBe('pong');
    const latest = await fetch(s.schemaUrl());
    expect(latest.headers.get('content-type')).toBe('application/octet-stream');
    expect((await latest.arrayBuffer()).byteLength).toBeGreaterThan(100);
    expect(await (await fetch(`${s.schemaUrl()}/versions`)).json()).toEqual({ versions: [1] });
    expect((await fetch(`${s.schemaUrl()}/versions/1`)).status).toBe(200);
    expect((await fetch(`${s.schemaUrl()}/versions/2`)).status).toBe(404);
    expect((await fetch(`${s.url}/v1/namespaces/dirk/descriptors/protos/versions/latest`)).status).toBe(200);
  });

  it('publishes over HTTP only with its token; refuses bad escapes and oversized bodies', async () => {
    const s = await serve({ dir: 'protos', publishToken: 't0ken', maxBodyBytes: 64 * 1024 });
    const body = buildDescriptorSet([protoDir('up', V1)]);
    const at = `${s.url}/v1beta1/namespaces/other/schemas/ev`;
    expect((await fetch(at, { method: 'POST', body })).status).toBe(401);
    expect((await fetch(at, { method: 'POST', body, headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect(s.versions('other', 'ev')).toEqual([]);
    // upload like the stencil CLI does, with the token
    const post = await fetch(at, { method: 'POST', body, headers: { authorization: 'Bearer t0ken' } });
    expect(await post.json()).toMatchObject({ version: 1 });
    expect(s.versions('other', 'ev')).toEqual([1]);
    const big = await fetch(at, { method: 'POST', body: new Uint8Array(200 * 1024), headers: { authorization: 'Bearer t0ken' } }).catch((e: unknown) => e);
    if (!(big instanceof Error)) expect((big as Response).status).toBe(413);
    expect(s.versions('other', 'ev')).toEqual([1]);
    const bad = await fetch(`${s.url}/v1beta1/namespaces/%E0%A4%A/schemas/x`);
    expect(bad.status).toBe(400);
    // the server is still up after all of it
    expect((await fetch(`${s.url}/ping`)).status).toBe(200);
  });

  it('refuses every POST when publishing is not enabled', async () => {
    const s = await serve({ dir: 'protos' });
    const post = await fetch(`${s.url}/v1beta1/namespaces/other/schemas/ev`, { method: 'POST', body: buildDescriptorSet([protoDir('up', V1)]) });
    expect(post.status).toBe(403);
    expect(s.versions('other', 'ev')).toEqual([]);
  });
});

describe('Stencil registry client', () => {
  it('loads types from a server and decodes with them', async () => {
    const s = await serve({ dir: 'protos' });
    const reg = await open(source([s.schemaUrl()]));
    expect(reg.hasMessage('dirk.examples.BookingLogMessage')).toBe(true);
    const table = protoTableSchema(reg, 'dirk.examples.BookingLogMessage', { table: 'b', rowtimeFieldNumber: 5, rowtimeName: 'rowtime' });
    expect(table.columns.map((c) => c.name)).toContain('order_number');
    const t = reg.lookupType('dirk.examples.BookingLogMessage');
    const bytes = t.encode(t.fromObject({ order_number: 'o1', status: 'COMPLETED', event_timestamp: { seconds: 10 } })).finish();
    const row = createProtoRowDecoder(reg, 'dirk.examples.BookingLogMessage', table).decode(bytes);
    expect(row[0]).toBe('o1');
    expect(row[3]).toBe('COMPLETED');
    expect(row[table.rowtimeIndex!]).toBe(10_000);
  });

  it('merges several URLs and sends the configured headers', async () => {
    const s = await serve({ dir: 'protos' });
    s.publish('dirk', 'ev', buildDescriptorSet([protoDir('m', V1)]));
    const seen: string[] = [];
    const spy = await import('node:http').then(
      (http) =>
        new Promise<{ url: string; close: () => Promise<void> }>((resolve) => {
          const proxy = http.createServer((req, res) => {
            seen.push(String(req.headers['x-token']));
            void fetch(`${s.url}${req.url}`).then(async (r) => {
              res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? '' });
              res.end(Buffer.from(await r.arrayBuffer()));
            });
          });
          proxy.listen(0, '127.0.0.1', () =>
            resolve({
              url: `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`,
              close: () => new Promise((r) => proxy.close(() => r())),
            }),
          );
        }),
    );
    try {
      const reg = await open(
        source([`${spy.url}/v1beta1/namespaces/dirk/schemas/protos`, `${spy.url}/v1beta1/namespaces/dirk/schemas/ev`], {
          headers: { 'X-Token': 'secret' },
        }),
      );
      expect(reg.hasMessage('dirk.examples.BookingLogMessage')).toBe(true);
      expect(reg.hasMessage('dirk.reg.Ev')).toBe(true);
      expect(seen).toEqual(['secret', 'secret']);
    } finally {
      await spy.close();
    }
  });

  it('retries with backoff until a registry that starts late is up', async () => {
    const port = await freePort();
    const logger = captureLogger();
    const url = `http://127.0.0.1:${port}/v1beta1/namespaces/dirk/schemas/protos`;
    const pending = open(source([url], { retries: 4, backoffMinMs: 100 }), { logger });
    await new Promise((r) => setTimeout(r, 150));
    await serve({ dir: 'protos', port });
    const reg = await pending;
    expect(reg.hasMessage('dirk.test.AllTypes')).toBe(true);
    expect(logger.lines.filter((l) => l.startsWith('warn schema registry fetch failed; retrying')).length).toBeGreaterThanOrEqual(1);
  });

  it('reports a registry that stays down clearly (DirkError external) after the retries', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/v1beta1/namespaces/dirk/schemas/protos`;
    const started = Date.now();
    const err = await openDescriptorRegistry(source([url], { retries: 2, backoffMinMs: 20 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DirkError);
    expect((err as DirkError).domain).toBe('external');
    expect((err as Error).message).toMatch(
      new RegExp(`cannot fetch protobuf descriptors from the schema registry at ${url.replace(/[.?]/g, '\\$&')} \\(3 attempts\\): ECONNREFUSED`),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(20 + 40);
  });

  it('does not retry a 404 and says so', async () => {
    const s = await serve({ dir: 'protos' });
    const err = await openDescriptorRegistry(source([s.schemaUrl('dirk', 'nope')], { retries: 3, backoffMinMs: 1000 })).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toMatch(/\(1 attempt\): HTTP 404/);
  });

  it('VERSION_BASED_REFRESH: picks up a new version, new enum values take effect, the table stays pinned', async () => {
    const s = await serve();
    s.publish('dirk', 'ev', buildDescriptorSet([protoDir('v1', V1)]));
    let changes = 0;
    const reg = await open(
      source([s.schemaUrl('dirk', 'ev')], { autoRefresh: true, ttlMs: 50, refreshStrategy: 'VERSION_BASED_REFRESH' }),
      { onChange: () => changes++ },
    );
    const table = protoTableSchema(reg, 'dirk.reg.Ev', { table: 'ev', rowtimeFieldNumber: 2, rowtimeName: 'rowtime' });
    const dec = createProtoRowDecoder(reg, 'dirk.reg.Ev', table);
    expect(dec.decode(encodeEv(reg, 2, 7, 'x'))).toEqual(['2', { seconds: 7, nanos: 0 }, 7000]);
    await new Promise((r) => setTimeout(r, 120));
    expect(changes).toBe(0); // no new version, nothing downloaded
    s.publish('dirk', 'ev', buildDescriptorSet([protoDir('v2', V2)]));
    for (let i = 0; i < 50 && changes === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(changes).toBe(1);
    expect(reg.lookupType('dirk.reg.Ev').fields['extra']).toBeDefined();
    // same decoder: the new enum value has a name now; the new field is ignored (row arity pinned)
    expect(dec.decode(encodeEv(reg, 2, 7, 'x'))).toEqual(['B', { seconds: 7, nanos: 0 }, 7000]);
  });

  it('LONG_POLLING: re-fetches; a registry that goes down later keeps the cached types', async () => {
    const s = await serve();
    s.publish('dirk', 'ev', buildDescriptorSet([protoDir('lp1', V1)]));
    const logger = captureLogger();
    let changes = 0;
    const reg = (await open(source([s.schemaUrl('dirk', 'ev')], { autoRefresh: true, ttlMs: 60_000 }), {
      logger,
      onChange: () => changes++,
    })) as StencilRegistry;
    expect(await reg.refresh()).toBe(false); // same bytes
    s.publish('dirk', 'ev', buildDescriptorSet([protoDir('lp2', V2)]));
    expect(await reg.refresh()).toBe(true);
    expect(changes).toBe(1);
    await s.close();
    servers.splice(servers.indexOf(s), 1);
    expect(await reg.refresh()).toBe(false);
    expect(reg.lookupType('dirk.reg.Ev').fields['extra']).toBeDefined();
    expect(logger.lines.some((l) => l.startsWith('warn schema registry refresh failed; keeping the cached descriptors'))).toBe(true);
  });
});
