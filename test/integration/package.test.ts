/**
 * Dirk as a user gets it from npm: `npm pack` the built package, install the tarball into a scratch project
 * (dependencies from the local npm cache), type-check the README's embedding example and a typed UDF with
 * `tsc --strict`, then run the example. Needs `npm run build` first (`npm test` does it).
 */
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/process.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dirk-pack-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const run = (cmd: string, args: string[], opts: ExecFileSyncOptions = {}): string =>
  execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 90_000, ...opts }) as string;

/** The ts block after the embedding-example marker in README.md. */
function readmeExample(): string {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const m = /<!-- embedding-example[^>]*-->\s*```ts\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README.md has no embedding-example block');
  return m[1]!;
}

const TYPED_UDF = `import { defineScalar } from 'dirk-sql/udf';

export const Doubled = defineScalar({
  name: 'Doubled',
  signatures: [{ params: ['BIGINT'], returns: 'BIGINT' }],
  eval: (n) => (n === null ? null : BigInt(n) * 2n),
  examples: [{ args: [2n], result: 4n }],
});
`;

describe('the npm package', () => {
  it('installs from its tarball, type-checks the README example and a UDF under --strict, and runs the example', () => {
    expect(fs.existsSync(path.join(REPO_ROOT, 'dist', 'src', 'api', 'index.d.ts')), 'run `npm run build` first').toBe(true);
    // --ignore-scripts: dist is already built; `prepare` would only build it again.
    const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], { cwd: REPO_ROOT })) as {
      filename: string;
      files: { path: string }[];
    }[];
    const files = packed[0]!.files.map((f) => f.path);
    expect(files).toContain('LICENSE');
    expect(files).toContain('dist/src/api/index.d.ts');
    expect(files.filter((f) => f.startsWith('dist/bench/') || f.startsWith('test/') || f.startsWith('src/'))).toEqual([]);

    const project = path.join(scratch, 'app');
    fs.mkdirSync(path.join(project, 'udfs'), { recursive: true });
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    const typesNode = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', '@types', 'node', 'package.json'), 'utf8')) as { version: string };
    // Tarballs come from the npm cache the repository's own install filled; --prefer-offline still lets npm
    // fetch package metadata, which `npm ci` (lock-file driven) does not cache.
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', path.join(scratch, packed[0]!.filename), `@types/node@${typesNode.version}`], {
      cwd: project,
    });

    fs.writeFileSync(path.join(project, 'example.ts'), readmeExample());
    fs.writeFileSync(path.join(project, 'udfs', 'doubled.ts'), TYPED_UDF);
    fs.writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, types: ['node'], outDir: 'out' },
        include: ['example.ts', 'udfs'],
      }),
    );
    const tsc = path.join(project, 'node_modules', 'typescript', 'bin', 'tsc');
    run(process.execPath, [tsc, '-p', '.'], { cwd: project });

    // The job the example starts: a bounded JSON-lines file through the typed UDF.
    fs.writeFileSync(path.join(project, 'orders.jsonl'), ['{"name":"a","amount":1,"ts":"2026-01-01T09:00:00Z"}', '{"name":"b","amount":5,"ts":"2026-01-01T09:00:01Z"}', ''].join('\n'));
    fs.writeFileSync(
      path.join(project, 'job.json'),
      JSON.stringify({
        FLINK_JOB_ID: 'pack-test',
        FLINK_SQL_QUERY: 'SELECT name, Doubled(amount) AS doubled FROM orders WHERE amount > 1',
        SINK_TYPE: 'log',
        UDF_FOLDERS: 'udfs',
        // No /metrics server (its default port may be taken); job.metrics() reads the same registry.
        METRIC_TELEMETRY_ENABLE: false,
        STREAMS: [
          {
            INPUT_SCHEMA_TABLE: 'orders',
            INPUT_DATATYPE: 'JSON',
            INPUT_SCHEMA_JSON_SCHEMA: JSON.stringify({ type: 'object', properties: { name: { type: 'string' }, amount: { type: 'integer' }, ts: { type: 'string', format: 'date-time' } } }),
            INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'ts',
            SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'FILE_SOURCE' }],
            SOURCE_FILE_PATH: 'orders.jsonl',
          },
        ],
      }),
    );
    const out = run(process.execPath, [path.join('out', 'example.js')], { cwd: project });
    expect(out).toMatch(/^insert \{ name: 'b', doubled: 10n? \}$/m);
    expect(out).toMatch(/dirk_sink_records_total\{[^}]*sink="code"[^}]*\} 1/);
    // pack + install + tsc + run: about 30 s on an idle machine; the bound leaves room for a busy one.
  }, 150_000);
});
