/**
 * The network simplex's decimal scale (src/solver/network/exact.ts `decimalScale`), which tests
 * again at the final scale only the values it tested at a smaller one, against the plain
 * definition it shortens: every value tested as it comes, then every value once more at the
 * final scale. The one-pass scalings built on it (`boundScaleOf`, `integerCosts`, the secondary
 * costs' integer path in solve.ts) against the plain scale found first and applied after.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { boundScaleOf, decimalScale, integerCosts, MAX_DECIMALS, POWERS, SAFE } from '../src/solver/network/exact.js';
import { secondaryCostsOrWhy } from '../src/solver/network/solve.js';

const near = (t: number): boolean => Math.abs(t - Math.round(t)) <= 1e-12 * Math.max(1, Math.abs(t));

/** Both passes over every value. */
function plainScale(values: readonly number[]): number {
  let k = 0;
  let p = 1;
  for (const v of values) {
    while (!near(v * p)) {
      if (++k > MAX_DECIMALS) return -1;
      p = POWERS[k]!;
    }
  }
  for (const v of values) if (!near(v * p)) return -1;
  return k;
}

/** Decimals with 0–8 places, some large, some not decimals at all. */
const value = fc.oneof(
  fc.tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 8 })).map(([m, d]) => m / 10 ** d),
  fc.tuple(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 6 })).map(([m, d]) => m * 10 ** d + 0.5),
  fc.double({ min: -1e12, max: 1e12, noNaN: true }),
  fc.constantFrom(0, 1 / 3, 2 ** 52, 2 ** 60, 0.1 + 0.2, 1e-7, 123456.789012),
);

describe('decimalScale', () => {
  it('gives the scale of the plain two passes on random values', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 40 }), (values) => {
        expect(decimalScale(Float64Array.from(values))).toBe(plainScale(values));
        expect(decimalScale(values)).toBe(plainScale(values));
      }),
      { numRuns: 3000, seed: 14 },
    );
  });

  it('finds the scale wherever the value that needs it comes, and refuses a value that is not a decimal anywhere', () => {
    expect(decimalScale([0.3, 0.01, 7])).toBe(2);
    expect(decimalScale([7, 0.3, 1 / 3])).toBe(-1);
    expect(decimalScale([1 / 3, 0.3])).toBe(-1);
  });
});

/** The bounds' scale and sum as defined: the scale first, then Σ |round(v × 10^k)| in index order. */
function plainBoundScale(values: readonly number[]): { k: number; refused?: string; sum: number } {
  const k = plainScale(values);
  if (k < 0) return { k, refused: 'not decimal', sum: 0 };
  let sum = 0;
  for (const v of values) sum += Math.abs(Math.round(v * POWERS[k]!));
  return sum > SAFE ? { k, refused: 'too large', sum } : { k, sum };
}

/** Costs as defined: the scale first, then each cost scaled (min form), refused beyond 2^53 for `rows`. */
function plainCosts(values: readonly number[], sign: number, rows: number): { k: number; refused?: string; values?: number[] } {
  const k = plainScale(values);
  if (k < 0) return { k, refused: 'not decimal' };
  const scaled = values.map((v) => sign * (Math.round(v * POWERS[k]!) + 0) + 0);
  const max = Math.max(0, ...scaled.map(Math.abs));
  return max * (2 * rows + 1) > SAFE ? { k, refused: 'too large' } : { k, values: scaled };
}

describe('one-pass scalings', () => {
  it('boundScaleOf gives the plain scale and sum on random values', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 40 }), (values) => {
        const got = boundScaleOf(Float64Array.from(values));
        const want = plainBoundScale(values);
        expect(got.k).toBe(want.k);
        expect(got.refused).toBe(want.refused);
        if (got.refused === undefined) expect(got.sum).toBe(want.sum);
      }),
      { numRuns: 3000, seed: 15 },
    );
  });

  it('integerCosts gives the plain scale and values on random values, both senses', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 40 }), fc.constantFrom(1, -1), fc.integer({ min: 0, max: 5000 }), (values, sign, rows) => {
        const got = integerCosts(Float64Array.from(values), sign, rows);
        const want = plainCosts(values, sign, rows);
        expect(got.k).toBe(want.k);
        expect(got.refused).toBe(want.refused);
        if (want.values) expect(Array.from(got.values)).toEqual(want.values);
      }),
      { numRuns: 3000, seed: 16 },
    );
  });

  it('the secondary costs read in one pass when they are integers, as through integerCosts', () => {
    const integers = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.constantFrom(0, -0, 2 ** 52, -(2 ** 53) + 1, 2 ** 53, 2 ** 60));
    fc.assert(
      fc.property(fc.array(fc.oneof(integers, integers, value), { maxLength: 40 }), fc.constantFrom(1, -1), fc.integer({ min: 0, max: 5000 }), (values, sign, rows) => {
        const got = secondaryCostsOrWhy(values, sign, rows);
        const want = integerCosts(Float64Array.from(values), sign, rows);
        if (want.refused === undefined) expect(got).toEqual(want.values);
        else expect(typeof got).toBe('string');
      }),
      { numRuns: 3000, seed: 17 },
    );
    expect(secondaryCostsOrWhy([1, 2, 3], -1, 10)).toEqual(Float64Array.from([-1, -2, -3]));
    expect(secondaryCostsOrWhy([1, 2 ** 52], 1, 10)).toBe('the secondary costs are too large for exact potentials');
    expect(secondaryCostsOrWhy([1, NaN], 1, 10)).toBe('secondary[1] is not finite');
    expect(secondaryCostsOrWhy([1, 0.5], 1, 10)).toEqual(Float64Array.from([10, 5]));
  });
});
