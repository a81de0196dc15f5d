import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `npm run lint` checks import boundaries with dependency-cruiser and the project's own rules
 * (.dependency-cruiser.cjs). These tests run the same command and rules over small scratch projects laid
 * out like src/, so they show that a wrong import or a cycle really fails the lint.
 */
const repo = path.resolve(import.meta.dirname, '../../..');
const depcruise = path.join(repo, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const config = path.join(repo, '.dependency-cruiser.cjs');
const run = promisify(execFile);
const scratch: string[] = [];

afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A scratch project with the given files (paths under its root) and the repo's compiler settings. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dirk-lint-'));
  scratch.push(dir);
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src', 'udfs'] }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

async function lint(dir: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(process.execPath, [depcruise, 'src', '--config', config], { cwd: dir });
    return { code: 0, output: stdout };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

const layout = {
  'src/core/types.ts': 'export type Row = unknown[];\n',
  'src/plan/nodes.ts': "import type { Row } from '../core/types.js';\nexport type Batch = Row[];\n",
  'src/sql/parser.ts': "import type { Batch } from '../plan/nodes.js';\nexport const parse = (s: string): Batch => [[s]];\n",
};

describe('import boundaries (npm run lint)', () => {
  it('passes imports that follow the layers (runtime -> plan -> core)', async () => {
    const dir = project({ ...layout, 'src/runtime/op.ts': "import type { Batch } from '../plan/nodes.js';\nexport const id = (b: Batch): Batch => b;\n" });
    const r = await lint(dir);
    expect(r.output).toContain('no dependency violations found');
    expect(r.code).toBe(0);
  }, 60_000);

  it('fails when the runtime imports the SQL parser, naming the rule and the import', async () => {
    const dir = project({ ...layout, 'src/runtime/op.ts': "import { parse } from '../sql/parser.js';\nexport const run = (s: string) => parse(s);\n" });
    const r = await lint(dir);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('runtime-not-sql');
    expect(r.output).toContain('src/runtime/op.ts → src/sql/parser.ts');
  }, 60_000);

  it('fails on a connector importing the job layer (old and new connector folders alike)', async () => {
    const job = { 'src/job/run.ts': 'export const start = (): void => {};\n' };
    const wrong = {
      'src/connectors/kafka/source.ts': "import { start } from '../../job/run.js';\nexport const go = start;\n",
      'src/sources/source.ts': "import { start } from '../job/run.js';\nexport const go = start;\n",
    };
    for (const [file, text] of Object.entries(wrong)) {
      const r = await lint(project({ ...layout, ...job, [file]: text }));
      expect(r.code, file).not.toBe(0);
      expect(r.output).toContain('connectors-below-job');
    }
  }, 60_000);

  it("lets config compose a connector's keys.ts, which may import the key spec and nothing else", async () => {
    const files = {
      ...layout,
      'src/config/key-spec.ts': 'export const key = <S>(s: S): S => s;\n',
      'src/connectors/log/keys.ts': "import { key } from '../../config/key-spec.js';\nexport const LOG_KEYS = { SINK_LOG_X: key({}) };\n",
      'src/config/defaults.ts': "import { LOG_KEYS } from '../connectors/log/keys.js';\nexport const JOB_KEYS = { ...LOG_KEYS };\n",
    };
    const ok = await lint(project(files));
    expect(ok.output).toContain('no dependency violations found');
    const leaky = "import { key } from '../../config/key-spec.js';\nimport type { Row } from '../../core/types.js';\nexport const LOG_KEYS = { SINK_LOG_X: key({}) as Row | object };\n";
    const r = await lint(project({ ...files, 'src/connectors/log/keys.ts': leaky }));
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('connector-keys-are-config');
    // Other connector files stay above config.
    const r2 = await lint(project({ ...files, 'src/connectors/log/sink.ts': 'export const s = 1;\n', 'src/config/sink.ts': "import { s } from '../connectors/log/sink.js';\nexport const t = s;\n" }));
    expect(r2.output).toContain('foundation-below-plan');
  }, 60_000);

  it("lets config use the connector catalog and a connector's config.ts, which must not import the connector's runtime", async () => {
    const files = {
      ...layout,
      'src/config/reader.ts': 'export class Section {}\n',
      'src/connectors/log/log-sink.ts': 'export const createLogSink = (): number => 1;\n',
      'src/connectors/log/config.ts': "import type { Section } from '../../config/reader.js';\nexport const logSinkConfig = { type: 'log', parse: (_s: Section) => ({ type: 'log' }) };\n",
      'src/connectors/catalog.ts': "import { logSinkConfig } from './log/config.js';\nexport const SINK_CATALOG = { log: logSinkConfig };\n",
      'src/config/sink.ts': "import { SINK_CATALOG } from '../connectors/catalog.js';\nexport const types = Object.keys(SINK_CATALOG);\n",
    };
    const ok = await lint(project(files));
    expect(ok.output).toContain('no dependency violations found');
    const runtime = "import { createLogSink } from './log-sink.js';\nexport const logSinkConfig = { type: 'log', parse: () => createLogSink() };\n";
    const r = await lint(project({ ...files, 'src/connectors/log/config.ts': runtime }));
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('connector-config-is-config');
    expect(r.output).toContain('src/connectors/log/config.ts → src/connectors/log/log-sink.ts');
    const viaCatalog = "import { createLogSink } from './log/log-sink.js';\nexport const SINK_CATALOG = { log: createLogSink };\n";
    const r2 = await lint(project({ ...files, 'src/connectors/catalog.ts': viaCatalog }));
    expect(r2.output).toContain('connector-config-is-config');
  }, 60_000);

  it('fails on a circular import inside a layer', async () => {
    const dir = project({
      ...layout,
      'src/udf/a.ts': "import { b } from './b.js';\nexport const a = (): number => b() + 1;\n",
      'src/udf/b.ts': "import { a } from './a.js';\nexport const b = (): number => (a.length ? 1 : 0);\n",
    });
    const r = await lint(dir);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('no-circular');
  }, 60_000);
});
