import type * as Grpc from '@grpc/grpc-js';
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import { userError } from '../../../core/errors.js';
import type { Row } from '../../../core/types.js';
import { openDescriptorRegistry, type DescriptorRegistry } from '../../../schema/index.js';
import type { StageContext } from '../../types.js';
import type { Layout } from '../columns.js';
import type { GrpcConfig, OutputMapping } from '../config.js';
import { readJsonPath, type CallOutcome, type ExternalClient, type PreparedCall } from './async-stage.js';
import { fill } from './template.js';
import { allEmpty, variableReader } from './variables.js';

// @grpc/grpc-js is required when a grpc entry is planned, not with this module: every job's planner imports
// it. Synchronously, so a bad header still fails the plan (`dirk validate`) with the library's own message.
const require = createRequire(import.meta.url);

/**
 * The grpc post-processor over @grpc/grpc-js: unary calls of `grpc_method_url` on `endpoint:service_port`
 * (plaintext, as Dagger's channel), the request built from the filled JSON `request_pattern` (single quotes
 * read as double quotes, as Dagger does) into `grpc_request_proto_schema`, the answer decoded with
 * `grpc_response_proto_schema` and turned into JSON with proto field names and default values (Dagger's
 * JsonFormat printer settings), then read with JSONPath. Descriptors come from `grpc_stencil_url` when set,
 * else from the job's own. `headers` travel as metadata.
 */
export function createGrpcClient(c: GrpcConfig, layout: Layout, jobRegistry: DescriptorRegistry | undefined): ExternalClient {
  const grpc = require('@grpc/grpc-js') as typeof Grpc;
  const vars = variableReader(c.requestVariables, layout, `${c.path}.request_variables`);
  if (c.stencilUrls.length === 0) {
    if (!jobRegistry) throw userError(`${c.path}: the job has no proto descriptors to find ${c.requestProto} in; set grpc_stencil_url or the job's schema registry`);
    lookup(jobRegistry, c.requestProto, `${c.path}.grpc_request_proto_schema`);
    lookup(jobRegistry, c.responseProto, `${c.path}.grpc_response_proto_schema`);
  }
  let own: DescriptorRegistry | undefined;
  let requestType: protobuf.Type | undefined;
  let responseType: protobuf.Type | undefined;
  let client: Grpc.Client | undefined;
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(c.headers)) metadata.set(k.toLowerCase(), v);
  const method = `/${c.methodUrl}`;

  const ready = (deadline: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const ch = client!.getChannel();
      if (ch.getConnectivityState(true) === grpc.connectivityState.READY) return resolve();
      client!.waitForReady(deadline, (e) => (e ? reject(e) : resolve()));
    });

  const call = async (request: Uint8Array, signal: AbortSignal): Promise<CallOutcome> => {
    try {
      await ready(Date.now() + c.connectTimeoutMs);
    } catch (e) {
      return { ok: false, reason: 'channel_unavailable', message: `${c.host}:${c.port} not reachable within connect_timeout ${c.connectTimeoutMs} ms (${(e as Error).message})`, retriable: true };
    }
    return new Promise<CallOutcome>((resolve) => {
      const pending = client!.makeUnaryRequest(
        method,
        (m: Uint8Array) => Buffer.from(m),
        (b: Buffer) => b,
        request,
        metadata,
        { deadline: Date.now() + c.streamTimeoutMs },
        (err, bytes) => {
          signal.removeEventListener('abort', cancel);
          if (err) {
            const reason = err.code === grpc.status.DEADLINE_EXCEEDED ? 'timeout' : err.code === grpc.status.UNAVAILABLE ? 'channel_unavailable' : 'other';
            resolve({ ok: false, reason, message: `${c.methodUrl}: ${err.message}`, retriable: err.code === grpc.status.UNAVAILABLE });
            return;
          }
          try {
            const msg = responseType!.decode(bytes!);
            resolve({ ok: true, doc: responseType!.toObject(msg, { longs: String, enums: String, bytes: String, defaults: true, arrays: true, objects: true }) });
          } catch (e) {
            resolve({ ok: false, reason: 'parse', message: `${c.methodUrl}: the answer is not a ${c.responseProto} (${(e as Error).message})` });
          }
        },
      );
      const cancel = (): void => pending.cancel();
      signal.addEventListener('abort', cancel, { once: true });
    });
  };

  return {
    async open(ctx: StageContext) {
      let reg = jobRegistry;
      if (c.stencilUrls.length) {
        own = await openDescriptorRegistry({ kind: 'stencil', urls: [...c.stencilUrls], timeoutMs: c.connectTimeoutMs, headers: {}, retries: 2, backoffMinMs: 200, autoRefresh: false, ttlMs: 0, refreshStrategy: 'LONG_POLLING' }, { logger: ctx.logger });
        reg = own;
      }
      requestType = lookup(reg!, c.requestProto, `${c.path}.grpc_request_proto_schema`);
      responseType = lookup(reg!, c.responseProto, `${c.path}.grpc_response_proto_schema`);
      client = new grpc.Client(`${c.host}:${c.port}`, grpc.credentials.createInsecure(), {
        ...(c.keepaliveTimeMs !== undefined ? { 'grpc.keepalive_time_ms': Math.max(10_000, c.keepaliveTimeMs) } : {}),
        ...(c.keepaliveTimeoutMs !== undefined ? { 'grpc.keepalive_timeout_ms': c.keepaliveTimeoutMs } : {}),
      });
    },
    async close() {
      client?.close();
      own?.close();
    },
    prepare(row: Row): PreparedCall | undefined {
      const values = vars(row);
      if (allEmpty(values)) return undefined;
      const text = fill(c.requestPattern, values, `${c.path}.request_pattern`).replace(/'/g, '"');
      let obj: unknown;
      try {
        obj = JSON.parse(text);
      } catch (e) {
        throw userError(`${c.path}.request_pattern: the filled request ${text} is not JSON (${(e as Error).message})`);
      }
      const type = requestType!;
      let message: protobuf.Message;
      try {
        message = type.fromObject(protoNames(type, obj) as Record<string, unknown>);
      } catch (e) {
        throw userError(`${c.path}.request_pattern: the filled request ${text} does not fit ${c.requestProto} (${(e as Error).message})`);
      }
      const bytes = type.encode(message).finish();
      return { key: `${c.methodUrl} ${text}`, run: (signal) => call(bytes, signal) };
    },
    read: (doc: unknown, m: OutputMapping) => readJsonPath(doc, m.path),
    describe: () => [
      `unary ${c.methodUrl} on ${c.host}:${c.port}, request ${c.requestProto} from ${c.requestPattern.text} (variables: ${c.requestVariables.join(', ') || 'none'}), response ${c.responseProto}`,
      ...(c.stencilUrls.length ? [`descriptors from ${c.stencilUrls.join(', ')}`] : []),
    ],
  };
}

function lookup(reg: DescriptorRegistry, name: string, path: string): protobuf.Type {
  try {
    return reg.lookupType(name);
  } catch (e) {
    throw userError(`${path}: ${(e as Error).message}`);
  }
}

/** Proto3 JSON may name fields in lowerCamelCase; protobufjs' fromObject wants the declared names. */
function protoNames(type: protobuf.Type, v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const field = type.fields[k] ?? type.fieldsArray.find((f) => camel(f.name) === k);
    if (!field) continue;
    field.resolve();
    const sub = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    out[field.name] = sub ? (Array.isArray(x) ? x.map((e) => protoNames(sub, e)) : protoNames(sub, x)) : x;
  }
  return out;
}

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, ch: string) => ch.toUpperCase());
}
