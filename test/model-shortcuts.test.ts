/**
 * The model's shortcuts against the general way of working the same out, on random inputs: the
 * priority order (sorting project ids only within a score), the limits of each candidate in
 * flat arrays, caps in whole yuan, entitlements kept as they are when already whole fen, and
 * amounts in units made once per list of caps.
 */
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { D, floorTo } from '../src/money.js';
import type { Application } from '../src/model/application.js';
import { entitlementOf } from '../src/model/entitlement.js';
import { limitsOfCandidates, sortById, type Limit } from '../src/model/limits.js';
import type { Measure } from '../src/model/policy.js';
import { capsIn, priorityOrder } from '../src/model/prepare.js';
import { inUnits, toUnits, unitsIssue } from '../src/model/units.js';

/** Scores from a few values, some too close together for doubles to tell apart. */
const SCORES = ['60', '75.5', '75.50', '80', '0.1', '0.1000000000000000001', '0.09999999999999999999', '99.999', '-3'];
const IDS = ['A', 'B', 'a', 'AB', 'A-1', 'A_1', 'Z9', '项目1', '项目2', ''];

const app = (projectId: string, score: string): Application => ({ projectId, score: new D(score) }) as unknown as Application;

/** The order as documented: score descending (exactly), then project id in code-unit order, then as given. */
function referenceOrder(apps: readonly Application[]): number[] {
  const cmp = (a: number, b: number) => {
    const s = apps[b]!.score.comparedTo(apps[a]!.score);
    if (s !== 0) return s;
    const x = apps[a]!.projectId;
    const y = apps[b]!.projectId;
    return x < y ? -1 : x > y ? 1 : a - b;
  };
  return apps.map((_, i) => i).sort(cmp);
}

describe('priorityOrder', () => {
  it('is score descending, then project id, then the given order, exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...IDS), fc.constantFrom(...SCORES)), { maxLength: 60 }), (rows) => {
        const apps = rows.map(([id, score]) => app(id, score));
        expect(priorityOrder(apps)).toEqual(referenceOrder(apps));
      }),
      { numRuns: 300 },
    );
  });
});

describe('limitsOfCandidates', () => {
  it('lists each candidate its limits in the order of the limits, as an array per candidate would', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), fc.array(fc.array(fc.nat(11)), { maxLength: 8 }), (n, memberLists) => {
        const limits = memberLists.map((ms, k) => ({ id: `l${k}`, members: [...new Set(ms.filter((i) => i < n))] }) as unknown as Limit);
        const { start, at } = limitsOfCandidates(limits, n);
        const expected: number[][] = Array.from({ length: n }, () => []);
        limits.forEach((l, k) => l.members.forEach((i) => expected[i]!.push(k)));
        const got = Array.from({ length: n }, (_, i) => [...at.subarray(start[i]!, start[i + 1]!)]);
        expect(got).toEqual(expected);
        // Asked again for the same limits: the same arrays.
        expect(limitsOfCandidates(limits, n).at).toBe(at);
      }),
      { numRuns: 200 },
    );
  });
});

/** Amounts with up to 4 places, some negative, some beyond the safe integers in fen. */
const amounts = fc.oneof(
  fc.tuple(fc.bigInt({ min: -(10n ** 6n), max: 10n ** 18n }), fc.integer({ min: 0, max: 4 })).map(([m, e]) => new Decimal(`${m}e-${e}`)),
  fc.constantFrom('0', '0.01', '0.005', '90071992547409.91', '9007199254740993', '1e25').map((s) => new Decimal(s)),
);
const granularities = fc.constantFrom('1', '100', '1000', '10000', '0.01', '0.5', '250.5', '1e-10').map((s) => new Decimal(s));

describe('caps in whole yuan', () => {
  it('are the entitlement rounded down to the granularity, as floorTo has it', () => {
    fc.assert(
      fc.property(amounts, granularities, (e, g) => {
        expect(capsIn(g)(e).eq(floorTo(e, g))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('amounts in units, made once per list of caps', () => {
  it('are inUnits of each amount, for each granularity asked (the same list at another granularity too)', () => {
    fc.assert(
      fc.property(fc.array(amounts.filter((d) => d.gte(0)), { maxLength: 10 }), granularities, granularities, (caps, g1, g2) => {
        for (const g of [g1, g2]) {
          const each = caps.map((c) => inUnits(c, g, 'floor'));
          const issue = unitsIssue(caps, [], g);
          const firstBad = caps.find((_, i) => !Number.isSafeInteger(each[i]));
          expect(issue?.expected ?? null).toBe(firstBad ? `a granularity coarse enough for amounts up to ${firstBad.toString()}` : null);
          if (!issue) expect(toUnits(caps, [], g).caps).toEqual(each);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('entitlementOf', () => {
  const measure = (rate: string, cap: string): Measure =>
    ({ id: 'M', clause: '（一）', rules: [{ type: 'rate', rate }, { type: 'projectCap', amount: cap }] }) as unknown as Measure;
  it('is the least live ceiling rounded down to the fen, whether or not it already is whole fen', () => {
    fc.assert(
      fc.property(
        amounts.filter((d) => d.gte(0)),
        fc.constantFrom('0.3', '0.333', '0.12345', '1'),
        fc.constantFrom('3000000', '1234.567'),
        fc.option(amounts.filter((d) => d.gte(0))),
        (base, rate, cap, requested) => {
          const a = { eligibleBase: base, totalInvestment: null, requested, upperFunding: null, score: new D(1) } as unknown as Application;
          const m = measure(rate, cap);
          const e = entitlementOf(a, m);
          // The first of the least live ceilings, found the general way on the entitlement's own list.
          const least = e.ceilings.filter((c) => !c.superseded).reduce((lo, c) => (c.amount.lt(lo.amount) ? c : lo));
          expect(e.amount.eq(least.amount.toDecimalPlaces(2, D.ROUND_DOWN))).toBe(true);
          expect(e.ceiling).toBe(least);
          expect(e.binding).toBe(least.rule);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('sortById', () => {
  // Prefixes that begin one another, suffixes that begin one another or are empty, equal ids made two ways.
  const PREFIXES = ['company_annual:', 'company_measure:P01:', 'company_measure:P01-CROSS:', 'company_measure:P01:X', 'budget', 'measure_max:P01', 'measure_max:P01-CROSS', 'c', ''];
  const SUFFIXES = ['', 'X', 'XA', '9144', '91440', 'A', 'a', '企业'];
  it('is the order of the ids in code units, equal ids as given, however the ids are split', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...PREFIXES), fc.constantFrom(...SUFFIXES)), { maxLength: 40 }), (parts) => {
        const limits = parts.map(([p, x], k) => ({ id: p + x, source: String(k) }) as unknown as Limit);
        const expected = [...limits].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        const got = sortById(limits, parts.map(([p]) => p), parts.map(([, x]) => x));
        expect(got.map((l) => l.source)).toEqual(expected.map((l) => l.source));
      }),
      { numRuns: 1000 },
    );
  });
  it('sorts by the suffixes\' ranks where the prefixes allow (none begins another)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.constantFrom('company_annual:', 'company_measure:P01:', 'company_measure:P01-CROSS:', 'budget'), fc.constantFrom(...SUFFIXES)), { maxLength: 40, selector: ([p, x]) => p + x }), (parts) => {
        const limits = parts.map(([p, x]) => ({ id: p + x }) as unknown as Limit);
        const got = sortById(limits, parts.map(([p]) => p), parts.map(([, x]) => x));
        expect(got.map((l) => l.id)).toEqual(limits.map((l) => l.id).sort());
      }),
      { numRuns: 500 },
    );
  });
});
