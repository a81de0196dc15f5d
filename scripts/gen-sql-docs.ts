/**
 * Generates the built-in function reference of docs/sql.md (the part between the BEGIN/END GENERATED
 * markers) from the definitions in src/sql/functions (scalar functions and aggregates; aggregates list their
 * examples, which test/unit/sql-functions/aggregate-examples.test.ts runs). Run with `npm run docs:sql`; pass --check to fail
 * when the committed file is out of date. test/unit/docs/sql-docs.test.ts runs the same check.
 *
 * Definitions without a description get the one-liner from DESCRIPTIONS below, and signatures whose result
 * type is computed from the arguments get the wording from RESULTS: a new built-in without either fails
 * the check until it is described.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FunctionDef, Signature } from '../src/udf/api.js';
import { builtinAggregates } from '../src/sql/functions/aggregates.js';
import { collectionFunctions } from '../src/sql/functions/collection.js';
import { conditionalFunctions } from '../src/sql/functions/conditional.js';
import { jsonFunctions } from '../src/sql/functions/json.js';
import { mathFunctions } from '../src/sql/functions/math.js';
import { stringFunctions } from '../src/sql/functions/string.js';
import { timeFunctions } from '../src/sql/functions/time.js';

export const SQL_DOC = fileURLToPath(new URL('../docs/sql.md', import.meta.url));
export const BEGIN = '<!-- BEGIN GENERATED: built-in functions (scripts/gen-sql-docs.ts) -->';
export const END = '<!-- END GENERATED: built-in functions -->';

const FAMILIES: readonly { title: string; defs: readonly FunctionDef[] }[] = [
  { title: 'Strings', defs: stringFunctions },
  { title: 'Numbers', defs: mathFunctions },
  { title: 'Date and time', defs: timeFunctions },
  { title: 'JSON', defs: jsonFunctions },
  { title: 'Arrays and maps', defs: collectionFunctions },
  { title: 'Conditional', defs: conditionalFunctions },
  { title: 'Aggregates', defs: builtinAggregates },
];

/** Internal targets of special syntax, documented under the syntax they come from. */
const HIDDEN = new Set(['TRIM_BOTH', 'TRIM_LEADING', 'TRIM_TRAILING']);

/** How calls with their own syntax are written in SQL (replaces the plain `NAME(types)` form). */
const SYNTAX: Readonly<Record<string, readonly string[]>> = {
  TRIM: ['TRIM(s STRING)', 'TRIM([BOTH | LEADING | TRAILING] [chars STRING] FROM s STRING)'],
  POSITION: ['POSITION(sub STRING IN s STRING)'],
  SUBSTRING: ['SUBSTRING(s STRING, pos INT [, len INT])', 'SUBSTRING(s STRING FROM pos INT [FOR len INT])'],
  EXTRACT: ['EXTRACT(unit FROM ts TIMESTAMP)'],
  TIMESTAMPADD: ['TIMESTAMPADD(unit, n INT, ts TIMESTAMP)'],
  TIMESTAMPDIFF: ['TIMESTAMPDIFF(unit, t1 TIMESTAMP, t2 TIMESTAMP)'],
  FLOOR_TIME: ['FLOOR(ts TIMESTAMP TO unit)'],
  CEIL_TIME: ['CEIL(ts TIMESTAMP TO unit)'],
  COUNT: ['COUNT(*)', 'COUNT(x ANY)', 'COUNT(DISTINCT x ANY [, y ANY ...])'],
};

/** One-line descriptions for definitions that carry none. */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  UPPER: 'Upper-case.',
  LOWER: 'Lower-case.',
  CHAR_LENGTH: 'Number of characters (code points).',
  CHARACTER_LENGTH: 'Number of characters (code points); same as CHAR_LENGTH.',
  INITCAP: 'First letter of each word upper-case, the rest lower-case.',
  REVERSE: 'The characters in reverse order.',
  REPEAT: 'The string repeated n times (empty for n <= 0).',
  LEFT: 'The first n characters (empty for n <= 0).',
  RIGHT: 'The last n characters (empty for n <= 0).',
  TO_BASE64: 'Base64 of the string\'s UTF-8 bytes (or of BYTES).',
  ABS: 'Absolute value.',
  CEIL: 'Smallest integral value not below x (DECIMAL keeps no scale).',
  CEILING: 'Same as CEIL.',
  FLOOR: 'Largest integral value not above x (DECIMAL keeps no scale).',
  POWER: 'x raised to the power y.',
  POW: 'Same as POWER.',
  SQRT: 'Square root (NaN for a negative number).',
  EXP: 'e raised to the power x.',
  LN: 'Natural logarithm.',
  LOG10: 'Base-10 logarithm.',
  LOG2: 'Base-2 logarithm.',
  SIGN: '-1, 0 or 1 by the sign of x, in the type of x.',
  PI: 'The constant π.',
  E: 'The constant e.',
  DEGREES: 'Radians to degrees.',
  RADIANS: 'Degrees to radians.',
  SIN: 'Sine (radians).',
  COS: 'Cosine (radians).',
  TAN: 'Tangent (radians).',
  COT: 'Cotangent (radians).',
  ASIN: 'Arc sine, in radians.',
  ACOS: 'Arc cosine, in radians.',
  ATAN: 'Arc tangent, in radians.',
  SINH: 'Hyperbolic sine.',
  COSH: 'Hyperbolic cosine.',
  TANH: 'Hyperbolic tangent.',
  ATAN2: 'ATAN2(y, x): the angle of the point (x, y), in radians.',
  MAP_KEYS: 'The keys of a map, as an array in the map\'s order.',
  MAP_VALUES: 'The values of a map, as an array in the map\'s order.',
  IFNULL: 'IFNULL(a, b): a unless it is NULL, else b.',
  COALESCE: 'The first argument that is not NULL (NULL if all are).',
};

/**
 * Descriptions that replace a definition's own, where it promises more than the SQL layer does (the parser
 * has no OVERLAY ... PLACING syntax).
 */
const OVERRIDES: Readonly<Record<string, string>> = {
  OVERLAY: 'OVERLAY(s, r, start [, len]): s with len characters (default: the length of r) from position start replaced by r. The PLACING ... FROM ... FOR form is not parsed.',
};

/** Result wording for signatures whose type depends on the arguments. */
const RESULTS: Readonly<Record<string, string>> = {
  ABS: 'type of x',
  CEIL: 'type of x (DECIMAL(p, s) → DECIMAL(p - s + 1, 0))',
  CEILING: 'type of x (DECIMAL(p, s) → DECIMAL(p - s + 1, 0))',
  FLOOR: 'type of x (DECIMAL(p, s) → DECIMAL(p - s + 1, 0))',
  ROUND: 'type of x',
  TRUNCATE: 'type of x',
  MOD: 'type of the second argument',
  SIGN: 'type of x',
  ELEMENT: 'element type',
  MAP_KEYS: 'ARRAY of the key type',
  MAP_VALUES: 'ARRAY of the value type',
  IF: 'common type of a and b',
  IFNULL: 'common type',
  COALESCE: 'common type',
  NULLIF: 'type of the first argument',
  GREATEST: 'common type',
  LEAST: 'common type',
  SUM: 'type of x; DECIMAL(p, s) → DECIMAL(38, s)',
  SUM0: 'type of x; DECIMAL(p, s) → DECIMAL(38, s)',
  AVG: 'type of x (INT stays INT, truncated); DECIMAL(p, s) → DECIMAL(38, max(6, s))',
  MIN: 'type of x (a time attribute becomes a plain TIMESTAMP)',
  MAX: 'type of x (a time attribute becomes a plain TIMESTAMP)',
  STDDEV: 'as AVG',
  STDDEV_POP: 'as AVG',
  STDDEV_SAMP: 'as AVG',
  VAR_POP: 'as AVG',
  VAR_SAMP: 'as AVG',
  VARIANCE: 'as AVG',
  FIRST_VALUE: 'type of x',
  LAST_VALUE: 'type of x',
  COLLECT: 'ARRAY of the type of x',
};

/** An aggregate's examples as text: `SUM(x)` over 1, 2, NULL, 4 → 7. */
function aggregateExamples(d: FunctionDef): string {
  if (d.kind !== 'aggregate' || !d.examples?.length) return '';
  const value = (v: unknown): string => (v === null ? 'NULL' : typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `[${v.map(value).join(', ')}]` : String(v));
  const one = (e: NonNullable<typeof d.examples>[number]): string => {
    const rows = e.rows.map((r) => (r.length === 0 ? '()' : r.length === 1 ? value(r[0]) : `(${r.map(value).join(', ')})`)).join(', ');
    const types = e.argTypes ? ` (x ${e.argTypes.join(', ')})` : '';
    return `\`${e.sql ?? d.name}\`${types} over ${rows} → ${value(e.result)}`;
  };
  return ` Examples: ${d.examples.map(one).join('; ')}.`;
}

function signatures(d: FunctionDef): string[] {
  const syntax = SYNTAX[d.name];
  const returns = (s: Signature): string => (typeof s.returns === 'function' ? RESULTS[d.name] ?? '' : `\`${s.returns}\``);
  if (syntax) {
    const ret = d.signatures.map(returns);
    const same = ret.every((r) => r === ret[0]);
    return syntax.map((s, i) => `\`${s}\` → ${same ? ret[0] : (ret[i] ?? ret[ret.length - 1])}`);
  }
  return d.signatures.map((s) => {
    const ps = [...s.params];
    if (s.varargs && ps.length > 0) ps[ps.length - 1] = `${ps[ps.length - 1]}...`;
    return `\`${d.name}(${ps.join(', ')})\` → ${returns(s)}`;
  });
}

/** Problems that make the generated reference incomplete (a description or result wording missing). */
export function missingDocs(): string[] {
  const out: string[] = [];
  for (const f of FAMILIES) {
    for (const d of f.defs) {
      if (HIDDEN.has(d.name)) continue;
      if (!d.description && !DESCRIPTIONS[d.name]) out.push(`${d.name}: no description (add one to DESCRIPTIONS in scripts/gen-sql-docs.ts)`);
      if (d.signatures.some((s) => typeof s.returns === 'function') && !RESULTS[d.name]) out.push(`${d.name}: computed result type without wording in RESULTS`);
    }
  }
  return out;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The generated block, markers included. */
export function functionReference(): string {
  const lines: string[] = [BEGIN, ''];
  for (const f of FAMILIES) {
    lines.push(`#### ${f.title}`, '', '| signature → result | description |', '|---|---|');
    const defs = [...f.defs].filter((d) => !HIDDEN.has(d.name)).sort((a, b) => a.name.localeCompare(b.name));
    for (const d of defs) {
      const desc = OVERRIDES[d.name] ?? d.description ?? DESCRIPTIONS[d.name] ?? '';
      const nd = d.kind === 'scalar' && d.deterministic === false ? ' *Not deterministic.*' : '';
      lines.push(`| ${signatures(d).map(cell).join('<br>')} | ${cell(desc)}${nd}${cell(aggregateExamples(d))} |`);
    }
    lines.push('');
  }
  lines.push(END);
  return lines.join('\n');
}

/** `doc` with its generated block replaced by the current one. */
export function renderDoc(doc: string): string {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs/sql.md has no generated block (${BEGIN} ... ${END})`);
  return doc.slice(0, a) + functionReference() + doc.slice(b + END.length);
}

function main(): void {
  const missing = missingDocs();
  if (missing.length > 0) {
    console.error(missing.join('\n'));
    process.exit(1);
  }
  const current = readFileSync(SQL_DOC, 'utf8');
  const next = renderDoc(current);
  if (process.argv.includes('--check')) {
    if (current !== next) {
      console.error('docs/sql.md is out of date; run npm run docs:sql');
      process.exit(1);
    }
    console.log('docs/sql.md is up to date');
    return;
  }
  writeFileSync(SQL_DOC, next);
  const n = FAMILIES.reduce((k, f) => k + f.defs.filter((d) => !HIDDEN.has(d.name)).length, 0);
  console.log(`wrote the built-in function reference of ${SQL_DOC} (${n} functions)`);
}

// vite-node takes the script's own path out of process.argv, so "run as a script" is "not imported by vitest".
if (!process.env['VITEST']) main();
