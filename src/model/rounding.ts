/**
 * Rounding: from the LP's floating values to exact grants, in whole granularity units.
 *
 * The rule, in order:
 *  1. Each value is rounded down to the granularity (a value within 1/1000 of a unit
 *     below a whole unit, floating noise, counts as that unit) and clipped to the cap.
 *  2. Any `max` limit the rounded grants exceed is repaired by taking units back from its
 *     members, last in the priority order first.
 *  3. Any `min` limit (a measure floor) below its amount is topped up, one unit at a time,
 *     from its members in priority order.
 *  4. What is left is handed out one unit at a time in priority order (score descending,
 *     then project id ascending): each application takes as many whole units as every
 *     limit containing it still allows.
 * No step ever pushes an amount over a limit; step 4 makes rounding waste no more than the
 * limits force (after it, every application below its cap sits in a limit with less than
 * one unit of room).
 */
import type { Decimal } from 'decimal.js';
import { D, ZERO } from '../money.js';
import { toUnits, type Units } from './units.js';
import type { Limit } from './limits.js';

export interface RoundingInput {
  /** Per candidate: the most it may get, a multiple of the granularity. */
  readonly caps: readonly Decimal[];
  readonly limits: readonly Limit[];
  /** LP values in yuan (floating). */
  readonly values: ArrayLike<number>;
  /** Candidate indexes in priority order. */
  readonly order: readonly number[];
  readonly granularity: Decimal;
  /** The same amounts in whole units, when the caller already has them. */
  readonly units?: Units;
}

export interface RoundingResult {
  /** Per candidate, whole granularity units. */
  readonly grantUnits: readonly number[];
  /** The same in yuan (made on first use). */
  readonly grants: Decimal[];
  /** Σ grants per limit, same order as `limits` (made on first use). */
  readonly totals: Decimal[];
  /** Floors that whole units could not reach (only possible when a floor sits within a unit of the caps). */
  readonly unmetFloors: readonly number[];
}

export function roundAllocation(input: RoundingInput): RoundingResult {
  const { caps, limits, values, order, granularity: g } = input;
  const u = input.units ?? toUnits(caps, limits, g);
  const capU = u.caps;
  const limitU = u.limits;
  const n = caps.length;
  const memberOf: number[][] = Array.from({ length: n }, () => []);
  limits.forEach((l, k) => l.members.forEach((i) => memberOf[i]!.push(k)));

  const gNum = g.toNumber();
  const grantU = capU.map((cap, i) => Math.max(0, Math.min(cap, Math.floor(values[i]! / gNum + 1e-3))));
  const totalU = limits.map((l) => l.members.reduce((s, i) => s + grantU[i]!, 0));
  const move = (i: number, delta: number) => {
    grantU[i] = grantU[i]! + delta;
    for (const k of memberOf[i]!) totalU[k] = totalU[k]! + delta;
  };
  /** Units of room left for candidate i under its cap and every `max` limit containing it. */
  const room = (i: number): number => {
    let r = capU[i]! - grantU[i]!;
    for (const k of memberOf[i]!) if (limits[k]!.sense === 'max') r = Math.min(r, limitU[k]! - totalU[k]!);
    return Math.max(0, r);
  };
  const position = new Int32Array(n);
  order.forEach((i, p) => (position[i] = p));
  const byPriority = (members: readonly number[]) => [...members].sort((a, b) => position[a]! - position[b]!);

  // 2. Repair exceeded ceilings.
  limits.forEach((l, k) => {
    if (l.sense !== 'max' || totalU[k]! <= limitU[k]!) return;
    for (const i of byPriority(l.members).reverse()) {
      const excess = totalU[k]! - limitU[k]!;
      if (excess <= 0) break;
      const take = Math.min(grantU[i]!, excess);
      if (take > 0) move(i, -take);
    }
  });
  // 3. Top up floors.
  const unmetFloors: number[] = [];
  limits.forEach((l, k) => {
    if (l.sense !== 'min') return;
    for (const i of byPriority(l.members)) {
      const need = limitU[k]! - totalU[k]!;
      if (need <= 0) break;
      const give = Math.min(room(i), need);
      if (give > 0) move(i, give);
    }
    if (totalU[k]! < limitU[k]!) unmetFloors.push(k);
  });
  // 4. Hand out what is left.
  for (const i of order) {
    const give = room(i);
    if (give > 0) move(i, give);
  }
  // Yuan only when asked for (the allocation rounds two candidate solutions and keeps one).
  const yuan = unitsToYuan(g);
  let grants: Decimal[] | undefined;
  let totals: Decimal[] | undefined;
  return {
    grantUnits: grantU,
    get grants() {
      return (grants ??= grantU.map(yuan));
    },
    get totals() {
      return (totals ??= totalU.map(yuan));
    },
    unmetFloors,
  };
}

/** Whole units to exact yuan: by one multiplication of doubles where that is exact (an integer granularity). */
export function unitsToYuan(g: Decimal): (u: number) => Decimal {
  const gNum = g.toNumber();
  const exact = g.isInteger() && Number.isSafeInteger(gNum);
  return (u) => (u === 0 ? ZERO : exact && Number.isSafeInteger(u * gNum) ? new D(u * gNum) : g.times(u));
}
