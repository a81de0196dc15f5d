/**
 * Generates docs/transformers.md from the transformer definitions in src/processors/transformers. Run with
 * `npm run docs:transformers`; pass --check to fail when the committed file is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderTransformerDocs } from '../src/processors/transformers/docs.js';

const out = fileURLToPath(new URL('../docs/transformers.md', import.meta.url));
const text = renderTransformerDocs();
if (process.argv.includes('--check')) {
  if (readFileSync(out, 'utf8') !== text) {
    console.error('docs/transformers.md is out of date; run npm run docs:transformers');
    process.exit(1);
  }
} else {
  writeFileSync(out, text);
  console.log(`wrote ${out}`);
}
