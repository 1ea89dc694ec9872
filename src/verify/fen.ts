/**
 * The verifier's own reading of amounts as safe integers of fen. The model has a reader of the same
 * kind (src/scaled.ts); this one is kept apart on purpose, so that the verifier shares no
 * arithmetic shortcut with the code whose output it checks (decimal.js's own arithmetic, × 100,
 * would do the same work but made the verifier's pass about 0.8 s slower at 100,000 grants).
 * It reads decimal.js's digits (`d`, `e`, `s`, public in its typings), without a Decimal
 * operation. Exact or null:
 * a Decimal's value is its digits (the first word of `d` without leading zeros, each later word
 * exactly 7 decimal digits) × 10^(e − k + 1), k the number of those digits. With at most two
 * words, or three below 90 × 10^14, the digits are an integer below 2^53, a double exactly. Scaled
 * up by a power of ten the product is exact while it is a safe integer (a product of two exact
 * doubles is correctly rounded: a true product ≥ 2^53 comes out ≥ 2^53 and is refused); scaled
 * down, the remainder `%` is exact and so is the quotient of the remainder-free part. Anything
 * else — more digits, NaN, infinities, beyond 2^53 — is null, and the caller checks in Decimal.
 */
import type { Decimal } from 'decimal.js';

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i); // 10^0..10^22 are exact doubles

/** How many decimal digits the last `digitsOf` read (set by it: no object per call). */
let digitCount = 0;

/** x's digits as one integer (below 2^53: at most two words, or three below 90 × 10^14), their count in `digitCount`; null when more. */
function digitsOf(x: Decimal): number | null {
  const d = x.d;
  if (!d || d.length > 3 || (d.length === 3 && d[0]! >= 90)) return null;
  let n = d[0]!;
  let k = 1;
  for (let p = 10; p <= n; p *= 10) k++;
  for (let w = 1; w < d.length; w++) {
    n = n * 1e7 + d[w]!;
    k += 7;
  }
  digitCount = k;
  return n;
}

/** x in fen rounded toward −∞ (dir −1), or only when whole (dir 0). */
function fen(x: Decimal, dir: -1 | 0): number | null {
  const n = digitsOf(x);
  if (n === null) return null;
  const k = digitCount;
  if (n === 0) return 0;
  const negative = x.s < 0;
  const shift = x.e - k + 3;
  if (shift >= 0) {
    if (shift > 22) return null;
    const r = n * POW10[shift]!;
    if (!Number.isSafeInteger(r)) return null;
    return negative ? -r : r;
  }
  if (-shift > 22) return dir === 0 ? null : negative ? -1 : 0; // |x| < 10^-7 fen
  const pow = POW10[-shift]!;
  const rest = n % pow;
  const whole = (n - rest) / pow;
  if (rest === 0) return negative ? -whole : whole;
  if (dir === 0) return null;
  return negative ? -whole - 1 : whole;
}

/**
 * ⌊x × m⌋ for a safe integer m (⌊100 × rate × base⌋ is `floorTimes(rate, base in fen)`), exactly, or null.
 * x is ±n × 10^s with n its digits without trailing zeros (below 2^53, as in `fen`); n × |m| is exact while it is a safe integer
 * (a true product ≥ 2^53 comes out ≥ 2^53 and is refused), and so is its scaling up while it stays
 * one; scaled down, the remainder is exact and the remainder-free part divides exactly.
 */
export function floorTimes(x: Decimal, m: number): number | null {
  if (!Number.isSafeInteger(m)) return null;
  let n = digitsOf(x);
  if (n === null) return null;
  const k = digitCount;
  if (n === 0 || m === 0) return 0;
  // Without its trailing zeros (a word of 0.3 is 3000000): n × 10^shift all the same, n smaller.
  let shift = x.e - k + 1;
  while (n % 10 === 0) {
    n /= 10;
    shift++;
  }
  const negative = x.s < 0 !== m < 0;
  const product = n * Math.abs(m);
  if (!Number.isSafeInteger(product)) return null;
  if (shift >= 0) {
    if (shift > 22) return null;
    const r = product * POW10[shift]!;
    if (!Number.isSafeInteger(r)) return null;
    return negative ? -r : r;
  }
  if (-shift > 22) return negative ? -1 : 0; // 0 < |x × m| < 2^53 / 10^22 < 1
  const pow = POW10[-shift]!;
  const rest = product % pow;
  const whole = (product - rest) / pow;
  if (!negative) return whole;
  return rest === 0 ? -whole : -whole - 1;
}

/** The amount in fen when it is a whole number of fen within the safe integers, else null. */
export const fenOf = (x: Decimal): number | null => fen(x, 0);

/** ⌊100 x⌋: the most fen a whole-fen amount may be to stay ≤ x; null when not safe. */
export const fenFloor = (x: Decimal): number | null => fen(x, -1);
