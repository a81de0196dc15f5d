import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/process.js';

/**
 * The mistakes a user makes on the command line end with exit 2 and one line naming what to change, never
 * "internal error" and a stack. Runs the built CLI (npm run build) on the sample job; no broker needed.
 */
const JOB = 'configs/example-booking-job.json';
const QUICKSTART = 'test/fixtures/dagger-quickstart';
const dir = mkdtempSync(join(tmpdir(), 'dirk-cli-errors-'));

function userFailure(r: { code: number | null; stderr: string }): void {
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.code).toBe(2);
}

describe('CLI user errors', () => {
  it('dirk --version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^dirk \d+\.\d+\.\d+\n$/);
  });

  it('an unknown option is an error that names it', async () => {
    const r = await runCli(['validate', JOB, '--chekpoint-dir', 'x']);
    userFailure(r);
    expect(r.stderr).toBe('error: unknown option --chekpoint-dir for dirk validate (see dirk validate --help)\n');
  });

  it('an unknown command is an error', async () => {
    const r = await runCli(['vaildate', JOB]);
    userFailure(r);
    expect(r.stderr).toMatch(/^error: unknown command "vaildate" \(commands: run, validate, explain/);
  });

  it('a bad --port of registry serve', async () => {
    const r = await runCli(['registry', 'serve', 'protos', '--port', '80x']);
    userFailure(r);
    expect(r.stderr).toBe('error: --port: expected a port number from 0 to 65535 (0 picks a free port), found "80x"\n');
  });

  it('a busy --port of registry serve', async () => {
    await withBusyPort(async (port) => {
      const r = await runCli(['registry', 'serve', 'protos', '--port', String(port)]);
      userFailure(r);
      expect(r.stderr).toBe(`error: --port: port ${port} on 127.0.0.1 is already in use, so the registry cannot start; choose another port or --port 0 (any free port)\n`);
    });
  });

  it('a busy METRICS_PORT', async () => {
    await withBusyPort(async (port) => {
      const r = await runCli(['run', JOB, '--METRIC_TELEMETRY_ENABLE', 'true', '--METRICS_HOST', '127.0.0.1', '--METRICS_PORT', String(port)]);
      userFailure(r);
      expect(r.stderr).toContain(
        `error: METRICS_PORT: port ${port} on 127.0.0.1 is already in use, so the metrics server cannot start; choose another port or METRICS_PORT=0 (any free port)\n`,
      );
    });
  });

  it('a source path that is a folder, in validate and in run', async () => {
    const streams = JSON.stringify([
      {
        INPUT_SCHEMA_TABLE: 'booking',
        INPUT_SCHEMA_PROTO_CLASS: 'dirk.examples.BookingLogMessage',
        INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX: '5',
        SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'FILE_SOURCE' }],
        SOURCE_FILE_PATH: 'configs/data',
        SOURCE_FILE_FORMAT: 'PROTO_JSONL',
      },
    ]);
    for (const command of ['validate', 'run']) {
      const r = await runCli([command, JOB, '--STREAMS', streams]);
      userFailure(r);
      expect(r.stderr).toMatch(/error: STREAMS\[0\]\.SOURCE_FILE_PATH: \/.*\/configs\/data is a folder; give the path of one file \(JSONL or protobuf\) to read\n$/);
    }
  });

  it('a missing source file is found by validate', async () => {
    const r = await runCli(['validate', JOB, '--STREAMS', JSON.stringify([{ INPUT_SCHEMA_TABLE: 'booking', INPUT_SCHEMA_PROTO_CLASS: 'dirk.examples.BookingLogMessage', INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX: '5', SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'FILE_SOURCE' }], SOURCE_FILE_PATH: 'configs/data/nope.jsonl', SOURCE_FILE_FORMAT: 'PROTO_JSONL' }])]);
    userFailure(r);
    expect(r.stderr).toMatch(/error: STREAMS\[0\]\.SOURCE_FILE_PATH: cannot read \/.*nope\.jsonl: no such file\n$/);
  });

  it('an unreadable UDF folder names UDF_FOLDERS', async () => {
    const r = await runCli(['validate', JOB, '--UDF_FOLDERS', join(dir, 'no-such-folder')]);
    userFailure(r);
    expect(r.stderr).toContain(`error: UDF_FOLDERS: cannot read the UDF folder ${join(dir, 'no-such-folder')}: no such folder\n`);
  });

  it('a SQL error quotes the line with a caret under the column', async () => {
    const r = await runCli(['validate', JOB, '--FLINK_SQL_QUERY', 'SELECT service_type,\n  COUNT(1) AS n, nope\nFROM booking GROUP BY service_type']);
    userFailure(r);
    expect(r.stderr).toContain(
      [
        "error: SQL error at line 2, column 18: column 'nope' not found",
      ].join('\n'),
    );
    expect(r.stderr).toContain(['  1 | SELECT service_type,', '  2 |   COUNT(1) AS n, nope', '    |                  ^'].join('\n'));
  });

  it('warnings are printed with the errors they explain', async () => {
    const r = await runCli(['validate', JOB, '--FLINK_SQL_QUERY', '', '--FLINK_SQL_QEURY', 'SELECT 1']);
    userFailure(r);
    expect(r.stderr).toBe(
      'warning: FLINK_SQL_QEURY is not a known config key and is ignored (did you mean FLINK_SQL_QUERY?)\n' +
        `error: config FLINK_SQL_QUERY: expected a non-empty SQL query, found "" (in ${join(process.cwd(), JOB)})\n`,
    );
  });

  it('--strict makes an unknown key an error', async () => {
    const ok = await runCli(['validate', JOB, '--SINK_TPYE', 'log']);
    expect(ok.code).toBe(0);
    const r = await runCli(['validate', JOB, '--SINK_TPYE', 'log', '--strict']);
    userFailure(r);
    expect(r.stderr).toContain('error: SINK_TPYE is not a known config key and is ignored (did you mean SINK_TYPE?) (an error under --strict');
  });

  it('an environment variable overrides the job file, and an argument overrides the variable', async () => {
    const r = await runCli(['validate', JOB], { env: { SINK_TYPE: 'bigquery' } });
    userFailure(r);
    expect(r.stderr).toContain('error: SINK_TYPE: bigquery is not available');
    const ok = await runCli(['validate', JOB, '--SINK_TYPE', 'log'], { env: { SINK_TYPE: 'bigquery' } });
    expect(ok.stdout).toBe('ok: 1 stream(s), 8 output column(s), sink log\n');
  });

  it("validates Dagger's quickstart local.properties, its Stencil URL given as an argument", async () => {
    const registry = startCli(['registry', 'serve', QUICKSTART, '--port', '0']);
    try {
      const line = await registry.waitForLine(/registry serving .* at (http:\S+)/, { timeoutMs: 20_000 });
      const url = /at (http:\S+)/.exec(line)![1]!;
      const r = await runCli(['validate', `${QUICKSTART}/local.properties`, '--SCHEMA_REGISTRY_STENCIL_URLS', `${url}/v1beta1/namespaces/dirk/schemas/protos`]);
      expect(r.stderr).not.toContain('error');
      expect(r.stdout).toBe('ok: 1 stream(s), 2 output column(s), sink log\n');
      expect(r.code).toBe(0);
    } finally {
      await registry.stop();
    }
  });
});

afterAll(() => writeFileSync(join(dir, '.done'), ''));

async function withBusyPort(fn: (port: number) => Promise<void>): Promise<void> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await fn((server.address() as net.AddressInfo).port);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}
