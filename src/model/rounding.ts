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
import { D, ZERO, floorTo } from '../money.js';
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
}

export interface RoundingResult {
  readonly grants: Decimal[];
  /** Σ grants per limit, same order as `limits`. */
  readonly totals: Decimal[];
  /** Floors that whole units could not reach (only possible when a floor sits within a unit of the caps). */
  readonly unmetFloors: readonly number[];
}

export function roundAllocation(input: RoundingInput): RoundingResult {
  const { caps, limits, values, order, granularity: g } = input;
  const n = caps.length;
  const memberOf: number[][] = Array.from({ length: n }, () => []);
  limits.forEach((l, k) => l.members.forEach((i) => memberOf[i]!.push(k)));

  const grants = caps.map((cap, i) => {
    const v = values[i]!;
    // Within a thousandth of a unit of a whole unit is the LP's floating noise (or its tolerance), not money.
    const units = Math.floor(v / g.toNumber() + 1e-3);
    const rounded = units > 0 ? g.times(units) : ZERO;
    return D.min(rounded, cap);
  });
  const totals = limits.map((l) => l.members.reduce((s, i) => s.plus(grants[i]!), ZERO));
  const move = (i: number, delta: Decimal) => {
    grants[i] = grants[i]!.plus(delta);
    for (const k of memberOf[i]!) totals[k] = totals[k]!.plus(delta);
  };
  /** Room left for candidate i under its cap and every `max` limit containing it. */
  const room = (i: number): Decimal => {
    let r = caps[i]!.minus(grants[i]!);
    for (const k of memberOf[i]!) {
      const l = limits[k]!;
      if (l.sense === 'max') r = D.min(r, l.amount.minus(totals[k]!));
    }
    return r.gt(0) ? r : ZERO;
  };
  const position = new Map(order.map((i, p) => [i, p]));
  const byPriority = (members: readonly number[]) => [...members].sort((a, b) => position.get(a)! - position.get(b)!);

  // 2. Repair exceeded ceilings.
  limits.forEach((l, k) => {
    if (l.sense !== 'max') return;
    const members = byPriority(l.members).reverse();
    for (const i of members) {
      const excess = totals[k]!.minus(l.amount);
      if (excess.lte(0)) break;
      const take = D.min(grants[i]!, excess.div(g).ceil().times(g));
      if (take.gt(0)) move(i, take.neg());
    }
  });
  // 3. Top up floors.
  const unmetFloors: number[] = [];
  limits.forEach((l, k) => {
    if (l.sense !== 'min') return;
    for (const i of byPriority(l.members)) {
      const need = l.amount.minus(totals[k]!);
      if (need.lte(0)) break;
      const give = D.min(floorTo(room(i), g), need.div(g).ceil().times(g));
      if (give.gt(0)) move(i, give);
    }
    if (totals[k]!.lt(l.amount)) unmetFloors.push(k);
  });
  // 4. Hand out what is left.
  for (const i of order) {
    const give = floorTo(room(i), g);
    if (give.gt(0)) move(i, give);
  }
  return { grants, totals, unmetFloors };
}

