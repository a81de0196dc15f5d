import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DOCS_BEGIN, DOCS_END, describeConfigKeys, renderConfigReference } from '../../../src/config/index.js';

const DOC = fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url));

describe('docs/configuration.md', () => {
  it('holds the key reference generated from defaults.ts', async () => {
    const text = await readFile(DOC, 'utf8');
    const generated = renderConfigReference();
    const start = text.indexOf(DOCS_BEGIN);
    const end = text.indexOf(DOCS_END);
    const current = start >= 0 && end > start ? text.slice(start, end + DOCS_END.length) : undefined;
    if (process.env['DIRK_UPDATE_DOCS'] === '1' && current !== generated) {
      const next = current === undefined ? `${text.trimEnd()}\n\n${generated}\n` : text.replace(current, generated);
      await writeFile(DOC, next);
      return;
    }
    expect(current, 'run DIRK_UPDATE_DOCS=1 npx vitest run test/unit/config/docs.test.ts').toBe(generated);
  });

  it('documents every key', async () => {
    const text = await readFile(DOC, 'utf8');
    for (const k of describeConfigKeys()) expect(text).toContain(`\`${k.key}\``);
  });
});
