/**
 * The network simplex's decimal scale (src/solver/network/exact.ts `decimalScale`), which tests
 * again at the final scale only the values it tested at a smaller one, against the plain
 * definition it shortens: every value tested as it comes, then every value once more at the
 * final scale.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { decimalScale, MAX_DECIMALS, POWERS } from '../src/solver/network/exact.js';

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
