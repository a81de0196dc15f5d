import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkGolden, parseGolden } from './golden.js';

const dir = join(import.meta.dirname, 'cases');
const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.sql')).sort();

describe('golden SQL cases', () => {
  it('has cases', () => expect(files.length).toBeGreaterThan(0));
  for (const f of files) {
    it(f, async () => {
      const r = await checkGolden(parseGolden(join(dir, f)));
      expect(r.actual).toBe(r.expected);
    });
  }
});
