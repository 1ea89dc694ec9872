/**
 * The verifier's reading of amounts as safe integers of fen, by decimal.js's own arithmetic (×100,
 * whole or rounded down, within ±2^53): exact, or null where the amount is not a whole number of
 * fen (fenOf) or beyond the safe integers, and the caller checks in Decimal. Deliberately not the
 * model's digit reader (src/scaled.ts): the verifier shares no arithmetic shortcut with the code
 * whose output it checks.
 */
import { Decimal } from 'decimal.js';

const SAFE = new Decimal(Number.MAX_SAFE_INTEGER);

function safe(f: Decimal): number | null {
  return f.isFinite() && f.abs().lte(SAFE) ? f.toNumber() : null;
}

/** The amount in fen when it is a whole number of fen within the safe integers, else null. */
export function fenOf(x: Decimal): number | null {
  const f = x.times(100);
  return f.isInteger() ? safe(f) : null;
}

/** ⌊100 x⌋: the most fen a whole-fen amount may be to stay ≤ x; null when not safe. */
export function fenFloor(x: Decimal): number | null {
  return safe(x.times(100).floor());
}
