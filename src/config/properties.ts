/**
 * Java `.properties` text, the form of Dagger's job files (`ConfigFile=local.properties`, its quickstart
 * examples), read into a flat object of string values. Dirk's config reader accepts strings everywhere
 * (JSON-valued keys such as STREAMS hold JSON text), so the object is parsed like a JSON job file.
 *
 * The format as java.util.Properties reads it: `#` and `!` start comment lines; a key ends at the first
 * unescaped `=`, `:` or whitespace; a line ending in an odd number of backslashes continues on the next one
 * (leading whitespace dropped); `\t \n \r \f \uXXXX` are escapes, any other escaped character stands for itself.
 */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const physical = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < physical.length; i++) {
    let line = physical[i]!.replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (endsWithContinuation(line) && i + 1 < physical.length) {
      line = line.slice(0, -1) + physical[++i]!.replace(/^[ \t\f]+/, '');
    }
    if (endsWithContinuation(line)) line = line.slice(0, -1);
    let k = 0;
    while (k < line.length && !isKeyEnd(line[k]!)) k += line[k] === '\\' ? 2 : 1;
    const key = unescape(line.slice(0, Math.min(k, line.length)));
    let v = k;
    while (v < line.length && /[ \t\f]/.test(line[v]!)) v++;
    if (line[v] === '=' || line[v] === ':') v++;
    while (v < line.length && /[ \t\f]/.test(line[v]!)) v++;
    out[key] = unescape(line.slice(v));
  }
  return out;
}

function isKeyEnd(c: string): boolean {
  return c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f';
}

function endsWithContinuation(line: string): boolean {
  let n = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[++i]!;
    if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 5), 16));
      i += 4;
    } else out += ESCAPES[n] ?? n;
  }
  return out;
}
