import type { ScalarFunctionDef } from '../../udf/api.js';
import { BoundedCache, builtin, ex, javaDoubleToString, sig } from './util.js';

/**
 * SQL/JSON functions with Flink's defaults: JSON_VALUE ... RETURNING STRING NULL ON EMPTY NULL ON ERROR,
 * JSON_EXISTS ... FALSE ON ERROR, JSON_QUERY ... WITHOUT ARRAY WRAPPER NULL ON EMPTY NULL ON ERROR.
 *
 * JSON is parsed by a small parser of our own rather than JSON.parse so that numbers keep their text: large
 * integer ids stay exact and doubles print as Java does (1.0, 1.0E20), like Flink's Jackson-based functions.
 * The last document parsed is remembered, so several JSON_VALUE calls on one column parse it once per row.
 *
 * Paths: an optional `lax` / `strict` mode, `$`, then `.key`, `."key"`, `['key']`, `["key"]`, `[n]`, and the
 * wildcards `.*` / `[*]` (JSON_QUERY gives the matches as an array). Filters and functions are not supported
 * (they count as an error: NULL / FALSE). In both modes a missing member is "empty", which the defaults make NULL.
 */

class JsonNumber {
  constructor(readonly text: string) {}
  get isInteger(): boolean {
    return !/[.eE]/.test(this.text);
  }
}

type Json = null | boolean | string | JsonNumber | Json[] | Map<string, Json>;

class JsonSyntaxError extends Error {}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(): Json {
    const v = this.value();
    this.ws();
    if (this.i !== this.s.length) this.fail();
    return v;
  }

  private fail(): never {
    throw new JsonSyntaxError(`invalid JSON at offset ${this.i}`);
  }

  private ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.i++;
      else break;
    }
  }

  private value(): Json {
    this.ws();
    const s = this.s;
    const c = s[this.i];
    switch (c) {
      case '{': {
        this.i++;
        const m = new Map<string, Json>();
        this.ws();
        if (s[this.i] === '}') {
          this.i++;
          return m;
        }
        for (;;) {
          this.ws();
          if (s[this.i] !== '"') this.fail();
          const k = this.string();
          this.ws();
          if (s[this.i] !== ':') this.fail();
          this.i++;
          m.set(k, this.value());
          this.ws();
          if (s[this.i] === ',') this.i++;
          else if (s[this.i] === '}') {
            this.i++;
            return m;
          } else this.fail();
        }
      }
      case '[': {
        this.i++;
        const a: Json[] = [];
        this.ws();
        if (s[this.i] === ']') {
          this.i++;
          return a;
        }
        for (;;) {
          a.push(this.value());
          this.ws();
          if (s[this.i] === ',') this.i++;
          else if (s[this.i] === ']') {
            this.i++;
            return a;
          } else this.fail();
        }
      }
      case '"':
        return this.string();
      case 't':
        return this.word('true', true);
      case 'f':
        return this.word('false', false);
      case 'n':
        return this.word('null', null);
      default: {
        const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
        m.lastIndex = this.i;
        const r = m.exec(s);
        if (r === null || r[0] === '' || r[0] === '-') this.fail();
        this.i += r[0].length;
        return new JsonNumber(r[0]);
      }
    }
  }

  private word<V extends Json>(w: string, v: V): V {
    if (!this.s.startsWith(w, this.i)) this.fail();
    this.i += w.length;
    return v;
  }

  private string(): string {
    const s = this.s;
    let i = this.i + 1;
    let out = '';
    let start = i;
    for (;;) {
      if (i >= s.length) this.fail();
      const c = s.charCodeAt(i);
      if (c === 34) break;
      if (c < 32) {
        this.i = i;
        this.fail();
      }
      if (c === 92) {
        out += s.slice(start, i);
        const e = s[i + 1];
        i += 2;
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out += e;
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const h = s.slice(i, i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(h)) {
              this.i = i;
              this.fail();
            }
            out += String.fromCharCode(parseInt(h, 16));
            i += 4;
            break;
          }
          default:
            this.i = i;
            this.fail();
        }
        start = i;
        continue;
      }
      i++;
    }
    out += s.slice(start, i);
    this.i = i + 1;
    return out;
  }
}

let lastText: string | undefined;
let lastDoc: Json | JsonSyntaxError = null;

function parseJson(text: string): Json | JsonSyntaxError {
  if (text === lastText) return lastDoc;
  let doc: Json | JsonSyntaxError;
  try {
    doc = new Parser(text).parse();
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    doc = e;
  }
  lastText = text;
  lastDoc = doc;
  return doc;
}

// ---- paths ----

type Step = { readonly key: string } | { readonly index: number } | { readonly wildcard: true };
interface Path {
  readonly steps: readonly Step[];
  readonly indefinite: boolean;
}
class PathError {
  constructor(readonly message: string) {}
}

const paths = new BoundedCache<Path | PathError>(256);

function compilePath(text: string): Path | PathError {
  return paths.get(text, () => {
    let p = text.trim();
    const mode = /^(lax|strict)\s+/i.exec(p);
    if (mode) p = p.slice(mode[0].length);
    if (!p.startsWith('$')) return new PathError('a path starts with $');
    const steps: Step[] = [];
    let i = 1;
    while (i < p.length) {
      const c = p[i];
      if (c === '.') {
        if (p[i + 1] === '*') {
          steps.push({ wildcard: true });
          i += 2;
          continue;
        }
        if (p[i + 1] === '"') {
          const end = p.indexOf('"', i + 2);
          if (end < 0) return new PathError('unclosed quote');
          steps.push({ key: p.slice(i + 2, end) });
          i = end + 1;
          continue;
        }
        const m = /^[A-Za-z_$][\w$-]*/.exec(p.slice(i + 1));
        if (!m) return new PathError(`bad member name at ${i}`);
        steps.push({ key: m[0] });
        i += 1 + m[0].length;
        continue;
      }
      if (c === '[') {
        const rest = p.slice(i);
        const q = /^\[\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(\d+)|(\*))\s*\]/.exec(rest);
        if (!q) return new PathError(`unsupported path element at ${i}`);
        if (q[4] !== undefined) steps.push({ wildcard: true });
        else if (q[3] !== undefined) steps.push({ index: Number(q[3]) });
        else steps.push({ key: (q[1] ?? q[2] ?? '').replace(/\\(.)/g, '$1') });
        i += q[0].length;
        continue;
      }
      if (c === ' ') {
        i++;
        continue;
      }
      return new PathError(`unsupported path element at ${i}`);
    }
    return { steps, indefinite: steps.some((s) => 'wildcard' in s) };
  });
}

const MISSING = Symbol('missing');
type Found = Json | typeof MISSING;

function select(doc: Json, path: Path): Found {
  if (!path.indefinite) {
    let cur: Json = doc;
    for (const step of path.steps) {
      if ('key' in step) {
        if (!(cur instanceof Map) || !cur.has(step.key)) return MISSING;
        cur = cur.get(step.key)!;
      } else if ('index' in step) {
        if (!Array.isArray(cur) || step.index >= cur.length) return MISSING;
        cur = cur[step.index]!;
      }
    }
    return cur;
  }
  let level: Json[] = [doc];
  for (const step of path.steps) {
    const next: Json[] = [];
    for (const cur of level) {
      if ('key' in step) {
        if (cur instanceof Map && cur.has(step.key)) next.push(cur.get(step.key)!);
      } else if ('index' in step) {
        if (Array.isArray(cur) && step.index < cur.length) next.push(cur[step.index]!);
      } else if (Array.isArray(cur)) next.push(...cur);
      else if (cur instanceof Map) next.push(...cur.values());
    }
    level = next;
  }
  return level;
}

function lookup(json: string, pathText: string): Found | undefined {
  const path = compilePath(pathText);
  if (path instanceof PathError) return undefined;
  const doc = parseJson(json);
  if (doc instanceof JsonSyntaxError) return undefined;
  return select(doc, path);
}

function numberText(n: JsonNumber): string {
  return n.isInteger ? BigInt(n.text).toString() : javaDoubleToString(Number(n.text));
}

export function serialize(v: Json): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof JsonNumber) return numberText(v);
  if (Array.isArray(v)) return `[${v.map(serialize).join(',')}]`;
  let out = '{';
  let first = true;
  for (const [k, x] of v) {
    out += `${first ? '' : ','}${JSON.stringify(k)}:${serialize(x)}`;
    first = false;
  }
  return `${out}}`;
}

function jsonValue(json: string, path: string): string | null {
  const v = lookup(json, path);
  if (v === undefined || v === MISSING || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof JsonNumber) return numberText(v);
  return null; // an object or array is not a scalar: an error, NULL by default
}

function jsonExists(json: string, path: string): boolean {
  const v = lookup(json, path);
  if (v === undefined || v === MISSING || v === null) return false;
  return !Array.isArray(v) || !compiledIndefinite(path) || v.length > 0;
}

function compiledIndefinite(path: string): boolean {
  const p = compilePath(path);
  return !(p instanceof PathError) && p.indefinite;
}

function jsonQuery(json: string, path: string): string | null {
  const v = lookup(json, path);
  if (v === undefined || v === MISSING || v === null) return null;
  if (v instanceof Map || Array.isArray(v)) return serialize(v);
  return null; // a scalar: empty (lax) or error (strict), NULL either way by default
}

export const jsonFunctions: readonly ScalarFunctionDef[] = [
  builtin({
    name: 'JSON_VALUE',
    description: 'The scalar at a JSON path as a STRING; NULL when missing, not a scalar, or on invalid JSON.',
    signatures: [sig(['STRING', 'STRING'], 'STRING')],
    eval: jsonValue,
    examples: [
      ex(['{"a": {"b": "x"}}', '$.a.b'], 'x'),
      ex(['{"a": [10, 20]}', '$.a[1]'], '20'),
      ex(['{"a": 1.0}', '$.a'], '1.0'),
      ex(['{"id": 1234567890123456789}', '$.id'], '1234567890123456789'),
      ex(['{"a": 1e20}', '$.a'], '1.0E20'),
      ex(['{"a": true}', "$['a']"], 'true'),
      ex(['{"a": {"b": 1}}', '$.a'], null),
      ex(['{"a": null}', '$.a'], null),
      ex(['{"a": 1}', '$.b'], null),
      ex(['{"a": 1}', 'strict $.b'], null),
      ex(['{bad json', '$.a'], null),
      ex(['{"a b": "y"}', '$["a b"]'], 'y'),
    ],
  }),
  builtin({
    name: 'JSON_EXISTS',
    description: 'Whether a JSON path selects a (non-null) value; FALSE on invalid JSON or path.',
    signatures: [sig(['STRING', 'STRING'], 'BOOLEAN')],
    eval: jsonExists,
    examples: [
      ex(['{"a": true}', '$.a'], true),
      ex(['{"a": true}', '$.b'], false),
      ex(['{"a": [{"b": 1}]}', '$.a[0].b'], true),
      ex(['{"a": [{"b": 1}]}', '$.a[1]'], false),
      ex(['not json', '$'], false),
    ],
  }),
  builtin({
    name: 'JSON_QUERY',
    description: 'The JSON text of the object or array at a path; NULL for scalars, missing values and invalid JSON.',
    signatures: [sig(['STRING', 'STRING'], 'STRING')],
    eval: jsonQuery,
    examples: [
      ex(['{ "a": { "b": 1 } }', '$.a'], '{"b":1}'),
      ex(['[1, 2]', '$'], '[1,2]'),
      ex(['{"a": 1}', '$.a'], null),
      ex(['{"a": [{"b": 1}, {"b": 2.5}]}', '$.a[*].b'], '[1,2.5]'),
      ex(['{"z": 1, "2": "\\u00e9\\n"}', '$'], '{"z":1,"2":"é\\n"}'),
    ],
  }),
];
