// Schema management through `dirk serve`'s API: descriptor sets published into the service's own
// Stencil-compatible registry (versioned, kept across a service restart), read by jobs through the Stencil
// URL, and a new version checked against what those jobs' queries read: a removed or retyped field a job
// reads is refused with 409 naming job, message and field; a backward-compatible change is accepted.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { rootFromDescriptorSet } from '../../src/schema/index.js';
import { startServe, type RunningService } from '../../src/server/serve.js';
import { kafkaStream } from '../helpers/jobs.js';
import { REPO_ROOT } from '../helpers/process.js';

const quiet = createLogger({ level: 'error' });
const dirs: string[] = [];
const services: RunningService[] = [];

afterAll(async () => {
  for (const s of services) await s.close().catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function serve(dataDir: string): Promise<RunningService> {
  const s = await startServe({ port: 0, dataDir, token: 'schema-token', syncIntervalMs: 60_000, cwd: REPO_ROOT, logger: quiet });
  services.push(s);
  return s;
}

async function call(s: RunningService, method: string, path: string, body?: unknown, token: string | null = 'schema-token'): Promise<{ status: number; data: any }> {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, data: text ? JSON.parse(text) : undefined };
}

const V1 = `syntax = "proto3";
package dirk.it;
import "google/protobuf/timestamp.proto";
message Order {
  string order_number = 1;
  string status = 2;
  int64 amount = 3;
  google.protobuf.Timestamp event_timestamp = 4;
}
`;
const ADDED = V1.replace('event_timestamp = 4;', 'event_timestamp = 4;\n  string channel = 5;');
const RETYPED = ADDED.replace('int64 amount = 3;', 'string amount = 3;');
const REMOVED = ADDED.replace('  int64 amount = 3;\n', '');
const UNREAD_REMOVED = ADDED.replace('  string status = 2;\n', '');

function protoJob(id: string, url: string): Record<string, unknown> {
  return {
    FLINK_JOB_ID: id,
    STREAMS: [kafkaStream({ table: 'orders', protoClass: 'dirk.it.Order', timestampIndex: '4', topic: `it-schemas-${id}`, groupId: `it-schemas-${id}` })],
    FLINK_SQL_QUERY: 'SELECT order_number, amount FROM orders',
    SCHEMA_REGISTRY_STENCIL_ENABLE: 'true',
    SCHEMA_REGISTRY_STENCIL_URLS: url,
    SINK_TYPE: 'log',
  };
}

describe('schemas through dirk serve', () => {
  it('adds, lists and versions descriptor sets; refuses a version that breaks a job; keeps them across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dirk-serve-schemas-'));
    dirs.push(dataDir);
    let s = await serve(dataDir);

    // token and body checks
    expect((await call(s, 'POST', '/api/schemas', { namespace: 'dirk', name: 'orders', protos: { 'order.proto': V1 } }, null)).status).toBe(401);
    const badType = await call(s, 'POST', '/api/schemas', { namespace: 'dirk', name: 5, protos: { 'order.proto': V1 } });
    expect(badType.status).toBe(400);
    expect(badType.data.error).toBe('body.name: expected a string, found a number');
    const neither = await call(s, 'POST', '/api/schemas', { namespace: 'dirk', name: 'orders' });
    expect(neither.status).toBe(400);
    expect(neither.data.error).toMatch(/^body: expected exactly one of descriptorSet .* or protos/);
    const notProto = await call(s, 'POST', '/api/schemas', { namespace: 'dirk', name: 'orders', protos: { 'order.proto': 'message {' } });
    expect(notProto.status).toBe(400);
    expect(notProto.data.error).toMatch(/^body\.protos: /);
    const notDesc = await call(s, 'POST', '/api/schemas', { namespace: 'dirk', name: 'orders', descriptorSet: 'bm90IGEgZGVzY3JpcHRvcg==' });
    expect(notDesc.status).toBe(400);
    expect(notDesc.data.error).toMatch(/^body\.descriptorSet: cannot parse/);
    expect((await call(s, 'POST', '/api/schemas', { namespace: 'dirk', name: 'orders', protos: { '../x.proto': V1 } })).data.error).toBe('body.protos: "../x.proto" is not a relative .proto file name');

    // add version 1
    const added = await call(s, 'POST', '/api/schemas', { namespace: 'dirk', name: 'orders', protos: { 'order.proto': V1 } });
    expect(added.status).toBe(201);
    expect(added.data.version).toMatchObject({ version: 1, messages: expect.arrayContaining(['dirk.it.Order']) });
    const url = added.data.schema.url as string;
    expect(url).toBe(`${s.url}/v1beta1/namespaces/dirk/schemas/orders`);
    expect((await call(s, 'POST', '/api/schemas', { namespace: 'dirk', name: 'orders', protos: { 'order.proto': V1 } })).status).toBe(409);

    // the Stencil routes serve it
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    expect(rootFromDescriptorSet(bytes).lookupType('dirk.it.Order').fieldsArray.map((f) => f.name)).toEqual(['order_number', 'status', 'amount', 'event_timestamp']);
    expect(await (await fetch(`${url}/versions`)).json()).toEqual({ versions: [1] });

    // jobs reading it: one through the latest URL, one pinned to version 1
    expect((await call(s, 'POST', '/api/jobs', { id: 'reads-amount', config: protoJob('reads-amount', url), start: false })).status).toBe(201);
    expect((await call(s, 'POST', '/api/jobs', { id: 'pinned', config: protoJob('pinned', `${url}/versions/1`), start: false })).status).toBe(201);

    // a new field: accepted, and the job was checked
    const v2 = await call(s, 'PUT', '/api/schemas/dirk/orders', { protos: { 'order.proto': ADDED } });
    expect(v2.status).toBe(200);
    expect(v2.data.version.version).toBe(2);
    expect(v2.data.checked).toEqual(['reads-amount']);

    // a field the job reads changes type, or disappears: refused, naming job, message and field
    const retyped = await call(s, 'PUT', '/api/schemas/dirk/orders', { protos: { 'order.proto': RETYPED } });
    expect(retyped.status).toBe(409);
    expect(retyped.data.details).toEqual(['job "reads-amount" reads field amount of message dirk.it.Order (table orders): field amount changed type from BIGINT to STRING']);
    expect(retyped.data.error).toContain('job "reads-amount" reads field amount');
    const removed = await call(s, 'PUT', '/api/schemas/dirk/orders', { protos: { 'order.proto': REMOVED } });
    expect(removed.status).toBe(409);
    expect(removed.data.details).toEqual(['job "reads-amount" reads field amount of message dirk.it.Order (table orders): field amount (number 3) was removed']);
    const gone = await call(s, 'PUT', '/api/schemas/dirk/orders', { protos: { 'order.proto': ADDED.replace('message Order', 'message Booking') } });
    expect(gone.status).toBe(409);
    expect(gone.data.details[0]).toBe('job "reads-amount" reads message dirk.it.Order (table orders), which the new version no longer defines');

    // removing a field no job reads is backward compatible for these jobs: accepted
    const unread = await call(s, 'PUT', '/api/schemas/dirk/orders', { protos: { 'order.proto': UNREAD_REMOVED } });
    expect(unread.status).toBe(200);
    expect(unread.data.version.version).toBe(3);

    const one = await call(s, 'GET', '/api/schemas/dirk/orders');
    expect(one.data.schema.versions.map((v: { version: number }) => v.version)).toEqual([1, 2, 3]);
    expect(one.data.schema.jobs).toEqual(['pinned', 'reads-amount']);
    expect((await call(s, 'GET', '/api/schemas/dirk/nope')).status).toBe(404);
    const openapi = (await (await fetch(`${s.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/schemas', '/api/schemas/{namespace}/{name}']));

    // the store survives a service restart
    await s.close();
    services.splice(services.indexOf(s), 1);
    s = await serve(dataDir);
    const list = await call(s, 'GET', '/api/schemas');
    expect(list.data.schemas).toHaveLength(1);
    expect(list.data.schemas[0].versions).toHaveLength(3);
    expect(await (await fetch(`${s.url}/v1beta1/namespaces/dirk/schemas/orders/versions`)).json()).toEqual({ versions: [1, 2, 3] });
  }, 120_000);
});
