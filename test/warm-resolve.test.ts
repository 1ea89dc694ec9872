/**
 * The budget re-solve of the analysis from the first solve's optimum (`ParametricLp.warm` on the
 * network simplex): its answer must be exactly the cold solve's. On the random network instances:
 * one row's bounds moved, the warm tie-broken solve against a cold `solveTieBroken` of the changed
 * LP (values and objective, bit for bit); an answer the warm side cannot prove unique goes to the
 * cold solve. Through the pipeline, on the bundled scenario and small instances of every LP family:
 * the allocation re-solved, rounded and verified at budget + step, warm, against the same cold,
 * grant by grant.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFamily, type Family } from '../scripts/families.js';
import { mulberry32 } from '../scripts/synthetic.js';
import { budgetFundingLine, marginalValues } from '../src/model/marginal.js';
import { linesThatMayDiffer, marginalStepOf, type Warm } from '../src/pipeline/analyse.js';
import { loadInput } from '../src/pipeline/load.js';
import { openEngine, resolveAt, solveVerified, type Engine } from '../src/pipeline/solve.js';
import { budgetChange } from '../src/model/budget-figures.js';
import { networkBackend } from '../src/solver/network-backend.js';
import { networkOf, openNetworkParametric, solveNetwork, type NetworkParametricLp } from '../src/solver/network.js';
import { openSensitivity } from '../src/solver/select.js';
import type { Backend, LinearProgram, Picker, SolveResult } from '../src/solver/types.js';
import { randomInstance, type Instance } from './helpers/network-instances.js';

function withRow(lp: LinearProgram, r: number, lower: number | null, upper: number | null): LinearProgram {
  const rows = lp.rows.slice();
  rows[r] = { ...rows[r]!, lower, upper };
  return { sense: lp.sense, columns: lp.columns, rows };
}

function same(warm: SolveResult, cold: SolveResult, name: string): void {
  expect(warm.status, name).toBe(cold.status);
  if (warm.status !== 'optimal' || cold.status !== 'optimal') return;
  expect(warm.objective, name).toBe(cold.objective);
  expect(Array.from(warm.values), name).toEqual(Array.from(cold.values));
}

describe('warm tie-broken re-solves on random network LPs', () => {
  it('give exactly the values and objective of a cold solve, one row moved (360 instances)', () => {
    const instances: [string, Instance][] = [];
    for (let i = 0; i < 240; i++) instances.push([`seed ${1000 + i}`, randomInstance(1000 + i, 1 + ((i * 37) % 200), { hostile: i % 5 === 4, zeroLower: i % 7 === 3, fixedRows: i % 6 === 1 })]);
    for (let i = 0; i < 120; i++) instances.push([`degenerate seed ${7000 + i}`, randomInstance(7000 + i, 1 + ((i * 13) % 120), { tight: true, zeroLower: i % 2 === 1, fixedRows: i % 4 === 2 })]);
    let warm = 0;
    let refused = 0;
    // A third without secondary costs: ties among equal scores left open (the warm side must see them).
    instances.forEach(([name, inst], i) => {
      if (i % 3 === 0) instances[i] = [`${name}, no secondary`, { ...inst, secondary: inst.secondary.map(() => 0) }];
    });
    for (const [name, inst] of instances) {
      const rand = mulberry32(inst.lp.rows.length * 7919 + inst.lp.columns.length);
      const plan = networkOf(inst.lp)!;
      if (solveNetwork(plan, inst.secondary).status !== 'optimal') continue;
      const par = openNetworkParametric(plan)! as NetworkParametricLp;
      const backend = par.warm!(networkBackend);
      // The budget row (every column), and another row: each bound raised and lowered.
      const budget = inst.lp.rows.findIndex((r) => r.terms.length === inst.lp.columns.length && r.lower === null);
      const rows = [budget, Math.floor(rand() * inst.lp.rows.length)].filter((r) => r >= 0);
      for (const r of rows) {
        const row = inst.lp.rows[r]!;
        const b = row.upper ?? row.lower ?? 0;
        for (const f of [1.25, 0.8, 1.01]) {
          const t = Math.round(b * f * 100) / 100;
          const changed = row.upper !== null ? withRow(inst.lp, r, row.lower === null ? null : Math.min(row.lower, t), t) : withRow(inst.lp, r, t, null);
          const label = `${name}, row ${r} at ${t}`;
          same(backend.solveTieBroken!(changed, inst.secondary), networkBackend.solveTieBroken!(changed, inst.secondary), label);
        }
      }
      warm += par.stats.warm - par.stats.warmRefused;
      refused += par.stats.warmRefused;
      par.dispose();
    }
    // Most answers are warm; ties the test cannot rule out went to the cold solve.
    expect(warm).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(0);
  });

  it('hands to the cold solve an LP that is not the same but for one row, other secondary costs, and a point that is not unique', () => {
    // Two columns of the same cost under one ceiling, no secondary: every split of the ceiling is optimal.
    const lp: LinearProgram = {
      sense: 'max',
      columns: [
        { lower: 0, upper: 10, cost: 1 },
        { lower: 0, upper: 10, cost: 1 },
      ],
      rows: [{ terms: [[0, 1], [1, 1]], lower: null, upper: 5 }],
    };
    const par = openNetworkParametric(networkOf(lp)!)!;
    const cold: Backend = { name: 'cold', solve: () => ({ status: 'error', detail: 'cold', backend: 'cold', raw: 'cold' }), solveTieBroken: () => ({ status: 'error', detail: 'cold', backend: 'cold', raw: 'cold' }) };
    const backend = par.warm!(cold);
    expect(backend.solveTieBroken!(withRow(lp, 0, null, 6), [0, 0]).status).toBe('error');
    // With distinct secondary costs the optimum is unique, but not the secondary costs of the kept optimum (none): cold.
    expect(backend.solveTieBroken!(withRow(lp, 0, null, 6), [2, 1]).status).toBe('error');
    // Two rows moved, another cost: cold.
    expect(backend.solveTieBroken!({ ...lp, rows: [{ ...lp.rows[0]!, upper: 6 }], columns: [lp.columns[0]!, { ...lp.columns[1]!, cost: 2 }] }, [0, 0]).status).toBe('error');
    const stats = (par as NetworkParametricLp).stats;
    expect(stats.warm).toBe(1);
    expect(stats.warmRefused).toBe(1);
    // With secondary costs the kept optimum had, the point is unique and answered warm.
    const plan = networkOf(lp)!;
    solveNetwork(plan, [2, 1]);
    const tied = openNetworkParametric(plan)!;
    const r = tied.warm!(cold).solveTieBroken!(withRow(lp, 0, null, 6), [2, 1]);
    expect(r.status).toBe('optimal');
    if (r.status === 'optimal') expect(Array.from(r.values)).toEqual([6, 0]);
  });
});

/** The pipeline's budget re-solve: the engine's picker with its backends wrapped by `warm`. */
function warmPicker(engine: Engine, warm: (b: Backend) => Backend): Picker {
  return (lp) => {
    const picked = engine.picker(lp);
    return { ...picked, backend: warm(picked.backend) };
  };
}

describe('the budget re-solve through the pipeline', () => {
  const cases: [string, string][] = [['the bundled scenario', join('scenarios', 'shenzhen-2019', 'scenario.json')]];
  const families: Family[] = ['synthetic', 'many-companies', 'crossing', 'floors', 'ceilings', 'districts'];
  for (const family of families) for (const seed of [3, 6]) cases.push([`${family} seed ${seed}`, writeFamily(mkdtempSync(join(tmpdir(), `fundplan-warm-${family}-`)), family, 600, seed)]);

  it.each(cases)('%s: warm at budget + step (and other budgets) gives the cold allocation, grant by grant', async (_name, path) => {
    const loaded = loadInput(path);
    const engine = (await openEngine(loaded)) as Engine;
    expect('status' in engine).toBe(false);
    const first = solveVerified(engine);
    if (first.status === 'infeasible') throw new Error('infeasible');
    const { allocation } = first;
    const par = await openSensitivity(allocation.model.lp, allocation.model.basis);
    expect(par?.warm).toBeDefined();
    const step = marginalStepOf(undefined, loaded.scenario.granularity);
    const b = loaded.scenario.budget;
    let warmAnswers = 0;
    for (const at of [b.plus(step), b.plus(step.times(7)), b.times(1.3).div(step).floor().times(step), b.plus(loaded.scenario.granularity)]) {
      if (at.lt(0)) continue;
      const warm = solveVerified({ ...engine, picker: warmPicker(engine, par!.warm!.bind(par)) }, { at });
      const cold = solveVerified(engine, { at });
      expect(warm.status).toBe(cold.status);
      if (warm.status === 'infeasible' || cold.status === 'infeasible') continue;
      if (warm.allocation.stages[0]!.raw.includes('warm pivots')) warmAnswers++;
      expect(warm.allocation.objective.toString()).toBe(cold.allocation.objective.toString());
      expect(warm.allocation.lines.map((l) => l.grant.toString())).toEqual(cold.allocation.lines.map((l) => l.grant.toString()));
      expect(warm.allocation.lines.map((l) => `${l.binding} ${l.limitId}`)).toEqual(cold.allocation.lines.map((l) => `${l.binding} ${l.limitId}`));
    }
    par!.dispose();
    expect(warmAnswers).toBeGreaterThan(0);
  });

  it.each(cases)('%s: the re-solve for comparison only (warm, detection skipped) has the grants, objective and total of the full one', async (_name, path) => {
    const loaded = loadInput(path);
    const engine = (await openEngine(loaded)) as Engine;
    const first = solveVerified(engine);
    if (first.status === 'infeasible') throw new Error('infeasible');
    const { allocation } = first;
    const par = (await openSensitivity(allocation.model.lp, allocation.model.basis)) as NetworkParametricLp;
    const step = marginalStepOf(undefined, loaded.scenario.granularity);
    const b = loaded.scenario.budget;
    let skipped = 0;
    for (const at of [b.plus(step), b.minus(step), b.plus(step.times(5)), b.times(0.5).div(step).floor().times(step), b.plus(loaded.scenario.granularity)]) {
      if (at.lt(0)) continue;
      // The pipeline's own re-solve, from the first solve's optimum: it picks the first LP's backend where the moved LP is provably a network LP too.
      const warm: Warm = {
        backend: par.warm!.bind(par),
        lp: allocation.model.lp,
        sameNetwork: (lp) => {
          const same = par.sameNetwork!(lp);
          if (same) skipped++;
          return same;
        },
      };
      const compared = resolveAt(engine, at, undefined, warm, allocation);
      const full = solveVerified(engine, { at });
      expect(compared.status).toBe(full.status);
      if (compared.status === 'infeasible' || full.status === 'infeasible') continue;
      expect(compared.allocation.objective.toString()).toBe(full.allocation.objective.toString());
      expect(compared.allocation.granted.toString()).toBe(full.allocation.granted.toString());
      expect(compared.allocation.lines.map((l) => l.grant.toString())).toEqual(full.allocation.lines.map((l) => l.grant.toString()));
      expect(budgetChange(allocation, compared.allocation)).toEqual(budgetChange(allocation, full.allocation));
      // Only the lines whose grant is another object: the same change, and every line whose grant moved among them.
      const [from, to] = linesThatMayDiffer(allocation, compared.allocation);
      expect(budgetChange(from, to)).toEqual(budgetChange(allocation, full.allocation));
      expect(from.lines.length).toBeLessThan(allocation.lines.length);
      expect(from.lines.filter((l, i) => !l.grant.eq(to.lines[i]!.grant)).length).toBe(allocation.lines.filter((l, i) => !l.grant.eq(full.allocation.lines[i]!.grant)).length);
    }
    par.dispose();
    expect(skipped).toBeGreaterThan(0);
  });

  it.each(cases)('%s: the marginal values are the same when points inside the exact ranges are not re-solved', async (_name, path) => {
    const loaded = loadInput(path);
    const engine = (await openEngine(loaded)) as Engine;
    const first = solveVerified(engine);
    if (first.status === 'infeasible') throw new Error('infeasible');
    const { lp, basis } = first.allocation.model;
    const par = (await openSensitivity(lp, basis)) as NetworkParametricLp;
    expect(par.rangesExact).toBe(true);
    const shortcut = marginalValues(first.allocation, par);
    const calls = par.stats.calls;
    // The same LP kept open, its ranges taken as hints only: every point re-solved.
    const hints = { ...par, rangesExact: false, valuesExact: false, objectiveWithRowBounds: par.objectiveWithRowBounds.bind(par), dispose: () => par.dispose() };
    const all = marginalValues(first.allocation, hints);
    expect(par.stats.calls - calls).toBeGreaterThan(calls);
    const text = (m: typeof all) => m.values.map((v) => `${v.limit.id} ${v.perYuan} ${v.from} ${v.to} ${v.binding}`);
    expect(text(shortcut)).toEqual(text(all));
    expect(shortcut.fundingLine).toBe(all.fundingLine);
    // The funding line alone (the what-if page's) is the one the whole analysis gives.
    expect(budgetFundingLine(first.allocation, par)).toBe(all.fundingLine);
    par.dispose();
  });
});
