import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/logger.js';
import { buildTransformer, loadTransformerFolders, transformerStage, watchTransformerFolders } from '../../../src/processors/transformers/index.js';
import { createTelemetry } from '../../../src/telemetry/index.js';
import { fields, transformerJob } from '../../helpers/transformers.js';

/** A user transformer that counts rows (state) and tags each with `<label>-<count>`; `extra` adds a column. */
function write(folder: string, label: string, extra = false): void {
  writeFileSync(
    join(folder, 'counter.ts'),
    `import { defineTransformer } from 'dirk';
export const Counter = defineTransformer<Record<string, never>, { n: number }>({
  name: 'Counter',
  outputSchema: (input) => [...input, { name: 'tag', type: 'STRING' }${extra ? ", { name: 'more', type: 'INT' }" : ''}],
  open(ctx) { ctx.state ??= { n: 0 }; },
  transform: (rows, ctx) => rows.map((r) => [...r, '${label}-' + String(++ctx.state.n)${extra ? ', 1' : ''}]),
});
`,
  );
}

describe('hot reload of user transformers', () => {
  it('swaps in a changed definition with the same output columns, keeping the state; refuses changed columns', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'dirk-tr-reload-'));
    write(folder, 'v1');
    const loaded = await loadTransformerFolders([folder]);
    const job = transformerJob({ userTransformers: loaded.map((l) => l.def) });
    const stage = transformerStage(buildTransformer({ transformation_class: 'Counter' }, 'transformers[0]', fields({ id: 'STRING' }), 'post', 'NULL', job), 0);
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', write: (line) => lines.push(line) });
    await stage.open!({ logger, telemetry: createTelemetry({ jobId: 'reload' }), registry: undefined, now: Date.now });
    expect((await stage.process({ rows: [['a'], ['b']] })).rows).toEqual([['a', 'v1-1'], ['b', 'v1-2']]);

    const watcher = watchTransformerFolders([folder], [stage], job, logger);
    const until = async (text: string): Promise<void> => {
      const end = Date.now() + 15_000;
      while (!lines.some((l) => l.includes(text))) {
        if (Date.now() > end) throw new Error(`no log line with ${text}: ${lines.join('')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      write(folder, 'v2');
      await until('reloaded transformer Counter');
      expect((await stage.process({ rows: [['c']] })).rows).toEqual([['c', 'v2-3']]);

      write(folder, 'v3', true);
      await until('not reloaded');
      expect(lines.join('')).toContain('Counter was changed so that its output columns differ (id, tag -> id, tag, more); not reloaded, restart the job');
      expect((await stage.process({ rows: [['d']] })).rows).toEqual([['d', 'v2-4']]);
    } finally {
      watcher.close();
    }
  });
});
