import { userError } from '../../core/errors.js';
import { BoundedCache } from './util.js';

/**
 * Flink's regex functions use java.util.regex. This translates a Java pattern into an equivalent JS RegExp for
 * the common cases and says clearly when it cannot.
 *
 * Translated: inline flags at the very start ((?i) (?s) (?m) (?u)), \A \z \Z, Java's `$` (also matches before a
 * final line terminator), \Q...\E quoting, POSIX classes (\p{Alpha} \p{Digit} \p{Punct} ... ASCII, as in Java),
 * Unicode classes (\p{L}, \p{IsAlphabetic}, \p{Lu} ...), \h \v \R \e \a \x{...} and octal \0nnn escapes, escaped
 * punctuation that JS would reject. Named groups (?<name>...) are the same in both.
 *
 * Not supported (a user error naming the feature): possessive quantifiers (a*+), atomic groups (?>...),
 * class intersection and nested classes ([a-z&&[^x]]), inline flags after the start or scoped flags (?i:...),
 * (?x) comments mode, \G, \Z inside a class.
 *
 * Invalid patterns (for Java too) are reported as `InvalidPattern`, which Flink's functions turn into NULL / FALSE.
 */

export class InvalidPattern {
  constructor(readonly message: string) {}
}

export interface CompiledRegex {
  /** Matches anywhere (no g flag): for find() / test. */
  readonly find: RegExp;
  /** The same with the g flag, for replaceAll; callers must reset lastIndex (String.replace does). */
  readonly global: RegExp;
}

const cache = new BoundedCache<CompiledRegex | InvalidPattern>(512);

/** Compile (cached by pattern text). Throws a user error for unsupported Java features. */
export function javaRegex(pattern: string): CompiledRegex | InvalidPattern {
  const r = cache.get(pattern, compile);
  return r;
}

function compile(pattern: string): CompiledRegex | InvalidPattern {
  let translated: { source: string; flags: string };
  try {
    translated = translateJavaRegex(pattern);
  } catch (e) {
    if (e instanceof InvalidPattern) return e;
    throw e;
  }
  try {
    return {
      find: new RegExp(translated.source, translated.flags),
      global: new RegExp(translated.source, `${translated.flags}g`),
    };
  } catch (e) {
    return new InvalidPattern((e as Error).message);
  }
}

function unsupported(pattern: string, what: string): never {
  throw userError(`regular expression "${pattern}" uses ${what}, which Dirk cannot translate from Java to JavaScript`);
}

const POSIX: Readonly<Record<string, string>> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
  javaLowerCase: '\\p{Ll}',
  javaUpperCase: '\\p{Lu}',
  javaWhitespace: '\\t\\n\\x0B\\f\\r\\x1C-\\x1F \\u1680\\u2000-\\u2006\\u2008-\\u200A\\u2028\\u2029\\u205F\\u3000',
  IsAlphabetic: '\\p{Alphabetic}',
  IsLetter: '\\p{L}',
  IsDigit: '\\p{Nd}',
  IsUppercase: '\\p{Uppercase}',
  IsLowercase: '\\p{Lowercase}',
  IsWhite_Space: '\\p{White_Space}',
  IsPunctuation: '\\p{P}',
};

const H_SPACE = ' \\t\\xA0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000';
const V_SPACE = '\\n\\x0B\\f\\r\\x85\\u2028\\u2029';
// Characters that must stay escaped in a JS (u-mode) pattern.
const SYNTAX = new Set(['^', '$', '\\', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '/']);

export function translateJavaRegex(p: string): { source: string; flags: string } {
  let flags = '';
  let i = 0;
  // Leading inline flags, possibly several groups: (?i)(?s)
  for (let m = /^\(\?([a-zA-Z]+)\)/.exec(p.slice(i)); m; m = /^\(\?([a-zA-Z]+)\)/.exec(p.slice(i))) {
    for (const f of m[1]!) {
      if (f === 'i' || f === 's' || f === 'm') {
        if (!flags.includes(f)) flags += f;
      } else if (f === 'u' || f === 'U') {
        // Unicode case folding / character classes: JS u-mode is the closest.
      } else if (f === 'd') {
        // UNIX_LINES: only \n is a line terminator; close enough.
      } else if (f === 'x') unsupported(p, 'comments mode (?x)');
      else throw new InvalidPattern(`unknown inline flag ${f}`);
    }
    i += m[0].length;
  }
  const multiline = flags.includes('m');
  let needsUnicode = false;
  let out = '';
  let inClass = false;
  let classStart = false;
  while (i < p.length) {
    const c = p[i]!;
    if (c === '\\') {
      const n = p[i + 1];
      if (n === undefined) throw new InvalidPattern('trailing backslash');
      i += 2;
      const cur: Cursor = { p, i, inClass, needsUnicode };
      out += translateEscape(cur, n);
      i = cur.i;
      needsUnicode = cur.needsUnicode;
      classStart = false;
      continue;
    }
    if (inClass) {
      if (c === '[') unsupported(p, 'a nested character class or class union');
      if (c === '&' && p[i + 1] === '&') unsupported(p, 'character class intersection (&&)');
      if (c === ']' && !classStart) {
        inClass = false;
        out += ']';
      } else if (c === ']') out += '\\]'; // Java allows a literal ] first in a class
      else out += c === '/' ? '\\/' : c;
      classStart = false;
      i++;
      continue;
    }
    switch (c) {
      case '[':
        out += '[';
        i++;
        if (p[i] === '^') {
          out += '^';
          i++;
        }
        inClass = true;
        classStart = true;
        continue;
      case '(':
        if (p[i + 1] === '?') {
          const rest = p.slice(i + 2);
          if (rest.startsWith('>')) unsupported(p, 'an atomic group (?>...)');
          if (/^[a-zA-Z-]+[):]/.test(rest)) unsupported(p, 'inline flags that are not at the start of the pattern');
        }
        out += '(';
        i++;
        continue;
      case '$':
        out += multiline ? '$' : '(?=(?:\\r\\n|[\\n\\r\\x85\\u2028\\u2029])?(?![\\s\\S]))';
        i++;
        continue;
      case '*':
      case '+':
      case '?':
      case '}': {
        if (c === '}') {
          // the end of a {n,m} quantifier: copied when the opening brace was
          out += '\\}';
          i++;
          continue;
        }
        out += c;
        i++;
        if (p[i] === '+') unsupported(p, `a possessive quantifier (${c}+)`);
        if (p[i] === '?') {
          out += '?';
          i++;
        }
        continue;
      }
      case '{': {
        const m = /^\{\d+(?:,\d*)?\}/.exec(p.slice(i));
        if (!m) throw new InvalidPattern('illegal repetition');
        out += m[0];
        i += m[0].length;
        if (p[i] === '+') unsupported(p, 'a possessive quantifier ({n}+)');
        if (p[i] === '?') {
          out += '?';
          i++;
        }
        continue;
      }
      case ']':
        out += '\\]';
        i++;
        continue;
      case '/':
        out += '\\/';
        i++;
        continue;
      default:
        out += c;
        i++;
    }
  }
  if (inClass) throw new InvalidPattern('unclosed character class');
  if (needsUnicode || /[\uD800-\uDFFF]/.test(out)) flags += 'u';
  return { source: out, flags };
}

/** Where translateJavaRegex is: the pattern, the position, whether inside [...], whether u-mode is needed. */
interface Cursor {
  readonly p: string;
  i: number;
  inClass: boolean;
  needsUnicode: boolean;
}

/** The JS form of an escape: a backslash and `n`, both already read (`cur.i` is after them). */
function translateEscape(cur: Cursor, n: string): string {
  const p = cur.p;
  let out = '';
  switch (n) {
    case 'Q': {
      const end = p.indexOf('\\E', cur.i);
      const lit = end < 0 ? p.slice(cur.i) : p.slice(cur.i, end);
      cur.i = end < 0 ? p.length : end + 2;
      for (const ch of lit) out += escapeLiteral(ch, cur.inClass);
      break;
    }
    case 'E':
      break; // a stray \E is ignored by Java
    case 'A':
      if (cur.inClass) throw new InvalidPattern('\\A in a class');
      out += '(?<![\\s\\S])';
      break;
    case 'z':
      if (cur.inClass) throw new InvalidPattern('\\z in a class');
      out += '(?![\\s\\S])';
      break;
    case 'Z':
      if (cur.inClass) unsupported(p, '\\Z inside a character class');
      out += '(?=(?:\\r\\n|[\\n\\r\\x85\\u2028\\u2029])?(?![\\s\\S]))';
      break;
    case 'G':
      unsupported(p, '\\G');
      break;
    case 'h':
      out += cur.inClass ? H_SPACE : `[${H_SPACE}]`;
      break;
    case 'H':
      if (cur.inClass) unsupported(p, '\\H inside a character class');
      out += `[^${H_SPACE}]`;
      break;
    case 'v':
      out += cur.inClass ? V_SPACE : `[${V_SPACE}]`;
      break;
    case 'V':
      if (cur.inClass) unsupported(p, '\\V inside a character class');
      out += `[^${V_SPACE}]`;
      break;
    case 'R':
      if (cur.inClass) throw new InvalidPattern('\\R in a class');
      out += '(?:\\r\\n|[\\n\\x0B\\f\\r\\x85\\u2028\\u2029])';
      break;
    case 'e':
      out += '\\x1B';
      break;
    case 'a':
      out += '\\x07';
      break;
    case 'x': {
      if (p[cur.i] === '{') {
        const end = p.indexOf('}', cur.i);
        if (end < 0) throw new InvalidPattern('unclosed \\x{');
        out += `\\u{${p.slice(cur.i + 1, end)}}`;
        cur.needsUnicode = true;
        cur.i = end + 1;
      } else {
        out += `\\x${p.slice(cur.i, cur.i + 2)}`;
        cur.i += 2;
      }
      break;
    }
    case '0': {
      const m = /^[0-3]?[0-7]{1,2}/.exec(p.slice(cur.i));
      if (!m) throw new InvalidPattern('bad octal escape');
      out += `\\x${parseInt(m[0], 8).toString(16).padStart(2, '0')}`;
      cur.i += m[0].length;
      break;
    }
    case 'p':
    case 'P': {
      let name: string;
      if (p[cur.i] === '{') {
        const end = p.indexOf('}', cur.i);
        if (end < 0) throw new InvalidPattern('unclosed \\p{');
        name = p.slice(cur.i + 1, end);
        cur.i = end + 1;
      } else {
        name = p[cur.i] ?? '';
        cur.i += 1;
      }
      const negate = n === 'P';
      const body = propertyClass(p, name);
      if (body.includes('\\p')) cur.needsUnicode = true;
      if (cur.inClass) {
        if (negate) unsupported(p, `\\P{${name}} inside a character class`);
        out += body;
      } else out += `[${negate ? '^' : ''}${body}]`;
      break;
    }
    default:
      if (/[0-9]/.test(n)) out += `\\${n}`; // back reference
      else if (/[a-zA-Z]/.test(n)) {
        if ('dDsSwWbBtnrfcu'.includes(n)) {
          out += `\\${n}`;
          if (n === 'c') {
            out += p[cur.i] ?? '';
            cur.i += 1;
          }
        } else if (n === 'k') {
          out += '\\k'; // \k<name>
        } else throw new InvalidPattern(`illegal escape \\${n}`);
      } else out += escapeLiteral(n, cur.inClass);
  }
  return out;
}

function escapeLiteral(ch: string, inClass: boolean): string {
  if (SYNTAX.has(ch) || (inClass && ch === '-')) return `\\${ch}`;
  return ch;
}

function propertyClass(pattern: string, name: string): string {
  const posix = POSIX[name];
  if (posix !== undefined) return posix;
  const bare = name.startsWith('Is') ? name.slice(2) : name.startsWith('In') ? undefined : name;
  if (bare === undefined) unsupported(pattern, `the Unicode block \\p{${name}}`);
  if (/^[A-Z][a-z]?$/.test(bare) || /^[A-Za-z_]+=/.test(bare)) return `\\p{${bare}}`;
  if (/^(L|Lu|Ll|Lt|Lm|Lo|M|N|Nd|P|S|Z)$/.test(bare)) return `\\p{${bare}}`;
  // Scripts such as \p{IsLatin} / \p{IsHan}.
  return `\\p{Script=${bare}}`;
}
