/**
 * An LP that is a network LP but for a few rows (each year's cash counts a grant's instalment
 * share of it, so its coefficients are not 1) solved by HiGHS on a working model the network
 * simplex finds. Those side rows are priced into the costs instead (Lagrangian relaxation): for
 * multipliers μ ≥ 0 on their bounds, the network LP with costs c − μA is solved exactly by the
 * network simplex, and its optimum plus μ times the rows' bounds is an upper bound on the LP's
 * (maximising). Kelley's cutting planes over μ (a small LP) lower that bound; the multipliers of the
 * best one price the columns close to how the LP's own duals do, so the columns the LP's optimum
 * leaves strictly inside or at a bound are nearly those the relaxation does. The working model
 * (sifted.ts) starts from the relaxation's spanning tree with the columns priced near zero there,
 * the rest held at their bounds; its pricing calls in any the LP needs, so what it ends at is the
 * whole LP's optimum whatever the multipliers were. Where anything falls short (the LP is not of
 * that form, the relaxation is infeasible or unbounded, the working model would not be small or
 * is not optimal), the caller solves the whole LP.
 */
import type { Highs, ModelData } from 'highs';

import { networkOf, solveNetwork, type NetworkPlan, type NetworkSolution } from './network.js';
import { SAFE, POWERS } from './network/exact.js';
import { solveOnWorkingModel, type WholeSolution } from './sifted.js';
import type { LinearProgram } from './types.js';

/** At most this many side rows (each adds a dimension to the multipliers' search). */
const MAX_SIDE_ROWS = 8;
/** The cutting planes stop once the best bound is this close (relatively) to the planes' lower estimate… */
const BOUND_GAP = 1e-4;
/** …or after this many relaxations solved. */
const MAX_RELAXATIONS = 40;
/** A column whose cost at the best multipliers is priced within this share of the largest cost starts in the working model. */
const NEAR_SHARE = 0.02;
/** The largest power of ten the multipliers' costs are scaled by (to exact integers, as the network simplex needs them). */
const MAX_COST_SCALE = 1e6;

/** One multiplier: on side row `row`'s upper bound (`sign` 1) or lower bound (−1), the bound `bound`. */
interface Multiplier {
  readonly row: number;
  readonly sign: 1 | -1;
  readonly bound: number;
}

/**
 * The LP's optimum through its network relaxation (see the file's comment), or undefined where the
 * LP is not a network LP but for at most MAX_SIDE_ROWS rows, or the way through does not answer.
 * `data`: the LP as HiGHS's model (highs-backend.ts `toModelData`).
 */
export function solveWithSideRows(h: Highs, lp: LinearProgram, data: ModelData): WholeSolution | undefined {
  const side: number[] = [];
  const kept: LinearProgram['rows'][number][] = [];
  const keptIndex: number[] = [];
  lp.rows.forEach((r, i) => {
    if (r.terms.some((t) => t[1] !== 1)) side.push(i);
    else {
      kept.push(r);
      keptIndex.push(i);
    }
  });
  if (side.length === 0 || side.length > MAX_SIDE_ROWS) return undefined;
  // A column unbounded either way could make a relaxation unbounded: the whole LP answers.
  if (lp.columns.some((c) => !Number.isFinite(c.lower) || !Number.isFinite(c.upper))) return undefined;
  const plan = networkOf({ ...lp, rows: kept });
  if (!plan) return undefined;

  const n = lp.columns.length;
  // The LP in the max form: costs × sense.
  const sense = lp.sense === 'max' ? 1 : -1;
  const cost = Float64Array.from(lp.columns, (c) => sense * c.cost);
  // The side rows by column (dense: a few rows).
  const a = side.map((i) => {
    const row = new Float64Array(n);
    for (const [j, v] of lp.rows[i]!.terms) row[j] = v;
    return row;
  });
  const multipliers: Multiplier[] = [];
  side.forEach((i, k) => {
    const r = lp.rows[i]!;
    if (r.upper !== null && Number.isFinite(r.upper)) multipliers.push({ row: k, sign: 1, bound: r.upper });
    if (r.lower !== null && Number.isFinite(r.lower)) multipliers.push({ row: k, sign: -1, bound: r.lower });
  });
  if (multipliers.length === 0) return undefined;
  // A multiplier beyond the largest cost over the smallest coefficient prices every column of its row
  // out: the search's box (where it holds the optimum, as on the policy's LPs; else only a worse start).
  let largest = 0;
  for (let j = 0; j < n; j++) largest = Math.max(largest, Math.abs(cost[j]!));
  if (largest === 0) return undefined;
  const box = multipliers.map((mu) => {
    let smallest = Infinity;
    for (const v of a[mu.row]!) if (v !== 0 && Math.abs(v) < smallest) smallest = Math.abs(v);
    return Number.isFinite(smallest) ? (2 * largest) / smallest : 0;
  });

  const relax = relaxation(h, plan, cost, a, box, multipliers);
  if (!relax) return undefined;
  const best = relax.solution;
  // The columns' reduced costs in the relaxation, at the best multipliers (the network rows' coefficients are 1).
  const reduced = Float64Array.from(relax.costs);
  kept.forEach((r, q) => {
    const y = best.duals[q]!;
    if (y !== 0) for (const [j] of r.terms) reduced[j] = reduced[j]! - y;
  });
  const near = NEAR_SHARE * largest;
  for (let j = 0; j < n; j++) if (Math.abs(reduced[j]!) <= near) reduced[j] = 0;
  // The relaxation's basis with each side row's slack basic: a basis of the whole LP.
  const rowStatus = new Int32Array(lp.rows.length).fill(1);
  keptIndex.forEach((i, q) => (rowStatus[i] = best.basis.rowStatus[q]!));
  return solveOnWorkingModel(h, data, { colStatus: best.basis.colStatus, rowStatus }, reduced);
}

/**
 * Kelley's cutting planes over the multipliers: the relaxation at each point gives a plane under
 * the bound function (its value is convex in the multipliers); the next point minimises the planes'
 * maximum in the box. The relaxation at the best point found, with its costs (max form); undefined
 * where a relaxation is infeasible or HiGHS refuses the planes' LP.
 */
function relaxation(
  h: Highs,
  plan: NetworkPlan,
  cost: Float64Array,
  a: readonly Float64Array[],
  box: readonly number[],
  multipliers: readonly Multiplier[],
): { readonly solution: NetworkSolution; readonly costs: Float64Array } | undefined {
  let planes: Planes | undefined;
  try {
    planes = new Planes(h, multipliers, box);
    const relaxed = new Relaxed(plan, cost, a);
    let mu: Float64Array = new Float64Array(multipliers.length);
    let best: { bound: number; solution: NetworkSolution; costs: Float64Array } | undefined;
    for (let t = 0; t < MAX_RELAXATIONS; t++) {
      const at = relaxed.at(multipliers, mu);
      if (!at) return undefined;
      let bound = at.value;
      multipliers.forEach((m, q) => (bound += mu[q]! * m.sign * (m.bound - at.activity[m.row]!)));
      if (!best || bound < best.bound) best = { bound, solution: at.solution, costs: at.costs };
      const next = planes.next(at.value, at.activity);
      if (!next) return undefined;
      if (best.bound - next.value <= BOUND_GAP * Math.max(1, Math.abs(best.bound))) break;
      mu = next.mu;
    }
    return best && { solution: best.solution, costs: best.costs };
  } catch {
    // HiGHS refused the planes' LP
    return undefined;
  } finally {
    planes?.dispose();
  }
}

/**
 * The network relaxation at given multipliers: the plan's network with each column's cost less
 * the multipliers' prices of its side-row terms, rounded to 1 / scale, a power of ten at which the
 * costs are exact integers within the network simplex's limit (see network/exact.ts
 * `integerCosts`); undefined where even whole costs would pass it.
 */
class Relaxed {
  /** The plan's LP with its columns' costs set at each point (its own objects: the plan's LP is the caller's). */
  private readonly columns: { lower: number; upper: number; cost: number }[];

  constructor(
    private readonly plan: NetworkPlan,
    private readonly cost: Float64Array,
    private readonly a: readonly Float64Array[],
  ) {
    this.columns = plan.lp.columns.map((c) => ({ lower: c.lower, upper: c.upper, cost: 0 }));
  }

  /** The relaxation at `mu`: its optimum, Σ cost × x at the true costs (`value`), each side row's activity, the costs it had; undefined where it is infeasible or its costs too large. */
  at(multipliers: readonly Multiplier[], mu: Float64Array) {
    const { plan, cost, a, columns } = this;
    const n = cost.length;
    const K = a.length;
    // Each side row's net multiplier: its upper bound's less its lower's.
    const net = new Float64Array(K);
    multipliers.forEach((m, q) => (net[m.row] = net[m.row]! + m.sign * mu[q]!));
    const costs = new Float64Array(n);
    let largest = 0;
    for (let j = 0; j < n; j++) {
      let c = cost[j]!;
      for (let k = 0; k < K; k++) c -= net[k]! * a[k]![j]!;
      costs[j] = c;
      if (Math.abs(c) > largest) largest = Math.abs(c);
    }
    // The largest power of ten (at most MAX_COST_SCALE) at which every potential stays an exact integer; none below 1.
    const room = SAFE / ((2 * plan.nodeCount + 1) * Math.max(1, largest));
    if (room < 1) return undefined;
    let scale = 1;
    for (const p of POWERS) if (p <= room && p <= MAX_COST_SCALE) scale = p;
    for (let j = 0; j < n; j++) {
      costs[j] = Math.round(costs[j]! * scale) / scale;
      columns[j]!.cost = costs[j]!;
    }
    const arcCost = new Float64Array(plan.arcCount);
    for (let e = 0; e < plan.arcCount; e++) {
      const j = plan.arcColumn[e]!;
      // The min form the network simplex minimises.
      if (j >= 0) arcCost[e] = -Math.round(costs[j]! * scale) + 0;
    }
    const solution = solveNetwork({ ...plan, lp: { sense: 'max', columns, rows: plan.lp.rows }, costScale: scale, arcCost });
    if (solution.status !== 'optimal') return undefined;
    let value = 0;
    const activity = new Float64Array(K);
    for (let j = 0; j < n; j++) {
      const x = solution.values[j]!;
      if (x === 0) continue;
      value += cost[j]! * x;
      for (let k = 0; k < K; k++) activity[k] = activity[k]! + a[k]![j]! * x;
    }
    return { solution, value, activity, costs };
  }
}

/**
 * The planes' LP, one model for the search with a row added per plane: minimise Σ_q μ_q · sign_q ·
 * bound_q + z over μ in the box, with z ≥ value_t − Σ_q μ_q · sign_q · activity_t(row_q) for every
 * plane t. Its optimum is the next point; its value a lower estimate of the bound function's
 * minimum (the LP's optimum).
 */
class Planes {
  private readonly model: ReturnType<Highs['createModel']>;
  private readonly width: number;

  constructor(
    private readonly h: Highs,
    private readonly multipliers: readonly Multiplier[],
    box: readonly number[],
  ) {
    const M = multipliers.length;
    const width = (this.width = M + 1);
    this.model = h.createModel({
      numCols: width,
      numRows: 0,
      sense: h.constants.objectiveSense.minimize,
      colCost: Float64Array.from({ length: width }, (_, q) => (q < M ? multipliers[q]!.sign * multipliers[q]!.bound : 1)),
      colLower: Float64Array.from({ length: width }, (_, q) => (q < M ? 0 : -h.infinity)),
      colUpper: Float64Array.from({ length: width }, (_, q) => (q < M ? box[q]! : h.infinity)),
      rowLower: new Float64Array(0),
      rowUpper: new Float64Array(0),
      matrix: { format: 'csr', numRows: 0, numCols: width, starts: new Int32Array(1), indices: new Int32Array(0), values: new Float64Array(0) },
    });
    this.model.options.set({ output_flag: false, presolve: 'off' });
  }

  /** Add the plane of a relaxation (`value`: Σ cost × x; `activity`: each side row's) and give the next point, or undefined. */
  next(value: number, activity: Float64Array): { readonly mu: Float64Array; readonly value: number } | undefined {
    const { h, model, multipliers, width } = this;
    const M = multipliers.length;
    const indices = Int32Array.from({ length: width }, (_, q) => q);
    const values = Float64Array.from({ length: width }, (_, q) => (q < M ? multipliers[q]!.sign * activity[multipliers[q]!.row]! : 1));
    model.addRows({ lower: Float64Array.of(value), upper: Float64Array.of(h.infinity), matrix: { format: 'csr', numRows: 1, numCols: width, starts: Int32Array.of(0, width), indices, values } });
    model.run();
    if (model.getModelStatus() !== h.constants.modelStatus.optimal) return undefined;
    return { mu: Float64Array.from(model.getSolution().colValue.subarray(0, M)), value: model.getObjectiveValue() };
  }

  dispose(): void {
    this.model.dispose();
  }
}
