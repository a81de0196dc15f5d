import { defineScalar } from '../../src/udf/api.js';

const decoder = new TextDecoder('utf-8');

export const ByteToString = defineScalar({
  name: 'ByteToString',
  description: 'Decodes bytes as UTF-8 text.',
  signatures: [{ params: ['BYTES'], returns: 'STRING' }],
  eval: (bytes) => decoder.decode(bytes!),
  examples: [
    { args: [new TextEncoder().encode('héllo')], result: 'héllo', sql: 'ByteToString(payload)' },
    { args: [new Uint8Array(0)], result: '' },
    { args: [null], result: null },
  ],
});

/**
 * Java's String.split(regex): trailing empty strings are dropped, and a zero-width match at the start gives no
 * leading empty string. An empty delimiter means a single space, as in Dagger; a NULL input gives [].
 */
export function javaSplit(input: string, delimiter: string): string[] {
  const parts: string[] = [];
  let last = 0;
  let matched = false;
  for (const m of input.matchAll(new RegExp(delimiter, 'gu'))) {
    if (m[0] === '' && (m.index === 0 || m.index === input.length)) continue;
    matched = true;
    parts.push(input.slice(last, m.index));
    last = m.index + m[0].length;
  }
  if (!matched) return [input];
  parts.push(input.slice(last));
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export const Split = defineScalar({
  name: 'Split',
  description: "Splits a string around matches of a regular expression (Java semantics: trailing empty parts dropped); '' splits on a space; NULL input gives an empty array.",
  signatures: [{ params: ['STRING', 'STRING'], returns: 'ARRAY<STRING>' }],
  nullOnNullInput: false,
  eval: (input, delimiter) => {
    if (input === null || delimiter === null) return [];
    return javaSplit(input, delimiter === '' ? ' ' : delimiter);
  },
  examples: [
    { args: ['a,b,,c,,', ','], result: ['a', 'b', '', 'c'], sql: "Split(names, ',')" },
    { args: ['one two', ''], result: ['one', 'two'] },
    { args: ['a1b22c', '\\d+'], result: ['a', 'b', 'c'] },
    { args: ['', ','], result: [''] },
    { args: [',,', ','], result: [] },
    { args: [null, ','], result: [] },
  ],
});
