/**
 * Amounts in whole granularity units, as safe integers. Grants are whole units, so a
 * ceiling L holds exactly when Σ units ≤ ⌊L / g⌋ and a floor exactly when Σ units ≥ ⌈L / g⌉:
 * integer arithmetic, exact and fast, for the parts that loop over every application.
 */
import type { Decimal } from 'decimal.js';
import { InternalError, type InputIssue } from '../errors.js';
import type { Limit } from './limits.js';
import { ceilDiv, floorDiv, scaledCeil, scaledExact, scaledFloor } from '../scaled.js';

export interface Units {
  readonly granularity: Decimal;
  /** Per candidate: its cap in units. */
  readonly caps: readonly number[];
  /** Per limit: ⌊amount / g⌋ for a ceiling, ⌈amount / g⌉ for a floor. */
  readonly limits: readonly number[];
}

/**
 * An amount in whole units of `g`, rounded down or up (not necessarily a safe integer). With g a
 * whole number G of fen, ⌊d / g⌋ = ⌊⌊100d⌋ / G⌋ and ⌈d / g⌉ = ⌈⌈100d⌉ / G⌉ (G a positive integer),
 * in safe integers where they are (scaled.ts); else in Decimal.
 */
export function inUnits(d: Decimal, g: Decimal, round: 'floor' | 'ceil'): number {
  return unitsOf(g)(d, round);
}

/** `inUnits` for one granularity, its fen worked out once. */
function unitsOf(g: Decimal): (d: Decimal, round: 'floor' | 'ceil') => number {
  const gFen = scaledExact(g, 2);
  return (d, round) => {
    if (gFen !== null && gFen > 0) {
      const fen = round === 'floor' ? scaledFloor(d, 2) : scaledCeil(d, 2);
      if (fen !== null) return round === 'floor' ? floorDiv(fen, gFen) : ceilDiv(fen, gFen);
    }
    return (round === 'floor' ? d.div(g).floor() : d.div(g).ceil()).toNumber();
  };
}

/**
 * Each cap in whole units of `g`, rounded down (not necessarily safe integers): worked out once
 * per list of caps and granularity, for the scenario check and the preparation alike.
 */
const capUnitsMade = new WeakMap<readonly Decimal[], { readonly g: Decimal; readonly units: readonly number[] }>();
function capsInUnits(caps: readonly Decimal[], g: Decimal): readonly number[] {
  const known = capUnitsMade.get(caps);
  if (known && known.g.eq(g)) return known.units;
  const units = unitsOf(g);
  const made = { g, units: caps.map((c) => units(c, 'floor')) };
  capUnitsMade.set(caps, made);
  return made.units;
}

/** Caps whose units of `g` are known (`units[i]` is ⌊caps[i] / g⌋), for `toUnits` and `unitsIssue` to read. */
export function rememberCapUnits(caps: readonly Decimal[], g: Decimal, units: readonly number[]): void {
  capUnitsMade.set(caps, { g, units });
}

/** The amounts in whole units; the granularity must be coarse enough for them (see `unitsIssue`). */
export function toUnits(caps: readonly Decimal[], limits: readonly Limit[], g: Decimal): Units {
  const units = unitsOf(g);
  const safe = (u: number, d: Decimal) => {
    if (!Number.isSafeInteger(u)) throw new InternalError(`the amount ${d.toString()} is not a safe number of units of ${g.toString()} (the scenario check lets no such granularity through)`);
    return u;
  };
  const capUnits = capsInUnits(caps, g);
  // The caps' own list of units (made once per list of caps), each checked.
  for (let i = 0; i < capUnits.length; i++) safe(capUnits[i]!, caps[i]!);
  return {
    granularity: g,
    caps: capUnits,
    limits: limits.map((l) => safe(units(l.amount, l.sense === 'max' ? 'floor' : 'ceil'), l.amount)),
  };
}

/** A granularity too fine for the amounts (more units than a double counts exactly): the first amount it fails, as an input issue. */
export function unitsIssue(caps: readonly Decimal[], limits: readonly Limit[], g: Decimal): InputIssue | null {
  const units = unitsOf(g);
  const capUnits = capsInUnits(caps, g);
  let bad: Decimal | undefined;
  const k = capUnits.findIndex((u) => !Number.isSafeInteger(u));
  if (k >= 0) bad = caps[k];
  else {
    // Limits share their amounts' objects (every company's cap under one rule): each object asked once per sense.
    const safe = { max: new Map<Decimal, boolean>(), min: new Map<Decimal, boolean>() };
    bad = limits.find((l) => {
      const known = safe[l.sense];
      let ok = known.get(l.amount);
      if (ok === undefined) known.set(l.amount, (ok = Number.isSafeInteger(units(l.amount, l.sense === 'max' ? 'floor' : 'ceil'))));
      return !ok;
    })?.amount;
  }
  return bad ? { file: 'scenario', row: 'granularity', expected: `a granularity coarse enough for amounts up to ${bad.toString()}`, found: g.toString() } : null;
}
