/** JSON helpers for config text: where a syntax error is, and tolerance for trailing commas. */

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

/**
 * Parse JSON text; if it only fails because of trailing commas (Dagger's own guide prints STREAMS with one,
 * and Gson accepts it), parse it without them and say so. Otherwise the error carries line and column.
 */
export function parseJsonText(text: string): { value: unknown; trailingCommas: boolean } | { error: string } {
  try {
    return { value: JSON.parse(text) as unknown, trailingCommas: false };
  } catch (e) {
    const stripped = stripTrailingCommas(text);
    if (stripped !== text) {
      try {
        return { value: JSON.parse(stripped) as unknown, trailingCommas: true };
      } catch {
        // fall through: report the error in the text as written
      }
    }
    const at = jsonErrorPosition(text);
    return { error: at ? `line ${at.line}, column ${at.column}: ${at.reason}` : (e as Error).message };
  }
}

/** Remove commas that directly precede `}` or `]` (ignoring whitespace), outside strings. */
export function stripTrailingCommas(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') {
        out += text[i + 1] ?? '';
        i++;
      } else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    if (c === ',') {
      let j = i + 1;
      while (j < text.length && ' \t\r\n'.includes(text[j]!)) j++;
      if (text[j] === '}' || text[j] === ']') continue;
    }
    out += c;
  }
  return out;
}
