/** A small structured logger; components receive one, never write to the console directly. */
import { isSecretKey, redactText } from './redact.js';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(
  options: { level?: LogLevel; bindings?: Record<string, unknown>; write?: (line: string) => void } = {},
): Logger {
  const level = options.level ?? ((process.env['DIRK_LOG_LEVEL'] as LogLevel | undefined) ?? 'info');
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const bindings = options.bindings ?? {};
  const log =
    (l: LogLevel) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (ORDER[l] < ORDER[level]) return;
      const extra = { ...bindings, ...fields };
      const tail = Object.keys(extra).length ? ` ${formatFields(extra)}` : '';
      // Secrets never reach a log line: URL credentials and queries, key=value secrets, auth headers.
      write(`${new Date().toISOString()} ${l.toUpperCase().padEnd(5)} ${redactText(`${msg}${tail}`)}`);
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (b) => createLogger({ level, bindings: { ...bindings, ...b }, write }),
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
