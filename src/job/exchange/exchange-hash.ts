/**
 * Which repartition partition a key goes to: FNV-1a (32 bit) over a canonical text of the key values, so
 * every task of every process of the job places a key alike, whatever its values' JavaScript types.
 */
export function partitionOf(key: readonly unknown[], partitions: number): number {
  if (partitions <= 1 || key.length === 0) return 0;
  let h = 0x811c9dc5;
  const text = keyText(key);
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}

function keyText(key: readonly unknown[]): string {
  let s = '';
  for (const v of key) s += valueText(v) + '\u0000';
  return s;
}

function valueText(v: unknown): string {
  if (v === null || v === undefined) return 'n';
  switch (typeof v) {
    case 'number':
      // BIGINT is a number while safe and a bigint beyond: the same integer hashes alike either way.
      return Number.isInteger(v) ? `i${v}` : `d${v}`;
    case 'bigint':
      return `i${v}`;
    case 'string':
      return `s${v}`;
    case 'boolean':
      return v ? 't' : 'f';
    default:
      if (v instanceof Uint8Array) return `b${Buffer.from(v).toString('base64')}`;
      if (v instanceof Date) return `i${v.getTime()}`;
      if (v instanceof Map) return `m${[...v].map(([k, x]) => `${valueText(k)}=${valueText(x)}`).join(',')}`;
      if (Array.isArray(v)) return `a${v.map(valueText).join(',')}`;
      return `o${JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x))}`;
  }
}
