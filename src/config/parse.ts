/** parseJobConfig: the Dagger-compatible top-level object → a validated, frozen JobConfig. */
import { MAX_CONFIG_DEPTH, tooDeepAt } from './depth.js';
import { closest } from '../core/errors.js';
import { ConfigErrors, Issues } from './config-errors.js';
import { JOB_KEYS as D, JOB_KEY_PREFIXES, LEGACY_JOB_KEYS } from './defaults.js';
import { Section, isPlainObject } from './reader.js';
import { jobKeyDefault, readJobKey } from './spec.js';
import { parseSinks } from './sinks.js';
import { parseStreams } from './streams.js';
import type {
  DartConfig,
  JobConfig,
  LongbowConfig,
  MetricsConfig,
  ParseOptions,
  ParsedJobConfig,
  ProcessorsConfig,
  PythonUdfConfig,
  SchemaRegistryConfig,
  UdfConfig,
} from './types.js';
import { deepFreeze, resolvePath, substituteEnv } from './util.js';

/**
 * Validate a job config and apply every default. Collects all problems and throws them together as one
 * ConfigErrors (a ConfigError) listing each on its own line; non-fatal findings come back as `warnings`.
 */
export function parseJobConfig(raw: unknown, opts: ParseOptions = {}): ParsedJobConfig {
  const issues = new Issues();
  if (!isPlainObject(raw)) {
    issues.error('(top level)', 'a JSON object of Dagger config keys', raw);
    throw new ConfigErrors(issues.errors);
  }
  const deep = tooDeepAt(raw);
  if (deep !== undefined) {
    issues.error(deep, `JSON nested at most ${MAX_CONFIG_DEPTH} levels deep`, 'a value nested deeper');
    throw new ConfigErrors(issues.errors);
  }
  const baseDir = opts.baseDir ?? process.cwd();
  const values = opts.env ? (substituteEnv(raw, opts.env, '', issues) as Record<string, unknown>) : raw;
  const s = new Section(values, '', issues);

  const sqlQuery = readQuery(s);
  const jobId = readJobKey(s, 'FLINK_JOB_ID');
  const rowtimeAttributeName = readJobKey(s, 'FLINK_ROWTIME_ATTRIBUTE_NAME');
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(rowtimeAttributeName)) {
    s.error('FLINK_ROWTIME_ATTRIBUTE_NAME', 'a column name of letters, digits and _', rowtimeAttributeName);
  }

  const largeMessage = readJobKey(s, 'SOURCE_KAFKA_CONSUME_LARGE_MESSAGE_ENABLE');
  const streams = s.has('STREAMS')
    ? parseStreams(s.get('STREAMS'), { issues, baseDir, largeMessage, sqlScript: opts.sqlScript === true })
    : (s.error('STREAMS', 'a non-empty JSON array of stream objects', undefined), []);

  const parallelism = readJobKey(s, 'FLINK_PARALLELISM');
  const parallelismMax = readJobKey(s, 'FLINK_PARALLELISM_MAX');
  if (parallelism > parallelismMax) {
    s.error('FLINK_PARALLELISM', `an integer <= FLINK_PARALLELISM_MAX (${parallelismMax})`, s.get('FLINK_PARALLELISM'));
  }

  const schemaRegistry = readSchemaRegistry(s, baseDir);
  // An Avro sink carries the job's Confluent registry in its slice (the connector sees only its slice).
  const sinks = parseSinks(s).map((k) =>
    k.type === 'kafka' && k.avro && schemaRegistry.confluent ? { ...k, avro: { ...k.avro, registry: schemaRegistry.confluent } } : k,
  );
  const config: JobConfig = {
    jobId,
    sqlQuery,
    rowtimeAttributeName,
    watermark: {
      delayMs: readJobKey(s, 'FLINK_WATERMARK_DELAY_MS'),
      intervalMs: readJobKey(s, 'FLINK_WATERMARK_INTERVAL_MS'),
      perPartition: readJobKey(s, 'FLINK_WATERMARK_PER_PARTITION_ENABLE'),
      idleTimeoutMs: readJobKey(s, 'FLINK_WATERMARK_IDLE_TIMEOUT_MS'),
    },
    parallelism,
    parallelismMax,
    tasks: readJobKey(s, 'DIRK_TASKS') || parallelism,
    exchange: readJobKey(s, 'DIRK_EXCHANGE_ENABLE') || (readJobKey(s, 'DIRK_TASKS') || parallelism) > 1,
    aggPhase: readJobKey(s, 'FLINK_TABLE_OPTIMIZER_AGG_PHASE_STRATEGY') as 'AUTO' | 'TWO_PHASE' | 'ONE_PHASE',
    reuseSubPlans: readJobKey(s, 'FLINK_TABLE_OPTIMIZER_REUSE_SUB_PLAN_ENABLED'),
    heapGrowingPercent: readJobKey(s, 'DIRK_HEAP_GROWING_PERCENT'),
    checkpoint: {
      intervalMs: readJobKey(s, 'FLINK_CHECKPOINT_INTERVAL_MS'),
      timeoutMs: readJobKey(s, 'FLINK_CHECKPOINT_TIMEOUT_MS'),
      minPauseMs: readJobKey(s, 'FLINK_CHECKPOINT_MIN_PAUSE_MS'),
      maxConcurrent: readJobKey(s, 'FLINK_CHECKPOINT_MAX_CONCURRENT'),
      tolerableFailures: readJobKey(s, 'FLINK_CHECKPOINT_TOLERABLE_FAILURES'),
    },
    restart: {
      attempts: readJobKey(s, 'FLINK_RESTART_ATTEMPTS'),
      backoffMs: readJobKey(s, 'FLINK_RESTART_BACKOFF_MS'),
      backoffMaxMs: readJobKey(s, 'FLINK_RESTART_BACKOFF_MAX_MS'),
    },
    retentionIdleStateMinutes: readJobKey(s, 'FLINK_RETENTION_IDLE_STATE_MINUTE'),
    stateBackend: {
      type: readJobKey(s, 'FLINK_STATE_BACKEND_TYPE') as 'hashmap' | 'rocksdb',
      cacheEntries: readJobKey(s, 'FLINK_STATE_BACKEND_CACHE_ENTRIES'),
      localDir: readJobKey(s, 'FLINK_STATE_BACKEND_LOCAL_DIR') ? resolvePath(baseDir, readJobKey(s, 'FLINK_STATE_BACKEND_LOCAL_DIR')) : undefined,
    },
    streams,
    sink: sinks[0]!,
    sinks,
    schemaRegistry,
    processors: readProcessors(s, jobId, baseDir),
    udf: readUdf(s, baseDir),
    metrics: readMetrics(s),
    raw,
  };

  compatibilityChecks(s);
  warnUnknownKeys(s);

  if (issues.errors.length > 0) throw new ConfigErrors(issues.errors, undefined, issues.warnings);
  return { config: deepFreeze(config), warnings: issues.warnings };
}

function readQuery(s: Section): string {
  const flink = s.str('FLINK_SQL_QUERY');
  const alias = s.str('SQL_QUERY');
  if (flink !== undefined && alias !== undefined && flink.trim() !== alias.trim()) {
    s.error('SQL_QUERY', 'the same query as FLINK_SQL_QUERY, or only one of the two keys', alias, 'SQL_QUERY is an alias of FLINK_SQL_QUERY');
  }
  const key = flink !== undefined ? 'FLINK_SQL_QUERY' : alias !== undefined ? 'SQL_QUERY' : 'FLINK_SQL_QUERY';
  const q = (flink ?? alias)?.trim();
  if (!q) {
    if (!s.issues.errors.some((e) => e.key === key)) s.error(key, 'a non-empty SQL query', flink ?? alias);
    return '';
  }
  return q;
}

function readSchemaRegistry(s: Section, baseDir: string): SchemaRegistryConfig {
  const enabled = readJobKey(s, 'SCHEMA_REGISTRY_STENCIL_ENABLE');
  const urls = s.list('SCHEMA_REGISTRY_STENCIL_URLS') ?? [];
  for (const u of urls) {
    if (!/^https?:\/\/\S+$/i.test(u)) s.error('SCHEMA_REGISTRY_STENCIL_URLS', 'comma-separated http(s) URLs', u);
  }
  if (enabled && urls.length === 0 && !s.issues.errors.some((e) => e.key === 'SCHEMA_REGISTRY_STENCIL_URLS')) {
    s.error('SCHEMA_REGISTRY_STENCIL_URLS', 'at least one URL (required when SCHEMA_REGISTRY_STENCIL_ENABLE=true)', s.get('SCHEMA_REGISTRY_STENCIL_URLS'));
  }
  const protoDirs = readJobKey(s, 'SCHEMA_PROTO_DIRS').map((p) => resolvePath(baseDir, p));
  const confluentUrl = s.optional('SCHEMA_REGISTRY_CONFLUENT_URL');
  if (confluentUrl !== undefined && !/^https?:\/\/\S+$/i.test(confluentUrl)) s.error('SCHEMA_REGISTRY_CONFLUENT_URL', 'an http(s) URL', confluentUrl);
  const confluentToken = s.has('SCHEMA_REGISTRY_CONFLUENT_BEARER_AUTH_TOKEN') ? readJobKey(s, 'SCHEMA_REGISTRY_CONFLUENT_BEARER_AUTH_TOKEN') : undefined;
  return {
    ...(confluentUrl !== undefined ? { confluent: { url: confluentUrl, ...(confluentToken ? { token: confluentToken } : {}) } } : {}),
    enabled,
    urls,
    fetchTimeoutMs: readJobKey(s, 'SCHEMA_REGISTRY_STENCIL_FETCH_TIMEOUT_MS'),
    fetchHeaders: readHeaders(s),
    cacheAutoRefresh: readJobKey(s, 'SCHEMA_REGISTRY_STENCIL_CACHE_AUTO_REFRESH'),
    cacheTtlMs: readJobKey(s, 'SCHEMA_REGISTRY_STENCIL_CACHE_TTL_MS'),
    refreshStrategy: readJobKey(s, 'SCHEMA_REGISTRY_STENCIL_REFRESH_STRATEGY'),
    fetchBackoffMinMs: readJobKey(s, 'SCHEMA_REGISTRY_STENCIL_FETCH_BACKOFF_MIN_MS'),
    fetchRetries: readJobKey(s, 'SCHEMA_REGISTRY_STENCIL_FETCH_RETRIES'),
    protoDirs,
  };
}

/** Stencil headers: `name:value,name2:value2` as Dagger writes them, or a JSON object. */
function readHeaders(s: Section): Record<string, string> {
  const key = 'SCHEMA_REGISTRY_STENCIL_FETCH_HEADERS';
  const v = s.get(key);
  if (v === undefined) return {};
  if (isPlainObject(v)) return s.stringMap(key) ?? {};
  if (typeof v !== 'string') {
    s.error(key, '"name:value,name2:value2" or a JSON object', v);
    return {};
  }
  const out: Record<string, string> = {};
  for (const part of v.split(',').map((x) => x.trim()).filter((x) => x)) {
    const colon = part.indexOf(':');
    if (colon <= 0) {
      s.error(key, '"name:value" pairs separated by commas', part);
      continue;
    }
    out[part.slice(0, colon).trim()] = part.slice(colon + 1).trim();
  }
  // Checked here so that fetch never sees (and never echoes in its own error) a malformed header value.
  for (const [name, value] of Object.entries(out)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) s.error(key, 'header names made of letters, digits and !#$%&\'*+.^_`|~-', name);
    if (/[\r\n\0]/.test(value)) s.error(key, `a value for header ${name.replace(/[^!-~]/g, '?')} without line breaks or NUL`, value);
  }
  return out;
}

function readProcessors(s: Section, jobId: string, baseDir: string): ProcessorsConfig {
  const side = (which: 'PRE' | 'POST'): { enabled: boolean; config: unknown } => {
    const enableKey = `PROCESSOR_${which}PROCESSOR_ENABLE` as const;
    const configKey = `PROCESSOR_${which}PROCESSOR_CONFIG`;
    const enabled = readJobKey(s, enableKey);
    const config = s.json(configKey, 'a JSON object');
    if (config !== undefined && !isPlainObject(config)) s.error(configKey, 'a JSON object', config);
    if (enabled && config === undefined && !s.issues.errors.some((e) => e.key === configKey)) {
      s.error(configKey, `a JSON object (required when ${enableKey}=true)`, undefined);
    }
    return { enabled, config: config ?? null };
  };
  const pre = side('PRE');
  const post = side('POST');
  return {
    preprocessorEnabled: pre.enabled,
    preprocessorConfig: pre.config,
    postprocessorEnabled: post.enabled,
    postprocessorConfig: post.config,
    transformerFolders: (s.list('TRANSFORMER_FOLDERS') ?? [...D.TRANSFORMER_FOLDERS.default]).map((p) => resolvePath(baseDir, p)),
    longbow: readLongbow(s, jobId),
  };
}

const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function readLongbow(s: Section, jobId: string): LongbowConfig {
  let documentDuration = readJobKey(s, 'PROCESSOR_LONGBOW_DOCUMENT_DURATION');
  let m = /^(\d+)([smhd])$/.exec(documentDuration);
  if (!m) {
    s.error('PROCESSOR_LONGBOW_DOCUMENT_DURATION', 'a number and a unit s, m, h or d (e.g. 90d)', documentDuration);
    documentDuration = jobKeyDefault('PROCESSOR_LONGBOW_DOCUMENT_DURATION');
    m = /^(\d+)([smhd])$/.exec(documentDuration);
  }
  return {
    asyncTimeoutMs: readJobKey(s, 'PROCESSOR_LONGBOW_ASYNC_TIMEOUT'),
    threadCapacity: readJobKey(s, 'PROCESSOR_LONGBOW_THREAD_CAPACITY'),
    gcpProjectId: readJobKey(s, 'PROCESSOR_LONGBOW_GCP_PROJECT_ID'),
    gcpInstanceId: readJobKey(s, 'PROCESSOR_LONGBOW_GCP_INSTANCE_ID'),
    gcpTableId: s.optional('PROCESSOR_LONGBOW_GCP_TABLE_ID') ?? jobId,
    storeUrl: s.optional('PROCESSOR_LONGBOW_STORE_URL'),
    documentDuration,
    documentDurationMs: Number(m![1]) * DURATION_UNITS[m![2]!]!,
  };
}

function readUdf(s: Section, baseDir: string): UdfConfig {
  const folders = readJobKey(s, 'UDF_FOLDERS').map((p) => resolvePath(baseDir, p));
  const watch = readJobKey(s, 'UDF_WATCH');
  const storeProvider = readJobKey(s, 'UDF_STORE_PROVIDER');
  const projectId = s.optional('UDF_DART_PROJECT_ID') ?? s.optional('UDF_DART_GCS_PROJECT_ID');
  const bucketId = s.optional('UDF_DART_BUCKET_ID') ?? s.optional('UDF_DART_GCS_BUCKET_ID');
  const ossEndpoint = s.optional('OSS_ENDPOINT');
  const cosRegion = s.optional('COS_REGION');
  const dart: DartConfig = {
    storeProvider,
    ...(projectId !== undefined ? { projectId } : {}),
    ...(bucketId !== undefined ? { bucketId } : {}),
    ...(ossEndpoint !== undefined ? { ossEndpoint } : {}),
    ...(cosRegion !== undefined ? { cosRegion } : {}),
    tkeOidcProvider: readJobKey(s, 'ENABLE_TKE_OIDC_PROVIDER'),
  };
  const settings: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s.values)) if (k.startsWith('UDF_')) settings[k] = v;
  const errorPolicy = readJobKey(s, 'UDF_ERROR_POLICY');
  const python = readPythonUdf(s, baseDir);
  return { folders, watch, errorPolicy, dart, settings, ...(python ? { python } : {}) };
}

function readMetrics(s: Section): MetricsConfig {
  return {
    enabled: readJobKey(s, 'METRIC_TELEMETRY_ENABLE'),
    port: readJobKey(s, 'METRICS_PORT'),
    host: readJobKey(s, 'METRICS_HOST'),
    shutdownPeriodMs: readJobKey(s, 'METRIC_TELEMETRY_SHUTDOWN_PERIOD_MS'),
    healthUnreachableMs: readJobKey(s, 'METRICS_HEALTH_UNREACHABLE_MS'),
    healthCheckpointFailures: readJobKey(s, 'METRICS_HEALTH_CHECKPOINT_FAILURES'),
  };
}

/** Dagger keys that Dirk accepts but cannot honour the Java way. */
function compatibilityChecks(s: Section): void {
  const factories = s.list('FUNCTION_FACTORY_CLASSES') ?? [];
  const custom = factories.filter((c) => c !== D.FUNCTION_FACTORY_CLASSES.default && !c.endsWith('.functions.udfs.factories.FunctionFactory'));
  if (custom.length > 0) {
    s.issues.warn(
      `FUNCTION_FACTORY_CLASSES (${custom.join(', ')}) is ignored: Dirk cannot load Java UDF factories. ` +
        'Its built-in functions are always available; put your own functions (JavaScript/TypeScript modules) in a folder listed in UDF_FOLDERS',
    );
  }
  const builder = s.optional('JOB_BUILDER_FQCN');
  if (builder !== undefined && builder !== D.JOB_BUILDER_FQCN.default) {
    s.issues.warn(`JOB_BUILDER_FQCN (${builder}) is ignored: Dirk has one job builder`);
  }
  if (!readJobKey(s, 'PYTHON_UDF_ENABLE') && s.has('PYTHON_UDF_CONFIG')) {
    s.issues.warn('PYTHON_UDF_CONFIG is ignored: PYTHON_UDF_ENABLE is false');
  }
}

/** PYTHON_UDF_ENABLE / PYTHON_UDF_CONFIG (Dagger's Python UDF jobs). */
function readPythonUdf(s: Section, baseDir: string): PythonUdfConfig | undefined {
  if (!readJobKey(s, 'PYTHON_UDF_ENABLE')) return undefined;
  const KEY = 'PYTHON_UDF_CONFIG';
  const v = s.json(KEY, 'a JSON object with PYTHON_FILES');
  if (!isPlainObject(v)) {
    s.error(KEY, 'a JSON object with PYTHON_FILES (required when PYTHON_UDF_ENABLE=true)', v);
    return undefined;
  }
  const c = new Section(v, KEY, s.issues);
  const files = (c.list('PYTHON_FILES') ?? []).map((f) => f.trim()).filter((f) => f);
  if (files.length === 0) c.error('PYTHON_FILES', 'comma-separated .py or .zip files', c.get('PYTHON_FILES'));
  for (const f of files) {
    if (/^[a-z0-9]+:\/\//i.test(f)) c.error('PYTHON_FILES', 'local .py or .zip files (Dirk does not fetch gs://, oss:// or cosn:// files)', f);
    else if (!/\.(py|zip)$/i.test(f)) c.error('PYTHON_FILES', 'files ending in .py or .zip', f);
  }
  if (c.has('PYTHON_ARCHIVES')) c.error('PYTHON_ARCHIVES', 'absent (archives are not unpacked by Dirk; install what they hold)', c.get('PYTHON_ARCHIVES'));
  const requirements = c.optional('PYTHON_REQUIREMENTS');
  const batchSize = c.int('PYTHON_FN_EXECUTION_ARROW_BATCH_SIZE', 10000, { min: 1 });
  c.int('PYTHON_FN_EXECUTION_BUNDLE_SIZE', 100000, { min: 1 });
  c.int('PYTHON_FN_EXECUTION_BUNDLE_TIME', 1000, { min: 0 });
  const workers = c.int('PYTHON_WORKERS', 2, { min: 1, max: 64 });
  for (const k of c.unusedKeys()) c.error(k, 'one of PYTHON_FILES, PYTHON_REQUIREMENTS, PYTHON_FN_EXECUTION_ARROW_BATCH_SIZE, PYTHON_FN_EXECUTION_BUNDLE_SIZE, PYTHON_FN_EXECUTION_BUNDLE_TIME, PYTHON_WORKERS', v[k]);
  return {
    files: files.map((f) => resolvePath(baseDir, f)),
    ...(requirements ? { requirements: resolvePath(baseDir, requirements) } : {}),
    batchSize,
    workers,
  };
}

function warnUnknownKeys(s: Section): void {
  const known = Object.keys(D).filter((k) => !k.endsWith('*'));
  for (const k of s.unusedKeys()) {
    if (k in D || JOB_KEY_PREFIXES.some((p) => k.startsWith(p))) continue;
    const legacy = LEGACY_JOB_KEYS[k];
    if (legacy) {
      s.issues.warn(`${k} is ignored: it is an old or documentation-only Dagger key that Dagger's code does not read; use ${legacy}`);
      continue;
    }
    const guess = closest(k, known);
    s.issues.warn(`${k} is not a known config key and is ignored${guess ? ` (did you mean ${guess}?)` : ''}`);
  }
}
