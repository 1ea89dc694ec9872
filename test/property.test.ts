/**
 * Properties over seeded random instances of the policy's shape, and of a policy with
 * per-application rules (eligibility, bands, tiers, bonuses): every rule holds (the
 * independent verifier), the budget is never exceeded, grants are whole units, and
 * raising the budget never lowers the objective.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { D } from '../src/money.js';
import { InfeasibleError } from '../src/errors.js';
import { allocate } from '../src/model/allocate.js';
import { jslpBackend } from '../src/solver/jslp.js';
import { verifyAllocation } from '../src/verify/verify.js';
import { parsePolicy } from '../src/model/policy.js';
import { apps, scenario, SHENZHEN, type AppSpec } from './helpers/build.js';
import { LANGUAGE_POLICY } from './helpers/language-policy.js';

const MEASURES = SHENZHEN.measures.map((m) => m.id);

const appArb = (i: number) =>
  fc.record({
    measure: fc.constantFrom(...MEASURES),
    company: fc.integer({ min: 0, max: 5 }),
    score: fc.integer({ min: 400, max: 1000 }),
    total: fc.integer({ min: 1, max: 80_000 }),
    baseShare: fc.option(fc.integer({ min: 10, max: 100 }), { nil: undefined }),
    requestedShare: fc.option(fc.integer({ min: 10, max: 150 }), { nil: undefined }),
    upper: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
    year: fc.constantFrom(2019, 2019, 2019, 2018),
  }).map((r): AppSpec => {
    const total = r.total * 1000; // up to ¥80m, whole thousands
    return {
      id: `P${String(i).padStart(3, '0')}`,
      measure: r.measure,
      company: `C${r.company}`,
      score: (r.score / 10).toFixed(1),
      year: r.year,
      total,
      base: r.baseShare === undefined ? undefined : Math.round((total * r.baseShare) / 100),
      requested: r.requestedShare === undefined ? undefined : Math.round((total * r.requestedShare) / 300),
      upper: r.upper === undefined ? undefined : r.upper * 1000,
    };
  });

const instanceArb = fc
  .integer({ min: 1, max: 25 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => appArb(i))))
  .chain((specs) =>
    fc.record({
      specs: fc.constant(specs),
      budget: fc.integer({ min: 0, max: 60_000 }).map((k) => k * 1000 + 37),
      granularity: fc.constantFrom(1, 100, 1000, 10_000),
      companyAnnualCap: fc.option(fc.integer({ min: 100, max: 20_000 }).map((k) => k * 1000), { nil: undefined }),
      measureMax: fc.option(fc.tuple(fc.constantFrom(...MEASURES), fc.integer({ min: 0, max: 10_000 }).map((k) => k * 1000)), { nil: undefined }),
      measureMin: fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 500 }).map((k) => k * 1000)), { nil: undefined, freq: 3 }),
      minScore: fc.option(fc.integer({ min: 40, max: 80 }), { nil: undefined }),
    }),
  );

type Instance = typeof instanceArb extends fc.Arbitrary<infer T> ? T : never;

function scenarioOf(inst: Instance, budget: number) {
  const measureBudgets: Record<string, { min?: number; max?: number }> = {};
  if (inst.measureMax) measureBudgets[inst.measureMax[0]] = { max: inst.measureMax[1] };
  if (inst.measureMin) {
    // A floor on a measure somebody applied to (a floor on an empty measure is infeasible by construction).
    const id = inst.specs[inst.measureMin[0] % inst.specs.length]!.measure;
    const max = measureBudgets[id]?.max;
    measureBudgets[id] = { ...measureBudgets[id], min: max === undefined ? inst.measureMin[1] : Math.min(max, inst.measureMin[1]) };
  }
  return scenario({
    budget,
    granularity: inst.granularity,
    ...(inst.companyAnnualCap ? { companyAnnualCap: inst.companyAnnualCap } : {}),
    ...(inst.minScore !== undefined ? { minScore: inst.minScore } : {}),
    measureBudgets,
  });
}

describe('random instances (fast-check, seeded)', () => {
  it('every rule holds, the budget is kept, grants are whole units, more budget never lowers the objective', () => {
    let solved = 0;
    let infeasible = 0;
    fc.assert(
      fc.property(instanceArb, (inst) => {
        const list = apps(inst.specs);
        const results = [inst.budget, inst.budget + 5_000_000].map((budget) => {
          const s = scenarioOf(inst, budget);
          let a;
          try {
            a = allocate(list, SHENZHEN, s, jslpBackend);
          } catch (e) {
            // Only floors can make a scenario infeasible.
            expect(e).toBeInstanceOf(InfeasibleError);
            expect(inst.measureMin).toBeDefined();
            expect((e as InfeasibleError).conflicts.length).toBeGreaterThan(0);
            infeasible++;
            return null;
          }
          const v = verifyAllocation(SHENZHEN, s, list, a.lines.map((l) => l.grant));
          expect(v.violations).toEqual([]);
          expect(a.granted.lte(s.budget)).toBe(true);
          for (const l of a.lines) {
            expect(l.grant.mod(s.granularity).isZero()).toBe(true);
            expect(l.grant.gte(0)).toBe(true);
            if (l.entitlement) expect(l.grant.lte(l.entitlement.amount)).toBe(true);
          }
          solved++;
          return a;
        });
        const [low, high] = results;
        if (low && high) {
          // Rounding to whole units may cost at most one unit per application at the top score.
          const slack = new D(inst.granularity).times(100).times(list.length);
          expect(high.objective.plus(slack).gte(low.objective)).toBe(true);
        }
      }),
      { seed: 20191128, numRuns: 200 },
    );
    // Most instances are feasible; floors above a small budget are not, and say so.
    expect(solved).toBeGreaterThan(200);
    expect(infeasible).toBeGreaterThan(0);
  });
});

const LANGUAGE = parsePolicy(LANGUAGE_POLICY, 'policy.json');
const LANGUAGE_MEASURES = LANGUAGE.measures.map((m) => m.id);

/** Applications of the per-application rules' policy, amounts and attribute values often on a rule's boundary. */
const languageAppArb = (i: number) =>
  fc
    .record({
      measure: fc.constantFrom(...LANGUAGE_MEASURES),
      company: fc.integer({ min: 0, max: 4 }),
      score: fc.integer({ min: 500, max: 1000 }),
      total: fc.oneof(fc.constantFrom(10_000, 50_000, 10_000_000, 29_999_999, 30_000_000, 50_000_000, 50_000_001), fc.integer({ min: 1, max: 80_000_000 })),
      base: fc.option(fc.oneof(fc.constantFrom(10_000, 10_001, 50_000, 9_999_999, 10_000_000), fc.integer({ min: 1, max: 20_000_000 })), { nil: undefined }),
      requested: fc.option(fc.integer({ min: 0, max: 2_000_000 }), { nil: undefined }),
      size: fc.constantFrom('大型', '中型', '小型', '微型'),
      level: fc.constantFrom('国家级', '省级', '市级'),
      star: fc.constantFrom(undefined, '三星', '四星', '五星'),
      completed: fc.constantFrom('2022-06-30', '2022-07-01', '2023-01-01', '2023-06-30', '2023-07-01'),
    })
    .map(
      (r): AppSpec => ({
        id: `L${String(i).padStart(3, '0')}`,
        measure: r.measure,
        company: `C${r.company}`,
        score: (r.score / 10).toFixed(1),
        year: 2019,
        total: r.total,
        base: r.base,
        requested: r.requested,
        attributes: { size: r.size, level: r.level, completed: r.completed, ...(r.star ? { star: r.star } : {}) },
      }),
    );

const languageArb = fc
  .integer({ min: 1, max: 20 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => languageAppArb(i))))
  .chain((specs) =>
    fc.record({
      specs: fc.constant(specs),
      budget: fc.integer({ min: 0, max: 20_000 }).map((k) => k * 1000 + 37),
      granularity: fc.constantFrom(1, 100, 1000, 10_000),
      companyAnnualCap: fc.option(fc.integer({ min: 10, max: 5_000 }).map((k) => k * 1000), { nil: undefined }),
      measureMax: fc.option(fc.tuple(fc.constantFrom(...LANGUAGE_MEASURES), fc.integer({ min: 0, max: 5_000 }).map((k) => k * 1000)), { nil: undefined }),
    }),
  );

describe('random instances with per-application rules (fast-check, seeded)', () => {
  it('every rule holds, ineligible applications get nothing, more budget never lowers the objective', () => {
    let ineligible = 0;
    fc.assert(
      fc.property(languageArb, (inst) => {
        const list = apps(inst.specs);
        const results = [inst.budget, inst.budget + 5_000_000].map((budget) => {
          const s = scenario({
            budget,
            granularity: inst.granularity,
            ...(inst.companyAnnualCap ? { companyAnnualCap: inst.companyAnnualCap } : {}),
            ...(inst.measureMax ? { measureBudgets: { [inst.measureMax[0]]: { max: inst.measureMax[1] } } } : {}),
          });
          const a = allocate(list, LANGUAGE, s, jslpBackend);
          expect(verifyAllocation(LANGUAGE, s, list, a.lines.map((l) => l.grant)).violations).toEqual([]);
          expect(a.granted.lte(s.budget)).toBe(true);
          for (const l of a.lines) {
            expect(l.grant.mod(s.granularity).isZero()).toBe(true);
            expect(l.grant.gte(0)).toBe(true);
            expect(l.grant.lte(l.entitlement!.amount)).toBe(true);
            if (l.entitlement!.binding === 'ineligible') {
              expect(l.grant.isZero()).toBe(true);
              ineligible++;
            }
          }
          return a;
        });
        const [low, high] = results;
        const slack = new D(inst.granularity).times(100).times(list.length);
        expect(high!.objective.plus(slack).gte(low!.objective)).toBe(true);
      }),
      { seed: 20231201, numRuns: 100 },
    );
    expect(ineligible).toBeGreaterThan(0);
  });
});
