import { closest, ConfigError, userError } from '../../core/errors.js';
import { ObjectReader, arrayAt } from './config-reader.js';
import { parseTemplate, type Template } from './external/template.js';

/**
 * PROCESSOR_POSTPROCESSOR_CONFIG, read in Dagger's JSON shape:
 *   {"external_source": {"http": [...], "es": [...], "pg": [...], "grpc": [...]},
 *    "internal_source": [...], "transformers": [...]}
 * Every field is validated here, with Dagger's defaults, so `dirk validate` reports mistakes by their path
 * before a record is read. Dirk's own additions (cache, circuit breaker, retries) are extra keys of an
 * external entry, all off or conservative by default (docs/post-processors.md).
 */

export const ROOT = 'PROCESSOR_POSTPROCESSOR_CONFIG';

export type ExternalKind = 'http' | 'es' | 'pg' | 'grpc';

/** Dagger's type names, used in metric ids (`HTTP.0`) as `source_metricId` does. */
export const METRIC_TYPE: Record<ExternalKind, string> = { http: 'HTTP', es: 'ES', pg: 'PG', grpc: 'GRPC' };

export interface OutputMapping {
  /** The output column (a key of `output_mapping`; may be dotted for a nested proto field). */
  readonly column: string;
  /** JSONPath into the response (http, es, grpc) or the result column name (pg). */
  readonly path: string;
}

export interface CacheConfig {
  readonly ttlMs: number;
  readonly maxEntries: number;
}

export interface BreakerConfig {
  /** Consecutive failed calls that open the breaker. */
  readonly failures: number;
  /** How long it stays open before one probe call is let through. */
  readonly resetMs: number;
}

interface ExternalCommon {
  readonly index: number;
  /** `PROCESSOR_POSTPROCESSOR_CONFIG.external_source.http[0]`. */
  readonly path: string;
  /** `HTTP.0` or `HTTP.<metric_id>`. */
  readonly metricId: string;
  readonly capacity: number;
  readonly streamTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly failOnErrors: boolean;
  /** Proto the response is cast to (default: SINK_KAFKA_PROTO_MESSAGE). */
  readonly type: string | undefined;
  readonly retainResponseType: boolean;
  readonly outputMapping: readonly OutputMapping[];
  /** Retries of a call that failed to connect (refused, reset, connect timeout), within stream_timeout. */
  readonly retries: number;
  readonly retryBackoffMs: number;
  readonly cache: CacheConfig | undefined;
  readonly breaker: BreakerConfig | undefined;
}

/** A named pool of API keys shared through Redis (`api_key_pools` at the root of the config). */
export interface ApiKeyPoolConfig {
  readonly name: string;
  readonly keys: readonly string[];
  readonly ratePerSecond: number;
  readonly redisUrl: string | undefined;
  readonly maxWaitMs: number;
}

/** Where an http entry puts the key it draws from its pool for each call (`api_key`). */
export interface ApiKeyUse {
  readonly pool: ApiKeyPoolConfig;
  /** Header name, or undefined when the key goes in the query string. */
  readonly header: string | undefined;
  readonly queryParam: string | undefined;
  /** The value written: `%s` is the key (default `%s`; `Bearer %s` for an Authorization header). */
  readonly format: string;
}

export interface HttpConfig extends ExternalCommon {
  readonly kind: 'http';
  readonly apiKey: ApiKeyUse | undefined;
  readonly endpoint: Template;
  readonly endpointVariables: readonly string[];
  readonly verb: 'GET' | 'POST' | 'PUT';
  readonly requestPattern: Template;
  readonly requestVariables: readonly string[];
  readonly headerPattern: Template | undefined;
  readonly headerVariables: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  /** Status codes that never fail the job even with fail_on_errors. */
  readonly excludeFailOnErrorsCodes: ReadonlySet<number>;
}

export interface EsConfig extends ExternalCommon {
  readonly kind: 'es';
  readonly hosts: readonly string[];
  readonly port: number;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly endpointPattern: Template;
  readonly endpointVariables: readonly string[];
  readonly retryTimeoutMs: number;
  readonly socketTimeoutMs: number;
}

export interface PgConfig extends ExternalCommon {
  readonly kind: 'pg';
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  readonly queryPattern: Template;
  readonly queryVariables: readonly string[];
  readonly idleTimeoutMs: number;
}

export interface GrpcConfig extends ExternalCommon {
  readonly kind: 'grpc';
  readonly host: string;
  readonly port: number;
  readonly stencilUrls: readonly string[];
  readonly requestProto: string;
  readonly responseProto: string;
  /** `package.Service/Method`. */
  readonly methodUrl: string;
  readonly requestPattern: Template;
  readonly requestVariables: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  readonly keepaliveTimeMs: number | undefined;
  readonly keepaliveTimeoutMs: number | undefined;
}

export type ExternalConfig = HttpConfig | EsConfig | PgConfig | GrpcConfig;

export type InternalConfig =
  | { readonly kind: 'sql'; readonly index: number; readonly path: string; readonly outputField: string; readonly value: string }
  | { readonly kind: 'constant'; readonly index: number; readonly path: string; readonly outputField: string; readonly value: string }
  | {
      readonly kind: 'function';
      readonly index: number;
      readonly path: string;
      readonly outputField: string;
      readonly fn: 'CURRENT_TIMESTAMP' | 'JSON_PAYLOAD';
      readonly schemaProtoClass: string | undefined;
    };

export interface PostProcessorConfig {
  /** In Dagger's order: every http entry, then es, pg, grpc. */
  readonly external: readonly ExternalConfig[];
  readonly internal: readonly InternalConfig[];
  /** Transformer entries as written; the transformer layer validates them. */
  readonly transformers: readonly unknown[];
  /** Keys Dirk does not know (with a near match when there is one): warnings, as Gson would ignore them. */
  readonly unknownKeys: readonly string[];
}

/** Parses the config (an object, or a string holding JSON as in properties files). */
export function parsePostProcessorConfig(value: unknown): PostProcessorConfig {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch (e) {
      throw new ConfigError(ROOT, 'JSON (an object with external_source, internal_source, transformers)', value, (e as Error).message);
    }
  }
  const root = ObjectReader.of(ROOT, v);
  const unknown: string[] = [];
  const external: ExternalConfig[] = [];
  const pools = readApiKeyPools(root, unknown);
  const extRaw = root.raw('external_source');
  if (extRaw !== undefined) {
    const ext = ObjectReader.of(root.at('external_source'), extRaw);
    for (const kind of ['http', 'es', 'pg', 'grpc'] as const) {
      arrayAt(ext, kind).forEach((entry, index) => {
        const r = ObjectReader.of(`${ext.at(kind)}[${index}]`, entry);
        external.push(readExternal(kind, r, index, pools));
        unknown.push(...r.unknownKeys());
      });
    }
    unknown.push(...ext.unknownKeys());
  }
  const internal = arrayAt(root, 'internal_source').map((entry, index) => {
    const r = ObjectReader.of(`${root.at('internal_source')}[${index}]`, entry);
    const c = readInternal(r, index);
    unknown.push(...r.unknownKeys());
    return c;
  });
  const transformers = arrayAt(root, 'transformers');
  unknown.push(...root.unknownKeys());
  checkOutputColumns(external, internal);
  return { external, internal, transformers, unknownKeys: unknown };
}

function readExternal(kind: ExternalKind, r: ObjectReader, index: number, pools: ReadonlyMap<string, ApiKeyPoolConfig>): ExternalConfig {
  switch (kind) {
    case 'http':
      return readHttp(r, index, pools);
    case 'es':
      return readEs(r, index);
    case 'pg':
      return readPg(r, index);
    case 'grpc':
      return readGrpc(r, index);
  }
}

function readCommon(kind: ExternalKind, r: ObjectReader, index: number, mapping: 'jsonpath' | 'column'): ExternalCommon {
  const metricId = r.string('metric_id', { aliases: ['metricId', 'MetricId', 'METRICID'] }) ?? String(index);
  const cacheTtl = r.int('cache_ttl_ms', { default: 0, min: 0 });
  const breakerFailures = r.int('circuit_breaker_failures', { default: 0, min: 0 });
  return {
    index,
    path: r.path,
    metricId: `${METRIC_TYPE[kind]}.${metricId}`,
    capacity: r.int('capacity', { required: true, min: 1 }),
    streamTimeoutMs: r.int('stream_timeout', { required: true, min: 1 }),
    connectTimeoutMs: r.int('connect_timeout', { required: true, min: 1 }),
    failOnErrors: r.bool('fail_on_errors', false),
    type: r.string('type', { aliases: ['Type', 'TYPE'] }),
    retainResponseType: r.bool('retain_response_type', false),
    outputMapping: readOutputMapping(r, mapping),
    retries: r.int('retries', { default: 2, min: 0 }),
    retryBackoffMs: r.int('retry_backoff_ms', { default: 100, min: 0 }),
    cache: cacheTtl > 0 ? { ttlMs: cacheTtl, maxEntries: r.int('cache_max_entries', { default: 10_000, min: 1 }) } : (r.raw('cache_max_entries'), undefined),
    breaker:
      breakerFailures > 0
        ? { failures: breakerFailures, resetMs: r.int('circuit_breaker_reset_ms', { default: 30_000, min: 1 }) }
        : (r.raw('circuit_breaker_reset_ms'), undefined),
  };
}

function readOutputMapping(r: ObjectReader, mapping: 'jsonpath' | 'column'): OutputMapping[] {
  const key = 'output_mapping';
  const v = r.raw(key);
  if (v === undefined || typeof v !== 'object' || Array.isArray(v) || Object.keys(v as object).length === 0) {
    throw new ConfigError(
      r.at(key),
      mapping === 'jsonpath' ? 'a non-empty object {"<output column>": {"path": "$.<json path>"}} (required)' : 'a non-empty object {"<output column>": "<result column>"} (required)',
      v,
    );
  }
  return Object.entries(v as Record<string, unknown>).map(([column, m]) => {
    const at = `${r.at(key)}.${column}`;
    if (mapping === 'column') {
      if (typeof m !== 'string' || m === '') throw new ConfigError(at, 'the name of a column of the query result (a string)', m);
      return { column, path: m };
    }
    if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new ConfigError(at, 'an object {"path": "$.<json path>"}', m);
    const p = (m as Record<string, unknown>)['path'];
    if (typeof p !== 'string' || p.trim() === '') throw new ConfigError(`${at}.path`, 'a JSONPath such as "$.data.name" (required)', p);
    if (!p.trim().startsWith('$')) throw new ConfigError(`${at}.path`, 'a JSONPath starting with $', p);
    return { column, path: p.trim() };
  });
}

function template(r: ObjectReader, key: string, variables: readonly string[], required: boolean): Template | undefined {
  const s = r.string(key, { required });
  if (s === undefined) return undefined;
  return parseTemplate(s, variables, r.at(key));
}

/**
 * `api_key_pools: {"<name>": {"api_keys": [...], "rate_per_second": n, "redis_url"?, "max_wait_ms"?}}`. The
 * keys are secrets: errors about them describe their shape only (the path names an API key).
 */
function readApiKeyPools(root: ObjectReader, unknown: string[]): Map<string, ApiKeyPoolConfig> {
  const pools = new Map<string, ApiKeyPoolConfig>();
  const raw = root.raw('api_key_pools');
  if (raw === undefined) return pools;
  const all = ObjectReader.of(root.at('api_key_pools'), raw);
  for (const name of Object.keys(raw as Record<string, unknown>)) {
    const r = ObjectReader.of(all.at(name), all.raw(name));
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) throw new ConfigError(r.path, 'a pool name of letters, digits, ".", "_" or "-"', name);
    const keys = r.raw('api_keys');
    if (!Array.isArray(keys) || keys.length === 0 || keys.some((k) => typeof k !== 'string' || k === '')) {
      throw new ConfigError(r.at('api_keys'), 'a non-empty array of non-empty strings (the keys; use ${ENV_VAR} to keep them out of the file)', keys);
    }
    const redisUrl = r.string('redis_url');
    if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) throw new ConfigError(r.at('redis_url'), 'a redis:// or rediss:// URL', redisUrl);
    pools.set(name, {
      name,
      keys: keys as string[],
      ratePerSecond: r.int('rate_per_second', { required: true, min: 1 }),
      redisUrl,
      maxWaitMs: r.int('max_wait_ms', { default: 30_000, min: 1 }),
    });
    unknown.push(...r.unknownKeys());
  }
  return pools;
}

/** `api_key: {"pool": "<name>", "header": "X-Api-Key" | "query_param": "key", "format"?: "Bearer %s"}`. */
function readApiKeyUse(r: ObjectReader, pools: ReadonlyMap<string, ApiKeyPoolConfig>): ApiKeyUse | undefined {
  const raw = r.raw('api_key');
  if (raw === undefined) return undefined;
  const u = ObjectReader.of(r.at('api_key'), raw);
  const name = u.requiredString('pool');
  const pool = pools.get(name);
  if (!pool) {
    const near = closest(name, pools.keys());
    throw new ConfigError(u.at('pool'), pools.size ? `the name of a pool in api_key_pools (${[...pools.keys()].join(', ')})` : 'the name of a pool defined in api_key_pools at the root of the config (there is none)', name, near ? `did you mean ${near}?` : undefined);
  }
  const header = u.string('header');
  const queryParam = u.string('query_param');
  if ((header === undefined) === (queryParam === undefined)) throw new ConfigError(u.path, 'exactly one of header or query_param (where the key goes)', raw);
  const format = u.string('format') ?? '%s';
  if (format.split('%s').length !== 2) throw new ConfigError(u.at('format'), 'a text with one %s where the key goes, such as "Bearer %s"', format);
  const rest = u.unknownKeys();
  if (rest.length) throw userError(`config ${rest[0]}: not a key of api_key (pool, header, query_param, format)`, { key: u.path });
  return { pool, header, queryParam, format };
}

function readHttp(r: ObjectReader, index: number, pools: ReadonlyMap<string, ApiKeyPoolConfig>): HttpConfig {
  const verb = r.requiredString('verb').toUpperCase();
  if (verb !== 'GET' && verb !== 'POST' && verb !== 'PUT') throw new ConfigError(r.at('verb'), 'GET, POST or PUT', r.raw('verb'));
  const endpointVariables = r.list('endpoint_variables');
  const requestVariables = r.list('request_variables');
  const headerVariables = r.list('header_variables');
  const endpoint = template(r, 'endpoint', endpointVariables, true)!;
  if (!/^https?:\/\//i.test(endpoint.text)) throw new ConfigError(r.at('endpoint'), 'an http:// or https:// URL', endpoint.text);
  // Dagger lists request_pattern and request_variables as mandatory fields of an http entry.
  if (requestVariables.length === 0) throw new ConfigError(r.at('request_variables'), 'a comma-separated list of query columns (required, as in Dagger)', r.raw('request_variables'));
  return {
    kind: 'http',
    ...readCommon('http', r, index, 'jsonpath'),
    apiKey: readApiKeyUse(r, pools),
    endpoint,
    endpointVariables,
    verb,
    requestPattern: template(r, 'request_pattern', requestVariables, true)!,
    requestVariables,
    headerPattern: template(r, 'header_pattern', headerVariables, false),
    headerVariables,
    headers: r.stringMap('headers'),
    excludeFailOnErrorsCodes: codeRange(r, 'exclude_fail_on_errors_code_range'),
  };
}

/** `400,404-499` -> the set of codes. */
function codeRange(r: ObjectReader, key: string): Set<number> {
  const s = r.string(key);
  const out = new Set<number>();
  if (s === undefined) return out;
  for (const part of s.split(',')) {
    const m = /^\s*(\d{3})\s*(?:-\s*(\d{3})\s*)?$/.exec(part);
    if (!m) throw new ConfigError(r.at(key), 'comma-separated status codes or ranges such as "400,404-499"', s);
    const from = Number(m[1]);
    const to = m[2] ? Number(m[2]) : from;
    if (to < from) throw new ConfigError(r.at(key), `a range low-high with low <= high (in "${part.trim()}")`, s);
    for (let c = from; c <= to; c++) out.add(c);
  }
  return out;
}

function port(r: ObjectReader, key: string): number {
  const p = r.int(key, { required: true, min: 1 });
  if (p > 65535) throw new ConfigError(r.at(key), 'a port number 1-65535', r.raw(key));
  return p;
}

function readEs(r: ObjectReader, index: number): EsConfig {
  const endpointVariables = r.list('endpoint_variables');
  return {
    kind: 'es',
    ...readCommon('es', r, index, 'jsonpath'),
    hosts: r
      .requiredString('host')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean),
    port: port(r, 'port'),
    user: r.string('user'),
    password: r.string('password'),
    endpointPattern: template(r, 'endpoint_pattern', endpointVariables, true)!,
    endpointVariables,
    retryTimeoutMs: r.int('retry_timeout', { required: true, min: 0 }),
    socketTimeoutMs: r.int('socket_timeout', { required: true, min: 1 }),
  };
}

function readPg(r: ObjectReader, index: number): PgConfig {
  const queryVariables = r.list('query_variables');
  return {
    kind: 'pg',
    ...readCommon('pg', r, index, 'column'),
    // Dagger's examples write the host as a URL ("http://127.0.0.1"); the scheme is not part of a PG host.
    host: r.requiredString('host').replace(/^[a-z]+:\/\//i, ''),
    port: port(r, 'port'),
    user: r.requiredString('user'),
    password: r.requiredString('password'),
    database: r.requiredString('database'),
    queryPattern: template(r, 'query_pattern', queryVariables, true)!,
    queryVariables,
    idleTimeoutMs: r.int('idle_timeout', { required: true, min: 1 }),
  };
}

function readGrpc(r: ObjectReader, index: number): GrpcConfig {
  const requestVariables = r.list('request_variables');
  const methodUrl = r.requiredString('grpc_method_url');
  if (!/^[A-Za-z_][\w.]*\/\w+$/.test(methodUrl)) throw new ConfigError(r.at('grpc_method_url'), 'package.Service/Method', methodUrl);
  const keepalive = (key: string): number | undefined => (r.has(key) ? r.int(key, { min: 1 }) : undefined);
  return {
    kind: 'grpc',
    ...readCommon('grpc', r, index, 'jsonpath'),
    host: r.requiredString('endpoint'),
    port: port(r, 'service_port'),
    stencilUrls: (r.string('grpc_stencil_url') ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean),
    requestProto: r.requiredString('grpc_request_proto_schema'),
    responseProto: r.requiredString('grpc_response_proto_schema'),
    methodUrl,
    requestPattern: template(r, 'request_pattern', requestVariables, true)!,
    requestVariables,
    headers: r.stringMap('headers'),
    keepaliveTimeMs: keepalive('grpc_arg_keepalive_time_ms'),
    keepaliveTimeoutMs: keepalive('grpc_arg_keepalive_timeout_ms'),
  };
}

function readInternal(r: ObjectReader, index: number): InternalConfig {
  const outputField = r.requiredString('output_field');
  const type = r.requiredString('type').toLowerCase();
  const value = r.requiredString('value');
  const base = { index, path: r.path, outputField };
  const cfgRaw = r.raw('internal_processor_config');
  switch (type) {
    case 'sql':
      if (outputField === '*' && value !== '*') throw new ConfigError(r.at('value'), '"*" when output_field is "*" (every column copied under its own name)', value);
      return { kind: 'sql', ...base, value };
    case 'constant':
      return { kind: 'constant', ...base, value };
    case 'function': {
      const fn = value.toUpperCase();
      if (fn !== 'CURRENT_TIMESTAMP' && fn !== 'JSON_PAYLOAD') throw new ConfigError(r.at('value'), 'CURRENT_TIMESTAMP or JSON_PAYLOAD', value);
      let schemaProtoClass: string | undefined;
      if (cfgRaw !== undefined) schemaProtoClass = ObjectReader.of(r.at('internal_processor_config'), cfgRaw).string('schema_proto_class');
      if (fn === 'JSON_PAYLOAD' && !schemaProtoClass) {
        throw new ConfigError(`${r.at('internal_processor_config')}.schema_proto_class`, 'the proto class of the rows (required by JSON_PAYLOAD)', schemaProtoClass);
      }
      return { kind: 'function', ...base, fn, schemaProtoClass };
    }
    default:
      throw new ConfigError(r.at('type'), 'sql, constant or function', r.raw('type'));
  }
}

/** An output column filled twice would silently lose one of the values: refuse it. */
function checkOutputColumns(external: readonly ExternalConfig[], internal: readonly InternalConfig[]): void {
  const owner = new Map<string, string>();
  const claim = (column: string, path: string): void => {
    const prev = owner.get(column);
    if (prev !== undefined) throw new ConfigError(path, `an output column no other post-processor fills ("${column}" is already filled by ${prev})`, column);
    owner.set(column, path);
  };
  for (const e of external) for (const m of e.outputMapping) claim(m.column, `${e.path}.output_mapping.${m.column}`);
  for (const i of internal) if (i.outputField !== '*') claim(i.outputField, `${i.path}.output_field`);
}
