/** The file source: JSON lines, protobuf JSON lines or length-delimited protobuf records from one file. */
import type { BadRecordPolicy, FileSourceConfig } from '../../config/index.js';
import { defineSource } from '../connector.js';

export const fileSource = defineSource({
  kind: 'source',
  name: 'FILE_SOURCE',
  slice: (stream): { table: string; file: FileSourceConfig; badRecords: BadRecordPolicy; protoClass: string | undefined } => ({
    table: stream.table,
    file: stream.file!,
    badRecords: stream.badRecordPolicy,
    protoClass: stream.dataType === 'PROTO' ? stream.protoClass : undefined,
  }),
  async create(s, ctx) {
    const { createFileSource } = await import('./file-source.js');
    const protoType = s.protoClass ? ctx.registry!.lookupType(s.protoClass) : undefined;
    return createFileSource({
      table: s.table,
      path: s.file.path,
      format: s.file.format,
      decoder: ctx.decoder,
      badRecords: s.badRecords,
      logger: ctx.logger.child({ table: s.table }),
      ...(protoType ? { protoJsonToBytes: (obj: unknown) => protoType.encode(protoType.fromObject(obj as Record<string, unknown>)).finish() } : {}),
    });
  },
});
