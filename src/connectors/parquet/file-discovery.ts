/**
 * Which Parquet files a PARQUET_SOURCE reads, and in what order (Dagger's EARLIEST_TIME_URL_FIRST).
 *
 * Every path in SOURCE_PARQUET_FILE_PATHS is a file or a folder searched recursively. As Flink's FileSource
 * does, names starting with `.` or `_` (`_SUCCESS`, `.crc` files, temporary folders) are skipped. Each file's
 * time comes from its `dt=YYYY-MM-DD[/hr=HH]` partition folders (UTC); a file without them cannot be ordered
 * and is a user error, as in Dagger. SOURCE_PARQUET_FILE_DATE_RANGE keeps only files whose partition time lies
 * in one of the ranges (both ends inclusive), and the files are read oldest partition first (ties by path,
 * so the order is the same on every run).
 */
import fs from 'node:fs';
import path from 'node:path';
import { userError } from '../../core/errors.js';

export interface ParquetFileSplit {
  readonly path: string;
  /** Start of the file's partition (epoch ms, UTC). */
  readonly partitionTime: number;
}

export interface DiscoveredFiles {
  /** Files found under the configured paths (Dagger's total_splits_discovered). */
  readonly discovered: number;
  /** Files kept after the date ranges, in read order (total_splits_recorded). */
  readonly splits: readonly ParquetFileSplit[];
}

const PARTITION = /(?:^|\/)dt=(\d{4})-(\d{2})-(\d{2})(?:\/hr=(\d{2}))?(?:\/|$)/;

/** The partition time of a path such as `.../dt=2024-05-01/hr=07/part-0.parquet`, or undefined. */
export function partitionTime(filePath: string): number | undefined {
  const m = PARTITION.exec(filePath.split(path.sep).join('/'));
  if (!m) return undefined;
  const [, y, mo, d, h] = m;
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(d), h === undefined ? 0 : Number(h));
  const back = new Date(t);
  // Date.UTC rolls 2024-02-31 over to March; such a folder name is a typo, not a date.
  if (back.getUTCDate() !== Number(d) || back.getUTCMonth() !== Number(mo) - 1 || (h !== undefined && Number(h) > 23)) return undefined;
  return t;
}

function listFiles(root: string, key: string): string[] {
  let st: fs.Stats;
  try {
    st = fs.statSync(root);
  } catch (e) {
    throw userError(`${key}: ${root} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { key });
  }
  if (st.isFile()) return [root];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push(full);
    }
  };
  walk(root);
  return out;
}

export function discoverParquetFiles(
  roots: readonly string[],
  dateRanges: readonly { readonly start: number; readonly end: number }[],
  key = 'SOURCE_PARQUET_FILE_PATHS',
): DiscoveredFiles {
  const seen = new Set<string>();
  const files: string[] = [];
  for (const root of roots) for (const f of listFiles(root, key)) if (!seen.has(f)) (seen.add(f), files.push(f));
  const splits: ParquetFileSplit[] = [];
  for (const f of files) {
    const t = partitionTime(f);
    if (t === undefined) {
      throw userError(
        `${key}: cannot tell the time of ${f} for EARLIEST_TIME_URL_FIRST ordering: its path has no dt=YYYY-MM-DD or dt=YYYY-MM-DD/hr=HH folder`,
        { key },
      );
    }
    if (dateRanges.length > 0 && !dateRanges.some((r) => r.start <= t && t <= r.end)) continue;
    splits.push({ path: f, partitionTime: t });
  }
  splits.sort((a, b) => a.partitionTime - b.partitionTime || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { discovered: files.length, splits };
}
