import type { Logger } from '../core/logger.js';
import { createKafkaClient } from '../connectors/kafka/kafka-client.js';
import { ControlPlaneError, type ControlPlane, type JobView } from './control-plane.js';
import { checkBody } from './http-util.js';
import type { JobCheck } from './job-check.js';

/**
 * Pipelines in CodeFeedr's sense: several jobs (stages) joined by Kafka topics that buffer between them.
 * A stage's input is the topics its STREAMS read; its output is its Kafka sink topic; an edge runs from the
 * stage writing a topic to every stage reading it. Cycles are refused (a stage feeding itself would amplify
 * without end), topics are created as needed, and where one stage's output feeds another, the writer's
 * output schema is checked against the reader's input schema before anything starts.
 */
export interface PipelineSpec {
  readonly name: string;
  /** Bootstrap servers for topic creation; default: the first stage's SINK_KAFKA_BROKERS or source brokers. */
  readonly brokers?: string;
  readonly topics?: readonly { readonly name: string; readonly partitions?: number }[];
  readonly stages: readonly { readonly name: string; readonly config: Record<string, unknown> }[];
}

export interface PipelineStatus {
  readonly name: string;
  readonly stages: readonly (JobView & { readonly stage: string })[];
  readonly edges: readonly { readonly from: string; readonly to: string; readonly topic: string }[];
}

interface StageInfo {
  readonly name: string;
  readonly jobId: string;
  readonly config: Record<string, unknown>;
  readonly check: JobCheck;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$/;

export function parsePipelineSpec(raw: unknown): PipelineSpec {
  const spec = checkBody<PipelineSpec>(raw, {
    name: { type: 'string', required: true },
    brokers: { type: 'string' },
    topics: { type: 'array' },
    stages: { type: 'array', required: true },
    description: { type: 'string' },
  });
  const problems: string[] = [];
  if (!NAME.test(spec.name)) problems.push(`name: expected letters, digits, '_' or '-' (at most 50), found "${spec.name}"`);
  if (spec.stages.length === 0) problems.push('stages: expected at least one stage');
  const seen = new Set<string>();
  spec.stages.forEach((s, i) => {
    if (typeof s !== 'object' || s === null) return problems.push(`stages[${i}]: expected an object`);
    if (typeof s.name !== 'string' || !NAME.test(s.name)) problems.push(`stages[${i}].name: expected letters, digits, '_' or '-', found ${JSON.stringify(s.name)}`);
    else if (seen.has(s.name)) problems.push(`stages[${i}].name: "${s.name}" is used by an earlier stage`);
    else seen.add(s.name);
    if (typeof s.config !== 'object' || s.config === null || Array.isArray(s.config)) problems.push(`stages[${i}].config: expected an object of job config keys`);
    return undefined;
  });
  (spec.topics ?? []).forEach((t, i) => {
    if (typeof t?.name !== 'string' || t.name === '') problems.push(`topics[${i}].name: expected a topic name`);
    if (t?.partitions !== undefined && (!Number.isInteger(t.partitions) || t.partitions < 1)) problems.push(`topics[${i}].partitions: expected a positive integer, found ${JSON.stringify(t.partitions)}`);
  });
  if (problems.length) throw new ControlPlaneError(`pipeline: ${problems[0]}`, 400, problems);
  return spec;
}

/** Edges writer -> reader through a topic, and the cycle if there is one (stage names in order). */
export function pipelineEdges(stages: readonly { name: string; inputs: readonly string[]; output: string | undefined }[]): {
  edges: { from: string; to: string; topic: string }[];
  cycle: string[] | undefined;
} {
  const edges: { from: string; to: string; topic: string }[] = [];
  for (const w of stages) {
    if (!w.output) continue;
    for (const r of stages) if (r.inputs.includes(w.output)) edges.push({ from: w.name, to: r.name, topic: w.output });
  }
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const color = new Map<string, 'grey' | 'black'>();
  const path: string[] = [];
  const visit = (n: string): string[] | undefined => {
    color.set(n, 'grey');
    path.push(n);
    for (const m of next.get(n) ?? []) {
      if (color.get(m) === 'grey') return [...path.slice(path.indexOf(m)), m];
      if (!color.has(m)) {
        const c = visit(m);
        if (c) return c;
      }
    }
    path.pop();
    color.set(n, 'black');
    return undefined;
  };
  for (const s of stages) {
    if (!color.has(s.name)) {
      const c = visit(s.name);
      if (c) return { edges, cycle: c };
    }
  }
  return { edges, cycle: undefined };
}

export class PipelineService {
  constructor(
    private readonly plane: ControlPlane,
    private readonly logger: Logger,
  ) {}

  async list(): Promise<{ name: string; stages: number }[]> {
    return (await this.plane.repository.listPipelines()).map((p) => ({ name: p.name, stages: (p.spec['stages'] as unknown[]).length }));
  }

  async up(raw: unknown): Promise<PipelineStatus> {
    const spec = parsePipelineSpec(raw);
    const stages: StageInfo[] = [];
    const invalid: string[] = [];
    for (const s of spec.stages) {
      const check = await this.plane.check(s.config);
      if (!check.ok) invalid.push(...check.errors.map((e) => `stage ${s.name}: ${e}`));
      stages.push({ name: s.name, jobId: `${spec.name}.${s.name}`, config: s.config, check });
    }
    if (invalid.length) throw new ControlPlaneError(`pipeline ${spec.name}: a stage does not validate`, 422, invalid);
    const { edges, cycle } = pipelineEdges(stages.map((s) => ({ name: s.name, inputs: s.check.inputTopics ?? [], output: s.check.outputTopic })));
    if (cycle) throw new ControlPlaneError(`pipeline ${spec.name}: stages form a cycle through their topics: ${cycle.join(' -> ')}`, 422);
    const mismatches = edges.flatMap((e) => schemaMismatch(stages.find((s) => s.name === e.from)!, stages.find((s) => s.name === e.to)!, e.topic));
    if (mismatches.length) throw new ControlPlaneError(`pipeline ${spec.name}: a stage's output does not fit the next stage's input`, 422, mismatches);
    await this.createTopics(spec, stages);
    const now = new Date().toISOString();
    const existing = await this.plane.repository.getPipeline(spec.name);
    await this.plane.repository.putPipeline({ name: spec.name, spec: spec as unknown as Record<string, unknown>, createdAt: existing?.createdAt ?? now, updatedAt: now });
    // Readers first, so a reader starting at the latest offset misses nothing its writer produces.
    const order = topoOrder(stages.map((s) => s.name), edges).reverse();
    for (const name of order) {
      const s = stages.find((x) => x.name === name)!;
      if (await this.plane.repository.get(s.jobId)) await this.plane.update(s.jobId, s.config, true).then(() => this.plane.setDesired(s.jobId, 'running'));
      else await this.plane.add(s.jobId, s.config, true, spec.name);
    }
    return this.status(spec.name);
  }

  async status(name: string): Promise<PipelineStatus> {
    const p = await this.plane.repository.getPipeline(name);
    if (!p) throw new ControlPlaneError(`no pipeline "${name}"`, 404);
    const spec = p.spec as unknown as PipelineSpec;
    const jobs = await this.plane.list();
    const stages = spec.stages.flatMap((s) => {
      const j = jobs.find((x) => x.id === `${name}.${s.name}`);
      return j ? [{ ...j, stage: s.name }] : [];
    });
    const infos = await Promise.all(spec.stages.map(async (s) => ({ name: s.name, check: await this.plane.check(s.config) })));
    const { edges } = pipelineEdges(infos.map((s) => ({ name: s.name, inputs: s.check.inputTopics ?? [], output: s.check.outputTopic })));
    return { name, stages, edges };
  }

  async down(name: string, purge: boolean): Promise<void> {
    const p = await this.plane.repository.getPipeline(name);
    if (!p) throw new ControlPlaneError(`no pipeline "${name}"`, 404);
    const spec = p.spec as unknown as PipelineSpec;
    for (const s of spec.stages) {
      const id = `${name}.${s.name}`;
      if (await this.plane.repository.get(id)) await this.plane.remove(id, purge);
    }
    await this.plane.repository.deletePipeline(name);
  }

  private async createTopics(spec: PipelineSpec, stages: readonly StageInfo[]): Promise<void> {
    const wanted = new Map<string, number>();
    for (const t of spec.topics ?? []) wanted.set(t.name, t.partitions ?? 1);
    for (const s of stages) if (s.check.outputTopic && !wanted.has(s.check.outputTopic)) wanted.set(s.check.outputTopic, 1);
    if (wanted.size === 0) return;
    const first = stages[0]!.config;
    const brokers = (spec.brokers ?? String(first['SINK_KAFKA_BROKERS'] ?? firstSourceBrokers(first) ?? '127.0.0.1:9092')).split(',').map((b) => b.trim());
    const admin = createKafkaClient({ brokers, clientId: `dirk-pipeline-${spec.name}`, logger: this.logger }).admin();
    await admin.connect();
    try {
      const have = new Set(await admin.listTopics());
      const topics = [...wanted].filter(([t]) => !have.has(t)).map(([topic, numPartitions]) => ({ topic, numPartitions }));
      if (topics.length) await admin.createTopics({ topics, waitForLeaders: true });
      if (topics.length) this.logger.info(`pipeline ${spec.name}: created topics ${topics.map((t) => t.topic).join(', ')}`);
    } finally {
      await admin.disconnect();
    }
  }
}

function firstSourceBrokers(config: Record<string, unknown>): string | undefined {
  const streams = typeof config['STREAMS'] === 'string' ? (JSON.parse(config['STREAMS']) as unknown) : config['STREAMS'];
  if (!Array.isArray(streams)) return undefined;
  const b = (streams[0] as Record<string, unknown> | undefined)?.['SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS'];
  return typeof b === 'string' ? b : undefined;
}

function topoOrder(names: readonly string[], edges: readonly { from: string; to: string }[]): string[] {
  const indeg = new Map(names.map((n) => [n, 0]));
  for (const e of edges) indeg.set(e.to, (indeg.get(e.to) ?? 0) + 1);
  const out: string[] = [];
  const ready = names.filter((n) => indeg.get(n) === 0);
  while (ready.length) {
    const n = ready.shift()!;
    out.push(n);
    for (const e of edges) {
      if (e.from !== n) continue;
      indeg.set(e.to, indeg.get(e.to)! - 1);
      if (indeg.get(e.to) === 0) ready.push(e.to);
    }
  }
  return out;
}

/**
 * The writer's output must carry what the reader decodes: the same proto class on both ends, or, for JSON,
 * every field of the reader's JSON schema among the writer's output columns.
 */
function schemaMismatch(writer: StageInfo, reader: StageInfo, topic: string): string[] {
  const wType = String(writer.config['SINK_KAFKA_DATA_TYPE'] ?? 'PROTO').toUpperCase();
  const streams = typeof reader.config['STREAMS'] === 'string' ? (JSON.parse(reader.config['STREAMS']) as unknown[]) : (reader.config['STREAMS'] as unknown[]);
  const out: string[] = [];
  for (const raw of streams ?? []) {
    const s = raw as Record<string, unknown>;
    const topics = String(s['SOURCE_KAFKA_TOPIC_NAMES'] ?? '').split('|');
    if (!topics.includes(topic)) continue;
    const rType = String(s['INPUT_DATATYPE'] ?? 'PROTO').toUpperCase();
    if (rType !== wType) {
      out.push(`topic ${topic}: stage ${writer.name} writes ${wType} but stage ${reader.name} reads ${rType}`);
      continue;
    }
    if (rType === 'PROTO') {
      const w = String(writer.config['SINK_KAFKA_PROTO_MESSAGE'] ?? '');
      const r = String(s['INPUT_SCHEMA_PROTO_CLASS'] ?? '');
      if (w !== r) out.push(`topic ${topic}: stage ${writer.name} writes ${w} but stage ${reader.name} reads ${r}`);
    } else if (rType === 'JSON') {
      const cols = new Set((writer.check.outputColumns ?? []).map((c) => c.name));
      const schema = s['INPUT_SCHEMA_JSON_SCHEMA'];
      const props = jsonSchemaFields(schema);
      const missing = props.filter((p) => !cols.has(p));
      if (missing.length) out.push(`topic ${topic}: stage ${reader.name} reads ${missing.join(', ')}, which stage ${writer.name} does not write (it writes ${[...cols].join(', ')})`);
    }
  }
  return out;
}

function jsonSchemaFields(schema: unknown): string[] {
  try {
    const obj = (typeof schema === 'string' ? JSON.parse(schema) : schema) as { properties?: Record<string, unknown> } | undefined;
    return Object.keys(obj?.properties ?? {});
  } catch {
    return [];
  }
}
