/** The rounding rule, step by step, on values chosen to break a careless implementation. */
import { describe, expect, it } from 'vitest';
import { D } from '../src/money.js';
import type { Limit, ShareRow } from '../src/model/limits.js';
import { roundAllocation } from '../src/model/rounding.js';
import { allocate } from '../src/model/allocate.js';
import { networkBackend } from '../src/solver/network-backend.js';
import { SHENZHEN, apps, grants, scenario, solveVerified } from './helpers/build.js';

const budget = (amount: number, members: number[]): Limit => ({
  id: 'budget', kind: 'budget', sense: 'max', amount: new D(amount), members, subject: '', source: 'scenario.budget', locked: new D(0),
});
const caps = (...xs: number[]) => xs.map((x) => new D(x));
const g100 = new D(100);

describe('roundAllocation', () => {
  it('floating noise just under a unit counts as that unit', () => {
    const r = roundAllocation({ caps: caps(300_000), limits: [budget(1_000_000, [0])], values: [299_999.9999997], order: [0], granularity: g100 });
    expect(r.grants[0]!.toString()).toBe('300000');
  });

  it('rounds down and hands the remainder out in priority order, whole units only', () => {
    // LP split ¥100,050 of budget as 50,025 / 50,025; caps ¥60,000 each.
    const r = roundAllocation({
      caps: caps(60_000, 60_000),
      limits: [budget(100_050, [0, 1])],
      values: [50_025, 50_025],
      order: [1, 0],
      granularity: g100,
    });
    // Floors: 50,000 + 50,000; ¥50 left < one unit... and candidate 1 (first in order) takes nothing more.
    expect(r.grants.map(String)).toEqual(['50000', '50000']);
    expect(r.totals[0]!.toString()).toBe('100000');
  });

  it('gives the leftover to the first in priority order that has room', () => {
    const r = roundAllocation({
      caps: caps(60_000, 60_000),
      limits: [budget(100_000, [0, 1])],
      values: [40_050.5, 59_949.5],
      order: [1, 0],
      granularity: g100,
    });
    // Floors 40,000 + 59,900 = 99,900; ¥100 left goes to candidate 1 (first in order, room 100).
    expect(r.grants.map(String)).toEqual(['40000', '60000']);
  });

  it('repairs a limit the LP overshot, taking from the last in priority order', () => {
    const r = roundAllocation({
      caps: caps(60_000, 60_000),
      limits: [budget(100_000, [0, 1])],
      values: [60_000, 40_000.4],
      order: [0, 1],
      granularity: g100,
    });
    expect(r.grants.map(String)).toEqual(['60000', '40000']);
    const over = roundAllocation({
      caps: caps(60_000, 60_000),
      limits: [budget(99_950, [0, 1])],
      values: [60_000, 39_950],
      order: [0, 1],
      granularity: g100,
    });
    expect(over.grants.map(String)).toEqual(['60000', '39900']);
  });

  it('tops a floor up to the next whole unit above it', () => {
    const floor: Limit = { id: 'measure_min:M', kind: 'measure_min', sense: 'min', amount: new D(50_050), members: [0], subject: 'M', source: 's', locked: new D(0) };
    const r = roundAllocation({ caps: caps(100_000), limits: [budget(200_000, [0]), floor], values: [50_050], order: [0], granularity: g100 });
    // Step 3 raises it to 50,100; step 4 then fills the cap since the budget allows.
    expect(r.grants[0]!.toString()).toBe('100000');
    expect(r.unmetFloors).toEqual([]);
  });

  it('repairs a ceiling from outside a floor first, though that is not the last in priority order', () => {
    // The district's ¥150,000 is exceeded by a unit; candidate 0, last in the order, is at its
    // measure's floor, so the unit comes from candidate 1 (its measure has none).
    const district: Limit = { ...budget(150_000, [0, 1]), id: 'district_max:D', kind: 'district_max' };
    const floor: Limit = { id: 'measure_min:M', kind: 'measure_min', sense: 'min', amount: new D(100_000), members: [0], subject: 'M', source: 's', locked: new D(0) };
    const r = roundAllocation({ caps: caps(100_000, 100_000), limits: [district, floor], values: [100_000, 50_100], order: [1, 0], granularity: g100 });
    expect(r.grants.map(String)).toEqual(['100000', '50000']);
    expect(r.unmetFloors).toEqual([]);
    // Where only floor members can give, one of them does (the ceiling holds; the floor is then reported).
    const both: Limit = { ...floor, members: [0, 1], amount: new D(150_100) };
    const r2 = roundAllocation({ caps: caps(100_000, 100_000), limits: [district, both], values: [100_000, 50_100], order: [1, 0], granularity: g100 });
    expect(r2.totals.map(String)).toEqual(['150000', '150000']);
    expect(r2.unmetFloors).toEqual([1]);
  });

  it('tops a floor up with a unit from outside it where a full ceiling blocks its members', () => {
    // The district (¥99,950: 999 units) is full at 500 + 499 units; the floor ¥50,100 needs 501
    // units of candidate 0, whose room the district closes: candidate 1 gives one up.
    const district: Limit = { ...budget(99_950, [0, 1]), id: 'district_max:D', kind: 'district_max' };
    const floor: Limit = { id: 'measure_min:M', kind: 'measure_min', sense: 'min', amount: new D(50_100), members: [0], subject: 'M', source: 's', locked: new D(0) };
    const r = roundAllocation({ caps: caps(100_000, 100_000), limits: [district, floor], values: [50_050, 49_950], order: [0, 1], granularity: g100 });
    expect(r.grants.map(String)).toEqual(['50100', '49800']);
    expect(r.unmetFloors).toEqual([]);
  });

  it('reports a floor short only where it is short at the end: the hand-out can meet one the top-up could not', () => {
    // At least half of the money to candidate 0 (qualifying): candidate 1, the floor's only member,
    // has no room until candidate 0 has some, which the hand-out (step 4) gives it first.
    const share: ShareRow = { id: 'share_min:S', shareId: 'S', sense: 'min', rate: new D('0.5'), qualifying: [0], others: [1], lockedQualifying: new D(0), lockedOthers: new D(0), source: 's' };
    const floor: Limit = { id: 'measure_min:M', kind: 'measure_min', sense: 'min', amount: new D(5_000), members: [1], subject: 'M', source: 's', locked: new D(0) };
    const r = roundAllocation({ caps: caps(10_000, 10_000), limits: [budget(1_000_000, [0, 1]), floor], shares: [share], values: [0, 0], order: [0, 1], granularity: g100 });
    expect(r.grants.map(String)).toEqual(['10000', '10000']);
    expect(r.unmetFloors).toEqual([]);
    expect(r.unmetShares).toEqual([]);
  });

  it('reports a floor that whole units cannot reach', () => {
    const floor: Limit = { id: 'measure_min:M', kind: 'measure_min', sense: 'min', amount: new D(50_050), members: [0], subject: 'M', source: 's', locked: new D(0) };
    const r = roundAllocation({ caps: caps(50_000), limits: [budget(200_000, [0]), floor], values: [50_000], order: [0], granularity: g100 });
    expect(r.unmetFloors).toEqual([1]);
  });
});

describe('granularity through the whole pipeline', () => {
  it('¥10,000 units: grants are whole 万元 and the remainder below a unit stays unallocated', () => {
    const list = apps([
      { id: 'A', measure: 'P10-APPLICATION', total: 1_234_567, score: 90 }, // 30% = 370,370.10 → cap 370,000
      { id: 'B', measure: 'P10-APPLICATION', total: 5_000_000, score: 80 },
    ]);
    const a = solveVerified(list, scenario({ budget: 1_000_000, granularity: 10_000 }));
    expect(grants(a)).toEqual({ A: '370000.00', B: '630000.00' });
  });

  it('a floor and a full ceiling that are not whole units: the LP is of whole units, so the floor is met (its point in yuan, rounded, would miss it)', () => {
    // The district's ceiling ¥250,050 is ¥250,000 in whole units of ¥100, the measure's floor
    // ¥150,050 is ¥150,100. An LP on the amounts as written gives B ¥150,050 and A ¥100,000: B
    // rounds down to ¥150,000 and cannot be topped up (the district is full in whole units).
    const list = apps([
      { id: 'A', measure: 'P10-APPLICATION', total: 1_000_000, score: 90, district: '南山区' },
      { id: 'B', measure: 'P01-CROSS', total: 1_000_000, score: 80, district: '南山区' },
    ]);
    const s = scenario({ budget: 1_000_000, districtBudgets: { 南山区: { max: '250050' } }, measureBudgets: { 'P01-CROSS': { min: '150050' } } });
    const expected = { A: '99900.00', B: '150100.00' };
    expect(grants(solveVerified(list, s))).toEqual(expected);
    const network = allocate(list, SHENZHEN, s, networkBackend);
    expect(network.solver.backend).toBe('network simplex');
    expect(grants(network)).toEqual(expected);
  });

  it('limits with the same member lists as limits rounded before (another budget) round as limits of their own', () => {
    const company = (amount: number, members: number[]): Limit => ({ ...budget(amount, members), id: `company_annual:C${members[0]}`, kind: 'company_annual', subject: `C${members[0]}`, source: 'scenario.companyAnnualCap' });
    const limits = [budget(1_000_000, [0, 1, 2, 3]), company(150_000, [0, 2]), company(90_000, [1, 3])];
    const input = { caps: caps(100_000, 80_000, 100_000, 30_000), values: [100_000, 80_000, 60_000, 10_000], order: [2, 0, 1, 3], granularity: g100 };
    const first = roundAllocation({ ...input, limits });
    expect(first.grants.map(String)).toEqual(['90000', '80000', '60000', '10000']);
    // At a budget of ¥200,000 (the members the same arrays), as with member lists of its own.
    const lower = limits.map((l, k) => (k === 0 ? { ...l, amount: new D(200_000) } : l));
    const own = lower.map((l) => ({ ...l, members: [...l.members] }));
    const again = roundAllocation({ ...input, limits: lower });
    expect(again.grantUnits).toEqual(roundAllocation({ ...input, limits: own }).grantUnits);
    expect(again.totals.map(String)).toEqual(['200000', '150000', '50000']);
    // Other member lists under the same first list are not taken for the same.
    const moved = [lower[0]!, company(150_000, [0, 1]), company(90_000, [2, 3])];
    expect(roundAllocation({ ...input, limits: moved }).grantUnits).toEqual(roundAllocation({ ...input, limits: moved.map((l) => ({ ...l, members: [...l.members] })) }).grantUnits);
  });
});
