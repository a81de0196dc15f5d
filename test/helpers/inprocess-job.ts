// Runs a job in this process (parse -> prepare -> start) to its end: for bounded inputs, so a test can look
// at what each sink received. The log sink's lines are captured.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { silentLogger } from '../../src/core/logger.js';
import { parseJobConfig } from '../../src/config/index.js';
import { prepareJob } from '../../src/job/prepare.js';
import { startJob } from '../../src/job/stream-manager.js';
import { REPO_ROOT } from './process.js';

export interface FinishedJob {
  /** Lines the log sink wrote. */
  readonly lines: string[];
  /** The job's /metrics text at its end. */
  readonly metrics: string;
}

export async function runBoundedJob(raw: Record<string, unknown>): Promise<FinishedJob> {
  const job = await prepareJob(parseJobConfig(raw).config, silentLogger);
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString('utf8')));
  const running = await startJob(job, { logger: silentLogger, out, checkpointDir: mkdtempSync(join(tmpdir(), 'dirk-ckpt-')) });
  await running.done;
  return { lines: text.split('\n').filter((l) => l), metrics: await running.telemetry.registry.metrics() };
}

/** One STREAMS entry reading BookingLogMessage rows from Parquet files (see test/connectors/parquet/parquet-files.ts). */
export function parquetBookingStream(paths: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    INPUT_SCHEMA_TABLE: 'booking',
    INPUT_SCHEMA_PROTO_CLASS: 'dirk.examples.BookingLogMessage',
    INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX: '5',
    SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'PARQUET_SOURCE' }],
    SOURCE_PARQUET_FILE_PATHS: paths,
    ...extra,
  };
}

/** Job keys shared by the in-process tests: protos from the repo, no metrics server, watermarks without delay. */
export const IN_PROCESS_DEFAULTS = {
  FLINK_WATERMARK_DELAY_MS: '0',
  SCHEMA_PROTO_DIRS: join(REPO_ROOT, 'protos'),
  METRIC_TELEMETRY_ENABLE: 'false',
} as const;
