/**
 * Yuan written from whole fen held in safe integers, for the loops over every application (a
 * Decimal operation there costs about a microsecond and allocates). The same text as money.ts's
 * `fmtYuan` for every amount: a Decimal that is a whole number of fen, not negative (nor −0, which
 * Decimal writes "-0.00") and below 2^53 fen is read exactly by `scaledExact` and written from its
 * integer; any other goes through `fmtYuan`.
 */
import type { Decimal } from 'decimal.js';
import { D, fmtYuan } from '../money.js';
import { scaledExact } from '../scaled.js';

/** A whole number of fen f (0 ≤ f < 2^53) as yuan with two decimals: the integer division by 100 and its remainder are exact. */
export function fenText(f: number): string {
  const c = f % 100;
  return `${(f - c) / 100}.${c < 10 ? '0' : ''}${c}`;
}

/** `fmtYuan(v)`, from whole fen where that is exact (above). */
export function yuanText(v: Decimal): string {
  if (!(v.s > 0)) return fmtYuan(v);
  const f = scaledExact(v, 2);
  return f === null ? fmtYuan(v) : fenText(f);
}

/** Amounts in whole fen, or null where one is not a whole number of fen ≥ 0 or their total could pass 2^53 fen (then every partial sum is a safe integer too). */
export function fenOf(amounts: readonly (Decimal | null | undefined)[]): Float64Array | null {
  const out = new Float64Array(amounts.length);
  let total = 0;
  for (let i = 0; i < amounts.length; i++) {
    const a = amounts[i];
    if (!a) continue;
    if (a.s < 0 && !a.isZero()) return null;
    const f = scaledExact(a, 2);
    if (f === null) return null;
    total += f;
    if (total > Number.MAX_SAFE_INTEGER) return null;
    out[i] = f;
  }
  return out;
}

/** A safe integer of fen as an exact Decimal of yuan. */
export const fenYuan = (f: number): Decimal => new D(f).div(100);

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i); // 10^0..10^22 are exact doubles

/**
 * Each value as the double Decimal's `toNumber` gives, and whether it has at most 15 significant
 * digits (then two of them are equal exactly when their doubles are: a double tells apart any
 * two decimals of 15 digits). A value of d decimals whose digits n = v × 10^d are below 10^15 is
 * n / 10^d: both exact doubles, so the division, correctly rounded, is the double nearest v, as
 * `toNumber`'s reading of v's text is. Any other value (and zero, for its sign) is `toNumber`'s.
 */
export function doublesOf(values: readonly Decimal[]): { readonly value: Float64Array; readonly short: Uint8Array } {
  const value = new Float64Array(values.length);
  const short = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const d = v.isZero() ? -1 : v.decimalPlaces();
    const n = d >= 0 && d <= 22 ? scaledExact(v, d) : null;
    if (n !== null && Math.abs(n) < 1e15) {
      value[i] = n / POW10[d]!;
      short[i] = 1;
    } else {
      value[i] = v.toNumber();
    }
  }
  return { value, short };
}
