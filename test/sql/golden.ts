/**
 * Dirk's own golden SQL cases use the runner that `dirk test` gives users (src/testing/golden.ts; the file
 * format is described there). DIRK_UPDATE_GOLDEN=1 rewrites the expectations.
 */
import { checkGolden as check, type GoldenCase } from '../../src/testing/golden.js';

export { formatGoldenValue, parseGolden, runGolden, type GoldenCase } from '../../src/testing/golden.js';

export function checkGolden(c: GoldenCase): ReturnType<typeof check> {
  return check(c, { update: Boolean(process.env['DIRK_UPDATE_GOLDEN']) });
}
