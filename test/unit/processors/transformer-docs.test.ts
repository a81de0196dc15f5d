import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderTransformerDocs } from '../../../src/processors/transformers/docs.js';
import { builtinTransformers } from '../../../src/processors/transformers/index.js';

describe('docs/transformers.md', () => {
  it('is generated from the definitions (npm run docs:transformers)', () => {
    expect(readFileSync('docs/transformers.md', 'utf8'), 'run npm run docs:transformers').toBe(renderTransformerDocs());
  });
  it("documents each of Dagger's seven with its arguments", () => {
    const text = renderTransformerDocs();
    for (const d of builtinTransformers) {
      expect(text).toContain(`### ${d.name}`);
      for (const a of Object.keys(d.arguments ?? {})) expect(text).toContain(`| \`${a}\` |`);
    }
  });
});
