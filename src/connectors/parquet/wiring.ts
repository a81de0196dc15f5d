/**
 * Builds a PARQUET_SOURCE from a job's stream config: the one place the job layer calls into this connector
 * (createSource in src/job/stream-manager.ts), so the connector itself needs only core and schema.
 */
import type { Logger } from '../../core/logger.js';
import type { Source } from '../../core/connector.js';
import type { StreamConfig } from '../../config/index.js';
import type { PreparedJob } from '../../job/prepare.js';
import { createParquetSource, type ParquetMetrics } from './parquet-source.js';

/** Table column positions the query reads (the same rule as the protobuf decoder's projection). */
export function usedColumns(job: PreparedJob, table: string): Set<number> {
  const schema = job.tables.get(table)!.schema;
  const used = new Set<number>();
  for (const scan of job.plan.scans) if (scan.table.name === schema.name) for (const c of scan.used) used.add(c);
  return used;
}

export function parquetSourceFromStream(job: PreparedJob, stream: StreamConfig, logger: Logger, metrics?: ParquetMetrics): Source {
  const p = stream.parquet!;
  return createParquetSource({
    table: job.tables.get(stream.table)!.schema,
    streamKey: `STREAMS[${stream.index}]`,
    paths: p.filePaths,
    dateRanges: p.dateRanges,
    strategy: p.schemaMatchStrategy,
    protoType: job.registry!.lookupType(stream.protoClass!),
    rowtimeFieldNumber: stream.eventTimestampFieldIndex,
    used: usedColumns(job, stream.table),
    logger,
    ...(metrics ? { metrics } : {}),
  });
}
