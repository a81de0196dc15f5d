/** The datagen source: rows generated from the table's schema with a seeded generator. */
import type { DatagenSourceConfig } from '../../config/index.js';
import { defineSource } from '../connector.js';

export const datagenSource = defineSource({
  kind: 'source',
  name: 'DATAGEN_SOURCE',
  slice: (stream): DatagenSourceConfig => stream.datagen!,
  create: async (g, ctx) =>
    (await import('./datagen-source.js')).createDatagenSource({
      table: ctx.schema,
      rows: g.rows,
      seed: g.seed,
      ...(g.ratePerSecond !== undefined ? { ratePerSecond: g.ratePerSecond } : {}),
    }),
});
