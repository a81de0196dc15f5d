import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/process.js';

/**
 * No Docker daemon runs here (and hadolint's npm wrapper downloads a binary, which cannot install), so the
 * Dockerfile is checked by these rules, hadolint-style: a pinned multi-stage build, a non-root runtime, the
 * dirk entrypoint in exec form, and COPY sources that exist.
 */
const text = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
const instructions = text
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => {
    const [op, ...rest] = l.split(/\s+/);
    return { op: op!.toUpperCase(), args: rest.join(' ') };
  });

describe('Dockerfile', () => {
  const froms = instructions.filter((i) => i.op === 'FROM');
  const lastFrom = instructions.lastIndexOf(froms.at(-1)!);
  const runtime = instructions.slice(lastFrom);

  it('is a multi-stage build on pinned images', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const f of froms) expect(f.args).toMatch(/^[\w./-]+:[\w.-]+(\s+AS\s+\w+)?$/i);
    for (const f of froms) expect(f.args).not.toMatch(/:latest\b/);
    expect(runtime.some((i) => i.op === 'COPY' && i.args.startsWith('--from=build'))).toBe(true);
  });

  it('runs as a non-root user with dirk as the entrypoint (exec form)', () => {
    const user = runtime.filter((i) => i.op === 'USER').at(-1);
    expect(user?.args).toBeDefined();
    expect(['root', '0']).not.toContain(user!.args);
    expect(runtime.findIndex((i) => i.op === 'USER')).toBeLessThan(runtime.findIndex((i) => i.op === 'ENTRYPOINT'));
    expect(JSON.parse(runtime.find((i) => i.op === 'ENTRYPOINT')!.args)).toEqual(['dirk']);
  });

  it('installs reproducibly, uses COPY not ADD, and copies only files that exist', () => {
    expect(instructions.some((i) => i.op === 'ADD')).toBe(false);
    expect(instructions.some((i) => i.op === 'RUN' && /npm ci\b/.test(i.args))).toBe(true);
    expect(instructions.some((i) => i.op === 'RUN' && /npm install\b/.test(i.args))).toBe(false);
    for (const c of instructions.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))) {
      const sources = c.args.split(/\s+/).slice(0, -1);
      for (const s of sources) expect(existsSync(join(REPO_ROOT, s)), s).toBe(true);
    }
  });

  it('docs/deployment.md covers systemd, the container and Kubernetes probes and SIGTERM grace', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'deployment.md'), 'utf8');
    for (const needle of ['[Service]', 'docker run', 'livenessProbe', '/healthz', 'terminationGracePeriodSeconds', 'SIGTERM']) {
      expect(doc, needle).toContain(needle);
    }
  });
});
