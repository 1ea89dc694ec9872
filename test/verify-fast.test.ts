/**
 * The verifier's short way against its long way: a line whose grant passes its own rules is counted
 * from two numbers per application (`ownInFen`: the most fen its rules allow, and how many checks they
 * make) instead of rule by rule. Here: `floorTimes` against Decimal; the two numbers worked out from
 * the amounts in fen against the same from the application's Decimal ceilings; and whole verifies,
 * full and changed, against `verifyOneByOne` — same checks, same violations in the same words and
 * order — on random applications with grants on, just past and far past every limit, and on a solved
 * benchmark family with grants moved. And the years verifier's ledger rows taken as written, line
 * after line, against the same rows looked up by project, for a ledger written right and wrong.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal as DecimalBase } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeFamily } from '../scripts/families.js';
import { D } from '../src/money.js';
import type { Application } from '../src/model/application.js';
import { allocate } from '../src/model/allocate.js';
import { parsePolicy, type Policy } from '../src/model/policy.js';
import { withBudget, type Scenario } from '../src/model/scenario.js';
import { loadScenario } from '../src/pipeline/load.js';
import { networkBackend } from '../src/solver/network-backend.js';
import { commitmentsOf } from '../src/model/years.js';
import type { Commitment } from '../src/model/ledger.js';
import { floorTimes } from '../src/verify/fen.js';
import { changedVerification, ownNumbers, verifyAllocation, verifyKeeping, verifyOneByOne } from '../src/verify/verify.js';
import { verifyYears } from '../src/verify/years.js';
import { apps, scenario, SHENZHEN } from './helpers/build.js';
import { SHAPES_POLICY } from './helpers/policy-shapes.js';
import { seeded } from './helpers/seeded.js';

const Exact = DecimalBase.clone({ precision: 200 });
const SHAPES = parsePolicy(SHAPES_POLICY, 'shapes.json');

describe('floorTimes: ⌊x × m⌋ exactly, or null', () => {
  it('equals Decimal on random decimals and safe integers, and answers for rates times amounts in fen', () => {
    let answered = 0;
    const digits = fc.oneof(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 2 ** 31 }), fc.bigInt({ min: 0n, max: 10n ** 24n }).map(String));
    fc.assert(
      fc.property(digits, fc.integer({ min: -30, max: 10 }), fc.boolean(), fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.maxSafeInteger(), fc.integer({ min: Number.MIN_SAFE_INTEGER, max: 0 }), fc.integer()), (n, exp, negative, m) => {
        const x = new D(`${negative ? '-' : ''}${n}e${exp}`);
        const got = floorTimes(x, m);
        if (got === null) return;
        expect(got).toBe(new Exact(x).times(m).floor().toNumber() || 0);
        expect(Number.isSafeInteger(got)).toBe(true);
      }),
      { seed: 20261206, numRuns: 3000 },
    );
    for (const rate of ['0.3', '0.25', '0.05', '1', '0.333', '0.1234']) {
      for (const fen of [0, 1, 99, 5_445_940_000, 123_456_789_012, 2 ** 40]) {
        const got = floorTimes(new D(rate), fen);
        expect(got).toBe(new Exact(rate).times(fen).floor().toNumber());
        answered++;
      }
    }
    expect(answered).toBe(36);
    // A product past the safe integers is refused, not rounded.
    expect(floorTimes(new D('0.3'), Number.MAX_SAFE_INTEGER)).toBeNull();
    expect(floorTimes(new D('3'), 2 ** 52)).toBeNull();
  });
});

/** Amounts in yuan: whole, with fen, past the fen, large. */
const amountArb = fc.oneof(
  fc.integer({ min: 0, max: 60_000_000 }).map(String),
  fc.integer({ min: 0, max: 6_000_000_000 }).map((f) => new D(f).div(100).toString()),
  fc.integer({ min: 0, max: 600_000 }).map((f) => new D(f).div(1000).toString()),
  fc.bigInt({ min: 10n ** 13n, max: 10n ** 17n }).map(String),
);

const DISTRICTS = ['南山区', '福田区', '宝安区'];
const appArb = (measures: readonly string[]) =>
  fc.record({
    measure: fc.constantFrom(...measures, 'P99-NONE'),
    company: fc.integer({ min: 0, max: 3 }),
    score: fc.integer({ min: 50, max: 100 }),
    year: fc.constantFrom(2019, 2019, 2019, 2018),
    total: fc.option(amountArb, { nil: undefined }),
    base: fc.option(amountArb, { nil: undefined }),
    requested: fc.option(amountArb, { nil: undefined }),
    upper: fc.option(amountArb, { nil: undefined }),
    district: fc.constantFrom(...DISTRICTS),
    size: fc.constantFrom('大型', '小型', '微型'),
    level: fc.constantFrom('国家级', '省级'),
    star: fc.option(fc.constantFrom('三星', '五星'), { nil: undefined }),
    product: fc.option(fc.constantFrom('X1', 'X2'), { nil: undefined }),
    group: fc.constantFrom(undefined, undefined, undefined, 'G1'),
    decision: fc.constantFrom<'fund' | 'exclude' | undefined>(undefined, undefined, undefined, undefined, undefined, 'fund', 'exclude'),
    lockedFrom: fc.constantFrom(false, false, false, false, false, false, true),
  });

type AppRow = ReturnType<typeof appArb> extends fc.Arbitrary<infer T> ? T : never;

function listOf(rows: readonly AppRow[]): Application[] {
  return apps(
    rows.map((r, i) => ({
      id: `P${i}`,
      measure: r.measure,
      company: `C${r.company}`,
      score: r.score,
      year: r.year,
      total: r.total,
      base: r.base,
      requested: r.requested,
      upper: r.upper,
      district: r.district,
      attributes: { size: r.size, level: r.level, completed: '2023-01-15', staff: '100', ...(r.star ? { star: r.star } : {}), ...(r.product ? { product: r.product } : {}) },
    })),
  ).map((a, i) => {
    const r = rows[i]!;
    return { ...a, ...(r.group ? { exclusiveGroup: r.group } : {}), ...(r.decision ? { decision: r.decision } : {}), ...(r.lockedFrom ? { lockedFrom: { file: 'old/allocations.csv', row: i + 2 } } : {}) };
  });
}

describe('the two numbers of a line', () => {
  it('from the amounts in fen equal those from the Decimal ceilings, wherever both are known in fen', () => {
    let direct = 0;
    fc.assert(
      fc.property(fc.constantFrom(SHENZHEN, SHAPES), fc.array(appArb([...SHENZHEN.measures, ...SHAPES.measures].map((m) => m.id)), { minLength: 1, maxLength: 12 }), (policy, rows) => {
        const list = listOf(rows);
        list.forEach((_, i) => {
          const long = ownNumbers(policy, list, i, false);
          const short = ownNumbers(policy, list, i, true);
          if (long === null) return expect(short).toBeNull();
          expect(short!.checks).toBe(long.checks);
          // Either way may give up (−∞: checked one by one) where an amount is not whole fen or a product not
          // safe, and their limits of safety differ; where both answer they agree.
          if (short!.most !== -Infinity && long.most !== -Infinity) {
            expect(short!.most).toBe(long.most);
            direct++;
          }
        });
      }),
      { seed: 20261206, numRuns: 400 },
    );
    expect(direct).toBeGreaterThan(500);
  });
});

/**
 * Grants for the lines: on the least of its own limits (rounded down to the granularity), a fen or a
 * unit past it, nothing, below zero, off the fen, far past.
 */
function grantsFor(policy: Policy, list: readonly Application[], s: Scenario, seed: number): DecimalBase[] {
  const rnd = seeded(seed);
  const g = s.granularity;
  return list.map((a, i) => {
    const most = ownNumbers(policy, list, i, false)?.most ?? -Infinity;
    const near = [a.requested, a.eligibleBase?.times('0.3'), a.upperFunding, new D(3_000_000)].filter((v): v is DecimalBase => !!v);
    const limit = Number.isFinite(most) ? new D(most).div(100) : near.length ? near[rnd(near.length)]! : g.times(rnd(100));
    const at = limit.div(g).floor().times(g);
    switch (rnd(10)) {
      case 0:
        return new D(0);
      case 1:
        return at.plus('0.01');
      case 2:
        return at.plus(g);
      case 3:
        return at.neg();
      case 4:
        return at.plus('0.001');
      case 5:
        return at.times(1000);
      default:
        return at;
    }
  });
}

const settingsArb = fc.record({
  budget: fc.integer({ min: 100, max: 40_000 }).map((k) => k * 1000),
  granularity: fc.constantFrom(1, 100, 1000, 0.01),
  minScore: fc.option(fc.integer({ min: 55, max: 80 }), { nil: undefined }),
  companyAnnualCap: fc.option(fc.integer({ min: 100, max: 20_000 }).map((k) => k * 1000), { nil: undefined }),
  measureBudget: fc.option(fc.record({ max: fc.integer({ min: 1, max: 20_000 }).map((k) => k * 1000), maxCount: fc.integer({ min: 1, max: 6 }) }), { nil: undefined }),
  district: fc.option(fc.record({ max: fc.integer({ min: 1, max: 20_000 }).map((k) => k * 1000), maxCount: fc.integer({ min: 1, max: 6 }) }), { nil: undefined }),
  allOrNothing: fc.constantFrom(false, false, false, true),
  minShare: fc.constantFrom(undefined, undefined, undefined, 0.5, 0.25),
  awardScore: fc.option(fc.integer({ min: 50, max: 100 }), { nil: undefined }),
  lockFirst: fc.boolean(),
  seed: fc.integer({ min: 1, max: 1 << 30 }),
});

describe('verifyAllocation by the two numbers against verifyOneByOne', () => {
  it('random applications and grants (fast-check, seeded): every rule kept and broken, full and changed verifies alike', () => {
    let clean = 0;
    let broken = 0;
    fc.assert(
      fc.property(fc.constantFrom(SHENZHEN, SHAPES), settingsArb, fc.array(appArb(SHENZHEN.measures.map((m) => m.id)), { minLength: 1, maxLength: 14 }), (policy, st, rows) => {
        const measures = policy.measures.map((m) => m.id);
        const list = listOf(rows.map((r, i) => ({ ...r, measure: r.measure === 'P99-NONE' ? r.measure : measures[(r.company + i) % measures.length]! })));
        const measure = list[0]!.measureId;
        const s = scenario({
          budget: st.budget,
          granularity: st.granularity,
          ...(st.minScore !== undefined ? { minScore: st.minScore } : {}),
          ...(st.companyAnnualCap ? { companyAnnualCap: st.companyAnnualCap } : {}),
          ...(st.measureBudget ? { measureBudgets: { [measure]: { ...st.measureBudget, ...(st.allOrNothing ? { allOrNothing: true } : {}) } } } : {}),
          ...(st.district ? { districtBudgets: { 南山区: st.district } } : {}),
          ...(st.minShare ? { minShare: st.minShare } : {}),
          ...(st.awardScore !== undefined ? { awardScores: { [measures[1]!]: st.awardScore } } : {}),
        });
        const locked = new Set(st.lockFirst ? [list[0]!.projectId] : []);
        const grants = grantsFor(policy, list, s, st.seed);
        const long = verifyOneByOne(policy, s, list, grants, locked);
        expect(verifyAllocation(policy, s, list, grants, locked)).toEqual(long);
        if (long.violations.length) broken++;
        // The same lines with every grant a clean one (nothing, or what the line's own rules allow), then changed.
        const zero = list.map(() => new D(0));
        const { kept } = verifyKeeping(policy, s, list, zero, locked);
        expect(verifyKeeping(policy, s, list, zero, locked, { oneByOne: true }).verification).toEqual(verifyKeeping(policy, s, list, zero, locked).verification);
        if (!kept) return;
        clean++;
        const more = withBudget(s, s.budget.plus(1000));
        const changed = changedVerification(kept, policy, more, list, grants, locked);
        expect(changedVerification(kept, policy, more, list, grants, locked, { oneByOne: true })).toEqual(changed);
        if (changed) expect(changed).toEqual(verifyOneByOne(policy, more, list, grants, locked));
      }),
      { seed: 20261206, numRuns: 300 },
    );
    expect(broken).toBeGreaterThan(250);
    expect(clean).toBeGreaterThan(100);
  });

  it('a solved family of 2,000 applications, and the same grants moved past its limits', () => {
    const loaded = loadScenario(writeFamily(mkdtempSync(join(tmpdir(), 'fundplan-fast-')), 'floors', 2000));
    const { policy, applications: list } = loaded;
    const s = loaded.scenario;
    const grants = allocate(list, policy, s, networkBackend).lines.map((l) => l.grant);
    const clean = verifyAllocation(policy, s, list, grants);
    expect(clean.violations).toEqual([]);
    expect(clean).toEqual(verifyOneByOne(policy, s, list, grants));
    const moved = grantsFor(policy, list, s, 7).map((g, i) => (i % 3 ? grants[i]! : g));
    const broken = verifyAllocation(policy, s, list, moved);
    expect(broken.violations.length).toBeGreaterThan(100);
    expect(broken).toEqual(verifyOneByOne(policy, s, list, moved));
    // Every grant one fen past its requested amount: each line's `requested` is found broken.
    const past = list.map((a, i) => (a.requested ? a.requested.plus('0.01') : grants[i]!));
    const v = verifyAllocation(policy, s, list, past);
    expect(v).toEqual(verifyOneByOne(policy, s, list, past));
    expect(v.violations.filter((x) => x.rule === 'requested').length).toBe(list.filter((a) => a.requested).length);
  });

  it('one line past one ceiling by one fen is refused, in the words of that ceiling', () => {
    const policy: Policy = SHENZHEN;
    const list = apps([
      { id: 'A', measure: 'P10-APPLICATION', total: '1000000.10' },
      { id: 'B', measure: 'P14-DEMO-BASE', total: 50_000_000, upper: 20_000_000 },
      { id: 'C', measure: 'P06-SME-CLOUD', total: '200000.05' },
    ]);
    const s = scenario({ budget: 1_000_000_000, granularity: 0.01 });
    // rate 0.3 × 1,000,000.10 = 300,000.03; 0.5 × 50,000,000 − 20,000,000 = 5,000,000; base 200,000.05.
    const at = [new D('300000.03'), new D(5_000_000), new D('200000.05')];
    expect(verifyAllocation(policy, s, list, at).violations).toEqual([]);
    for (let i = 0; i < at.length; i++) {
      const over = at.map((g, k) => (k === i ? g.plus('0.01') : g));
      const v = verifyAllocation(policy, s, list, over);
      expect(v).toEqual(verifyOneByOne(policy, s, list, over));
      expect(v.violations.map((x) => [x.subject, x.excess])).toEqual([[list[i]!.projectId, '0.01']]);
    }
  });
});

describe('the ledger written, taken in line order against looked up by project', () => {
  const policy = parsePolicy(
    {
      id: 'rows',
      name: { zh: '分期', en: 'instalments' },
      measures: [
        { id: 'ONCE', clause: '（一）', name: { zh: '一次', en: 'once' }, kind: 'project', rules: [{ type: 'projectCap', amount: '1亿' }] },
        { id: 'THREE', clause: '（二）', name: { zh: '三次', en: 'three' }, kind: 'project', rules: [{ type: 'projectCap', amount: '1亿' }], installments: [{ share: '40%', year: 0 }, { share: '30%', year: 1 }, { share: '30%', year: 2 }] },
      ],
    },
    'rows.json',
  );
  const s = scenario({ budget: 1_000_000_000, granularity: 100 });
  const list = apps(Array.from({ length: 40 }, (_, i) => ({ id: `R${String(i).padStart(2, '0')}`, measure: i % 3 ? 'ONCE' : 'THREE', company: `C${i % 7}`, requested: 1_000_000 })));
  const grants = list.map((_, i) => new D(i % 5 === 4 ? 0 : 10_000 + 1_300 * i));
  const lines = list.map((app, i) => ({ app, grant: grants[i]! }));
  const right = commitmentsOf(
    lines.map((l) => ({ ...l, measure: policy.measures.find((m) => m.id === l.app.measureId)! })),
    s.granularity,
  );
  const both = (written: readonly Commitment[], locked: ReadonlySet<string> = new Set(), thisYear = lines) => {
    const v = verifyYears(policy, s, { thisYear, planned: [], written, locked });
    expect(v).toEqual(verifyYears(policy, s, { thisYear, planned: [], written, locked }, { oneByOne: true }));
    return v;
  };

  it('the same checks and violations, for rows written right and wrong', () => {
    const clean = both(right);
    expect(clean.violations).toEqual([]);
    expect(clean.checks).toBe(2 * lines.filter((l) => l.grant.gt(0)).length);
    const at = (id: string, k: number) => right.findIndex((c) => c.projectId === id && c.installment === k);
    const three = list.find((a, i) => a.measureId === 'THREE' && grants[i]!.gt(0))!.projectId;
    // Rows in another order are the same ledger: looked up by project (not in line order), nothing is found.
    const reordered: [string, Commitment[]][] = [
      ['two instalments swapped', right.map((c, r) => (r === at(three, 2) ? right[at(three, 3)]! : r === at(three, 3) ? right[at(three, 2)]! : c))],
      ['a row moved to the end', [...right.filter((_, r) => r !== at(three, 1)), right[at(three, 1)]!]],
      ['the rows of two projects in the other order', [...right.slice(3), ...right.slice(0, 3)]],
    ];
    for (const [what, rows] of reordered) expect(both(rows), what).toEqual(clean);
    const wrong: [string, Commitment[]][] = [
      ['a row dropped', right.filter((_, r) => r !== at(three, 2))],
      ['a row twice', [...right.slice(0, at(three, 2) + 1), right[at(three, 2)]!, ...right.slice(at(three, 2) + 1)]],
      ['a row for a project with no grant', [...right, { ...right[0]!, projectId: 'R04' }]],
      ['a row for a project unknown', [{ ...right[0]!, projectId: 'X' }, ...right]],
      ['an amount a fen off', right.map((c, r) => (r === 5 ? { ...c, amount: c.amount.plus('0.01') } : c))],
      ['an instalment numbered twice', right.map((c, r) => (r === at(three, 3) ? { ...c, installment: 2 } : c))],
    ];
    for (const [what, rows] of wrong) expect(both(rows).violations.length, what).toBeGreaterThan(0);
    // A project locked by an earlier batch: its rows were that batch's to write; here they are rows of no grant of this run.
    expect(both(right, new Set([three])).violations.map((v) => v.subject)).toEqual([three]);
    // Two lines of one project: its rows are looked up once, for the first line.
    const twice = lines.map((l, i) => (i === 2 ? { ...l, app: { ...l.app, projectId: lines[1]!.app.projectId } } : l));
    expect(both(right, new Set(), twice).violations.length).toBeGreaterThan(0);
  });
});
