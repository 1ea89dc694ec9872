/**
 * The exact network simplex (src/solver/network.ts) against HiGHS: detection, random LPs of
 * the allocation model's shape (primary objective, exact feasibility, the lexicographic
 * secondary objective against HiGHS's stage two, infeasibility), duals (feasibility,
 * complementary slackness, agreement with HiGHS where unique) and the basis (HiGHS accepts it
 * with no iteration). Prints, and does not assert, the time for 20,000 columns.
 */
import { createRequire } from 'node:module';
import type { Highs } from 'highs';
import { beforeAll, describe, expect, it } from 'vitest';

import { toModelData } from '../src/solver/highs.js';
import { networkOf, solveNetwork, whyNotNetwork, type NetworkPlan, type NetworkSolution } from '../src/solver/network.js';
import { randomInstance, type Instance } from './helpers/network-instances.js';
import type { Basis, Column, LinearProgram, Row } from '../src/solver/types.js';

const loadHighs = createRequire(import.meta.url)('highs') as (options?: object) => Promise<Highs>;
let highs: Highs;
beforeAll(async () => {
  highs = await loadHighs();
});

interface HighsResult {
  readonly status: 'optimal' | 'infeasible' | 'other';
  readonly objective: number;
  readonly values: Float64Array;
  readonly duals: Float64Array;
  readonly iterations: number;
}


function solveHighs(lp: LinearProgram, basis?: Basis): HighsResult {
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
function highsStageTwo(lp: LinearProgram, secondary: ArrayLike<number>, optimum: number): HighsResult {
  const bound = { terms: lp.columns.map((c, j) => [j, c.cost] as const).filter(([, c]) => c !== 0), lower: lp.sense === 'max' ? optimum - 1e-7 : null, upper: lp.sense === 'max' ? null : optimum + 1e-7 };
  return solveHighs({ sense: lp.sense, columns: lp.columns.map((c, j) => ({ ...c, cost: secondary[j]! })), rows: [...lp.rows, bound] });
}

// ---------------------------------------------------------------- checks

/** Integer units of the plan: every bound and value × boundScale, rounded (then compared exactly). */
function checkFeasible(plan: NetworkPlan, values: Float64Array): void {
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

function activities(lp: LinearProgram, values: ArrayLike<number>, scale: number): number[] {
  return lp.rows.map((r) => r.terms.reduce((t, [j, v]) => t + v * Math.round(values[j]! * scale), 0));
}

/**
 * Dual feasibility and complementary slackness of (values, duals) in HiGHS's convention:
 * reduced cost d_j = c_j − Σ y_r; for 'max' a column below its upper bound has d ≤ 0, above its
 * lower d ≥ 0, a row below its upper has y ≤ 0, above its lower y ≥ 0 ('min': the reverse).
 */
function checkDuals(plan: NetworkPlan, sol: NetworkSolution): void {
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
function nondegenerate(plan: NetworkPlan, sol: NetworkSolution): boolean {
  const { lp, boundScale: s } = plan;
  const act = activities(lp, sol.values, s);
  const colsOk = lp.columns.every((c, j) => {
    if (sol.basis.colStatus[j] !== 1) return true;
    const x = Math.round(sol.values[j]! * s);
    return x > Math.round(c.lower * s) && x < Math.round(c.upper * s);
  });
  return colsOk && lp.rows.every((r, i) => sol.basis.rowStatus[i] !== 1 || ((r.lower === null || act[i]! > Math.round(r.lower * s)) && (r.upper === null || act[i]! < Math.round(r.upper * s))));
}

function relClose(a: number, b: number, rel: number): boolean {
  return Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));
}

interface Outcome {
  readonly status: NetworkSolution['status'];
  readonly nondegenerate: boolean;
  readonly pivots: number;
}

/** The full comparison of one instance with HiGHS. */
function compare(inst: Instance, what: { basis?: boolean; stageTwo?: boolean; duals?: boolean } = {}): Outcome {
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

// ---------------------------------------------------------------- tests

const row = (cols: number[], lower: number | null, upper: number | null): Row => ({ terms: cols.map((j) => [j, 1] as const), lower, upper });
const cols = (k: number, cost = 1): Column[] => Array.from({ length: k }, (_, j) => ({ lower: 0, upper: 10, cost: cost + j }));

describe('detection', () => {
  it('accepts two laminar families (crossing rows split, nested and identical rows chained)', () => {
    const lp: LinearProgram = {
      sense: 'max',
      columns: cols(6),
      rows: [row([0, 1, 2], null, 12), row([3, 4, 5], null, 12), row([0, 3], null, 9), row([1, 2, 4, 5], null, 15), row([1, 2, 4, 5], 3, null), row([0, 1, 2, 3, 4, 5], null, 30), row([1], null, 4)],
    };
    expect(whyNotNetwork(lp)).toBeNull();
    const plan = networkOf(lp)!;
    expect(plan.reason).toMatch(/two laminar families/);
    // The company rows and the measure rows cross, so they are in different families.
    expect(plan.family[0]).toBe(plan.family[1]);
    expect(plan.family[2]).not.toBe(plan.family[0]);
    expect(plan.family[3]).toBe(plan.family[2]);
    expect(plan.family[4]).toBe(plan.family[3]);
  });

  it('refuses three mutually crossing rows, with a reason naming them', () => {
    const lp: LinearProgram = { sense: 'max', columns: cols(3), rows: [row([0, 1], null, 5), row([1, 2], null, 5), row([0, 2], null, 5)] };
    expect(networkOf(lp)).toBeNull();
    expect(whyNotNetwork(lp)).toMatch(/rows 0, 1, 2|rows \d, \d, \d/);
    expect(whyNotNetwork(lp)).toMatch(/odd cycle/);
  });

  it('refuses a coefficient other than 1', () => {
    const lp: LinearProgram = { sense: 'max', columns: cols(2), rows: [{ terms: [[0, 1], [1, 2]], lower: null, upper: 5 }] };
    expect(networkOf(lp)).toBeNull();
    expect(whyNotNetwork(lp)).toMatch(/coefficient 2/);
  });

  it('refuses bounds or costs that no power of ten up to 10^6 makes integers', () => {
    const third: LinearProgram = { sense: 'max', columns: [{ lower: 0, upper: 1 / 3, cost: 1 }], rows: [row([0], null, 1)] };
    expect(whyNotNetwork(third)).toMatch(/bound is not a decimal/);
    const cost: LinearProgram = { sense: 'max', columns: [{ lower: 0, upper: 1, cost: Math.PI }], rows: [row([0], null, 1)] };
    expect(whyNotNetwork(cost)).toMatch(/cost is not a decimal/);
    const huge: LinearProgram = { sense: 'max', columns: [{ lower: 0, upper: 2 ** 52, cost: 1 }, { lower: 0, upper: 2 ** 52, cost: 1 }], rows: [row([0, 1], null, 2 ** 52)] };
    expect(whyNotNetwork(huge)).toMatch(/2\^53/);
    const mip: LinearProgram = { sense: 'max', columns: [{ lower: 0, upper: 1, cost: 1, integer: true }], rows: [] };
    expect(whyNotNetwork(mip)).toMatch(/integer/);
  });

  it('solves small hand-made LPs: a binding ceiling, an unmet floor, a free row', () => {
    // max x0 + 2 x1, x ≤ 3 each, x0 + x1 ≤ 4, x1 ≥ 1; a row without bounds is left out.
    const lp: LinearProgram = { sense: 'max', columns: [{ lower: 0, upper: 3, cost: 1 }, { lower: 0, upper: 3, cost: 2 }], rows: [row([0, 1], null, 4), row([1], 1, null), { terms: [[0, 5]], lower: null, upper: null }] };
    const sol = solveNetwork(networkOf(lp)!);
    expect(sol.status).toBe('optimal');
    expect(Array.from(sol.values)).toEqual([1, 3]);
    expect(sol.objective).toBe(7);
    expect(Array.from(sol.duals)).toEqual([1, 0, 0]);
    expect(Array.from(sol.basis.colStatus)).toEqual([1, 2]);
    expect(Array.from(sol.basis.rowStatus)).toEqual([2, 1, 1]);
    const infeasible: LinearProgram = { ...lp, rows: [row([0, 1], null, 4), row([1], 5, null)] };
    expect(solveNetwork(networkOf(infeasible)!).status).toBe('infeasible');
  });

  it('breaks ties by the secondary objective, exactly', () => {
    // max x0 + x1 + x2 with x0 + x1 + x2 ≤ 1.5: every split is optimal; the secondary picks one.
    const lp: LinearProgram = { sense: 'max', columns: [0, 1, 2].map(() => ({ lower: 0, upper: 1, cost: 1 })), rows: [row([0, 1, 2], null, 1.5)] };
    const plan = networkOf(lp)!;
    expect(Array.from(solveNetwork(plan, [3, 2, 1]).values)).toEqual([1, 0.5, 0]);
    expect(Array.from(solveNetwork(plan, [1, 2, 3]).values)).toEqual([0, 0.5, 1]);
    const sol = solveNetwork(plan, [0.5, 0, 0.25]);
    expect(Array.from(sol.values)).toEqual([1, 0, 0.5]);
    expect(sol.objective).toBe(1.5);
    expect(sol.secondaryObjective).toBe(0.625);
    expect(() => solveNetwork(plan, [1 / 3, 0, 0])).toThrow(RangeError);
    expect(() => solveNetwork(plan, [1, 2])).toThrow(RangeError);
  });
});

describe('random LPs of the allocation shape, against HiGHS', () => {
  it('agrees on 240 instances of 1–200 columns (objective, feasibility, secondary, duals, basis)', () => {
    let optimal = 0;
    let infeasible = 0;
    let pivots = 0;
    for (let i = 0; i < 240; i++) {
      const size = 1 + ((i * 37) % 200);
      const inst = randomInstance(1000 + i, size, { hostile: i % 5 === 4, infeasible: i % 11 === 10, zeroLower: i % 7 === 3, fixedRows: i % 6 === 1 });
      try {
        const out = compare(inst);
        if (out.status === 'optimal') optimal++;
        else {
          infeasible++;
          expect(inst.overFloored || inst.lp.columns.some((c) => c.lower > 0) || inst.lp.rows.some((r) => r.upper === 0 || (r.lower ?? 0) > 0)).toBe(true);
        }
        pivots += out.pivots;
      } catch (e) {
        throw new Error(`instance ${i} (seed ${1000 + i}, ${size} columns): ${String(e)}`);
      }
    }
    console.log(`random LPs: ${optimal} optimal, ${infeasible} infeasible, ${pivots} pivots`);
    expect(optimal).toBeGreaterThan(150);
    expect(infeasible).toBeGreaterThan(10);
  });

  it('agrees on 120 degenerate instances (ceilings and floors at the caps: artificial arcs end in the tree)', () => {
    let pivots = 0;
    for (let i = 0; i < 120; i++) {
      const inst = randomInstance(7000 + i, 1 + ((i * 13) % 120), { tight: true, zeroLower: i % 2 === 1, fixedRows: i % 4 === 2 });
      try {
        pivots += compare(inst).pivots;
      } catch (e) {
        throw new Error(`degenerate instance ${i} (seed ${7000 + i}): ${String(e)}`);
      }
    }
    console.log(`degenerate LPs: ${pivots} pivots`);
  });

  it('duals agree with HiGHS wherever they are unique (non-degenerate optimum)', () => {
    let compared = 0;
    for (let i = 0; i < 150; i++) {
      const inst = randomInstance(5000 + i, 2 + (i % 30), { distinct: true });
      const out = compare(inst, { stageTwo: false });
      if (out.nondegenerate) compared++;
    }
    console.log(`duals compared with HiGHS on ${compared} non-degenerate instances`);
    expect(compared).toBeGreaterThan(20);
  });

  it('agrees at 2,000 and 5,000 columns', () => {
    for (const [seed, size] of [[77, 2000], [78, 2000], [79, 5000]] as const) {
      const inst = randomInstance(seed, size);
      compare(inst, { stageTwo: size <= 2000, basis: size <= 2000 });
    }
    compare(randomInstance(80, 2000, { infeasible: true }));
  });
});

describe('20,000 columns', () => {
  it('matches HiGHS, and prints the time', () => {
    // Warm the JIT on other instances of the same shape first; then time detection and solve.
    for (let i = 0; i < 3; i++) {
      const warm = randomInstance(4300 + i, 20_000);
      solveNetwork(networkOf(warm.lp)!, warm.secondary);
    }
    const inst = randomInstance(4242, 20_000);
    const nnz = inst.lp.rows.reduce((t, r) => t + r.terms.length, 0);
    const t0 = performance.now();
    const plan = networkOf(inst.lp);
    const t1 = performance.now();
    expect(plan).not.toBeNull();
    const sol = solveNetwork(plan!, inst.secondary);
    const t2 = performance.now();
    const ref = solveHighs(inst.lp);
    const t3 = performance.now();
    console.log(
      `20,000 columns × ${inst.lp.rows.length} rows (${nnz} nonzeros): detect ${(t1 - t0).toFixed(1)} ms + solve ${(t2 - t1).toFixed(1)} ms ` +
        `(${sol.pivots} pivots, after warm-up); HiGHS ${(t3 - t2).toFixed(0)} ms`,
    );
    expect(sol.status).toBe('optimal');
    expect(relClose(sol.objective, ref.objective, 1e-9)).toBe(true);
    checkFeasible(plan!, sol.values);
    checkDuals(plan!, sol);
  });
});
