/**
 * Optimality: fundplan's allocation against an independent exact min-cost-flow reference
 * (test/helpers/reference-flow.ts) on seeded random instances whose amounts are all
 * multiples of the granularity (100 yuan). The network LP then has an optimum in whole
 * units, so fundplan should reach the reference optimum (up to LP-solver/rounding noise)
 * and can never exceed it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { D } from '../src/money.js';
import { parsePolicy, type Policy } from '../src/model/policy.js';
import { parseScenario, type Scenario } from '../src/model/scenario.js';
import type { Application } from '../src/model/application.js';
import { allocate } from '../src/model/allocate.js';
import { entitlementOf } from '../src/model/entitlement.js';
import { jslpBackend } from '../src/solver/jslp.js';
import { networkBackend } from '../src/solver/network-backend.js';
import type { Backend } from '../src/solver/types.js';
import { verifyAllocation } from '../src/verify/verify.js';
import { mulberry32 } from '../scripts/synthetic.js';
import { groupKey, limitViolations, referenceOptimum, type RefApp, type RefInstance } from './helpers/reference-flow.js';


const G = 100n; // granularity, yuan

// ---------------------------------------------------------------------------------------
// Instances: one neutral description, translated both to the reference and to fundplan.

interface MeasureSpec {
  readonly id: string;
  /** Policy `companyCap` amount (per company, per measure), if any. */
  readonly companyCap?: bigint;
  /** Scenario `measureBudgets[id].max`, if any. */
  readonly max?: bigint;
}

interface Instance {
  readonly apps: readonly RefApp[];
  readonly measures: readonly MeasureSpec[];
  readonly budget: bigint;
  readonly companyAnnualCap?: bigint;
}

function toRef(inst: Instance): RefInstance {
  const companyMeasureCaps = new Map<string, bigint>();
  const measureMax = new Map<string, bigint>();
  for (const m of inst.measures) {
    if (m.max !== undefined) measureMax.set(m.id, m.max);
    if (m.companyCap === undefined) continue;
    for (const a of inst.apps) if (a.measure === m.id) companyMeasureCaps.set(groupKey(m.id, a.company), m.companyCap);
  }
  return { apps: inst.apps, budget: inst.budget, companyMeasureCaps, companyAnnualCap: inst.companyAnnualCap, measureMax };
}

const scoreText = (score10: bigint): string => (score10 % 10n === 0n ? String(score10 / 10n) : `${score10 / 10n}.${score10 % 10n}`);

function scenarioOf(inst: Instance): Scenario {
  const measureBudgets: Record<string, { max: string }> = {};
  for (const m of inst.measures) if (m.max !== undefined) measureBudgets[m.id] = { max: m.max.toString() };
  return parseScenario(
    {
      name: 't',
      policy: 'policy.json',
      applications: 'applications.csv',
      year: 2019,
      budget: inst.budget.toString(),
      ...(inst.companyAnnualCap !== undefined ? { companyAnnualCap: inst.companyAnnualCap.toString() } : {}),
      ...(Object.keys(measureBudgets).length ? { measureBudgets } : {}),
    },
    'scenario.json',
  );
}

function toFundplan(inst: Instance, rules?: PerAppRules): { apps: Application[]; policy: Policy; scenario: Scenario } {
  const policy = parsePolicy(
    {
      id: 'OPT-TEST',
      name: { zh: '最优性测试', en: 'optimality test' },
      ...(rules ? { attributes: RULE_ATTRIBUTES } : {}),
      measures: inst.measures.map((m, k) => {
        const own = rules?.measures.get(m.id);
        return {
          id: m.id,
          clause: `第${k + 1}条`,
          name: { zh: `措施${k + 1}`, en: `Measure ${k + 1}` },
          kind: own && (own.ratePct !== undefined || own.bands) ? 'project' : 'award',
          rules: [
            ...(own ? rulesJson(own) : [{ type: 'projectCap', amount: '1000000000' }]),
            ...(m.companyCap !== undefined ? [{ type: 'companyCap', amount: m.companyCap.toString(), period: 'year' }] : []),
          ],
        };
      }),
    },
    'policy.json',
  );
  const scenario = scenarioOf(inst);
  const yuan = (v: bigint | null) => (v === null ? null : new D(v.toString()));
  const apps: Application[] = inst.apps.map((a, i) => {
    const own = rules?.apps[i];
    return {
      index: i,
      row: i + 2,
      projectId: `P${String(i).padStart(3, '0')}`,
      projectName: `项目${i}`,
      companyId: a.company,
      companyName: `公司${a.company}`,
      district: '福田区',
      measure: a.measure,
      measureId: a.measure,
      year: 2019,
      totalInvestment: own ? yuan(own.total) : null,
      eligibleBase: own ? yuan(own.base) : null,
      requested: own ? yuan(own.requested) : new D(a.cap.toString()),
      upperFunding: null,
      score: new D(scoreText(a.score10)),
      extra: {},
      ...(own ? { attributes: own.attributes } : {}),
    };
  });
  return { apps, policy, scenario };
}

// ---------------------------------------------------------------------------------------
// Per-application rules: eligibility, banded rates, tiers, bonuses. Each application's cap
// for the reference is worked out here, in bigint, from the rules as the policy states them.

const RULE_ATTRIBUTES = [
  { id: 'size', name: { zh: '企业规模', en: 'size' }, type: 'enum', values: ['大型', '中型', '小型', '微型'] },
  { id: 'level', name: { zh: '认定级别', en: 'level' }, type: 'enum', values: ['国家级', '省级', '市级'] },
  { id: 'star', name: { zh: '星级', en: 'stars' }, type: 'enum', values: ['三星', '四星', '五星'] },
  { id: 'completed', name: { zh: '建成日期', en: 'completed' }, type: 'date' },
];

/** A measure's per-application rules; amounts in yuan, rates in whole percent. */
interface MeasureRules {
  /** Eligible only with total investment ≥ this. */
  readonly threshold?: bigint;
  /** Eligible only completed within these dates (both included). */
  readonly window?: readonly [string, string];
  /** Eligible only for these company sizes. */
  readonly sizes?: readonly string[];
  readonly ratePct?: bigint;
  readonly projectCap?: bigint;
  /** Bands as [from, percent], `from` increasing. */
  readonly bands?: { readonly mode: 'marginal' | 'whole'; readonly bands: readonly (readonly [bigint, bigint])[] };
  /** Amount by recognition level; a level not listed gets nothing. */
  readonly tiers?: Readonly<Record<string, bigint>>;
  /** Bonus by star rating, on top of the least other ceiling. */
  readonly bonus?: Readonly<Record<string, bigint>>;
}

interface AppInputs {
  readonly total: bigint;
  readonly base: bigint | null;
  readonly requested: bigint | null;
  readonly attributes: Readonly<Record<string, string>>;
}

interface PerAppRules {
  readonly measures: ReadonlyMap<string, MeasureRules>;
  readonly apps: readonly AppInputs[];
}

function rulesJson(m: MeasureRules): unknown[] {
  const amounts = (r: Readonly<Record<string, bigint>>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.toString()]));
  return [
    ...(m.threshold !== undefined ? [{ type: 'eligibility', field: 'total_investment', min: `${m.threshold / 10_000n}万` }] : []),
    ...(m.window ? [{ type: 'eligibility', field: 'completed', min: m.window[0], max: m.window[1] }] : []),
    ...(m.sizes ? [{ type: 'eligibility', field: 'size', in: m.sizes }] : []),
    ...(m.ratePct !== undefined ? [{ type: 'rate', rate: `${m.ratePct}%` }] : []),
    ...(m.projectCap !== undefined ? [{ type: 'projectCap', amount: m.projectCap.toString() }] : []),
    ...(m.bands ? [{ type: 'bands', mode: m.bands.mode, bands: m.bands.bands.map(([from, pct]) => ({ from: from.toString(), rate: `${pct}%` })) }] : []),
    ...(m.tiers ? [{ type: 'tiers', field: 'level', amounts: amounts(m.tiers) }] : []),
    ...(m.bonus ? [{ type: 'bonus', field: 'star', amounts: amounts(m.bonus) }] : []),
  ];
}

/** The most one application may get under its measure's rules and its request. */
function ruleCap(m: MeasureRules, a: AppInputs): bigint {
  const base = a.base ?? a.total;
  const { completed, size, level, star } = a.attributes;
  if (m.threshold !== undefined && a.total < m.threshold) return 0n;
  if (m.window && !(completed !== undefined && m.window[0] <= completed && completed <= m.window[1])) return 0n;
  if (m.sizes && !(size !== undefined && m.sizes.includes(size))) return 0n;
  const ceilings: bigint[] = [];
  if (m.tiers) {
    const amount = level === undefined ? undefined : m.tiers[level];
    if (amount === undefined) return 0n;
    ceilings.push(amount);
  }
  if (m.ratePct !== undefined) ceilings.push((m.ratePct * base) / 100n);
  if (m.projectCap !== undefined) ceilings.push(m.projectCap);
  if (m.bands) {
    const bands = m.bands.bands;
    if (m.bands.mode === 'whole') {
      const band = bands.filter(([from]) => from <= base).at(-1);
      ceilings.push(band ? (band[1] * base) / 100n : 0n);
    } else {
      let sum = 0n;
      bands.forEach(([from, pct], k) => {
        const next = bands[k + 1]?.[0];
        const top = next !== undefined && next < base ? next : base;
        if (top > from) sum += (pct * (top - from)) / 100n;
      });
      ceilings.push(sum);
    }
  }
  let cap = ceilings.reduce((lo, c) => (c < lo ? c : lo));
  const bonus = m.bonus && star !== undefined ? m.bonus[star] : undefined;
  if (bonus !== undefined) cap += bonus;
  return a.requested !== null && a.requested < cap ? a.requested : cap;
}

const DATES = ['2022-06-30', '2022-07-01', '2023-01-15', '2023-06-30', '2023-07-01'];

/**
 * Four measures, one per kind of rule: a threshold with marginal bands; a completion window with
 * whole bands; tiers with a bonus; an enum condition with a rate, a cap and a bonus. Bases are
 * whole 10,000s and rates whole percents, so every cap is a whole number of 100 yuan.
 */
function randomRuleInstance(seed: number): { inst: Instance; rules: PerAppRules } {
  const rnd = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1)); // inclusive
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const STEP = 10_000n;
  const scale = int(2, 5);
  const top = 10 ** scale;
  const steps = (lo: number, hi: number) => BigInt(int(lo, hi)) * STEP;
  const amount = () => BigInt(int(1, top)) * 1000n;
  const pct = () => BigInt(int(1, 100));
  const stars = () => ({ 三星: amount(), 四星: amount(), 五星: amount() });
  const threshold = steps(1, top / 2);
  const from = steps(0, top / 4);
  const second = from + steps(1, top / 2);
  const whole = steps(1, top / 2);
  // Amounts at and one step below every boundary: the threshold and each band's from.
  const edges = [threshold, second, whole].flatMap((x) => [x, x - STEP]).concat(from);
  const measures = new Map<string, MeasureRules>([
    ['M1', { threshold, bands: { mode: 'marginal', bands: [[from, pct()], [second, pct()]] }, ...(rnd() < 0.5 ? { projectCap: amount() } : {}) }],
    ['M2', { window: ['2022-07-01', '2023-06-30'], bands: { mode: 'whole', bands: [[0n, pct()], [whole, pct()]] } }],
    ['M3', { tiers: { 国家级: amount(), 省级: amount() }, bonus: stars() }],
    ['M4', { sizes: ['小型', '微型'], ratePct: pct(), projectCap: amount(), bonus: stars() }],
  ]);
  const nc = int(2, 6);
  const companies = Array.from({ length: nc }, (_, k) => `C${k + 1}`);
  const inputs: AppInputs[] = [];
  const apps: RefApp[] = Array.from({ length: int(5, 40) }, () => {
    const measure = pick([...measures.keys()]);
    const total = rnd() < 0.5 ? pick(edges) : steps(1, top);
    const attributes: Record<string, string> = { completed: pick(DATES), size: pick(['大型', '中型', '小型', '微型']), level: pick(['国家级', '省级', '市级']) };
    const star = pick(['', '三星', '四星', '五星']);
    if (star) attributes.star = star;
    const a: AppInputs = {
      total,
      base: rnd() < 0.3 ? (rnd() < 0.5 ? pick(edges) : steps(1, top)) : null,
      requested: rnd() < 0.3 ? BigInt(int(0, top)) * 1000n : null,
      attributes,
    };
    inputs.push(a);
    return { cap: ruleCap(measures.get(measure)!, a), score10: BigInt(int(600, 1000)), measure, company: pick(companies) };
  });
  return { inst: { apps, ...couplings(apps, [...measures.keys()], nc, rnd) }, rules: { measures, apps: inputs } };
}

/** A Decimal that must be a whole number of yuan, as bigint. */
function toBig(v: { isInteger(): boolean; toFixed(dp: number): string }, what: string): bigint {
  if (!v.isInteger()) throw new Error(`${what} is not whole yuan: ${v.toFixed(4)}`);
  return BigInt(v.toFixed(0));
}

function randomInstance(seed: number): Instance {
  const rnd = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1)); // inclusive
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

  const n = int(5, 40);
  const nm = int(2, 4);
  const nc = int(2, 6);
  const measureIds = Array.from({ length: nm }, (_, k) => `M${k + 1}`);
  const companies = Array.from({ length: nc }, (_, k) => `C${k + 1}`);
  // Scale: caps of 1..10^scale units of 100 yuan (up to 10^8 yuan per application).
  const scale = int(1, 6);
  const scoreMode = pick(['integer', 'decimal', 'ties'] as const);
  const apps: RefApp[] = Array.from({ length: n }, () => {
    const score10 =
      scoreMode === 'ties' ? BigInt(pick([700, 800, 900])) : scoreMode === 'integer' ? BigInt(int(60, 100) * 10) : BigInt(int(600, 1000));
    return { cap: BigInt(int(1, 10 ** scale)) * G, score10, measure: pick(measureIds), company: pick(companies) };
  });
  return { apps, ...couplings(apps, measureIds, nc, rnd) };
}

/** Company caps per measure, measure budgets, an annual cap and the budget, each around what the applications' caps add up to so it binds for some. */
function couplings(apps: readonly RefApp[], measureIds: readonly string[], nc: number, rnd: () => number): Omit<Instance, 'apps'> {
  const units = (yuan: number | bigint) => BigInt(Math.max(0, Math.floor(Number(yuan) / 100))) * G; // floor to 100
  const sumCaps = apps.reduce((s, a) => s + a.cap, 0n);
  const sumWhere = (f: (a: RefApp) => boolean) => apps.filter(f).reduce((s, a) => s + a.cap, 0n);

  const measures: MeasureSpec[] = measureIds.map((id) => {
    const inMeasure = sumWhere((a) => a.measure === id);
    let companyCap: bigint | undefined;
    if (rnd() < 0.5) {
      // Around the typical company's total in the measure, so it binds for some.
      const typical = Number(inMeasure) / nc;
      companyCap = units(typical * (0.2 + rnd()));
    }
    const max = rnd() < 0.6 ? units(Number(inMeasure) * (0.2 + 0.8 * rnd())) : undefined;
    return { id, ...(companyCap !== undefined ? { companyCap } : {}), ...(max !== undefined ? { max } : {}) };
  });
  const companyAnnualCap = rnd() < 0.6 ? units((Number(sumCaps) / nc) * (0.2 + 0.8 * rnd())) : undefined;
  const budget = units(Number(sumCaps) * (0.2 + rnd()));
  return { measures, budget, ...(companyAnnualCap !== undefined ? { companyAnnualCap } : {}) };
}

/** Coupling limits fundplan builds for the instance (company-measure, company-annual, measure max, budget). */
function couplingLimitCount(inst: Instance): number {
  const groups = new Set<string>();
  const companies = new Set<string>();
  for (const a of inst.apps) {
    if (inst.measures.find((m) => m.id === a.measure)!.companyCap !== undefined) groups.add(groupKey(a.measure, a.company));
    companies.add(a.company);
  }
  const usedMeasures = new Set(inst.apps.map((a) => a.measure));
  const maxes = inst.measures.filter((m) => m.max !== undefined && usedMeasures.has(m.id)).length;
  return groups.size + (inst.companyAnnualCap !== undefined ? companies.size : 0) + maxes + 1;
}

function describeInstance(inst: Instance): string {
  return JSON.stringify(
    {
      budget: inst.budget.toString(),
      companyAnnualCap: inst.companyAnnualCap?.toString(),
      measures: inst.measures.map((m) => ({ id: m.id, companyCap: m.companyCap?.toString(), max: m.max?.toString() })),
      apps: inst.apps.map((a) => [a.measure, a.company, a.cap.toString(), scoreText(a.score10)]),
    },
    null,
    0,
  );
}

/**
 * Filling in priority order (score descending, then project id = index ascending): each
 * application takes all the room its limits leave. Optimal when the limits nest; not in
 * general (a company's annual cap crossing a measure budget). Only used to report how many
 * instances are hard, i.e. where the LP has to do better than the obvious.
 */
function greedyObjective10(inst: RefInstance): bigint {
  const order = inst.apps.map((_, i) => i).sort((a, b) => {
    const d = inst.apps[b]!.score10 - inst.apps[a]!.score10;
    return d > 0n ? 1 : d < 0n ? -1 : a - b;
  });
  const grants = inst.apps.map(() => 0n);
  const room = (i: number): bigint => {
    const a = inst.apps[i]!;
    const sum = (f: (b: RefApp) => boolean) => inst.apps.reduce((s, b, j) => (f(b) ? s + grants[j]! : s), 0n);
    let r = a.cap;
    const bound = (limit: bigint | undefined, used: bigint) => {
      if (limit !== undefined && limit - used < r) r = limit - used;
    };
    bound(inst.budget, sum(() => true));
    bound(inst.measureMax.get(a.measure), sum((b) => b.measure === a.measure));
    bound(inst.companyMeasureCaps.get(groupKey(a.measure, a.company)), sum((b) => b.measure === a.measure && b.company === a.company));
    bound(inst.companyAnnualCap, sum((b) => b.company === a.company));
    return r > 0n ? r : 0n;
  };
  for (const i of order) if (inst.apps[i]!.score10 > 0n) grants[i] = room(i);
  return grants.reduce((s, x, i) => s + x * inst.apps[i]!.score10, 0n);
}

// ---------------------------------------------------------------------------------------
// The reference itself.

/** Brute force over whole units of 100: exact for tiny instances (the flow LP has an integral optimum). */
function bruteForce(inst: RefInstance): bigint {
  let best = -1n;
  const grants = inst.apps.map(() => 0n);
  const rec = (i: number) => {
    if (i === inst.apps.length) {
      if (limitViolations(inst, grants).length) return;
      const obj = grants.reduce((s, x, j) => s + x * inst.apps[j]!.score10, 0n);
      if (obj > best) best = obj;
      return;
    }
    for (let x = 0n; x <= inst.apps[i]!.cap; x += G) {
      grants[i] = x;
      rec(i + 1);
    }
    grants[i] = 0n;
  };
  rec(0);
  return best;
}

describe('reference min-cost flow', () => {
  it('beats filling in score order when a company cap and a measure budget interact (hand-computed)', () => {
    // a1: M1, X, score 90, cap 300     company X: annual cap 300 (a1 + a2 ≤ 300)
    // a2: M2, X, score 80, cap 200     measure M1: max 400       (a1 + a3 ≤ 400)
    // a3: M1, Y, score 70, cap 300     budget 1000 (not binding)
    // Score order: a1 = 300 fills X and most of M1, a2 = 0, a3 = 100 → 27000 + 7000 = 34000.
    // Optimum: each yuan taken from a1 frees one for a2 (80) and one for a3 (70): +60 net,
    // until a2 reaches its cap 200 → a1 = 100, a2 = 200, a3 = 300:
    // 9000 + 16000 + 21000 = 46000 (score10: 460000). Moving a1 either way loses.
    const inst: RefInstance = {
      apps: [
        { cap: 300n, score10: 900n, measure: 'M1', company: 'X' },
        { cap: 200n, score10: 800n, measure: 'M2', company: 'X' },
        { cap: 300n, score10: 700n, measure: 'M1', company: 'Y' },
      ],
      budget: 1000n,
      companyMeasureCaps: new Map(),
      companyAnnualCap: 300n,
      measureMax: new Map([['M1', 400n]]),
    };
    const r = referenceOptimum(inst);
    expect(r.grants).toEqual([100n, 200n, 300n]);
    expect(r.objective10).toBe(460_000n);
    expect(limitViolations(inst, r.grants)).toEqual([]);
    expect(bruteForce(inst)).toBe(460_000n);
  });

  it('respects company-measure caps, the budget, and gives nothing at score 0 (hand-computed)', () => {
    // b1: M1, X, 95, cap 500 ┐ company-measure cap (M1, X) = 600
    // b2: M1, X, 85, cap 400 ┘
    // b3: M2, X, 75, cap 300   (M2 has no company cap)
    // b4: M2, Y,  0, cap 900   score 0: adds nothing, must get nothing
    // budget 1000: b1 = 500, b2 = 100 (group full at 600), b3 = 300 (600 + 300 = 900),
    // then 100 left but only b4 (score 0) could use it.
    // Objective: 47500 + 8500 + 22500 = 78500 (score10: 785000).
    const inst: RefInstance = {
      apps: [
        { cap: 500n, score10: 950n, measure: 'M1', company: 'X' },
        { cap: 400n, score10: 850n, measure: 'M1', company: 'X' },
        { cap: 300n, score10: 750n, measure: 'M2', company: 'X' },
        { cap: 900n, score10: 0n, measure: 'M2', company: 'Y' },
      ],
      budget: 1000n,
      companyMeasureCaps: new Map([[groupKey('M1', 'X'), 600n]]),
      measureMax: new Map(),
    };
    const r = referenceOptimum(inst);
    expect(r.grants).toEqual([500n, 100n, 300n, 0n]);
    expect(r.objective10).toBe(785_000n);
  });

  it('agrees with brute force on tiny random instances', () => {
    const rnd = mulberry32(4242);
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    for (let t = 0; t < 150; t++) {
      const n = int(1, 5);
      const apps: RefApp[] = Array.from({ length: n }, () => ({
        cap: BigInt(int(0, 3)) * G,
        score10: BigInt(int(0, 10) * 10 + int(0, 9)),
        measure: `M${int(1, 2)}`,
        company: `C${int(1, 3)}`,
      }));
      const companyMeasureCaps = new Map<string, bigint>();
      for (const a of apps) if (rnd() < 0.4) companyMeasureCaps.set(groupKey(a.measure, a.company), BigInt(int(0, 4)) * G);
      const measureMax = new Map<string, bigint>();
      for (const m of ['M1', 'M2']) if (rnd() < 0.5) measureMax.set(m, BigInt(int(0, 6)) * G);
      const inst: RefInstance = {
        apps,
        budget: BigInt(int(0, 12)) * G,
        companyMeasureCaps,
        companyAnnualCap: rnd() < 0.5 ? BigInt(int(0, 5)) * G : undefined,
        measureMax,
      };
      const r = referenceOptimum(inst);
      expect(limitViolations(inst, r.grants), `instance ${t}`).toEqual([]);
      expect(r.objective10, `instance ${t}`).toBe(bruteForce(inst));
    }
  });
});

// ---------------------------------------------------------------------------------------
// fundplan against the reference.

const INSTANCES = 100;
let worst = { gap: 0, relative: 0, seed: -1 };
let exact = 0;
let hard = 0;
let checked = 0;

afterAll(() => {
  if (checked === 0) return;
  console.log(
    `optimality: ${exact}/${checked} instances at the reference optimum exactly ` +
      `(${hard} where filling in score order is not optimal); worst gap ${worst.gap} score·yuan, ` +
      `relative ${worst.relative.toExponential(2)}${worst.seed >= 0 ? ` (seed ${worst.seed})` : ''}`,
  );
});

/** Compares one instance; returns fundplan's shortfall from the optimum (score10 · yuan). */
function compare(inst: Instance, label: string, backend: Backend = jslpBackend, rules?: PerAppRules, whole: Instance = inst): { gap10: bigint; expected: bigint } {
  const ref = toRef(inst);
  // The optimum in whole units: of `whole`, the instance with every limit at its whole units.
  const expected = referenceOptimum(toRef(whole));
  expect(limitViolations(ref, expected.grants)).toEqual([]);

  const { apps, policy, scenario } = toFundplan(inst, rules);
  const allocation = allocate(apps, policy, scenario, backend);
  // The independent verifier passes too, and each grant stays within the reference's cap of its application.
  expect(verifyAllocation(policy, scenario, apps, allocation.lines.map((l) => l.grant)).violations, label).toEqual([]);
  const grants = allocation.lines.map((l, i) => toBig(l.grant, `grant of app ${i}`));
  const context = `${label}: ${describeInstance(inst)}`;
  const objective10 = grants.reduce((s, x, i) => s + x * inst.apps[i]!.score10, 0n);
  const gap10 = expected.objective10 - objective10;

  // Every grant in whole units, every limit respected (checked here, exactly, not by fundplan).
  for (const x of grants) expect(x % G, context).toBe(0n);
  expect(limitViolations(ref, grants), context).toEqual([]);

  // fundplan's reported objective is Σ score × grant of its own grants.
  expect(toBig(allocation.objective.times(10), 'objective × 10'), context).toBe(objective10);

  // Nothing beats the optimum; rounding may lose at most a unit per limit at the top score.
  const maxScore10 = inst.apps.reduce((m, a) => (a.score10 > m ? a.score10 : m), 0n);
  const tolerance10 = G * maxScore10 * BigInt(couplingLimitCount(inst));
  expect(objective10 <= expected.objective10, `${context}\nfundplan ${objective10} > reference ${expected.objective10}`).toBe(true);
  expect(
    objective10 >= expected.objective10 - tolerance10,
    `${context}\nfundplan ${objective10} < reference ${expected.objective10} − ${tolerance10}`,
  ).toBe(true);
  return { gap10, expected: expected.objective10 };
}

describe('fundplan reaches the min-cost-flow optimum', () => {
  it('the hand-computed crossing case, at every scale', () => {
    // The first reference case scaled by 10^k: company X's annual cap crosses measure M1's
    // budget, so filling in score order is not optimal. At 10^5 and above the tie-break
    // stage's objective tolerance once let it move ~0.08 yuan around the cycle a1+/a2−/a3−,
    // which flooring turned into a unit lost (6000 score·yuan). fundplan now rounds both
    // stages and keeps the better: the optimum exactly, at every scale.
    for (let k = 0; k <= 6; k++) {
      const f = 10n ** BigInt(k);
      const inst: Instance = {
        apps: [
          { cap: 300n * f, score10: 900n, measure: 'M1', company: 'X' },
          { cap: 200n * f, score10: 800n, measure: 'M2', company: 'X' },
          { cap: 300n * f, score10: 700n, measure: 'M1', company: 'Y' },
        ],
        measures: [{ id: 'M1', max: 400n * f }, { id: 'M2' }],
        budget: 1000n * f,
        companyAnnualCap: 300n * f,
      };
      const { expected, gap10 } = compare(inst, `scale 10^${k}`);
      expect(compare(inst, `scale 10^${k}, network simplex`, networkBackend).gap10).toBe(0n);
      expect(expected).toBe(460_000n * f);
      expect(gap10).toBe(0n);
    }
  });

  const seeds = Array.from({ length: INSTANCES }, (_, k) => 1000 + k);
  it.each(seeds)('random instance, seed %i', (seed) => {
    const inst = randomInstance(seed);
    const { gap10, expected } = compare(inst, `seed ${seed}`);
    // The network simplex, an independent method, reaches the same optimum on every instance.
    expect(compare(inst, `seed ${seed}, network simplex`, networkBackend).gap10, `seed ${seed}`).toBe(gap10);
    checked++;
    if (gap10 === 0n) exact++;
    if (greedyObjective10(toRef(inst)) < expected) hard++;
    const relative = expected > 0n ? Number(gap10) / Number(expected) : 0;
    if (worst.seed < 0 || relative > worst.relative) worst = { gap: Number(gap10) / 10, relative, seed };
  });
});

describe('limits that are not whole units', () => {
  /** The instance with ¥1–99 added to each limit: the same limits in whole units of ¥100. */
  function offUnits(inst: Instance, seed: number): Instance {
    const rnd = mulberry32(seed);
    const off = (v: bigint) => v + BigInt(1 + Math.floor(rnd() * 99));
    return {
      ...inst,
      measures: inst.measures.map((m) => ({ ...m, ...(m.companyCap !== undefined ? { companyCap: off(m.companyCap) } : {}), ...(m.max !== undefined ? { max: off(m.max) } : {}) })),
      budget: off(inst.budget),
      ...(inst.companyAnnualCap !== undefined ? { companyAnnualCap: off(inst.companyAnnualCap) } : {}),
    };
  }

  // The network LP's rows are the limits in whole units: its optimum is the whole-unit optimum, which rounding keeps.
  // (Its point on the limits as written, rounded, falls short of it on 3 in 100 of these instances: seeds 7041 and 7046 here.)
  it.each(Array.from({ length: 100 }, (_, k) => 7000 + k))('the network simplex reaches the optimum in whole units, seed %i', (seed) => {
    const whole = randomInstance(seed);
    const inst = offUnits(whole, seed);
    expect(compare(inst, `seed ${seed}, network simplex`, networkBackend, undefined, whole).gap10, `seed ${seed}`).toBe(0n);
    compare(inst, `seed ${seed}`, jslpBackend, undefined, whole);
  });
});

describe('fundplan reaches the optimum under per-application rules (eligibility, bands, tiers, bonuses)', () => {
  let ineligible = 0;
  let bonuses = 0;
  let hard = 0;
  afterAll(() => {
    // The instances exercise every rule (some applications fail a condition, some earn a bonus), and some need more than filling in score order.
    expect(ineligible).toBeGreaterThan(0);
    expect(bonuses).toBeGreaterThan(0);
    expect(hard).toBeGreaterThan(0);
  });

  it.each(Array.from({ length: 60 }, (_, k) => 5000 + k))('random instance, seed %i', (seed) => {
    const { inst, rules } = randomRuleInstance(seed);
    // fundplan's entitlement of each application is the cap worked out here from the rules.
    const { apps, policy } = toFundplan(inst, rules);
    apps.forEach((a, i) => {
      const e = entitlementOf(a, policy.measures.find((m) => m.id === a.measureId)!);
      expect(e.amount.toFixed(2), `seed ${seed}, application ${i}: ${JSON.stringify(rules.apps[i], (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`).toBe(`${inst.apps[i]!.cap}.00`);
      if (e.binding === 'ineligible') ineligible++;
      if (e.binding === 'bonus') bonuses++;
    });
    const { gap10, expected } = compare(inst, `seed ${seed}`, jslpBackend, rules);
    expect(compare(inst, `seed ${seed}, network simplex`, networkBackend, rules).gap10, `seed ${seed}`).toBe(gap10);
    if (greedyObjective10(toRef(inst)) < expected) hard++;
  });
});
