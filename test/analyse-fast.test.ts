/**
 * The analysis's shortcuts against what they stand for: a grid point's test decided from exact
 * values already known (concavity) against the test on the value itself, over random concave
 * functions; the network check of an LP with one row moved against the detection; yuan written
 * from whole fen against `fmtYuanHuman`; a re-solve's grants compared with the first's in whole fen
 * against Decimal.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../scripts/synthetic.js';
import { Known } from '../src/model/marginal.js';
import { D, fmtYuanHuman } from '../src/money.js';
import { unitsToYuan } from '../src/model/rounding.js';
import { sameGrants } from '../src/pipeline/verified.js';
import { yuanDiffForPeople, yuanForPeople } from '../src/report/explain.js';
import { networkOf, openNetworkParametric, solveNetwork, whyNotNetwork } from '../src/solver/network.js';
import type { LinearProgram } from '../src/solver/types.js';
import { randomInstance } from './helpers/network-instances.js';

/** A concave piecewise-linear function, −∞ (null) outside [lo, hi]: breakpoints with slopes falling from left to right. */
function concave(rand: () => number): { readonly v: (t: number) => number | null; readonly slopeAt: (t: number) => number; readonly lo: number; readonly hi: number } {
  const k = 1 + Math.floor(rand() * 6);
  const xs = Array.from({ length: k }, () => Math.round(rand() * 2000)).sort((a, b) => a - b);
  // Slopes: often equal for a while (ties in score), sometimes a large step.
  const slopes: number[] = [Math.round(rand() * 1000) / 10];
  for (let i = 0; i < k; i++) slopes.push(slopes[i]! - (rand() < 0.4 ? 0 : Math.round(rand() * (rand() < 0.5 ? 5 : 500)) / 10));
  const base = Math.round(rand() * 1e9);
  const lo = rand() < 0.3 ? Math.round(rand() * 200) : -Infinity;
  const hi = rand() < 0.3 ? 1800 + Math.round(rand() * 400) : Infinity;
  const segment = (t: number) => xs.filter((x) => x <= t).length;
  const v = (t: number): number | null => {
    if (t < lo || t > hi) return null;
    // From 0: add slope × length of each piece between 0 and t.
    let value = base;
    let at = 0;
    const dir = t >= 0 ? 1 : -1;
    while (at !== t) {
      const s = segment(dir > 0 ? at : at - 1e-9);
      const next = dir > 0 ? Math.min(t, ...xs.filter((x) => x > at), Infinity) : Math.max(t, ...xs.filter((x) => x < at), -Infinity);
      value += slopes[s]! * (next - at);
      at = next;
    }
    return value;
  };
  return { v, slopeAt: (t) => slopes[segment(t)]!, lo, hi };
}

describe('Known.decide: a grid point decided from exact values known', () => {
  it('answers, when it answers, what the value itself answers (random concave functions)', () => {
    const decided = { true: 0, false: 0 };
    let asked = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (seed) => {
        const rand = mulberry32(seed);
        const f = concave(rand);
        const b = Math.round(Number.isFinite(f.lo) ? f.lo + rand() * 300 : 200 + rand() * 1200);
        const v0 = f.v(b);
        if (v0 === null) return;
        const slope = f.slopeAt(b);
        const a = 1e-6 * Math.max(1, Math.abs(v0)) * (rand() < 0.5 ? 1 : 1e3);
        const known = new Known(b);
        known.add(b, v0);
        for (let i = Math.floor(rand() * 6); i > 0; i--) {
          const t = Math.round(rand() * 2400) - 200;
          known.add(t, f.v(t));
        }
        for (let q = 0; q < 20; q++) {
          const t = Math.round(rand() * 2400) - 200;
          const c = v0 + slope * (t - b);
          const told = known.decide(t, c, v0, a);
          asked++;
          if (told === null) continue;
          decided[`${told}`]++;
          const v = f.v(t);
          expect(told, `seed ${seed}, t ${t}`).toBe(v !== null && Math.abs(v - v0 - slope * (t - b)) <= a + 1e-9 * Math.abs(v - v0));
          // What is decided is known from then on, as a re-solve would add it.
          if (rand() < 0.5) known.add(t, v);
        }
      }),
      { numRuns: 400, seed: 14 },
    );
    // Not vacuous: many points are told without their value, both ways.
    expect(decided.true + decided.false).toBeGreaterThan(asked / 5);
    expect(Math.min(decided.true, decided.false)).toBeGreaterThan(asked / 50);
  });

  it('claims nothing on one point alone, and nothing between points that allow both answers', () => {
    const known = new Known(10);
    known.add(10, 100);
    expect(known.decide(20, 100, 100, 1)).toBeNull();
    known.add(0, 0); // slope 10 up to 10
    // Beyond 10 at most 100 + 10 × 10 = 200: c = 300 is more than 1 away from anything allowed.
    expect(known.decide(20, 300, 100, 1)).toBe(false);
    // c = 200 may or may not be met.
    expect(known.decide(20, 200, 100, 1)).toBeNull();
    // Between 0 and 10 at least the chord: within 1 of 50 at 5 only if the value is ≤ 51, which the bounds do not say.
    expect(known.decide(5, 50, 100, 1)).toBeNull();
    known.add(20, 200);
    // On a straight line through 0, 10, 20 the value at 15 is 150 exactly.
    expect(known.decide(15, 150, 100, 1)).toBe(true);
    // Infeasible at 30: so beyond.
    known.add(30, null);
    expect(known.decide(40, 400, 100, 1)).toBe(false);
  });
});

describe('ParametricLp.sameNetwork: what detection says of the LP with one row moved', () => {
  it('agrees with whyNotNetwork on random network LPs, bounds moved to decimals, non-decimals, huge numbers and other sides', () => {
    let yes = 0;
    let no = 0;
    for (let i = 0; i < 60; i++) {
      const inst = randomInstance(500 + i, 5 + ((i * 29) % 150), { zeroLower: i % 3 === 0 });
      const plan = networkOf(inst.lp)!;
      if (solveNetwork(plan).status !== 'optimal') continue;
      const par = openNetworkParametric(plan)!;
      const rand = mulberry32(i + 1);
      for (let k = 0; k < 12; k++) {
        const r = Math.floor(rand() * inst.lp.rows.length);
        const row = inst.lp.rows[r]!;
        const b = row.upper ?? row.lower ?? 0;
        const values = [Math.round(b * 1.3 * 100) / 100, b / 3, 1e17, b + 0.0000001, Infinity, Math.round(b * 0.7)];
        const t = values[k % values.length]!;
        const rows = inst.lp.rows.slice();
        rows[r] = k % 5 === 4 ? { ...row, lower: row.upper, upper: row.lower } : row.upper !== null ? { ...row, upper: t } : { ...row, lower: t };
        const other: LinearProgram = { ...inst.lp, rows };
        const expected = whyNotNetwork(other) === null && (rows[r]!.lower === null) === (row.lower === null) && (rows[r]!.upper === null) === (row.upper === null);
        const said = par.sameNetwork!(other);
        if (said) {
          yes++;
          expect(whyNotNetwork(other), `instance ${i}, row ${r} at ${t}`).toBeNull();
        } else no++;
        // Finite bounds on the same sides: exactly what detection says.
        if (Number.isFinite(t) && k % 5 !== 4) expect(said, `instance ${i}, row ${r} at ${t}`).toBe(expected);
      }
      // Two rows moved, or none: not this LP with one row moved.
      const two = inst.lp.rows.map((row) => ({ ...row, upper: row.upper === null ? null : row.upper + 1, lower: row.lower === null ? null : row.lower }));
      if (two.filter((row) => row.upper !== null).length > 1) expect(par.sameNetwork!({ ...inst.lp, rows: two })).toBe(false);
      expect(par.sameNetwork!(inst.lp)).toBe(false);
      par.dispose();
    }
    expect(yes).toBeGreaterThan(100);
    expect(no).toBeGreaterThan(50);
  });
});

describe('yuan written from whole fen', () => {
  it('is fmtYuanHuman, and the difference of two amounts is fmtYuanHuman of the Decimal difference', () => {
    const amount = fc.oneof(
      fc.integer({ min: 0, max: 2 ** 53 - 1 }).map((f) => new D(f).div(100)),
      fc.integer({ min: 0, max: 10 ** 9 }).map((f) => new D(f)),
      fc.bigInt({ min: 0n, max: 10n ** 22n }).map((f) => new D(f.toString()).div(100)),
      fc.integer({ min: -(10 ** 9), max: 10 ** 9 }).map((f) => new D(f).div(1000)),
      fc.constantFrom(new D(0), new D('-0'), new D('0.01'), new D('9007199254740.99'), new D('90071992547409.92'), new D('1e25')),
    );
    fc.assert(
      fc.property(amount, amount, (a, b) => {
        expect(yuanForPeople(a)).toBe(fmtYuanHuman(a));
        expect(yuanDiffForPeople(a, b)).toBe(fmtYuanHuman(a.minus(b)));
      }),
      { numRuns: 3000, seed: 7 },
    );
  });
});

describe("a comparison re-solve's grants against the first allocation's", () => {
  it('are the same in whole fen exactly where they are the same in Decimal', () => {
    const granularity = fc.constantFrom(new D(100), new D(1), new D('0.01'), new D('0.005'), new D(10000), new D('1e15'), new D('3.33'));
    const units = fc.oneof(fc.integer({ min: 0, max: 10 ** 6 }), fc.constantFrom(0, 1, 2 ** 53 - 1, 2 ** 40, 2 ** 52 + 1));
    fc.assert(
      fc.property(granularity, fc.array(fc.tuple(units, fc.integer({ min: -2, max: 2 }), fc.boolean()), { minLength: 1, maxLength: 20 }), (g, cases) => {
        const yuan = unitsToYuan(g);
        // The amount before: the same units, a unit or so off, or off by a fen.
        const before = cases.map(([u, off, fen]) => g.times(Math.max(0, u + off)).plus(fen && off !== 0 ? new D('0.01') : 0));
        const now = cases.map(([u]) => u);
        expect(sameGrants(before, now, g, yuan)).toEqual(before.map((b, c) => yuan(now[c]!).eq(b)));
      }),
      { numRuns: 2000, seed: 11 },
    );
  });
});
