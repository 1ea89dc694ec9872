/** Objectives beyond priority: measure weights, award scores, proportional shares; numbers by hand. */
import { describe, expect, it } from 'vitest';
import { apps, bindings, grants, ruleNoteText, scenario, solveVerified, SHENZHEN } from './helpers/build.js';
import { mulberry32 } from '../scripts/synthetic.js';
import { createHighsBackend } from '../src/solver/highs.js';
import { entitlementOf } from '../src/model/entitlement.js';
import type { Row } from '../src/solver/types.js';

describe('measureWeights and awardScores (priority objective)', () => {
  // Both entitled to ¥1m (requested); the budget funds one.
  const list = () =>
    apps([
      { id: 'A', measure: 'P10-APPLICATION', base: 10_000_000, requested: 1_000_000, score: 80 },
      { id: 'E', measure: 'P13-EVENT', base: 10_000_000, requested: 1_000_000, score: 85 },
    ]);
  it('without weights the higher score (E, 85) is funded', () => {
    expect(grants(solveVerified(list(), scenario({ budget: 1_000_000 })))).toEqual({ A: '0.00', E: '1000000.00' });
  });
  it('application ×1.2 (96) beats events ×0.5 (42.5)', () => {
    const a = solveVerified(list(), scenario({ budget: 1_000_000, measureWeights: { 'P10-APPLICATION': 1.2, 'P13-EVENT': 0.5 } }));
    expect(grants(a)).toEqual({ A: '1000000.00', E: '0.00' });
    expect(bindings(a).E).toBe('total_budget');
    // The objective is Σ weighted score × grant: 96 × 1,000,000.
    expect(a.objective.toString()).toBe('96000000');
  });
  it('an award with no expert score gets the scenario\'s score instead of zero (and passes minScore)', () => {
    const l = apps([
      { id: 'W', measure: 'P03-PLATFORM-SP', score: 0 },
      { id: 'A', measure: 'P10-APPLICATION', base: 10_000_000, requested: 1_000_000, score: 80 },
    ]);
    expect(grants(solveVerified(l, scenario({ budget: 2_000_000, minScore: 60 })))).toEqual({ W: '0.00', A: '1000000.00' });
    const a = solveVerified(l, scenario({ budget: 2_000_000, minScore: 60, awardScores: { 'P03-PLATFORM-SP': 90 } }));
    expect(grants(a)).toEqual({ W: '2000000.00', A: '0.00' });
  });
});

describe('objective proportional (按比例核减)', () => {
  // Entitlements: A ¥3m (cap), B ¥1.5m (30% of 5m), C ¥600k (30% of 2m); company annual cap ¥2m.
  const list = () =>
    apps([
      { id: 'A', measure: 'P10-APPLICATION', base: 10_000_000 },
      { id: 'B', measure: 'P10-APPLICATION', base: 5_000_000 },
      { id: 'C', measure: 'P10-APPLICATION', base: 2_000_000 },
    ]);
  it('budget alone: everyone gets 3m / 5.1m = 58.82…% of the entitlement, rounded down to ¥100', () => {
    const a = solveVerified(list(), scenario({ budget: 3_000_000, objective: 'proportional' }));
    // 3,000,000 × 3/5.1 = 1,764,705.88 → 1,764,700; × 1.5/5.1 = 882,352.94 → 882,300; × 0.6/5.1 = 352,941.18 → 352,900
    expect(grants(a)).toEqual({ A: '1764700.00', B: '882300.00', C: '352900.00' });
    expect(new Set(Object.values(bindings(a)))).toEqual(new Set(['proportional_share']));
    expect(a.rules?.commonShare).toBe('0.5882352941');
    expect(a.rules?.stoppedEarly).toEqual([]);
  });
  it('a company limit stops A at 2/3; B and C keep rising to (4m − 2m) / 2.1m = 95.24%', () => {
    const s = scenario({ budget: 4_000_000, companyAnnualCap: 2_000_000, objective: 'proportional' });
    const a = solveVerified(list(), s);
    // B: 1.5m × 2/2.1 = 1,428,571.43 → 1,428,500; C: 0.6m × 2/2.1 = 571,428.57 → 571,400
    expect(grants(a)).toEqual({ A: '2000000.00', B: '1428500.00', C: '571400.00' });
    expect(bindings(a)).toEqual({ A: 'company_limit', B: 'proportional_share', C: 'proportional_share' });
    expect(a.rules?.commonShare).toBe('0.9523809524');
    expect(a.rules?.stoppedEarly).toEqual([{ projectId: 'A', share: '0.6666666667', limitId: 'company_annual:C-A' }]);
    expect(ruleNoteText(a, 0, s)).toContain('受 企业年度限额 · C-A 限制（¥2,000,000）');
  });
  it('enough money: everyone gets the full entitlement', () => {
    const a = solveVerified(list(), scenario({ budget: 10_000_000, objective: 'proportional' }));
    expect(grants(a)).toEqual({ A: '3000000.00', B: '1500000.00', C: '600000.00' });
    expect(bindings(a)).toEqual({ A: 'rate', B: 'rate', C: 'rate' });
  });
  it('forced and excluded decisions: forced first at the entitlement, excluded nothing, the rest share', () => {
    const l = list().map((x) => (x.projectId === 'C' ? { ...x, decision: 'fund' as const, decisionReason: '市领导批示' } : x.projectId === 'A' ? { ...x, decision: 'exclude' as const } : x));
    const s = scenario({ budget: 1_350_000, objective: 'proportional' });
    const a = solveVerified(l, s);
    // C ¥600k; B: (1,350,000 − 600,000) / 1,500,000 = 50% → ¥750,000
    expect(grants(a)).toEqual({ A: '0.00', B: '750000.00', C: '600000.00' });
    expect(bindings(a)).toEqual({ A: 'excluded', B: 'proportional_share', C: 'forced' });
    expect(ruleNoteText(a, 2, s)).toContain('市领导批示');
  });
  it('forced grants above the budget: infeasible, naming them and the least change', () => {
    const l = list().map((x) => ({ ...x, decision: 'fund' as const }));
    expect(() => solveVerified(l, scenario({ budget: 4_000_000, objective: 'proportional' }))).toThrow(/forced A ¥3,000,000 \+ B ¥1,500,000 \+ C ¥600,000 = ¥5,100,000 > ¥4,000,000; least change: raise it by ¥1,100,000/);
  });
  it('a measure floor is refused with proportional (not combined yet), as an input error', () => {
    expect(() => solveVerified(list(), scenario({ budget: 4_000_000, objective: 'proportional', measureBudgets: { 'P10-APPLICATION': { min: 1 } } }))).toThrow(/not supported together/);
  });
});

describe('objective proportional-by-score', () => {
  it('bands 1 / 0.8 / 0.6 of the common share: ¥1.2m over three ¥1m entitlements → t = 50%: 500k, 400k, 300k', () => {
    const l = apps([
      { id: 'H', measure: 'P10-APPLICATION', base: 10_000_000, requested: 1_000_000, score: 95 },
      { id: 'M', measure: 'P10-APPLICATION', base: 10_000_000, requested: 1_000_000, score: 85 },
      { id: 'L', measure: 'P10-APPLICATION', base: 10_000_000, requested: 1_000_000, score: 70 },
    ]);
    const s = scenario({
      budget: 1_200_000,
      objective: 'proportional-by-score',
      scoreBands: [{ min: 60, weight: 0.6 }, { min: 90, weight: 1 }, { min: 80, weight: 0.8 }],
    });
    const a = solveVerified(l, s);
    expect(grants(a)).toEqual({ H: '500000.00', M: '400000.00', L: '300000.00' });
    expect(a.rules?.commonShare).toBe('0.5');
  });
  it('scoreBands are required with proportional-by-score, and only with it', () => {
    expect(() => scenario({ budget: 1, objective: 'proportional-by-score' })).toThrow(/scoreBands/);
    expect(() => scenario({ budget: 1, scoreBands: [{ min: 60, weight: 1 }] })).toThrow(/scoreBands only with/);
  });
});

describe('proportional against a second method (an LP on HiGHS)', () => {
  it.each([1, 2, 3, 4])('the least share equals max t s.t. every grant ≥ t × entitlement within the limits (seed %i)', async (seed) => {
    const r = mulberry32(seed);
    const list = apps(
      Array.from({ length: 40 }, (_, i) =>
        r() < 0.5
          ? { id: `R${i}`, measure: 'P05-ROLLOUT', company: `K${Math.floor(r() * 4)}`, base: 100_000 * (5 + Math.floor(r() * 20)) }
          : { id: `A${i}`, measure: 'P10-APPLICATION', company: `K${Math.floor(r() * 8)}`, base: 1_000_000 * (1 + Math.floor(r() * 10)) },
      ),
    );
    const s = scenario({ budget: 20_000_000, companyAnnualCap: 4_000_000, objective: 'proportional', measureBudgets: { 'P10-APPLICATION': { max: 12_000_000 } } });
    const a = solveVerified(list, s);
    const least = Math.min(Number(a.rules!.commonShare), ...a.rules!.stoppedEarly!.map((e) => Number(e.share)));
    // The LP: columns x_i (yuan), t; x_i ≥ t·e_i; company, measure, budget rows.
    const e = list.map((x) => entitlementOf(x, SHENZHEN.measures.find((m) => m.id === x.measureId)!).amount.div(100).floor().times(100).toNumber());
    const n = list.length;
    const rows: Row[] = list.map((_, i) => ({ terms: [[i, 1], [n, -e[i]!]] as const, lower: 0, upper: null }));
    const group = (key: (i: number) => string | null, cap: (k: string) => number) => {
      const by = new Map<string, number[]>();
      list.forEach((_, i) => {
        const k = key(i);
        if (k !== null) by.set(k, [...(by.get(k) ?? []), i]);
      });
      for (const [k, is] of by) rows.push({ terms: is.map((i) => [i, 1] as const), lower: null, upper: cap(k) });
    };
    group((i) => (list[i]!.measureId === 'P05-ROLLOUT' ? list[i]!.companyId : null), () => 2_000_000);
    group((i) => list[i]!.companyId, () => 4_000_000);
    group((i) => (list[i]!.measureId === 'P10-APPLICATION' ? 'm' : null), () => 12_000_000);
    group(() => 'b', () => 20_000_000);
    const highs = await createHighsBackend();
    const lp = { sense: 'max' as const, columns: [...e.map((u) => ({ lower: 0, upper: u, cost: 0 })), { lower: 0, upper: 1, cost: 1 }], rows };
    const t = highs.solve(lp);
    expect(t.status).toBe('optimal');
    if (t.status === 'optimal') expect(least).toBeCloseTo(t.objective, 8);
  });
});
