/**
 * One benchmark run in its own process: solve, then print timings, peak RSS and page faults as
 * JSON. With `warm` as the fifth argument, instead: the scenario's network LP solved once through
 * the library, then recognised and solved again and again, timed (`{ "warm": … }`; null for a
 * model the network simplex does not take).
 */
import { readFileSync } from 'node:fs';
import { runSolve } from '../src/commands/solve.js';
import { loadScenario } from '../src/pipeline/load.js';
import { solveLoaded } from '../src/pipeline/solve.js';
import { networkBackend } from '../src/solver/network-backend.js';
import { networkOf, solveNetwork } from '../src/solver/network.js';
import type { SolverChoice } from '../src/solver/select.js';
import type { LinearProgram } from '../src/solver/types.js';

const [scenario, out, solver, emitLp, mode] = process.argv.slice(2);
if (mode === 'warm') process.stdout.write(JSON.stringify({ warm: await warmSolve(scenario!) }));
else {
  const outcome = await runSolve({ scenario: scenario!, out: out!, solver: (solver ?? 'auto') as SolverChoice, emitLp: emitLp || undefined });
  const summary = outcome.summary as { timingsMs?: Record<string, number> };
  process.stdout.write(
    JSON.stringify({
      timingsMs: summary.timingsMs,
      stagesMs: Object.fromEntries(outcome.allocation.stages.map((s) => [s.stage, s.ms])),
      stagesRaw: outcome.allocation.stages.map((s) => s.raw),
      /** The first stage's objective in the LP's own units (what --emit-lp's model optimises). */
      lpObjective: outcome.allocation.stages[0]?.objective ?? null,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      minorFaults: process.resourceUsage().minorPageFault,
      mainFaults: mainThreadFaults(),
      lp: outcome.allocation.lp,
      backend: outcome.allocation.solver.backend,
      checks: outcome.verification.checks,
      objective: outcome.allocation.objective.toFixed(2),
    }),
  );
}

/**
 * The solve phase's work once its code is compiled: the scenario solved through the library (its
 * first priority LP and tie-rule weights kept as the network simplex receives them, nothing
 * written), then that LP recognised as a network (on a copy: the recognition is kept per LP
 * object) and solved with the tie rule, `WARM_RUNS` times; the medians. Null for a model the
 * network simplex does not take.
 */
async function warmSolve(scenarioPath: string): Promise<{ detectMs: number; solveMs: number; totalMs: number; pivots: number; runs: number } | null> {
  const WARM_RUNS = 31;
  let lp: LinearProgram | undefined;
  let secondary: Float64Array | undefined;
  const keeping = {
    ...networkBackend,
    solveTieBroken: (x: LinearProgram, s: ArrayLike<number>) => {
      if (!lp) [lp, secondary] = [x, Float64Array.from(s)];
      return networkBackend.solveTieBroken!(x, s);
    },
  };
  try {
    await solveLoaded(loadScenario(scenarioPath), { solver: () => ({ backend: keeping, reason: 'warm measurement' }) });
  } catch {
    return null; // a model the network simplex does not take (integer rules, or not a network LP)
  }
  if (!lp || !secondary) return null;
  const detect: number[] = [];
  const solve: number[] = [];
  const total: number[] = [];
  let pivots = 0;
  for (let k = 0; k < WARM_RUNS; k++) {
    const t0 = performance.now();
    const plan = networkOf({ ...lp });
    const t1 = performance.now();
    if (!plan) return null;
    pivots = solveNetwork(plan, secondary).pivots;
    const t2 = performance.now();
    detect.push(t1 - t0);
    solve.push(t2 - t1);
    total.push(t2 - t0);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  return { detectMs: med(detect), solveMs: med(solve), totalMs: med(total), pivots, runs: WARM_RUNS };
}

/**
 * This (the main) thread's minor page faults, where Linux says (/proc/thread-self/stat, the 10th
 * field); null elsewhere. Each is a page of memory touched for the first time.
 */
function mainThreadFaults(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // The fields after the command's closing parenthesis start with the 3rd (state).
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[10 - 3]);
  } catch {
    return null;
  }
}
