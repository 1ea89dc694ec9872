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
    stagesRaw: outcome.allocation.stages.map((s) => s.raw),
    /** The first stage's objective in the LP's own units (what --emit-lp's model optimises). */
    lpObjective: outcome.allocation.stages[0]?.objective ?? null,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    lp: outcome.allocation.lp,
    backend: outcome.allocation.solver.backend,
    checks: outcome.verification.checks,
    objective: outcome.allocation.objective.toFixed(2),
  }),
);
