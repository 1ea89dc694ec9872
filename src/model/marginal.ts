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
import type { LinearProgram, ParametricLp } from '../solver/types.js';
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
}

export function marginalValues(allocation: Allocation, lp: ParametricLp, options: MarginalOptions = {}): MarginalAnalysis {
  const { shape } = allocation.model;
  const rows = allocation.model.lp.rows;
  const v0 = lp.objective;
  const tol = tolerance(v0);
  // Ranges on a grid of 1/256 of the limit (1/16 on big models): enough for "over what range it holds".
  const bisections = options.bisections ?? (allocation.model.lp.columns.length > 5000 ? 4 : 8);
  const rowOf = new Map(shape.rowLimit.map((k, r) => [k, r]));

  const valueAt = (r: number, t: number): number | null => valueWithBound(lp, rows, r, t);
  const holds = (r: number, b: number, slope: number, t: number): boolean => {
    // Inside an exact range the optimum is v0 + dual × (t − b) (the same basis): what a re-solve
    // would answer, so it is not re-solved. The grid's points are decimals of the bound's scale,
    // far more than a rounding apart from the range's ends.
    if (lp.rangesExact && slope === lp.duals[r] && Number.isFinite(b) && t <= lp.rangeUp[r]! && t >= lp.rangeDown[r]!) return true;
    const v = valueAt(r, t);
    return v !== null && Math.abs(v - v0 - slope * (t - b)) <= tol(v - v0);
  };
  /**
   * The last point of a grid along the limit, from b in direction `dir`, where the slope still
   * holds: the grid's step is the limit's size over 2^steps (at least one step of ¥10,000), the
   * search doubles the distance until the slope fails, then bisects on the grid. Which points
   * are tried depends only on b and the re-solved values (concave in the limit, so the slope
   * holds on one interval), not on the basis the backend ended in: the same LP gives the same
   * range whichever backend and pivots solved it.
   */
  const extend = (r: number, b: number, slope: number, dir: 1 | -1, steps: number): number => {
    const grid = STEP * 2 ** Math.max(0, Math.floor(Math.log2(Math.max(b, STEP) / 2 ** steps)));
    const at = (k: number) => Math.max(0, b + dir * k * grid);
    let good = 0;
    let bad = 1;
    for (let doublings = 0; ; doublings++) {
      if (dir < 0 && at(bad) === 0) {
        if (holds(r, b, slope, 0)) return 0;
        break;
      }
      if (!holds(r, b, slope, at(bad))) break;
      good = bad;
      bad *= 2;
      if (doublings === MAX_DOUBLINGS) return at(good);
    }
    while (bad - good > 1) {
      const mid = Math.floor((good + bad) / 2);
      if (holds(r, b, slope, at(mid))) good = mid;
      else bad = mid;
    }
    return at(good);
  };

  const analyse = (limit: Limit, r: number, steps = bisections): Marginal => {
    const row = rows[r]!;
    const b = row.upper ?? row.lower!;
    // On the whole limit: what an earlier batch locked is added back.
    const toYuan = (t: number) => new D(t).times(LP_UNIT).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).plus(limit.locked);
    const slope = rightSlope(lp, rows, r);
    if (slope === null) {
      // Raising a floor one step makes the scenario infeasible: it is already as high as it can go.
      return { limit, perYuan: -Infinity, from: toYuan(b), to: toYuan(b), verified: true, binding: true };
    }
    const binding = Math.abs(slope) > 1e-9;
    const hi = !binding && row.upper !== null ? null : extend(r, b, slope, 1, steps); // a ceiling that does not bind: flat from here on
    const lo = b > 0 ? extend(r, b, slope, -1, steps) : b;
    return { limit, perYuan: slope, from: toYuan(lo), to: hi === null ? null : toYuan(hi), verified: true, binding };
  };

  const values: Marginal[] = [];
  const companyCandidates: [Limit, number][] = [];
  allocation.limits.forEach((l, k) => {
    const r = rowOf.get(k);
    if (l.kind === 'budget' || l.kind === 'measure_max' || l.kind === 'measure_min') {
      if (r === undefined) {
        // No row: the members' entitlements together never reach this ceiling.
        values.push({ limit: l, perYuan: 0, from: allocation.limitTotals[k]!.plus(l.locked), to: null, verified: true, binding: false });
      } else values.push(analyse(l, r));
    } else if (r !== undefined && Math.abs(lp.duals[r]!) > 1e-9) companyCandidates.push([l, r]);
  });
  companyCandidates
    .sort((a, b) => Math.abs(lp.duals[b[1]]!) - Math.abs(lp.duals[a[1]]!) || (a[0].id < b[0].id ? -1 : 1))
    .slice(0, options.maxCompanyLimits ?? 20)
    .forEach(([l, r]) => values.push(analyse(l, r, Math.min(bisections, 4))));
  const budget = values.find((v) => v.limit.kind === 'budget');
  return { values, fundingLine: budget ? fundingLineAt(budget.perYuan) : null };
}

/**
 * The funding line alone (what `marginalValues` gives as `fundingLine`, without the ranges and
 * the other limits): the budget's right derivative, or null where the budget has no row or more
 * of it funds nothing.
 */
export function budgetFundingLine(allocation: Allocation, lp: ParametricLp): number | null {
  const k = allocation.limits.findIndex((l) => l.kind === 'budget');
  const r = allocation.model.shape.rowLimit.indexOf(k);
  if (k < 0 || r < 0) return null;
  const slope = rightSlope(lp, allocation.model.lp.rows, r);
  return slope === null ? null : fundingLineAt(slope);
}

/** The score at which money ran out, from the budget's objective per yuan: null when it buys nothing. */
function fundingLineAt(perYuan: number): number | null {
  return perYuan > 1e-9 ? Math.round(perYuan * 1e4) / 1e4 : null;
}

/** How far a re-solved optimum may differ from v0 + slope × move and still be on the slope. */
function tolerance(v0: number): (dv: number) => number {
  return (dv) => 1e-6 * Math.max(1, Math.abs(v0)) + 1e-9 * Math.abs(dv);
}

/** The optimum with row r's active bound at t (万元), null where infeasible. */
function valueWithBound(lp: ParametricLp, rows: LinearProgram['rows'], r: number, t: number): number | null {
  const row = rows[r]!;
  return row.upper !== null ? lp.objectiveWithRowBounds(r, row.lower, t) : lp.objectiveWithRowBounds(r, t, row.upper);
}

/**
 * The right derivative of the optimum in row r's active bound: the row's dual, checked by a
 * re-solve one step up (a degenerate dual is replaced by what the step measured); null when that
 * step makes the LP infeasible.
 */
function rightSlope(lp: ParametricLp, rows: LinearProgram['rows'], r: number): number | null {
  const row = rows[r]!;
  const up = valueWithBound(lp, rows, r, (row.upper ?? row.lower!) + STEP);
  if (up === null) return null;
  const v0 = lp.objective;
  const dual = lp.duals[r]!;
  return Math.abs(up - v0 - dual * STEP) > tolerance(v0)(up - v0) ? (up - v0) / STEP : dual;
}
