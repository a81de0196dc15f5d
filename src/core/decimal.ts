/**
 * Exact DECIMAL values (Flink's DECIMAL(p, s), p <= 38): an unscaled bigint and a scale, value = unscaled / 10^scale.
 *
 * A DECIMAL(p, s) column carries Decimal instances of scale s. Arithmetic follows Flink: results are computed
 * exactly, rounded HALF_UP to the result type's scale, and are NULL when they do not fit its precision (as
 * Flink's DecimalData.fromBigDecimal does). Values are immutable.
 */
export class Decimal {
  constructor(
    readonly unscaled: bigint,
    readonly scale: number,
  ) {}

  /** Plain text with exactly `scale` fraction digits: 1.50, -0.07, 12345678901234567.89 (as Flink prints). */
  toString(): string {
    return plainText(this.unscaled, this.scale);
  }

  /** Used by JSON.stringify-based keys: the value without trailing zeros, so 1.5 and 1.50 key alike. */
  toJSON(): string {
    return plainText(...stripZeros(this.unscaled, this.scale));
  }

  /** The nearest double, so that untyped numeric code (Number(v), Math.abs(v)) still sees the value. */
  valueOf(): number {
    return Number(this.toString());
  }
}

export const MAX_DECIMAL_PRECISION = 38;

const POW10: bigint[] = [1n];
export function pow10(n: number): bigint {
  for (let i = POW10.length; i <= n; i++) POW10[i] = POW10[i - 1]! * 10n;
  return POW10[n]!;
}

function plainText(u: bigint, scale: number): string {
  const neg = u < 0n;
  let digits = (neg ? -u : u).toString();
  if (scale <= 0) return (neg ? '-' : '') + digits + '0'.repeat(-scale);
  if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
  const cut = digits.length - scale;
  return `${neg ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`;
}

function stripZeros(u: bigint, scale: number): [bigint, number] {
  if (u === 0n) return [0n, 0];
  while (scale > 0 && u % 10n === 0n) {
    u /= 10n;
    scale--;
  }
  return [u, scale];
}

/** Number of decimal digits of the unscaled value (1 for zero). */
export function decimalDigits(d: Decimal): number {
  const u = d.unscaled < 0n ? -d.unscaled : d.unscaled;
  return u.toString().length;
}

/**
 * Java's BigDecimal.toString (what Flink's JSON format writes for a DECIMAL by default): plain unless the
 * adjusted exponent is below -6, then scientific (0.000000027 -> 2.7E-8; a zero of scale 18 -> 0E-18).
 */
export function decimalToJavaString(d: Decimal): string {
  if (d.scale <= 0) return d.toString();
  const neg = d.unscaled < 0n;
  const digits = (neg ? -d.unscaled : d.unscaled).toString();
  const adjusted = -d.scale + (digits.length - 1);
  if (adjusted >= -6) return d.toString();
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${neg ? '-' : ''}${mantissa}E${adjusted}`;
}

const DECIMAL_TEXT = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/;

/** Exact value of a decimal literal ("12.50", "-1e-3", " 7 "), or null when the text is not a number. */
export function parseDecimal(text: string): Decimal | null {
  const m = DECIMAL_TEXT.exec(text);
  if (!m) return null;
  const [, sign, int = '', frac = '', exp] = m;
  if (int === '' && frac === '') return null;
  let scale = frac.length - (exp === undefined ? 0 : Number(exp));
  if (!Number.isSafeInteger(scale) || Math.abs(scale) > 400) return null;
  let u = BigInt(`${int}${frac}` || '0');
  if (sign === '-') u = -u;
  if (scale < 0) {
    u *= pow10(-scale);
    scale = 0;
  }
  return new Decimal(u, scale);
}

/** The decimal a double prints as (its shortest round-trip text: 0.1 is 0.1, not 0.1000000000000000055...). */
export function decimalFromNumber(n: number): Decimal | null {
  if (!Number.isFinite(n)) return null;
  return parseDecimal(String(n));
}

/** Any numeric value of the value model (number, bigint, Decimal, numeric text) as a Decimal; null otherwise. */
export function toDecimal(v: unknown): Decimal | null {
  if (v instanceof Decimal) return v;
  if (typeof v === 'number') return Number.isInteger(v) && Number.isSafeInteger(v) ? new Decimal(BigInt(v), 0) : decimalFromNumber(v);
  if (typeof v === 'bigint') return new Decimal(v, 0);
  if (typeof v === 'string') return parseDecimal(v);
  if (typeof v === 'boolean') return new Decimal(v ? 1n : 0n, 0);
  return null;
}

/** `n / d` rounded HALF_UP (ties away from zero), as Java's RoundingMode.HALF_UP. */
function divHalfUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  const ad = d < 0n ? -d : d;
  if (twice < ad) return q;
  return (n < 0n) !== (d < 0n) ? q - 1n : q + 1n;
}

/** The same value at another scale, rounded HALF_UP when digits are dropped. */
export function rescale(d: Decimal, scale: number): Decimal {
  if (d.scale === scale) return d;
  if (scale > d.scale) return new Decimal(d.unscaled * pow10(scale - d.scale), scale);
  return new Decimal(divHalfUp(d.unscaled, pow10(d.scale - scale)), scale);
}

/** `d` as a DECIMAL(precision, scale) value: rounded HALF_UP to the scale; null when it does not fit (Flink's overflow). */
export function fitDecimal(d: Decimal, precision: number, scale: number): Decimal | null {
  const r = rescale(d, scale);
  const u = r.unscaled < 0n ? -r.unscaled : r.unscaled;
  return u < pow10(precision) ? r : null;
}

export function decimalCompare(a: Decimal, b: Decimal): number {
  let x = a.unscaled;
  let y = b.unscaled;
  if (a.scale > b.scale) y *= pow10(a.scale - b.scale);
  else if (b.scale > a.scale) x *= pow10(b.scale - a.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function decimalAdd(a: Decimal, b: Decimal): Decimal {
  const s = Math.max(a.scale, b.scale);
  return new Decimal(rescale(a, s).unscaled + rescale(b, s).unscaled, s);
}

export function decimalNegate(a: Decimal): Decimal {
  return new Decimal(-a.unscaled, a.scale);
}

export function decimalMultiply(a: Decimal, b: Decimal): Decimal {
  return new Decimal(a.unscaled * b.unscaled, a.scale + b.scale);
}

/** a / b at `scale` digits, rounded HALF_UP; null when b is zero. */
export function decimalDivide(a: Decimal, b: Decimal, scale: number): Decimal | null {
  if (b.unscaled === 0n) return null;
  // a.u / 10^as / (b.u / 10^bs) * 10^scale = a.u * 10^(bs + scale) / (b.u * 10^as)
  let num = a.unscaled;
  let den = b.unscaled;
  const e = b.scale + scale - a.scale;
  if (e >= 0) num *= pow10(e);
  else den *= pow10(-e);
  return new Decimal(divHalfUp(num, den), scale);
}

/** Remainder with the dividend's sign (Java's BigDecimal.remainder); null when b is zero. */
export function decimalRemainder(a: Decimal, b: Decimal): Decimal | null {
  if (b.unscaled === 0n) return null;
  const s = Math.max(a.scale, b.scale);
  return new Decimal(rescale(a, s).unscaled % rescale(b, s).unscaled, s);
}

/** Truncation toward zero to an integer (CAST of a DECIMAL to INT / BIGINT). */
export function decimalTruncate(a: Decimal): bigint {
  return a.scale <= 0 ? a.unscaled * pow10(-a.scale) : a.unscaled / pow10(a.scale);
}

/** Rounds to `digits` fraction digits (negative: tens, hundreds), HALF_UP, keeping the scale `resultScale`. */
export function decimalRound(a: Decimal, digits: number, resultScale: number): Decimal {
  if (digits >= a.scale) return rescale(a, resultScale);
  const r = digits >= 0 ? rescale(a, digits) : new Decimal(divHalfUp(a.unscaled, pow10(a.scale - digits)) * pow10(-digits), 0);
  return rescale(r, resultScale);
}

/** Floor (toward negative infinity) or ceiling to an integer value of scale 0. */
export function decimalFloorCeil(a: Decimal, ceil: boolean): Decimal {
  if (a.scale <= 0) return rescale(a, 0);
  const f = pow10(a.scale);
  let q = a.unscaled / f;
  const r = a.unscaled % f;
  if (r !== 0n) {
    if (ceil && r > 0n) q += 1n;
    if (!ceil && r < 0n) q -= 1n;
  }
  return new Decimal(q, 0);
}

/** Rebuilds Decimal instances in state read back from a checkpoint (v8 deserialisation keeps fields, not classes). */
export function reviveDecimals(root: unknown): unknown {
  const isShape = (o: object): boolean => {
    const keys = Object.keys(o);
    return keys.length === 2 && typeof (o as Decimal).unscaled === 'bigint' && typeof (o as Decimal).scale === 'number';
  };
  const fix = (v: unknown): unknown => (v !== null && typeof v === 'object' && !(v instanceof Decimal) && Object.getPrototypeOf(v) === Object.prototype && isShape(v) ? new Decimal((v as Decimal).unscaled, (v as Decimal).scale) : v);
  const top = fix(root);
  const stack: unknown[] = [top];
  const seen = new Set<unknown>();
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || v instanceof Decimal || ArrayBuffer.isView(v) || seen.has(v)) continue;
    seen.add(v);
    const visit = (x: unknown): void => {
      if (x !== null && typeof x === 'object') stack.push(x);
    };
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x = fix(v[i]);
        if (x !== v[i]) v[i] = x;
        visit(x);
      }
    } else if (v instanceof Map) {
      let changed = false;
      for (const [k, x] of v) {
        if (fix(k) !== k || fix(x) !== x) {
          changed = true;
          break;
        }
      }
      if (changed) {
        const fixed = [...v].map(([k, x]) => [fix(k), fix(x)] as const);
        v.clear();
        for (const [k, x] of fixed) v.set(k, x);
      }
      for (const [k, x] of v) {
        visit(k);
        visit(x);
      }
    } else if (v instanceof Set) {
      for (const x of v) visit(x);
    } else {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        const x = fix(o[k]);
        if (x !== o[k]) o[k] = x;
        visit(x);
      }
    }
  }
  return top;
}
