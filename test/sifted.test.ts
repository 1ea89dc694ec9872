/**
 * Re-solves on a working model of part of the columns (src/solver/sifted.ts) against the whole LP
 * solved from nothing at the same moved bound: the same optimum wherever the working model
 * answers, no answer where the moved LP is infeasible, and columns joining the working model as
 * the bounds move far. Random LPs of the policy's shape (a budget row over every column with
 * weights, caps on groups of columns, floors on others), maximised and minimised.
 */
import { createRequire } from 'node:module';
import type { Highs } from 'highs';
import { beforeAll, describe, expect, it } from 'vitest';
import { highsBackendOf, toModelData } from '../src/solver/highs-backend.js';
import { openParametricLp } from '../src/solver/highs.js';
import { openSifted } from '../src/solver/sifted.js';
import type { Backend, LinearProgram, Row } from '../src/solver/types.js';
import { seeded } from './helpers/seeded.js';

let h: Highs;
let fresh: Backend;
beforeAll(async () => {
  h = await (createRequire(import.meta.url)('highs') as () => Promise<Highs>)();
  fresh = highsBackendOf(h);
});

/** A random LP: `n` columns in groups of about ten, each group capped, some floored, all under a weighted budget. */
function randomLp(seed: number, n: number, sense: 'max' | 'min'): LinearProgram {
  const rnd = seeded(seed);
  const columns = Array.from({ length: n }, () => {
    const value = 1 + rnd(100);
    return { lower: 0, upper: 1 + rnd(50), cost: sense === 'max' ? value : -value };
  });
  const rows: Row[] = [];
  const weight = () => [1, 0.3, 0.4, 0.5][rnd(4)]!;
  const budget = Array.from({ length: n }, (_, j) => [j, weight()] as const);
  const demand = budget.reduce((s, [j, w]) => s + w * columns[j]!.upper, 0);
  rows.push({ terms: budget, lower: null, upper: Math.round(demand * (0.15 + rnd(30) / 100)) });
  for (let start = 0; start < n; start += 5 + rnd(10)) {
    const group = Array.from({ length: Math.min(5 + rnd(10), n - start) }, (_, k) => [start + k, 1] as const);
    const sum = group.reduce((s, [j]) => s + columns[j]!.upper, 0);
    const floor = rnd(4) === 0;
    rows.push(floor ? { terms: group, lower: Math.round(sum * 0.1), upper: null } : { terms: group, lower: null, upper: Math.round(sum * (0.2 + rnd(60) / 100)) });
  }
  return { sense, columns, rows };
}

/** The LP with row r's bounds replaced. */
function moved(lp: LinearProgram, r: number, lower: number | null, upper: number | null): LinearProgram {
  return { ...lp, rows: lp.rows.map((row, i) => (i === r ? { ...row, lower, upper } : row)) };
}

/** The bounds tried for row `row`: its active bound moved by a small to a large share, both ways. */
function probesOf(row: Row): [number | null, number | null][] {
  const b = row.upper ?? row.lower!;
  return [0.01, 0.1, 0.5, 0.9, 2, 5].flatMap((f) =>
    [b * (1 + f), b * (1 - f)].map((t): [number | null, number | null] => (row.upper !== null ? [row.lower, Math.round(t)] : [Math.round(t), row.upper])),
  );
}

describe('re-solves on the working model', () => {
  it.each([
    [1, 'max'],
    [2, 'max'],
    [3, 'min'],
    [4, 'min'],
    [5, 'max'],
  ] as const)('give the whole LP optimum at every moved bound (seed %i, %s)', (seed, sense) => {
    const lp = randomLp(seed, 400, sense);
    const data = toModelData(h, lp);
    const whole = h.createModel(data);
    whole.options.set({ output_flag: false, presolve: 'off' });
    whole.run();
    expect(whole.getModelStatus()).toBe(h.constants.modelStatus.optimal);
    let answered = 0;
    let infeasible = 0;
    let grew = 0;
    let leftOut = 0;
    // Each row's probes on a working model opened afresh (as a search starts), so that rows none of its columns are in are probed too.
    lp.rows.forEach((row, r) => {
      const sifted = openSifted(h, data, whole.getBasis(), whole.getSolution().colDual)!;
      expect(sifted).not.toBeNull();
      const started = sifted.columns();
      expect(started).toBeLessThan(lp.columns.length / 2);
      if (!sifted.hasRow(r)) leftOut++;
      for (const [lower, upper] of probesOf(row)) {
        const reference = fresh.solve(moved(lp, r, lower, upper));
        const value = sifted.objectiveWithRowBounds(r, lower, upper);
        if (reference.status !== 'optimal') {
          infeasible++;
          expect(value, `row ${r} at ${lower}..${upper}`).toBeUndefined();
          continue;
        }
        if (value === undefined) continue;
        answered++;
        expect(Math.abs(value - reference.objective), `row ${r} at ${lower}..${upper}: ${value} against ${reference.objective}`).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(reference.objective)));
      }
      if (sifted.columns() > started) grew++;
      sifted.dispose();
    });
    // Nearly every probe is answered on the working model, which took in columns as the bounds moved; rows left out at first were probed.
    const probes = lp.rows.reduce((s, row) => s + probesOf(row).length, 0);
    expect(answered).toBeGreaterThanOrEqual(0.8 * (probes - infeasible));
    expect(grew).toBeGreaterThan(lp.rows.length / 4);
    expect(leftOut).toBeGreaterThan(5);
    whole.dispose();
  });

  it('answers through the parametric LP the same as the whole LP, row by row, after many re-solves', async () => {
    const lp = randomLp(9, 600, 'max');
    const parametric = (await openParametricLp(lp))!;
    for (const [r, row] of lp.rows.entries()) {
      for (const [lower, upper] of probesOf(row).slice(0, 4)) {
        const reference = fresh.solve(moved(lp, r, lower, upper));
        const value = parametric.objectiveWithRowBounds(r, lower, upper);
        if (reference.status !== 'optimal') expect(value).toBeNull();
        else expect(Math.abs(value! - reference.objective)).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(reference.objective)));
      }
    }
    parametric.dispose();
  });

  it('is not made where most columns may move', () => {
    // Every column worth the same under a binding budget: every one is priced at zero, so any may move.
    const n = 100;
    const lp: LinearProgram = {
      sense: 'max',
      columns: Array.from({ length: n }, () => ({ lower: 0, upper: 10, cost: 5 })),
      rows: [{ terms: Array.from({ length: n }, (_, j) => [j, 1] as const), lower: null, upper: 500 }],
    };
    const data = toModelData(h, lp);
    const whole = h.createModel(data);
    whole.options.set({ output_flag: false, presolve: 'off' });
    whole.run();
    expect(openSifted(h, data, whole.getBasis(), whole.getSolution().colDual)).toBeNull();
  });
});

describe('the matrix of LPs made again from the same rows’ terms', () => {
  it('is made once, and made anew where any row’s terms or the columns differ', () => {
    const lp = randomLp(21, 50, 'max');
    const a = toModelData(h, lp);
    // The same terms at other bounds (a re-solve): the same arrays.
    const b = toModelData(h, moved(lp, 1, null, 3));
    expect(b.matrix.indices).toBe(a.matrix.indices);
    expect(b.rowUpper[1]).toBe(3);
    // Another row's terms (equal numbers, another array), or a row more: made from those.
    const c = toModelData(h, { ...lp, rows: lp.rows.map((r, i) => (i === 2 ? { ...r, terms: r.terms.map(([j]) => [j, 2] as const) } : r)) });
    expect(c.matrix.indices).not.toBe(a.matrix.indices);
    expect(Array.from(c.matrix.values as Float64Array).filter((v) => v === 2)).toHaveLength(lp.rows[2]!.terms.length);
    const d = toModelData(h, { ...lp, rows: [...lp.rows, { terms: [[0, 1]], lower: null, upper: 1 }] });
    expect(d.matrix.starts).toHaveLength(lp.rows.length + 2);
    const e = toModelData(h, { ...lp, columns: [...lp.columns, { lower: 0, upper: 1, cost: 1 }] });
    expect(e.matrix.numCols).toBe(lp.columns.length + 1);
    expect(e.matrix.indices).not.toBe(a.matrix.indices);
  });
});

describe('re-solves moving rows left out of the working model, after other re-solves', () => {
  it('are answered on the working model, each the whole LP’s optimum', () => {
    // Forty columns worth 1 to 40, each up to 1, under a budget of 10.5; two rows over the best
    // columns that leave the optimum alone, so neither is in the working model at first.
    const n = 40;
    const lp: LinearProgram = {
      sense: 'max',
      columns: Array.from({ length: n }, (_, j) => ({ lower: 0, upper: 1, cost: j + 1 })),
      rows: [
        { terms: Array.from({ length: n }, (_, j) => [j, 1] as const), lower: null, upper: 10.5 },
        { terms: [[35, 1], [36, 1]], lower: null, upper: 5 },
        { terms: [[38, 1], [39, 1]], lower: null, upper: 5 },
      ],
    };
    const data = toModelData(h, lp);
    const whole = h.createModel(data);
    whole.options.set({ output_flag: false, presolve: 'off' });
    whole.run();
    const sifted = openSifted(h, data, whole.getBasis(), whole.getSolution().colDual)!;
    expect(sifted.hasRow(1)).toBe(false);
    expect(sifted.hasRow(2)).toBe(false);
    // The budget tightened below what the held columns take makes the working model infeasible
    // (no answer: the whole model answers); every probe of the rows left out is answered.
    const probes: [number, number][] = [[0, 10.4], [2, 1.5], [0, 9], [1, 0.5], [2, 4], [0, 10.45], [1, 2], [2, 0.25]];
    for (const [r, upper] of probes) {
      const reference = fresh.solve(moved(lp, r, null, upper));
      if (reference.status !== 'optimal') throw new Error(reference.status);
      const value = sifted.objectiveWithRowBounds(r, null, upper);
      if (r === 0 && value === undefined) continue;
      expect(value, `row ${r} at ${upper}`).toBeCloseTo(reference.objective, 9);
    }
    sifted.dispose();
    whole.dispose();
  });
});
