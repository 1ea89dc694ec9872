/** A backend that answers like HiGHS stopped by its time limit at the optimum, its bound 1% above it. */
import type { Backend } from '../../src/solver/types.js';

export function stoppedAtTimeLimit(highs: Backend): Backend {
  return {
    name: 'highs (stopped)',
    solvesIntegers: true,
    solve(lp, options) {
      const r = highs.solve(lp, options);
      if (r.status !== 'optimal') return r;
      return { status: 'time-limit', detail: 'time limit reached', values: r.values, mip: { bound: r.objective * 1.01, gap: 0.01 / 1.01 }, backend: this.name, raw: 'time limit reached' };
    },
  };
}
