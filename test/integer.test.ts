/**
 * Integer rules, decisions and quotas on HiGHS: hand-worked cases, all-or-nothing
 * against brute force (every subset) and against a knapsack DP, and an infeasible variant of
 * each rule with the conflicting set and the least change.
 */
import { stoppedAtTimeLimit } from './helpers/stopped.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { D } from '../src/money.js';
import { allocate, type Allocation } from '../src/model/allocate.js';
import type { Application } from '../src/model/application.js';
import { entitlementOf } from '../src/model/entitlement.js';
import type { Scenario } from '../src/model/scenario.js';
import { InfeasibleError, InputError } from '../src/errors.js';
import { createHighsBackend } from '../src/solver/highs.js';
import { jslpBackend } from '../src/solver/jslp.js';
import { objectiveOf, type Backend, type LinearProgram } from '../src/solver/types.js';
import { verifyAllocation } from '../src/verify/verify.js';
import { buildSummary, humanSummary } from '../src/report/summary.js';
import { buildReportData } from '../src/report/data.js';
import { renderHtml } from '../src/report/html.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { mulberry32 } from '../scripts/synthetic.js';
import { apps, bindings, grants, ruleNoteText, scenario, SHENZHEN, type AppSpec } from './helpers/build.js';

let highs: Backend;
beforeAll(async () => {
  highs = await createHighsBackend();
});

function solveHighs(list: Application[], s: Scenario): Allocation {
  const a = allocate(list, SHENZHEN, s, highs);
  const v = verifyAllocation(SHENZHEN, s, list, a.lines.map((l) => l.grant));
  if (v.violations.length) throw new Error('verifier: ' + JSON.stringify(v.violations));
  return a;
}

function conflictsOf(f: () => unknown): { ids: string[]; text: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof InfeasibleError) return { ids: e.conflicts.map((c) => c.limit).sort(), text: e.message };
    throw e;
  }
  throw new Error('expected an infeasible scenario');
}

/** A P10 application entitled to exactly `ent` yuan (its request), with a score. */
const p10 = (id: string, ent: number, score: number, more: Partial<AppSpec> = {}): AppSpec => ({ id, measure: 'P10-APPLICATION', base: 10_000_000, requested: ent, score, ...more });
const decide = (list: Application[], decisions: Record<string, Partial<Application>>) => list.map((a) => ({ ...a, ...decisions[a.projectId] }));

describe('all or nothing', () => {
  it('by hand: ¥2m for A 1.5m (90), B 1m (85), C 1m (80) → B and C (165m beats 135m), A gets nothing', () => {
    const a = solveHighs(apps([p10('A', 1_500_000, 90), p10('B', 1_000_000, 85), p10('C', 1_000_000, 80)]), scenario({ budget: 2_000_000, allOrNothing: true }));
    expect(grants(a)).toEqual({ A: '0.00', B: '1000000.00', C: '1000000.00' });
    expect(bindings(a).A).toBe('all_or_nothing');
    expect(a.lines[0]!.limitId).toBe('budget');
    expect(a.objective.toString()).toBe('165000000');
    // The tie rule's solves keep each score's money: preferring A (first in the order) would cost objective.
    expect(a.rules?.integer).toMatchObject({ status: 'optimal', gap: 0, tieRule: 'applied' });
    expect(a.status).toBe('optimal');
  });

  it('per measure: only P13 is all-or-nothing: E takes its whole ¥1m and A is cut to ¥1m (175m beats A alone, 135m)', () => {
    const l = apps([p10('A', 1_500_000, 90), { id: 'E', measure: 'P13-EVENT', base: 10_000_000, requested: 1_000_000, score: 85 }]);
    const a = solveHighs(l, scenario({ budget: 2_000_000, measureBudgets: { 'P13-EVENT': { allOrNothing: true } } }));
    expect(grants(a)).toEqual({ A: '1000000.00', E: '1000000.00' });
    expect(bindings(a)).toEqual({ A: 'total_budget', E: 'requested' });
    // With ¥1.4m, E cannot have ¥400k (all or nothing): A takes it all.
    const b = solveHighs(l, scenario({ budget: 1_400_000, measureBudgets: { 'P13-EVENT': { allOrNothing: true } } }));
    expect(grants(b)).toEqual({ A: '1400000.00', E: '0.00' });
    expect(bindings(b).E).toBe('all_or_nothing');
  });

  // Seeded instances: a budget, company caps of （五） (¥2m a company), a measure ceiling.
  const instance = (seed: number, n: number) => {
    const r = mulberry32(seed);
    const specs: AppSpec[] = Array.from({ length: n }, (_, i) => {
      const rollout = r() < 0.5;
      return rollout
        ? { id: `R${i}`, measure: 'P05-ROLLOUT', company: `K${Math.floor(r() * 3)}`, base: 100_000 * (5 + Math.floor(r() * 20)), score: 60 + Math.floor(r() * 40) }
        : p10(`A${i}`, 100_000 * (2 + Math.floor(r() * 25)), 60 + Math.floor(r() * 40));
    });
    return apps(specs);
  };
  const capOf = (a: Application, g: D) => entitlementOf(a, SHENZHEN.measures.find((m) => m.id === a.measureId)!).amount.div(g).floor().times(g);

  it.each([1, 2, 3, 4, 5, 6])('proven optimal against brute force over every subset (seed %i, 11 applications)', (seed) => {
    const list = instance(seed, 11);
    const s = scenario({ budget: 6_000_000, allOrNothing: true, measureBudgets: { 'P10-APPLICATION': { max: 4_000_000 } } });
    const caps = list.map((a) => capOf(a, s.granularity));
    let best = new D(0);
    for (let mask = 0; mask < 1 << list.length; mask++) {
      let total = new D(0);
      let p10total = new D(0);
      let value = new D(0);
      const company = new Map<string, D>();
      list.forEach((a, i) => {
        if (!(mask & (1 << i))) return;
        total = total.plus(caps[i]!);
        value = value.plus(a.score.times(caps[i]!));
        if (a.measureId === 'P10-APPLICATION') p10total = p10total.plus(caps[i]!);
        else company.set(a.companyId, (company.get(a.companyId) ?? new D(0)).plus(caps[i]!));
      });
      if (total.gt(6_000_000) || p10total.gt(4_000_000) || [...company.values()].some((c) => c.gt(2_000_000))) continue;
      if (value.gt(best)) best = value;
    }
    const a = solveHighs(list, s);
    expect(a.objective.toString()).toBe(best.toString());
    expect(a.lines.every((l) => l.grant.isZero() || l.grant.eq(caps[l.candidate]!))).toBe(true);
  });

  it.each([11, 12, 13])('proven optimal against a knapsack DP at 80 applications (seed %i)', (seed) => {
    const list = instance(seed, 80).map((a) => ({ ...a, measure: 'P10-APPLICATION', measureId: 'P10-APPLICATION', requested: a.eligibleBase ? new D(a.eligibleBase).times('0.3') : a.requested }));
    const g = new D(10_000);
    const budget = 40_000_000;
    const s = scenario({ budget, allOrNothing: true, granularity: 10_000 });
    // 0/1 knapsack over whole ¥10,000 units, values score × units (integers).
    const w = list.map((a) => capOf(a, g).div(g).toNumber());
    const v = list.map((a, i) => a.score.toNumber() * w[i]!);
    const B = budget / 10_000;
    const dp = new Float64Array(B + 1);
    list.forEach((_, i) => {
      for (let c = B; c >= w[i]!; c--) dp[c] = Math.max(dp[c]!, dp[c - w[i]!]! + v[i]!);
    });
    const a = solveHighs(list, s);
    expect(a.objective.toString()).toBe(new D(dp[B]!).times(g).toString());
  });

  it('javascript-lp-solver is never used for an integer model', () => {
    expect(() => allocate(apps([p10('A', 1_000_000, 90)]), SHENZHEN, scenario({ budget: 1, allOrNothing: true }), jslpBackend)).toThrow(InputError);
  });

  it('infeasible: all-or-nothing with a floor no subset meets exactly names the floor and the rule', () => {
    const l = apps([p10('A', 1_500_000, 90), p10('B', 1_000_000, 85)]);
    const c = conflictsOf(() => solveHighs(l, scenario({ budget: 10_000_000, allOrNothing: true, measureBudgets: { 'P10-APPLICATION': { min: 2_000_000, max: 2_000_000 } } })));
    // Any subset gives 0, 1m, 1.5m or 2.5m: the floor 2m and the ceiling 2m cannot both hold.
    expect(c.ids).toEqual(['allOrNothing:P10-APPLICATION', 'measure_max:P10-APPLICATION', 'measure_min:P10-APPLICATION']);
    expect(c.text).toMatch(/measure_min:P10-APPLICATION .*least change: lower it to ¥1,500,000/);
    expect(c.text).toMatch(/measure_max:P10-APPLICATION .*least change: raise it to ¥2,500,000/);
  });
});

describe('minimum share', () => {
  it('by hand: minShare 0.5, ¥1.2m for A 1m (90), B 1m (80) → A 700k + B 500k (103m beats A alone, 90m)', () => {
    const a = solveHighs(apps([p10('A', 1_000_000, 90), p10('B', 1_000_000, 80)]), scenario({ budget: 1_200_000, minShare: 0.5 }));
    expect(grants(a)).toEqual({ A: '700000.00', B: '500000.00' });
    expect(bindings(a)).toEqual({ A: 'total_budget', B: 'total_budget' });
  });
  it('a grant never falls between zero and the minimum share: ¥1.3m, minShare 0.8 → A 1m only', () => {
    const a = solveHighs(apps([p10('A', 1_000_000, 90), p10('B', 1_000_000, 80)]), scenario({ budget: 1_300_000, minShare: 0.8 }));
    expect(grants(a)).toEqual({ A: '1000000.00', B: '0.00' });
    expect(bindings(a).B).toBe('min_share');
  });
});

describe('the time limit and large grants', () => {
  it('a solve stopped by the time limit is reported as such, with the bound and gap HiGHS gives, and still verified', () => {
    const stopped = stoppedAtTimeLimit(highs);
    const list = apps([p10('A', 1_500_000, 90), p10('B', 1_000_000, 85), p10('C', 1_000_000, 80)]);
    const s = scenario({ budget: 2_000_000, allOrNothing: true });
    const a = allocate(list, SHENZHEN, s, stopped, { timeLimitSeconds: 5 });
    expect(verifyAllocation(SHENZHEN, s, list, a.lines.map((l) => l.grant)).violations).toEqual([]);
    expect(a.status).toBe('time-limit');
    expect(a.rules?.integer).toMatchObject({ status: 'time-limit', timeLimitSeconds: 5 });
    // The summary states the tie rule's outcome (the model gives its code).
    const provenance = { scenario: { file: 's.json', sha256: '', extends: [] }, policy: { file: 'p.json', sha256: '' }, applications: { file: 'a.csv', sha256: '', encoding: 'utf-8' } };
    const verification = verifyAllocation(SHENZHEN, s, list, a.lines.map((l) => l.grant));
    const summary = buildSummary({ scenario: s, policy: SHENZHEN, allocation: a, verification, inputs: provenance, warnings: [], timingsMs: null });
    expect(summary.objective.model?.integer?.tieRule).toBe('not applied: the solve stopped at the time limit');
    expect(a.rules?.integer?.gap).toBeCloseTo(0.0099, 4);
    expect(a.gap).toBeCloseTo(0.0099, 4);
    expect(a.bound).toBeCloseTo(165_000_000 * 1.01, -2);
  });

  it('a time limit that ends the solve before any allocation is a usage error naming --time-limit, not a fault', () => {
    // HiGHS stopped before its first incumbent: a time-limit status without values.
    const empty: Backend = { name: 'highs (no incumbent)', solvesIntegers: true, solve: () => ({ status: 'time-limit', detail: 'time limit reached', values: null, backend: 'highs (no incumbent)', raw: 'time limit reached' }) };
    const list = apps([p10('A', 1_500_000, 90), p10('B', 1_000_000, 85)]);
    const s = scenario({ budget: 2_000_000, allOrNothing: true });
    let thrown: unknown;
    try {
      allocate(list, SHENZHEN, s, empty, { timeLimitSeconds: 0.5 });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).issues).toEqual([expect.objectContaining({ file: '--time-limit', found: '0.5' })]);
  });

  it('minimum share with grants above 100,000 units (granularity ¥1): the binary form, same answer as by hand', () => {
    const a = solveHighs(apps([p10('A', 1_000_000, 90), p10('B', 1_000_000, 80)]), scenario({ budget: 1_200_000, minShare: 0.5, granularity: 1 }));
    expect(grants(a)).toEqual({ A: '700000.00', B: '500000.00' });
  });
});

describe('the integer model as CPLEX LP text (--emit-lp)', () => {
  it('HiGHS reading the text (General, Semi-continuous sections) finds the same optimum', async () => {
    const { toCplexLp } = await import('../src/solver/lp-format.js');
    const { prepareAllocation } = await import('../src/model/allocate.js');
    const { buildIntegerModel } = await import('../src/model/integer.js');
    const { createRequire } = await import('node:module');
    const raw = await (createRequire(import.meta.url)('highs') as () => Promise<{ solve(text: string, o: object): { Status: string; ObjectiveValue: number } }>)();
    const list = apps([p10('A', 1_500_000, 90), p10('B', 1_000_000, 85), p10('C', 1_000_000, 80), { id: 'E', measure: 'P13-EVENT', base: 10_000_000, requested: 1_000_000, score: 70 }]);
    const s = scenario({ budget: 2_600_000, minShare: 0.5, measureBudgets: { 'P13-EVENT': { allOrNothing: true } } });
    const lp = buildIntegerModel(prepareAllocation(list, SHENZHEN, s), new Set(), true).lp;
    const text = toCplexLp(lp);
    expect(text).toContain('\nGeneral\n');
    expect(text).toContain('\nSemi-continuous\n');
    const direct = highs.solve(lp, { mipRelGap: 0 });
    expect(direct.status).toBe('optimal');
    const r = raw.solve(text, { output_flag: false, mip_rel_gap: 0 });
    expect(r.Status).toBe('Optimal');
    if (direct.status === 'optimal') expect(r.ObjectiveValue).toBeCloseTo(direct.objective, 6);
  });
});

describe('decisions: fund / exclude', () => {
  it('forced gets its entitlement before higher scores, excluded nothing; both carry the reason', () => {
    const l = decide(apps([p10('A', 1_000_000, 95), p10('B', 1_000_000, 90), p10('C', 1_000_000, 60)]), {
      B: { decision: 'exclude', decisionReason: '存在失信记录' },
      C: { decision: 'fund', decisionReason: '市政府常务会议决定' },
    });
    const s = scenario({ budget: 1_500_000 });
    const a = solveHighs(l, s);
    expect(grants(a)).toEqual({ A: '500000.00', B: '0.00', C: '1000000.00' });
    expect(bindings(a)).toEqual({ A: 'total_budget', B: 'excluded', C: 'forced' });
    expect(ruleNoteText(a, 1, s)).toBe('不予资助（决定）：存在失信记录');
    expect(ruleNoteText(a, 2, s)).toContain('市政府常务会议决定');
  });

  it('infeasible: forced ¥60m + retrofit floor ¥40m > budget ¥90m — the four rules, and the least change of each number', () => {
    const l = decide(
      apps([
        { id: 'X1', measure: 'P01-CROSS', base: 100_000_000, score: 70 },
        { id: 'X2', measure: 'P01-CROSS', base: 100_000_000, score: 70 },
        { id: 'R1', measure: 'P11-RETROFIT', base: 100_000_000, score: 90 },
        { id: 'R2', measure: 'P11-RETROFIT', base: 100_000_000, score: 90 },
        p10('A', 1_000_000, 99),
      ]),
      { X1: { decision: 'fund' }, X2: { decision: 'fund' } },
    );
    const c = conflictsOf(() => solveHighs(l, scenario({ budget: 90_000_000, measureBudgets: { 'P11-RETROFIT': { min: 40_000_000 } } })));
    expect(c.ids).toEqual(['budget', 'forced:X1', 'forced:X2', 'measure_min:P11-RETROFIT']);
    expect(c.text).toMatch(/budget .*least change: raise it to ¥100,000,000 \(by ¥10,000,000\)/);
    expect(c.text).toMatch(/measure_min:P11-RETROFIT .*least change: lower it to ¥30,000,000 \(by ¥10,000,000\)/);
    expect(c.text).toMatch(/forced X1 gets its entitlement ¥30,000,000/);
  });

  it('an excluded application against a count floor: the exclusion and the quota conflict', () => {
    const l = decide(apps([p10('A', 1_000_000, 90), p10('B', 1_000_000, 80)]), { B: { decision: 'exclude' } });
    const c = conflictsOf(() => solveHighs(l, scenario({ budget: 10_000_000, measureBudgets: { 'P10-APPLICATION': { minCount: 2 } } })));
    expect(c.ids).toEqual(['excluded:B', 'minCount:P10-APPLICATION']);
    expect(c.text).toMatch(/minCount:P10-APPLICATION: .*least change: lower it to 1 \(by 1\)/);
  });
});

describe('exclusive groups (就高不就低)', () => {
  it('one project under two measures: only the better one is funded', () => {
    const l = decide(apps([p10('A', 3_000_000, 80), { id: 'R', measure: 'P11-RETROFIT', base: 10_000_000, score: 80 }]), { A: { exclusiveGroup: 'G1' }, R: { exclusiveGroup: 'G1' } });
    const a = solveHighs(l, scenario({ budget: 100_000_000 }));
    expect(grants(a)).toEqual({ A: '3000000.00', R: '0.00' });
    expect(bindings(a).R).toBe('exclusive_group');
  });
  it('infeasible: both forced in one group', () => {
    const l = decide(apps([p10('A', 3_000_000, 80), p10('B', 1_000_000, 70), p10('C', 1_000_000, 60)]), {
      A: { exclusiveGroup: 'G1', decision: 'fund' },
      B: { exclusiveGroup: 'G1', decision: 'fund' },
    });
    const c = conflictsOf(() => solveHighs(l, scenario({ budget: 100_000_000 })));
    expect(c.ids).toEqual(['exclusive:G1', 'forced:A', 'forced:B']);
    expect(c.text).toMatch(/exclusive group G1: at most one of A, B funded; least change: drop this rule/);
  });
});

describe('count quotas', () => {
  it('maxCount 2: the two best of four are funded, the others stopped by the quota', () => {
    const l = apps([p10('A', 1_000_000, 90), p10('B', 1_000_000, 80), p10('C', 1_000_000, 70), p10('D', 1_000_000, 60)]);
    const a = solveHighs(l, scenario({ budget: 100_000_000, measureBudgets: { 'P10-APPLICATION': { maxCount: 2 } } }));
    expect(grants(a)).toEqual({ A: '1000000.00', B: '1000000.00', C: '0.00', D: '0.00' });
    expect(bindings(a)).toMatchObject({ C: 'quota', D: 'quota' });
  });
  it('minCount 3 with ¥2m: three are funded (the budget is shared), not two in full', () => {
    const l = apps([p10('A', 1_000_000, 90), p10('B', 1_000_000, 80), p10('C', 1_000_000, 70)]);
    const a = solveHighs(l, scenario({ budget: 2_000_000, measureBudgets: { 'P10-APPLICATION': { minCount: 3 } } }));
    // Optimum: C gets the least it can (one unit, ¥100), A and B share the rest by score.
    expect(grants(a)).toEqual({ A: '1000000.00', B: '999900.00', C: '100.00' });
  });
  it('minCount above maxCount is an input error', () => {
    expect(() => scenario({ budget: 1, measureBudgets: { 'P10-APPLICATION': { minCount: 3, maxCount: 2 } } })).toThrow(/minCount ≤ maxCount/);
  });
});

describe('district budgets (priority LP)', () => {
  const l = () => apps([p10('N1', 1_000_000, 90, { district: '南山区' }), p10('N2', 1_000_000, 85, { district: '南山区' }), p10('F1', 1_000_000, 60, { district: '福田区' })]);
  it('a district ceiling stops the district, the money goes elsewhere', () => {
    const a = solveHighs(l(), scenario({ budget: 2_000_000, districtBudgets: { 南山区: { max: 1_200_000 } } }));
    expect(grants(a)).toEqual({ N1: '1000000.00', N2: '200000.00', F1: '800000.00' });
    expect(bindings(a).N2).toBe('district_budget');
    expect(a.lines[1]!.limitId).toBe('district_max:南山区');
  });
  it('a district floor above what it is entitled to: infeasible, named', () => {
    expect(() => solveHighs(l(), scenario({ budget: 5_000_000, districtBudgets: { 福田区: { min: 1_500_000 } } }))).toThrow(/district_min:福田区.*floor ¥1,500,000 cannot be met/);
  });
  it('district floor with a count quota (integer model): the least change of the floor', () => {
    const c = conflictsOf(() => solveHighs(l(), scenario({ budget: 5_000_000, districtBudgets: { 南山区: { min: 1_500_000 } }, measureBudgets: { 'P10-APPLICATION': { maxCount: 1 } } })));
    expect(c.ids).toEqual(['district_min:南山区', 'maxCount:P10-APPLICATION']);
    expect(c.text).toMatch(/maxCount:P10-APPLICATION: .*raise it to 2 \(by 1\)/);
  });
});

describe('grants locked by an earlier batch count in exclusive groups and quotas', () => {
  const lockedSolve = (list: Application[], s: Scenario, locked: Record<string, number>) => {
    const lock = new Map(Object.entries(locked).map(([id, v]) => [id, new D(v)]));
    const a = allocate(list, SHENZHEN, s, highs, { locked: lock });
    expect(verifyAllocation(SHENZHEN, s, list, a.lines.map((l) => l.grant), new Set(lock.keys())).violations).toEqual([]);
    return a;
  };

  it('a project funded in an earlier batch under one measure gets nothing under the other', () => {
    const l = decide(apps([p10('A', 3_000_000, 80), { id: 'R', measure: 'P11-RETROFIT', base: 10_000_000, score: 90 }, p10('B', 1_000_000, 70)]), {
      A: { exclusiveGroup: 'G1' },
      R: { exclusiveGroup: 'G1' },
    });
    const s = scenario({ budget: 100_000_000 });
    const a = lockedSolve(l, s, { A: 2_000_000 });
    expect(grants(a)).toEqual({ A: '2000000.00', R: '0.00', B: '1000000.00' });
    expect(bindings(a).R).toBe('exclusive_group');
    expect(ruleNoteText(a, a.lines.findIndex((x) => x.app.projectId === 'R'), s)).toBe('同一项目（G1）已在前一批次资助 A，不重复资助（就高不就低）');
    // A locked grant of zero funds nothing: the group is still open.
    const open = lockedSolve(l, scenario({ budget: 100_000_000 }), { A: 0 });
    expect(grants(open).R).not.toBe('0.00');
  });

  it('maxCount counts the applications an earlier batch funded', () => {
    const l = apps([p10('A', 1_000_000, 90), p10('B', 1_000_000, 80), p10('C', 1_000_000, 70), p10('D', 1_000_000, 60)]);
    const a = lockedSolve(l, scenario({ budget: 100_000_000, measureBudgets: { 'P10-APPLICATION': { maxCount: 2 } } }), { D: 500_000 });
    expect(grants(a)).toEqual({ A: '1000000.00', B: '0.00', C: '0.00', D: '500000.00' });
    expect(bindings(a)).toMatchObject({ B: 'quota', C: 'quota', D: 'locked' });
  });

  it('conflicts with what an earlier batch funded are named, and the least change counts it', () => {
    const lock = (ids: Record<string, number>) => ({ locked: new Map(Object.entries(ids).map(([id, v]) => [id, new D(v)])) });
    const grouped = decide(apps([p10('A', 3_000_000, 80), p10('B', 1_000_000, 70)]), { A: { exclusiveGroup: 'G1' }, B: { exclusiveGroup: 'G1', decision: 'fund' } });
    const c = conflictsOf(() => allocate(grouped, SHENZHEN, scenario({ budget: 100_000_000 }), highs, lock({ A: 1_000_000 })));
    expect(c.ids).toEqual(['exclusive:G1', 'forced:B']);
    expect(c.text).toContain('exclusive group G1: at most one of A (funded by an earlier batch), B funded');
    const quota = decide(apps([p10('A', 1_000_000, 90), p10('B', 1_000_000, 80), p10('C', 1_000_000, 70)]), { C: { decision: 'fund' } });
    const q = conflictsOf(() => allocate(quota, SHENZHEN, scenario({ budget: 100_000_000, measureBudgets: { 'P10-APPLICATION': { maxCount: 2 } } }), highs, lock({ A: 500_000, B: 500_000 })));
    expect(q.ids).toEqual(['forced:C', 'maxCount:P10-APPLICATION']);
    expect(q.text).toMatch(/at most 2 applications funded \(2 by an earlier batch\); least change: raise it to 3 \(by 1\)/);
  });

  it('minCount is met partly by the earlier batch', () => {
    const l = apps([p10('A', 1_000_000, 90), p10('B', 1_000_000, 80), p10('C', 1_000_000, 70)]);
    // ¥1.5m left: with one funded earlier, one more reaches minCount 2 (A, the best); without the lock it would need two.
    const a = lockedSolve(l, scenario({ budget: 2_000_000, measureBudgets: { 'P10-APPLICATION': { minCount: 2, allOrNothing: true } } }), { C: 500_000 });
    expect(grants(a)).toEqual({ A: '1000000.00', B: '0.00', C: '500000.00' });
  });
});

describe('the tie rule in the integer model', () => {
  it('among equally good selections, the priority order (score, then project id) wins, wherever the ids stand in the file', () => {
    // Eight all-or-nothing applications, equal scores, ¥1m each; ¥3m funds three: the three smallest ids.
    const ids = ['Q7', 'Q2', 'Q5', 'Q8', 'Q1', 'Q6', 'Q3', 'Q4'];
    const l = apps(ids.map((id) => p10(id, 1_000_000, 80)));
    const s = scenario({ budget: 3_000_000, measureBudgets: { 'P10-APPLICATION': { allOrNothing: true } } });
    const a = solveHighs(l, s);
    expect(Object.entries(grants(a)).filter(([, v]) => v !== '0.00').map(([k]) => k).sort()).toEqual(['Q1', 'Q2', 'Q3']);
    expect(a.stages.map((x) => x.stage)).toEqual(['priority', 'tie-break within scores', 'tie-break']);
    expect(a.rules?.integer?.tieRule).toBe('applied');
    // A better score still beats a smaller id.
    const l2 = apps(ids.map((id) => p10(id, 1_000_000, id === 'Q8' ? 81 : 80)));
    expect(Object.entries(grants(solveHighs(l2, s))).filter(([, v]) => v !== '0.00').map(([k]) => k).sort()).toEqual(['Q1', 'Q2', 'Q8']);
  });
});

describe('the tie rule in integer models of any size', () => {
  // 1,200 all-or-nothing applications of ¥1m: 600 at 80, 600 at 70, in shuffled file order.
  // ¥500m funds 500 of the 80s: the tie rule says the 500 smallest ids.
  const big = () => {
    const r = mulberry32(42);
    const specs = Array.from({ length: 1200 }, (_, k) => p10(`T${String(k).padStart(4, '0')}`, 1_000_000, k < 600 ? 80 : 70));
    for (let i = specs.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [specs[i], specs[j]] = [specs[j]!, specs[i]!];
    }
    return apps(specs);
  };
  const fundedIds = (a: Allocation) => a.lines.filter((l) => l.grant.gt(0)).map((l) => l.app.projectId).sort();
  const smallest = Array.from({ length: 500 }, (_, k) => `T${String(k).padStart(4, '0')}`);

  it('more than 1,000 yes/no decisions: the smaller ids among equal scores are funded, in seconds', () => {
    const s = scenario({ budget: 500_000_000, allOrNothing: true });
    const t = performance.now();
    const a = solveHighs(big(), s);
    expect(performance.now() - t).toBeLessThan(10_000);
    expect(a.rules?.integer?.tieRule).toBe('applied');
    expect(fundedIds(a)).toEqual(smallest);
    expect(a.rules?.integer?.unorderedTies).toEqual([]);
  });

  it('where the tie-break cannot finish, the equal-score projects left out of order are named, on stdout and in the report too', () => {
    // Every solve answers with Q6, Q7 and Q8 funded (equally good: all score 80), the tie-break
    // solves as if stopped by their time limit there.
    const list = apps(['Q7', 'Q2', 'Q5', 'Q8', 'Q1', 'Q6', 'Q3', 'Q4'].map((id) => p10(id, 1_000_000, 80)));
    const n = list.length;
    const point = (lp: LinearProgram) => {
      const v = new Float64Array(lp.columns.length);
      list.forEach((x, i) => {
        if (['Q6', 'Q7', 'Q8'].includes(x.projectId)) [v[i], v[n + i]] = [lp.columns[i]!.upper, 1];
      });
      return v;
    };
    const stopped: Backend = {
      name: 'highs (tie-break stopped)',
      solvesIntegers: true,
      solve(lp, options) {
        const values = point(lp);
        const objective = objectiveOf(lp, values);
        if (!options?.mipStart) return { status: 'optimal', objective, values, mip: { bound: objective, gap: 0 }, backend: this.name, raw: 'optimal' };
        return { status: 'time-limit', detail: 'time limit reached', values, mip: { bound: objective, gap: 0 }, backend: this.name, raw: 'time limit reached' };
      },
    };
    const s = scenario({ budget: 3_000_000, allOrNothing: true });
    const a = allocate(list, SHENZHEN, s, stopped);
    const verification = verifyAllocation(SHENZHEN, s, list, a.lines.map((l) => l.grant));
    expect(verification.violations).toEqual([]);
    expect(fundedIds(a)).toEqual(['Q6', 'Q7', 'Q8']);
    expect(a.rules?.integer).toMatchObject({ tieRule: 'tie_break_time_limit', tieBreakSeconds: 10, unorderedTies: [{ score: '80', short: ['Q1', 'Q2', 'Q3', 'Q4', 'Q5'], funded: ['Q6', 'Q7', 'Q8'] }] });
    const provenance = { scenario: { file: 's.json', sha256: '', extends: [] }, policy: { file: 'p.json', sha256: '' }, applications: { file: 'a.csv', sha256: '', encoding: 'utf-8' } };
    const summary = buildSummary({ scenario: s, policy: SHENZHEN, allocation: a, verification, inputs: provenance, warnings: [], timingsMs: null });
    expect(summary.objective.model?.integer).toMatchObject({ tieRule: 'not applied: the tie-break solve stopped at its time limit', tieBreakSeconds: 10 });
    const stdout = humanSummary(summary, []);
    expect(stdout).toContain('同分排序：得分从高到低；得分相同时按项目编号从小到大（逐字符比较）；整数模型的同分排序求解未能在 10 秒内完成');
    expect(stdout).toContain('得分 80 分：Q1、Q2、Q3、Q4、Q5 未获全额资助，同分的 Q6、Q7、Q8 获得资助');
    const data = buildReportData({ lang: 'zh', summary, allocation: a, policy: SHENZHEN, scenario: s, marginalValues: [], fundingLine: null, notes: a.lines.map(() => '') });
    const html = renderHtml(data);
    expect(html).toContain('data-testid="unordered-ties"');
    expect(html).toContain('得分 80 分：Q1、Q2、Q3、Q4、Q5 未获全额资助，同分的 Q6、Q7、Q8 获得资助');
    expect(renderMarkdown(buildReportData({ ...data, lang: 'en', allocation: a, policy: SHENZHEN, scenario: s, marginalValues: [], fundingLine: null, notes: a.lines.map(() => '') }))).toContain(
      'score 80: Q1, Q2, Q3, Q4, Q5 not funded in full, Q6, Q7, Q8 of the same score funded',
    );
  });

  it('where the check across scores cannot finish, the order within scores stands and the summary says so', () => {
    // The third solve — the tie-break across scores, after the first and the one within scores — stops at its time limit.
    let solves = 0;
    const last: Backend = {
      name: 'highs (across stopped)',
      solvesIntegers: true,
      solve(lp, options) {
        const r = highs.solve(lp, options);
        return ++solves === 3 && r.status === 'optimal' ? { status: 'time-limit', detail: 'time limit reached', values: r.values, backend: this.name, raw: 'time limit reached' } : r;
      },
    };
    const list = apps(['Q7', 'Q2', 'Q5', 'Q8', 'Q1', 'Q6', 'Q3', 'Q4'].map((id) => p10(id, 1_000_000, 80)));
    const s = scenario({ budget: 3_000_000, allOrNothing: true });
    const a = allocate(list, SHENZHEN, s, last);
    expect(fundedIds(a)).toEqual(['Q1', 'Q2', 'Q3']);
    expect(a.rules?.integer).toMatchObject({ tieRule: 'within_scores_time_limit', unorderedTies: [] });
    const provenance = { scenario: { file: 's.json', sha256: '', extends: [] }, policy: { file: 'p.json', sha256: '' }, applications: { file: 'a.csv', sha256: '', encoding: 'utf-8' } };
    const verification = verifyAllocation(SHENZHEN, s, list, a.lines.map((l) => l.grant));
    const summary = buildSummary({ scenario: s, policy: SHENZHEN, allocation: a, verification, inputs: provenance, warnings: [], timingsMs: null });
    expect(summary.objective.model?.integer?.tieRule).toBe('applied within scores: the check of trades across scores stopped at its time limit');
    expect(humanSummary(summary, [])).toContain('整数模型中已在同分项目之间按此顺序选择（各分数的资助总额取自最优解），不同分数之间同样好的调整未能在 10 秒内核查');
  });
});

describe('the tie rule across scores', () => {
  it('two selections equally good across scores (90 + 70 against 80 + 80): the one the priority order prefers, Σ (N − position) × grant', () => {
    // ¥1m each, ¥2m, all or nothing: X (90) excludes P and Z (one project), X and Q share a company
    // capped at ¥1.5m. X + Y and P + Q both make 160; positions X 1, P 2, Q 3, Z 4, Y 5 weigh
    // X + Y at 5 + 1 and P + Q at 4 + 3: P + Q. The first solve is made to answer X + Y, which the
    // tie-break within scores cannot change (each score keeps its money): only across scores can.
    const list = decide(
      apps([
        { id: 'X', measure: 'P10-APPLICATION', base: 10_000_000, requested: 1_000_000, score: 90, company: 'K1' },
        { id: 'P', measure: 'P10-APPLICATION', base: 10_000_000, requested: 1_000_000, score: 80, company: 'K2' },
        { id: 'Q', measure: 'P10-APPLICATION', base: 10_000_000, requested: 1_000_000, score: 80, company: 'K1' },
        { id: 'Z', measure: 'P10-APPLICATION', base: 10_000_000, requested: 1_000_000, score: 75, company: 'K3' },
        { id: 'Y', measure: 'P10-APPLICATION', base: 10_000_000, requested: 1_000_000, score: 70, company: 'K4' },
      ]),
      { X: { exclusiveGroup: 'G' }, P: { exclusiveGroup: 'G' }, Z: { exclusiveGroup: 'G' } },
    );
    let solves = 0;
    const firstXY: Backend = {
      name: 'highs (first answer X + Y)',
      solvesIntegers: true,
      solve(lp, options) {
        if (solves++ > 0) return highs.solve(lp, options);
        const values = new Float64Array(lp.columns.length);
        for (const i of [0, 4]) [values[i], values[5 + i]] = [lp.columns[i]!.upper, 1];
        const objective = objectiveOf(lp, values);
        return { status: 'optimal', objective, values, mip: { bound: objective, gap: 0 }, backend: this.name, raw: 'optimal' };
      },
    };
    const s = scenario({ budget: 2_000_000, allOrNothing: true, companyAnnualCap: 1_500_000 });
    const a = allocate(list, SHENZHEN, s, firstXY);
    expect(verifyAllocation(SHENZHEN, s, list, a.lines.map((l) => l.grant)).violations).toEqual([]);
    expect(a.objective.toString()).toBe('160000000');
    expect(grants(a)).toEqual({ X: '0.00', P: '1000000.00', Q: '1000000.00', Z: '0.00', Y: '0.00' });
    expect(a.rules?.integer?.tieRule).toBe('applied');
  });
});

describe('the tie rule with decisions alone (no integer column)', () => {
  it('every backend gives the priority order: HiGHS by a second solve, the network simplex in its tie-breaking solve', async () => {
    const { networkBackend } = await import('../src/solver/network-backend.js');
    const ids = ['Q7', 'Q2', 'Q5', 'Q8', 'Q1', 'Q6', 'Q3', 'Q4'];
    const l = decide(apps(ids.map((id) => p10(id, 1_000_000, 80))), { Q7: { decision: 'fund' } });
    const s = scenario({ budget: 3_500_000 });
    const expected = { Q7: '1000000.00', Q2: '1000000.00', Q5: '0.00', Q8: '0.00', Q1: '1000000.00', Q6: '0.00', Q3: '500000.00', Q4: '0.00' };
    for (const [backend, stages] of [
      [highs, ['priority', 'tie-break within scores', 'tie-break']],
      [networkBackend, ['priority', 'tie-break']],
    ] as const) {
      const a = allocate(l, SHENZHEN, s, backend);
      expect(verifyAllocation(SHENZHEN, s, l, a.lines.map((x) => x.grant)).violations).toEqual([]);
      expect(grants(a)).toEqual(expected);
      expect(a.stages.map((x) => [x.stage, x.status])).toEqual(stages.map((stage) => [stage, 'optimal']));
    }
  });
});

describe('locked grants that already break a rule of counts', () => {
  it('two funded in one group, or more than maxCount, is exit 2 naming the rule and the projects', () => {
    const lock = (ids: Record<string, number>) => ({ locked: new Map(Object.entries(ids).map(([id, v]) => [id, new D(v)])) });
    const grouped = decide(apps([p10('A', 3_000_000, 80), p10('B', 1_000_000, 70), p10('C', 1_000_000, 60)]), { A: { exclusiveGroup: 'G1' }, B: { exclusiveGroup: 'G1' } });
    const g = conflictsOf(() => allocate(grouped, SHENZHEN, scenario({ budget: 100_000_000 }), highs, lock({ A: 1_000_000, B: 500_000 })));
    expect(g.ids).toEqual(['exclusive:G1']);
    expect(g.text).toContain('at most one of a group is funded, but the locked grants fund A, B');
    const q = conflictsOf(() => allocate(grouped, SHENZHEN, scenario({ budget: 100_000_000, measureBudgets: { 'P10-APPLICATION': { maxCount: 1 } } }), highs, lock({ B: 500_000, C: 500_000 })));
    expect(q.ids).toEqual(['maxCount:P10-APPLICATION (scenario.measureBudgets.P10-APPLICATION.maxCount)']);
  });
});
