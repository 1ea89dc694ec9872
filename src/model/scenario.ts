/**
 * A scenario: which policy, which applications, the year and the money. Amounts are
 * yuan, as a number or a string ("50000000", "5,000万", "0.5亿"). Defaults live here only.
 */
import { z } from 'zod';
import type { Decimal } from 'decimal.js';
import { InputError, type InputIssue } from '../errors.js';
import { D, ZERO, parseAmount } from '../money.js';
import { lookupMeasure, measureIndex, nearestMeasure, type Policy } from './policy.js';
import { zodToIssues } from './zod-issues.js';
import type { Decision } from './application.js';
import type { CashPlan, Target, YearsData } from './years.js';

/** A scenario's decision on a project: fund or exclude, or none (the applications file's decision taken back). */
export type ScenarioDecision = Decision | 'none';
const DECISIONS = ['fund', 'exclude', 'none'] as const satisfies readonly ScenarioDecision[];

const amount = z.union([z.string(), z.number()], { error: 'an amount in yuan: a number, or a string such as "50000000" or "5000万"' }).transform((v, ctx) => {
  const r = parseAmount(String(v));
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: `${r.expected} (yuan, or with 万/亿)` });
    return z.NEVER;
  }
  return r.value;
}).describe('Yuan: a number, or a string such as "50000000", "5,000万" or "0.5亿"');

export const OBJECTIVES = ['priority', 'proportional', 'proportional-by-score'] as const;

const share = z.number({ error: 'a share of the entitlement from 0 to 1, e.g. 0.5' }).min(0).max(1);
const count = z.number().int().min(0);
/** Per-measure settings beyond the money: integer rules and count quotas. */
const measureSettings = z
  .object({
    min: amount.optional(),
    max: amount.optional(),
    /** A grant under this measure is its full entitlement or nothing. */
    allOrNothing: z.boolean().optional(),
    /** A grant under this measure is zero or at least this share of the entitlement. */
    minShare: share.optional(),
    /** At least / at most this many applications of the measure funded (grant > 0). */
    minCount: count.optional(),
    maxCount: count.optional(),
  })
  .strict();

export const scenarioSchema = z
  .object({
    $schema: z.string().describe('The JSON Schema this file follows, for editors (schema/scenario.schema.json); fundplan does not read it').optional(),
    name: z.string().min(1),
    description: z.string().optional(),
    /** A base scenario this one overrides (resolved by io/scenario-file.ts before the schema). */
    extends: z.string().optional(),
    policy: z.string().min(1),
    applications: z.string().min(1),
    /** The sheet of an .xlsx applications file (default: the first visible one; `--sheet` overrides). */
    sheet: z.string().min(1).optional(),
    /** Earlier batches' allocations.csv, in order (batch 1, 2, …): their grants are kept fixed. Relative to this file. */
    lock: z
      .array(z.string().min(1))
      .describe("Earlier batches' allocations.csv files, in order (batch 1, 2, …), relative to the scenario file: their grants are kept fixed and count against every limit")
      .optional(),
    year: z.number().int().min(1900).max(2200),
    /** The total of this year's new approvals (may be omitted when `cash` is given). */
    budget: amount.optional(),
    /** Earlier years' commitments.csv (the ledger), relative to this file: what they still owe comes first. */
    commitments: z.array(z.string().min(1)).describe("Earlier years' commitments.csv (or .xlsx) files, relative to the scenario file: instalments they still owe are paid first").optional(),
    /** The fund's appropriation by year, from this year on. */
    cash: z.record(z.string().regex(/^\d{4}$/, 'a year such as "2021"'), amount).describe('The fund\'s appropriation (cash) per year, from the scenario\'s year on, e.g. {"2020": "4.2亿", "2021": "4.5亿"}').optional(),
    /** Money unspent in its year may pay instalments up to `years` later, then it is recovered (收回). */
    carryOver: z
      .object({
        years: z.number().int().min(0).max(10),
        /** Unspent money carried into this year from earlier years, by the year it came from. */
        opening: z.record(z.string().regex(/^\d{4}$/, 'a year such as "2019"'), amount).optional(),
      })
      .strict()
      .optional(),
    /** Forecast applications of later years, solved with this year's so that this year leaves room for them (indicative only). */
    plan: z.record(z.string().regex(/^\d{4}$/, 'a year such as "2021"'), z.object({ applications: z.string().min(1), sheet: z.string().min(1).optional() }).strict()).optional(),
    /** Multi-year targets: approvals (count or amount) under some measures from the policy's start to year `by`. */
    targets: z
      .array(
        z
          .object({
            id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'an id of letters, digits, - _ .'),
            name: z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict(),
            measures: z.array(z.string().min(1)).min(1),
            count: z.object({ min: count }).strict().optional(),
            amount: z.object({ min: amount }).strict().optional(),
            by: z.number().int().min(1900).max(2200),
            hard: z.boolean().default(false),
          })
          .strict(),
      )
      .optional(),
    minScore: z.number().min(0).max(100).optional(),
    measureBudgets: z.record(z.string(), measureSettings).optional(),
    /** Floors and ceilings per district (the applications' district column). */
    districtBudgets: z
      .record(z.string(), z.object({ min: amount.optional(), max: amount.optional(), minCount: count.optional(), maxCount: count.optional() }).strict())
      .describe('Per district: a floor and a ceiling on its grants (min, max), and on how many of its applications are funded (minCount, maxCount)')
      .optional(),
    companyAnnualCap: amount.optional(),
    granularity: amount.optional(),
    objective: z.enum(OBJECTIVES).optional(),
    /** proportional-by-score: the share of the common share by score band, e.g. [{"min": 90, "weight": 1}, {"min": 80, "weight": 0.8}]. */
    scoreBands: z.array(z.object({ min: z.number().min(0).max(100), weight: z.number().positive().max(1) }).strict()).min(1).optional(),
    /** Objective weight per measure id (the year's priorities), default 1. */
    measureWeights: z.record(z.string(), z.number().positive()).optional(),
    /** The score given to every application of these measures (awards with no expert score). */
    awardScores: z.record(z.string(), z.number().min(0).max(100)).optional(),
    allOrNothing: z.boolean().optional(),
    minShare: share.optional(),
    /** What a forced (decision = fund) application gets: its entitlement (default), or any grant > 0. */
    forcedGrant: z.enum(['entitlement', 'funded']).optional(),
    /** Decisions by project id (必须资助 / 不予资助, or none), in place of the applications file's `decision` and `decision_reason` for those projects. */
    decisions: z
      .record(z.string().min(1), z.object({ decision: z.enum(DECISIONS), reason: z.string().optional() }).strict())
      .describe("Decisions by project id: fund (必须资助) or exclude (不予资助), with a reason, or none (the applications file's decision taken back: the rules decide); they replace the applications file's decision and decision_reason for those projects")
      .optional(),
  })
  .strict()
  .meta({ title: 'fundplan scenario', description: 'Which policy, which applications, the year and the money. Amounts are yuan: a number, or a string such as "50000000", "5,000万", "0.5亿".' });

export interface MeasureSettings {
  readonly min: Decimal | null;
  readonly max: Decimal | null;
  readonly allOrNothing?: boolean;
  readonly minShare?: Decimal;
  readonly minCount?: number;
  readonly maxCount?: number;
}

export interface DistrictSettings {
  readonly min: Decimal | null;
  readonly max: Decimal | null;
  /** At least / at most this many applications of the district funded (grant > 0). */
  readonly minCount?: number;
  readonly maxCount?: number;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly policy: string;
  readonly applications: string;
  /** The sheet of an .xlsx applications file, or null (the first visible one). */
  readonly sheet: string | null;
  /** Earlier batches' allocations.csv, in order, as the scenario names them (absent: none). */
  readonly lock?: readonly string[];
  readonly year: number;
  /** This year's new approvals in total at most this (without a `budget`: all the cash of the horizon). */
  readonly budget: Decimal;
  /** False when the scenario states no budget (a multi-year scenario bounded by its cash). */
  readonly budgetGiven?: false;
  /** Earlier years' ledgers, as the scenario names them (absent: none). */
  readonly commitments?: readonly string[];
  /** Cash by year and carry-over (absent: one year, paid at once). */
  readonly cashPlan?: CashPlan;
  /** Forecast applications files by plan year, as the scenario names them. */
  readonly plan?: ReadonlyMap<number, { readonly applications: string; readonly sheet: string | null }>;
  readonly targets?: readonly Target[];
  /** The ledger rows and forecast applications the scenario names, once loaded (pipeline/load.ts). */
  readonly years?: YearsData;
  readonly minScore: Decimal | null;
  readonly measureBudgets: ReadonlyMap<string, MeasureSettings>;
  readonly companyAnnualCap: Decimal | null;
  readonly granularity: Decimal;
  readonly objective: (typeof OBJECTIVES)[number];
  /** Absent (or empty) in scenarios that do not use them: district budgets, score bands, weights, integer rules. */
  readonly districtBudgets?: ReadonlyMap<string, DistrictSettings>;
  /** Score bands, highest `min` first. */
  readonly scoreBands?: readonly { readonly min: Decimal; readonly weight: Decimal }[];
  readonly measureWeights?: ReadonlyMap<string, Decimal>;
  readonly awardScores?: ReadonlyMap<string, Decimal>;
  readonly allOrNothing?: boolean;
  readonly minShare?: Decimal;
  readonly forcedGrant?: 'entitlement' | 'funded';
  /** Decisions by project id, in place of the applications file's (absent: none). */
  readonly decisions?: ReadonlyMap<string, { readonly decision: ScenarioDecision; readonly reason: string }>;
}

export const DEFAULT_GRANULARITY = new D(100);

/** Validate the scenario's shape (the policy is checked by `checkScenarioAgainstPolicy`). */
export function parseScenario(json: unknown, file: string): Scenario {
  const r = scenarioSchema.safeParse(json);
  if (!r.success) throw new InputError(zodToIssues(r.error, file, json));
  const s = r.data;
  const issues: InputIssue[] = [];
  if (s.granularity && (s.granularity.lte(0) || !s.granularity.times(100).isInteger())) {
    issues.push({ file, row: 'granularity', expected: 'a positive amount such as 100', found: s.granularity.toString() });
  }
  for (const [id, b] of Object.entries(s.measureBudgets ?? {})) {
    if (b.min && b.max && b.min.gt(b.max)) {
      issues.push({ file, row: `measureBudgets.${id}`, expected: 'min ≤ max', found: `min ${b.min} > max ${b.max}` });
    }
    if (b.minCount !== undefined && b.maxCount !== undefined && b.minCount > b.maxCount) {
      issues.push({ file, row: `measureBudgets.${id}`, expected: 'minCount ≤ maxCount', found: `minCount ${b.minCount} > maxCount ${b.maxCount}` });
    }
  }
  for (const [id, b] of Object.entries(s.districtBudgets ?? {})) {
    if (b.min && b.max && b.min.gt(b.max)) issues.push({ file, row: `districtBudgets.${id}`, expected: 'min ≤ max', found: `min ${b.min} > max ${b.max}` });
    if (b.minCount !== undefined && b.maxCount !== undefined && b.minCount > b.maxCount) {
      issues.push({ file, row: `districtBudgets.${id}`, expected: 'minCount ≤ maxCount', found: `minCount ${b.minCount} > maxCount ${b.maxCount}` });
    }
  }
  if (s.objective === 'proportional-by-score' && !s.scoreBands) {
    issues.push({ file, row: 'scoreBands', expected: 'score bands for objective "proportional-by-score", e.g. [{"min": 90, "weight": 1}, {"min": 60, "weight": 0.6}]', found: 'nothing' });
  }
  if (s.scoreBands && s.objective !== 'proportional-by-score') {
    issues.push({ file, row: 'scoreBands', expected: 'scoreBands only with objective "proportional-by-score"', found: `objective ${JSON.stringify(s.objective ?? 'priority')}` });
  }
  const multi = multiYearFields(s, file, issues);
  if (issues.length) throw new InputError(issues);
  return {
    ...multi,
    name: s.name,
    description: s.description ?? '',
    policy: s.policy,
    applications: s.applications,
    sheet: s.sheet ?? null,
    ...(s.lock?.length ? { lock: s.lock } : {}),
    year: s.year,
    budget: s.budget ?? (multi.cashPlan ? cashTotal(multi.cashPlan) : ZERO),
    ...(s.budget === undefined ? { budgetGiven: false as const } : {}),
    minScore: s.minScore === undefined ? null : new D(s.minScore),
    measureBudgets: new Map(
      Object.entries(s.measureBudgets ?? {}).map(([id, b]) => [
        id,
        {
          min: b.min ?? null,
          max: b.max ?? null,
          ...(b.allOrNothing !== undefined ? { allOrNothing: b.allOrNothing } : {}),
          ...(b.minShare !== undefined ? { minShare: new D(b.minShare) } : {}),
          ...(b.minCount !== undefined ? { minCount: b.minCount } : {}),
          ...(b.maxCount !== undefined ? { maxCount: b.maxCount } : {}),
        },
      ]),
    ),
    companyAnnualCap: s.companyAnnualCap ?? null,
    granularity: s.granularity ?? DEFAULT_GRANULARITY,
    objective: s.objective ?? 'priority',
    ...(s.districtBudgets
      ? {
          districtBudgets: new Map(
            Object.entries(s.districtBudgets).map(([id, b]) => [
              id,
              { min: b.min ?? null, max: b.max ?? null, ...(b.minCount !== undefined ? { minCount: b.minCount } : {}), ...(b.maxCount !== undefined ? { maxCount: b.maxCount } : {}) },
            ]),
          ),
        }
      : {}),
    ...(s.scoreBands ? { scoreBands: [...s.scoreBands].sort((a, b) => b.min - a.min).map((b) => ({ min: new D(b.min), weight: new D(b.weight) })) } : {}),
    ...(s.measureWeights ? { measureWeights: new Map(Object.entries(s.measureWeights).map(([id, w]) => [id, new D(w)])) } : {}),
    ...(s.awardScores ? { awardScores: new Map(Object.entries(s.awardScores).map(([id, v]) => [id, new D(v)])) } : {}),
    ...(s.allOrNothing !== undefined ? { allOrNothing: s.allOrNothing } : {}),
    ...(s.minShare !== undefined ? { minShare: new D(s.minShare) } : {}),
    ...(s.forcedGrant ? { forcedGrant: s.forcedGrant } : {}),
    ...(s.decisions ? { decisions: new Map(Object.entries(s.decisions).map(([id, d]) => [id, { decision: d.decision, reason: d.reason ?? '' }])) } : {}),
  };
}

/** All the money a cash plan holds: every year's cash and what is carried into it (the budget when the scenario states none). */
export const cashTotal = (plan: CashPlan): Decimal => [...plan.cash.values(), ...plan.opening.values()].reduce((t, v) => t.plus(v), ZERO);

/** The multi-year settings, checked: cash from the scenario's year on without gaps, plan years within the cash's, targets with one measure of progress. */
function multiYearFields(s: z.output<typeof scenarioSchema>, file: string, issues: InputIssue[]): Pick<Scenario, 'commitments' | 'plan' | 'targets' | 'cashPlan'> {
  const out: { -readonly [K in 'commitments' | 'plan' | 'targets' | 'cashPlan']?: Scenario[K] } = {};
  if (s.budget === undefined && !s.cash) issues.push({ file, row: 'budget', expected: 'the budget (the total of this year\'s new approvals), or "cash" by year', found: 'nothing' });
  if (s.commitments?.length) out.commitments = s.commitments;
  const years = Object.keys(s.cash ?? {}).map(Number).sort((a, b) => a - b);
  if (s.cash) {
    if (years[0] !== s.year) issues.push({ file, row: 'cash', expected: `cash for the scenario's year ${s.year} first, then the following years`, found: years.length ? `years ${years.join(', ')}` : 'no years' });
    years.forEach((y, k) => {
      if (k > 0 && y !== years[k - 1]! + 1) issues.push({ file, row: `cash.${y}`, expected: `consecutive years (${years[k - 1]! + 1} after ${years[k - 1]})`, found: String(y) });
    });
    const opening = new Map(Object.entries(s.carryOver?.opening ?? {}).map(([y, v]) => [Number(y), v] as const));
    for (const y of opening.keys()) if (y >= s.year) issues.push({ file, row: `carryOver.opening.${y}`, expected: `a year before ${s.year} (money carried into it)`, found: String(y) });
    const cash = new Map(years.map((y) => [y, s.cash![String(y)]!] as const));
    out.cashPlan = { cash, carryYears: s.carryOver?.years ?? 0, opening };
  } else if (s.carryOver) {
    issues.push({ file, row: 'carryOver', expected: '"cash" by year (carry-over moves cash between years)', found: 'no "cash"' });
  }
  if (s.plan) {
    const plan = new Map<number, { applications: string; sheet: string | null }>();
    for (const [y, p] of Object.entries(s.plan)) {
      const year = Number(y);
      if (!s.cash || year <= s.year || year > years[years.length - 1]!) {
        issues.push({ file, row: `plan.${y}`, expected: s.cash ? `a year after ${s.year} with cash (${years.join(', ')})` : '"cash" by year for the planned years', found: y });
      }
      plan.set(year, { applications: p.applications, sheet: p.sheet ?? null });
    }
    out.plan = new Map([...plan].sort(([a], [b]) => a - b));
  }
  if (s.targets?.length) {
    s.targets.forEach((t, i) => {
      if ((t.count === undefined) === (t.amount === undefined)) issues.push({ file, row: `targets[${i}]`, expected: 'either "count": {"min": …} or "amount": {"min": …}', found: t.count ? 'both' : 'neither' });
      if (s.targets!.findIndex((u) => u.id === t.id) !== i) issues.push({ file, row: `targets[${i}].id`, expected: 'ids unique across targets', found: t.id });
    });
    out.targets = s.targets.map((t) => ({ id: t.id, name: t.name, measures: t.measures, ...(t.count ? { count: t.count } : {}), ...(t.amount ? { amount: t.amount } : {}), by: t.by, hard: t.hard }));
  }
  return out;
}

/**
 * Measure keys (measureBudgets, measureWeights, awardScores) must name measures of the policy:
 * by id, or by a measure's exact Chinese name or alias, which stand for its id. Returns the
 * scenario keyed by ids; a key that names no measure, or a second key for the same measure, is
 * an input issue.
 */
export function checkScenarioAgainstPolicy(s: Scenario, policy: Policy, file: string): Scenario {
  const index = measureIndex(policy);
  const issues: InputIssue[] = [];
  const byId = <V>(field: string, keyed: ReadonlyMap<string, V>): Map<string, V> => {
    const out = new Map<string, V>();
    const keyOf = new Map<string, string>();
    for (const [key, value] of keyed) {
      const m = lookupMeasure(index, key);
      const row = `${field}.${key}`;
      if (!m) {
        const near = nearestMeasure(policy, key);
        issues.push({ file, row, expected: `a measure id of policy ${policy.id}, or a measure's Chinese name or alias${near ? ` (nearest: ${near.id} ${near.name.zh})` : ''}`, found: JSON.stringify(key) });
      } else if (keyOf.has(m.id)) {
        issues.push({ file, row, expected: `one entry per measure (${JSON.stringify(keyOf.get(m.id))} names ${m.id} ${m.name.zh} too)`, found: JSON.stringify(key) });
      } else {
        keyOf.set(m.id, key);
        out.set(m.id, value);
      }
    }
    return out;
  };
  const targetMeasure = (name: string, row: string): string => {
    const m = lookupMeasure(index, name);
    if (m) return m.id;
    const near = nearestMeasure(policy, name);
    issues.push({ file, row, expected: `a measure id of policy ${policy.id}, or a measure's Chinese name or alias${near ? ` (nearest: ${near.id} ${near.name.zh})` : ''}`, found: JSON.stringify(name) });
    return name;
  };
  const resolved: Scenario = {
    ...s,
    measureBudgets: byId('measureBudgets', s.measureBudgets),
    ...(s.measureWeights ? { measureWeights: byId('measureWeights', s.measureWeights) } : {}),
    ...(s.awardScores ? { awardScores: byId('awardScores', s.awardScores) } : {}),
    ...(s.targets ? { targets: s.targets.map((t, i) => ({ ...t, measures: t.measures.map((name, k) => targetMeasure(name, `targets[${i}].measures[${k}]`)) })) } : {}),
  };
  if (issues.length) throw new InputError(issues);
  return resolved;
}

export function withBudget(s: Scenario, budget: Decimal): Scenario {
  return { ...s, budget };
}

/** The scenario's settings as canonical strings (yuan with 2 decimals), for summaries and comparisons. */
export function scenarioFields(s: Scenario): Record<string, string> {
  const y = (d: Decimal | null) => (d === null ? '' : d.toFixed(2));
  const budgets = [...s.measureBudgets.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([id, b]) => [...(b.min ? [`${id} min ${y(b.min)}`] : []), ...(b.max ? [`${id} max ${y(b.max)}`] : [])]);
  return {
    policy: s.policy,
    applications: s.applications,
    ...(s.sheet !== null ? { sheet: s.sheet } : {}),
    year: String(s.year),
    budget: y(s.budget),
    minScore: s.minScore?.toString() ?? '',
    measureBudgets: budgets.join('; '),
    companyAnnualCap: y(s.companyAnnualCap),
    granularity: y(s.granularity),
    objective: s.objective,
    ...extraFields(s),
  };
}

/** The settings beyond the money rules, only when set (so scenarios without them keep their fields as they were). */
function extraFields(s: Scenario): Record<string, string> {
  const y = (d: Decimal | null) => (d === null ? '' : d.toFixed(2));
  const out: Record<string, string> = {};
  const map = <V>(m: ReadonlyMap<string, V> | undefined, f: (v: V) => string) =>
    [...(m ?? new Map<string, V>()).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k} ${f(v)}`).join('; ');
  if (s.lock?.length) out.lock = s.lock.join('; ');
  if (s.districtBudgets?.size) {
    out.districtBudgets = map(s.districtBudgets, (b) =>
      [b.min ? `min ${y(b.min)}` : '', b.max ? `max ${y(b.max)}` : '', b.minCount !== undefined ? `minCount ${b.minCount}` : '', b.maxCount !== undefined ? `maxCount ${b.maxCount}` : ''].filter(Boolean).join(' '),
    );
  }
  if (s.scoreBands) out.scoreBands = s.scoreBands.map((b) => `≥${b.min} ×${b.weight}`).join('; ');
  if (s.measureWeights?.size) out.measureWeights = map(s.measureWeights, (w) => `×${w}`);
  if (s.awardScores?.size) out.awardScores = map(s.awardScores, (v) => v.toString());
  if (s.allOrNothing) out.allOrNothing = 'true';
  if (s.minShare) out.minShare = s.minShare.toString();
  if (s.forcedGrant) out.forcedGrant = s.forcedGrant;
  if (s.decisions?.size) out.decisions = map(s.decisions, (d) => (d.reason ? `${d.decision} (${d.reason})` : d.decision));
  const rules = map(s.measureBudgets, (b) =>
    [b.allOrNothing ? 'allOrNothing' : '', b.minShare ? `minShare ${b.minShare}` : '', b.minCount !== undefined ? `minCount ${b.minCount}` : '', b.maxCount !== undefined ? `maxCount ${b.maxCount}` : ''].filter(Boolean).join(' '),
  );
  if (/allOrNothing|minShare|Count/.test(rules)) out.measureRules = rules.split('; ').filter((r) => / \S/.test(r) && /allOrNothing|minShare|Count/.test(r)).join('; ');
  const c = s.cashPlan;
  if (c) {
    const years = (m: ReadonlyMap<number, Decimal>) => [...m.entries()].sort(([a], [b]) => a - b).map(([year, v]) => `${year} ${y(v)}`).join('; ');
    out.cash = years(c.cash);
    out.carryOver = `years ${c.carryYears}${c.opening.size ? `; opening ${years(c.opening)}` : ''}`;
  }
  if (s.commitments?.length) out.commitments = s.commitments.join('; ');
  if (s.plan?.size) out.plan = [...s.plan.entries()].map(([year, p]) => `${year} ${p.applications}${p.sheet !== null ? ` [${p.sheet}]` : ''}`).join('; ');
  if (s.targets?.length) {
    out.targets = s.targets
      .map((t) => `${t.id} ${t.measures.join('+')} ${t.count ? `count ≥${t.count.min}` : `amount ≥${y(t.amount!.min)}`} by ${t.by} ${t.hard ? 'hard' : 'soft'}`)
      .join('; ');
  }
  return out;
}
