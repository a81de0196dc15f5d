/**
 * Keeping secrets out of every message and log line. Three tools:
 * - `isSecretKey`: config keys whose values are secrets (passwords, JAAS lines, tokens, keys, auth headers).
 *   Errors about such a key describe the value's shape (type, length), never the value, whatever its type.
 * - `redactUrl`: a URL as it may be printed: no userinfo (`user:pass@`), no query string (`?access_token=`),
 *   no fragment.
 * - `redactText`: a last line of defence for free text (error messages of libraries, log lines): URLs are
 *   cut as above, and `password=...`, `token=...`, `secret=...` and `Authorization: <scheme> <value>`
 *   lose their values. The logger runs every line through it.
 */

const SECRET_KEY = /PASSWORD|PASSWD|PASSPHRASE|JAAS|SECRET|TOKEN|CREDENTIAL|API_?KEY|PRIVATE_?KEY|AUTH(ORIZATION)?($|_)|HEADERS?$/i;

/** Whether a config key (or key path such as `STREAMS[0].X`) holds a secret. */
export function isSecretKey(key: string): boolean {
  const last = key.slice(key.lastIndexOf('.') + 1);
  return SECRET_KEY.test(last);
}

/**
 * A value already cleaned of its secret parts (a JAAS line with its password masked, a login module name):
 * an error about a secret key may show it.
 */
export class NotSecret {
  constructor(readonly value: unknown) {}
}

/** How an error names a secret value: its shape only. */
export function describeHidden(found: unknown): string {
  if (found === undefined) return 'nothing (the key is missing)';
  if (found === null) return 'null';
  const why = 'not shown: the key holds a secret';
  if (typeof found === 'string') return `a string of ${found.length} character${found.length === 1 ? '' : 's'} (${why})`;
  if (Array.isArray(found)) return `an array of ${found.length} item${found.length === 1 ? '' : 's'} (${why})`;
  if (typeof found === 'object') return `an object (${why})`;
  return `a ${typeof found} (${why})`;
}

/** `scheme://host:port/path` of a URL: userinfo, query and fragment removed. Unparseable text is redacted as text. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.host) return redactText(url);
    const hidden = u.username || u.password || u.search || u.hash;
    return `${u.protocol}//${u.host}${u.pathname === '/' && !url.endsWith('/') ? '' : u.pathname}${hidden && (u.search || u.hash) ? '?…' : ''}`;
  } catch {
    return redactText(url);
  }
}

// scheme://[userinfo@]host[...][?query][#fragment] inside text
const URL_IN_TEXT = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'<>]*@)?([^\s/?#"'<>]*)([^\s?#"'<>]*)(\?[^\s#"'<>]*)?(#[^\s"'<>]*)?/gi;
const KEY_VALUE = /\b((?:[a-z0-9_.-]*(?:password|passwd|passphrase|secret|token|api[_-]?key|credential)[a-z0-9_.-]*"?)\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&"'}]+)/gi;
const AUTH_HEADER = /\b((?:proxy-)?authorization\s*[:=]\s*"?)([a-z]+\s+)?[^\s",}]+/gi;

/** Free text with URL credentials and queries, key=value secrets and Authorization values removed. */
export function redactText(text: string): string {
  if (text.length === 0) return text;
  return text
    .replace(URL_IN_TEXT, (_m, scheme: string, _user: string | undefined, host: string, path: string, query: string | undefined, frag: string | undefined) =>
      `${scheme}${host}${path}${query || frag ? '?…' : ''}`,
    )
    .replace(AUTH_HEADER, (_m, head: string, scheme: string | undefined) => `${head}${scheme ?? ''}***`)
    .replace(KEY_VALUE, (_m, head: string) => `${head}***`)
    // undici (fetch) quotes a bad header value in its error: "<value>" is an invalid header value.
    .replace(/"[^"]*"(\s+is an invalid header (?:value|name))/gi, '"***"$1');
}
