/**
 * Command-line parsing: node's util.parseArgs in strict mode (an unknown option is an error), after taking
 * out Dagger-style config arguments. `--KEY value` / `--KEY=value` where KEY is upper case (FLINK_SQL_QUERY,
 * SINK_TYPE, ...) sets a config key, overriding the job file and the environment; `--encodedArgs <base64>`
 * is Dagger's form of the same (a base64 JSON array of program arguments).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DirkError } from '../core/errors.js';

export class UsageError extends DirkError {
  constructor(message: string) {
    super(message, { domain: 'user' });
    this.name = 'UsageError';
  }
}

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Options every command takes. */
const COMMON: OptionSpec = {
  help: { type: 'boolean', short: 'h' },
  'log-level': { type: 'string' },
};

/** Options per command, beyond COMMON. Commands that load a job also take --strict and config keys. */
export const COMMAND_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  run: {
    strict: { type: 'boolean' },
    'checkpoint-dir': { type: 'string' },
    'watch-udfs': { type: 'boolean' },
    'progress-interval': { type: 'string' },
  },
  validate: { strict: { type: 'boolean' } },
  explain: { strict: { type: 'boolean' } },
  topics: { strict: { type: 'boolean' } },
  test: { update: { type: 'boolean' }, filter: { type: 'string' } },
  init: { force: { type: 'boolean' } },
  serve: {
    port: { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
    'sync-interval-ms': { type: 'string' },
  },
  pipeline: {
    server: { type: 'string' },
    token: { type: 'string' },
  },
  registry: {
    port: { type: 'string' },
    host: { type: 'string' },
    namespace: { type: 'string' },
    name: { type: 'string' },
  },
};

/** Commands whose config may be given as `--KEY value`. */
const TAKES_CONFIG_KEYS = new Set(['run', 'validate', 'explain', 'topics']);

export interface ParsedCommandLine {
  readonly command: string | undefined;
  readonly positionals: readonly string[];
  readonly options: Readonly<Record<string, string | boolean | undefined>>;
  /** `--KEY value` config overrides, in order. */
  readonly configArgs: readonly (readonly [string, string])[];
}

const CONFIG_KEY = /^--([A-Z][A-Z0-9_]*)(?:=(.*))?$/s;

export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    return { command: 'version', positionals: [], options: {}, configArgs: [] };
  }
  const command = findCommand(argv);
  const { rest, configArgs } = takeConfigArgs(argv, command !== undefined && TAKES_CONFIG_KEYS.has(command));
  const spec: OptionSpec = { ...COMMON, ...(command !== undefined ? COMMAND_OPTIONS[command] ?? {} : { version: { type: 'boolean', short: 'V' } }) };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...rest], options: spec, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError(describeParseError(e, command));
  }
  const [first, ...positionals] = parsed.positionals;
  const options = parsed.values as Record<string, string | boolean | undefined>;
  if (first === undefined && options['version'] === true) return { command: 'version', positionals: [], options, configArgs };
  return { command: first, positionals, options, configArgs };
}

/** The first positional, skipping the value of a common string option given before it. */
function findCommand(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--log-level') i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

function takeConfigArgs(argv: readonly string[], allowed: boolean): { rest: string[]; configArgs: [string, string][] } {
  const rest: string[] = [];
  const configArgs: [string, string][] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === '--encodedArgs' || a.startsWith('--encodedArgs=')) {
      const value = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (!allowed) throw new UsageError('--encodedArgs is only taken by run, validate, explain and topics');
      const decoded = takeConfigArgs(decodeEncodedArgs(value), true);
      if (decoded.rest.length > 0) throw new UsageError(`--encodedArgs: expected only --KEY value pairs, found ${decoded.rest[0]}`);
      configArgs.push(...decoded.configArgs);
      continue;
    }
    const m = CONFIG_KEY.exec(a);
    if (!m) {
      rest.push(a);
      continue;
    }
    if (!allowed) throw new UsageError(`${a}: config keys as arguments are only taken by run, validate, explain and topics`);
    const key = m[1]!;
    let value = m[2];
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined) throw new UsageError(`--${key} needs a value: --${key} <value> or --${key}=<value>`);
      i++;
    }
    configArgs.push([key, value]);
  }
  return { rest, configArgs };
}

function decodeEncodedArgs(value: string | undefined): string[] {
  if (value === undefined) throw new UsageError('--encodedArgs needs a value: a base64 JSON array of arguments');
  let arr: unknown;
  try {
    arr = JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as unknown;
  } catch {
    arr = undefined;
  }
  if (!Array.isArray(arr) || !arr.every((x) => typeof x === 'string')) {
    throw new UsageError('--encodedArgs: expected base64 of a JSON array of strings, such as ["--SINK_TYPE","log"]');
  }
  return arr as string[];
}

function describeParseError(e: unknown, command: string | undefined): string {
  const code = (e as NodeJS.ErrnoException).code;
  const message = (e as Error).message;
  const help = command ? `dirk ${command} --help` : 'dirk --help';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const opt = /'([^']+)'/.exec(message)?.[1] ?? message;
    return `unknown option ${opt}${command ? ` for dirk ${command}` : ''} (see ${help})`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const opt = /Option '(-{1,2}[\w-]+)/.exec(message)?.[1];
    return opt ? `option ${opt} ${message.includes('argument missing') ? 'needs a value' : 'takes no value'} (see ${help})` : `${message} (see ${help})`;
  }
  return `${message} (see ${help})`;
}

/** A TCP port given on the command line: an integer from 0 (any free port) to 65535. */
export function portOption(value: string | boolean | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const text = String(value).trim();
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new UsageError(`${flag}: expected a port number from 0 to 65535 (0 picks a free port), found "${String(value)}"`);
  }
  return n;
}
