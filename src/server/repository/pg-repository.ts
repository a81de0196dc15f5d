import type pg from 'pg';
import { DirkError } from '../../core/errors.js';
import { redactUrl } from '../../core/redact.js';
import { EVENTS_KEPT_PER_JOB, type JobEvent, type JobRecord, type JobRepository, type PipelineRecord } from './types.js';

/**
 * The job repository in PostgreSQL (DIRK_REPOSITORY_URL). Tables live in their own schema (default `dirk`,
 * DIRK_REPOSITORY_SCHEMA), created on first use, so several services (and tests) can share one database.
 * Every statement binds its values as parameters; the schema name is checked to be a plain identifier
 * before it is quoted into DDL.
 */
export class PostgresRepository implements JobRepository {
  readonly kind = 'postgres' as const;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
  ) {}

  static async open(url: string, schema = 'dirk'): Promise<PostgresRepository> {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw new DirkError(`DIRK_REPOSITORY_SCHEMA: expected a lower-case SQL identifier, found "${schema}"`, { domain: 'user' });
    }
    // The driver is loaded with a PostgreSQL repository only (the default is the file repository).
    const { default: driver } = await import('pg');
    const pool = new driver.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5_000 });
    // An idle client's error (the server restarted) must not crash the service; the next query reconnects.
    pool.on('error', () => undefined);
    const repo = new PostgresRepository(pool, schema);
    try {
      await repo.migrate();
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw new DirkError(`cannot open the job repository at ${redactUrl(url)}: ${(e as Error).message}`, {
        domain: 'external',
        cause: e,
      });
    }
    return repo;
  }

  private t(name: string): string {
    return `"${this.schema}"."${name}"`;
  }

  private async migrate(): Promise<void> {
    await this.pool.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`);
    await this.pool.query(`CREATE TABLE IF NOT EXISTS ${this.t('jobs')} (
      id text PRIMARY KEY, config jsonb NOT NULL, desired text NOT NULL, version integer NOT NULL,
      pipeline text, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)`);
    await this.pool.query(`CREATE TABLE IF NOT EXISTS ${this.t('job_events')} (
      seq bigserial PRIMARY KEY, job_id text NOT NULL, at timestamptz NOT NULL, state text NOT NULL, reason text)`);
    await this.pool.query(`CREATE INDEX IF NOT EXISTS job_events_by_job ON ${this.t('job_events')} (job_id, seq)`);
    await this.pool.query(`CREATE TABLE IF NOT EXISTS ${this.t('pipelines')} (
      name text PRIMARY KEY, spec jsonb NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)`);
  }

  async list(): Promise<JobRecord[]> {
    const r = await this.pool.query(`SELECT * FROM ${this.t('jobs')} ORDER BY id`);
    return r.rows.map(toJob);
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const r = await this.pool.query(`SELECT * FROM ${this.t('jobs')} WHERE id = $1`, [id]);
    return r.rows[0] ? toJob(r.rows[0]) : undefined;
  }

  async put(job: JobRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.t('jobs')} (id, config, desired, version, pipeline, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO UPDATE SET config = $2, desired = $3, version = $4, pipeline = $5, updated_at = $7`,
      [job.id, JSON.stringify(job.config), job.desired, job.version, job.pipeline ?? null, job.createdAt, job.updatedAt],
    );
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.pool.query(`DELETE FROM ${this.t('jobs')} WHERE id = $1`, [id]);
    await this.pool.query(`DELETE FROM ${this.t('job_events')} WHERE job_id = $1`, [id]);
    return (r.rowCount ?? 0) > 0;
  }

  async addEvent(e: JobEvent): Promise<void> {
    await this.pool.query(`INSERT INTO ${this.t('job_events')} (job_id, at, state, reason) VALUES ($1, $2, $3, $4)`, [
      e.jobId,
      e.at,
      e.state,
      e.reason ?? null,
    ]);
    // Keep the newest EVENTS_KEPT_PER_JOB per job.
    await this.pool.query(
      `DELETE FROM ${this.t('job_events')} WHERE job_id = $1 AND seq <= (
         SELECT seq FROM ${this.t('job_events')} WHERE job_id = $1 ORDER BY seq DESC OFFSET $2 LIMIT 1)`,
      [e.jobId, EVENTS_KEPT_PER_JOB],
    );
  }

  async events(jobId: string, limit: number): Promise<JobEvent[]> {
    const r = await this.pool.query(
      `SELECT * FROM (SELECT * FROM ${this.t('job_events')} WHERE job_id = $1 ORDER BY seq DESC LIMIT $2) e ORDER BY seq`,
      [jobId, limit],
    );
    return r.rows.map((row: Record<string, unknown>) => ({
      jobId: String(row['job_id']),
      at: (row['at'] as Date).toISOString(),
      state: row['state'] as JobEvent['state'],
      ...(row['reason'] != null ? { reason: String(row['reason']) } : {}),
    }));
  }

  async listPipelines(): Promise<PipelineRecord[]> {
    const r = await this.pool.query(`SELECT * FROM ${this.t('pipelines')} ORDER BY name`);
    return r.rows.map(toPipeline);
  }

  async getPipeline(name: string): Promise<PipelineRecord | undefined> {
    const r = await this.pool.query(`SELECT * FROM ${this.t('pipelines')} WHERE name = $1`, [name]);
    return r.rows[0] ? toPipeline(r.rows[0]) : undefined;
  }

  async putPipeline(p: PipelineRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.t('pipelines')} (name, spec, created_at, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET spec = $2, updated_at = $4`,
      [p.name, JSON.stringify(p.spec), p.createdAt, p.updatedAt],
    );
  }

  async deletePipeline(name: string): Promise<boolean> {
    const r = await this.pool.query(`DELETE FROM ${this.t('pipelines')} WHERE name = $1`, [name]);
    return (r.rowCount ?? 0) > 0;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function toJob(row: Record<string, unknown>): JobRecord {
  return {
    id: String(row['id']),
    config: row['config'] as Record<string, unknown>,
    desired: row['desired'] as JobRecord['desired'],
    version: Number(row['version']),
    ...(row['pipeline'] != null ? { pipeline: String(row['pipeline']) } : {}),
    createdAt: (row['created_at'] as Date).toISOString(),
    updatedAt: (row['updated_at'] as Date).toISOString(),
  };
}

function toPipeline(row: Record<string, unknown>): PipelineRecord {
  return {
    name: String(row['name']),
    spec: row['spec'] as Record<string, unknown>,
    createdAt: (row['created_at'] as Date).toISOString(),
    updatedAt: (row['updated_at'] as Date).toISOString(),
  };
}
