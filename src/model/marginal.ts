/**
 * The value of money: how much objective (Σ score × grant) one more yuan of a limit buys,
 * and over what range of that limit it holds. Duals come from the backend (the network
 * simplex or HiGHS); every value is checked by re-solving the LP with the limit moved (warm,
 * so cheaply): first one step of ¥10,000 (which also catches a degenerate dual: then the
 * measured slope is reported), then the range over which it holds, on a grid of the limit's
 * size: doubling the distance until a re-solve disagrees, then bisecting on the grid. The
 * optimal value is concave in each limit, which is what makes the checks enough.
 */
import { Decimal } from 'decimal.js';
import { D, LP_UNIT } from '../money.js';
import type { ParametricLp } from '../solver/types.js';
import type { Allocation } from './types.js';
import type { Limit } from './limits.js';

export interface Marginal {
  readonly limit: Limit;
  /** Objective per yuan: what one more yuan of the limit buys (negative for a floor: its cost). */
  readonly perYuan: number;
  /** The limit's range (yuan) over which perYuan holds; `to` null = no upper end. */
  readonly from: Decimal;
  readonly to: Decimal | null;
  /** Both ends confirmed by re-solving. */
  readonly verified: boolean;
  /** Whether the limit's row is at its bound (a limit whose row was dropped never binds). */
  readonly binding: boolean;
}

export interface MarginalAnalysis {
  readonly values: readonly Marginal[];
  /** The budget's marginal value: the score at which money ran out, or null when it did not. */
  readonly fundingLine: number | null;
}

const STEP = 1; // 万元 = ¥10,000
/** Doublings of the distance from the limit before a range is taken to have no end that way. */
const MAX_DOUBLINGS = 40;

export interface MarginalOptions {
  /** Company limits whose ranges are checked by re-solving (largest values first); the rest are skipped. */
  readonly maxCompanyLimits?: number;
  /** Ranges to a grid of 1/2^bisections of the limit (at least ¥10,000). */
  readonly bisections?: number;
  /** The budget row's right slope as `budgetSlope` found it: used as it is, not re-solved (so the funding line is the one found first). */
  readonly budgetSlope?: number | null;
}

/**
 * One limit's row to search (`searchRow`): the row, its bounds, how fine the range's grid is (the
 * limit over 2^steps), and its right slope where it is known already (the budget's, found first).
 * Plain numbers: a search can be sent to another thread that holds the same LP.
 */
export interface RowSearch {
  readonly row: number;
  readonly lower: number | null;
  readonly upper: number | null;
  readonly steps: number;
  readonly slope?: number | null;
}

/** What a row's search found (LP units): its right slope (null: one step up is infeasible), and the range over which it holds (`hi` null: no upper end). */
export interface RowRange {
  readonly slope: number | null;
  readonly lo: number;
  readonly hi: number | null;
}

/**
 * A row's right slope and the range over which it holds, re-solved on `lp` (see the module's
 * comment). It depends only on the LP's optimal values at the points it tries, not on the basis
 * `lp` is in, so any model of the same LP, on any thread, gives the same answer.
 */
export function searchRow(lp: ParametricLp, search: RowSearch): RowRange {
  const { row: r, steps } = search;
  const v0 = lp.objective;
  const tol = tolerance(v0);
  const b = search.upper ?? search.lower!;

  /** The optimum at row r's bound t, re-solved, and kept among what is known of row r. */
  const valueAt = (t: number, known: Known | null): number | null => {
    const v = valueWithBound(lp, search, t);
    known?.add(t, v);
    return v;
  };
  const probe = (t: number, known: Known): void => void valueAt(t, known);
  const holds = (slope: number, t: number, known: Known | null): boolean => {
    // Inside an exact range the optimum is v0 + dual × (t − b) (the same basis): what a re-solve
    // would answer, so it is not re-solved. The grid's points are decimals of the bound's scale,
    // far more than a rounding apart from the range's ends.
    if (slope === lp.duals[r] && inExactRange(lp, r, b, t)) return true;
    // A bound tightened no further than the row's activity at the kept optimum keeps that optimum
    // feasible, so the optimum stays v0 (a tighter bound cannot raise it): what a re-solve answers.
    if (withinActivity(lp, search, t)) return Math.abs(slope * (t - b)) <= tol(0);
    if (known) {
      // What the re-solve would answer, where the exact values known so far bound it enough to tell
      // (see Known): first from those; then, for a point far past the exact range, with re-solves
      // nearer the range first (1/64, then 1/16, then 1/4 of the way to t): from the kept optimum a
      // re-solve takes pivots about in proportion to how far the limit moves, and once the slope has
      // fallen by enough between two of them, every point beyond is told.
      const c = v0 + slope * (t - b);
      let told = known.decide(t, c, v0, tol(0));
      const end = t > b ? lp.rangeUp[r]! : lp.rangeDown[r]!;
      if (told === null && lp.rangesExact && Number.isFinite(end) && Math.abs(t - end) > FAR) {
        for (const part of [64, 16, 4]) {
          const at = end + Math.round((t - end) / part);
          if (at < 0 || known.probedTo(at)) continue;
          probe(at, known);
          told = known.decide(t, c, v0, tol(0));
          if (told !== null) break;
        }
      }
      if (told !== null) return told;
    }
    const v = valueAt(t, known);
    return v !== null && Math.abs(v - v0 - slope * (t - b)) <= tol(v - v0);
  };
  /**
   * The last point of a grid along the limit, from b in direction `dir`, where the slope still
   * holds: the grid's step is the limit's size over 2^steps (at least one step of ¥10,000), the
   * search doubles the distance until the slope fails, then bisects on the grid. The point it
   * ends at depends only on b and the re-solved values (concave in the limit, so the slope holds
   * on one interval), not on the basis the backend ended in (whose range hint may choose the
   * points tried first): the same LP gives the same range whichever backend and pivots solved it.
   */
  const extend = (slope: number, dir: 1 | -1, known: Known | null): number => {
    const grid = STEP * 2 ** Math.max(0, Math.floor(Math.log2(Math.max(b, STEP) / 2 ** steps)));
    const at = (k: number) => Math.max(0, b + dir * k * grid);
    // Where the backend's range is a hint (not exact), its end's grid steps are tried first.
    const hinted = lp.rangesExact ? null : hintedEnd(dir > 0 ? lp.rangeUp[r]! : lp.rangeDown[r]!, b, grid, dir);
    return at(lastHoldingStep((k) => holds(slope, at(k), known), (k) => dir < 0 && at(k) === 0, hinted));
  };

  // Exact answers bound the others (concavity): kept per row, from the kept optimum and its exact range on.
  const known = lp.valuesExact && Number.isFinite(b) ? knownAround(lp, r, b) : null;
  const slope = search.slope !== undefined ? search.slope : rightSlope(lp, search, known);
  // Raising a floor one step makes the scenario infeasible: it is already as high as it can go.
  if (slope === null) return { slope, lo: b, hi: b };
  const binding = Math.abs(slope) > 1e-9;
  const hi = !binding && search.upper !== null ? null : extend(slope, 1, known); // a ceiling that does not bind: flat from here on
  const lo = b > 0 ? extend(slope, -1, known) : b;
  return { slope, lo, hi };
}

/**
 * The marginal values to find: one search per limit that has a row to search (`searches`, in the
 * order the values list them), and the values once the searches' ranges are known (`values`,
 * given one range per search, in the same order).
 */
export interface MarginalPlan {
  readonly searches: readonly RowSearch[];
  values(found: readonly RowRange[]): MarginalAnalysis;
}

/**
 * What to search for the allocation's marginal values on `lp` (its stage-one LP kept open): the
 * budget and every `measure_max` and `measure_min` limit with a row (one without a row is valued
 * here: it never binds), then the binding company limits of most value (`maxCompanyLimits`, 20 by
 * default) on a coarser grid.
 */
export function marginalPlan(allocation: Allocation, lp: ParametricLp, options: MarginalOptions = {}): MarginalPlan {
  const { shape } = allocation.model;
  const rows = allocation.model.lp.rows;
  // Ranges on a grid of 1/256 of the limit (1/16 on big models): enough for "over what range it holds".
  const bisections = options.bisections ?? (allocation.model.lp.columns.length > 5000 ? 4 : 8);
  const rowOf = new Map(shape.rowLimit.map((k, r) => [k, r]));
  const searches: RowSearch[] = [];
  /** Each value: found already, or a limit and the index of its search. */
  const planned: (Marginal | { readonly limit: Limit; readonly search: number })[] = [];
  const search = (limit: Limit, r: number, steps: number) => {
    const { lower, upper } = rows[r]!;
    const slope = limit.kind === 'budget' && options.budgetSlope !== undefined ? { slope: options.budgetSlope } : {};
    planned.push({ limit, search: searches.length });
    searches.push({ row: r, lower, upper, steps, ...slope });
  };
  const companyCandidates: [Limit, number][] = [];
  allocation.limits.forEach((l, k) => {
    const r = rowOf.get(k);
    if (l.kind === 'budget' || l.kind === 'measure_max' || l.kind === 'measure_min') {
      if (r === undefined) {
        // No row: the members' entitlements together never reach this ceiling.
        planned.push({ limit: l, perYuan: 0, from: allocation.limitTotals[k]!.plus(l.locked), to: null, verified: true, binding: false });
      } else search(l, r, bisections);
    } else if (r !== undefined && Math.abs(lp.duals[r]!) > 1e-9) companyCandidates.push([l, r]);
  });
  companyCandidates
    .sort((a, b) => Math.abs(lp.duals[b[1]]!) - Math.abs(lp.duals[a[1]]!) || (a[0].id < b[0].id ? -1 : 1))
    .slice(0, options.maxCompanyLimits ?? 20)
    .forEach(([l, r]) => search(l, r, Math.min(bisections, 4)));
  return {
    searches,
    values(found) {
      const values = planned.map((p): Marginal => {
        if (!('search' in p)) return p;
        const { limit } = p;
        const { slope, lo, hi } = found[p.search]!;
        // On the whole limit: what an earlier batch locked is added back.
        const toYuan = (t: number) => new D(t).times(LP_UNIT).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).plus(limit.locked);
        if (slope === null) return { limit, perYuan: -Infinity, from: toYuan(lo), to: toYuan(lo), verified: true, binding: true };
        return { limit, perYuan: slope, from: toYuan(lo), to: hi === null ? null : toYuan(hi), verified: true, binding: Math.abs(slope) > 1e-9 };
      });
      const budget = values.find((v) => v.limit.kind === 'budget');
      return { values, fundingLine: budget ? fundingLineAt(budget.perYuan) : null };
    },
  };
}

/** The marginal values, every search made here on `lp` (`marginalPlan`, `searchRow`). */
export function marginalValues(allocation: Allocation, lp: ParametricLp, options: MarginalOptions = {}): MarginalAnalysis {
  const plan = marginalPlan(allocation, lp, options);
  return plan.values(plan.searches.map((s) => searchRow(lp, s)));
}

/**
 * The funding line alone (what `marginalValues` gives as `fundingLine`, without the ranges and
 * the other limits): the budget's right derivative, or null where the budget has no row or more
 * of it funds nothing.
 */
export function budgetFundingLine(allocation: Allocation, lp: ParametricLp): number | null {
  return fundingLineOf(budgetSlope(allocation, lp));
}

/**
 * The budget row's right slope (objective per LP unit of one more step of budget, re-solved where
 * the dual does not tell), null where one more step is infeasible, undefined where the budget has
 * no row: what `marginalValues` finds for the budget, to be given to it (`budgetSlope`).
 */
export function budgetSlope(allocation: Allocation, lp: ParametricLp): number | null | undefined {
  const k = allocation.limits.findIndex((l) => l.kind === 'budget');
  const r = allocation.model.shape.rowLimit.indexOf(k);
  if (k < 0 || r < 0) return undefined;
  const { lower, upper } = allocation.model.lp.rows[r]!;
  return rightSlope(lp, { row: r, lower, upper }, null);
}

/** The funding line a budget slope (`budgetSlope`) gives: null for none, infeasible, or one that buys nothing. */
export function fundingLineOf(slope: number | null | undefined): number | null {
  return slope === null || slope === undefined ? null : fundingLineAt(slope);
}

/** The score at which money ran out, from the budget's objective per yuan: null when it buys nothing. */
function fundingLineAt(perYuan: number): number | null {
  return perYuan > 1e-9 ? Math.round(perYuan * 1e4) / 1e4 : null;
}

/** The relative error allowed for in `Known.decide`: about 450 units in the last place of a double. */
const ERROR = 1e-13;

/** How far past the exact range a point must be for re-solves nearer the range to be made first (万元): about ¥41m. */
const FAR = 4096 * STEP;

/**
 * What is known exactly of the optimum v(t) as row r's active bound t moves: its value at some
 * points, and points where the LP is infeasible. v is concave in t where the LP is feasible (an
 * interval of t) and the LP infeasible elsewhere, so at a point t not yet known:
 * - between two known points a, c (a < t < c), v(t) ≥ the chord through them (and the LP is feasible);
 * - beyond two known points a < c (t > c, or t < a), v(t) ≤ the line through them; the
 *   adjacent pairs on each side give the least such bound;
 * - at or beyond a point known infeasible (on the side away from the kept bound), the LP is infeasible.
 * `decide` says what the test of a grid point (|v − c| ≤ a + 10⁻⁹ |v − v0|, false when infeasible)
 * would answer for every value the bounds allow, or null when they allow both answers. The
 * values are exact optima (as doubles: `valuesExact`) and the test is decided only with a margin
 * far above the rounding of doubles, so a decision is what re-solving the point would give.
 */
export class Known {
  private readonly ts: number[] = [];
  private readonly vs: number[] = [];
  private infeasibleAbove = Infinity;
  private infeasibleBelow = -Infinity;

  /** `center`: the kept bound, which is feasible (the side an infeasible point cuts off is the one away from it). */
  constructor(private readonly center: number) {}

  /** Whether a point at least as far from the kept bound as t, on its side, is known (or known infeasible). */
  probedTo(t: number): boolean {
    if (t > this.center) return this.infeasibleAbove <= t || (this.ts.length > 0 && this.ts[this.ts.length - 1]! >= t);
    return this.infeasibleBelow >= t || (this.ts.length > 0 && this.ts[0]! <= t);
  }

  /** The exact optimum at t, or null: the LP is infeasible at t. */
  add(t: number, v: number | null): void {
    if (v === null) {
      if (t > this.center) this.infeasibleAbove = Math.min(this.infeasibleAbove, t);
      else this.infeasibleBelow = Math.max(this.infeasibleBelow, t);
      return;
    }
    let i = this.ts.length;
    while (i > 0 && this.ts[i - 1]! > t) i--;
    if (i > 0 && this.ts[i - 1] === t) return;
    this.ts.splice(i, 0, t);
    this.vs.splice(i, 0, v);
  }

  /**
   * Whether |v(t) − c| ≤ a + 10⁻⁹ |v(t) − v0| (false where the LP is infeasible at t), for every
   * v(t) the known points allow; null when they allow both.
   */
  decide(t: number, c: number, v0: number, a: number): boolean | null {
    if (t >= this.infeasibleAbove || t <= this.infeasibleBelow) return false;
    const { ts, vs } = this;
    const n = ts.length;
    let i = 0;
    while (i < n && ts[i]! < t) i++;
    // What the doubles below can be off by: each value and point is within half a unit in the last
    // place (2^-53, relatively) of the exact one, each operation adds as much, and a line's slope
    // carries its points' errors times how far the line is taken past them. ERROR is some 450
    // times 2^-53: the decision needs that margin on top of the test's own.
    let error = ERROR * (1 + Math.abs(v0) + Math.abs(c));
    /** The line through known points j < k, at t. */
    const line = (j: number, k: number): number => {
      const [tj, tk, vj, vk] = [ts[j]!, ts[k]!, vs[j]!, vs[k]!];
      const slope = (vk - vj) / (tk - tj);
      const x = vk + slope * (t - tk);
      error += ERROR * ((Math.abs(vj) + Math.abs(vk) + Math.abs(slope) * (Math.abs(tj) + Math.abs(tk))) * (1 + Math.abs(t - tk) / (tk - tj)) + Math.abs(x));
      return x;
    };
    let lower = -Infinity;
    let upper = Infinity;
    if (i < n && ts[i] === t) lower = upper = vs[i]!;
    else {
      if (i > 0 && i < n) lower = line(i - 1, i);
      if (i >= 2) upper = Math.min(upper, line(i - 2, i - 1));
      if (i + 1 < n) upper = Math.min(upper, line(i, i + 1));
    }
    if (upper < lower) return null; // only by rounding: nothing is claimed
    const margin = error;
    const gap = (v: number) => Math.abs(v - c) - 1e-9 * Math.abs(v - v0);
    // gap is linear in v between its kinks c and v0: its extremes over [lower, upper] are at the ends and the kinks inside.
    const ends = [lower, upper].filter(Number.isFinite).map(gap);
    const atV0 = lower <= v0 && v0 <= upper ? gap(v0) : null;
    if (Number.isFinite(lower) && Number.isFinite(upper) && Math.max(...ends, atV0 ?? -Infinity) <= a - margin) return true;
    const cInside = c >= lower - margin && c <= upper + margin;
    if (!cInside && Math.min(Number.isFinite(lower) ? gap(lower) : Infinity, Number.isFinite(upper) ? gap(upper) : Infinity, atV0 ?? Infinity) > a + margin) return false;
    return null;
  }
}

/** What is known of row r's optimum from the kept one: the objective at the bound b, and at its exact range's finite ends. */
function knownAround(lp: ParametricLp, r: number, b: number): Known {
  const known = new Known(b);
  known.add(b, lp.objective);
  if (lp.rangesExact) {
    for (const t of [lp.rangeDown[r]!, lp.rangeUp[r]!]) if (Number.isFinite(t) && t !== b) known.add(t, lp.objective + lp.duals[r]! * (t - b));
  }
  return known;
}

/** How far a re-solved optimum may differ from v0 + slope × move and still be on the slope. */
function tolerance(v0: number): (dv: number) => number {
  return (dv) => 1e-6 * Math.max(1, Math.abs(v0)) + 1e-9 * Math.abs(dv);
}

/** A row of the LP and its bounds. */
type RowBounds = Pick<RowSearch, 'row' | 'lower' | 'upper'>;

/** The optimum with the row's active bound at t (万元), null where infeasible. */
function valueWithBound(lp: ParametricLp, { row, lower, upper }: RowBounds, t: number): number | null {
  return upper !== null ? lp.objectiveWithRowBounds(row, lower, t) : lp.objectiveWithRowBounds(row, t, upper);
}

/**
 * The right derivative of the optimum in row r's active bound: the row's dual, checked by a
 * re-solve one step up (a degenerate dual is replaced by what the step measured); null when that
 * step makes the LP infeasible. A step inside the row's exact range is the dual without a
 * re-solve (the optimum there is the objective plus the dual times the step, which the check
 * accepts); a re-solved step is kept in `known`.
 */
function rightSlope(lp: ParametricLp, row: RowBounds, known: Known | null): number | null {
  const r = row.row;
  const b = row.upper ?? row.lower!;
  if (inExactRange(lp, r, b, b + STEP)) return lp.duals[r]!;
  const up = valueWithBound(lp, row, b + STEP);
  known?.add(b + STEP, up);
  if (up === null) return null;
  const v0 = lp.objective;
  const dual = lp.duals[r]!;
  return Math.abs(up - v0 - dual * STEP) > tolerance(v0)(up - v0) ? (up - v0) / STEP : dual;
}

/**
 * The last grid step k ≥ 1 (point b + dir × k × grid) inside a hinted range's end `end`, or null
 * where the hint names none the search could end at: no finite end that way, or one less than a
 * step away (the search's first re-solve is then the step past it anyway), or beyond its doublings.
 */
function hintedEnd(end: number, b: number, grid: number, dir: 1 | -1): number | null {
  if (!Number.isFinite(end)) return null;
  const k = Math.floor((dir * (end - b)) / grid);
  return k >= 1 && k + 1 <= 2 ** MAX_DOUBLINGS ? k : null;
}

/**
 * The last grid step k, from 0 (the limit itself) to 2^MAX_DOUBLINGS, at which the slope holds,
 * for a test `holds` that is true up to some step and false after it: the step doubled until the
 * test fails, then bisected. `atZero(k)`: step k's point is zero (going down, the limit can go no
 * lower): the test there decides for every step beyond. `hinted`: a step where the slope may end
 * (the backend's range hint; see hintedEnd), tried first with the step after it: where the test
 * holds at the one and fails at the other, that is the answer (two tests instead of a doubling
 * and a bisection, about ten); else the search goes on from what the two told. The answer is the
 * same with or without the hint.
 */
export function lastHoldingStep(holds: (k: number) => boolean, atZero: (k: number) => boolean, hinted: number | null): number {
  const cap = 2 ** MAX_DOUBLINGS;
  let good = 0;
  let bad = 1;
  let doubling = true;
  if (hinted !== null && hinted >= 1 && hinted < cap && !atZero(hinted + 1)) {
    if (!holds(hinted)) {
      bad = hinted;
      doubling = false;
    } else if (!holds(hinted + 1)) return hinted;
    else {
      good = hinted + 1;
      bad = Math.min(2 * good, cap);
    }
  }
  while (doubling) {
    if (good === cap) return good;
    if (atZero(bad)) {
      if (holds(bad)) return bad;
      break;
    }
    if (!holds(bad)) break;
    good = bad;
    bad = Math.min(2 * bad, cap);
  }
  while (bad - good > 1) {
    const mid = Math.floor((good + bad) / 2);
    if (holds(mid)) good = mid;
    else bad = mid;
  }
  return good;
}

/** Whether the row's active bound moved to t is tightened (or kept) but not past the row's activity at the kept optimum, where the backend gives it. */
function withinActivity(lp: ParametricLp, { row, upper, lower }: RowBounds, t: number): boolean {
  const a = lp.activity?.[row];
  if (a === undefined) return false;
  const margin = 1e-9 * Math.max(1, Math.abs(a));
  return upper !== null ? t <= upper && t >= a + margin : t >= lower! && t <= a - margin;
}

/** Whether row r's bound moved from b (finite) to t stays inside its range, where the LP's ranges are exact (then its dual holds all the way). */
function inExactRange(lp: ParametricLp, r: number, b: number, t: number): boolean {
  return !!lp.rangesExact && Number.isFinite(b) && t <= lp.rangeUp[r]! && t >= lp.rangeDown[r]!;
}
