/** The datagen source: rows generated from the table's schema, by a seeded generator or by Flink's datagen rules (flink-fields.ts). */
import type { DatagenSourceConfig } from '../../config/index.js';
import { defineSource } from '../connector.js';

export const datagenSource = defineSource({
  kind: 'source',
  name: 'DATAGEN_SOURCE',
  slice: (stream): DatagenSourceConfig & { rowtimeSource?: string } => ({
    ...stream.datagen!,
    ...(stream.jsonEventTimestampFieldName !== undefined ? { rowtimeSource: stream.jsonEventTimestampFieldName } : {}),
  }),
  create: async ({ rowtimeSource, ...g }, ctx) =>
    (await import('./datagen-source.js')).createDatagenSource({
      table: ctx.schema,
      rows: g.rows,
      seed: g.seed,
      ...(g.ratePerSecond !== undefined ? { ratePerSecond: g.ratePerSecond } : {}),
      ...(g.flinkFields !== undefined ? { flinkFields: g.flinkFields } : {}),
      ...(rowtimeSource !== undefined ? { rowtimeSource } : {}),
    }),
});
