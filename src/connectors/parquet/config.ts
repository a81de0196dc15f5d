/** PARQUET_SOURCE: a stream's Parquet keys (SOURCE_PARQUET_*). */
import { sourceConfig, type SourceParseContext } from '../../config/connector-spec.js';
import { keyReader } from '../../config/read-key.js';
import { splitList, type Section } from '../../config/reader.js';
import { resolvePath } from '../../config/util.js';
import { PARQUET_KEYS as D } from './keys.js';

const read = keyReader(D);

export interface ParquetSourceConfig {
  readonly filePaths: readonly string[];
  readonly readOrderStrategy: 'EARLIEST_TIME_URL_FIRST';
  readonly schemaMatchStrategy:
    | 'SAME_SCHEMA_WITH_FAIL_ON_MISMATCH'
    | 'BACKWARD_COMPATIBLE_SCHEMA_WITH_FAIL_ON_TYPE_MISMATCH';
  /** SOURCE_PARQUET_FILE_DATE_RANGE as epoch-ms pairs, both ends inclusive. */
  readonly dateRanges: readonly { readonly start: number; readonly end: number }[];
}

function parseParquet(s: Section, ctx: SourceParseContext): ParquetSourceConfig {
  const pathsKey = 'SOURCE_PARQUET_FILE_PATHS';
  const v = s.json(pathsKey, 'a JSON array of file or folder paths');
  let filePaths: string[] = [];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x.trim() !== '')) {
    filePaths = (v as string[]).map((p) => resolvePath(ctx.baseDir, p.trim()));
  } else if (!(v === undefined && s.issues.errors.some((e) => e.key === s.path(pathsKey)))) {
    s.error(pathsKey, 'a non-empty JSON array of file or folder paths', v);
  }
  read(s, 'SOURCE_PARQUET_READ_ORDER_STRATEGY'); // one value today: read to reject others
  const schemaMatchStrategy = read(s, 'SOURCE_PARQUET_SCHEMA_MATCH_STRATEGY');
  const dateRanges: { start: number; end: number }[] = [];
  const rangeText = s.optional('SOURCE_PARQUET_FILE_DATE_RANGE');
  if (rangeText !== undefined) {
    for (const part of rangeText.split(';').map((x) => x.trim()).filter((x) => x)) {
      const ends = splitList(part);
      const [start, end] = ends.map((e) => Date.parse(e));
      if (ends.length !== 2 || start === undefined || end === undefined || Number.isNaN(start) || Number.isNaN(end) || start > end) {
        s.error('SOURCE_PARQUET_FILE_DATE_RANGE', 'ranges "start,end;start,end" of ISO instants with start <= end', part);
        continue;
      }
      dateRanges.push({ start, end });
    }
  }
  return { filePaths, readOrderStrategy: 'EARLIEST_TIME_URL_FIRST', schemaMatchStrategy, dateRanges };
}

export const parquetSourceConfig = sourceConfig({
  names: ['PARQUET_SOURCE'],
  runsAs: 'BOUNDED',
  slot: 'parquet',
  keys: D,
  parse: parseParquet,
  dataTypes: ['PROTO'],
  dataTypeNote: 'Parquet rows are decoded with the proto schema',
  hybridPart: 'first',
});
