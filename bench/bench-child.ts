/** One benchmark run in its own process: solve, then print timings, peak RSS and page faults as JSON. */
import { readFileSync } from 'node:fs';
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
    minorFaults: process.resourceUsage().minorPageFault,
    mainFaults: mainThreadFaults(),
    lp: outcome.allocation.lp,
    backend: outcome.allocation.solver.backend,
    checks: outcome.verification.checks,
    objective: outcome.allocation.objective.toFixed(2),
  }),
);

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
