/**
 * The network simplex against HiGHS on one LP (tests): HiGHS solves, its stage two (the best
 * secondary objective among the primary optima), and the checks of a network solution: exact
 * feasibility, dual feasibility and complementary slackness, the basis HiGHS accepts as is, and
 * the duals equal to HiGHS's where the optimum is not degenerate.
 */
import { createRequire } from 'node:module';
import type { Highs } from 'highs';
import { expect } from 'vitest';

import { toModelData } from '../../src/solver/highs.js';
import { networkOf, solveNetwork, whyNotNetwork, type NetworkPlan, type NetworkSolution } from '../../src/solver/network.js';
import type { Basis, LinearProgram } from '../../src/solver/types.js';

/** An LP with secondary costs (the tie rule's). */
export interface Instance {
  readonly lp: LinearProgram;
  readonly secondary: ArrayLike<number>;
}

const loadHighs = createRequire(import.meta.url)('highs') as (options?: object) => Promise<Highs>;
let highs: Highs;
/** Load HiGHS for the comparisons (call in beforeAll). */
export async function initHighs(): Promise<void> {
  highs ??= await loadHighs();
}

export interface HighsResult {
  readonly status: 'optimal' | 'infeasible' | 'other';
  readonly objective: number;
  readonly values: Float64Array;
  readonly duals: Float64Array;
  readonly iterations: number;
}


export function solveHighs(lp: LinearProgram, basis?: Basis): HighsResult {
  return highs.withModel(toModelData(highs, lp), (model) => {
    model.options.set({ output_flag: false, presolve: 'off' });
    if (basis) model.setBasis(basis);
    model.run();
    const code = model.getModelStatus() as number;
    const status: HighsResult['status'] = code === highs.constants.modelStatus.optimal ? 'optimal' : code === highs.constants.modelStatus.infeasible ? 'infeasible' : 'other';
    const s = model.getSolution();
    return { status, objective: model.getObjectiveValue(), values: s.colValue, duals: s.rowDual, iterations: Number(model.info.get('simplex_iteration_count')) };
  });
}

/** Stage two: the best Σ secondary·x among the primary optima (HiGHS, with a 1e-7 tolerance). */
export function highsStageTwo(lp: LinearProgram, secondary: ArrayLike<number>, optimum: number): HighsResult {
  const bound = { terms: lp.columns.map((c, j) => [j, c.cost] as const).filter(([, c]) => c !== 0), lower: lp.sense === 'max' ? optimum - 1e-7 : null, upper: lp.sense === 'max' ? null : optimum + 1e-7 };
  return solveHighs({ sense: lp.sense, columns: lp.columns.map((c, j) => ({ ...c, cost: secondary[j]! })), rows: [...lp.rows, bound] });
}

// ---------------------------------------------------------------- checks

/** Integer units of the plan: every bound and value × boundScale, rounded (then compared exactly). */
export function checkFeasible(plan: NetworkPlan, values: Float64Array): void {
  const s = plan.boundScale;
  const x = Array.from(values, (v) => Math.round(v * s));
  values.forEach((v, j) => expect(Math.abs(v * s - x[j]!)).toBeLessThan(1e-6));
  plan.lp.columns.forEach((c, j) => {
    expect(x[j]!).toBeGreaterThanOrEqual(Math.round(c.lower * s));
    expect(x[j]!).toBeLessThanOrEqual(Math.round(c.upper * s));
  });
  plan.lp.rows.forEach((r) => {
    const a = r.terms.reduce((t, [j, v]) => t + v * x[j]!, 0);
    if (r.lower !== null) expect(a).toBeGreaterThanOrEqual(Math.round(r.lower * s));
    if (r.upper !== null) expect(a).toBeLessThanOrEqual(Math.round(r.upper * s));
  });
}

export function activities(lp: LinearProgram, values: ArrayLike<number>, scale: number): number[] {
  return lp.rows.map((r) => r.terms.reduce((t, [j, v]) => t + v * Math.round(values[j]! * scale), 0));
}

/**
 * Dual feasibility and complementary slackness of (values, duals) in HiGHS's convention:
 * reduced cost d_j = c_j − Σ y_r; for 'max' a column below its upper bound has d ≤ 0, above its
 * lower d ≥ 0, a row below its upper has y ≤ 0, above its lower y ≥ 0 ('min': the reverse).
 */
export function checkDuals(plan: NetworkPlan, sol: NetworkSolution): void {
  const { lp, boundScale: s } = plan;
  const sg = lp.sense === 'max' ? 1 : -1;
  const tol = 1e-9 * Math.max(1, ...lp.columns.map((c) => Math.abs(c.cost)));
  const act = activities(lp, sol.values, s);
  const d = lp.columns.map((c) => c.cost);
  lp.rows.forEach((r, i) => {
    const y = sol.duals[i]!;
    expect(Number.isFinite(y)).toBe(true);
    for (const [j] of r.terms) d[j]! -= y;
    if (r.lower === null || act[i]! > Math.round(r.lower * s)) expect(sg * y).toBeGreaterThanOrEqual(-tol);
    if (r.upper === null || act[i]! < Math.round(r.upper * s)) expect(sg * y).toBeLessThanOrEqual(tol);
  });
  lp.columns.forEach((c, j) => {
    const x = Math.round(sol.values[j]! * s);
    if (x < Math.round(c.upper * s)) expect(sg * d[j]!).toBeLessThanOrEqual(tol);
    if (x > Math.round(c.lower * s)) expect(sg * d[j]!).toBeGreaterThanOrEqual(-tol);
  });
}

/** Every basic variable strictly between its bounds (then the optimal duals are unique). */
export function nondegenerate(plan: NetworkPlan, sol: NetworkSolution): boolean {
  const { lp, boundScale: s } = plan;
  const act = activities(lp, sol.values, s);
  const colsOk = lp.columns.every((c, j) => {
    if (sol.basis.colStatus[j] !== 1) return true;
    const x = Math.round(sol.values[j]! * s);
    return x > Math.round(c.lower * s) && x < Math.round(c.upper * s);
  });
  return colsOk && lp.rows.every((r, i) => sol.basis.rowStatus[i] !== 1 || ((r.lower === null || act[i]! > Math.round(r.lower * s)) && (r.upper === null || act[i]! < Math.round(r.upper * s))));
}

export function relClose(a: number, b: number, rel: number): boolean {
  return Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));
}

export interface Outcome {
  readonly status: NetworkSolution['status'];
  readonly nondegenerate: boolean;
  readonly pivots: number;
}

/** The full comparison of one instance with HiGHS. */
export function compare(inst: Instance, what: { basis?: boolean; stageTwo?: boolean; duals?: boolean } = {}): Outcome {
  const { lp, secondary } = inst;
  const plan = networkOf(lp);
  expect(whyNotNetwork(lp)).toBeNull();
  expect(plan).not.toBeNull();
  const sol = solveNetwork(plan!, secondary);
  const ref = solveHighs(lp);
  expect(ref.status).not.toBe('other');
  expect(sol.status).toBe(ref.status);
  if (sol.status === 'infeasible') return { status: 'infeasible', nondegenerate: false, pivots: sol.pivots };
  expect(relClose(sol.objective, ref.objective, 1e-9)).toBe(true);
  checkFeasible(plan!, sol.values);
  checkDuals(plan!, sol);
  const secondaryObjective = lp.columns.reduce((t, _, j) => t + secondary[j]! * sol.values[j]!, 0);
  expect(sol.secondaryObjective).toBeCloseTo(secondaryObjective, 6);
  if (what.stageTwo !== false) {
    const two = highsStageTwo(lp, secondary, ref.objective);
    expect(two.status).toBe('optimal');
    if (!relClose(sol.secondaryObjective, two.objective, 1e-7)) {
      throw new Error(`secondary objective ${sol.secondaryObjective} ≠ HiGHS stage two ${two.objective}`);
    }
  }
  if (what.basis !== false) {
    const warm = solveHighs(lp, sol.basis);
    expect(warm.status).toBe('optimal');
    expect(warm.iterations).toBe(0);
    expect(relClose(warm.objective, sol.objective, 1e-9)).toBe(true);
  }
  const nd = nondegenerate(plan!, sol);
  if (nd && what.duals !== false) sol.duals.forEach((y, i) => expect(Math.abs(y - ref.duals[i]!)).toBeLessThan(1e-9 * Math.max(1, Math.abs(y))));
  return { status: 'optimal', nondegenerate: nd, pivots: sol.pivots };
}

