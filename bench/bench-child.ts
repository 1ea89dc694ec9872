/** One benchmark run in its own process: solve, then print timings and peak RSS as JSON. */
import { runSolve } from '../src/commands/solve.js';

const [scenario, out] = process.argv.slice(2);
const outcome = runSolve({ scenario: scenario!, out: out! });
const summary = outcome.summary as { timingsMs?: Record<string, number> };
process.stdout.write(
  JSON.stringify({
    timingsMs: summary.timingsMs,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    lp: outcome.allocation.lp,
    checks: outcome.verification.checks,
  }),
);
