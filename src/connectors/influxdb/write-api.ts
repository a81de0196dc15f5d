/**
 * The two InfluxDB write APIs, spoken directly over HTTP (fetch), so one sink reaches every server:
 * - v1 (`POST /write?db=&rp=&precision=ms`): every InfluxDB 1.x from 1.0 on, and 2.x through its v1
 *   compatibility endpoint; credentials as HTTP basic auth (default) or as the `u`/`p` query parameters that
 *   influxdb-java (Dagger's client) sends.
 * - v2 (`POST /api/v2/write?org=&bucket=&precision=ms` with `Authorization: Token ...`): InfluxDB 2.x, 1.8+,
 *   and servers that accept InfluxDB line protocol over HTTP (QuestDB).
 * "points beyond retention policy dropped=N" (v1: HTTP 400 partial write; 2.x: 422) is not a failure: the
 * other points were written, and the caller counts N.
 */
export interface InfluxTarget {
  readonly apiVersion: 1 | 2;
  /** Base URL (`http://host:8086`); a path prefix is kept. */
  readonly url: string;
  readonly database: string;
  readonly retentionPolicy?: string;
  readonly username?: string;
  readonly password?: string;
  /** v1: how credentials travel. */
  readonly auth?: 'BASIC' | 'QUERY';
  readonly org?: string;
  /** v2: bucket; default `database` or `database/retentionPolicy` (the 1.8 mapping). */
  readonly bucket?: string;
  /** v2: API token; with none, `username:password` as 1.8's v2 endpoint takes it. */
  readonly token?: string;
  readonly timeoutMs?: number;
}

export interface WriteResult {
  /** Points the server dropped as beyond its retention policy. */
  readonly droppedByRetention: number;
}

export interface LineProtocolWriter {
  write(lines: readonly string[]): Promise<WriteResult>;
  /** The endpoint without credentials, for messages. */
  readonly description: string;
}

const RETENTION_DROPPED = /points beyond retention policy dropped=(\d+)/;

function endpoint(t: InfluxTarget): { url: URL; headers: Record<string, string>; description: string } {
  const base = t.url.endsWith('/') ? t.url : `${t.url}/`;
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  if (t.apiVersion === 1) {
    const url = new URL('write', base);
    url.searchParams.set('db', t.database);
    if (t.retentionPolicy) url.searchParams.set('rp', t.retentionPolicy);
    url.searchParams.set('precision', 'ms');
    const description = `${url.origin}${url.pathname}?db=${t.database}${t.retentionPolicy ? `&rp=${t.retentionPolicy}` : ''} (v1)`;
    if (t.username) {
      if (t.auth === 'QUERY') {
        url.searchParams.set('u', t.username);
        url.searchParams.set('p', t.password ?? '');
      } else headers['authorization'] = `Basic ${Buffer.from(`${t.username}:${t.password ?? ''}`).toString('base64')}`;
    }
    return { url, headers, description };
  }
  const bucket = t.bucket ?? (t.retentionPolicy ? `${t.database}/${t.retentionPolicy}` : t.database);
  const url = new URL('api/v2/write', base);
  url.searchParams.set('org', t.org ?? '');
  url.searchParams.set('bucket', bucket);
  url.searchParams.set('precision', 'ms');
  const token = t.token ?? (t.username ? `${t.username}:${t.password ?? ''}` : '');
  if (token) headers['authorization'] = `Token ${token}`;
  return { url, headers, description: `${url.origin}${url.pathname}?org=${t.org ?? ''}&bucket=${bucket} (v2)` };
}

export function createLineProtocolWriter(target: InfluxTarget): LineProtocolWriter {
  const { url, headers, description } = endpoint(target);
  const timeoutMs = target.timeoutMs ?? 10_000;
  return {
    description,
    async write(lines) {
      let res: Response;
      try {
        res = await fetch(url, { method: 'POST', headers, body: lines.join('\n'), signal: AbortSignal.timeout(timeoutMs) });
      } catch (e) {
        const err = e as Error;
        throw new Error(err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `${err.message}${err.cause ? ` (${(err.cause as Error).message})` : ''}`);
      }
      const body = res.status === 204 ? '' : await res.text().catch(() => '');
      if (res.ok) return { droppedByRetention: 0 };
      const dropped = RETENTION_DROPPED.exec(body);
      if (dropped && (res.status === 400 || res.status === 422)) return { droppedByRetention: Number(dropped[1]) };
      throw new Error(`HTTP ${res.status}${res.status === 404 && target.apiVersion === 2 ? ' (this server has no /api/v2/write: InfluxDB before 1.8? use SINK_INFLUX_API_VERSION=1)' : ''}${body ? `: ${body.trim().slice(0, 300)}` : ''}`);
    },
  };
}
