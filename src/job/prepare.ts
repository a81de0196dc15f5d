import './sql-script.js';
import { DirkError, userError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { TableSchema } from '../core/types.js';
import type { JobConfig, StreamConfig } from '../config/index.js';
import {
  aliasJsonTable,
  aliasProtoTable,
  createJsonRowDecoder,
  createProtoRowDecoder,
  jsonTableSchema,
  openDescriptorRegistry,
  protoTableSchema,
  type DescriptorRegistry,
  type DescriptorSource,
  type RowDecoder,
  type SchemaChangeEvent,
} from '../schema/index.js';
import { builtinFunctions } from '../sql/functions/index.js';
import type { QueryPlan } from '../plan/nodes.js';
import { statementSetSinks } from './statement-set.js';
import { planSql, type Catalog } from '../sql/planner.js';
import type { FunctionDef } from '../udf/api.js';
import { loadUdfFolders } from '../udf/loader.js';
import { loadPythonFunctions } from '../udf/python/python-udfs.js';
import { createFunctionCatalog, type FunctionCatalog } from '../udf/registry.js';
import { FunctionSlot } from '../udf/slots.js';
import { daggerFunctions } from '../../udfs/index.js';
import { prepareTransformers, type JobTransformers } from '../processors/transformers/job.js';
import { planPostChain, type PostChain } from '../processors/chain.js';
import { cdcTableSchema } from '../connectors/postgres-cdc/index.js';
import { aliasAvroTable, avroRegistryClient, avroTableSchema, createAvroRowDecoder, type RegistryClient } from '../connectors/avro/index.js';

/**
 * Everything `validate`, `explain` and `run` share: the schema registry, one table per stream, the function
 * catalog (built-ins, Dagger's library, the job's own UDF folders) and the planned query. No side effects
 * beyond reading schemas and UDF files.
 */
export interface PreparedJob {
  readonly config: JobConfig;
  readonly registry: DescriptorRegistry | undefined;
  /** One per stream; `schema` is what the SQL sees (after the table's pre-processor, when it has one). */
  readonly tables: ReadonlyMap<string, { readonly stream: StreamConfig; readonly schema: TableSchema }>;
  /** The transformer catalog (built-ins, TRANSFORMER_FOLDERS) and each pre-processed table's transformers. */
  readonly transformers: JobTransformers;
  readonly functions: FunctionCatalog;
  readonly userFunctions: readonly FunctionDef[];
  /**
   * The library's and the user's functions are called through per-job slots (keyed by upper-case name):
   * calls and errors are counted there, the UDF error policy applies, and a reloaded file swaps a body.
   */
  readonly slots: ReadonlyMap<string, FunctionSlot>;
  readonly plan: QueryPlan;
  /**
   * Longbow, the post-processors and post-processor transformers after the SQL (src/processors/chain.ts),
   * built but not opened; undefined when the job has none. Its `output` is what the sink receives.
   */
  readonly post: PostChain | undefined;
  /** A statement set's sinks: per INSERT (plan.branches), the indices of its SINKS entries (statement-set.ts). */
  readonly branchSinks: readonly (readonly number[])[] | undefined;
}

/** The columns the sink receives: the post-processor chain's output, else the query's. */
export function outputColumns(job: PreparedJob): PreparedJob['plan']['root']['fields'] {
  return job.post?.output ?? job.plan.root.fields;
}

export interface PrepareOptions {
  /**
   * validate / explain: network checks try briefly (BRIEF_NETWORK) and report, instead of the job's own
   * retry budget (Dagger's defaults add up to about 15 minutes for an unreachable Stencil URL).
   */
  readonly briefNetwork?: boolean;
}

/** What validate and explain allow a network check: attempts, per-attempt timeout, first backoff. */
export const BRIEF_NETWORK = { retries: 1, timeoutMs: 5_000, backoffMinMs: 500 } as const;

/**
 * The table of a bounded source, flagged for the planner (a processing-time temporal join waits for it).
 * The codecs keep what they need per table object (rowtime field, Avro schema), so the copy shares it.
 */
function markBounded(schema: TableSchema): TableSchema {
  const copy: TableSchema = { ...schema, bounded: true };
  aliasJsonTable(schema, copy);
  aliasProtoTable(schema, copy);
  aliasAvroTable(schema, copy);
  return copy;
}

export async function prepareJob(config: JobConfig, logger: Logger, options: PrepareOptions = {}): Promise<PreparedJob> {
  const needsProto = config.streams.some((s) => s.dataType === 'PROTO' && !s.postgresCdc) || config.sinks.some((k) => k.type === 'kafka' && k.dataType === 'PROTO');
  let registry: DescriptorRegistry | undefined;
  if (needsProto) registry = await openDescriptorRegistry(descriptorSource(config, options.briefNetwork ?? false), { logger });
  try {
    const avroSchemas = await fetchAvroSchemas(config, options.briefNetwork ?? false);
    const tables = new Map<string, { stream: StreamConfig; schema: TableSchema }>();
    for (const stream of config.streams) {
      // A CDC table's columns come from the database's catalog.
      const plain = stream.postgresCdc ? await cdcTableSchema(stream.postgresCdc, { table: stream.table, index: stream.index }) : tableSchema(stream, config, registry, avroSchemas.get(stream.table));
      const schema = stream.kafka?.upsert ? upsertTable(plain, stream) : plain;
      tables.set(stream.table, { stream, schema: stream.source.type === 'BOUNDED' ? markBounded(schema) : schema });
    }

    const folderFunctions = config.udf.folders.length ? await loadUdfFolders(config.udf.folders) : [];
    const pythonFunctions = config.udf.python ? await loadPythonFunctions(config.udf.python) : [];
    const userFunctions = [...folderFunctions, ...pythonFunctions];
    const slotFor = new Map<FunctionDef, FunctionSlot>([...daggerFunctions, ...userFunctions].map((d) => [d, new FunctionSlot(d)]));
    const proxies = (defs: readonly FunctionDef[]): FunctionDef[] => defs.map((d) => slotFor.get(d)!.proxy);
    let functions = createFunctionCatalog(builtinFunctions).with(proxies(daggerFunctions), 'udfs/ (Dagger library)');
    if (folderFunctions.length) functions = functions.with(proxies(folderFunctions), 'UDF_FOLDERS');
    if (pythonFunctions.length) functions = functions.with(proxies(pythonFunctions), 'PYTHON_FILES');
    const slots = new Map([...slotFor.values()].map((s) => [s.name.toUpperCase(), s]));
    // Pre-processors run per table before it is registered for SQL: the SQL sees their output columns.
    const transformers = await prepareTransformers(config, tables, functions, registry, logger);
    for (const t of tables.values()) {
      if (t.schema.changelog && transformers.preprocessors.has(t.schema.name)) {
        throw userError(`PROCESSOR_PREPROCESSOR_CONFIG: table ${t.schema.name} is a changelog (POSTGRES_CDC_SOURCE); pre-processors take append-only tables`, { key: 'PROCESSOR_PREPROCESSOR_CONFIG' });
      }
    }

    const catalog: Catalog = {
      table: (name) => tables.get(name)?.schema ?? [...tables.values()].find((t) => t.schema.name.toLowerCase() === name.toLowerCase())?.schema,
      tableNames: () => [...tables.keys()],
      functions,
    };
    const plan = planSql(config.sqlQuery, catalog);
    const post = planPostChain({ config, registry, columns: plan.root.fields, transformerJob: transformers.job });
    for (const w of post?.warnings ?? []) logger.warn(w);
    const branchSinks = statementSetSinks(config, plan, post !== undefined);
    return { config, registry, tables, transformers, functions, userFunctions, slots, plan, post, branchSinks };
  } catch (e) {
    registry?.close();
    throw e;
  }
}

function descriptorSource(config: JobConfig, brief: boolean): DescriptorSource {
  const r = config.schemaRegistry;
  if (!r.enabled) return { kind: 'files', dirs: [...r.protoDirs] };
  return {
    kind: 'stencil',
    urls: [...r.urls],
    timeoutMs: brief ? Math.min(r.fetchTimeoutMs, BRIEF_NETWORK.timeoutMs) : r.fetchTimeoutMs,
    headers: { ...r.fetchHeaders },
    retries: brief ? Math.min(r.fetchRetries, BRIEF_NETWORK.retries) : r.fetchRetries,
    backoffMinMs: brief ? Math.min(r.fetchBackoffMinMs, BRIEF_NETWORK.backoffMinMs) : r.fetchBackoffMinMs,
    autoRefresh: brief ? false : r.cacheAutoRefresh,
    ttlMs: r.cacheTtlMs,
    refreshStrategy: r.refreshStrategy,
  };
}

/** The Avro registry client of a job (SCHEMA_REGISTRY_CONFLUENT_URL); a user error when AVRO is used without it. */
export function avroClient(config: JobConfig, brief = false): RegistryClient {
  const c = config.schemaRegistry.confluent;
  if (!c) throw userError('SCHEMA_REGISTRY_CONFLUENT_URL is required when a stream or the sink uses AVRO (the Confluent-compatible schema registry; `dirk registry serve` serves one)', { key: 'SCHEMA_REGISTRY_CONFLUENT_URL' });
  return avroRegistryClient(c, brief ? { timeoutMs: BRIEF_NETWORK.timeoutMs, attempts: BRIEF_NETWORK.retries + 1 } : {});
}

/**
 * An upsert stream's table (SOURCE_KAFKA_UPSERT_KEY): a changelog keyed by its primary key whose scans the
 * planner puts under a ChangelogNormalize (the source gives upserts and key-only deletes, not a retract stream).
 */
function upsertTable(schema: TableSchema, stream: StreamConfig): TableSchema {
  const key = `STREAMS[${stream.index}].SOURCE_KAFKA_UPSERT_KEY`;
  const primaryKey = stream.kafka!.upsert!.key.map((name) => {
    const i = schema.columns.findIndex((c) => c.name === name);
    if (i < 0) throw userError(`${key}: no column ${name} in table ${schema.name} (columns: ${schema.columns.map((c) => c.name).join(', ')})`, { key });
    if (i === schema.rowtimeIndex) throw userError(`${key}: the event-time column ${name} cannot be a key column of an upsert stream`, { key });
    return i;
  });
  const copy: TableSchema = { ...schema, changelog: true, upsert: true, primaryKey };
  aliasJsonTable(schema, copy);
  return copy;
}

/** Each AVRO stream's reader schema: its subject's latest version, fetched once when the job is prepared. */
async function fetchAvroSchemas(config: JobConfig, brief: boolean): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const avroStreams = config.streams.filter((s) => s.dataType === 'AVRO');
  const avroSink = config.sinks.some((k) => k.type === 'kafka' && k.dataType === 'AVRO');
  if (avroStreams.length === 0 && !avroSink) return out;
  const client = avroClient(config, brief);
  for (const s of avroStreams) {
    const latest = await client.latest(s.avro!.subject, `STREAMS[${s.index}].INPUT_SCHEMA_AVRO_SUBJECT`);
    out.set(s.table, latest.schema);
  }
  return out;
}

function tableSchema(stream: StreamConfig, config: JobConfig, registry: DescriptorRegistry | undefined, avroSchema: string | undefined): TableSchema {
  const key = `STREAMS[${stream.index}]`;
  if (stream.dataType === 'AVRO') {
    return avroTableSchema(avroSchema!, {
      table: stream.table,
      rowtimeName: config.rowtimeAttributeName,
      rowtimeFieldName: stream.avro!.eventTimestampFieldName,
      key: `${key}.INPUT_SCHEMA_AVRO_SUBJECT (${stream.avro!.subject})`,
    });
  }
  if (stream.dataType === 'JSON') {
    if (!stream.jsonSchema) throw userError(`${key}.INPUT_SCHEMA_JSON_SCHEMA is required for INPUT_DATATYPE=JSON`);
    return jsonTableSchema(stream.jsonSchema, {
      table: stream.table,
      rowtimeName: config.rowtimeAttributeName,
      ...(stream.jsonEventTimestampFieldName ? { rowtimeFieldName: stream.jsonEventTimestampFieldName } : {}),
      ...(stream.jsonEventTimestampUnit ? { rowtimeUnit: stream.jsonEventTimestampUnit } : {}),
    });
  }
  if (!registry || !stream.protoClass) throw userError(`${key}.INPUT_SCHEMA_PROTO_CLASS is required for INPUT_DATATYPE=PROTO`);
  try {
    return protoTableSchema(registry, stream.protoClass, {
      table: stream.table,
      rowtimeName: config.rowtimeAttributeName,
      ...(stream.eventTimestampFieldIndex !== undefined ? { rowtimeFieldNumber: stream.eventTimestampFieldIndex } : {}),
    });
  } catch (e) {
    if (e instanceof DirkError && e.domain === 'user') {
      throw new DirkError(`${key}.INPUT_SCHEMA_PROTO_CLASS: ${e.message}`, { domain: 'user', cause: e });
    }
    throw e;
  }
}

/**
 * A decoder for one stream that decodes only the columns the query reads. `onSchemaChange` (protobuf
 * only) hears about registry refreshes: applied, or rejected as incompatible with the columns read.
 */
/** Column positions of a stream's table that the query reads (projection pushdown for every source). */
export function usedColumns(job: PreparedJob, table: string): Set<number> {
  const schema = job.tables.get(table)!.schema;
  const used = new Set<number>();
  for (const scan of job.plan.scans) if (scan.table.name === schema.name) for (const c of scan.used) used.add(c);
  return used;
}

export function streamDecoder(job: PreparedJob, table: string, options: { onSchemaChange?: (e: SchemaChangeEvent) => void } = {}): RowDecoder {
  const t = job.tables.get(table);
  if (!t) throw new Error(`internal error: no table ${table}`);
  const pre = job.transformers.preprocessors.get(t.schema.name);
  // A pre-processed table decodes every column: its transformers may read columns the SQL does not.
  const schema = pre?.decoded ?? t.schema;
  const used = new Set<number>(pre ? schema.columns.map((_c, i) => i) : []);
  if (!pre) for (const scan of job.plan.scans) if (scan.table.name === t.schema.name) for (const c of scan.used) used.add(c);
  if (t.stream.postgresCdc) {
    // The CDC source builds its rows from pgoutput's tuples itself.
    return {
      decode: () => {
        throw new Error(`internal error: table ${table} (POSTGRES_CDC_SOURCE) has no record decoder`);
      },
    };
  }
  if (t.stream.dataType === 'AVRO') return createAvroRowDecoder(schema, avroClient(job.config), used);
  if (t.stream.dataType === 'JSON') {
    return createJsonRowDecoder(schema, {
      columns: used,
      ...(t.stream.jsonEventTimestampFieldName ? { rowtimeFieldName: t.stream.jsonEventTimestampFieldName } : {}),
    });
  }
  return createProtoRowDecoder(job.registry!, t.stream.protoClass!, schema, {
    columns: used,
    ...(t.stream.eventTimestampFieldIndex !== undefined ? { rowtimeFieldNumber: t.stream.eventTimestampFieldIndex } : {}),
    ...(options.onSchemaChange ? { onSchemaChange: options.onSchemaChange } : {}),
  });
}
