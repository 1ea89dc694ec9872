/**
 * The kept optimum of openNetworkParametric brought back after each warm re-solve by copying only
 * the arcs the re-solve touched (Simplex.startTouched), or everything after a change of bound
 * scale: a query asked again, after other rows' queries (on the plan's scale and finer, continued
 * from kept points or not), answers the same and, started from the kept optimum both times, takes
 * the very same pivots (a state restored wrongly in any arc would show in the path or the answer).
 */
import { describe, expect, it } from 'vitest';

import { mulberry32 } from '../scripts/synthetic.js';
import { randomInstance } from './helpers/network-instances.js';
import { networkOf, openNetworkParametric, solveNetwork } from '../src/solver/network.js';

describe('warm re-solves: the kept optimum restored from the touched arcs', () => {
  it('answers a query the same way, with the same pivots, after any other queries', () => {
    let compared = 0;
    let finer = 0;
    for (let i = 0; i < 40; i++) {
      const { lp } = randomInstance(900 + i, 8 + ((i * 37) % 220), { zeroLower: i % 4 === 0 });
      const plan = networkOf(lp)!;
      if (solveNetwork(plan).status !== 'optimal') continue;
      const par = openNetworkParametric(plan)!;
      const rand = mulberry32(i + 7);
      const bounded = lp.rows.map((row, r) => [row, r] as const).filter(([row]) => row.upper !== null || row.lower !== null);
      if (bounded.length < 2) continue;
      const ask = (r: number, t: number) => {
        const row = lp.rows[r]!;
        const [pivots, continued] = [par.stats.pivots, par.stats.continued];
        const v = row.upper !== null ? par.objectiveWithRowBounds(r, row.lower, t) : par.objectiveWithRowBounds(r, t, row.upper);
        return { v, pivots: par.stats.pivots - pivots, continued: par.stats.continued > continued };
      };
      const point = (r: number): number => {
        const row = lp.rows[r]!;
        const b = row.upper ?? row.lower!;
        const k = Math.floor(rand() * 4);
        // Up and down from the bound; the last kind with more decimals than the LP's bounds (a finer scale).
        if (k === 3) finer++;
        return [b * 1.5 + 1, Math.max(0, b * 0.5), b + 2, Math.max(0, Math.round(b * 0.8 * 1000) / 1000 + 0.000123)][k]!;
      };
      const [, anchorRow] = bounded[Math.floor(rand() * bounded.length)]!;
      const anchorAt = point(anchorRow);
      const first = ask(anchorRow, anchorAt);
      for (let k = 0; k < 25; k++) {
        // One to three queries on other rows (some continue from points kept on their row), then the anchor again.
        for (let q = 1 + Math.floor(rand() * 3); q > 0; q--) {
          const [, r] = bounded[Math.floor(rand() * bounded.length)]!;
          if (r !== anchorRow) ask(r, point(r));
        }
        const again = ask(anchorRow, anchorAt);
        expect(again.v, `instance ${i}, query ${k}`).toBe(first.v);
        if (!again.continued && !first.continued) {
          expect(again.pivots, `instance ${i}, query ${k}`).toBe(first.pivots);
          compared++;
        }
      }
      par.dispose();
    }
    expect(compared).toBeGreaterThan(200);
    expect(finer).toBeGreaterThan(100);
  });
});
