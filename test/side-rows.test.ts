/**
 * LPs that are network LPs but for a few rows (src/solver/side-rows.ts), solved on a working model
 * their network relaxation finds, against HiGHS on the whole LP from nothing: the same optimum, a
 * point within every bound, and a basis HiGHS takes as optimal without a pivot. Random LPs of the
 * policy's shape: company caps, measure ceilings (some floors) and the budget, with a year's cash
 * per instalment schedule (shares 0.3–1) and a share for small companies as the side rows;
 * maximised and minimised. Also the tie rule's stage solved from stage one's basis and reduced
 * costs on a working model (highs-backend.ts), and the LPs the way through leaves to the whole LP.
 */
import { createRequire } from 'node:module';
import type { Highs } from 'highs';
import { beforeAll, describe, expect, it } from 'vitest';
import { highsBackendOf, toModelData, WORKING_MODEL_COLUMNS } from '../src/solver/highs-backend.js';
import { solveWithSideRows } from '../src/solver/side-rows.js';
import { solveOnWorkingModel } from '../src/solver/sifted.js';
import type { Basis, LinearProgram, Row } from '../src/solver/types.js';
import { seeded } from './helpers/seeded.js';

let h: Highs;
beforeAll(async () => {
  h = await (createRequire(import.meta.url)('highs') as () => Promise<Highs>)();
});

interface Shape {
  /** Year's cash rows (0: none). */
  readonly years: number;
  /** A minimum share for small companies. */
  readonly share: boolean;
  /** Floors on some measures. */
  readonly floors: boolean;
}

/** A random LP of the policy's shape with `n` applications (see the file's comment). */
function policyLp(seed: number, n: number, sense: 'max' | 'min', shape: Shape): LinearProgram {
  const rnd = seeded(seed);
  const M = 12;
  const schedules = [[1], [0.5, 0.5], [0.4, 0.3, 0.3], [0.6, 0.4]];
  const measureSchedule = Array.from({ length: M }, () => schedules[rnd(schedules.length)]!);
  const apps = Array.from({ length: n }, () => ({ measure: rnd(M), company: rnd(Math.floor(n / 2)), score: 60 + rnd(400) / 10, cap: 10 + rnd(300), small: rnd(3) === 0 }));
  const columns = apps.map((a) => ({ lower: 0, upper: a.cap, cost: sense === 'max' ? a.score : -a.score }));
  const rows: Row[] = [];
  const total = apps.reduce((s, a) => s + a.cap, 0);
  // Family A: company caps where a company has two or more applications.
  const byCompany = new Map<number, number[]>();
  apps.forEach((a, j) => byCompany.set(a.company, [...(byCompany.get(a.company) ?? []), j]));
  for (const js of byCompany.values()) {
    if (js.length < 2) continue;
    const demand = js.reduce((s, j) => s + apps[j]!.cap, 0);
    rows.push({ terms: js.map((j) => [j, 1] as const), lower: null, upper: Math.round(demand * (0.3 + rnd(50) / 100)) });
  }
  // Family B: measure ceilings (or floors) inside the budget.
  for (let m = 0; m < M; m++) {
    const js = apps.flatMap((a, j) => (a.measure === m ? [j] : []));
    const demand = js.reduce((s, j) => s + apps[j]!.cap, 0);
    const floor = shape.floors && m % 4 === 0;
    rows.push(floor ? { terms: js.map((j) => [j, 1] as const), lower: Math.round(demand * 0.05), upper: null } : { terms: js.map((j) => [j, 1] as const), lower: null, upper: Math.round(demand * (0.3 + rnd(40) / 100)) });
  }
  rows.push({ terms: apps.map((_, j) => [j, 1] as const), lower: null, upper: Math.round(total * (0.25 + rnd(20) / 100)) });
  // Side rows: each year's cash (a grant's instalment share), then the share for small companies.
  for (let y = 0; y < shape.years; y++) {
    const terms = apps.flatMap((a, j) => (measureSchedule[a.measure]![y] ? [[j, measureSchedule[a.measure]![y]!] as const] : []));
    const demand = terms.reduce((s, [j, f]) => s + f * apps[j]!.cap, 0);
    rows.push({ terms, lower: null, upper: Math.round(demand * (0.1 + rnd(20) / 100)) });
  }
  if (shape.share) rows.push({ terms: apps.map((a, j) => [j, a.small ? 0.7 : -0.3] as const), lower: 0, upper: null });
  return { sense, columns, rows };
}

/** HiGHS on the whole LP, from `basis` where given: its optimum, the simplex iterations it took. */
function whole(lp: LinearProgram, basis?: Basis): { objective: number; iterations: number } {
  return h.withModel(toModelData(h, lp), (model) => {
    model.options.set({ output_flag: false, presolve: 'off' });
    if (basis) model.setBasis(basis);
    model.run();
    expect(model.getModelStatus()).toBe(h.constants.modelStatus.optimal);
    return { objective: model.getObjectiveValue(), iterations: Number(model.info.get('simplex_iteration_count')) };
  });
}

/** The largest amount by which `values` break a bound of `lp`, relative to the bound's size. */
function worstBreach(lp: LinearProgram, values: ArrayLike<number>): number {
  let worst = 0;
  const over = (v: number, lower: number | null, upper: number | null) => {
    if (lower !== null) worst = Math.max(worst, (lower - v) / Math.max(1, Math.abs(lower)));
    if (upper !== null) worst = Math.max(worst, (v - upper) / Math.max(1, Math.abs(upper)));
  };
  lp.columns.forEach((c, j) => over(values[j]!, c.lower, c.upper));
  for (const r of lp.rows) over(r.terms.reduce((s, [j, a]) => s + a * values[j]!, 0), r.lower, r.upper);
  return worst;
}

const SHAPES: readonly [string, Shape][] = [
  ['three years of cash', { years: 3, share: false, floors: false }],
  ['two years of cash and measure floors', { years: 2, share: false, floors: true }],
  ['a share for small companies', { years: 0, share: true, floors: false }],
  ['cash and a share', { years: 3, share: true, floors: true }],
];

describe('an LP that is a network LP but for a few rows', () => {
  it.each(SHAPES.flatMap(([name, shape]) => ['max', 'min'].map((sense) => [name, sense as 'max' | 'min', shape] as const)))(
    '%s (%s): the whole LP optimum, within every bound, a basis HiGHS takes without a pivot',
    (_, sense, shape) => {
      let answered = 0;
      for (const seed of [11, 12, 13]) {
        const lp = policyLp(seed, 3_000, sense, shape);
        const s = solveWithSideRows(h, lp, toModelData(h, lp));
        if (!s) continue;
        answered++;
        const from = whole(lp);
        expect(Math.abs(s.objective - from.objective)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(from.objective)));
        expect(worstBreach(lp, s.values)).toBeLessThan(1e-9);
        const objective = lp.columns.reduce((sum, c, j) => sum + c.cost * s.values[j]!, 0);
        expect(Math.abs(objective - s.objective)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(objective)));
        const warm = whole(lp, s.basis);
        expect(warm.iterations).toBe(0);
        expect(Math.abs(warm.objective - from.objective)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(from.objective)));
      }
      expect(answered).toBe(3);
    },
  );

  it.each([51, 52, 53])('from a start far from the optimum (the optimum with every ceiling halved, only its basic columns in the working model) the pricing calls in what the LP needs (seed %i)', (seed) => {
    const lp = policyLp(seed, 3_000, 'max', { years: 3, share: true, floors: true });
    const half = { ...lp, rows: lp.rows.map((r) => (r.upper !== null ? { ...r, upper: r.upper / 2 } : r)) };
    const start = h.withModel(toModelData(h, half), (model) => {
      model.options.set({ output_flag: false, presolve: 'off' });
      model.run();
      return model.getBasis();
    });
    const far = new Float64Array(lp.columns.length).fill(1e6);
    const s = solveOnWorkingModel(h, toModelData(h, lp), start, far)!;
    expect(s).toBeDefined();
    const from = whole(lp);
    expect(Math.abs(s.objective - from.objective)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(from.objective)));
    expect(worstBreach(lp, s.values)).toBeLessThan(1e-9);
    expect(whole(lp, s.basis).iterations).toBe(0);
  });

  it.each(['max', 'min'] as const)('a side row its held columns break is not left out (%s): an infeasible LP stays infeasible, a feasible one ends at its optimum', (sense) => {
    const backend = highsBackendOf(h);
    // 0.5 x0 ≤ 1 with x0 ≥ 5: no point meets it.
    const base = policyLp(61, 6_000, sense, { years: 0, share: false, floors: false });
    const infeasible = { ...base, columns: base.columns.map((c, j) => (j === 0 ? { ...c, lower: 5, upper: 10 } : c)), rows: [...base.rows, { terms: [[0, 0.5] as const], lower: null, upper: 1 }] };
    expect(solveWithSideRows(h, infeasible, toModelData(h, infeasible))).toBeUndefined();
    expect(backend.solve(infeasible).status).toBe('infeasible');
    // 0.5 x0 + 0.25 x5 ≥ 1, two columns the relaxation may leave at zero.
    const floored = { ...base, rows: [...base.rows, { terms: [[0, 0.5] as const, [5, 0.25] as const], lower: 1, upper: null }] };
    const from = whole(floored);
    for (const s of [solveWithSideRows(h, floored, toModelData(h, floored)), backend.solve(floored)]) {
      expect(s && 'objective' in s).toBe(true);
      if (!s || !('objective' in s)) continue;
      expect(Math.abs(s.objective - from.objective)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(from.objective)));
      expect(worstBreach(floored, s.values)).toBeLessThan(1e-9);
    }
  });

  it('from another LP\'s optimal basis (a company cap lowered to 1), the working model ends at this LP\'s optimum', () => {
    const backend = highsBackendOf(h);
    const lp = policyLp(71, 6_000, 'max', { years: 3, share: false, floors: false });
    const first = backend.solve(lp);
    expect(first.status).toBe('optimal');
    if (first.status !== 'optimal') return;
    // A cap whose columns are all at a bound there with a reduced cost well away from zero: held in the working model, the row left out.
    const held = (j: number) => first.basis!.colStatus[j] !== 1 && Math.abs(first.reducedCosts![j]!) > 1;
    const cap = lp.rows.findIndex((r) => r.upper !== null && r.terms.length === 2 && r.terms.every(([j]) => held(j)) && r.terms.some(([j]) => first.values[j]! > 1));
    expect(cap).toBeGreaterThanOrEqual(0);
    const lowered = { ...lp, rows: lp.rows.map((r, i) => (i === cap ? { ...r, upper: 1 } : r)) };
    const warm = backend.solve(lowered, { warmStart: first.basis, reducedCosts: first.reducedCosts });
    expect(warm.status).toBe('optimal');
    if (warm.status !== 'optimal') return;
    const from = whole(lowered);
    expect(Math.abs(warm.objective - from.objective)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(from.objective)));
    expect(worstBreach(lowered, warm.values)).toBeLessThan(1e-9);
    // Unreachable: the cap's floor above what its two columns can give.
    const beyond = { ...lp, rows: lp.rows.map((r, i) => (i === cap ? { ...r, lower: 1e9, upper: null } : r)) };
    expect(backend.solve(beyond, { warmStart: first.basis, reducedCosts: first.reducedCosts }).status).toBe('infeasible');
  });

  it('leaves to the whole LP one without such rows, one whose other rows are not a network, one with an unbounded column', () => {
    const lp = policyLp(21, 2_000, 'max', { years: 2, share: false, floors: false });
    const network = { ...lp, rows: lp.rows.filter((r) => r.terms.every(([, a]) => a === 1)) };
    expect(solveWithSideRows(h, network, toModelData(h, network))).toBeUndefined();
    // Two crossing ceilings of coefficient 1 (the first 600 columns, and 300 to 900): not laminar with the measures and companies.
    const crossing = { ...lp, rows: [...lp.rows, { terms: Array.from({ length: 600 }, (_, j) => [j, 1] as const), lower: null, upper: 5_000 }, { terms: Array.from({ length: 600 }, (_, j) => [300 + j, 1] as const), lower: null, upper: 5_000 }] };
    expect(solveWithSideRows(h, crossing, toModelData(h, crossing))).toBeUndefined();
    const unbounded = { ...lp, columns: lp.columns.map((c, j) => (j === 0 ? { ...c, upper: Infinity } : c)) };
    expect(solveWithSideRows(h, unbounded, toModelData(h, unbounded))).toBeUndefined();
    expect(solveWithSideRows(h, lp, toModelData(h, lp))).toBeDefined();
  });

  it('a relaxation that cannot meet its floors is left to the whole LP, which finds it infeasible', () => {
    const lp = policyLp(31, 2_000, 'max', { years: 2, share: false, floors: false });
    const budget = lp.rows.findIndex((r) => r.terms.length === lp.columns.length && r.terms.every(([, a]) => a === 1));
    const floored = { ...lp, rows: lp.rows.map((r, i) => (i === budget ? { ...r, lower: r.upper! * 10, upper: null } : r)) };
    expect(solveWithSideRows(h, floored, toModelData(h, floored))).toBeUndefined();
    expect(highsBackendOf(h).solve(floored).status).toBe('infeasible');
  });
});

describe('the HiGHS backend', () => {
  it.each([
    [41, 'max'],
    [42, 'min'],
  ] as const)('solves the tie rule stage from stage one on a working model: the whole LP optimum (seed %i, %s)', (seed, sense) => {
    const lp = policyLp(seed, WORKING_MODEL_COLUMNS + 1_000, sense, { years: 3, share: true, floors: false });
    const backend = highsBackendOf(h);
    const first = backend.solve(lp);
    expect(first.status).toBe('optimal');
    if (first.status !== 'optimal') return;
    // Stage two's objective: each column's rank, the face held by stage one's reduced costs and duals as priority.ts does.
    const d = first.reducedCosts!;
    const y = first.duals!;
    const stage2: LinearProgram = {
      sense,
      columns: lp.columns.map((c, j) => {
        const cost = ((j * 7919) % lp.columns.length) / lp.columns.length;
        const fixed = Math.abs(d[j]!) > 1e-9;
        const at = first.values[j]! > (c.lower + c.upper) / 2 ? c.upper : c.lower;
        return fixed ? { lower: at, upper: at, cost } : { ...c, cost };
      }),
      rows: lp.rows.map((r, i) => {
        if (Math.abs(y[i]!) <= 1e-9) return r;
        const at = r.upper !== null && (r.lower === null || r.terms.reduce((s, [j, a]) => s + a * first.values[j]!, 0) > (r.lower + r.upper) / 2) ? r.upper : r.lower!;
        return { ...r, lower: at, upper: at };
      }),
    };
    const warm = backend.solve(stage2, { warmStart: first.basis, reducedCosts: first.reducedCosts });
    expect(warm.status).toBe('optimal');
    const from = whole(stage2);
    if (warm.status !== 'optimal') return;
    expect(Math.abs(warm.objective - from.objective)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(from.objective)));
    expect(worstBreach(stage2, warm.values)).toBeLessThan(1e-9);
    expect(whole(stage2, warm.basis).iterations).toBe(0);
  });
});
