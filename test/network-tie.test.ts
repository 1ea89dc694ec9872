/**
 * The network simplex's tie rule (a second stage on the primary optimum's face) against an
 * independent exact lexicographic solve: the same LP with one cost level, primary × M + secondary,
 * where M exceeds any change of the secondary objective (every exact number stays an integer
 * below 2^53; instances where it would not are skipped). Both must give the same primary and
 * secondary objectives exactly, computed here in integers from the values.
 */
import { describe, expect, it } from 'vitest';

import { networkOf, solveNetwork } from '../src/solver/network.js';
import type { LinearProgram } from '../src/solver/types.js';
import { randomInstance, type Instance } from './helpers/network-instances.js';

/** Σ weight_j × value_j × boundScale, exactly (weights are integers here). */
function exactSum(weights: ArrayLike<number>, values: ArrayLike<number>, boundScale: number): bigint {
  let s = 0n;
  for (let j = 0; j < values.length; j++) s += BigInt(weights[j]!) * BigInt(Math.round(values[j]! * boundScale));
  return s;
}

/** The instance with one cost level standing for (primary, secondary) lexicographically, or null when it would not stay exact. */
function combined(inst: Instance, costScale: number, boundScale: number): { lp: LinearProgram; primary: number[] } | null {
  const { lp, secondary } = inst;
  const primary = lp.columns.map((c) => Math.round(c.cost * costScale));
  // M: more than the secondary objective can change between any two feasible points.
  let spread = 0;
  lp.columns.forEach((c, j) => (spread += Math.abs(secondary[j]!) * Math.round((c.upper - c.lower) * boundScale)));
  const M = spread + 1;
  const costs = primary.map((p, j) => p * M + secondary[j]!);
  const rows = lp.rows.length;
  if (costs.some((c) => !Number.isSafeInteger(c) || Math.abs(c) * (2 * rows + 1) > Number.MAX_SAFE_INTEGER)) return null;
  return { lp: { ...lp, columns: lp.columns.map((c, j) => ({ ...c, cost: costs[j]! })) }, primary };
}

describe('the tie stage against a one-level lexicographic solve', () => {
  it('gives the same primary and secondary objectives exactly on the random instances', () => {
    let compared = 0;
    let sameValues = 0;
    let tiePivots = 0;
    const instances: [string, Instance][] = [];
    for (let i = 0; i < 240; i++) {
      const size = 1 + ((i * 37) % 200);
      instances.push([`seed ${1000 + i}`, randomInstance(1000 + i, size, { hostile: i % 5 === 4, infeasible: i % 11 === 10, zeroLower: i % 7 === 3, fixedRows: i % 6 === 1 })]);
    }
    for (let i = 0; i < 120; i++) instances.push([`degenerate seed ${7000 + i}`, randomInstance(7000 + i, 1 + ((i * 13) % 120), { tight: true, zeroLower: i % 2 === 1, fixedRows: i % 4 === 2 })]);
    for (const [name, inst] of instances) {
      const plan = networkOf(inst.lp)!;
      expect(plan, name).not.toBeNull();
      const two = combined(inst, plan.costScale, plan.boundScale);
      if (!two) continue;
      const planOne = networkOf(two.lp);
      if (!planOne) continue;
      const staged = solveNetwork(plan, inst.secondary);
      const one = solveNetwork(planOne);
      expect(staged.status, name).toBe(one.status);
      if (staged.status === 'infeasible') continue;
      const bs = Math.max(plan.boundScale, planOne.boundScale);
      expect(exactSum(two.primary, staged.values, bs), name).toBe(exactSum(two.primary, one.values, bs));
      expect(exactSum(inst.secondary, staged.values, bs), name).toBe(exactSum(inst.secondary, one.values, bs));
      compared++;
      if (staged.values.every((v, j) => v === one.values[j])) sameValues++;
      tiePivots += staged.pivots;
    }
    console.log(`tie stage: ${compared} of ${instances.length} instances compared exactly (${sameValues} with identical values), ${tiePivots} pivots`);
    expect(compared).toBeGreaterThan(150);
  });
});
