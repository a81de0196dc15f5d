import { mkdir, readFile, rename, writeFile, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DirkError } from '../../core/errors.js';
import { EVENTS_KEPT_PER_JOB, type JobEvent, type JobRecord, type JobRepository, type PipelineRecord } from './types.js';

interface StoreFile {
  readonly format: 'dirk-job-repository';
  readonly version: 1;
  jobs: Record<string, JobRecord>;
  events: Record<string, JobEvent[]>;
  pipelines: Record<string, PipelineRecord>;
}

/**
 * The embedded repository: one JSON file (`<dir>/repository.json`), held in memory and rewritten whole on
 * every change (temp file, fsync, rename), so a crash leaves the old or the new file, never half of one.
 * Writes are serialised through one promise chain. Meant for one service process; several services sharing
 * jobs use PostgreSQL.
 */
export class FileRepository implements JobRepository {
  readonly kind = 'file' as const;
  private writes: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly data: StoreFile,
  ) {}

  static async open(dir: string): Promise<FileRepository> {
    const file = join(dir, 'repository.json');
    await mkdir(dir, { recursive: true });
    let data: StoreFile = { format: 'dirk-job-repository', version: 1, jobs: {}, events: {}, pipelines: {} };
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<StoreFile>;
      if (parsed.format !== 'dirk-job-repository') throw new Error('not a Dirk job repository file');
      data = { ...data, ...parsed } as StoreFile;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new DirkError(`cannot read the job repository ${file}: ${(e as Error).message}`, { domain: 'user', cause: e });
      }
    }
    return new FileRepository(file, data);
  }

  list(): Promise<JobRecord[]> {
    return Promise.resolve(Object.values(this.data.jobs).sort((a, b) => a.id.localeCompare(b.id)));
  }

  get(id: string): Promise<JobRecord | undefined> {
    return Promise.resolve(this.data.jobs[id]);
  }

  put(job: JobRecord): Promise<void> {
    this.data.jobs[job.id] = job;
    return this.save();
  }

  async delete(id: string): Promise<boolean> {
    const had = id in this.data.jobs;
    delete this.data.jobs[id];
    delete this.data.events[id];
    await this.save();
    return had;
  }

  addEvent(event: JobEvent): Promise<void> {
    const list = (this.data.events[event.jobId] ??= []);
    list.push(event);
    if (list.length > EVENTS_KEPT_PER_JOB) list.splice(0, list.length - EVENTS_KEPT_PER_JOB);
    return this.save();
  }

  events(jobId: string, limit: number): Promise<JobEvent[]> {
    return Promise.resolve((this.data.events[jobId] ?? []).slice(-limit));
  }

  listPipelines(): Promise<PipelineRecord[]> {
    return Promise.resolve(Object.values(this.data.pipelines).sort((a, b) => a.name.localeCompare(b.name)));
  }

  getPipeline(name: string): Promise<PipelineRecord | undefined> {
    return Promise.resolve(this.data.pipelines[name]);
  }

  putPipeline(p: PipelineRecord): Promise<void> {
    this.data.pipelines[p.name] = p;
    return this.save();
  }

  async deletePipeline(name: string): Promise<boolean> {
    const had = name in this.data.pipelines;
    delete this.data.pipelines[name];
    await this.save();
    return had;
  }

  close(): Promise<void> {
    return this.writes;
  }

  private save(): Promise<void> {
    const text = JSON.stringify(this.data, null, 1);
    const next = this.writes.then(() => writeAtomically(this.file, text));
    // A failed write must not poison the chain for the next one; the caller still sees this one fail.
    this.writes = next.catch(() => undefined);
    return next;
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp`;
  await mkdir(dirname(file), { recursive: true });
  await writeFile(tmp, text);
  const fh = await open(tmp, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
}
