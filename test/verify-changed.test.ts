/**
 * The verify of a re-solve from a kept verify (`verifyChanged`: the lines whose grant changed, and
 * the limits on the kept sums) against the full verify of the same grants: the same checks counted
 * and the same violations, on every benchmark family and on seeded random instances, with grants
 * moved past a ceiling, a sum limit broken by one fen, counts and exclusive groups crossed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FAMILIES, writeFamily } from '../scripts/families.js';
import { InfeasibleError } from '../src/errors.js';
import { D } from '../src/money.js';
import type { Decimal } from 'decimal.js';
import type { Application } from '../src/model/application.js';
import { allocate } from '../src/model/allocate.js';
import { parsePolicy, type Policy } from '../src/model/policy.js';
import { withBudget, type Scenario } from '../src/model/scenario.js';
import { loadScenario } from '../src/pipeline/load.js';
import { withCash } from '../src/pipeline/solve.js';
import { createHighsBackend } from '../src/solver/highs.js';
import { changedVerification, verifyAllocation, verifyChanged, verifyKeeping } from '../src/verify/verify.js';
import { apps, scenario, SHENZHEN, type AppSpec } from './helpers/build.js';
import { SHAPES_POLICY } from './helpers/policy-shapes.js';
import { seeded } from './helpers/seeded.js';

const FEN = new D('0.01');

/** The changed verify equals the full one; where the full one finds nothing, the kept verify answered it (no full verify behind it). */
function same(kept: ReturnType<typeof verifyKeeping>['kept'], policy: Policy, s: Scenario, list: readonly Application[], grants: readonly Decimal[], locked: ReadonlySet<string> = new Set(), label = ''): boolean {
  const full = verifyAllocation(policy, s, list, grants, locked);
  expect(verifyChanged(kept, policy, s, list, grants, locked), label).toEqual(full);
  const fast = kept && changedVerification(kept, policy, s, list, grants, locked);
  if (full.violations.length) expect(fast, label).toBeNull();
  else if (grants.every((g) => g.times(100).isInteger())) expect(fast, label).toEqual(full);
  return full.violations.length > 0;
}

/** A few seeded changes of a clean allocation's grants, each one's verify compared: moved past a ceiling, by a fen or a unit, to zero, off the fen. */
function perturbations(grants: readonly Decimal[], list: readonly Application[], s: Scenario, seed: number): Decimal[][] {
  const rnd = seeded(seed);
  const out: Decimal[][] = [];
  const moved = (f: (g: Decimal, i: number) => Decimal) => {
    const i = rnd(grants.length);
    const next = [...grants];
    next[i] = f(grants[i]!, i);
    out.push(next);
  };
  for (let k = 0; k < 3; k++) {
    moved((g) => g.plus(FEN));
    moved((g) => g.plus(s.granularity));
    moved((g) => (g.gt(0) ? g.minus(s.granularity) : g));
    moved(() => new D(0));
    moved((g, i) => (list[i]!.requested ?? g).plus(FEN));
    moved((g, i) => (list[i]!.requested ?? g).minus(list[i]!.requested ? list[i]!.requested!.mod(s.granularity) : 0));
  }
  moved((g) => g.plus('0.001'));
  // Several lines at once: every positive grant of a company raised by a unit (a company cap crossed).
  const company = list[rnd(list.length)]!.companyId;
  out.push(grants.map((g, i) => (list[i]!.companyId === company && g.gt(0) ? g.plus(s.granularity) : g)));
  return out;
}

describe('verifyChanged: the re-solve verified from the first verify', () => {
  it('every family (300 applications): the re-solve at budget + 1%, then seeded changes, as the full verify finds them', async () => {
    const highs = await createHighsBackend();
    let broken = 0;
    for (const family of FAMILIES) {
      const loaded = loadScenario(writeFamily(mkdtempSync(join(tmpdir(), `fundplan-changed-${family}-`)), family, 300));
      const { policy, applications: list } = loaded;
      const first = allocate(list, policy, loaded.scenario, highs);
      const { verification, kept } = verifyKeeping(policy, loaded.scenario, list, first.lines.map((l) => l.grant));
      expect(verification, family).toEqual(verifyAllocation(policy, loaded.scenario, list, first.lines.map((l) => l.grant)));
      expect(kept, family).not.toBeNull();
      const more = withBudget(loaded.scenario, loaded.scenario.budget.times('1.01').floor());
      const second = allocate(list, policy, more, highs).lines.map((l) => l.grant);
      expect(same(kept, policy, more, list, second, undefined, family)).toBe(false);
      // The first grants under the budget moved: a budget one fen below their total is broken, at it is not.
      const granted = first.granted;
      expect(same(kept, policy, withBudget(loaded.scenario, granted.minus(FEN)), list, first.lines.map((l) => l.grant), undefined, family)).toBe(true);
      expect(same(kept, policy, withBudget(loaded.scenario, granted), list, first.lines.map((l) => l.grant), undefined, family)).toBe(false);
      perturbations(second, list, more, family.length).forEach((g, k) => (broken += same(kept, policy, more, list, g, undefined, `${family} #${k}`) ? 1 : 0));
    }
    // The changes break rules as well as keep them.
    expect(broken).toBeGreaterThan(FAMILIES.length * 5);
  }, 120_000);

  it('a scenario paid in instalments at another year’s cash: its grants verified from the first verify, as the full verify finds them', async () => {
    const highs = await createHighsBackend();
    const loaded = loadScenario(writeFamily(mkdtempSync(join(tmpdir(), 'fundplan-changed-cash-')), 'instalments', 300));
    const { policy, applications: list } = loaded;
    const first = allocate(list, policy, loaded.scenario, highs);
    const { kept } = verifyKeeping(policy, loaded.scenario, list, first.lines.map((l) => l.grant));
    expect(kept).not.toBeNull();
    let moved = 0;
    for (const [year, cash] of loaded.scenario.cashPlan!.cash) {
      for (const at of [cash.times('1.2').floor(), cash.times('0.8').floor()]) {
        const other = withCash(loaded.scenario, year, at);
        const grants = allocate(list, policy, other, highs).lines.map((l) => l.grant);
        moved += grants.filter((g, i) => !g.eq(first.lines[i]!.grant)).length;
        expect(same(kept, policy, other, list, grants, undefined, `${year} at ${at}`)).toBe(false);
        perturbations(grants, list, other, year).forEach((g, k) => same(kept, policy, other, list, g, undefined, `${year} at ${at} #${k}`));
      }
    }
    expect(moved).toBeGreaterThan(0);
  }, 120_000);

  it('a scenario that differs in more than its budget, or other applications, is verified in full', () => {
    const list = apps([
      { id: 'A', measure: 'P05-ROLLOUT', base: 2_000_000 },
      { id: 'B', measure: 'P05-ROLLOUT', company: 'C-A', base: 2_000_000 },
    ]);
    const s = scenario({ budget: 1_000_000, companyAnnualCap: 800_000 });
    const grants = [new D(400_000), new D(400_000)];
    const { kept } = verifyKeeping(SHENZHEN, s, list, grants);
    expect(kept).not.toBeNull();
    const lower = { ...s, companyAnnualCap: new D(799_999) };
    expect(changedVerification(kept!, SHENZHEN, lower, list, grants, new Set())).toBeNull();
    expect(verifyChanged(kept, SHENZHEN, lower, list, grants).violations.map((v) => v.rule)).toEqual(['scenario companyAnnualCap']);
    expect(changedVerification(kept!, SHENZHEN, s, apps([{ id: 'A', measure: 'P05-ROLLOUT', base: 2_000_000 }, { id: 'B', measure: 'P05-ROLLOUT', base: 2_000_000 }]), grants, new Set())).toBeNull();
    expect(changedVerification(kept!, SHENZHEN, s, list, grants, new Set(['A']))).toBeNull();
    // No violation kept: grants that break a rule leave nothing to verify from.
    expect(verifyKeeping(SHENZHEN, s, list, [new D(500_000), new D(400_000)]).kept).toBeNull();
  });

  const SHAPES = parsePolicy(SHAPES_POLICY, 'shapes.json');
  const SHAPE_MEASURES = SHAPES.measures.map((m) => m.id);
  const MEASURES = SHENZHEN.measures.map((m) => m.id);
  const DISTRICTS = ['南山区', '福田区', '宝安区'];
  const appArb = (measures: readonly string[]) => (i: number) =>
    fc
      .record({
        measure: fc.constantFrom(...measures),
        company: fc.integer({ min: 0, max: 4 }),
        score: fc.integer({ min: 50, max: 100 }),
        total: fc.integer({ min: 1, max: 60_000 }),
        requestedShare: fc.option(fc.integer({ min: 10, max: 150 }), { nil: undefined }),
        upper: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
        district: fc.constantFrom(...DISTRICTS),
        size: fc.constantFrom('大型', '小型', '微型'),
        level: fc.constantFrom('国家级', '省级'),
        star: fc.option(fc.constantFrom('三星', '五星'), { nil: undefined }),
        product: fc.option(fc.constantFrom('X1', 'X2'), { nil: undefined }),
        group: fc.constantFrom(undefined, undefined, undefined, 'G1', 'G2'),
        decision: fc.constantFrom<'fund' | 'exclude' | undefined>(undefined, undefined, undefined, undefined, undefined, undefined, 'fund', 'exclude'),
        year: fc.constantFrom(2019, 2019, 2019, 2018),
      })
      .map((r) => {
        const total = r.total * 1000;
        const spec: AppSpec = {
          id: `P${String(i).padStart(3, '0')}`,
          measure: r.measure,
          company: `C${r.company}`,
          score: r.score,
          year: r.year,
          total,
          base: Math.round(total / 2),
          requested: r.requestedShare === undefined ? undefined : Math.round((total * r.requestedShare) / 300),
          upper: r.upper === undefined ? undefined : r.upper * 1000,
          district: r.district,
          attributes: { size: r.size, level: r.level, completed: '2023-01-15', staff: '100', ...(r.star ? { star: r.star } : {}), ...(r.product ? { product: r.product } : {}) },
        };
        return { spec, group: r.group, decision: r.decision };
      });

  const instanceArb = fc.constantFrom('shenzhen', 'shapes').chain((which) =>
    fc
      .integer({ min: 2, max: 18 })
      .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => appArb(which === 'shapes' ? SHAPE_MEASURES : MEASURES)(i))))
      .chain((rows) =>
        fc.record({
          which: fc.constant(which),
          rows: fc.constant(rows),
          budget: fc.integer({ min: 100, max: 40_000 }).map((k) => k * 1000),
          step: fc.integer({ min: 1, max: 5_000 }).map((k) => k * 1000),
          granularity: fc.constantFrom(1, 100, 1000),
          companyAnnualCap: fc.option(fc.integer({ min: 100, max: 20_000 }).map((k) => k * 1000), { nil: undefined }),
          measureBudget: fc.option(
            fc.record({ max: fc.integer({ min: 1, max: 20_000 }).map((k) => k * 1000), maxCount: fc.integer({ min: 1, max: 6 }), minCount: fc.integer({ min: 0, max: 1 }) }),
            { nil: undefined },
          ),
          district: fc.option(fc.record({ max: fc.integer({ min: 1, max: 20_000 }).map((k) => k * 1000), maxCount: fc.integer({ min: 1, max: 6 }) }), { nil: undefined }),
          allOrNothing: fc.boolean(),
          minShare: fc.option(fc.constantFrom(0.5, 0.25), { nil: undefined }),
          lockFirst: fc.boolean(),
          seed: fc.integer({ min: 1, max: 1 << 30 }),
        }),
      ),
  );

  it('random instances (fast-check, seeded): shares, joint caps, counts, exclusive groups, decisions, all-or-nothing, locked grants', async () => {
    const highs = await createHighsBackend();
    let fast = 0;
    let broken = 0;
    fc.assert(
      fc.property(instanceArb, (inst) => {
        const policy = inst.which === 'shapes' ? SHAPES : SHENZHEN;
        const list = apps(inst.rows.map((r) => r.spec)).map((a, i) => {
          const r = inst.rows[i]!;
          return { ...a, ...(r.group ? { exclusiveGroup: r.group } : {}), ...(r.decision ? { decision: r.decision } : {}) };
        });
        const measure = list[0]!.measureId;
        const s = scenario({
          budget: inst.budget,
          granularity: inst.granularity,
          ...(inst.companyAnnualCap ? { companyAnnualCap: inst.companyAnnualCap } : {}),
          ...(inst.measureBudget ? { measureBudgets: { [measure]: { ...inst.measureBudget, ...(inst.allOrNothing ? { allOrNothing: true } : {}) } } } : {}),
          ...(inst.district ? { districtBudgets: { 南山区: inst.district } } : {}),
          ...(inst.minShare ? { minShare: inst.minShare } : {}),
        });
        // A locked first line: its grant as it is (the verifier holds it to every rule but the granularity).
        const locked = new Set(inst.lockFirst ? [list[0]!.projectId] : []);
        let first: Decimal[];
        let second: Decimal[];
        try {
          first = allocate(list, policy, s, highs).lines.map((l) => l.grant);
          second = allocate(list, policy, withBudget(s, s.budget.plus(inst.step)), highs).lines.map((l) => l.grant);
        } catch (e) {
          if (!(e instanceof InfeasibleError)) throw e;
          // No allocation meets the rules (a decision, a floor): verified from nothing granted instead.
          first = list.map(() => new D(0));
          second = list.map((_, i) => (i % 2 ? new D(inst.granularity) : new D(0)));
        }
        const { kept } = verifyKeeping(policy, s, list, first, locked);
        if (!kept) return;
        const more = withBudget(s, s.budget.plus(inst.step));
        if (!same(kept, policy, more, list, second, locked)) fast++;
        for (const g of perturbations(second, list, more, inst.seed)) broken += same(kept, policy, more, list, g, locked) ? 1 : 0;
        const total = second.reduce((a, b) => a.plus(b), new D(0));
        if (total.gt(0)) same(kept, policy, withBudget(s, total.minus(FEN)), list, second, locked);
      }),
      { seed: 20261206, numRuns: 60 },
    );
    // Most re-solves are verified from the kept verify, not in full.
        expect(fast).toBeGreaterThan(20);
    expect(broken).toBeGreaterThan(100);
  }, 60_000);
});
