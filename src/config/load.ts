import { readFile } from 'node:fs/promises';
import { userError } from '../core/errors.js';
import { ConfigErrors } from './config-errors.js';
import { parseJobConfig } from './parse.js';
import { jsonErrorPosition } from './json-scan.js';
import { parseProperties } from './properties.js';
import type { ParseOptions, ParsedJobConfig } from './types.js';

/**
 * Read and validate a job file. A missing file or bad JSON is a user error naming the file (and, for JSON,
 * the line and column); config mistakes come back as ConfigErrors naming the file.
 * `${NAME}` references are filled from `opts.env`, by default process.env as it is at load time.
 */
export async function loadJobConfigFile(
  path: string,
  opts: ParseOptions = {},
): Promise<ParsedJobConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw userError(`cannot read job config ${path}: ${why}`, { cause: e });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let raw: unknown;
  try {
    // Dagger's own job files are Java properties (its quickstart's local.properties).
    raw = path.endsWith('.properties') ? parseProperties(text) : (JSON.parse(text) as unknown);
  } catch (e) {
    const at = jsonErrorPosition(text);
    const where = at ? ` at line ${at.line}, column ${at.column}` : '';
    throw userError(`job config ${path} is not valid JSON${where}: ${at?.reason ?? (e as Error).message}`, {
      cause: e,
      ...(at ? { position: { line: at.line, column: at.column } } : {}),
    });
  }
  try {
    return parseJobConfig(raw, { env: process.env, ...opts });
  } catch (e) {
    if (e instanceof ConfigErrors) throw new ConfigErrors(e.errors, path);
    throw e;
  }
}
