/**
 * HiGHS solves an LP of INTERIOR_POINT_COLUMNS columns or more from the start by its interior
 * point method with crossover (solver/highs-backend.ts): the optimum the dual simplex finds (the
 * same objective), with an optimal basis, row duals and reduced costs (what the tie rule's stage
 * on the optimal face and the warm re-solves read); a solve with a basis to start from, or under an
 * iteration limit, stays with the dual simplex. The LP: the policy's shape at that size, companies
 * capping a few columns each, measures capping many, a budget, and a cash-like row weighing columns
 * by 0.4 or 1 (not a network LP).
 */
import { describe, expect, it } from 'vitest';
import { createHighsBackend } from '../src/solver/highs.js';
import { INTERIOR_POINT_COLUMNS } from '../src/solver/highs-backend.js';
import type { LinearProgram, Row } from '../src/solver/types.js';
import { seeded } from './helpers/seeded.js';

function allocationShaped(columns: number, seed: number): LinearProgram {
  const rnd = seeded(seed);
  const cols = Array.from({ length: columns }, () => ({ lower: 0, upper: 1 + rnd(300), cost: 60 + rnd(40) + rnd(10) / 10 }));
  const rows: Row[] = [];
  for (let j = 0; j < columns; ) {
    const size = 1 + rnd(3);
    const members = Array.from({ length: Math.min(size, columns - j) }, (_, k) => [j + k, 1] as const);
    rows.push({ terms: members, lower: null, upper: 150 + rnd(300) });
    j += size;
  }
  for (let m = 0; m < 12; m++) {
    const members = Array.from({ length: columns }, (_, j) => j).filter((j) => j % 12 === m).map((j) => [j, 1] as const);
    rows.push({ terms: members, lower: null, upper: 200 * members.length });
  }
  const all = cols.map((_, j) => [j, 1] as const);
  const total = cols.reduce((s, c) => s + c.upper, 0);
  rows.push({ terms: all, lower: null, upper: Math.floor(total * 0.3) });
  rows.push({ terms: cols.map((_, j) => [j, j % 3 === 0 ? 0.4 : 1] as const), lower: null, upper: Math.floor(total * 0.2) });
  return { sense: 'max', columns: cols, rows };
}

describe('HiGHS on a big LP solved from the start', () => {
  it('the interior point method with crossover: the dual simplex’s optimum, with a basis, duals and reduced costs', async () => {
    const highs = await createHighsBackend();
    const lp = allocationShaped(INTERIOR_POINT_COLUMNS, 14);
    const interior = highs.solve(lp);
    // An iteration limit (far above what it needs) keeps the dual simplex.
    const simplex = highs.solve(lp, { iterationLimit: 10_000_000 });
    expect(interior.status).toBe('optimal');
    expect(simplex.status).toBe('optimal');
    if (interior.status !== 'optimal' || simplex.status !== 'optimal') return;
    expect(Math.abs(interior.objective - simplex.objective)).toBeLessThan(1e-9 * Math.abs(simplex.objective));
    expect(interior.basis?.colStatus).toHaveLength(lp.columns.length);
    expect(interior.duals).toHaveLength(lp.rows.length);
    expect(interior.reducedCosts).toHaveLength(lp.columns.length);
    // A basis, not only a point: started from it, the dual simplex has nothing left to do.
    const warm = highs.solve(lp, { warmStart: interior.basis! });
    expect(warm.status).toBe('optimal');
    if (warm.status === 'optimal') expect(warm.objective).toBeCloseTo(interior.objective, 6);
  }, 120_000);
});
