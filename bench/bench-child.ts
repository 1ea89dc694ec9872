/** One benchmark run in its own process: solve, then print timings and peak RSS as JSON. */
import { runSolve } from '../src/commands/solve.js';
import type { SolverChoice } from '../src/solver/select.js';

const [scenario, out, solver, emitLp] = process.argv.slice(2);
const outcome = await runSolve({ scenario: scenario!, out: out!, solver: (solver ?? 'auto') as SolverChoice, emitLp: emitLp || undefined });
const summary = outcome.summary as { timingsMs?: Record<string, number> };
process.stdout.write(
  JSON.stringify({
    timingsMs: summary.timingsMs,
    stagesMs: Object.fromEntries(outcome.allocation.stages.map((s) => [s.stage, s.ms])),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    lp: outcome.allocation.lp,
    backend: outcome.allocation.solver.backend,
    checks: outcome.verification.checks,
    objective: outcome.allocation.objective.toFixed(2),
    lpObjective: outcome.allocation.bound,
  }),
);
