#!/usr/bin/env node
// A tiny InfluxDB v2 front for an InfluxDB 1.x server (Debian ships 1.6.7, which has no /api/v2/write).
//
//   node scripts/influx-v2-shim.mjs --listen 127.0.0.1:8086 --target 127.0.0.1:8186
//
// POST /api/v2/write?org=&bucket=db[/rp]&precision=ns|us|ms|s  ->  POST /write?db=&rp=&precision=n|u|ms|s
//   (body and content-encoding piped through; errors re-shaped to v2's {code, message} JSON)
// GET  /health                                                  ->  answered from GET /ping
// anything else (/query, /ping, /write, ...)                    ->  proxied unchanged
// The Authorization header is dropped: the 1.x server runs without auth, like the v2 token is not checked.

import http from 'node:http';

const V2_TO_V1_PRECISION = { ns: 'n', us: 'u', ms: 'ms', s: 's' };

function parseHostPort(value, flag) {
  const m = /^(.+):(\d+)$/.exec(value ?? '');
  if (!m) throw new Error(`${flag} must be host:port, got ${String(value)}`);
  return { host: m[1], port: Number(m[2]) };
}

function arg(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const listen = parseHostPort(arg('--listen') ?? '127.0.0.1:8086', '--listen');
const target = parseHostPort(arg('--target') ?? '127.0.0.1:8186', '--target');

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function v2ErrorCode(status) {
  if (status === 404) return 'not found';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 413) return 'request too large';
  if (status >= 500) return 'internal error';
  return 'invalid';
}

/** Forwards req to the 1.x server at `path`; `reshape` turns 1.x error bodies into v2 ones. */
function forward(req, res, path, headers, reshape) {
  const upstream = http.request(
    { host: target.host, port: target.port, method: req.method, path, headers },
    (up) => {
      const status = up.statusCode ?? 502;
      if (!reshape || status < 400) {
        res.writeHead(status, up.headers);
        up.pipe(res);
        return;
      }
      const chunks = [];
      up.on('data', (c) => chunks.push(c));
      up.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let message = raw.trim();
        try {
          const parsed = JSON.parse(raw);
          if (parsed && typeof parsed.error === 'string') message = parsed.error;
        } catch {
          // not JSON: keep the text
        }
        sendJson(res, status, { code: v2ErrorCode(status), message });
      });
    },
  );
  upstream.on('error', (err) => {
    if (!res.headersSent) sendJson(res, 502, { code: 'unavailable', message: `influxdb 1.x unreachable: ${err.message}` });
    else res.destroy(err);
  });
  req.pipe(upstream);
}

function handleWrite(req, res, url) {
  const bucket = url.searchParams.get('bucket');
  if (!bucket) {
    sendJson(res, 400, { code: 'invalid', message: 'bucket is required' });
    req.resume();
    return;
  }
  const precisionV2 = url.searchParams.get('precision') ?? 'ns';
  const precision = V2_TO_V1_PRECISION[precisionV2];
  if (!precision) {
    sendJson(res, 400, { code: 'invalid', message: `invalid precision ${precisionV2}; use ns, us, ms or s` });
    req.resume();
    return;
  }
  // InfluxDB 1.8's compatibility API maps bucket "db/rp" to a database and retention policy; do the same.
  const slash = bucket.indexOf('/');
  const q = new URLSearchParams({ db: slash >= 0 ? bucket.slice(0, slash) : bucket, precision });
  if (slash >= 0 && slash < bucket.length - 1) q.set('rp', bucket.slice(slash + 1));
  const headers = {};
  for (const name of ['content-type', 'content-encoding', 'content-length', 'transfer-encoding']) {
    const v = req.headers[name];
    if (v !== undefined) headers[name] = v;
  }
  forward(req, res, `/write?${q}`, headers, true);
}

function handleHealth(req, res) {
  const ping = http.get({ host: target.host, port: target.port, path: '/ping' }, (up) => {
    up.resume();
    const ok = up.statusCode === 204;
    sendJson(res, ok ? 200 : 503, {
      name: 'influxdb',
      message: ok ? 'ready for queries and writes' : `ping answered ${up.statusCode}`,
      status: ok ? 'pass' : 'fail',
      version: String(up.headers['x-influxdb-version'] ?? 'unknown'),
    });
  });
  ping.on('error', (err) => sendJson(res, 503, { name: 'influxdb', message: err.message, status: 'fail' }));
  req.resume();
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://shim');
  if (req.method === 'POST' && url.pathname === '/api/v2/write') return handleWrite(req, res, url);
  if (req.method === 'GET' && url.pathname === '/health') return handleHealth(req, res);
  const headers = { ...req.headers };
  delete headers.authorization;
  headers.host = `${target.host}:${target.port}`;
  return forward(req, res, req.url ?? '/', headers, false);
});

server.listen(listen.port, listen.host, () => {
  process.stdout.write(`influx-v2-shim listening on ${listen.host}:${listen.port} -> ${target.host}:${target.port}\n`);
});

for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
