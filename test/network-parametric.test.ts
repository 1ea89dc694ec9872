/**
 * The network simplex kept open for sensitivity questions (openNetworkParametric, the
 * ParametricLp of src/model/marginal.ts): warm re-solves after one row's bounds change, against a
 * cold solveNetwork of the changed LP (exactly) and HiGHS (1e-9 relative); the kept optimum
 * restored between calls (repeated and reordered calls answer the same); the ranging of each row's
 * active bound checked by re-solves on non-degenerate instances (the slope holds inside, changes
 * just beyond); 100 re-solves at 20,000 columns timed (printed, not asserted).
 */
import { beforeAll, describe, expect, it } from 'vitest';

import { createHighsBackend } from '../src/solver/highs.js';
import { mulberry32 } from '../scripts/synthetic.js';
import { randomInstance as randomLp } from './helpers/network-instances.js';
import { networkOf, openNetworkParametric, solveNetwork, type NetworkParametricLp, type NetworkSolution } from '../src/solver/network.js';
import type { Backend, LinearProgram, Row } from '../src/solver/types.js';

let highs: Backend;
beforeAll(async () => {
  highs = await createHighsBackend();
});

type Options = { distinct?: boolean; hostile?: boolean; zeroLower?: boolean; fixedRows?: boolean; tight?: boolean };
/** A random LP of the model's shape (test/helpers/network-instances.ts). */
const randomInstance = (seed: number, columns: number, opts: Options = {}): LinearProgram => randomLp(seed, columns, opts).lp;

// ---------------------------------------------------------------- references

function withRow(lp: LinearProgram, r: number, lower: number | null, upper: number | null): LinearProgram {
  const rows = lp.rows.slice();
  rows[r] = { ...rows[r]!, lower, upper };
  return { sense: lp.sense, columns: lp.columns, rows };
}

/** A cold network solve: the objective, or null when infeasible. */
function cold(lp: LinearProgram): number | null {
  const plan = networkOf(lp);
  if (!plan) throw new Error('the changed LP is not a network LP');
  const s = solveNetwork(plan);
  return s.status === 'optimal' ? s.objective : null;
}

function viaHighs(lp: LinearProgram): number | null {
  const r = highs.solve(lp);
  if (r.status === 'optimal') return r.objective;
  if (r.status === 'infeasible' || r.status === 'unbounded') return null; // bounded columns: unbounded-or-infeasible is infeasible
  throw new Error(`HiGHS: ${r.status} ${'detail' in r ? r.detail : ''}`);
}

/**
 * The bound the parametric LP solves with (its documented rule): the decimal at the smallest k ≤ 6
 * where v × 10^k is within 1e-12 (relatively) of an integer, as the plan takes the LP's bounds;
 * any other double rounded at 10^-6.
 */
function asSolved(v: number | null): number | null {
  if (v === null || !Number.isFinite(v)) return v;
  for (let k = 0; k <= 6; k++) {
    const t = v * 10 ** k;
    if (Math.abs(t - Math.round(t)) <= 1e-12 * Math.max(1, Math.abs(t))) return Math.round(t) / 10 ** k;
  }
  return Math.round(v * 1e6) / 1e6;
}

function relClose(a: number, b: number, rel: number): boolean {
  return Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Row activities (sums of values). */
function activities(lp: LinearProgram, values: ArrayLike<number>, scale: number): number[] {
  return lp.rows.map((r) => r.terms.reduce((t, [j, v]) => t + v * Math.round(values[j]! * scale), 0) / scale);
}

// ---------------------------------------------------------------- queries

type Query = readonly [row: number, lower: number | null, upper: number | null, kind: string];

/** Bound changes of every kind for row r (raise and lower each bound, cut the flow, infeasible floors, no bound, odd decimals). */
function queriesFor(rand: () => number, lp: LinearProgram, r: number, activity: number): Query[] {
  const row = lp.rows[r]!;
  const cap = row.terms.reduce((t, [j]) => t + lp.columns[j]!.upper, 0);
  const lo = row.lower;
  const hi = row.upper;
  const four = (x: number) => Math.round(x * 1e4) / 1e4; // may need more places than the plan's scale
  const active = hi ?? lo ?? 0;
  const all: Query[] = [
    [r, lo, four((hi ?? activity) + 1 + rand() * cap * 0.5), 'raise ceiling'],
    [r, lo, four((hi ?? activity) * rand()), 'lower ceiling'],
    [r, lo, activity, 'ceiling at activity'],
    [r, four((lo ?? 0) + rand() * (cap - (lo ?? 0)) * 1.1), hi, 'raise floor'],
    [r, lo === null ? null : four(lo * rand()), hi, 'lower floor'],
    [r, activity, hi, 'floor at activity'],
    [r, four(cap + 1 + rand()), hi, 'infeasible floor'],
    [r, lo, null, 'no ceiling'],
    [r, null, hi, 'no floor'],
    [r, null, null, 'no bounds'],
    [r, four(rand() * cap), null, 'floor only'],
    ...(() => {
      const v = four(rand() * cap);
      return [[r, v, v, 'fixed'] as Query];
    })(),
    [r, hi === null ? active + (1 + Math.floor(rand() * 9)) * 1e-6 : lo, hi === null ? hi : active - (1 + Math.floor(rand() * 9)) * 1e-6, 'six places'],
    [r, hi === null ? active + rand() * 3 : lo, hi === null ? hi : active + (rand() - 0.5) * 3, 'not a decimal'],
    [r, lo, 1e9, 'huge ceiling'],
    [r, lo, hi, 'as is'],
  ];
  return all;
}

interface Checked {
  readonly answers: (number | null)[];
  readonly infeasible: number;
}

/** Every query against the cold solve (exactly), every `highsEvery`-th against HiGHS (1e-9), then the same queries reversed. */
function checkQueries(lp: LinearProgram, P: NetworkParametricLp, queries: readonly Query[], highsEvery: number): Checked {
  const answers: (number | null)[] = [];
  let infeasible = 0;
  for (const [i, [r, l, u, kind]] of queries.entries()) {
    const useHighs = i % highsEvery === 0;
    const warm = P.objectiveWithRowBounds(r, l, u);
    const changed = withRow(lp, r, asSolved(l), asSolved(u));
    const ref = cold(changed);
    if (!Object.is(warm, ref)) throw new Error(`row ${r} [${l}, ${u}] (${kind}): warm ${warm} ≠ cold ${ref}`);
    if (useHighs && !(l !== null && u !== null && l > u)) {
      const h = viaHighs(changed);
      if ((h === null) !== (warm === null) || (h !== null && !relClose(warm!, h, 1e-9))) throw new Error(`row ${r} [${l}, ${u}] (${kind}): warm ${warm} ≠ HiGHS ${h}`);
    }
    if (warm === null) infeasible++;
    answers.push(warm);
  }
  // The kept optimum is restored after every call: the same answers in the reverse order, and twice.
  for (let i = queries.length - 1; i >= 0; i--) {
    const [r, l, u] = queries[i]!;
    expect(P.objectiveWithRowBounds(r, l, u)).toBe(answers[i]);
    expect(P.objectiveWithRowBounds(r, l, u)).toBe(answers[i]);
  }
  return { answers, infeasible };
}

function open(lp: LinearProgram): { P: NetworkParametricLp | null; sol: NetworkSolution } {
  const plan = networkOf(lp);
  expect(plan).not.toBeNull();
  return { P: openNetworkParametric(plan!), sol: solveNetwork(plan!) };
}

// ---------------------------------------------------------------- tests

const row = (cols: number[], lower: number | null, upper: number | null): Row => ({ terms: cols.map((j) => [j, 1] as const), lower, upper });

describe('a small LP by hand', () => {
  // max x0 + 2 x1, 0 ≤ x ≤ 3, x0 + x1 ≤ 4, x1 ≥ 1; row 2 has no bound (and a coefficient 5: not a network row).
  const lp: LinearProgram = {
    sense: 'max',
    columns: [{ lower: 0, upper: 3, cost: 1 }, { lower: 0, upper: 3, cost: 2 }],
    rows: [row([0, 1], null, 4), row([1], 1, null), { terms: [[0, 5]], lower: null, upper: null }],
  };

  it('gives the objective, duals and ranges of the optimum', () => {
    const P = openNetworkParametric(networkOf(lp)!)!;
    expect(P.objective).toBe(7);
    expect(Array.from(P.duals)).toEqual([1, 0, 0]);
    // Row 0 binds: x0 takes the change until it hits 3 (above) or 0 (below).
    expect([P.rangeDown[0], P.rangeUp[0]]).toEqual([3, 6]);
    // Row 1 (a floor, slack: x1 = 3): the floor can rise to 3, fall without end; row 2 is free.
    expect([P.rangeDown[1], P.rangeUp[1]]).toEqual([-Infinity, 3]);
    expect([P.rangeDown[2], P.rangeUp[2]]).toEqual([-Infinity, Infinity]);
  });

  it('re-solves with a row’s bounds replaced, restoring the optimum after each', () => {
    const P = openNetworkParametric(networkOf(lp)!)!;
    expect(P.objectiveWithRowBounds(0, null, 5)).toBe(8);
    expect(P.objectiveWithRowBounds(0, null, 2)).toBe(4); // x1 = 2 (the better column keeps it)
    expect(P.objectiveWithRowBounds(0, null, 0.5)).toBeNull(); // below the floor x1 ≥ 1
    expect(P.objectiveWithRowBounds(0, null, null)).toBe(9);
    expect(P.objectiveWithRowBounds(0, 2, 2)).toBe(4);
    expect(P.objectiveWithRowBounds(0, 5, null)).toBe(9); // a floor instead of a ceiling
    expect(P.objectiveWithRowBounds(1, 3.5, null)).toBeNull(); // x1 ≤ 3
    expect(P.objectiveWithRowBounds(1, 2.5, null)).toBe(7);
    expect(P.objectiveWithRowBounds(1, null, 0.25)).toBe(3.5); // a ceiling on x1 now: x0 = 3, x1 = 0.25
    expect(P.objectiveWithRowBounds(0, -Infinity, Infinity)).toBe(9);
    expect(P.objectiveWithRowBounds(0, Infinity, null)).toBeNull();
    expect(P.objectiveWithRowBounds(0, 3, 2)).toBeNull();
    expect(P.objectiveWithRowBounds(2, null, null)).toBe(7);
    expect(() => P.objectiveWithRowBounds(2, 0, 1)).toThrow(/not a network LP/);
    expect(() => P.objectiveWithRowBounds(3, 0, 1)).toThrow(RangeError);
    expect(P.objectiveWithRowBounds(0, null, 4)).toBe(7);
    expect(P.stats.cold).toBe(1); // the row outside the network only
  });

  it('is exact for bounds finer than the plan’s scale, and rounds other doubles at 10^-6', () => {
    const P = openNetworkParametric(networkOf(lp)!)!;
    expect(networkOf(lp)!.boundScale).toBe(1);
    expect(P.objectiveWithRowBounds(0, null, 4.5)).toBe(7.5);
    expect(P.objectiveWithRowBounds(0, null, 4.000001)).toBe(7.000001);
    expect(P.objectiveWithRowBounds(0, null, 4 + 1 / 3)).toBe(7.333333); // 4.333333… → 4.333333
    expect(P.objectiveWithRowBounds(0, null, 4 + 2 / 3)).toBe(7.666667);
    expect(P.objectiveWithRowBounds(0, null, 4 + 1e-7)).toBe(7);
    expect(P.objectiveWithRowBounds(0, null, 2 + 1 / 3)).toBe(4.666666); // x1 = 2.333333, x0 = 0
    expect(P.objectiveWithRowBounds(0, null, 4)).toBe(7);
  });

  it('works for a min LP and for an infeasible one', () => {
    const min: LinearProgram = { ...lp, sense: 'min' };
    const P = openNetworkParametric(networkOf(min)!)!;
    expect(P.objective).toBe(2); // x1 = 1 (its floor), x0 = 0
    expect(P.duals[1]).toBe(2);
    expect(P.objectiveWithRowBounds(1, 2, null)).toBe(4);
    expect(P.objectiveWithRowBounds(0, 3, 4)).toBe(4); // x0 + x1 ≥ 3 with x1 ≥ 1: x0 = 2, x1 = 1
    const infeasible: LinearProgram = { ...lp, rows: [row([0, 1], null, 4), row([1], 5, null)] };
    expect(openNetworkParametric(networkOf(infeasible)!)).toBeNull();
  });
});

describe('random LPs of the allocation shape', () => {
  it('answers every bound change as a cold solve does (exactly) and HiGHS (1e-9), on 190 instances', () => {
    let instances = 0;
    let queries = 0;
    let infeasible = 0;
    let skipped = 0;
    let pivots = 0;
    for (let i = 0; i < 190; i++) {
      const seed = 9100 + i;
      const size = i < 175 ? 1 + ((i * 41) % 300) : 600 + 100 * (i - 175);
      const opts: Options = { hostile: i % 5 === 4, zeroLower: i % 7 === 3, fixedRows: i % 6 === 1, tight: i % 9 === 5, distinct: i % 4 === 2 };
      const lp = randomInstance(seed, size, opts);
      try {
        const { P, sol } = open(lp);
        if (sol.status === 'infeasible') {
          expect(P).toBeNull();
          skipped++;
          continue;
        }
        expect(P).not.toBeNull();
        const p = P!;
        // As solveNetwork gives them.
        expect(p.objective).toBe(sol.objective);
        expect(Array.from(p.duals)).toEqual(Array.from(sol.duals));
        const duals = Array.from(p.duals);
        const plan = networkOf(lp)!;
        const act = activities(lp, sol.values, plan.boundScale);
        const rand = mulberry32(seed * 7 + 1);
        const rows = Array.from({ length: Math.min(lp.rows.length, 3) }, () => Math.floor(rand() * lp.rows.length));
        const qs: Query[] = [];
        for (const r of rows) {
          const all = queriesFor(rand, lp, r, act[r]!);
          // Small instances: every kind; larger ones: a sample.
          for (const q of all) if (size <= 300 || rand() < 0.25) qs.push(q);
        }
        const out = checkQueries(lp, p, qs, size <= 300 ? 3 : 6);
        queries += qs.length;
        infeasible += out.infeasible;
        // The original bounds give the optimum back; objective and duals untouched.
        for (const r of rows) expect(p.objectiveWithRowBounds(r, lp.rows[r]!.lower, lp.rows[r]!.upper)).toBe(sol.objective);
        expect(p.objective).toBe(sol.objective);
        expect(Array.from(p.duals)).toEqual(duals);
        expect(p.stats.cold).toBe(0); // every answer warm
        pivots += p.stats.pivots;
        instances++;
      } catch (e) {
        throw new Error(`instance ${i} (seed ${seed}, ${size} columns, ${JSON.stringify(opts)}): ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    console.log(`${instances} instances (${skipped} infeasible skipped): ${queries} bound changes (${infeasible} infeasible), each checked twice more; ${pivots} warm pivots in all`);
    expect(instances).toBeGreaterThanOrEqual(150);
    expect(infeasible).toBeGreaterThan(100);
  });
});

/**
 * A walk's 60 random instances (seeds from `first`, sizes `sizeOf(i)`, every kind of instance in
 * turn), each with its parametric LP open at the optimum: those that have one.
 */
function* walkInstances(first: number, sizeOf: (i: number) => number) {
  for (let i = 0; i < 60; i++) {
    const seed = first + i;
    const opts: Options = { hostile: i % 5 === 4, zeroLower: i % 7 === 3, fixedRows: i % 6 === 1, tight: i % 3 === 0, distinct: i % 4 === 2 };
    const lp = randomInstance(seed, sizeOf(i), opts);
    const { P, sol } = open(lp);
    if (sol.status === 'infeasible') continue;
    yield { i, seed, lp, p: P!, sol, act: activities(lp, sol.values, networkOf(lp)!.boundScale) };
  }
}

describe('walks along one row', () => {
  // The range search of src/model/marginal.ts asks one row at points moving away from its bound
  // (doubling, then bisecting back); a call whose bounds only widen those of an earlier answer on
  // the row continues from that answer's optimum. Each answer against a cold solve (exactly).
  it('answers each point as a cold solve does, continuing from earlier points of the row, on 60 instances', () => {
    let continued = 0;
    let asked = 0;
    for (const { i, seed, lp, p, sol, act } of walkInstances(7300, (i) => (i < 56 ? 2 + ((i * 37) % 250) : 600 + 200 * (i - 56)))) {
      const rand = mulberry32(seed * 11 + 3);
      for (let n = 0; n < Math.min(lp.rows.length, 4); n++) {
        const r = Math.floor(rand() * lp.rows.length);
        const { lower, upper } = lp.rows[r]!;
        const cap = lp.rows[r]!.terms.reduce((t, [j]) => t + lp.columns[j]!.upper, 0);
        const b = upper ?? lower ?? act[r]!;
        // A grid step of the row's size, sometimes with more places than the plan's scale.
        const step = Math.max(1e-4, Math.round(((rand() < 0.3 ? 0.013 : 0.1) + rand()) * Math.max(1, cap) * 1e4) / 1e5);
        for (const dir of [1, -1]) {
          const ks: number[] = [];
          for (let k = 1; k <= 64; k *= 2) ks.push(k);
          // Bisecting back between two of them, then points anywhere on the walk.
          for (let j = 0; j < 4; j++) ks.push(Math.floor(rand() * 64) + 1);
          for (const k of ks) {
            const t = Math.round((b + dir * k * step) * 1e4) / 1e4;
            const q: [number | null, number | null][] = upper !== null ? [[lower, t]] : lower !== null ? [[t, upper]] : [[t, null], [null, t]];
            // Both sides at once: the floor down and the ceiling up.
            if (lower !== null && upper !== null && dir > 0) q.push([Math.round((lower - k * step) * 1e4) / 1e4, t]);
            for (const [l, u] of q) {
              const warm = p.objectiveWithRowBounds(r, l, u);
              const ref = cold(withRow(lp, r, asSolved(l), asSolved(u)));
              if (!Object.is(warm, ref)) throw new Error(`instance ${i} (seed ${seed}), row ${r} [${l}, ${u}]: warm ${warm} ≠ cold ${ref}`);
              asked++;
            }
          }
        }
      }
      expect(p.objective).toBe(sol.objective);
      expect(p.stats.cold).toBe(0);
      continued += p.stats.continued;
    }
    console.log(`${asked} points asked, ${continued} continued from an earlier point of the row`);
    expect(continued).toBeGreaterThan(asked / 4);
  });

  // A floor raised (or a ceiling lowered) past the row's activity cuts its flow; the range search
  // then moves it further the same way, and such a call continues from the earlier cut answer
  // whose range holds the new one (`fromCut`). Each answer against a cold solve (exactly),
  // infeasible ones included, with points back towards the activity and other rows in between.
  it('answers points cut further and further as a cold solve does, continuing from the cut answers, on 60 instances', () => {
    let fromCut = 0;
    let asked = 0;
    for (const { i, seed, lp, p, sol, act } of walkInstances(9100, (i) => (i < 56 ? 4 + ((i * 53) % 250) : 600 + 200 * (i - 56)))) {
      const rand = mulberry32(seed * 7 + 5);
      for (let n = 0; n < Math.min(lp.rows.length, 4); n++) {
        const r = Math.floor(rand() * lp.rows.length);
        const { lower, upper } = lp.rows[r]!;
        const cap = lp.rows[r]!.terms.reduce((t, [j]) => t + lp.columns[j]!.upper, 0);
        const a = act[r]!;
        // Towards the other side of the activity from the row's bound: a ceiling down, a floor (or a free row's floor) up.
        const down = upper !== null;
        const step = Math.max(1e-2, Math.round((0.02 + rand() * 0.2) * Math.max(1, cap) * 100) / 100);
        const ks = [1, 2, 3, 5, 8, 4, 13, 21, 6, 34];
        for (const k of ks) {
          const t = Math.round((down ? a - k * step : a + k * step) * 100) / 100;
          const [l, u] = down ? [lower, t] : [t, upper];
          const warm = p.objectiveWithRowBounds(r, l, u);
          const ref = cold(withRow(lp, r, asSolved(l), asSolved(u)));
          if (!Object.is(warm, ref)) throw new Error(`instance ${i} (seed ${seed}), row ${r} [${l}, ${u}]: warm ${warm} ≠ cold ${ref}`);
          asked++;
          // Now and then another row in between (its answer not kept for this one).
          if (rand() < 0.2) {
            const o = Math.floor(rand() * lp.rows.length);
            const row = lp.rows[o]!;
            if (row.upper !== null) {
              const v = Math.round(row.upper * 0.7 * 100) / 100;
              expect(p.objectiveWithRowBounds(o, row.lower, v)).toBe(cold(withRow(lp, o, asSolved(row.lower), asSolved(v))));
            }
          }
        }
      }
      expect(p.objective).toBe(sol.objective);
      expect(p.stats.cold).toBe(0);
      fromCut += p.stats.fromCut;
    }
    console.log(`${asked} points asked, ${fromCut} continued from an earlier cut answer of the row`);
    expect(fromCut).toBeGreaterThan(asked / 20);
  });
});

describe('ranging of the active bounds', () => {
  /** Every basic variable strictly inside its bounds, every non-basic one with a non-zero reduced cost. */
  function nondegenerate(lp: LinearProgram, sol: NetworkSolution, scale: number): boolean {
    const act = activities(lp, sol.values, scale);
    const d = lp.columns.map((c) => c.cost);
    lp.rows.forEach((r, i) => {
      for (const [j] of r.terms) d[j]! -= sol.duals[i]!;
    });
    const inside = (x: number, lo: number | null, hi: number | null) => (lo === null || x > lo + 1e-9) && (hi === null || x < hi - 1e-9);
    const colsOk = lp.columns.every((c, j) => (sol.basis.colStatus[j] === 1 ? inside(sol.values[j]!, c.lower, c.upper) : Math.abs(d[j]!) > 1e-9));
    const rowsOk = lp.rows.every((r, i) => (sol.basis.rowStatus[i] === 1 ? inside(act[i]!, r.lower, r.upper) : Math.abs(sol.duals[i]!) > 1e-9));
    return colsOk && rowsOk;
  }

  it('holds the slope inside each range and not just beyond a finite end (checked by cold re-solves)', () => {
    let instances = 0;
    let inside = 0;
    let ends = 0;
    for (let i = 0; i < 200 && instances < 60; i++) {
      const seed = 12_000 + i;
      const lp = randomInstance(seed, 2 + (i % 40), { distinct: true });
      const plan = networkOf(lp)!;
      const sol = solveNetwork(plan);
      if (sol.status !== 'optimal' || !nondegenerate(lp, sol, plan.boundScale)) continue;
      instances++;
      const P = openNetworkParametric(plan)!;
      const v0 = P.objective;
      const tol = 1e-9 * Math.max(1, Math.abs(v0));
      const unit = 1 / plan.boundScale;
      lp.rows.forEach((r, k) => {
        const upper = r.upper !== null;
        const b = upper ? r.upper! : r.lower!;
        const y = P.duals[k]!;
        const at = (t: number) => cold(upper ? withRow(lp, k, r.lower, t) : withRow(lp, k, t, r.upper));
        const onLine = (t: number) => {
          const v = at(t);
          return v !== null && Math.abs(v - v0 - y * (t - b)) <= tol;
        };
        const where = `seed ${seed}, row ${k} [${r.lower}, ${r.upper}], dual ${y}, range [${P.rangeDown[k]}, ${P.rangeUp[k]}]`;
        const up = P.rangeUp[k]!;
        const down = P.rangeDown[k]!;
        expect(up, where).toBeGreaterThanOrEqual(b);
        expect(down, where).toBeLessThanOrEqual(b);
        for (const [end, dir] of [[up, 1], [down, -1]] as const) {
          if (Number.isFinite(end)) {
            // Inside: at the end and halfway (on the bound scale); beyond: the slope over one unit differs.
            const half = Math.round(((b + end) / 2) * plan.boundScale) / plan.boundScale;
            expect(onLine(end), `${where}: at ${end}`).toBe(true);
            expect(onLine(half), `${where}: at ${half}`).toBe(true);
            inside += 2;
            const beyond = end + dir * unit;
            const vEnd = at(end)!;
            const vBeyond = at(beyond);
            if (vBeyond !== null) expect(Math.abs((vBeyond - vEnd) / (beyond - end) - y), `${where}: beyond ${end}`).toBeGreaterThan(1e-6);
            ends++;
          } else {
            const far = b + dir * (10 + 2 * Math.abs(b));
            expect(onLine(far), `${where}: at ${far}`).toBe(true);
            inside++;
          }
        }
      });
    }
    console.log(`ranging: ${instances} non-degenerate instances, ${inside} points inside a range on the dual's line, ${ends} finite ends where the slope changes`);
    expect(instances).toBeGreaterThanOrEqual(40);
    expect(ends).toBeGreaterThan(100);
  });
});

describe('20,000 columns', () => {
  it('answers 100 random single-row bound changes warm, and prints the time', () => {
    const queriesOf = (lp: LinearProgram, seed: number): Query[] => {
      const rand = mulberry32(seed);
      const plan = networkOf(lp)!;
      const sol = solveNetwork(plan);
      const act = activities(lp, sol.values, plan.boundScale);
      const qs: Query[] = [];
      while (qs.length < 100) {
        const r = Math.floor(rand() * lp.rows.length);
        const all = queriesFor(rand, lp, r, act[r]!);
        qs.push(all[Math.floor(rand() * all.length)]!);
      }
      return qs;
    };
    // Warm the JIT on another instance of the same shape.
    const warmLp = randomInstance(4300, 20_000);
    const W = openNetworkParametric(networkOf(warmLp)!)!;
    for (const [r, l, u] of queriesOf(warmLp, 1)) W.objectiveWithRowBounds(r, l, u);

    const lp = randomInstance(4242, 20_000);
    const qs = queriesOf(lp, 2);
    const plan = networkOf(lp)!; // detected (and cached) by queriesOf
    const t1 = performance.now();
    const P = openNetworkParametric(plan)!;
    const t2 = performance.now();
    const each: number[] = [];
    const answers = qs.map(([r, l, u]) => {
      const t = performance.now();
      const a = P.objectiveWithRowBounds(r, l, u);
      each.push(performance.now() - t);
      return a;
    });
    const t3 = performance.now();
    each.sort((a, b) => a - b);
    console.log(
      `20,000 columns × ${lp.rows.length} rows: open (solve + ranging) ${(t2 - t1).toFixed(1)} ms; ` +
        `100 re-solves ${(t3 - t2).toFixed(1)} ms (${((t3 - t2) / 100).toFixed(3)} ms each; median ${each[50]!.toFixed(3)}, max ${each[99]!.toFixed(3)} ms; ` +
        `${(P.stats.pivots / 100).toFixed(1)} pivots each, ${answers.filter((a) => a === null).length} infeasible, ${P.stats.cold} cold)`,
    );
    expect(P.stats.cold).toBe(0);
    // Once more (the first pass can include collecting the garbage of building the instance).
    const t4 = performance.now();
    qs.forEach(([r, l, u], k) => expect(P.objectiveWithRowBounds(r, l, u)).toBe(answers[k]));
    console.log(`the same 100 again: ${(performance.now() - t4).toFixed(1)} ms`);
    // A sample against cold solves (exactly) and two against HiGHS.
    for (let k = 0; k < 100; k += 10) {
      const [r, l, u, kind] = qs[k]!;
      const changed = withRow(lp, r, asSolved(l), asSolved(u));
      expect(answers[k], `${kind} on row ${r}`).toBe(cold(changed));
      if (k % 50 === 0 && answers[k] !== null) expect(relClose(answers[k]!, viaHighs(changed)!, 1e-9)).toBe(true);
    }
  });
});
