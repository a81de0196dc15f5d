/**
 * Reads the one JAAS form Kafka clients use for SASL:
 *   org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";
 * Returns the login module class, the control flag and the options, or a reason it could not be read.
 */
export interface JaasEntry {
  readonly loginModule: string;
  readonly flag: string;
  readonly options: Readonly<Record<string, string>>;
}

const FLAGS = ['required', 'requisite', 'sufficient', 'optional'];

export function parseJaas(text: string): JaasEntry | { readonly error: string } {
  let i = 0;
  const s = text.trim();
  const skipSpace = (): void => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const word = (): string => {
    const start = i;
    while (i < s.length && /[A-Za-z0-9_.$-]/.test(s[i]!)) i++;
    return s.slice(start, i);
  };

  const loginModule = word();
  if (!loginModule) return { error: 'expected a login module class first' };
  skipSpace();
  const flag = word();
  if (!FLAGS.includes(flag.toLowerCase())) {
    return { error: `expected a control flag (${FLAGS.join(', ')}) after ${loginModule}, found "${flag || s.slice(i, i + 10)}"` };
  }
  const options: Record<string, string> = {};
  for (;;) {
    skipSpace();
    if (i >= s.length) return { error: 'missing the closing ";"' };
    if (s[i] === ';') {
      i++;
      skipSpace();
      if (i < s.length) return { error: `unexpected text after ";": "${s.slice(i, i + 20)}"` };
      break;
    }
    const name = word();
    if (!name) return { error: `expected an option name at "${s.slice(i, i + 20)}"` };
    skipSpace();
    if (s[i] !== '=') return { error: `expected "=" after option ${name}` };
    i++;
    skipSpace();
    let value: string;
    if (s[i] === '"') {
      i++;
      let out = '';
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        out += s[i];
        i++;
      }
      if (i >= s.length) return { error: `unterminated quoted value of option ${name}` };
      i++;
      value = out;
    } else {
      const start = i;
      while (i < s.length && !/[\s;]/.test(s[i]!)) i++;
      value = s.slice(start, i);
      if (!value) return { error: `missing value of option ${name}` };
    }
    options[name] = value;
  }
  return { loginModule, flag: flag.toLowerCase(), options };
}
