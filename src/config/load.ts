import { readFile } from 'node:fs/promises';
import { userError } from '../core/errors.js';
import { ConfigErrors } from './config-errors.js';
import { parseJobConfig } from './parse.js';
import type { ParseOptions, ParsedJobConfig } from './types.js';

/**
 * Read and validate a job file. A missing file or bad JSON is a user error naming the file (and, for JSON,
 * the line and column); config mistakes come back as ConfigErrors naming the file.
 * `${NAME}` references are filled from `opts.env`, by default process.env as it is at load time.
 */
export async function loadJobConfigFile(
  path: string,
  opts: ParseOptions = {},
): Promise<ParsedJobConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw userError(`cannot read job config ${path}: ${why}`, { cause: e });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let raw: unknown;
  try {
    raw = JSON.parse(text) as unknown;
  } catch (e) {
    const at = jsonErrorPosition(text);
    const where = at ? ` at line ${at.line}, column ${at.column}` : '';
    throw userError(`job config ${path} is not valid JSON${where}: ${at?.reason ?? (e as Error).message}`, {
      cause: e,
      ...(at ? { position: { line: at.line, column: at.column } } : {}),
    });
  }
  try {
    return parseJobConfig(raw, { env: process.env, ...opts });
  } catch (e) {
    if (e instanceof ConfigErrors) throw new ConfigErrors(e.errors, path);
    throw e;
  }
}

export interface JsonErrorPosition {
  readonly line: number;
  readonly column: number;
  readonly reason: string;
}

/**
 * Where JSON.parse would fail, found with a small scanner (Node 20's messages do not always carry a
 * position). Returns undefined if the text is valid JSON. Line and column count from 1.
 */
export function jsonErrorPosition(text: string): JsonErrorPosition | undefined {
  let i = 0;
  const fail = (reason: string, at = i): never => {
    throw new JsonScanError(reason, at);
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const describe = (): string => (i >= text.length ? 'end of input' : `"${text[i]}"`);
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a double-quoted property name, found ${describe()}`);
        string();
        ws();
        if (text[i] !== ':') fail(`expected ":" after the property name, found ${describe()}`);
        i++;
        value();
        ws();
        if (text[i] === ',') {
          const comma = i++;
          ws();
          if (text[i] === '}') fail('trailing comma before "}"', comma);
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`expected "," or "}" in an object, found ${describe()}`);
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          const comma = i++;
          ws();
          if (text[i] === ']') fail('trailing comma before "]"', comma);
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`expected "," or "]" in an array, found ${describe()}`);
      }
    } else if (c === '"') string();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
      if (!m) fail('invalid number');
      i += m![0].length;
    } else {
      for (const lit of ['true', 'false', 'null']) {
        if (text.startsWith(lit, i)) {
          i += lit.length;
          return;
        }
      }
      fail(`unexpected ${describe()}`);
    }
  };
  const string = (): void => {
    i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const n = text[i + 1];
        if (n === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape');
          i += 6;
        } else if (n !== undefined && '"\\/bfnrt'.includes(n)) i += 2;
        else fail(`invalid escape "\\${n ?? ''}"`);
        continue;
      }
      if (c === '\n' || c.charCodeAt(0) < 0x20) fail('unescaped line break or control character in a string');
      i++;
    }
    fail('unterminated string');
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`unexpected ${describe()} after the end of the JSON value`);
    return undefined;
  } catch (e) {
    if (!(e instanceof JsonScanError)) throw e;
    const before = text.slice(0, e.at);
    const line = before.split('\n').length;
    const column = e.at - before.lastIndexOf('\n');
    return { line, column, reason: e.reason };
  }
}

class JsonScanError extends Error {
  constructor(
    readonly reason: string,
    readonly at: number,
  ) {
    super(reason);
  }
}
