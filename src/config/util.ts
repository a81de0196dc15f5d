import { isAbsolute, resolve } from 'node:path';
import type { Issues } from './config-errors.js';
import { isSecretKey, redactText } from '../core/redact.js';

/** Freeze an object graph of plain data in place, so no component can change the config it was given. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

/** Resolve a local path against baseDir; URLs such as gs://bucket/x are kept as they are. */
export function resolvePath(baseDir: string, p: string): string {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(p)) return p;
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

const ENV_REF = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replace `${NAME}` and `${NAME:-fallback}` in every string of a JSON value with variables from `env`;
 * `$${` stands for a literal `${`. A variable that is unset and has no fallback is an error at its key path.
 */
export function substituteEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  path: string,
  issues: Issues,
): unknown {
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    return value.replace(ENV_REF, (whole, name: string | undefined, fallback: string | undefined) => {
      if (name === undefined) return '${';
      const v = env[name];
      if (v !== undefined) return v;
      if (fallback !== undefined) return fallback;
      issues.error(path, `environment variable ${name} to be set (referenced as ${whole})`, undefined, 'use ${NAME:-default} for a fallback');
      return '';
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, `${path}[${i}]`, issues));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteEnv(v, env, path ? `${path}.${k}` : k, issues);
    return out;
  }
  return value;
}

/** `SOURCE_KAFKA_CONSUMER_CONFIG_MAX_POLL_RECORDS` with prefix `SOURCE_KAFKA_CONSUMER_CONFIG_` → `max.poll.records`. */
export function kafkaPropertyName(key: string, prefix: string): string {
  return key.slice(prefix.length).toLowerCase().replace(/_/g, '.');
}


/**
 * A copy of a config value with secrets masked, for logs and `explain` output: values of keys that name a
 * password, JAAS line, secret, token or credential become "***", and `password="..."` inside strings too.
 */
export function redactSecrets(value: unknown, keyName = ''): unknown {
  if (typeof value === 'string') {
    if (isSecretKey(keyName) && value !== '') return '***';
    return redactText(value).replace(/(password\s*=\s*)("[^"]*"|[^\s;,]+)/gi, '$1"***"');
  }
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, keyName));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactSecrets(v, k);
    return out;
  }
  return value;
}
