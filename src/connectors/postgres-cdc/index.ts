/**
 * POSTGRES_CDC_SOURCE (Dagger issue #55): a PostgreSQL table's changes through logical replication
 * (pgoutput) as a changelog table (+I/-U/+U/-D) that joins and aggregates consume. See docs/connectors.md.
 */
import type { PostgresCdcSourceConfig } from '../../config/index.js';
import { defineSource } from '../connector.js';

export { cdcTableSchema } from './pg-schema.js';

export const postgresCdcSource = defineSource({
  kind: 'source',
  name: 'POSTGRES_CDC_SOURCE',
  slice: (stream): { index: number; config: PostgresCdcSourceConfig } => ({ index: stream.index, config: stream.postgresCdc! }),
  // The replication code (and pg) is loaded with the source.
  create: async (s, ctx) => (await import('./cdc-source.js')).createPostgresCdcSource({ config: s.config, schema: ctx.schema, streamKey: `STREAMS[${s.index}]`, logger: ctx.logger }),
});
