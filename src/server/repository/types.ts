/**
 * The job repository of `dirk serve`: what jobs exist, what state each should be in, and what happened to
 * them. Two implementations share this contract: a file store under the service's data folder (the embedded
 * default, no service needed) and PostgreSQL (DIRK_REPOSITORY_URL), so a service restart on another machine
 * finds the same jobs.
 */

/** What the operator asked for. The supervisor drives the running process towards it. */
export type DesiredState = 'running' | 'stopped';

/** What the job's process is doing now (recorded by the status sync). */
export type JobState = 'created' | 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped' | 'finished' | 'failed';

export interface JobRecord {
  /** URL-safe id: letters, digits, '-', '_' and '.'. */
  readonly id: string;
  /** The job config as the user sent it (Dagger keys), secrets included: never returned unmasked. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly desired: DesiredState;
  /** Bumped on every config change, so a reader can tell an update from a restart. */
  readonly version: number;
  /** Pipeline this job is a stage of, if any. */
  readonly pipeline?: string | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface JobEvent {
  readonly jobId: string;
  readonly at: string;
  readonly state: JobState;
  readonly reason?: string | undefined;
}

export interface PipelineRecord {
  readonly name: string;
  /** The pipeline file as given (stages, topics). */
  readonly spec: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface JobRepository {
  readonly kind: 'file' | 'postgres';
  list(): Promise<JobRecord[]>;
  get(id: string): Promise<JobRecord | undefined>;
  /** Insert or replace. */
  put(job: JobRecord): Promise<void>;
  delete(id: string): Promise<boolean>;
  addEvent(event: JobEvent): Promise<void>;
  /** Newest last, at most `limit`. */
  events(jobId: string, limit: number): Promise<JobEvent[]>;
  listPipelines(): Promise<PipelineRecord[]>;
  getPipeline(name: string): Promise<PipelineRecord | undefined>;
  putPipeline(p: PipelineRecord): Promise<void>;
  deletePipeline(name: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Events kept per job: enough for a history view, bounded so a flapping job cannot grow the store. */
export const EVENTS_KEPT_PER_JOB = 200;
