/**
 * Checks that `validate` (and, for files, `run`) make beyond config, schemas and SQL: the input files are
 * there and are files, and every output column lands somewhere in the sink.
 */
import { stat } from 'node:fs/promises';
import { DirkError, userError } from '../core/errors.js';
import type { PreparedJob } from '../job/prepare.js';

export interface JobCheckReport {
  readonly errors: readonly DirkError[];
  readonly warnings: readonly string[];
}

/** Every FILE_SOURCE path must be a readable regular file; each problem names the stream's key. */
export async function fileSourceProblems(job: PreparedJob): Promise<DirkError[]> {
  const errors: DirkError[] = [];
  for (const stream of job.config.streams) {
    if (!stream.file) continue;
    const key = `STREAMS[${stream.index}].SOURCE_FILE_PATH`;
    const path = stream.file.path;
    try {
      const st = await stat(path);
      if (st.isDirectory()) errors.push(userError(`${key}: ${path} is a folder; give the path of one file (JSONL or protobuf) to read`));
      else if (!st.isFile()) errors.push(userError(`${key}: ${path} is not a regular file`));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
      errors.push(userError(`${key}: cannot read ${path}: ${why}`, { cause: e }));
    }
  }
  return errors;
}

/** `run` stops before opening anything if an input file is missing or a folder. */
export async function checkJobFiles(job: PreparedJob): Promise<void> {
  const errors = await fileSourceProblems(job);
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw userError(`${errors.length} problems:\n${errors.map((e) => `  - ${e.message}`).join('\n')}`);
}

export async function checkJobForValidate(job: PreparedJob): Promise<JobCheckReport> {
  return { errors: await fileSourceProblems(job), warnings: unsentColumnWarnings(job) };
}

/**
 * A Kafka PROTO sink writes the columns whose name is a field of SINK_KAFKA_PROTO_MESSAGE and, as Dagger,
 * silently drops the others: usually a misspelt alias. Say which. (Log, JSON and InfluxDB sinks write every
 * column.) A dotted column (`a.b`) is checked by its first part.
 */
export function unsentColumnWarnings(job: PreparedJob): string[] {
  const sink = job.config.sink;
  if (sink.type !== 'kafka' || sink.dataType !== 'PROTO' || !sink.protoMessage || !job.registry) return [];
  let fields: Set<string>;
  try {
    fields = new Set(job.registry.lookupType(sink.protoMessage).fieldsArray.map((f) => f.name));
  } catch {
    return []; // an unknown message is reported as an error by the sink check
  }
  const lost = job.plan.root.fields.map((f) => f.name).filter((n) => !fields.has(n.split('.')[0]!));
  if (lost.length === 0) return [];
  return [
    `output column${lost.length > 1 ? 's' : ''} ${lost.map((n) => `"${n}"`).join(', ')} match${lost.length > 1 ? '' : 'es'} no field of SINK_KAFKA_PROTO_MESSAGE ${sink.protoMessage} and ${lost.length > 1 ? 'are' : 'is'} not written; rename ${lost.length > 1 ? 'them' : 'it'} with AS, or add the field`,
  ];
}
