/** The verifier catches each kind of broken rule, with the distance past the limit. */
import { describe, expect, it } from 'vitest';
import { D } from '../src/money.js';
import { verifyAllocation } from '../src/verify/verify.js';
import { apps, scenario, SHENZHEN } from './helpers/build.js';

const check = (specs: Parameters<typeof apps>[0], grantList: number[], fields: Record<string, unknown> = {}) => {
  const s = scenario({ budget: 1_000_000_000, ...fields });
  return verifyAllocation(SHENZHEN, s, apps(specs), grantList.map((g) => new D(g)));
};

describe('verifyAllocation', () => {
  it('passes a correct allocation and counts its checks', () => {
    const v = check([{ id: 'A', measure: 'P05-ROLLOUT', base: 2_000_000 }], [500_000]);
    expect(v.violations).toEqual([]);
    // grant ≥ 0, fen, granularity, measure exists, rate, projectCap, company cap, budget
    expect(v.checks).toBe(8);
  });

  it.each([
    ['rate', [{ id: 'A', measure: 'P10-APPLICATION', total: 1_000_000 }], [300_100], 'P10-APPLICATION（十） rate 0.3', '100'],
    ['project cap', [{ id: 'A', measure: 'P10-APPLICATION', total: 100_000_000 }], [3_000_100], 'P10-APPLICATION（十） projectCap', '100'],
    ['requested', [{ id: 'A', measure: 'P10-APPLICATION', total: 10_000_000, requested: 1_000_000 }], [1_000_100], 'requested', '100'],
    ['base ceiling', [{ id: 'A', measure: 'P06-SME-CLOUD', total: 200_000 }], [200_100], 'P06-SME-CLOUD（六） base', '100'],
    ['matching 1:1', [{ id: 'A', measure: 'P14-DEMO-BASE', total: 100_000_000, upper: 3_000_000 }], [3_000_100], 'P14-DEMO-BASE（十四） matching: city ≤ 1 × upper', '100'],
    ['matching share', [{ id: 'A', measure: 'P14-DEMO-BASE', total: 50_000_000, upper: 20_000_000 }], [5_000_100], 'P14-DEMO-BASE（十四） matching: upper + city ≤ 0.5 × total investment', '100'],
    ['matching fallback', [{ id: 'A', measure: 'P14-DEMO-BASE', total: 100_000_000 }], [5_000_100], 'P14-DEMO-BASE（十四） matching: no upper amount, fallback cap', '100'],
    [
      'company cap per year',
      [
        { id: 'A', measure: 'P05-ROLLOUT', company: 'X', base: 2_000_000 },
        { id: 'B', measure: 'P05-ROLLOUT', company: 'X', base: 2_000_000 },
        { id: 'C', measure: 'P05-ROLLOUT', company: 'X', base: 2_000_000 },
        { id: 'D', measure: 'P05-ROLLOUT', company: 'X', base: 2_000_000 },
        { id: 'E', measure: 'P05-ROLLOUT', company: 'X', base: 2_000_000 },
      ],
      [500_000, 500_000, 500_000, 500_000, 100],
      'P05-ROLLOUT（五） companyCap per year',
      '100',
    ],
  ])('%s', (_name, specs, grantList, rule, excess) => {
    const v = check(specs, grantList);
    expect(v.violations).toHaveLength(1);
    expect(v.violations[0]).toMatchObject({ rule, excess });
  });

  it('scenario limits: budget, measure max and min, company annual cap, granularity, min score, year', () => {
    const specs = [
      { id: 'A', measure: 'P10-APPLICATION', company: 'X', total: 10_000_000, score: 50 },
      { id: 'B', measure: 'P07-INTRANET', company: 'X', total: 10_000_000, year: 2018 },
      { id: 'C', measure: 'P07-INTRANET', company: 'X', total: 10_000_000 },
    ];
    const v = check(specs, [1_000_000, 1_000_000, 1_000_050], {
      budget: 3_000_000,
      minScore: 60,
      companyAnnualCap: 1_500_000,
      measureBudgets: { 'P07-INTRANET': { max: 1_500_000 }, 'P10-APPLICATION': { min: 2_000_000 } },
    });
    const rules = v.violations.map((x) => `${x.rule}|${x.subject}|${x.excess}`).sort();
    expect(rules).toEqual([
      'granularity|C|50',
      'minScore 60|A|1000000',
      'scenario budget|total|50',
      'scenario companyAnnualCap|X 2019|500050',
      'scenario measureBudgets max|P07-INTRANET|500050',
      'scenario measureBudgets min|P10-APPLICATION|1000000',
      'year 2019 only|B|1000000',
    ]);
  });

  // Grants in whole fen are checked in safe integers; any other grant sends every check to Decimal.
  // One more application, of a measure the policy lacks and with a grant of a tenth of a fen, does
  // that and adds only its own violation: the rest must come out the same, word for word.
  type Spec = Parameters<typeof apps>[0];
  const company = { measure: 'P05-ROLLOUT', company: 'X', base: 2_000_000 };
  it.each<[string, Spec, number[], Record<string, unknown>]>([
    ['correct', [{ id: 'A', measure: 'P05-ROLLOUT', base: 2_000_000 }], [500_000], {}],
    ['rate', [{ id: 'A', measure: 'P10-APPLICATION', total: 1_000_000 }], [300_100], {}],
    ['requested', [{ id: 'A', measure: 'P10-APPLICATION', total: 10_000_000, requested: 1_000_000 }], [1_000_100], {}],
    ['matching share', [{ id: 'A', measure: 'P14-DEMO-BASE', total: 50_000_000, upper: 20_000_000 }], [5_000_100], {}],
    ['matching fallback', [{ id: 'A', measure: 'P14-DEMO-BASE', total: 100_000_000 }], [5_000_100], {}],
    ['company cap per year', ['A', 'B', 'C', 'D', 'E'].map((id) => ({ id, ...company })), [500_000, 500_000, 500_000, 500_000, 100], {}],
    [
      'scenario limits',
      [
        { id: 'A', measure: 'P10-APPLICATION', company: 'X', total: 10_000_000, score: 50 },
        { id: 'B', measure: 'P07-INTRANET', company: 'X', total: 10_000_000, year: 2018 },
        { id: 'C', measure: 'P07-INTRANET', company: 'X', total: 10_000_000 },
      ],
      [1_000_000, 1_000_000, 1_000_050],
      { budget: 3_000_000, minScore: 60, companyAnnualCap: 1_500_000, measureBudgets: { 'P07-INTRANET': { max: 1_500_000 }, 'P10-APPLICATION': { min: 2_000_000 } } },
    ],
    ['negative and off the granularity', [{ id: 'A', measure: 'P10-APPLICATION', total: 1_000_000 }, { id: 'B', measure: 'P10-APPLICATION', total: 1_000_000 }], [-100, 300_000.01], {}],
  ])('decides in whole fen as in Decimal: %s', (_name, specs, grantList, fields) => {
    const s = scenario({ budget: 1_000_000_000, ...fields });
    const list = apps(specs);
    const grants = grantList.map((g) => new D(g));
    const fen = verifyAllocation(SHENZHEN, s, list, grants);
    const stranger = { ...list[0]!, projectId: 'Z-STRANGER', measureId: 'NO-SUCH-MEASURE' };
    const decimal = verifyAllocation(SHENZHEN, s, [...list, stranger], [...grants, new D('0.001')]);
    expect(decimal.checks).toBe(fen.checks + 1);
    expect(decimal.violations.filter((v) => v.subject !== 'Z-STRANGER')).toEqual(fen.violations);
    expect(decimal.violations.filter((v) => v.subject === 'Z-STRANGER').map((v) => v.rule)).toEqual(['measure exists']);
    if (_name !== 'correct') expect(fen.violations.length).toBeGreaterThan(0);
  });
});
