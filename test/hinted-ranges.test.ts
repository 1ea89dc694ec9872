/**
 * Re-solves of LPs that are not network LPs (HiGHS's, with its ranges as hints): the marginal
 * values' range search starts at the hinted ends but finds the ranges it finds without them, and a
 * year's cash re-solved from the first solve's bases gives what it gives solved from the start.
 * The scenarios: the benchmark families at 600 applications, and the same applications under the
 * policy paid in instalments with cash by year (three cash rows with coefficients 0.3–0.5 on top
 * of the network).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFamily, type Family } from '../scripts/families.js';
import { marginalValues, type MarginalAnalysis } from '../src/model/marginal.js';
import { loadInput } from '../src/pipeline/load.js';
import type { Resolved } from '../src/pipeline/analyse.js';
import { compareCashAt, openEngine, resolveAt, resolveBudgetAt, resolveCashAt, solveVerified, type Engine } from '../src/pipeline/solve.js';
import { createHighsBackend, openParametricLp } from '../src/solver/highs.js';
import { whyNotNetwork } from '../src/solver/network.js';
import type { Backend, Basis, ParametricLp } from '../src/solver/types.js';

const INSTALMENTS = resolve('scenarios', 'policies', 'shenzhen-iiot-2018-instalments.json');

/** The family's applications under the instalments policy, with cash by year of 35%, 35% and 30% of the budget. */
function withCash(path: string): string {
  const scenario = JSON.parse(readFileSync(path, 'utf8')) as { name: string; budget: string };
  const budget = BigInt(scenario.budget);
  const cash = { '2019': String((budget * 35n) / 100n), '2020': String((budget * 35n) / 100n), '2021': String((budget * 30n) / 100n) };
  const out = join(path, '..', 'scenario-cash.json');
  writeFileSync(out, JSON.stringify({ ...scenario, name: `${scenario.name}-cash`, policy: INSTALMENTS, cash }));
  return out;
}

/** `lp` with no range hints: every range found by the doubling and bisection alone. */
function blind(lp: ParametricLp, rows: number): ParametricLp {
  return {
    ...lp,
    rangeUp: new Float64Array(rows).fill(Infinity),
    rangeDown: new Float64Array(rows).fill(-Infinity),
    objectiveWithRowBounds: lp.objectiveWithRowBounds.bind(lp),
  };
}

/** `lp`'s re-solves counted into `count`. */
function counted(lp: ParametricLp, count: { n: number }): ParametricLp {
  return {
    ...lp,
    objectiveWithRowBounds: (row, lower, upper) => {
      count.n++;
      return lp.objectiveWithRowBounds(row, lower, upper);
    },
  };
}

/** The same scenario with half the budget and three times the cash: the budget binds, the cash does not. */
function budgetBinding(path: string): string {
  const scenario = JSON.parse(readFileSync(path, 'utf8')) as { name: string; budget: string; cash: Record<string, string> };
  const cash = Object.fromEntries(Object.entries(scenario.cash).map(([y, c]) => [y, String(BigInt(c) * 3n)]));
  const out = join(path, '..', 'scenario-budget.json');
  writeFileSync(out, JSON.stringify({ ...scenario, name: `${scenario.name}-budget`, budget: String(BigInt(scenario.budget) / 2n), cash }));
  return out;
}

const text = (m: MarginalAnalysis) => m.values.map((v) => `${v.limit.id} ${v.perYuan} ${v.from} ${v.to} ${v.binding}`);

const families: Family[] = ['synthetic', 'many-companies', 'crossing', 'floors', 'ceilings', 'districts'];
const cases: [string, string][] = [];
for (const family of families) {
  const path = writeFamily(mkdtempSync(join(tmpdir(), `fundplan-hinted-${family}-`)), family, 600, 5);
  cases.push([`${family}, paid in instalments`, withCash(path)]);
}

describe('range hints', () => {
  const calls = { hinted: 0, blind: 0 };

  it.each(cases)('%s: the marginal values found from HiGHS’s hints are those found without them', async (_name, path) => {
    const engine = (await openEngine(loadInput(path))) as Engine;
    expect('status' in engine).toBe(false);
    const first = solveVerified(engine);
    if (first.status === 'infeasible') throw new Error('infeasible');
    const { allocation } = first;
    const { lp, basis } = allocation.model;
    expect(whyNotNetwork(lp)).toMatch(/coefficient/);
    const hinted = { n: 0 };
    const without = { n: 0 };
    const a = (await openParametricLp(lp, basis))!;
    const b = (await openParametricLp(lp, basis))!;
    const withHints = marginalValues(allocation, counted(a, hinted));
    const withoutHints = marginalValues(allocation, counted(blind(b, lp.rows.length), without));
    a.dispose();
    b.dispose();
    expect(withHints.values.length).toBeGreaterThan(1);
    expect(text(withHints)).toEqual(text(withoutHints));
    expect(withHints.fundingLine).toBe(withoutHints.fundingLine);
    calls.hinted += hinted.n;
    calls.blind += without.n;
  });

  afterAll(() => {
    // Over all the scenarios the hints save re-solves (a hint that misses costs two more).
    expect(calls.hinted).toBeLessThan(calls.blind);
  });
});

describe('bounds tightened no further than the kept optimum fills them', () => {
  const calls = { told: 0, solved: 0 };

  it.each(cases)('%s: the marginal values found without re-solving there are those found by re-solving', async (_name, path) => {
    const engine = (await openEngine(loadInput(path))) as Engine;
    const first = solveVerified(engine);
    if (first.status === 'infeasible') throw new Error('infeasible');
    const { allocation } = first;
    const { lp, basis } = allocation.model;
    const told = { n: 0 };
    const solved = { n: 0 };
    const a = (await openParametricLp(lp, basis))!;
    const b = (await openParametricLp(lp, basis))!;
    expect(a.activity).toHaveLength(lp.rows.length);
    const fromActivity = marginalValues(allocation, counted(a, told));
    const byReSolves = marginalValues(allocation, counted({ ...b, activity: undefined, objectiveWithRowBounds: b.objectiveWithRowBounds.bind(b) }, solved));
    a.dispose();
    b.dispose();
    expect(text(fromActivity)).toEqual(text(byReSolves));
    calls.told += told.n;
    calls.solved += solved.n;
  });

  afterAll(() => {
    // Limits that do not bind (the budget where each year's cash binds) are searched down with fewer re-solves.
    expect(calls.told).toBeLessThan(calls.solved);
  });
});

describe('a year’s cash re-solved from the first solve’s basis', () => {
  it.each(cases)('%s: the allocation it gives from the start, grant by grant', async (_name, path) => {
    const loaded = loadInput(path);
    // HiGHS at every size (auto gives the smallest LPs to javascript-lp-solver, which keeps no basis).
    const engine = (await openEngine(loaded, { solver: 'highs' })) as Engine;
    const first = solveVerified(engine);
    if (first.status === 'infeasible') throw new Error('infeasible');
    const { model } = first.allocation;
    expect(model.basis).toBeDefined();
    for (const [year, cash] of loaded.scenario.cashPlan!.cash) {
      for (const at of [cash.plus(10_000), cash.times(1.2).floor(), cash.times(0.8).floor()]) {
        const warm = resolveCashAt(engine, year, at, undefined, model);
        const cold = resolveCashAt(engine, year, at, undefined);
        expect(warm.status).toBe(cold.status);
        if (warm.status === 'infeasible' || cold.status === 'infeasible') continue;
        expect(warm.allocation.objective.toString(), `${year} at ${at}`).toBe(cold.allocation.objective.toString());
        expect(warm.allocation.lines.map((l) => l.grant.toString()), `${year} at ${at}`).toEqual(cold.allocation.lines.map((l) => l.grant.toString()));
      }
    }
  });

  it('hands HiGHS the first solve’s stage-one basis for stage one; the tie rule’s stage starts from the re-solve’s own stage one', async () => {
    const highs = await createHighsBackend();
    const seen: { warmStart: Basis | undefined; basis: Basis | undefined }[] = [];
    const spy: Backend = {
      ...highs,
      solve: (lp, options) => {
        const r = highs.solve(lp, options);
        seen.push({ warmStart: options?.warmStart, basis: r.status === 'optimal' ? r.basis : undefined });
        return r;
      },
    };
    const loaded = loadInput(cases[2]![1]);
    const engine = (await openEngine(loaded, { solver: () => ({ backend: spy, reason: 'spy' }) })) as Engine;
    const first = solveVerified(engine);
    if (first.status === 'infeasible') throw new Error('infeasible');
    const { model } = first.allocation;
    const [year, cash] = [...loaded.scenario.cashPlan!.cash][0]!;
    for (const warm of [model, undefined]) {
      seen.length = 0;
      resolveCashAt(engine, year, cash.plus(10_000), undefined, warm);
      expect(seen).toHaveLength(2);
      expect(seen[0]!.warmStart).toBe(warm?.basis);
      // The tie rule's stage on stage one's optimal face, from the point stage one ended at.
      expect(seen[1]!.warmStart).toBe(seen[0]!.basis);
      expect(seen[1]!.warmStart).toBeDefined();
    }
  });
});

describe('the re-solves the analysis compares, without what only a written allocation needs', () => {
  it.each(cases.slice(0, 3))('%s: at another year’s cash and, where it binds, another budget, the grants and totals of the full re-solve', async (_name, path) => {
    for (const scenario of [path, budgetBinding(path)]) {
      const loaded = loadInput(scenario);
      const engine = (await openEngine(loaded, { solver: 'highs' })) as Engine;
      const first = solveVerified(engine);
      if (first.status === 'infeasible') throw new Error('infeasible');
      const { allocation } = first;
      const alike = (compared: Resolved, full: Resolved, label: string) => {
        expect(compared.status, label).toBe(full.status);
        if (compared.status === 'infeasible' || full.status === 'infeasible') return;
        expect(compared.allocation.lines.map((l) => l.grant.toString()), label).toEqual(full.allocation.lines.map((l) => l.grant.toString()));
        expect(compared.allocation.objective.toString(), label).toBe(full.allocation.objective.toString());
        expect(compared.allocation.granted.toString(), label).toBe(full.allocation.granted.toString());
        expect(compared.allocation.plan?.granted.toString(), label).toBe(full.allocation.plan?.granted.toString());
      };
      for (const [year, cash] of loaded.scenario.cashPlan!.cash) {
        for (const at of [cash.plus(10_000), cash.times(0.8).floor()]) alike(compareCashAt(engine, year, at, undefined, allocation), resolveCashAt(engine, year, at, undefined, allocation.model), `${year} at ${at}`);
      }
      const budget = loaded.scenario.budget;
      for (const at of [budget.plus(10_000), budget.times(0.8).floor()]) alike(resolveAt(engine, at, undefined, undefined, allocation), resolveBudgetAt(engine, at, undefined, allocation.model), `budget at ${at}`);
    }
  });
});

describe('the budget re-solved from the first solve’s bases, where it binds', () => {
  it.each(cases.slice(1, 3))('%s: the allocation it gives from the start, grant by grant', async (_name, path) => {
    const loaded = loadInput(budgetBinding(path));
    const engine = (await openEngine(loaded, { solver: 'highs' })) as Engine;
    const first = solveVerified(engine);
    if (first.status === 'infeasible') throw new Error('infeasible');
    const { model } = first.allocation;
    expect(first.allocation.granted.toString()).toBe(loaded.scenario.budget.toString());
    const budget = loaded.scenario.budget;
    for (const at of [budget.plus(10_000), budget.minus(10_000), budget.times(1.2).floor(), budget.times(0.8).floor()]) {
      const warm = resolveBudgetAt(engine, at, undefined, model);
      const cold = resolveBudgetAt(engine, at, undefined);
      expect(warm.status).toBe(cold.status);
      if (warm.status === 'infeasible' || cold.status === 'infeasible') continue;
      expect(warm.allocation.objective.toString(), `at ${at}`).toBe(cold.allocation.objective.toString());
      expect(warm.allocation.lines.map((l) => l.grant.toString()), `at ${at}`).toEqual(cold.allocation.lines.map((l) => l.grant.toString()));
    }
  });
});
