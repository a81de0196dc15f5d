/**
 * A small structured logger; components receive one, never write to the console directly.
 * Two formats: `text` (default), `2026-01-01T09:00:00.000Z INFO  message key=value ...`, and `json`
 * (DIRK_LOG_FORMAT=json), one JSON object per line with stable fields first:
 *   {"time":"<ISO 8601>","level":"info","job":"<FLINK_JOB_ID>","msg":"...", ...context fields}
 * (`job` once the job's config is loaded). Lines are written synchronously to stderr, so nothing is lost when
 * the process exits right after; that is why this is not pino, whose fast path writes asynchronously.
 * Secrets never reach a line: see redact.ts.
 */
import { isSecretKey, redactText } from './redact.js';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'text' | 'json';

/** The fields a JSON log line always starts with, in this order; context fields follow. */
export const JSON_LOG_FIELDS = ['time', 'level', 'job', 'msg'] as const;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(
  options: { level?: LogLevel; format?: LogFormat; bindings?: Record<string, unknown>; write?: (line: string) => void } = {},
): Logger {
  const level = options.level ?? ((process.env['DIRK_LOG_LEVEL'] as LogLevel | undefined) ?? 'info');
  const format = options.format ?? (process.env['DIRK_LOG_FORMAT']?.toLowerCase() === 'json' ? 'json' : 'text');
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const bindings = options.bindings ?? {};
  const log =
    (l: LogLevel) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (ORDER[l] < ORDER[level]) return;
      const time = new Date().toISOString();
      if (format === 'json') {
        const { job, ...context } = { ...bindings, ...fields };
        // Context fields never overwrite the stable ones.
        for (const k of JSON_LOG_FIELDS) delete context[k];
        write(redactText(JSON.stringify({ time, level: l, ...(job === undefined ? {} : { job }), msg, ...context }, secretReplacer)));
        return;
      }
      // The job id is in every JSON line; in text it would repeat on every line of a one-job process.
      const { job: _job, ...extra } = { ...bindings, ...fields };
      const tail = Object.keys(extra).length ? ` ${formatFields(extra)}` : '';
      // Secrets never reach a log line: URL credentials and queries, key=value secrets, auth headers.
      write(`${time} ${l.toUpperCase().padEnd(5)} ${redactText(`${msg}${tail}`)}`);
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (b) => createLogger({ level, format, bindings: { ...bindings, ...b }, write }),
  };
}

function formatFields(f: Record<string, unknown>): string {
  return Object.entries(f)
    .map(([k, v]) => `${k}=${isSecretKey(k) && v !== undefined && v !== '' ? '***' : typeof v === 'string' ? v : JSON.stringify(v, secretReplacer)}`)
    .join(' ');
}

function secretReplacer(key: string, value: unknown): unknown {
  return key !== '' && isSecretKey(key) && value !== undefined && value !== '' ? '***' : jsonReplacer(key, value);
}

/** JSON.stringify replacer that keeps bigint, Map and bytes readable. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};
