/** The reports' partial selection (`smallest`) against sorting everything and keeping the first. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { smallest } from '../src/report/data.js';

describe('smallest', () => {
  it('keeps what a full sort keeps, in the same order, ties and repeated keys included', () => {
    type Item = { i: number; s: number; id: string };
    const compare = (a: Item, b: Item) => a.s - b.s || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    fc.assert(
      fc.property(
        fc.array(fc.record({ s: fc.constantFrom(-0, 0, 1, 1.5, 2, -3, 1e9, 0.1 + 0.2, 0.3), id: fc.constantFrom('a', 'b', 'c', 'd') }), { maxLength: 60 }),
        fc.integer({ min: -2, max: 70 }),
        (raw, count) => {
          const items = raw.map((x, i) => ({ ...x, i }));
          const want = [...items].sort(compare).slice(0, Math.max(0, count));
          expect(smallest(items, count, (x) => x.s, compare)).toEqual(want);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
