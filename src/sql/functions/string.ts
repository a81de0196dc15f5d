import { createHash, randomUUID } from 'node:crypto';
import type { ScalarFunctionDef } from '../../udf/api.js';
import { InvalidPattern, javaRegex } from './java-regex.js';
import {
  builtin,
  codePointLength,
  ex,
  fail,
  hasSurrogates,
  javaStringHash,
  sig,
  sliceCodePoints,
  substringSql,
  toInt,
  utf8,
} from './util.js';

/**
 * String functions with Flink's semantics (SqlFunctionUtils / BinaryStringDataUtil). Character positions and
 * lengths count code points as Flink's BinaryStringData does, except where Flink itself works on Java
 * UTF-16 chars (LPAD, RPAD, REPLACE, INITCAP, HASH_CODE), which match JS strings.
 */

const S = 'STRING';
const I = 'INT';

// Flink's TRIM/LTRIM/RTRIM without characters remove only the space character (0x20), not all whitespace.
function trimChars(s: string, chars: string, leading: boolean, trailing: boolean): string {
  let start = 0;
  let end = s.length;
  if (chars === ' ') {
    if (leading) while (start < end && s.charCodeAt(start) === 32) start++;
    if (trailing) while (end > start && s.charCodeAt(end - 1) === 32) end--;
    return s.slice(start, end);
  }
  // Each character of `chars` is removed (a set, not a substring), by code point.
  const set = new Set(chars);
  const cps = hasSurrogates(s) || hasSurrogates(chars) ? Array.from(s) : null;
  if (cps) {
    let a = 0;
    let b = cps.length;
    if (leading) while (a < b && set.has(cps[a]!)) a++;
    if (trailing) while (b > a && set.has(cps[b - 1]!)) b--;
    return cps.slice(a, b).join('');
  }
  if (leading) while (start < end && set.has(s[start]!)) start++;
  if (trailing) while (end > start && set.has(s[end - 1]!)) end--;
  return s.slice(start, end);
}

function trimDef(name: string, leading: boolean, trailing: boolean, examples: ScalarFunctionDef['examples']) {
  return builtin({
    name,
    description: `Removes ${leading && trailing ? 'leading and trailing' : leading ? 'leading' : 'trailing'} spaces (or the given characters).`,
    signatures: [sig([S], S), sig([S, S], S)],
    eval: (s: string, chars?: string) => trimChars(s, chars ?? ' ', leading, trailing),
    examples: examples ?? [],
  });
}

/** BinaryStringData.indexOf semantics: an empty needle is found at 0, a negative start counts as 0. */
function indexOfCodePoints(s: string, needle: string, from: number): number {
  if (needle.length === 0) return 0;
  const start = from < 0 ? 0 : from;
  if (!hasSurrogates(s)) return s.indexOf(needle, start);
  const cps = Array.from(s);
  if (start >= cps.length) return -1;
  const unitStart = cps.slice(0, start).join('').length;
  const idx = s.indexOf(needle, unitStart);
  return idx < 0 ? -1 : codePointLength(s.slice(0, idx));
}

function position(needle: string, s: string, from = 1): number {
  return indexOfCodePoints(s, needle, from - 1) + 1;
}

function instr(str: string, sub: string, startPosition: number, nth: number): number {
  if (nth <= 0) fail('INSTR: nthAppearance must be positive');
  if (startPosition === 0) return 0;
  if (startPosition > 0) {
    let startIndex = startPosition;
    let index = 0;
    for (let i = 0; i < nth; i++) {
      index = indexOfCodePoints(str, sub, startIndex - 1) + 1;
      if (index === 0) return 0;
      startIndex = index + 1;
    }
    return index;
  }
  const pos = instr(reverse(str), reverse(sub), -startPosition, nth);
  return pos === 0 ? 0 : codePointLength(str) + 2 - pos - codePointLength(sub);
}

function reverse(s: string): string {
  if (!hasSurrogates(s)) {
    let r = '';
    for (let i = s.length - 1; i >= 0; i--) r += s[i];
    return r;
  }
  return Array.from(s).reverse().join('');
}

function lpad(base: string, len: number, pad: string): string | null {
  if (len < 0 || pad === '') return null;
  if (len <= base.length) return base.slice(0, len);
  const need = len - base.length;
  return pad.repeat(Math.ceil(need / pad.length)).slice(0, need) + base;
}

function rpad(base: string, len: number, pad: string): string | null {
  if (len < 0 || pad === '') return null;
  if (len <= base.length) return base.slice(0, len);
  const need = len - base.length;
  return base + pad.repeat(Math.ceil(need / pad.length)).slice(0, need);
}

/** Calcite's INITCAP: words are runs of ASCII letters and digits; everything else separates words. */
function initcap(s: string): string {
  let out = '';
  let start = true;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    const upper = c >= 65 && c <= 90;
    const lower = c >= 97 && c <= 122;
    if (start) {
      if (digit || upper) start = false;
      else if (lower) {
        start = false;
        c -= 32;
      }
    } else if (upper) c += 32;
    else if (!digit && !lower) start = true;
    out += String.fromCharCode(c);
  }
  return out;
}

/** Commons-lang splitByWholeSeparatorPreserveAllTokens: an empty separator splits on whitespace. */
function splitIndex(s: string, sep: string | number, index: number): string | null {
  if (index < 0) return null;
  let parts: string[];
  if (typeof sep === 'number') {
    if (sep > 255 || sep < 1) return null;
    parts = s.length === 0 ? [] : s.split(String.fromCharCode(sep));
  } else if (s.length === 0) parts = [];
  else if (sep === '') parts = s.split(/[\t\n\x0B\f\r\x1C-\x1F \u1680\u2000-\u2006\u2008-\u200A\u2028\u2029\u205F\u3000]/);
  else parts = s.split(sep);
  return index < parts.length ? parts[index]! : null;
}

/** java.lang.String.split(regex): trailing empty strings are removed, a zero-width match at 0 gives no leading "". */
export function javaSplit(s: string, regex: string): string[] {
  let parts: string[];
  // Java's fast path: a one-char non-meta pattern, or an escaped one, splits literally.
  if (
    (regex.length === 1 && !'.$|()[{^?*+\\'.includes(regex)) ||
    (regex.length === 2 && regex[0] === '\\' && !/[0-9a-zA-Z]/.test(regex[1]!))
  ) {
    parts = s.split(regex.length === 1 ? regex : regex[1]!);
  } else {
    const re = javaRegex(regex);
    if (re instanceof InvalidPattern) fail(`invalid regular expression "${regex}": ${re.message}`);
    parts = [];
    const g = re.global;
    g.lastIndex = 0;
    let last = 0;
    for (let m = g.exec(s); m !== null; m = g.exec(s)) {
      if (m[0].length === 0) {
        if (m.index >= s.length) break;
        if (m.index > 0) {
          parts.push(s.slice(last, m.index));
          last = m.index;
        }
        g.lastIndex++;
        continue;
      }
      parts.push(s.slice(last, m.index));
      last = m.index + m[0].length;
    }
    parts.push(s.slice(last));
  }
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** String.split(regex, 2): at most one split, at the first match. */
function splitOnce(s: string, regex: string): [string] | [string, string] {
  const re = javaRegex(regex);
  if (re instanceof InvalidPattern) fail(`invalid regular expression "${regex}": ${re.message}`);
  const g = re.global;
  g.lastIndex = 0;
  for (let m = g.exec(s); m !== null; m = g.exec(s)) {
    if (m.index === 0 && m[0].length === 0) {
      g.lastIndex++;
      continue;
    }
    if (m[0].length === 0 && m.index >= s.length) break;
    return [s.slice(0, m.index), s.slice(m.index + m[0].length)];
  }
  return [s];
}

function strToMap(text: string, listDelimiter = ',', keyValueDelimiter = '='): Map<string, string | null> {
  const out = new Map<string, string | null>();
  if (text.length === 0) return out;
  for (const pair of javaSplit(text, listDelimiter)) {
    const kv = splitOnce(pair, keyValueDelimiter);
    out.set(kv.length < 2 ? pair : kv[0], kv[1] ?? null);
  }
  return out;
}

function regexpExtract(s: string, regex: string, group = 0): string | null {
  const re = javaRegex(regex);
  if (re instanceof InvalidPattern) return null;
  const m = re.find.exec(s);
  if (m === null || group < 0 || group >= m.length) return null;
  return m[group] ?? null;
}

const STANDARD_B64 = /^[A-Za-z0-9+/]*={0,2}$/;

function fromBase64(s: string): string {
  // Java's basic decoder is strict: no whitespace, no URL alphabet, correct padding.
  if (!STANDARD_B64.test(s) || s.length % 4 === 1 || (s.includes('=') && s.length % 4 !== 0)) {
    fail(`FROM_BASE64: "${s.length > 40 ? `${s.slice(0, 37)}...` : s}" is not valid base64`);
  }
  return Buffer.from(s, 'base64').toString('utf8');
}

function hex(digest: Buffer): string {
  return digest.toString('hex');
}

function hashFn(name: string, algorithm: string, example: [string, string]): ScalarFunctionDef {
  return builtin({
    name,
    description: `The ${algorithm.toUpperCase()} digest of the string's UTF-8 bytes, as lower-case hex.`,
    signatures: [sig([S], S)],
    eval: (s: string) => hex(createHash(algorithm).update(s, 'utf8').digest()),
    examples: [ex([example[0]], example[1])],
  });
}

export const stringFunctions: readonly ScalarFunctionDef[] = [
  builtin({
    name: 'UPPER',
    signatures: [sig([S], S)],
    eval: (s: string) => s.toUpperCase(),
    examples: [ex(['Hello'], 'HELLO')],
  }),
  builtin({
    name: 'LOWER',
    signatures: [sig([S], S)],
    eval: (s: string) => s.toLowerCase(),
    examples: [ex(['Hello'], 'hello')],
  }),
  trimDef('TRIM', true, true, [ex(['  a b  '], 'a b'), ex(['\ta '], '\ta')]),
  trimDef('LTRIM', true, false, [ex(['  ab  '], 'ab  '), ex(['xxab', 'x'], 'ab')]),
  trimDef('RTRIM', false, true, [ex(['  ab  '], '  ab'), ex(['abyx', 'xy'], 'ab')]),
  trimDef('TRIM_BOTH', true, true, [ex(['xyaxy', 'xy'], 'a'), ex(['  a  ', ' '], 'a')]),
  trimDef('TRIM_LEADING', true, false, [ex(['xxaxx', 'x'], 'axx')]),
  trimDef('TRIM_TRAILING', false, true, [ex(['xxaxx', 'x'], 'xxa')]),
  ...['SUBSTRING', 'SUBSTR'].map((name) =>
    builtin({
      name,
      description: 'Substring from a 1-based position (negative counts from the end), optionally of a length.',
      signatures: [sig([S, I], S), sig([S, I, I], S)],
      eval: (s: string, pos: number, len?: number) => substringSql(s, toInt(pos), len === undefined ? 2147483647 : toInt(len)),
      examples: [
        ex(['Hello World', 7], 'World'),
        ex(['Hello World', 1, 5], 'Hello'),
        ex(['Hello', -3], 'llo'),
        ex(['Hello', 10], ''),
        ex(['Hello', 0, 2], 'He'),
        ex(['Hello', 2, -1], null),
      ],
    }),
  ),
  builtin({
    name: 'CONCAT',
    description: 'Concatenates strings; NULL if any argument is NULL.',
    signatures: [sig([S], S, true)],
    eval: (...parts: string[]) => parts.join(''),
    examples: [ex(['a', 'b', 'c'], 'abc'), ex(['a', null], null)],
  }),
  builtin({
    name: 'CONCAT_WS',
    description: 'Concatenates with a separator, skipping NULL arguments; NULL if the separator is NULL.',
    signatures: [sig([S, S], S, true)],
    nullOnNullInput: false,
    eval: (sep: string | null, ...parts: (string | null)[]) => {
      if (sep === null) return null;
      let out = '';
      let first = true;
      for (const p of parts) {
        if (p === null) continue;
        out += first ? p : sep + p;
        first = false;
      }
      return out;
    },
    examples: [ex(['-', 'a', null, 'c'], 'a-c'), ex([null, 'a'], null), ex([',', null], '')],
  }),
  ...['CHAR_LENGTH', 'CHARACTER_LENGTH'].map((name) =>
    builtin({
      name,
      signatures: [sig([S], I)],
      eval: (s: string) => codePointLength(s),
      examples: [ex(['hello'], 5), ex([''], 0), ex(['a😀b'], 3)],
    }),
  ),
  builtin({
    name: 'POSITION',
    description: 'POSITION(sub IN s): 1-based position of the first occurrence, 0 if absent.',
    signatures: [sig([S, S], I)],
    eval: (needle: string, s: string) => position(needle, s),
    examples: [ex(['lo', 'hello'], 4), ex(['x', 'hello'], 0), ex(['', 'hello'], 1)],
  }),
  builtin({
    name: 'LOCATE',
    description: 'LOCATE(sub, s[, from]): 1-based position of sub in s at or after position from, 0 if absent.',
    signatures: [sig([S, S], I), sig([S, S, I], I)],
    eval: (needle: string, s: string, from?: number) => position(needle, s, from === undefined ? 1 : toInt(from)),
    examples: [ex(['o', 'hello world'], 5), ex(['o', 'hello world', 6], 8), ex(['z', 'hello'], 0)],
  }),
  builtin({
    name: 'INSTR',
    description: 'INSTR(s, sub[, start[, nth]]): position of the nth occurrence of sub, searching backwards for a negative start.',
    signatures: [sig([S, S], I), sig([S, S, I], I), sig([S, S, I, I], I)],
    eval: (s: string, sub: string, start?: number, nth?: number) =>
      instr(s, sub, start === undefined ? 1 : toInt(start), nth === undefined ? 1 : toInt(nth)),
    examples: [ex(['hello', 'l'], 3), ex(['hello', 'l', 1, 2], 4), ex(['hello', 'l', -1], 4), ex(['hello', 'z'], 0)],
  }),
  builtin({
    name: 'REPLACE',
    description: 'Replaces every occurrence of a substring (Java String.replace).',
    signatures: [sig([S, S, S], S)],
    eval: (s: string, search: string, replacement: string) => s.replaceAll(search, () => replacement),
    examples: [ex(['hello world', 'o', '0'], 'hell0 w0rld'), ex(['abc', '', '-'], '-a-b-c-'), ex(['a$b', '$', '$$'], 'a$$b')],
  }),
  builtin({
    name: 'REGEXP_EXTRACT',
    description: 'The group (default 0, the whole match) of the first match of a Java regex; NULL if no match or the regex is invalid.',
    signatures: [sig([S, S], S), sig([S, S, I], S)],
    eval: (s: string, regex: string, group?: number) => regexpExtract(s, regex, group === undefined ? 0 : toInt(group)),
    examples: [
      ex(['foothebar', 'foo(.*?)(bar)', 2], 'bar'),
      ex(['foothebar', 'foo(.*?)(bar)', 1], 'the'),
      ex(['foothebar', 'foo(.*?)(bar)'], 'foothebar'),
      ex(['foothebar', 'x(.*)'], null),
      ex(['abc', 'a(b)', 5], null),
      ex(['abc', '(unclosed'], null),
    ],
  }),
  builtin({
    name: 'REGEXP_REPLACE',
    description: 'Replaces every match of a Java regex by a literal replacement (Flink quotes it: $1 is not a group); NULL if the regex is invalid.',
    signatures: [sig([S, S, S], S)],
    eval: (s: string, regex: string, replacement: string) => {
      const re = javaRegex(regex);
      if (re instanceof InvalidPattern) return null;
      return s.replace(re.global, () => replacement);
    },
    examples: [ex(['foobar', 'oo|ar', ''], 'fb'), ex(['a1b22', '\\d+', '#'], 'a#b#'), ex(['ab', '(a)', '$1'], '$1b'), ex(['x', '[', 'y'], null)],
  }),
  builtin({
    name: 'REGEXP',
    description: 'True if any substring matches the Java regex; false for an empty or invalid regex.',
    signatures: [sig([S, S], 'BOOLEAN')],
    eval: (s: string, regex: string) => {
      if (regex.length === 0) return false;
      const re = javaRegex(regex);
      return re instanceof InvalidPattern ? false : re.find.test(s);
    },
    examples: [ex(['hello', 'l+'], true), ex(['hello', '^l'], false), ex(['hello', ''], false), ex(['a', '('], false)],
  }),
  builtin({
    name: 'SPLIT_INDEX',
    description: 'Splits by a separator and returns the 0-based index-th part; NULL if the index is out of range.',
    signatures: [sig([S, S, I], S), sig([S, I, I], S)],
    eval: (s: string, sep: string | number, index: number) => splitIndex(s, typeof sep === 'bigint' ? Number(sep) : sep, toInt(index)),
    examples: [
      ex(['Jack,John,Mary', ',', 2], 'Mary'),
      ex(['Jack,John,Mary', ',', 3], null),
      ex(['Jack,John,Mary', ',', -1], null),
      ex(['a,,b', ',', 1], ''),
      ex(['a--b', '--', 1], 'b'),
      ex(['', ',', 0], null),
      ex(['a,b', 44, 1], 'b'),
    ],
  }),
  builtin({
    name: 'LPAD',
    description: 'Left-pads to a length; a longer string is truncated to the length. NULL for a negative length or empty pad.',
    signatures: [sig([S, I, S], S)],
    eval: (s: string, len: number, pad: string) => lpad(s, toInt(len), pad),
    examples: [ex(['hi', 4, '??'], '??hi'), ex(['hi', 1, '??'], 'h'), ex(['hi', 5, 'ab'], 'abahi'), ex(['hi', -1, 'a'], null), ex(['hi', 4, ''], null)],
  }),
  builtin({
    name: 'RPAD',
    description: 'Right-pads to a length; a longer string is truncated to the length. NULL for a negative length or empty pad.',
    signatures: [sig([S, I, S], S)],
    eval: (s: string, len: number, pad: string) => rpad(s, toInt(len), pad),
    examples: [ex(['hi', 4, '??'], 'hi??'), ex(['hi', 1, '??'], 'h'), ex(['hi', 5, 'ab'], 'hiaba'), ex(['hi', 0, 'a'], '')],
  }),
  builtin({
    name: 'INITCAP',
    signatures: [sig([S], S)],
    eval: initcap,
    examples: [ex(['hello WORLD-foo bar1x'], 'Hello World-Foo Bar1x'), ex(['tHiS iS'], 'This Is')],
  }),
  builtin({
    name: 'REVERSE',
    signatures: [sig([S], S)],
    eval: reverse,
    examples: [ex(['abc'], 'cba'), ex(['a😀b'], 'b😀a')],
  }),
  builtin({
    name: 'REPEAT',
    signatures: [sig([S, I], S)],
    eval: (s: string, n: number) => (toInt(n) <= 0 ? '' : s.repeat(toInt(n))),
    examples: [ex(['ab', 3], 'ababab'), ex(['ab', 0], ''), ex(['ab', -2], '')],
  }),
  builtin({
    name: 'LEFT',
    signatures: [sig([S, I], S)],
    eval: (s: string, n: number) => (toInt(n) <= 0 ? '' : substringSql(s, 1, toInt(n))),
    examples: [ex(['hello', 2], 'he'), ex(['hello', 10], 'hello'), ex(['hello', -1], '')],
  }),
  builtin({
    name: 'RIGHT',
    signatures: [sig([S, I], S)],
    eval: (s: string, n: number) => {
      const k = toInt(n);
      if (k <= 0) return '';
      return k >= codePointLength(s) ? s : substringSql(s, -k, 2147483647);
    },
    examples: [ex(['hello', 2], 'lo'), ex(['hello', 10], 'hello'), ex(['hello', 0], '')],
  }),
  hashFn('MD5', 'md5', ['hello', '5d41402abc4b2a76b9719d911017c592']),
  hashFn('SHA1', 'sha1', ['hello', 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d']),
  hashFn('SHA224', 'sha224', ['hello', 'ea09ae9cc6768c50fcee903ed054556e5bfc8347907f12598aa24193']),
  hashFn('SHA256', 'sha256', ['hello', '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824']),
  hashFn('SHA384', 'sha384', [
    'hello',
    '59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f',
  ]),
  hashFn('SHA512', 'sha512', [
    'hello',
    '9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043',
  ]),
  builtin({
    name: 'SHA2',
    description: 'SHA2(s, bits) with bits 224, 256, 384 or 512 (0 means 256).',
    signatures: [sig([S, I], S)],
    eval: (s: string, bits: number) => {
      const b = toInt(bits) === 0 ? 256 : toInt(bits);
      if (b !== 224 && b !== 256 && b !== 384 && b !== 512) fail(`SHA2: unsupported bit length ${b} (use 224, 256, 384 or 512)`);
      return hex(createHash(`sha${b}`).update(s, 'utf8').digest());
    },
    examples: [ex(['hello', 256], '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824')],
  }),
  builtin({
    name: 'TO_BASE64',
    signatures: [sig([S], S), sig(['BYTES'], S)],
    eval: (v: string | Uint8Array) => (typeof v === 'string' ? utf8(v) : Buffer.from(v)).toString('base64'),
    examples: [ex(['hello world'], 'aGVsbG8gd29ybGQ='), ex([new Uint8Array([1, 2])], 'AQI=')],
  }),
  builtin({
    name: 'FROM_BASE64',
    description: 'Decodes base64 into a UTF-8 string; invalid base64 is an error, as in Flink.',
    signatures: [sig([S], S)],
    eval: fromBase64,
    examples: [ex(['aGVsbG8gd29ybGQ='], 'hello world'), ex([''], '')],
  }),
  builtin({
    name: 'ASCII',
    description: 'The first byte of the UTF-8 encoding as a signed byte (Flink), 0 for an empty string.',
    signatures: [sig([S], I)],
    eval: (s: string) => {
      if (s.length === 0) return 0;
      const c = s.charCodeAt(0);
      if (c < 0x80) return c;
      const b = utf8(s.slice(0, 2))[0]!;
      return b > 127 ? b - 256 : b;
    },
    examples: [ex(['abc'], 97), ex([''], 0), ex(['é'], -61)],
  }),
  builtin({
    name: 'CHR',
    description: 'The character whose code is n modulo 256; empty for a negative n.',
    signatures: [sig(['BIGINT'], S)],
    eval: (n: number | bigint) => {
      const v = typeof n === 'bigint' ? n : BigInt(Math.trunc(n));
      return v < 0n ? '' : String.fromCharCode(Number(v & 0xffn));
    },
    examples: [ex([97], 'a'), ex([353], 'a'), ex([-1], ''), ex([0], '\u0000')],
  }),
  builtin({
    name: 'STR_TO_MAP',
    description: 'Splits text into key/value pairs; both delimiters are Java regexes (defaults "," and "=").',
    signatures: [sig([S], 'MAP<STRING, STRING>'), sig([S, S, S], 'MAP<STRING, STRING>')],
    eval: (text: string, list?: string, kv?: string) => strToMap(text, list, kv),
    examples: [
      ex(['a=1,b=2'], new Map([['a', '1'], ['b', '2']])),
      ex(['a:1;b', ';', ':'], new Map<string, string | null>([['a', '1'], ['b', null]])),
      ex(['a=1,b=2=3,'], new Map([['a', '1'], ['b', '2=3']])),
      ex([''], new Map()),
    ],
  }),
  builtin({
    name: 'UUID',
    description: 'A random (version 4) UUID.',
    signatures: [sig([], S)],
    deterministic: false,
    eval: () => randomUUID(),
  }),
  builtin({
    name: 'HASH_CODE',
    description: "Math.abs of Java's String.hashCode (Flink's HASH_CODE for strings).",
    signatures: [sig([S], I)],
    eval: (s: string) => Math.abs(javaStringHash(s)) | 0,
    examples: [ex(['hello'], 99162322), ex([''], 0), ex(['polygenelubricants'], -2147483648)],
  }),
  builtin({
    name: 'OVERLAY',
    description: 'OVERLAY(s PLACING r FROM start [FOR len]).',
    signatures: [sig([S, S, I], S), sig([S, S, I, I], S)],
    eval: (s: string, r: string, start: number, length?: number) => {
      const st = toInt(start);
      const len = length === undefined ? r.length : toInt(length);
      if (st <= 0 || st > s.length) return s;
      let out = s.slice(0, st - 1) + r;
      if (st + len <= s.length && len > 0) out += s.slice(st - 1 + len);
      return out;
    },
    examples: [ex(['xxxxxtest', 'xxxx', 6], 'xxxxxxxxx'), ex(['xxxxxtest', 'xxxx', 6, 2], 'xxxxxxxxxst')],
  }),
  builtin({
    name: 'IS_DIGIT',
    description: 'True if every character is a digit (a non-empty string); false for NULL.',
    signatures: [sig(['ANY'], 'BOOLEAN')],
    nullOnNullInput: false,
    eval: (v: unknown) => {
      if (typeof v === 'bigint') return true;
      if (typeof v === 'number') return Number.isInteger(v);
      return typeof v === 'string' && v.length > 0 && /^\p{Nd}+$/u.test(v);
    },
    examples: [ex(['123'], true), ex(['12a'], false), ex([''], false), ex([null], false), ex(['-1'], false)],
  }),
  builtin({
    name: 'IS_ALPHA',
    description: 'True if every character is a letter (a non-empty string); false for NULL.',
    signatures: [sig(['ANY'], 'BOOLEAN')],
    nullOnNullInput: false,
    eval: (v: unknown) => typeof v === 'string' && v.length > 0 && /^\p{L}+$/u.test(v),
    examples: [ex(['abc'], true), ex(['ab1'], false), ex([''], false), ex([null], false)],
  }),
  builtin({
    name: 'IS_DECIMAL',
    description: 'True if the string parses as a Java int, long or double; false for NULL.',
    signatures: [sig(['ANY'], 'BOOLEAN')],
    nullOnNullInput: false,
    eval: (v: unknown) => {
      if (typeof v === 'number' || typeof v === 'bigint') return true;
      return typeof v === 'string' && v.length > 0 && JAVA_DOUBLE.test(v);
    },
    examples: [ex(['1.5'], true), ex(['-3'], true), ex(['1e5'], true), ex([' 2 '], true), ex(['1.2.3'], false), ex(['abc'], false), ex([null], false)],
  }),
];

// Double.parseDouble's grammar (after trimming chars <= ' '), which also covers Integer/Long.parseX.
const JAVA_DOUBLE =
  /^[\x00-\x20]*[+-]?(?:NaN|Infinity|(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?\d+)[fFdD]?)[\x00-\x20]*$/;

