/**
 * Province-size paths: a 20,000-application batch solved by `auto`, the time-limit path
 * (an allocation that verifies, with its gap to a valid upper bound), and the bounds.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSolve } from '../src/commands/solve.js';
import { loadScenario } from '../src/pipeline/load.js';
import { allocate } from '../src/model/allocate.js';
import { budgetBound, lagrangianBound } from '../src/model/bound.js';
import { createHighsBackend } from '../src/solver/highs.js';
import type { LinearProgram } from '../src/solver/types.js';
import { verifyAllocation } from '../src/verify/verify.js';
import { writeBenchScenario } from '../bench/bench.js';

/** A seeded batch of the policy's shape, as the benchmark makes it. */
function batch(n: number): string {
  return writeBenchScenario(mkdtempSync(join(tmpdir(), `fundplan-scale-${n}-`)), n, 11);
}

describe('scale', () => {
  it('20,000 applications: auto picks the network simplex, proves optimality, every rule verified, HiGHS agrees', async () => {
    const scenario = batch(20_000);
    const outcome = await runSolve({ scenario, out: join(scenario, '..', 'out') });
    expect(outcome.allocation.solver.backend).toBe('network simplex');
    expect(outcome.allocation.solver.reason).toMatch(/^auto: a network LP/);
    expect(outcome.allocation.stages.map((s) => s.stage)).toEqual(['priority + tie-break']);
    // The general backend on the same batch: the same LP optimum, the same allocation's worth.
    const highs = allocate(outcome.loaded.applications, outcome.loaded.policy, outcome.loaded.scenario, await createHighsBackend());
    expect(Math.abs(highs.bound - outcome.allocation.bound)).toBeLessThanOrEqual(1e-9 * highs.bound);
    expect(outcome.allocation.objective.minus(highs.objective).abs().toNumber()).toBeLessThanOrEqual(1e-9 * highs.objective.toNumber());
    expect(outcome.summary.status).toBe('optimal');
    expect(outcome.verification.violations).toEqual([]);
    expect(outcome.verification.checks).toBeGreaterThan(100_000);
    expect(outcome.allocation.lp.applications).toBeGreaterThan(19_000);
    // Interchangeable applications share a column: far fewer columns than applications.
    expect(outcome.allocation.lp.columns).toBeLessThan(outcome.allocation.lp.applications / 2);
    // Rounding to ¥100 units costs next to nothing against the LP bound.
    expect(outcome.allocation.gap).toBeLessThan(1e-6);
    expect(new Set(outcome.summary.byMeasure.map((m) => m.measure)).size).toBe(19);
  }, 60_000);

  it('a solve stopped by a limit still yields a verified allocation, its status and a gap to a valid bound', async () => {
    const loaded = loadScenario(batch(3_000));
    const highs = await createHighsBackend();
    const full = allocate(loaded.applications, loaded.policy, loaded.scenario, highs);
    const cut = allocate(loaded.applications, loaded.policy, loaded.scenario, highs, { iterationLimit: 3 });
    expect(full.status).toBe('optimal');
    expect(cut.status).toBe('time-limit');
    expect(cut.limitDetail).toBe('iteration limit reached');
    expect(cut.stages.map((s) => s.stage)).toEqual(['priority']);
    const v = verifyAllocation(loaded.policy, loaded.scenario, loaded.applications, cut.lines.map((l) => l.grant));
    expect(v.violations).toEqual([]);
    // The bound is valid (not below the true optimum), and the cut allocation is no better than the optimum.
    expect(cut.bound).toBeGreaterThanOrEqual(full.objective.toNumber() * (1 - 1e-12));
    expect(cut.objective.lte(full.objective)).toBe(true);
    expect(cut.gap).toBeGreaterThan(0);
    expect(cut.gap).toBeLessThan(0.5);
  });
});

describe('upper bounds', () => {
  // max 90a + 80b + 70c, a ≤ 3, b ≤ 2, c ≤ 3; a + b ≤ 3 (company); a + c ≤ 4 (measure); a + b + c ≤ 10 (budget).
  // Optimum: a = 1, b = 2, c = 3 → 460.
  const lp: LinearProgram = {
    sense: 'max',
    columns: [{ lower: 0, upper: 3, cost: 90 }, { lower: 0, upper: 2, cost: 80 }, { lower: 0, upper: 3, cost: 70 }],
    rows: [
      { terms: [[0, 1], [1, 1]], lower: null, upper: 3 },
      { terms: [[0, 1], [2, 1]], lower: null, upper: 4 },
      { terms: [[0, 1], [1, 1], [2, 1]], lower: null, upper: 10 },
    ],
  };

  it('with no multipliers: every column at its cap (270 + 160 + 210 = 640)', () => {
    expect(lagrangianBound(lp, [])).toBe(640);
  });

  it('multipliers price their rows; the optimal duals (20, 70, 0) give exactly the optimum', () => {
    // y = (80, 70, 0): reduced costs a: 90−80−70 < 0, b: 0, c: 0 → 3·80 + 4·70 = 520.
    // y = (20, 70, 0): a: 0, b: 80−20 = 60 → 2·60, c: 0 → 3·20 + 4·70 + 120 = 460, the optimum.
    expect(lagrangianBound(lp, [80, 70, 0])).toBe(520);
    expect(lagrangianBound(lp, [20, 70, 0])).toBe(460);
    // Negative multipliers count as zero, so no choice of duals can cut below the optimum.
    expect(lagrangianBound(lp, [-100, -100, -100])).toBe(640);
  });

  it('the budget bound is the fractional knapsack', () => {
    const tight: LinearProgram = { ...lp, rows: [...lp.rows.slice(0, 2), { terms: [[0, 1], [1, 1], [2, 1]], lower: null, upper: 4 }] };
    expect(budgetBound(tight, 2)).toBe(3 * 90 + 1 * 80);
  });
});
