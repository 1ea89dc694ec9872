/**
 * Money is exact. Amounts are Decimal yuan everywhere except at the LP boundary,
 * where they are converted to floating 万元 (see `toLpUnits`).
 */
import { Decimal } from 'decimal.js';
import { scaledExact } from './scaled.js';

export const D = Decimal.clone({ precision: 50, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -30, toExpPos: 40 });
export type D = Decimal;

export const ZERO = new D(0);
export const WAN = new D(10_000);
export const YI = new D(100_000_000);
/** LP amounts are 万元: yuan amounts reach 10^9, 万元 keeps the LP's numbers near 1..10^5. */
export const LP_UNIT = WAN;

export type Unit = 'yuan' | 'wan';

const FULLWIDTH = /[\uFF01-\uFF5E]/g;
/** Full-width ASCII (０-９，．％ …) to half-width; ideographic space to space. */
export function toHalfWidth(s: string): string {
  return s.replace(FULLWIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

export type AmountParse = { ok: true; value: Decimal } | { ok: false; expected: string };

const NUMBER = /^[+]?(\d+(?:,\d{3})*|\d+)(\.\d+)?$/;
const NUMBER_LOOSE = /^[+]?\d{1,3}(,\d{3})+(\.\d+)?$|^[+]?\d+(\.\d+)?$/;

/**
 * Parse a money amount written by a person: thousands separators, full-width digits,
 * an optional ¥ sign and an optional unit suffix (元, 万, 万元, 亿, 亿元). `unit` is the unit
 * an amount without a suffix is in (from the column header). Returns yuan, exact, and
 * refuses anything finer than a fen (0.01 yuan) so no money is silently rounded away.
 */
const PLAIN = /^\d{1,15}(\.\d{1,2})?$/;

export function parseAmount(raw: string, unit: Unit = 'yuan'): AmountParse {
  // The common case, plain yuan with at most two decimals, needs no normalising.
  if (unit === 'yuan' && PLAIN.test(raw)) return { ok: true, value: new D(raw) };
  let s = toHalfWidth(raw).trim().replace(/^[¥￥]/, '').replace(/\s+/g, '');
  let multiplier = unit === 'wan' ? WAN : new D(1);
  const suffix = /(亿元|亿|万元|万|元)$/.exec(s);
  if (suffix) {
    s = s.slice(0, -suffix[1]!.length);
    multiplier = suffix[1]!.startsWith('亿') ? YI : suffix[1]!.startsWith('万') ? WAN : new D(1);
  }
  if (s.startsWith('-')) return { ok: false, expected: 'a non-negative amount' };
  if (!NUMBER_LOOSE.test(s) || !NUMBER.test(s)) {
    return { ok: false, expected: 'an amount such as 1234567.89 or 1,234,567.89' };
  }
  const value = new D(s.replace(/,/g, '')).times(multiplier);
  if (!value.times(100).isInteger()) {
    return { ok: false, expected: 'an amount in whole fen (at most 2 decimals in yuan)' };
  }
  return { ok: true, value };
}

/** Parse a decimal number (scores, rates): plain digits, optional fraction, full-width allowed. */
export function parseDecimal(raw: string): Decimal | null {
  const s = toHalfWidth(raw).trim();
  if (!/^[+-]?\d+(\.\d+)?$/.test(s)) return null;
  return new D(s);
}

/** Yuan with exactly two decimals, no separators: the machine-readable form in CSV/JSON. */
export function fmtYuan(v: Decimal): string {
  return v.toFixed(2, D.ROUND_DOWN);
}

/** Digits with thousands separators: "-1234567" → "-1,234,567" (the integer part of a number, digits after an optional sign). */
export function groupThousands(int: string): string {
  const sign = int.charCodeAt(0) === 45 || int.charCodeAt(0) === 43 ? 1 : 0;
  for (let i = sign; i < int.length; i++) {
    const c = int.charCodeAt(i);
    // Anything but digits after the sign (an exponent, Infinity): the separator pattern's text.
    if (c < 48 || c > 57) return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }
  const n = int.length - sign;
  if (n <= 3) return int;
  let k = sign + (n % 3 || 3);
  let out = int.slice(0, k);
  for (; k < int.length; k += 3) out += ',' + int.slice(k, k + 3);
  return out;
}

/**
 * Yuan for people: ¥1,234,567 (decimals only when there are fen). A whole amount above zero below
 * 2^53 is exact as a number and is written from it (the common case, faster); the rest as
 * {@link fmtYuanHumanDecimal}.
 */
export function fmtYuanHuman(v: Decimal): string {
  if (v.isInteger() && v.isPositive()) {
    const n = v.toNumber();
    if (Number.isSafeInteger(n)) return '¥' + groupThousands(String(n));
  }
  return fmtYuanHumanDecimal(v);
}

/** `fmtYuanHuman` in Decimal alone. */
export function fmtYuanHumanDecimal(v: Decimal): string {
  const fixed = v.isInteger() ? v.toFixed(0) : v.toFixed(2);
  const [int, frac] = fixed.split('.');
  return `¥${groupThousands(int!)}${frac ? '.' + frac : ''}`;
}

/** The LP unit in fen (10^6), an exact double. */
const LP_FEN = LP_UNIT.times(100).toNumber();

/**
 * An amount in LP units: the double nearest to v / LP_UNIT. Where v is a whole number F ≠ 0 of fen
 * in the safe integers, F / LP_FEN in doubles, without a Decimal division: the same double (a
 * double division of exact doubles is correctly rounded; decimal.js divides by a power of ten
 * exactly and reads its digits back to the nearest double). Zero (signed) goes the Decimal way.
 */
export function toLpUnits(v: Decimal): number {
  const fen = scaledExact(v, 2);
  return fen === null || fen === 0 ? v.div(LP_UNIT).toNumber() : fen / LP_FEN;
}

/** The largest multiple of `unit` that is ≤ v (v ≥ 0). */
export function floorTo(v: Decimal, unit: Decimal): Decimal {
  return v.div(unit).floor().times(unit);
}
