/**
 * The marginal values' range search on the grid (`lastHoldingStep`), against the plain doubling
 * and bisection it replaces, on tests true up to a step and false after it: the same step with or
 * without a hint, at every kind of hint (right, one off, far off, none), with the cap on doublings
 * and with the limit reaching zero going down; two tests where the hint is right.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../scripts/synthetic.js';
import { lastHoldingStep } from '../src/model/marginal.js';

const CAP = 2 ** 40;

/** The search without hints, as written before them: double until the test fails, then bisect. */
function plain(holds: (k: number) => boolean, atZero: (k: number) => boolean): number {
  let good = 0;
  let bad = 1;
  for (let doublings = 0; ; doublings++) {
    if (atZero(bad)) {
      if (holds(bad)) return bad;
      break;
    }
    if (!holds(bad)) break;
    good = bad;
    bad *= 2;
    if (doublings === 40) return good;
  }
  while (bad - good > 1) {
    const mid = Math.floor((good + bad) / 2);
    if (holds(mid)) good = mid;
    else bad = mid;
  }
  return good;
}

/** The point a step stands for, as the analysis maps it (steps from `zero` on are the same point, zero). */
const pointOf = (k: number, zero: number) => Math.min(k, zero);

describe('the range search on the grid', () => {
  it('ends where the search without hints ends, whatever the hint', () => {
    const rand = mulberry32(2027);
    const ends = [0, 1, 2, 3, 7, 8, 13, 64, 1000, 12_345, CAP - 2, CAP - 1, CAP, CAP + 5, Infinity];
    let cases = 0;
    for (const end of ends) {
      for (const zero of [Infinity, 1, 2, 5, 40, 1 + Math.floor(rand() * 5000)]) {
        const fails = (k: number) => pointOf(k, zero) > end;
        const holds = (k: number) => !fails(k);
        const atZero = (k: number) => k >= zero;
        const want = plain(holds, atZero);
        const near = Number.isFinite(end) ? [end - 1, end, end + 1, 2 * end, Math.floor(end / 3)] : [];
        const hints = [null, 1, 2, CAP - 1, CAP, Math.floor(rand() * 100), ...near].filter((h) => h === null || (h >= 0 && Number.isFinite(h)));
        for (const hint of hints) {
          expect(pointOf(lastHoldingStep(holds, atZero, hint), zero), `end ${end}, zero ${zero}, hint ${hint}`).toBe(pointOf(want, zero));
          cases++;
        }
      }
    }
    expect(cases).toBeGreaterThan(500);
  });

  it('takes two tests where the hint is the last step that holds, about ten without it', () => {
    for (const end of [13, 100, 5000]) {
      let tests = 0;
      const holds = (k: number) => (tests++, k <= end);
      expect(lastHoldingStep(holds, () => false, end)).toBe(end);
      expect(tests).toBe(2);
      tests = 0;
      expect(lastHoldingStep(holds, () => false, null)).toBe(end);
      expect(tests).toBeGreaterThan(2 * Math.log2(end) - 2);
    }
  });

  it('with no hint, tests the steps the search without hints tests, in order', () => {
    for (const end of [0, 5, 77, 4096]) {
      const seen: number[][] = [[], []];
      const holdsOf = (log: number[]) => (k: number) => (log.push(k), k <= end);
      lastHoldingStep(holdsOf(seen[0]!), (k) => k >= 300, null);
      plain(holdsOf(seen[1]!), (k) => k >= 300);
      expect(seen[0]).toEqual(seen[1]);
    }
  });
});
