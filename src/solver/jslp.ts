/** javascript-lp-solver backend: fine for LPs of a few thousand columns (see docs/solvers-and-benchmarks.md). */
import { createRequire } from 'node:module';
import type { SolverAPI } from 'javascript-lp-solver';

// The package's types describe its CommonJS build; load that build so types and runtime agree.
// Loaded at its first solve: most runs never use it, and loading it is a noticeable part of start-up.
let loaded: SolverAPI | undefined;
const lpSolver = (): SolverAPI => (loaded ??= createRequire(import.meta.url)('javascript-lp-solver') as SolverAPI);
import { isMip, type Backend, type LinearProgram, type SolveOptions, type SolveResult } from './types.js';

type Bound = { min?: number; max?: number; equal?: number };

const OBJ = '_obj';

export const jslpBackend: Backend = {
  name: 'javascript-lp-solver',
  // Its branch and bound returns fractional answers once its timeout passes: never given integer models.
  solvesIntegers: false,
  solve(lp: LinearProgram, options: SolveOptions = {}): SolveResult {
    if (isMip(lp)) return { status: 'error', detail: 'an integer model: javascript-lp-solver is never used for one (use HiGHS)', backend: 'javascript-lp-solver', raw: 'refused' };
    const constraints: Record<string, Bound> = {};
    const variables: Record<string, Record<string, number>> = {};
    lp.columns.forEach((c, j) => {
      const v: Record<string, number> = { [OBJ]: c.cost };
      if (Number.isFinite(c.upper)) {
        constraints[`u${j}`] = { max: c.upper };
        v[`u${j}`] = 1;
      }
      if (c.lower > 0) {
        constraints[`l${j}`] = { min: c.lower };
        v[`l${j}`] = 1;
      }
      variables[`c${j}`] = v;
    });
    lp.rows.forEach((r, i) => {
      const b: Bound = {};
      if (r.lower !== null && r.upper !== null && r.lower === r.upper) b.equal = r.lower;
      else {
        if (r.lower !== null) b.min = r.lower;
        if (r.upper !== null) b.max = r.upper;
      }
      constraints[`r${i}`] = b;
      for (const [j, coef] of r.terms) variables[`c${j}`]![`r${i}`] = coef;
    });
    const model = {
      optimize: OBJ,
      opType: lp.sense,
      constraints,
      variables,
      ...(options.timeLimitSeconds ? { timeout: options.timeLimitSeconds * 1000 } : {}),
    };
    let result: Record<string, number | boolean | undefined>;
    const started = performance.now();
    try {
      result = lpSolver().Solve(model as Parameters<SolverAPI['Solve']>[0]) as typeof result;
    } catch (e) {
      return { status: 'error', detail: String(e), backend: this.name, raw: 'exception' };
    }
    const raw = `feasible=${String(result.feasible)} bounded=${String(result.bounded)}`;
    if (!result.feasible) return { status: 'infeasible', detail: 'javascript-lp-solver found no feasible point', backend: this.name, raw };
    if (result.bounded === false) return { status: 'unbounded', detail: 'objective unbounded', backend: this.name, raw };
    const values = new Float64Array(lp.columns.length);
    for (let j = 0; j < values.length; j++) {
      const v = result[`c${j}`];
      values[j] = typeof v === 'number' ? v : 0;
    }
    // javascript-lp-solver does not flag a timeout in its result: the clock does.
    if (options.timeLimitSeconds && performance.now() - started >= options.timeLimitSeconds * 1000) {
      return { status: 'time-limit', detail: `stopped at the ${options.timeLimitSeconds} s time limit`, values, backend: this.name, raw };
    }
    return { status: 'optimal', objective: Number(result.result), values, backend: this.name, raw };
  },
};
