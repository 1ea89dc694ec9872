/**
 * A scenario: which policy, which applications, the year and the money. Amounts are
 * yuan, as a number or a string ("50000000", "5,000万", "0.5亿"). Defaults live here only.
 */
import { z } from 'zod';
import type { Decimal } from 'decimal.js';
import { InputError, type InputIssue } from '../errors.js';
import { D, parseAmount } from '../money.js';
import { lookupMeasure, measureIndex, nearestMeasure, type Policy } from './policy.js';
import { zodToIssues } from './zod-issues.js';

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
    budget: amount,
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
  readonly budget: Decimal;
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
  if (issues.length) throw new InputError(issues);
  return {
    name: s.name,
    description: s.description ?? '',
    policy: s.policy,
    applications: s.applications,
    sheet: s.sheet ?? null,
    ...(s.lock?.length ? { lock: s.lock } : {}),
    year: s.year,
    budget: s.budget,
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
  };
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
  const resolved: Scenario = {
    ...s,
    measureBudgets: byId('measureBudgets', s.measureBudgets),
    ...(s.measureWeights ? { measureWeights: byId('measureWeights', s.measureWeights) } : {}),
    ...(s.awardScores ? { awardScores: byId('awardScores', s.awardScores) } : {}),
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
  const rules = map(s.measureBudgets, (b) =>
    [b.allOrNothing ? 'allOrNothing' : '', b.minShare ? `minShare ${b.minShare}` : '', b.minCount !== undefined ? `minCount ${b.minCount}` : '', b.maxCount !== undefined ? `maxCount ${b.maxCount}` : ''].filter(Boolean).join(' '),
  );
  if (/allOrNothing|minShare|Count/.test(rules)) out.measureRules = rules.split('; ').filter((r) => / \S/.test(r) && /allOrNothing|minShare|Count/.test(r)).join('; ');
  return out;
}
