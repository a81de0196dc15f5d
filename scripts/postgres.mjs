#!/usr/bin/env node
// Local PostgreSQL for the post-processor (pg) and Longbow tests.
//
//   node scripts/postgres.mjs start|stop|status
//
// Listens on 127.0.0.1:5432 with trust authentication for user `postgres`, and has a database `test`.
// When something already listens on 5432 (the machine's own cluster), `start` only makes sure that the
// `test` database exists there. Otherwise it creates a cluster in .dirk/postgres/data (initdb) and starts
// it with pg_ctl; as root, both run as the `postgres` user (the server refuses to run as root).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { isPortOpen, runCommands, waitFor, withLock } from './lib/service.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIR = path.join(ROOT, '.dirk', process.env.DIRK_POSTGRES_PORT ? `postgres-${process.env.DIRK_POSTGRES_PORT}` : 'postgres');
const DATA = path.join(DIR, 'data');
const LOG_FILE = path.join(DIR, 'postgres.log');
const HOST = '127.0.0.1';
// DIRK_POSTGRES_PORT only to try the script beside a running server; the tests use 5432.
const PORT = Number(process.env.DIRK_POSTGRES_PORT ?? 5432);
const INSTALL = 'apt-get install -y postgresql';

const log = (msg) => process.stdout.write(`[postgres] ${msg}\n`);

/** initdb / pg_ctl: on PATH, or in Debian's /usr/lib/postgresql/<version>/bin. */
function binary(name) {
  if (spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0) return name;
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base) ? fs.readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const p = path.join(base, v, 'bin', name);
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`${name} not found; install PostgreSQL with: ${INSTALL}`);
}

/** Runs a PostgreSQL tool, as the postgres user when we are root. */
function run(cmd, args) {
  const asRoot = process.getuid?.() === 0;
  const r = asRoot ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' }) : spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function ensureTestDatabase() {
  const client = new pg.Client({ host: HOST, port: PORT, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = 'test'");
    if (!rowCount) await client.query('CREATE DATABASE test');
  } catch (e) {
    if (!/already exists/.test(e.message)) throw e;
  } finally {
    await client.end();
  }
}

async function start() {
  if (await isPortOpen(HOST, PORT)) {
    await ensureTestDatabase().catch((e) => {
      throw new Error(`${HOST}:${PORT} is taken by a server where user postgres cannot connect without a password (${e.message}); the tests need trust authentication for postgres on 127.0.0.1`);
    });
    log(`using the server already on ${HOST}:${PORT} (database test ready)`);
    return;
  }
  const asRoot = process.getuid?.() === 0;
  fs.mkdirSync(DIR, { recursive: true });
  if (asRoot) spawnSync('chown', ['-R', 'postgres', DIR]);
  if (!fs.existsSync(path.join(DATA, 'PG_VERSION'))) {
    run(binary('initdb'), ['-D', DATA, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C']);
    log(`created a cluster in ${DATA}`);
  }
  const t0 = Date.now();
  run(binary('pg_ctl'), ['-D', DATA, '-l', LOG_FILE, '-w', '-t', '60', '-o', `-p ${PORT} -c listen_addresses=${HOST} -k ${DIR}`, 'start']);
  await waitFor('postgres', () => isPortOpen(HOST, PORT), 30_000);
  await ensureTestDatabase();
  log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s on ${HOST}:${PORT} (data ${DATA}, log ${LOG_FILE})`);
}

async function stop() {
  if (!fs.existsSync(path.join(DATA, 'postmaster.pid'))) {
    log('not running (from this checkout)');
    return;
  }
  run(binary('pg_ctl'), ['-D', DATA, '-m', 'fast', '-w', 'stop']);
  log('stopped');
}

async function status() {
  if (await isPortOpen(HOST, PORT)) {
    log(`running on ${HOST}:${PORT}`);
    return 0;
  }
  log('not running');
  return 1;
}

runCommands('postgres', {
  start: () => withLock(path.join(DIR, 'start.lock'), 120_000, start),
  stop,
  status,
});
