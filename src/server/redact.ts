import { isSecretKey, redactText } from '../core/redact.js';

/**
 * Masking for what the control plane returns and logs, built on the engine's own rules (src/core/redact.ts:
 * which key names are secret, how URLs and free text are cleaned). A job config is stored as the user sent it (the job
 * needs its passwords), but no API response, event or log line carries a secret: values under secret-looking
 * keys (passwords, JAAS lines, tokens, API keys, auth headers) become "***", also inside JSON written as a
 * string (PROCESSOR_POSTPROCESSOR_CONFIG often is), and URLs lose their userinfo and query string.
 */

export const MASK = '***';

export function isSecretName(name: string): boolean {
  return isSecretKey(name);
}

/** A copy of `value` with secrets masked. */
export function maskSecrets(value: unknown, keyName = ''): unknown {
  if (typeof value === 'string') {
    if (isSecretName(keyName) && value !== '') return MASK;
    const trimmed = value.trimStart();
    if ((trimmed.startsWith('{') || trimmed.startsWith('[')) && trimmed.length > 1) {
      try {
        return JSON.stringify(maskSecrets(JSON.parse(value) as unknown));
      } catch {
        // Not JSON after all: fall through to the string rules.
      }
    }
    return maskInText(value);
  }
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, keyName));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSecretName(k) && v !== '' && v !== null && v !== undefined ? MASK : maskSecrets(v, k);
    }
    return out;
  }
  if (isSecretName(keyName) && value !== null && value !== undefined) return MASK;
  return value;
}

/** Free text as core's redactText cleans it, plus bare `Bearer x` / `Basic x` credentials. */
export function maskInText(text: string): string {
  return redactText(text).replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${MASK}`);
}

/**
 * Every secret string in a config, so log lines of a job's process can be scrubbed of them even where the
 * job printed one by mistake. Short values (under 4 characters) are left out: they would mask common words.
 */
export function secretValues(value: unknown, keyName = '', out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    if (isSecretName(keyName) && value.length >= 4) out.add(value);
    const trimmed = value.trimStart();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        secretValues(JSON.parse(value) as unknown, '', out);
      } catch {
        // not JSON
      }
    }
    const jaas = /password\s*=\s*"([^"]{4,})"/gi;
    for (const m of value.matchAll(jaas)) out.add(m[1]!);
  } else if (Array.isArray(value)) {
    for (const v of value) secretValues(v, keyName, out);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) secretValues(v, k, out);
  } else if (isSecretName(keyName) && (typeof value === 'number' || typeof value === 'boolean')) {
    out.add(String(value));
  }
  return out;
}

export function scrub(line: string, secrets: ReadonlySet<string>): string {
  let s = line;
  for (const secret of secrets) if (s.includes(secret)) s = s.split(secret).join(MASK);
  return maskInText(s);
}
