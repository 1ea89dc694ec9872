/**
 * The value of money: how much objective (Σ score × grant) one more yuan of a limit buys,
 * and over what range of that limit it holds. Duals come from the backend (the network
 * simplex or HiGHS); every value is checked by re-solving the LP with the limit moved (warm,
 * so cheaply): first one step of ¥10,000 (which also catches a degenerate dual: then the
 * measured slope is reported), then at the end of the basis's range, searched past when the
 * slope still holds there, and narrowed by bisection until the re-solve agrees. The optimal
 * value is concave in each limit, which is what makes the checks enough.
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
/** Doublings past a range hint that holds. */
const GROW = 3;

export interface MarginalOptions {
  /** Company limits whose ranges are checked by re-solving (largest values first); the rest are skipped. */
  readonly maxCompanyLimits?: number;
  /** Bisection steps when narrowing a range. */
  readonly bisections?: number;
}

export function marginalValues(allocation: Allocation, lp: ParametricLp, options: MarginalOptions = {}): MarginalAnalysis {
  const { shape } = allocation.model;
  const rows = allocation.model.lp.rows;
  const v0 = lp.objective;
  const tol = (dv: number) => 1e-6 * Math.max(1, Math.abs(v0)) + 1e-9 * Math.abs(dv);
  // Ranges to within 1/256 of the limit (1/16 on big models): enough for "over what range it holds".
  const bisections = options.bisections ?? (allocation.model.lp.columns.length > 5000 ? 4 : 8);
  const rowOf = new Map(shape.rowLimit.map((k, r) => [k, r]));

  /** V with the row's active bound at t (万元). */
  const valueAt = (r: number, t: number): number | null => {
    const row = rows[r]!;
    return row.upper !== null ? lp.objectiveWithRowBounds(r, row.lower, t) : lp.objectiveWithRowBounds(r, t, row.upper);
  };
  const holds = (r: number, b: number, slope: number, t: number): boolean => {
    const v = valueAt(r, t);
    return v !== null && Math.abs(v - v0 - slope * (t - b)) <= tol(v - v0);
  };
  /**
   * The farthest point toward `far` (from a verified `near`) where the slope still holds. A
   * range hint is one basis's range: on a degenerate optimum the slope can hold further. So
   * when the hint holds, one step past it is tried; only if that holds too is the distance from
   * b doubled (up to GROW times) until it does not, and the end found by bisection.
   */
  const extend = (r: number, b: number, slope: number, near: number, far: number, steps: number): number => {
    let good = near;
    let bad = far;
    if (holds(r, b, slope, far)) {
      const past = Math.max(0, far + Math.sign(far - b) * STEP);
      if (past === far || !holds(r, b, slope, past)) return far; // the hint is the end (to a step)
      good = past;
      let k = 0;
      for (; k < GROW; k++) {
        const next = Math.max(0, b + 2 ** (k + 1) * (far - b)); // b + 2(far − b), b + 4(far − b), …
        if (next === good || !holds(r, b, slope, next)) {
          bad = next;
          break;
        }
        good = next;
      }
      if (k === GROW || bad === good) return good;
    }
    for (let k = 0; k < steps; k++) {
      const mid = (good + bad) / 2;
      if (holds(r, b, slope, mid)) good = mid;
      else bad = mid;
    }
    return good;
  };

  const analyse = (limit: Limit, r: number, steps = bisections): Marginal => {
    const row = rows[r]!;
    const b = row.upper ?? row.lower!;
    // On the whole limit: what an earlier batch locked is added back.
    const toYuan = (t: number) => new D(t).times(LP_UNIT).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).plus(limit.locked);
    // Right derivative, measured over one step.
    const up = valueAt(r, b + STEP);
    if (up === null) {
      // Raising a floor one step makes the scenario infeasible: it is already as high as it can go.
      return { limit, perYuan: -Infinity, from: toYuan(b), to: toYuan(b), verified: true, binding: true };
    }
    let slope = lp.duals[r]!;
    if (Math.abs(up - v0 - slope * STEP) > tol(up - v0)) slope = (up - v0) / STEP; // degenerate dual: use what the step measured
    const binding = Math.abs(slope) > 1e-9;
    let hi: number | null;
    if (!binding && row.upper !== null) hi = null; // concave and non-decreasing: flat from here on
    else {
      const hint = lp.rangeUp[r]!;
      const far = Number.isFinite(hint) && hint > b + STEP ? hint : b + Math.max(b, 10 * STEP);
      hi = extend(r, b, slope, b + STEP, far, steps);
    }
    let lo = b;
    if (b > 0) {
      const hint = lp.rangeDown[r]!;
      const far = Number.isFinite(hint) && hint < b - STEP && hint >= 0 ? hint : 0;
      const near = Math.max(0, b - STEP);
      // Where the slope changes right at b, the range starts at b.
      if (holds(r, b, slope, near)) lo = extend(r, b, slope, near, far, steps);
    }
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
  return { values, fundingLine: budget && budget.perYuan > 1e-9 ? Math.round(budget.perYuan * 1e4) / 1e4 : null };
}
