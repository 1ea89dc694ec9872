/** Each money rule of the policy, on numbers worked out by hand. */
import { describe, expect, it } from 'vitest';
import { D } from '../src/money.js';
import { entitlementOf } from '../src/model/entitlement.js';
import { apps, bindings, grants, scenario, SHENZHEN, solveVerified } from './helpers/build.js';

const BIG = '10000000000';
const m = (id: string) => SHENZHEN.measures.find((x) => x.id === id)!;

describe('per-project ceilings (entitlement)', () => {
  it('（五）: a deployment with a ¥2m service fee gets at most ¥500k (30% = ¥600k, above the cap)', () => {
    const [a] = apps([{ id: 'D1', measure: 'P05-ROLLOUT', total: 3_000_000, base: 2_000_000 }]);
    const e = entitlementOf(a!, m('P05-ROLLOUT'));
    expect(e.amount.toString()).toBe('500000');
    expect(e.binding).toBe('cap');
  });

  it('（五）: below the cap the rate sets it: 30% × ¥1,234,567 = ¥370,370.10', () => {
    const [a] = apps([{ id: 'D1', measure: 'P05-ROLLOUT', base: 1_234_567 }]);
    const e = entitlementOf(a!, m('P05-ROLLOUT'));
    expect(e.amount.toString()).toBe('370370.1');
    expect(e.binding).toBe('rate');
  });

  it('（十四）: ¥20m upper-level grant, ¥50m investment → at most ¥5m (50% × 50m − 20m)', () => {
    const [a] = apps([{ id: 'B1', measure: 'P14-DEMO-BASE', total: 50_000_000, upper: 20_000_000 }]);
    const e = entitlementOf(a!, m('P14-DEMO-BASE'));
    expect(e.amount.toString()).toBe('5000000');
    expect(e.binding).toBe('matching');
  });

  it('（十四）: 1:1 matching binds when the upper grant is small: ¥3m upper, ¥100m investment → ¥3m', () => {
    const [a] = apps([{ id: 'B1', measure: 'P14-DEMO-BASE', total: 100_000_000, upper: 3_000_000 }]);
    expect(entitlementOf(a!, m('P14-DEMO-BASE')).amount.toString()).toBe('3000000');
  });

  it('（十四）: no upper-level amount → fallback ¥5m; and never past 50% of the investment (¥8m → ¥4m)', () => {
    const [a, b] = apps([
      { id: 'B1', measure: 'P14-DEMO-BASE', total: 100_000_000 },
      { id: 'B2', measure: 'P14-DEMO-BASE', total: 8_000_000 },
    ]);
    expect(entitlementOf(a!, m('P14-DEMO-BASE')).amount.toString()).toBe('5000000');
    expect(entitlementOf(b!, m('P14-DEMO-BASE')).amount.toString()).toBe('4000000');
  });

  it('（十四）: an upper grant already at 50% of the investment leaves nothing', () => {
    const [a] = apps([{ id: 'B1', measure: 'P14-DEMO-BASE', total: 10_000_000, upper: 6_000_000 }]);
    expect(entitlementOf(a!, m('P14-DEMO-BASE')).amount.toString()).toBe('0');
  });

  it('（六）: no rate stated → at most the fees paid (¥300k), and at most ¥750k', () => {
    const [a, b] = apps([
      { id: 'S1', measure: 'P06-SME-CLOUD', total: 300_000 },
      { id: 'S2', measure: 'P06-SME-CLOUD', total: 1_000_000 },
    ]);
    expect(entitlementOf(a!, m('P06-SME-CLOUD'))).toMatchObject({ binding: 'base' });
    expect(entitlementOf(a!, m('P06-SME-CLOUD')).amount.toString()).toBe('300000');
    expect(entitlementOf(b!, m('P06-SME-CLOUD')).amount.toString()).toBe('750000');
  });

  it('（十一）: the rate applies to the intelligent part (eligible_base), not the whole investment', () => {
    const [a] = apps([{ id: 'R1', measure: 'P11-RETROFIT', total: 120_000_000, base: 50_000_000 }]);
    expect(entitlementOf(a!, m('P11-RETROFIT')).amount.toString()).toBe('10000000');
  });

  it('the requested amount bounds the grant', () => {
    const [a] = apps([{ id: 'A1', measure: 'P10-APPLICATION', total: 8_000_000, requested: 1_500_000 }]);
    const e = entitlementOf(a!, m('P10-APPLICATION'));
    expect(e.amount.toString()).toBe('1500000');
    expect(e.binding).toBe('requested');
  });

  it('awards (（三）) need no investment: bounded by the cap and the request', () => {
    const [a, b] = apps([
      { id: 'W1', measure: 'P03-PLATFORM-SP' },
      { id: 'W2', measure: 'P03-PLATFORM-SP', requested: 1_200_000 },
    ]);
    expect(entitlementOf(a!, m('P03-PLATFORM-SP')).amount.toString()).toBe('2000000');
    expect(entitlementOf(b!, m('P03-PLATFORM-SP')).amount.toString()).toBe('1200000');
  });

  it('a fractional entitlement is rounded down to the fen', () => {
    const [a] = apps([{ id: 'A1', measure: 'P10-APPLICATION', total: '1234567.89' }]);
    expect(entitlementOf(a!, m('P10-APPLICATION')).amount.toString()).toBe('370370.36');
  });
});

describe('limits that couple applications', () => {
  it('（五）: a provider with eight ¥2m-fee deployments gets ¥2m in the year, best scores first', () => {
    const list = apps(
      Array.from({ length: 8 }, (_, k) => ({ id: `D${k + 1}`, measure: 'P05-ROLLOUT', company: 'PROVIDER', base: 2_000_000, score: 90 - k })),
    );
    const a = solveVerified(list, scenario({ budget: BIG }));
    const g = grants(a);
    expect(a.granted.toString()).toBe('2000000');
    expect([g.D1, g.D2, g.D3, g.D4]).toEqual(['500000.00', '500000.00', '500000.00', '500000.00']);
    expect([g.D5, g.D6, g.D7, g.D8]).toEqual(['0.00', '0.00', '0.00', '0.00']);
    expect(bindings(a).D1).toBe('cap');
    expect(bindings(a).D5).toBe('company_limit');
  });

  it('（三）: one award per company: two applications of one company share ¥2m', () => {
    const list = apps([
      { id: 'W1', measure: 'P03-PLATFORM-SP', company: 'C', score: 85 },
      { id: 'W2', measure: 'P03-PLATFORM-SP', company: 'C', score: 80 },
    ]);
    const a = solveVerified(list, scenario({ budget: BIG }));
    expect(grants(a)).toEqual({ W1: '2000000.00', W2: '0.00' });
  });

  it('the total budget cuts the lowest score; the cut project names the total budget', () => {
    const list = apps([
      { id: 'A', measure: 'P10-APPLICATION', total: 12_000_000, score: 90 },
      { id: 'B', measure: 'P10-APPLICATION', total: 12_000_000, score: 80 },
      { id: 'C', measure: 'P10-APPLICATION', total: 12_000_000, score: 70 },
    ]);
    const a = solveVerified(list, scenario({ budget: 7_000_050 }));
    expect(grants(a)).toEqual({ A: '3000000.00', B: '3000000.00', C: '1000000.00' });
    expect(bindings(a)).toEqual({ A: 'cap', B: 'cap', C: 'total_budget' });
    // ¥50 cannot be granted in ¥100 units: it stays unallocated.
    expect(a.granted.toString()).toBe('7000000');
  });

  it('a measure ceiling and a company annual cap each stop grants, and say so', () => {
    const list = apps([
      { id: 'R1', measure: 'P11-RETROFIT', base: 150_000_000, score: 95 },
      { id: 'R2', measure: 'P11-RETROFIT', base: 150_000_000, score: 90 },
      // One company: ¥10m + ¥5m + ¥5m + ¥3m of entitlements against a ¥21m annual cap.
      { id: 'X1', measure: 'P07-INTRANET', company: 'BIG', total: 40_000_000, score: 88 },
      { id: 'X2', measure: 'P01-SECTOR', company: 'BIG', total: 30_000_000, score: 87 },
      { id: 'X3', measure: 'P02-TESTBED', company: 'BIG', total: 20_000_000, score: 86 },
      { id: 'X4', measure: 'P10-APPLICATION', company: 'BIG', total: 20_000_000, score: 85 },
    ]);
    const a = solveVerified(list, scenario({ budget: BIG, measureBudgets: { 'P11-RETROFIT': { max: 25_000_000 } }, companyAnnualCap: 21_000_000 }));
    expect(grants(a)).toEqual({ R1: '20000000.00', R2: '5000000.00', X1: '10000000.00', X2: '5000000.00', X3: '5000000.00', X4: '1000000.00' });
    expect(bindings(a)).toEqual({ R1: 'cap', R2: 'measure_budget', X1: 'cap', X2: 'cap', X3: 'cap', X4: 'company_limit' });
  });

  it('a measure floor takes money from higher scores elsewhere', () => {
    const list = apps([
      { id: 'A', measure: 'P10-APPLICATION', total: 10_000_000, score: 70 },
      { id: 'B', measure: 'P07-INTRANET', total: 10_000_000, score: 95 },
    ]);
    const a = solveVerified(list, scenario({ budget: 4_000_000, measureBudgets: { 'P10-APPLICATION': { min: 2_000_000 } } }));
    expect(grants(a)).toEqual({ A: '2000000.00', B: '2000000.00' });
    expect(bindings(a).B).toBe('total_budget');
  });

  it('below the minimum score or of another year: nothing, and the reason', () => {
    const list = apps([
      { id: 'A', measure: 'P10-APPLICATION', total: 1_000_000, score: 59.9 },
      { id: 'B', measure: 'P10-APPLICATION', total: 1_000_000, score: 90, year: 2018 },
      { id: 'C', measure: 'P10-APPLICATION', total: 1_000_000, score: 60 },
    ]);
    const a = solveVerified(list, scenario({ budget: BIG, minScore: 60 }));
    expect(grants(a)).toEqual({ A: '0.00', B: '0.00', C: '300000.00' });
    expect(bindings(a)).toEqual({ A: 'below_min_score', B: 'ineligible', C: 'rate' });
  });

  it('equal scores: the smaller project id is preferred, wherever it stands in the file', () => {
    const list = apps([
      { id: 'P-0002', measure: 'P10-APPLICATION', total: 10_000_000, score: 80 },
      { id: 'P-0001', measure: 'P10-APPLICATION', total: 10_000_000, score: 80 },
      { id: 'P-0003', measure: 'P10-APPLICATION', total: 10_000_000, score: 80 },
    ]);
    const a = solveVerified(list, scenario({ budget: 4_000_000 }));
    expect(grants(a)).toEqual({ 'P-0001': '3000000.00', 'P-0002': '1000000.00', 'P-0003': '0.00' });
  });

  it('optimal, not greedy: a company cap and a measure budget interact', () => {
    // Filling by score gives H (90) its ¥1m, which fills both the company cap and measure M's budget:
    // objective 90m. Funding M2 (85) in the measure and the company's other project L (80) gives 165m.
    const list = apps([
      { id: 'H', measure: 'P10-APPLICATION', company: 'C', total: 10_000_000, requested: 1_000_000, score: 90 },
      { id: 'M2', measure: 'P10-APPLICATION', company: 'D', total: 10_000_000, requested: 1_000_000, score: 85 },
      { id: 'L', measure: 'P07-INTRANET', company: 'C', total: 10_000_000, requested: 1_000_000, score: 80 },
    ]);
    const a = solveVerified(list, scenario({ budget: 2_000_000, companyAnnualCap: 1_000_000, measureBudgets: { 'P10-APPLICATION': { max: 1_000_000 } } }));
    expect(grants(a)).toEqual({ H: '0.00', M2: '1000000.00', L: '1000000.00' });
    expect(a.objective.eq(new D(165_000_000))).toBe(true);
  });
});
