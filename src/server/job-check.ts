import { ConfigErrors, parseJobConfig, type StreamConfig } from '../config/index.js';
import { typeToString } from '../core/types.js';
import { DirkError } from '../core/errors.js';
import { createLogger, silentLogger } from '../core/logger.js';
import type protobuf from 'protobufjs';
import type { TableSchema } from '../core/types.js';
import { explainJob, physicalOptionsOf } from '../job/explain-job.js';
import { prepareJob, usedColumns } from '../job/prepare.js';
import { planFingerprint, validateSinkCompatibility } from '../job/stream-manager.js';

/**
 * What `dirk validate` says about a config, computed in the service's own process: the same parser, schema
 * loading and planner, so the messages are the ones the CLI prints. A config that fails here is refused
 * with these messages and never reaches a job process.
 */
export interface JobCheck {
  readonly ok: boolean;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  /** Present when ok: the plan the job would run (as `dirk explain` prints it). */
  readonly explain?: string;
  /** Present when ok: the plan's fingerprint, which checkpoints carry (a different one cannot restore). */
  readonly fingerprint?: string;
  readonly outputColumns?: readonly { readonly name: string; readonly type: string }[];
  readonly inputTopics?: readonly string[];
  readonly outputTopic?: string | undefined;
}

export async function checkJobConfig(raw: Readonly<Record<string, unknown>>, cwd: string): Promise<JobCheck> {
  const warnings: string[] = [];
  const logger = createLogger({ level: 'warn', write: (line) => warnings.push(line.replace(/^\S+ WARN\s+/, '')) });
  try {
    const parsed = parseJobConfig(raw, { env: process.env, baseDir: cwd });
    warnings.push(...parsed.warnings);
    const job = await prepareJob(parsed.config, logger);
    try {
      validateSinkCompatibility(job);
      const sink = parsed.config.sink;
      return {
        ok: true,
        errors: [],
        warnings,
        explain: explainJob(job.plan, physicalOptionsOf(job.config)),
        fingerprint: planFingerprint(job),
        outputColumns: job.plan.root.fields.map((f) => ({ name: f.name, type: typeToString(f.type) })),
        inputTopics: parsed.config.streams.flatMap(topicsOf),
        outputTopic: sink.type === 'kafka' ? sink.topic : undefined,
      };
    } finally {
      job.registry?.close();
    }
  } catch (e) {
    if (e instanceof ConfigErrors) return { ok: false, errors: e.errors.map((x) => x.message), warnings };
    if (e instanceof DirkError && e.domain !== 'internal') return { ok: false, errors: [e.message], warnings };
    return { ok: false, errors: [`internal error while validating: ${(e as Error).message}`], warnings };
  }
}

/** Kafka topics a stream reads: the plain names, or the pattern itself when it is a regular expression. */
function topicsOf(stream: StreamConfig): string[] {
  if (!stream.kafka) return [];
  return stream.kafka.topics ? [...stream.kafka.topics] : [stream.kafka.topicPattern];
}

/** One PROTO stream of a job: its class, the table the SQL sees, the columns the query reads. */
export interface ProtoStreamUse {
  readonly stream: string;
  readonly protoClass: string;
  readonly type: protobuf.Type;
  readonly table: TableSchema;
  readonly used: ReadonlySet<number>;
  readonly rowtimeNumber: number | undefined;
}

/**
 * What a job reads from its proto classes, planned as `dirk validate` plans it (schemas fetched from the
 * job's own registry URLs): the input of the schema compatibility check. Throws what validation throws.
 */
export async function protoStreamUses(raw: Readonly<Record<string, unknown>>, cwd: string): Promise<{ registryUrls: readonly string[]; uses: ProtoStreamUse[] }> {
  const parsed = parseJobConfig(raw, { env: process.env, baseDir: cwd });
  const registry = parsed.config.schemaRegistry;
  if (!registry.enabled || !parsed.config.streams.some((s) => s.dataType === 'PROTO')) return { registryUrls: [], uses: [] };
  const job = await prepareJob(parsed.config, silentLogger, { briefNetwork: true });
  try {
    const uses: ProtoStreamUse[] = [];
    for (const [name, t] of job.tables) {
      if (t.stream.dataType !== 'PROTO' || !t.stream.protoClass) continue;
      const pre = job.transformers.preprocessors.get(t.schema.name);
      // A pre-processed table decodes every column (its transformers may read any of them).
      const table = pre?.decoded ?? t.schema;
      uses.push({
        stream: name,
        protoClass: t.stream.protoClass,
        type: job.registry!.lookupType(t.stream.protoClass),
        table,
        used: pre ? new Set(table.columns.map((_c, i) => i)) : usedColumns(job, name),
        rowtimeNumber: t.stream.eventTimestampFieldIndex,
      });
    }
    return { registryUrls: registry.urls, uses };
  } finally {
    job.registry?.close();
  }
}
