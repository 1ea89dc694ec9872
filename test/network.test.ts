/**
 * The exact network simplex (src/solver/network.ts) against HiGHS: detection, random LPs of
 * the allocation model's shape (primary objective, exact feasibility, the lexicographic
 * secondary objective against HiGHS's stage two, infeasibility), duals (feasibility,
 * complementary slackness, agreement with HiGHS where unique) and the basis (HiGHS accepts it
 * with no iteration). Prints, and does not assert, the time for 20,000 columns.
 */
import { beforeAll, describe, expect, it } from 'vitest';

import { networkOf, solveNetwork, whyNotNetwork } from '../src/solver/network.js';
import { checkDuals, checkFeasible, compare, initHighs, relClose, solveHighs } from './helpers/highs-compare.js';
import { randomInstance } from './helpers/network-instances.js';
import type { Column, LinearProgram, Row } from '../src/solver/types.js';

beforeAll(initHighs);

// ---------------------------------------------------------------- tests

const row = (cols: number[], lower: number | null, upper: number | null): Row => ({ terms: cols.map((j) => [j, 1] as const), lower, upper });
const cols = (k: number, cost = 1): Column[] => Array.from({ length: k }, (_, j) => ({ lower: 0, upper: 10, cost: cost + j }));

describe('detection', () => {
  it('accepts two laminar families (crossing rows split, nested and identical rows chained)', () => {
    const lp: LinearProgram = {
      sense: 'max',
      columns: cols(6),
      rows: [row([0, 1, 2], null, 12), row([3, 4, 5], null, 12), row([0, 3], null, 9), row([1, 2, 4, 5], null, 15), row([1, 2, 4, 5], 3, null), row([0, 1, 2, 3, 4, 5], null, 30), row([1], null, 4)],
    };
    expect(whyNotNetwork(lp)).toBeNull();
    const plan = networkOf(lp)!;
    expect(plan.reason).toMatch(/two laminar families/);
    // The company rows and the measure rows cross, so they are in different families.
    expect(plan.family[0]).toBe(plan.family[1]);
    expect(plan.family[2]).not.toBe(plan.family[0]);
    expect(plan.family[3]).toBe(plan.family[2]);
    expect(plan.family[4]).toBe(plan.family[3]);
  });

  it('refuses three mutually crossing rows, with a reason naming them', () => {
    const lp: LinearProgram = { sense: 'max', columns: cols(3), rows: [row([0, 1], null, 5), row([1, 2], null, 5), row([0, 2], null, 5)] };
    expect(networkOf(lp)).toBeNull();
    expect(whyNotNetwork(lp)).toMatch(/rows 0, 1, 2|rows \d, \d, \d/);
    expect(whyNotNetwork(lp)).toMatch(/odd cycle/);
  });

  it('refuses a coefficient other than 1', () => {
    const lp: LinearProgram = { sense: 'max', columns: cols(2), rows: [{ terms: [[0, 1], [1, 2]], lower: null, upper: 5 }] };
    expect(networkOf(lp)).toBeNull();
    expect(whyNotNetwork(lp)).toMatch(/coefficient 2/);
  });

  it('refuses bounds or costs that no power of ten up to 10^6 makes integers', () => {
    const third: LinearProgram = { sense: 'max', columns: [{ lower: 0, upper: 1 / 3, cost: 1 }], rows: [row([0], null, 1)] };
    expect(whyNotNetwork(third)).toMatch(/bound is not a decimal/);
    const cost: LinearProgram = { sense: 'max', columns: [{ lower: 0, upper: 1, cost: Math.PI }], rows: [row([0], null, 1)] };
    expect(whyNotNetwork(cost)).toMatch(/cost is not a decimal/);
    const huge: LinearProgram = { sense: 'max', columns: [{ lower: 0, upper: 2 ** 52, cost: 1 }, { lower: 0, upper: 2 ** 52, cost: 1 }], rows: [row([0, 1], null, 2 ** 52)] };
    expect(whyNotNetwork(huge)).toMatch(/2\^53/);
    const mip: LinearProgram = { sense: 'max', columns: [{ lower: 0, upper: 1, cost: 1, integer: true }], rows: [] };
    expect(whyNotNetwork(mip)).toMatch(/integer/);
  });

  it('refuses an LP made again from the same columns and rows as it refused the first, and reads it again where what it read differs', () => {
    // One set of columns and row terms, as re-solves at other amounts share them; rows 0–1 pass, row 2 is refused.
    const columns = cols(4);
    const terms: Row['terms'][] = [row([0, 1], null, 5).terms, row([2, 3], null, 5).terms, [[0, 0.4], [2, 0.4]], row([1, 3], null, 5).terms, [[1, 2]]];
    const lpWith = (bounds: readonly (readonly [number | null, number | null])[]): LinearProgram => ({ sense: 'max', columns, rows: terms.map((t, r) => ({ terms: t, lower: bounds[r]![0], upper: bounds[r]![1] })) });
    // The same LP with its own columns array: analysed from nothing.
    const fresh = (lp: LinearProgram) => whyNotNetwork({ ...lp, columns: lp.columns.map((c) => ({ ...c })) });
    const first = lpWith([[null, 5], [null, 5], [null, 7], [null, 5], [null, 1]]);
    expect(whyNotNetwork(first)).toMatch(/^row 2 has coefficient 0\.4/);
    // In order: each is checked against the refusal kept last (one per columns array).
    const variants: (readonly [number | null, number | null])[][] = [
      [[null, 6], [null, 4], [null, 9], [null, 8], [null, 1]], // other amounts, the same kinds: refused the same, not read
      [[null, 6], [null, 4], [null, 9], [1, null], [null, null]], // rows after the refused one differ: the same, not read
      [[null, 6], [null, 4], [0, 9], [null, 8], [null, 1]], // a lower bound too, still finite: read again, refused at row 2
      [[null, 6], [null, 4], [null, null], [null, 8], [null, 1]], // row 2 without bounds is skipped: row 4 is refused
      [[null, 6], [null, Number.NaN], [null, 9], [null, 8], [null, 1]], // a bound that is not a number: row 1 is refused
      [[null, 6], [null, 4], [null, -Infinity], [null, 8], [null, 1]], // not a bound of its side: row 2 refused for its bound
    ];
    for (const b of variants) {
      const lp = lpWith(b);
      expect(whyNotNetwork(lp)).toBe(fresh(lp));
    }
    expect(whyNotNetwork(lpWith(variants[2]!))).toMatch(/^row 2 has coefficient 0\.4/);
    expect(whyNotNetwork(lpWith(variants[3]!))).toMatch(/^row 4 has coefficient 2/);
    expect(whyNotNetwork(lpWith(variants[4]!))).toMatch(/^row 1 has a bound that is not a finite number/);
    expect(whyNotNetwork(lpWith(variants[5]!))).toMatch(/^row 2 has a bound that is not a finite number/);
    // The refusal is used: after one at row 2, an LP of the same kinds is not read past it (its row 4's terms are never asked for).
    expect(whyNotNetwork(lpWith(variants[0]!))).toMatch(/^row 2 has coefficient 0\.4/);
    let reads = 0;
    const counted = lpWith(variants[0]!);
    const watched: LinearProgram = { ...counted, rows: counted.rows.map((r, k) => (k === 4 ? { lower: r.lower, upper: r.upper, get terms() { return (reads++, r.terms); } } : r)) };
    expect(whyNotNetwork(watched)).toMatch(/^row 2 has coefficient 0\.4/);
    expect(reads).toBe(0);
    expect(fresh(watched)).toMatch(/^row 2 has coefficient 0\.4/);
    expect(reads).toBeGreaterThan(0);
    // Other terms in a row read before the refused one: read again (here, a network LP).
    const network: LinearProgram = { ...first, rows: first.rows.map((r, k) => (k === 2 ? row([0, 2], null, 7) : k === 4 ? row([1], null, 1) : r)) };
    expect(whyNotNetwork(network)).toBeNull();
    // Columns refused: any rows with the same columns are refused the same.
    const mipColumns: Column[] = [{ lower: 0, upper: 1, cost: 1, integer: true }];
    expect(whyNotNetwork({ sense: 'max', columns: mipColumns, rows: [] })).toMatch(/integer/);
    expect(whyNotNetwork({ sense: 'max', columns: mipColumns, rows: [row([0], null, 1)] })).toMatch(/integer/);
  });

  it('solves small hand-made LPs: a binding ceiling, an unmet floor, a free row', () => {
    // max x0 + 2 x1, x ≤ 3 each, x0 + x1 ≤ 4, x1 ≥ 1; a row without bounds is left out.
    const lp: LinearProgram = { sense: 'max', columns: [{ lower: 0, upper: 3, cost: 1 }, { lower: 0, upper: 3, cost: 2 }], rows: [row([0, 1], null, 4), row([1], 1, null), { terms: [[0, 5]], lower: null, upper: null }] };
    const sol = solveNetwork(networkOf(lp)!);
    expect(sol.status).toBe('optimal');
    expect(Array.from(sol.values)).toEqual([1, 3]);
    expect(sol.objective).toBe(7);
    expect(Array.from(sol.duals)).toEqual([1, 0, 0]);
    expect(Array.from(sol.basis.colStatus)).toEqual([1, 2]);
    expect(Array.from(sol.basis.rowStatus)).toEqual([2, 1, 1]);
    const infeasible: LinearProgram = { ...lp, rows: [row([0, 1], null, 4), row([1], 5, null)] };
    expect(solveNetwork(networkOf(infeasible)!).status).toBe('infeasible');
  });

  it('breaks ties by the secondary objective, exactly', () => {
    // max x0 + x1 + x2 with x0 + x1 + x2 ≤ 1.5: every split is optimal; the secondary picks one.
    const lp: LinearProgram = { sense: 'max', columns: [0, 1, 2].map(() => ({ lower: 0, upper: 1, cost: 1 })), rows: [row([0, 1, 2], null, 1.5)] };
    const plan = networkOf(lp)!;
    expect(Array.from(solveNetwork(plan, [3, 2, 1]).values)).toEqual([1, 0.5, 0]);
    expect(Array.from(solveNetwork(plan, [1, 2, 3]).values)).toEqual([0, 0.5, 1]);
    const sol = solveNetwork(plan, [0.5, 0, 0.25]);
    expect(Array.from(sol.values)).toEqual([1, 0, 0.5]);
    expect(sol.objective).toBe(1.5);
    expect(sol.secondaryObjective).toBe(0.625);
    expect(() => solveNetwork(plan, [1 / 3, 0, 0])).toThrow(RangeError);
    expect(() => solveNetwork(plan, [1, 2])).toThrow(RangeError);
  });
});

describe('random LPs of the allocation shape, against HiGHS', () => {
  it('agrees on 240 instances of 1–200 columns (objective, feasibility, secondary, duals, basis)', () => {
    let optimal = 0;
    let infeasible = 0;
    let pivots = 0;
    for (let i = 0; i < 240; i++) {
      const size = 1 + ((i * 37) % 200);
      const inst = randomInstance(1000 + i, size, { hostile: i % 5 === 4, infeasible: i % 11 === 10, zeroLower: i % 7 === 3, fixedRows: i % 6 === 1 });
      try {
        const out = compare(inst);
        if (out.status === 'optimal') optimal++;
        else {
          infeasible++;
          expect(inst.overFloored || inst.lp.columns.some((c) => c.lower > 0) || inst.lp.rows.some((r) => r.upper === 0 || (r.lower ?? 0) > 0)).toBe(true);
        }
        pivots += out.pivots;
      } catch (e) {
        throw new Error(`instance ${i} (seed ${1000 + i}, ${size} columns): ${String(e)}`);
      }
    }
    console.log(`random LPs: ${optimal} optimal, ${infeasible} infeasible, ${pivots} pivots`);
    expect(optimal).toBeGreaterThan(150);
    expect(infeasible).toBeGreaterThan(10);
  });

  it('agrees on 120 degenerate instances (ceilings and floors at the caps: artificial arcs end in the tree)', () => {
    let pivots = 0;
    for (let i = 0; i < 120; i++) {
      const inst = randomInstance(7000 + i, 1 + ((i * 13) % 120), { tight: true, zeroLower: i % 2 === 1, fixedRows: i % 4 === 2 });
      try {
        pivots += compare(inst).pivots;
      } catch (e) {
        throw new Error(`degenerate instance ${i} (seed ${7000 + i}): ${String(e)}`);
      }
    }
    console.log(`degenerate LPs: ${pivots} pivots`);
  });

  it('duals agree with HiGHS wherever they are unique (non-degenerate optimum)', () => {
    let compared = 0;
    for (let i = 0; i < 150; i++) {
      const inst = randomInstance(5000 + i, 2 + (i % 30), { distinct: true });
      const out = compare(inst, { stageTwo: false });
      if (out.nondegenerate) compared++;
    }
    console.log(`duals compared with HiGHS on ${compared} non-degenerate instances`);
    expect(compared).toBeGreaterThan(20);
  });

  it('agrees at 2,000 and 5,000 columns', () => {
    for (const [seed, size] of [[77, 2000], [78, 2000], [79, 5000]] as const) {
      const inst = randomInstance(seed, size);
      compare(inst, { stageTwo: size <= 2000, basis: size <= 2000 });
    }
    compare(randomInstance(80, 2000, { infeasible: true }));
  });
});

describe('20,000 columns', () => {
  it('matches HiGHS, and prints the time', () => {
    // Warm the JIT on other instances of the same shape first; then time detection and solve.
    for (let i = 0; i < 3; i++) {
      const warm = randomInstance(4300 + i, 20_000);
      solveNetwork(networkOf(warm.lp)!, warm.secondary);
    }
    const inst = randomInstance(4242, 20_000);
    const nnz = inst.lp.rows.reduce((t, r) => t + r.terms.length, 0);
    const t0 = performance.now();
    const plan = networkOf(inst.lp);
    const t1 = performance.now();
    expect(plan).not.toBeNull();
    const sol = solveNetwork(plan!, inst.secondary);
    const t2 = performance.now();
    const ref = solveHighs(inst.lp);
    const t3 = performance.now();
    console.log(
      `20,000 columns × ${inst.lp.rows.length} rows (${nnz} nonzeros): detect ${(t1 - t0).toFixed(1)} ms + solve ${(t2 - t1).toFixed(1)} ms ` +
        `(${sol.pivots} pivots, after warm-up); HiGHS ${(t3 - t2).toFixed(0)} ms`,
    );
    expect(sol.status).toBe('optimal');
    expect(relClose(sol.objective, ref.objective, 1e-9)).toBe(true);
    checkFeasible(plan!, sol.values);
    checkDuals(plan!, sol);
  });
});
