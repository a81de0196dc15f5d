/** FILE_SOURCE: a stream's file keys (SOURCE_FILE_*). */
import { sourceConfig, type SourceParseContext } from '../../config/connector-spec.js';
import type { Section } from '../../config/reader.js';
import { resolvePath } from '../../config/util.js';
import { FILE_KEYS as D } from './keys.js';

export interface FileSourceConfig {
  readonly path: string;
  readonly format: 'JSONL' | 'PROTO_JSONL' | 'PROTO_DELIMITED';
}

function parseFile(s: Section, ctx: SourceParseContext): FileSourceConfig {
  const dataType = ctx.dataType;
  const path = s.required('SOURCE_FILE_PATH', 'a file path');
  const allowed = dataType === 'JSON' ? (['JSONL'] as const) : (['PROTO_JSONL', 'PROTO_DELIMITED'] as const);
  const fallback = allowed[0];
  let format: FileSourceConfig['format'] = fallback;
  if (s.has('SOURCE_FILE_FORMAT')) {
    const all = ['JSONL', 'PROTO_JSONL', 'PROTO_DELIMITED'] as const;
    format = s.oneOf('SOURCE_FILE_FORMAT', all, fallback);
    if (!(allowed as readonly string[]).includes(format)) {
      s.error('SOURCE_FILE_FORMAT', `${allowed.join(' or ')} for INPUT_DATATYPE=${dataType}`, s.get('SOURCE_FILE_FORMAT'));
      format = fallback;
    }
  }
  return { path: path ? resolvePath(ctx.baseDir, path) : '', format };
}

export const fileSourceConfig = sourceConfig({ names: ['FILE_SOURCE'], runsAs: 'BOUNDED', slot: 'file', keys: D, parse: parseFile, dataTypes: ['PROTO', 'JSON'], hybridPart: 'first' });
