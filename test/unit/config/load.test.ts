import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUserError } from '../../../src/core/errors.js';
import { ConfigErrors, jsonErrorPosition, loadJobConfigFile } from '../../../src/config/index.js';
import { minimal } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dirk-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, text);
  return p;
}

describe('loadJobConfigFile', () => {
  it('loads a valid file, filling ${VAR} from the given env', async () => {
    const p = await file('ok.json', JSON.stringify(minimal({ FLINK_JOB_ID: '${JOB:-fallback}' })));
    const { config, warnings } = await loadJobConfigFile(p, { env: { JOB: 'from-env' }, baseDir: '/x' });
    expect(config.jobId).toBe('from-env');
    expect(config.schemaRegistry.protoDirs).toEqual(['/x/protos']);
    expect(warnings).toEqual([]);
  });

  it('names a missing file', async () => {
    const p = join(dir, 'nope.json');
    await expect(loadJobConfigFile(p)).rejects.toThrow(`cannot read job config ${p}: no such file`);
    await loadJobConfigFile(p).catch((e: unknown) => expect(isUserError(e)).toBe(true));
  });

  it('names the line and column of a JSON syntax error', async () => {
    const p = await file('bad.json', '{\n  "FLINK_SQL_QUERY": "SELECT 1",\n  "SINK_TYPE": "log",\n}\n');
    const err = (await loadJobConfigFile(p).catch((e: unknown) => e)) as Error & { position?: unknown };
    expect(err.message).toBe(`job config ${p} is not valid JSON at line 3, column 21: trailing comma before "}"`);
    expect(err.position).toEqual({ line: 3, column: 21 });
  });

  it('names the file when the config is invalid', async () => {
    const p = await file('invalid.json', JSON.stringify(minimal({ FLINK_PARALLELISM: 'many' })));
    const err = await loadJobConfigFile(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigErrors);
    expect((err as Error).message).toBe(`config FLINK_PARALLELISM: expected an integer >= 1, found "many" (in ${p})`);
  });
});

describe('jsonErrorPosition', () => {
  it('returns undefined for valid JSON', () => {
    expect(jsonErrorPosition('{"a": [1, -2.5e3, true, null, "x\\u0041"]}')).toBeUndefined();
  });
  it.each([
    ['{"a":}', 1, 6, 'unexpected "}"'],
    ['{"a": 1 "b": 2}', 1, 9, 'expected "," or "}" in an object, found """'],
    ["{'a': 1}", 1, 2, 'expected a double-quoted property name, found "\'"'],
    ['[1,\n 2,\n ]', 2, 3, 'trailing comma before "]"'],
    ['{"a": "b', 1, 9, 'unterminated string'],
    ['{} x', 1, 4, 'unexpected "x" after the end of the JSON value'],
  ])('%j fails at %i:%i', (text, line, column, reason) => {
    expect(jsonErrorPosition(text)).toEqual({ line, column, reason });
  });
});
