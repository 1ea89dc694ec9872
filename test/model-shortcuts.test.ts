/**
 * The model's shortcuts against the general way of working the same out, on random inputs: the
 * priority order (sorting project ids only within a score), the limits of each candidate in
 * flat arrays, caps in whole yuan, entitlements kept as they are when already whole fen,
 * amounts in units made once per list of caps, score keys from whole numbers, LP bounds from whole
 * fen, the objective per distinct score, and the limits' members found by measure and company.
 */
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { D, floorTo, LP_UNIT, toLpUnits } from '../src/money.js';
import type { Application } from '../src/model/application.js';
import { entitlementOf } from '../src/model/entitlement.js';
import { buildLimits, byText, limitsOfCandidates, sortById, type Limit } from '../src/model/limits.js';
import { objectiveByColumn, objectiveByScore } from '../src/model/finish.js';
import type { Prepared } from '../src/model/types.js';
import type { Policy } from '../src/model/policy.js';
import type { Scenario } from '../src/model/scenario.js';
import type { Measure } from '../src/model/policy.js';
import { capsIn, priorityOrder, scoreKey } from '../src/model/prepare.js';
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
        // With the preparation's keys (whole numbers where exact) as with the decimals' texts.
        expect(priorityOrder(apps, apps.map((a) => scoreKey(a.score)))).toEqual(referenceOrder(apps));
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
        // The same value, text and sign (an entitlement on the grid is its own cap).
        const cap = capsIn(g)(e);
        const want = floorTo(e, g);
        expect(cap.eq(want)).toBe(true);
        expect([cap.toString(), cap.toFixed(2), cap.isNeg()]).toEqual([want.toString(), want.toFixed(2), want.isNeg()]);
        // Its units where it gives them: the cap's units of g, rounded down, as inUnits has them.
        const units: number[] = [];
        expect(capsIn(g)(e, units, 3).eq(want)).toBe(true);
        if (units.length) expect(units[3]).toBe(inUnits(want, g, 'floor'));
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

/** Decimals from a few digits up to many places, both signs, zeros of both signs. */
const decimals = fc.oneof(
  fc.tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: -8, max: 12 })).map(([m, e]) => new Decimal(`${m}e${-e}`)),
  fc.constantFrom('0', '-0', '87.4', '87.40', '0.000001', '0.0000001', '9007199254.740991', '9007199254.740993', '1e30').map((s) => new Decimal(s)),
);

describe('scoreKey', () => {
  it('is equal for two scores exactly when they are equal', () => {
    fc.assert(
      fc.property(decimals, decimals, (x, y) => {
        expect(scoreKey(x) === scoreKey(y)).toBe(x.eq(y));
        expect(scoreKey(x)).toBe(scoreKey(new Decimal(x.toString())));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('toLpUnits', () => {
  it('is the Decimal quotient read back as a double, bit for bit, whole fen or not', () => {
    fc.assert(
      fc.property(decimals, (x) => {
        expect(Object.is(toLpUnits(x), x.div(LP_UNIT).toNumber())).toBe(true);
      }),
      { numRuns: 3000 },
    );
    for (const s of ['0.01', '123456789.01', '90071992547409.91', '90071992547409.93', '-0', '0', '1e-9']) expect(Object.is(toLpUnits(new D(s)), new D(s).div(LP_UNIT).toNumber())).toBe(true);
  });
});

describe('objectiveByScore', () => {
  // Columns of candidates sharing a score (as lp.ts groups them), scores often repeated across columns.
  const SCORE_TEXTS = ['60', '75.5', '75.50', '0.1', '0.1000000000000000001', '99.999', '1e-45', '123456789012345678901234567890', '1e49', '0.3'];
  it('is the objective column by column, or null where it cannot vouch for exactness', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...SCORE_TEXTS), fc.array(fc.oneof(fc.nat(5), fc.nat(2 ** 40), fc.constant(2 ** 52)), { minLength: 1, maxLength: 4 })), { maxLength: 12 }),
        fc.constantFrom('1', '10000', '0.01', '250.5', '1e-20'),
        (columns, g) => {
          const candidates: Application[] = [];
          const units: number[] = [];
          const groups = columns.map(([score, us]) =>
            us.map((u) => {
              candidates.push(app(`P${candidates.length}`, score));
              units.push(u);
              return candidates.length - 1;
            }),
          );
          const p = { scenario: { granularity: new D(g) }, shape: { groups }, candidates } as unknown as Prepared;
          const grants = units.map((u) => new D(g).times(u));
          const general = objectiveByColumn(p, units, grants);
          const fast = objectiveByScore(p, units);
          if (fast !== null) expect(fast.toString()).toBe(general.toString());
          // With the preparation's doubles per column, the same.
          const withScores = { ...p, scores: groups.map((ms) => candidates[ms[0]!]!.score.toNumber()) } as Prepared;
          expect(objectiveByScore(withScores, units)?.toString()).toBe(fast?.toString());
        },
      ),
      { numRuns: 1000 },
    );
  });
  it('refuses where a sum would round (beyond the 50 digits decimal.js keeps), where the order of the sums tells', () => {
    // Column by column, 10^49 + 0.3 rounds to 10^49 twice; 0.3 × 2 first would round up to 10^49 + 1.
    const candidates = ['1e49', '0.3', '0.3'].map((s, i) => app(`P${i}`, s));
    const p = { scenario: { granularity: new D(1) }, shape: { groups: [[0], [1], [2]] }, candidates } as unknown as Prepared;
    expect(objectiveByColumn(p, [1, 1, 1], []).toString()).toBe('1e+49');
    expect(objectiveByScore(p, [1, 1, 1])).toBeNull();
  });
  it('vouches for the usual scores, amounts and granularities', () => {
    const candidates = ['75.5', '75.50', '60', '75.5'].map((s, i) => app(`P${i}`, s));
    const p = { scenario: { granularity: new D(10000) }, shape: { groups: [[0], [1, 3], [2]] }, candidates } as unknown as Prepared;
    // 75.5 × 13 units + 60 × 5 units, of ¥10,000 each.
    expect(objectiveByScore(p, [3, 4, 5, 6])?.toString()).toBe('12815000');
    expect(objectiveByColumn(p, [3, 4, 5, 6], []).toString()).toBe('12815000');
  });
});

describe('limit members', () => {
  // A policy with caps per company on some measures, an annual cap some measures are exempt from, a
  // joint cap per company and one per attribute, and districts with budgets.
  const MEASURES = ['M1', 'M2', 'M3', 'M4'];
  const policy = (annual: boolean) =>
    ({
      measures: MEASURES.map((id, k) => ({ id, clause: `（${k}）`, rules: k % 2 === 0 ? [{ type: 'companyCap', amount: '100' }] : [] })),
      ...(annual ? { companyAnnualCap: { amount: '500', clause: '（九）', exempt: ['M4'] } } : {}),
      jointCaps: [
        { id: 'J1', clause: '（十）', amount: '300', measures: ['M1', 'M2'], per: 'company' },
        { id: 'J2', clause: '（十）', amount: '300', measures: ['M2', 'M3'], per: 'product' },
      ],
    }) as unknown as Policy;
  const scenario = {
    year: 2024,
    budget: new D(1000),
    measureBudgets: new Map([['M2', { max: new D(50) }], ['M9', { min: new D(5) }]]),
    districtBudgets: new Map([['D1', { max: new D(70) }]]),
  } as unknown as Scenario;
  it("are the candidates each limit's rule picks, found application by application", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...MEASURES), fc.constantFrom('C1', 'C2', '企业3'), fc.constantFrom('D1', 'D2'), fc.option(fc.constantFrom('x', 'y'))), { maxLength: 30 }),
        fc.boolean(),
        (rows, annual) => {
          const apps = rows.map(([measureId, companyId, district, product], i) => ({ projectId: `P${i}`, measureId, companyId, district, attributes: product === null ? {} : { product } }) as unknown as Application);
          const { limits } = buildLimits(apps, policy(annual), scenario);
          const picks = (l: Limit) => (a: Application) => {
            const [kind, ...rest] = l.id.split(':');
            const subject = rest.join(':');
            if (kind === 'company_measure') return `${a.measureId}:${a.companyId}` === subject;
            if (kind === 'company_annual') return a.companyId === subject && a.measureId !== 'M4';
            if (kind === 'joint_cap') return subject.startsWith('J1:') ? ['M1', 'M2'].includes(a.measureId) && `J1:${a.companyId}` === subject : ['M2', 'M3'].includes(a.measureId) && `J2:${a.attributes?.product}` === subject;
            if (kind === 'measure_max' || kind === 'measure_min') return a.measureId === subject;
            if (kind === 'district_max') return a.district === subject;
            return kind === 'budget';
          };
          for (const l of limits) expect(l.members).toEqual(apps.flatMap((a, i) => (picks(l)(a) ? [i] : [])));
          // Every company under a measure with a cap per company has its limit, and so on: no limit missing.
          const expectedIds = new Set([
            ...apps.flatMap((a) => (['M1', 'M3'].includes(a.measureId) ? [`company_measure:${a.measureId}:${a.companyId}`] : [])),
            ...(annual ? apps.flatMap((a) => (a.measureId !== 'M4' ? [`company_annual:${a.companyId}`] : [])) : []),
            ...apps.flatMap((a) => (['M1', 'M2'].includes(a.measureId) ? [`joint_cap:J1:${a.companyId}`] : [])),
            ...apps.flatMap((a) => (['M2', 'M3'].includes(a.measureId) && a.attributes?.product !== undefined ? [`joint_cap:J2:${a.attributes.product}`] : [])),
            ...(apps.some((a) => a.measureId === 'M2') ? ['measure_max:M2'] : []),
            'measure_min:M9',
            ...(apps.some((a) => a.district === 'D1') ? ['district_max:D1'] : []),
            'budget',
          ]);
          expect(limits.map((l) => l.id)).toEqual([...expectedIds].sort());
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('limits sorted by id', () => {
  // Measure ids, joint ids and company ids that begin one another (a rule's prefix may begin
  // another's: the limits are then sorted whole), and grants locked by an earlier batch.
  const policy = (measures: readonly string[], annual: boolean) =>
    ({
      measures: measures.map((id, k) => ({ id, clause: `（${k}）`, rules: k !== 1 ? [{ type: 'companyCap', amount: '100' }] : [] })),
      ...(annual ? { companyAnnualCap: { amount: '500', clause: '（九）', exempt: [] } } : {}),
      jointCaps: [
        { id: 'J', clause: '（十）', amount: '300', measures: [measures[0]], per: 'company' },
        { id: measures.length > 2 ? 'J:' : 'K', clause: '（十）', amount: '300', measures: [measures[1]], per: 'product' },
      ],
    }) as unknown as Policy;
  const scenario = {
    year: 2024,
    budget: new D(1000),
    measureBudgets: new Map([['M', { max: new D(50), min: new D(5) }], ['Z', { min: new D(5) }]]),
    districtBudgets: new Map([['D1', { max: new D(70) }], ['company', { min: new D(1) }]]),
  } as unknown as Scenario;
  it('are the ids in code-unit order, each with the candidates and locked grants its rule picks', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<readonly string[]>(['M', 'M:'], ['M', 'N', 'M:X'], ['N', 'M']),
        fc.array(fc.tuple(fc.nat(2), fc.constantFrom('C', 'C:', 'C:M', '', 'c', '企业'), fc.constantFrom('D1', 'D2', 'company'), fc.option(fc.constantFrom('x', 'C', ''), { nil: undefined }), fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined })), { maxLength: 25 }),
        fc.boolean(),
        (measures, rows, annual) => {
          const apps = rows.map(([m, companyId, district, product], i) => ({ projectId: `P${i}`, measureId: measures[m % measures.length]!, companyId, district, attributes: product === undefined ? {} : { product } }) as unknown as Application);
          const locked = rows.flatMap(([, , , , grant], i) => (grant === undefined ? [] : [{ app: apps[i]!, grant: new D(grant) }]));
          const candidates = apps.filter((_, i) => rows[i]![4] === undefined);
          const { limits } = buildLimits(candidates, policy(measures, annual), scenario, locked);
          // Each application's limit ids, worked out one by one.
          const idsOf = (a: Application): string[] => {
            const k = measures.indexOf(a.measureId);
            const budget = scenario.measureBudgets.get(a.measureId);
            return [
              ...(k !== 1 ? [`company_measure:${a.measureId}:${a.companyId}`] : []),
              ...(annual ? [`company_annual:${a.companyId}`] : []),
              ...(k === 0 ? [`joint_cap:J:${a.companyId}`] : []),
              ...(k === 1 && a.attributes?.product !== undefined ? [`joint_cap:${measures.length > 2 ? 'J:' : 'K'}:${a.attributes.product}`] : []),
              ...(budget?.max ? [`measure_max:${a.measureId}`] : []),
              ...(budget?.min ? [`measure_min:${a.measureId}`] : []),
              ...(a.district === 'D1' ? ['district_max:D1'] : a.district === 'company' ? ['district_min:company'] : []),
              'budget',
            ];
          };
          // Floors bind with no candidate under them.
          const members = new Map<string, number[]>([['measure_min:M', []], ['measure_min:Z', []], ['district_min:company', []]]);
          const used = new Map<string, Decimal>();
          candidates.forEach((a, i) => idsOf(a).forEach((id) => members.set(id, [...(members.get(id) ?? []), i])));
          for (const { app, grant } of locked) for (const id of idsOf(app)) used.set(id, (used.get(id) ?? new D(0)).plus(grant));
          for (const { app } of locked) for (const id of idsOf(app)) if (!members.has(id)) members.set(id, []);
          if (!members.has('budget')) members.set('budget', []);
          expect(limits.map((l) => l.id)).toEqual([...members.keys()].sort());
          for (const l of limits) {
            expect(l.members).toEqual(l.id === 'budget' ? candidates.map((_, i) => i) : members.get(l.id));
            expect(l.locked.toString()).toBe((used.get(l.id) ?? new D(0)).toString());
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('byText', () => {
  // Code units around the 7-bit packing's edges, texts of up to 20 that often share long beginnings.
  const UNITS = ['\u0000', '\u0001', 'A', 'a', '~', '\u007f', '\u0080', '\u00ff', '企', '\ud83d', '\ude00', '\uffff'];
  const text = fc.array(fc.constantFrom(...UNITS), { maxLength: 20 }).map((u) => u.join(''));
  const texts = fc.array(fc.oneof(text, fc.tuple(fc.constantFrom('9144030', '91440300MA5', 'P\u007f', ''), text).map(([a, b]) => a + b)), { maxLength: 40 });
  it('sorts indexes by their texts in code-unit order, equal texts as given', () => {
    fc.assert(
      fc.property(texts, (xs) => {
        const cmp = (a: number, b: number) => (xs[a]! < xs[b]! ? -1 : xs[a]! > xs[b]! ? 1 : 0);
        const expected = xs.map((_, i) => i).sort(cmp);
        expect(byText(xs)(xs.map((_, i) => i))).toEqual(expected);
        expect([...byText(xs)(Int32Array.from(xs, (_, i) => i))].map((i) => xs[i])).toEqual(expected.map((i) => xs[i]));
      }),
      { numRuns: 2000 },
    );
  });
});
