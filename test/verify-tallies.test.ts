/**
 * The verifier's counts and the ledger rows it checks, each against a plain reading: a measure's
 * and a district's count of funded grants (kept beside their sums) planted over and under their
 * quotas and found, in a full verify and from a kept one; `allDistinct` against a Set; and the
 * ledger rows of new grants against the instalments `splitGrant` makes, one by one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { D } from '../src/money.js';
import { parsePolicy } from '../src/model/policy.js';
import { commitmentsOf, instalmentUnit, splitGrant } from '../src/model/years.js';
import { allDistinct } from '../src/verify/distinct.js';
import { changedVerification, verifyAllocation, verifyKeeping, verifyOneByOne } from '../src/verify/verify.js';
import { apps, scenario, SHENZHEN } from './helpers/build.js';

describe('counts of funded grants per measure and district', () => {
  const p10 = (id: string, district: string) => ({ id, measure: 'P10-APPLICATION', district, total: 10_000_000, requested: 1_000_000 });
  const list = apps([p10('N1', '南山区'), p10('N2', '南山区'), p10('N3', '南山区'), p10('F1', '福田区'), p10('F2', '福田区')]);
  const s = scenario({
    budget: 100_000_000,
    measureBudgets: { 'P10-APPLICATION': { maxCount: 3, minCount: 2 } },
    districtBudgets: { 南山区: { maxCount: 2 }, 福田区: { minCount: 1 } },
  });
  const grants = (yuan: readonly number[]) => yuan.map((v) => new D(v));

  it('a quota broken is found, with its value, limit and excess, as one by one', () => {
    const over = grants([1_000_000, 1_000_000, 100, 100, 0]);
    const v = verifyAllocation(SHENZHEN, s, list, over);
    expect(v).toEqual(verifyOneByOne(SHENZHEN, s, list, over));
    expect(v.violations).toEqual([
      { rule: 'scenario measureBudgets maxCount (applications funded)', subject: 'P10-APPLICATION', limit: '3', value: '4', excess: '1' },
      { rule: 'scenario districtBudgets maxCount (applications funded)', subject: '南山区', limit: '2', value: '3', excess: '1' },
    ]);
    const under = grants([100, 0, 0, 0, 0]);
    expect(verifyAllocation(SHENZHEN, s, list, under).violations).toEqual([
      { rule: 'scenario measureBudgets minCount (applications funded)', subject: 'P10-APPLICATION', limit: '2', value: '1', excess: '1' },
      { rule: 'scenario districtBudgets minCount (applications funded)', subject: '福田区', limit: '1', value: '0', excess: '1' },
    ]);
  });

  it('from a kept verify: grants moved within the quotas pass with the full checks, moved past them need the full verify', () => {
    const { verification, kept } = verifyKeeping(SHENZHEN, s, list, grants([1_000_000, 100, 0, 100, 0]));
    expect(verification.violations).toEqual([]);
    const within = grants([0, 100, 1_000_000, 0, 200]);
    expect(changedVerification(kept!, SHENZHEN, s, list, within, new Set())).toEqual(verifyAllocation(SHENZHEN, s, list, within));
    // A third grant in 南山区, a fourth under the measure: the counts from the kept tallies are over, so no answer from them.
    expect(changedVerification(kept!, SHENZHEN, s, list, grants([1_000_000, 100, 100, 100, 0]), new Set())).toBeNull();
    expect(changedVerification(kept!, SHENZHEN, s, list, grants([1_000_000, 100, 100, 100, 100]), new Set())).toBeNull();
  });
});

describe('allDistinct', () => {
  it('answers as a Set does, for texts from a small alphabet (many alike, many hashed alike)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '区', '1', '\u0000'), maxLength: 4 });
    fc.assert(
      fc.property(fc.array(text, { maxLength: 60 }), (texts) => {
        expect(allDistinct(texts.length, (k) => texts[k]!)).toBe(new Set(texts).size === texts.length);
      }),
      { seed: 20261206, numRuns: 2000 },
    );
    const many = Array.from({ length: 5000 }, (_, k) => `SZ2019-${String(k).padStart(5, '0')}`);
    expect(allDistinct(many.length, (k) => many[k]!)).toBe(true);
    expect(allDistinct(many.length + 1, (k) => many[k === many.length ? 1234 : k]!)).toBe(false);
  });
});

describe('commitmentsOf', () => {
  it('one row per instalment of every grant above zero, as splitGrant makes them, in the order given', () => {
    const policy = parsePolicy(
      {
        id: 'rows',
        name: { zh: '分期', en: 'instalments' },
        measures: [
          { id: 'ONCE', clause: '（一）', name: { zh: '一次', en: 'once' }, kind: 'project', rules: [{ type: 'projectCap', amount: '1亿' }] },
          { id: 'NEXT', clause: '（二）', name: { zh: '次年', en: 'next year' }, kind: 'project', rules: [{ type: 'projectCap', amount: '1亿' }], installments: [{ share: '100%', year: 1 }] },
          { id: 'THREE', clause: '（三）', name: { zh: '三次', en: 'three' }, kind: 'project', rules: [{ type: 'projectCap', amount: '1亿' }], installments: [{ share: '40%', year: 0 }, { share: '30%', year: 1 }, { share: '30%', year: 2 }] },
        ],
      },
      'rows.json',
    );
    const ids = ['ONCE', 'NEXT', 'THREE'];
    for (const g of [new D(100), new D('0.01')]) {
      const list = apps(Array.from({ length: 30 }, (_, i) => ({ id: `R${i}`, measure: ids[i % 3]!, requested: 1_000_000 })));
      const lines = list.map((app, i) => ({ app, measure: policy.measures.find((m) => m.id === app.measureId)!, grant: new D(i % 4 === 3 ? 0 : 10_000 + 1_301.37 * i).toDecimalPlaces(2) }));
      const want = lines
        .filter((l) => l.grant.gt(0))
        .flatMap(({ app, measure, grant }) =>
          splitGrant(grant, measure, app.year, instalmentUnit(g)).map((x) => ({
            projectId: app.projectId,
            projectName: app.projectName,
            companyId: app.companyId,
            companyName: app.companyName,
            measureId: measure.id,
            approvedYear: app.year,
            grant,
            installment: x.installment,
            dueYear: x.dueYear,
            amount: x.amount,
            status: 'planned',
          })),
        );
      const got = commitmentsOf(lines, g);
      expect(got).toEqual(want);
      expect(got.length).toBe(lines.filter((l) => l.grant.gt(0)).reduce((n, l) => n + (l.measure.installments?.length ?? 1), 0));
    }
  });
});
