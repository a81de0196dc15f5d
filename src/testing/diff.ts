/**
 * A line diff for a failing golden case: `-` lines are expected and missing, `+` lines were produced and not
 * expected, two-space lines agree. Longest common subsequence over lines; cases are small (tens of lines),
 * and past MAX_CELLS the diff falls back to listing both sides whole rather than spend quadratic memory.
 */
const MAX_CELLS = 4_000_000;

export function lineDiff(expected: readonly string[], actual: readonly string[]): string[] {
  const n = expected.length;
  const m = actual.length;
  if (n * m > MAX_CELLS) return [...expected.map((l) => `- ${l}`), ...actual.map((l) => `+ ${l}`)];
  // lcs[i][j]: length of the LCS of expected[i..] and actual[j..]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = expected[i] === actual[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (expected[i] === actual[j]) {
      out.push(`  ${expected[i]}`);
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push(`- ${expected[i++]}`);
    else out.push(`+ ${actual[j++]}`);
  }
  while (i < n) out.push(`- ${expected[i++]}`);
  while (j < m) out.push(`+ ${actual[j++]}`);
  return out;
}
