/**
 * Amounts as safe integers of a decimal unit (fen: 2 places), read from decimal.js's own digits
 * (`d`, `e`, `s`, declared public in its typings) without a Decimal operation: for the loops over
 * every application, where a Decimal operation costs about a microsecond and allocates.
 *
 * Exact, or null: a Decimal's value is its digits (the first word of `d` without leading zeros,
 * each later word exactly 7 decimal digits) × 10^(e − k + 1), k the number of those digits. With at
 * most two words, or three below 90 × 10^14, the digits are an integer below 2^53, a double exactly; times a power of
 * ten it stays exact while the product is a safe integer (a product of two exact doubles is
 * correctly rounded, so a true product ≥ 2^53 comes out ≥ 2^53 and is refused); divided by one,
 * the remainder `%` is exact and so is the quotient of the remainder-free part. Anything else
 * (more digits, NaN, infinities, a result beyond 2^53) is null and the caller uses Decimal.
 */
import type { Decimal } from 'decimal.js';

/** 10^0..10^22: every one an exact double. */
export const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** The digits of `x` as an integer and the power of ten they stand at after scaling by 10^places; null when too many. */
function parts(x: Decimal, places: number): { readonly n: number; readonly shift: number } | null {
  const d = x.d;
  // Three words only below 90 × 10^14 < 2^53.
  if (!d || d.length > 3 || (d.length === 3 && d[0]! >= 90)) return null;
  let n = d[0]!;
  let k = 1;
  for (let p = 10; p <= n; p *= 10) k++;
  for (let w = 1; w < d.length; w++) {
    n = n * 1e7 + d[w]!;
    k += 7;
  }
  return { n, shift: x.e - k + 1 + places };
}

/** ⌊x × 10^places⌋ as a safe integer, or null. */
export function scaledFloor(x: Decimal, places: number): number | null {
  return rounded(x, places, -1);
}

/** ⌈x × 10^places⌉ as a safe integer, or null. */
export function scaledCeil(x: Decimal, places: number): number | null {
  return rounded(x, places, 1);
}

/** x × 10^places when that is a safe integer, else null (also when it is not whole). */
export function scaledExact(x: Decimal, places: number): number | null {
  return rounded(x, places, 0);
}

/** x × 10^places rounded toward −∞ (dir −1) or +∞ (dir 1), or only when whole (dir 0). */
function rounded(x: Decimal, places: number, dir: -1 | 0 | 1): number | null {
  const p = parts(x, places);
  if (!p) return null;
  const { n, shift } = p;
  if (n === 0) return 0;
  const negative = x.s < 0;
  if (shift >= 0) {
    if (shift > 22) return null;
    const r = n * POW10[shift]!;
    if (!Number.isSafeInteger(r)) return null;
    return negative ? -r : r;
  }
  if (-shift > 22) {
    // |x × 10^places| < 10^16 / 10^23 < 1: not whole, and 0 or ±1 after rounding.
    if (dir === 0) return null;
    return negative ? (dir < 0 ? -1 : 0) : dir > 0 ? 1 : 0;
  }
  const pow = POW10[-shift]!;
  const rest = n % pow;
  const whole = (n - rest) / pow;
  if (rest === 0) return negative ? -whole : whole;
  if (dir === 0) return null;
  // |x| × 10^places lies strictly between whole and whole + 1.
  return negative ? (dir < 0 ? -whole - 1 : -whole) : dir > 0 ? whole + 1 : whole;
}

/** ⌊a / b⌋ and ⌈a / b⌉ of safe integers, b > 0: exact (the remainder is exact, the rest divides evenly). */
export function floorDiv(a: number, b: number): number {
  const r = a % b;
  const q = (a - r) / b;
  return r < 0 ? q - 1 : q;
}

export function ceilDiv(a: number, b: number): number {
  const r = a % b;
  const q = (a - r) / b;
  return r > 0 ? q + 1 : q;
}

/**
 * `x.comparedTo(y)` of two finite decimals (−1, 0 or 1), read from their digits as decimal.js's
 * own comparison reads them (words without trailing zero words: sign, exponent, words, length)
 * but without the copy of `y` it makes first; null where either is NaN or infinite.
 */
export function compareFinite(x: Decimal, y: Decimal): number | null {
  const xd = x.d;
  const yd = y.d;
  if (!xd || !yd) return null;
  const xs = x.s;
  if (!xd[0] || !yd[0]) return xd[0] ? xs : yd[0] ? -y.s : 0;
  if (xs !== y.s) return xs;
  const up = xs > 0 ? 1 : -1;
  if (x.e !== y.e) return x.e > y.e ? up : -up;
  const n = xd.length < yd.length ? xd.length : yd.length;
  for (let i = 0; i < n; i++) if (xd[i] !== yd[i]) return xd[i]! > yd[i]! ? up : -up;
  return xd.length === yd.length ? 0 : xd.length > yd.length ? up : -up;
}

/** x < y for finite decimals without a copy of `y` (`compareFinite`), else decimal.js's `lt`. */
export function lessThan(x: Decimal, y: Decimal): boolean {
  const c = compareFinite(x, y);
  return c === null ? x.lt(y) : c < 0;
}
