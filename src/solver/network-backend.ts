/**
 * The network simplex (network.ts) behind the solver-neutral interface. It takes only network
 * LPs (every limit a set of columns, the limits in two laminar families: the policy's own
 * model — company limits on one side, measure budgets and the total budget on the other) and
 * answers anything else with an error naming why; `auto` asks `whyNotNetwork` first and gives
 * other models to the general backends. It is exact (integers after scaling), has no time or
 * iteration limit to hit (a network LP of 20,000 columns takes about 0.1 s), and
 * breaks ties in the same solve (`solveTieBroken`: a second stage on the primary optimum's face).
 */
import { networkOf, solveNetwork, whyNotNetwork } from './network.js';
import type { Backend, LinearProgram, SolveResult } from './types.js';

export const NETWORK_BACKEND_NAME = 'network simplex';

function run(lp: LinearProgram, secondary?: ArrayLike<number>): SolveResult {
  const name = NETWORK_BACKEND_NAME;
  const plan = networkOf(lp);
  if (!plan) {
    const why = whyNotNetwork(lp) ?? 'not a network LP';
    return { status: 'error', detail: `not a network LP: ${why}`, backend: name, raw: 'refused' };
  }
  let s: ReturnType<typeof solveNetwork>;
  try {
    s = solveNetwork(plan, secondary);
  } catch (e) {
    // Secondary costs that do not scale to integers, or a state that should not happen: reported as HiGHS reports its failures.
    return { status: 'error', detail: String(e), backend: name, raw: 'exception' };
  }
  const raw = `${s.status} after ${s.pivots} pivots`;
  if (s.status === 'infeasible') return { status: 'infeasible', detail: 'no flow meets every floor', backend: name, raw };
  return { status: 'optimal', objective: s.objective, values: s.values, duals: s.duals, basis: s.basis, backend: name, raw };
}

export const networkBackend: Backend = {
  name: NETWORK_BACKEND_NAME,
  solve: (lp) => run(lp),
  solveTieBroken: (lp, secondary) => run(lp, secondary),
};
