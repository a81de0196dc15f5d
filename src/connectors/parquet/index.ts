/** The Parquet source: local Parquet files in dt=/hr= partition order, rows matched to the stream's proto. */
import type { ParquetSourceConfig } from '../../config/index.js';
import { userError } from '../../core/errors.js';
import { defineSource } from '../connector.js';

export const parquetSource = defineSource({
  kind: 'source',
  name: 'PARQUET_SOURCE',
  slice: (stream): { index: number; parquet: ParquetSourceConfig; protoClass: string | undefined; rowtimeField: number | undefined } => ({
    index: stream.index,
    parquet: stream.parquet!,
    protoClass: stream.dataType === 'PROTO' ? stream.protoClass : undefined,
    rowtimeField: stream.eventTimestampFieldIndex,
  }),
  validate(s) {
    // The config layer already refuses INPUT_DATATYPE=JSON for Parquet; this guards the contract.
    if (!s.protoClass) throw userError(`STREAMS[${s.index}].INPUT_SCHEMA_PROTO_CLASS is required for PARQUET_SOURCE (rows are decoded with the proto schema)`);
  },
  // hyparquet is loaded with the source, not with the registry: a job without Parquet input never loads it.
  create: async (s, ctx) =>
    (await import('./parquet-source.js')).createParquetSource({
      table: ctx.schema,
      streamKey: `STREAMS[${s.index}]`,
      paths: s.parquet.filePaths,
      dateRanges: s.parquet.dateRanges,
      strategy: s.parquet.schemaMatchStrategy,
      protoType: ctx.registry!.lookupType(s.protoClass!),
      rowtimeFieldNumber: s.rowtimeField,
      used: ctx.usedColumns,
      logger: ctx.logger,
      ...(ctx.telemetry ? { metrics: ctx.telemetry.parquetMetrics(ctx.schema.name) } : {}),
    }),
});
