/**
 * Rounding: from the LP's floating values to exact grants, in whole granularity units.
 *
 * The rule, in order:
 *  1. Each value is rounded down to the granularity (a value within 1/1000 of a unit
 *     below a whole unit, floating noise, counts as that unit) and clipped to the cap.
 *  2. Any `max` limit the rounded grants exceed is repaired by taking units back from its
 *     members, last in the priority order first: first only what each can give up above the
 *     floors it is in, then from anyone.
 *     A share rule's row (limits.ts `ShareRow`) below its bound is repaired by giving units to
 *     the members whose grants weigh for it (in priority order, as far as every limit allows),
 *     then the same way, from the members whose grants weigh against it.
 *     A cash row (cash-rows.ts) whose instalments exceed its room is repaired the same way,
 *     on the instalments as they are paid (rounded), not on share × grant. The share and cash
 *     repairs go round again while either moves a unit (taking from a grant can raise its last
 *     instalment; a cash repair can take from a share row's side).
 *  3. Any `min` limit (a measure floor) below its amount is topped up, one unit at a time,
 *     from its members in priority order (and a share row still short, from the members
 *     whose grants weigh for it). Where its members have no room left (a full ceiling or
 *     cash row they share with others), units move to them from candidates outside the floor
 *     that can spare them above their own floors, last in the priority order first.
 *  4. What is left is handed out one unit at a time in priority order (score descending,
 *     then project id ascending): each application takes as many whole units as every
 *     limit and share row containing it still allows (again, while a pass gives anything:
 *     a unit given under a share's minimum can make room for others).
 * No step ever pushes an amount over a limit; step 4 makes rounding waste no more than the
 * limits force (after it, every application below its cap sits in a limit with less than
 * one unit of room).
 */
import type { Decimal } from 'decimal.js';
import { D, ZERO } from '../money.js';
import { toUnits, type Units } from './units.js';
import { instalmentUnit } from './years.js';
import { limitsOfCandidates, shareIndex, shareSums, sumOver, type Limit, type LimitsOf, type ShareRow } from './limits.js';
import type { CashTracker } from './cash-rows.js';

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
  /** The policy's share rules over the same candidates. */
  readonly shares?: readonly ShareRow[];
  /** The cash rows, tracked from the first rounded grants (multi-year scenarios). */
  readonly cash?: (grantUnits: readonly number[]) => CashTracker;
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
  /** Share rows (indexes into `shares`) that whole units could not satisfy. */
  readonly unmetShares: readonly number[];
}

/** Rounds of the share and cash repairs (steps 2b, 2c), at most, where a scenario has both. */
const REPAIR_ROUNDS = 8;

/** Donors looked at per candidate, at most, for one floor's exchange (step 3b). */
const EXCHANGE_TRIES = 8;

export function roundAllocation(input: RoundingInput): RoundingResult {
  const { caps, limits, values, order, granularity: g } = input;
  const u = input.units ?? toUnits(caps, limits, g);
  const capU = u.caps;
  const limitU = u.limits;
  const n = caps.length;
  const { start, at } = memberIndex(limits, n);
  const isMax = new Uint8Array(limits.length);
  for (let k = 0; k < limits.length; k++) if (limits[k]!.sense === 'max') isMax[k] = 1;

  const gNum = g.toNumber();
  const cashUnit = instalmentUnit(g).toNumber();
  const grantU = capU.map((cap, i) => Math.max(0, Math.min(cap, Math.floor(values[i]! / gNum + 1e-3))));
  const totalU = limits.map((l) => sumOver(l.members, grantU));
  // Share rows as integer rows over units: Σ weight × units ≥ threshold (limits.ts shareUnits).
  const shares = input.shares ?? [];
  const { units: shareW, of: shareOf } = shareIndex(shares, g, n);
  const shareSum = shareSums(shares, { units: shareW, of: shareOf }, grantU);
  const cash = input.cash?.(grantU) ?? null;
  /** Moves made so far (the repairs go round again while they move units). */
  let moved = 0;
  const move = (i: number, delta: number) => {
    moved++;
    cash?.move(i, grantU[i]!, grantU[i]! + delta);
    grantU[i] = grantU[i]! + delta;
    for (let t = start[i]!; t < start[i + 1]!; t++) {
      const k = at[t]!;
      totalU[k] = totalU[k]! + delta;
    }
    if (shares.length) for (const [j, w] of shareOf[i]!) shareSum[j] = shareSum[j]! + w * delta;
  };
  /** Units of room left for candidate i under its cap, every `max` limit and every share row containing it. */
  // No room anywhere is none at all: the least of the rooms only falls, and is at least 0.
  const room = (i: number): number => {
    let r = capU[i]! - grantU[i]!;
    if (r <= 0) return 0;
    for (let t = start[i]!; t < start[i + 1]!; t++) {
      const k = at[t]!;
      if (isMax[k]) {
        r = Math.min(r, limitU[k]! - totalU[k]!);
        if (r <= 0) return 0;
      }
    }
    if (shares.length) for (const [j, w] of shareOf[i]!) if (w < 0) r = Math.min(r, Math.floor((shareSum[j]! - shareW[j]!.threshold) / -w));
    if (cash && r > 0) r = cash.room(i, grantU[i]!, r);
    return Math.max(0, r);
  };
  const position = new Int32Array(n);
  order.forEach((i, p) => (position[i] = p));
  const byPriority = (members: readonly number[]) => [...members].sort((a, b) => position[a]! - position[b]!);
  const hasFloor = limits.some((l) => l.sense === 'min');
  /** Units candidate i can give up without taking any floor it is in below its amount (Infinity: in none). */
  const aboveFloors = (i: number): number => {
    let r = Infinity;
    for (let t = start[i]!; t < start[i + 1]!; t++) {
      const k = at[t]!;
      if (!isMax[k]) r = Math.min(r, totalU[k]! - limitU[k]!);
    }
    return Math.max(0, r);
  };
  /**
   * Take units back from `members`, last in the priority order first, while `short()` says the row
   * is still broken; `units(i)` is how many to take from i at most. First only what each can give up
   * above the floors it is in (a floor the repair takes below could not be topped up again where the
   * repaired row is full), then, if the row is still broken, from anyone.
   */
  const takeBack = (members: readonly number[], short: () => boolean, units: (i: number) => number) => {
    if (!short()) return;
    const last = byPriority(members).reverse();
    for (const spare of hasFloor ? [true, false] : [false]) {
      for (const i of last) {
        // Again from the same one while it has units to give (a cash row's rounded instalments may need more than one take).
        while (short()) {
          const take = Math.min(grantU[i]!, units(i), spare ? aboveFloors(i) : Infinity);
          if (take <= 0) break;
          move(i, -take);
        }
        if (!short()) return;
      }
    }
  };

  /** Give units to the members that weigh for share row j, in priority order, as far as every limit leaves them room, until the row holds. */
  const giveTowards = (j: number) => {
    const { threshold } = shareW[j]!;
    const [towards, w] = shareW[j]!.qualifyingWeight > 0 ? [shares[j]!.qualifying, shareW[j]!.qualifyingWeight] : [shares[j]!.others, shareW[j]!.othersWeight];
    // A row already met, or whose members weigh nothing towards it, takes nothing (its members are not even sorted).
    if (shareSum[j]! >= threshold || w <= 0) return;
    for (const i of byPriority(towards)) {
      if (shareSum[j]! >= threshold) break;
      const give = Math.min(room(i), Math.ceil((threshold - shareSum[j]!) / w));
      if (give > 0) move(i, give);
    }
  };

  // 2. Repair exceeded ceilings.
  limits.forEach((l, k) => {
    if (l.sense === 'max') takeBack(l.members, () => totalU[k]! > limitU[k]!, () => totalU[k]! - limitU[k]!);
  });
  // 2b and 2c, again while either moved a unit (at most REPAIR_ROUNDS times): taking from a grant
  // can raise what its last instalment pays in a year (it takes the others' rounding), and a cash
  // row's repair can take from a share row's side that it needs.
  for (let round = 0; round < (shares.length && cash ? REPAIR_ROUNDS : 1); round++) {
    const before = moved;
    // 2b. Repair share rows: give units to the members that weigh for the row, in priority order, as
    // far as every limit leaves them room; then take units from the members that weigh against it.
    shares.forEach((row, j) => {
      giveTowards(j);
      const { threshold } = shareW[j]!;
      const [against, w] = shareW[j]!.qualifyingWeight < 0 ? [row.qualifying, shareW[j]!.qualifyingWeight] : [row.others, shareW[j]!.othersWeight];
      takeBack(against, () => shareSum[j]! < threshold, () => Math.ceil((threshold - shareSum[j]!) / -w));
    });
    // 2c. Repair cash rows: take units back, last in the priority order first, until the instalments fit.
    if (cash) {
      cash.rows.forEach((row, j) => {
        // A row within its room takes nothing (its members are not even indexed).
        if (cash.over(j) <= 0) return;
        const at = new Map(row.members.map((i, k) => [i, k]));
        // Enough units to bring the row's instalments back within its room at i's share of a grant (one at least).
        const enough = (i: number) => Math.max(1, Math.ceil((cash.over(j) * cashUnit) / (row.weights[at.get(i)!]!.toNumber() * gNum)));
        takeBack(row.members, () => cash.over(j) > 0, enough);
      });
    }
    if (moved === before) break;
  }
  /** Units candidate j can give up without breaking a floor or a share row it is in. */
  const spareOf = (j: number): number => {
    let r = Math.min(grantU[j]!, aboveFloors(j));
    if (shares.length) for (const [s, w] of shareOf[j]!) if (w > 0) r = Math.min(r, Math.floor((shareSum[s]! - shareW[s]!.threshold) / w));
    return Math.max(0, r);
  };
  /**
   * 3b. Floor k still short, its members blocked by full limits or cash rows they share with
   * others: each member in priority order takes units that candidates outside the floor can spare
   * (last in the priority order first) — each donor gives up what it can spare, the member takes
   * what its room then allows, and the donor takes back what its own room allows. Every step
   * keeps every limit; at most EXCHANGE_TRIES × candidates donors are looked at for one floor.
   */
  const exchange = (k: number, members: readonly number[]) => {
    const inFloor = new Uint8Array(n);
    for (const i of members) inFloor[i] = 1;
    let tries = EXCHANGE_TRIES * n;
    for (const i of members) {
      for (let p = order.length - 1; p >= 0 && totalU[k]! < limitU[k]! && capU[i]! > grantU[i]! && tries > 0; p--, tries--) {
        const j = order[p]!;
        if (inFloor[j]) continue;
        const spare = spareOf(j);
        if (spare <= 0) continue;
        move(j, -spare);
        const give = Math.min(room(i), limitU[k]! - totalU[k]!);
        if (give > 0) move(i, give);
        const back = Math.min(spare, room(j));
        if (back > 0) move(j, back);
      }
      if (totalU[k]! >= limitU[k]! || tries <= 0) return;
    }
  };
  // 3. Top up floors.
  limits.forEach((l, k) => {
    if (l.sense !== 'min') return;
    // A floor already met takes nothing (its members are not even sorted).
    if (totalU[k]! < limitU[k]!) {
      const members = byPriority(l.members);
      for (const i of members) {
        const need = limitU[k]! - totalU[k]!;
        if (need <= 0) break;
        const give = Math.min(room(i), need);
        if (give > 0) move(i, give);
      }
      if (totalU[k]! < limitU[k]!) exchange(k, members);
    }
  });
  // A share row still short (earlier batches' grants weigh against it): top up the members that weigh for it.
  shares.forEach((_, j) => giveTowards(j));
  // 4. Hand out what is left (with share rows, until a pass gives nothing).
  for (let pass = 0, gave = true; gave && (pass === 0 || shares.length > 0); pass++) {
    gave = false;
    for (const i of order) {
      const give = room(i);
      if (give > 0) {
        move(i, give);
        gave = true;
      }
    }
  }
  // What is still short after step 4 (its hand-out can meet a floor step 3 could not).
  const unmetFloors = limits.flatMap((l, k) => (l.sense === 'min' && totalU[k]! < limitU[k]! ? [k] : []));
  const unmetShares = shares.flatMap((_, j) => (shareSum[j]! < shareW[j]!.threshold ? [j] : []));
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
    unmetShares,
  };
}

/**
 * `limitsOfCandidates`, made once for limits with the same member lists: a preparation at another
 * budget (`atBudget`) has new limits, but each with the same members as before, and so the same index.
 */
const indexByMembers = new WeakMap<readonly number[], { readonly limits: readonly Limit[]; readonly index: LimitsOf }>();
function memberIndex(limits: readonly Limit[], n: number): LimitsOf {
  const key = limits[0]?.members;
  if (!key) return limitsOfCandidates(limits, n);
  const known = indexByMembers.get(key);
  if (known && known.index.start.length === n + 1 && known.limits.length === limits.length && limits.every((l, k) => l.members === known.limits[k]!.members)) return known.index;
  const index = limitsOfCandidates(limits, n);
  indexByMembers.set(key, { limits, index });
  return index;
}

/** Whole units to exact yuan: by one multiplication of doubles where that is exact (an integer granularity). */
export function unitsToYuan(g: Decimal): (u: number) => Decimal {
  const gNum = g.toNumber();
  const exact = g.isInteger() && Number.isSafeInteger(gNum);
  // Many grants are the same number of units (a cap many reach): each amount made once.
  const made = new Map<number, Decimal>();
  return (u) => {
    if (u === 0) return ZERO;
    let d = made.get(u);
    if (d === undefined) made.set(u, (d = exact && Number.isSafeInteger(u * gNum) ? new D(u * gNum) : g.times(u)));
    return d;
  };
}
