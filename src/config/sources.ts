/**
 * Where a job's config comes from, and which source wins. Dagger reads its config from exactly one place
 * (a properties file, the environment, or `--KEY value` program arguments); Dirk layers them, lowest first:
 *
 *   1. the job file: JSON (`job.json`) or Java properties (`local.properties`), chosen by extension
 *      (an unknown extension is read as JSON when its first character is `{`, else as properties);
 *   2. environment variables whose name is a job-level config key (`FLINK_SQL_QUERY`, `SINK_TYPE`, ...,
 *      or a key prefix such as `SINK_KAFKA_PRODUCER_CONFIG_`); other variables are never read as keys;
 *   3. `--KEY value` (or `--KEY=value`) command-line arguments, and Dagger's `--encodedArgs <base64 JSON array>`.
 *
 * A higher layer replaces a key's whole value (STREAMS is one key: an override replaces every stream).
 * `${NAME}` references inside values are filled from the environment afterwards, whatever layer they came from.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { DirkError, userError } from '../core/errors.js';
import { ConfigError } from '../core/errors.js';
import { ConfigErrors } from './config-errors.js';
import { JOB_KEYS, JOB_KEY_PREFIXES } from './defaults.js';
import { jsonErrorPosition } from './json-scan.js';
import { parseJobConfig } from './parse.js';
import { parseProperties } from './properties.js';
import type { ParseOptions, ParsedJobConfig } from './types.js';

export type ConfigOrigin = 'file' | 'env' | 'arg';

export interface ConfigFileContent {
  readonly format: 'json' | 'properties' | 'sql';
  readonly values: Record<string, unknown>;
  readonly warnings: readonly string[];
}

export interface LayeredConfigInput {
  /** The job file, if any; without one the config is the environment and the arguments alone. */
  readonly path?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `--KEY value` pairs from the command line, in order (a later one wins). */
  readonly args?: readonly (readonly [string, string])[];
  /** Every config warning (unknown or legacy key, ...) becomes an error. */
  readonly strict?: boolean;
  readonly parse?: ParseOptions;
}

export interface LayeredConfig extends ParsedJobConfig {
  /** Which layer each top-level key came from. */
  readonly origins: ReadonlyMap<string, ConfigOrigin>;
  readonly format?: 'json' | 'properties' | 'sql';
}

/**
 * Turns a Flink SQL script (a `.sql` job file) into job config keys; registered by the job layer
 * (job/sql-script.ts), which owns the SQL parser that config, below it, cannot import.
 */
export type ScriptReader = (text: string) => Record<string, unknown>;
let scriptReader: ScriptReader | undefined;
export function registerScriptReader(reader: ScriptReader): void {
  scriptReader = reader;
}

/** Read a job file as JSON, properties or a SQL script. Problems are user errors naming the file (and line/column). */
export async function readConfigFile(path: string): Promise<ConfigFileContent> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw userError(`cannot read job config ${path}: ${why}`, { cause: e });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const ext = extname(path).toLowerCase();
  if (ext === '.sql') {
    if (!scriptReader) throw userError(`cannot run the SQL script ${path} here: no script reader is loaded`);
    try {
      return { format: 'sql', values: scriptReader(text), warnings: [] };
    } catch (e) {
      if (e instanceof DirkError && e.position) throw userError(`${path}: ${e.message}`, { cause: e, position: e.position });
      throw e;
    }
  }
  const asJson = ext === '.json' || (ext !== '.properties' && text.trimStart().startsWith('{'));
  if (!asJson) {
    const props = parseProperties(text, path);
    return { format: 'properties', values: props.values, warnings: props.warnings };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text) as unknown;
  } catch (e) {
    const at = jsonErrorPosition(text);
    const where = at ? ` at line ${at.line}, column ${at.column}` : '';
    throw userError(`job config ${path} is not valid JSON${where}: ${at?.reason ?? (e as Error).message}`, {
      cause: e,
      ...(at ? { position: { line: at.line, column: at.column } } : {}),
    });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigErrors([new ConfigError('(top level)', 'a JSON object of Dagger config keys', raw)], path);
  }
  const values = { ...(raw as Record<string, unknown>) };
  // `$schema` points editors at docs/job.schema.json; it is not a config key.
  delete values['$schema'];
  return { format: 'json', values, warnings: [] };
}

/** The environment variables that name job-level config keys (never PATH, HOME, ...). */
export function configKeysFromEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (name in JOB_KEYS || JOB_KEY_PREFIXES.some((p) => name.startsWith(p) && name.length > p.length)) out[name] = value;
  }
  return out;
}

/** Load, layer (file < env < args) and validate a job config. */
export async function loadLayeredJobConfig(input: LayeredConfigInput): Promise<LayeredConfig> {
  const env = input.env ?? process.env;
  const origins = new Map<string, ConfigOrigin>();
  const raw: Record<string, unknown> = {};
  let file: ConfigFileContent | undefined;
  if (input.path !== undefined) {
    file = await readConfigFile(input.path);
    for (const [k, v] of Object.entries(file.values)) {
      raw[k] = v;
      origins.set(k, 'file');
    }
  }
  for (const [k, v] of Object.entries(configKeysFromEnv(env))) {
    raw[k] = v;
    origins.set(k, 'env');
  }
  for (const [k, v] of input.args ?? []) {
    raw[k] = v;
    origins.set(k, 'arg');
  }
  if (origins.size === 0) {
    throw userError('no job config: give a job file (job.json or local.properties), or the keys as --KEY value arguments or environment variables');
  }
  let parsed: ParsedJobConfig;
  try {
    parsed = parseJobConfig(raw, { env, ...input.parse, ...(file?.format === 'sql' ? { sqlScript: true } : {}) });
  } catch (e) {
    if (e instanceof ConfigErrors) throw new ConfigErrors(e.errors, input.path, [...(file?.warnings ?? []), ...e.warnings]);
    throw e;
  }
  const warnings = [...(file?.warnings ?? []), ...parsed.warnings];
  if (input.strict && warnings.length > 0) {
    const errors = warnings.map((w) => new ConfigError(warningKey(w), 'no warnings (--strict)', undefined, w));
    throw new StrictConfigErrors(errors, warnings, input.path);
  }
  return { ...parsed, warnings, origins, ...(file ? { format: file.format } : {}) };
}

/** Under --strict the warnings are the errors; the message lists them as they were worded. */
export class StrictConfigErrors extends ConfigErrors {
  constructor(errors: readonly ConfigError[], warnings: readonly string[], source?: string) {
    super(errors, source);
    const where = source ? ` in ${source}` : '';
    this.message =
      warnings.length === 1
        ? `${warnings[0]} (an error under --strict${where})`
        : `${warnings.length} config warnings${where}, errors under --strict:\n${warnings.map((w) => `  - ${w}`).join('\n')}`;
  }
}

function warningKey(warning: string): string {
  return /^[A-Za-z0-9_.[\]$]+/.exec(warning)?.[0] ?? '(config)';
}

/** One line saying where the config came from, for the log at start. */
export function describeOrigins(config: LayeredConfig, path?: string): string {
  const by = (o: ConfigOrigin): string[] => [...config.origins].filter(([, x]) => x === o).map(([k]) => k);
  const parts: string[] = [];
  if (path !== undefined) parts.push(`${path} (${config.format ?? 'json'})`);
  const env = by('env');
  if (env.length > 0) parts.push(`environment: ${env.join(', ')}`);
  const args = by('arg');
  if (args.length > 0) parts.push(`arguments: ${args.join(', ')}`);
  return `config from ${parts.join('; ')}`;
}
