/**
 * Yuan written from whole fen held in safe integers, for the loops over every application (a
 * Decimal operation there costs about a microsecond and allocates). The same text as money.ts's
 * `fmtYuan` for every amount: a Decimal that is a whole number of fen, not negative (nor −0: the
 * sign test leaves every zero with a sign to `fmtYuan`) and below 2^53 fen is read exactly by `scaledExact` and written from its
 * integer; any other goes through `fmtYuan`.
 */
import type { Decimal } from 'decimal.js';
import { D, fmtYuan } from '../money.js';
import { POW10, scaledExact } from '../scaled.js';

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
export function fenAmounts(amounts: readonly (Decimal | null | undefined)[]): Float64Array | null {
  return fenAmountsOf(amounts, (a) => a);
}

/** `fenAmounts` of each item's `amount`, without an array of the amounts. */
export function fenAmountsOf<T>(items: readonly T[], amount: (item: T) => Decimal | null | undefined): Float64Array | null {
  const out = new Float64Array(items.length);
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    const a = amount(items[i]!);
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

/**
 * Each limit's room — amount − used for a ceiling, used − amount for a floor — as a double for
 * ordering (what Decimal's `toNumber` gives, but 0 for −0: they order alike), and whether it is below one granularity unit (the limit binds). In
 * whole fen where the amount, the total used and the granularity are whole fen of magnitude below
 * 2^52: the difference of two such integers is exact, and f / 100 (both exact doubles, the
 * division correctly rounded) is the double nearest the room, as `toNumber` gives; else by Decimal.
 * (Grants an earlier batch locked count on both sides of a limit and leave its room as it is.)
 */
export function limitRooms(limits: readonly { readonly sense: 'max' | 'min'; readonly amount: Decimal }[], used: readonly Decimal[], granularity: Decimal): { readonly room: Float64Array; readonly binding: Uint8Array } {
  const room = new Float64Array(limits.length);
  const binding = new Uint8Array(limits.length);
  const unit = scaledExact(granularity, 2);
  for (let k = 0; k < limits.length; k++) {
    const l = limits[k]!;
    const a = unit === null ? null : scaledExact(l.amount, 2);
    const u = a === null ? null : scaledExact(used[k]!, 2);
    if (a !== null && u !== null && Math.abs(a) < 2 ** 52 && Math.abs(u) < 2 ** 52) {
      const f = l.sense === 'max' ? a - u : u - a;
      room[k] = f / 100;
      binding[k] = f < unit! ? 1 : 0;
    } else {
      const r = l.sense === 'max' ? l.amount.minus(used[k]!) : used[k]!.minus(l.amount);
      room[k] = r.toNumber();
      binding[k] = r.lt(granularity) ? 1 : 0;
    }
  }
  return { room, binding };
}
