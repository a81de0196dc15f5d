import { ConfigErrors } from './config-errors.js';
import { parseJobConfig } from './parse.js';
import { readConfigFile } from './sources.js';
import type { ParseOptions, ParsedJobConfig } from './types.js';

/**
 * Read and validate a job file (JSON, or Java properties such as Dagger's local.properties; see sources.ts).
 * A missing file or bad JSON is a user error naming the file (and, for JSON, the line and column); config
 * mistakes come back as ConfigErrors naming the file. `${NAME}` references are filled from `opts.env`, by
 * default process.env as it is at load time. The CLI uses loadLayeredJobConfig, which also layers the
 * environment and `--KEY value` arguments over the file.
 */
export async function loadJobConfigFile(
  path: string,
  opts: ParseOptions = {},
): Promise<ParsedJobConfig> {
  const file = await readConfigFile(path);
  try {
    const parsed = parseJobConfig(file.values, { env: process.env, ...opts, ...(file.format === 'sql' ? { sqlScript: true } : {}) });
    return { ...parsed, warnings: [...file.warnings, ...parsed.warnings] };
  } catch (e) {
    if (e instanceof ConfigErrors) throw new ConfigErrors(e.errors, path, [...file.warnings, ...e.warnings]);
    throw e;
  }
}
