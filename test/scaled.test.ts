import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ceilDiv, compareFinite, floorDiv, lessThan, scaledCeil, scaledExact, scaledFloor } from '../src/scaled.js';
import { inUnits } from '../src/model/units.js';
import { fenFloor, fenOf } from '../src/verify/fen.js';

const D = Decimal.clone({ precision: 60 });
/** The same in Decimal: the reference. */
const ref = (x: Decimal, places: number, round: 'floor' | 'ceil' | 'exact'): number | null => {
  const y = new D(x).times(new D(10).pow(places));
  const r = round === 'floor' ? y.floor() : round === 'ceil' ? y.ceil() : y;
  if (!r.isInteger()) return null;
  const n = r.toNumber();
  return Number.isSafeInteger(n) ? n : null;
};

/** −0 and 0 are one number here. */
const z = (v: number | null) => (v === null ? null : v + 0);

const amounts = fc.oneof(
  fc.tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: -6, max: 12 })).map(([m, e]) => new Decimal(`${m}e${-e}`)),
  fc.constantFrom('0', '-0', '0.01', '-0.01', '0.005', '9007199254740.99', '90071992547409.91', '9007199254740991', '9007199254740992', '1e-30', '-1e-30', '123456789012345.67', '1e22', '1.5', '-1.5').map((s) => new Decimal(s)),
);

describe('scaled amounts (safe integers from the digits)', () => {
  it('agree with Decimal where they answer, and answer for every amount of up to 8 digits', () => {
    fc.assert(
      fc.property(amounts, fc.integer({ min: 0, max: 4 }), (x, places) => {
        for (const [f, round] of [[scaledFloor, 'floor'], [scaledCeil, 'ceil'], [scaledExact, 'exact']] as const) {
          const got = z(f(x, places));
          const want = z(ref(x, places, round));
          if (got !== null) expect(got).toBe(want === null ? NaN : want);
          if (want !== null && x.sd() <= 8) expect(got).toBe(want);
        }
      }),
      { numRuns: 3000 },
    );
  });
  it("the verifier's own fen reader agrees with Decimal where it answers, and answers for every amount of up to 8 digits", () => {
    fc.assert(
      fc.property(amounts, (x) => {
        for (const [f, round] of [[fenFloor, 'floor'], [fenOf, 'exact']] as const) {
          const got = z(f(x));
          const want = z(ref(x, 2, round));
          if (got !== null) expect(got).toBe(want === null ? NaN : want);
          if (want !== null && x.sd() <= 8) expect(got).toBe(want);
        }
      }),
      { numRuns: 3000 },
    );
  });
  it('divide safe integers exactly, rounding down and up', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), fc.integer({ min: 1, max: 2 ** 40 }), (a, b) => {
        expect(z(floorDiv(a, b))).toBe(Number((BigInt(a) - (((BigInt(a) % BigInt(b)) + BigInt(b)) % BigInt(b))) / BigInt(b)));
        expect(z(ceilDiv(a, b))).toBe(z(-floorDiv(-a, b)));
      }),
    );
  });
  it('give the units of amounts as Decimal division does', () => {
    fc.assert(
      fc.property(amounts, fc.constantFrom('0.01', '1', '100', '1000', '0.5', '0.001', '3'), (x, gs) => {
        const g = new Decimal(gs);
        expect(z(inUnits(x, g, 'floor'))).toBe(z(x.div(g).floor().toNumber()));
        expect(z(inUnits(x, g, 'ceil'))).toBe(z(x.div(g).ceil().toNumber()));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('compareFinite (a comparison read from the digits)', () => {
  /** Products and sums as the model makes them (digit lists grown by decimal.js), and the amounts above. */
  const made = fc.oneof(
    amounts,
    fc.tuple(amounts, amounts).map(([a, b]) => a.times(b)),
    fc.tuple(amounts, amounts).map(([a, b]) => a.plus(b)),
  );
  it('is comparedTo for finite decimals, and lessThan is lt for every decimal', () => {
    fc.assert(
      fc.property(made, made, (x, y) => {
        expect(compareFinite(x, y)).toBe(x.comparedTo(y));
        expect(compareFinite(x, x.plus(0))).toBe(0);
        expect(lessThan(x, y)).toBe(x.lt(y));
      }),
      { numRuns: 3000 },
    );
  });
  it('leaves NaN and the infinities to Decimal', () => {
    const odd = [new Decimal(NaN), new Decimal(Infinity), new Decimal(-Infinity)];
    for (const x of [...odd, new Decimal(0), new Decimal('-0'), new Decimal(2)]) {
      for (const y of odd) {
        expect(compareFinite(x, y)).toBeNull();
        expect(compareFinite(y, x)).toBeNull();
        expect(lessThan(x, y)).toBe(x.lt(y));
        expect(lessThan(y, x)).toBe(y.lt(x));
      }
    }
  });
});
