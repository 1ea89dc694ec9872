import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { D } from '../src/money.js';
import { wanTexts, wanTextsFen } from '../src/report/data.js';

describe('the notice’s amounts in 万元', () => {
  it('from whole fen: the same texts, decimals and total as in Decimal (or left to Decimal)', () => {
    let answered = 0;
    const grant = fc.oneof(fc.integer({ min: 0, max: 10 ** 10 }), fc.integer({ min: 0, max: 10 ** 12 }), fc.integer({ min: 0, max: 3000 }).map((k) => k * 10_000), fc.constant(0));
    fc.assert(
      fc.property(fc.array(grant, { maxLength: 30 }), fc.integer({ min: 0, max: 6 }), (fen, base) => {
        const grants = fen.map((f) => new D(f).div(100));
        const fast = wanTextsFen(grants, base);
        const slow = wanTexts(grants, base);
        // Amounts whose digits the exact reader does not take (src/scaled.ts) are left to Decimal.
        if (fast === null) return;
        answered++;
        expect(fast.texts).toEqual(slow.texts);
        expect(fast.decimals).toBe(slow.decimals);
        expect(fast.total.toString()).toBe(slow.total.toString());
      }),
      { numRuns: 400 },
    );
    expect(answered).toBeGreaterThan(100);
  });

  it('leaves to Decimal what is not whole fen, or negative', () => {
    expect(wanTextsFen([new D('1.005')], 2)).toBeNull();
    expect(wanTextsFen([new D('-1')], 2)).toBeNull();
    expect(wanTexts([new D('1.005')], 2).texts).toEqual(['0.0001005']);
  });
});
