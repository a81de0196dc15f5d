import { runSuite } from '../testing/suite.js';

/** `dirk test`: one line per case, an indented diff under each failure, then the totals. Exit 0 or 1. */
export async function runTestCommand(paths: readonly string[], opts: { update: boolean; filter?: string }): Promise<number> {
  const out = (s: string): boolean => process.stdout.write(`${s}\n`);
  const started = Date.now();
  const suite = await runSuite(paths, {
    update: opts.update,
    ...(opts.filter !== undefined ? { filter: opts.filter } : {}),
    onResult: (r, name) => {
      out(`${r.ok ? (r.updated ? 'updated' : 'ok     ') : 'FAIL   '} ${name}`);
      for (const line of r.detail) out(`        ${line}`);
    },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  out(`${suite.passed} passed, ${suite.failed} failed (${seconds} s)`);
  return suite.failed === 0 ? 0 : 1;
}
