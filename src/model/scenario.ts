/**
 * A scenario: which policy, which applications, the year and the money. Amounts are
 * yuan, as a number or a string ("50000000", "5,000万", "0.5亿"). Defaults live here only.
 */
import { z } from 'zod';
import type { Decimal } from 'decimal.js';
import { InputError, type InputIssue } from '../errors.js';
import { D, parseAmount } from '../money.js';
import type { Policy } from './policy.js';
import { zodToIssues } from './zod-issues.js';
import { nearest } from './nearest.js';

const amount = z.union([z.string(), z.number()], { error: 'an amount in yuan: a number, or a string such as "50000000" or "5000万"' }).transform((v, ctx) => {
  const r = parseAmount(String(v));
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: `${r.expected} (yuan, or with 万/亿)` });
    return z.NEVER;
  }
  return r.value;
});

export const OBJECTIVES = ['priority'] as const;

export const scenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    /** A base scenario this one overrides (resolved by io/scenario-file.ts before the schema). */
    extends: z.string().optional(),
    policy: z.string().min(1),
    applications: z.string().min(1),
    year: z.number().int().min(1900).max(2200),
    budget: amount,
    minScore: z.number().min(0).max(100).optional(),
    measureBudgets: z
      .record(z.string(), z.object({ min: amount.optional(), max: amount.optional() }).strict())
      .optional(),
    companyAnnualCap: amount.optional(),
    granularity: amount.optional(),
    objective: z.enum(OBJECTIVES).optional(),
  })
  .strict();

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly policy: string;
  readonly applications: string;
  readonly year: number;
  readonly budget: Decimal;
  readonly minScore: Decimal | null;
  readonly measureBudgets: ReadonlyMap<string, { readonly min: Decimal | null; readonly max: Decimal | null }>;
  readonly companyAnnualCap: Decimal | null;
  readonly granularity: Decimal;
  readonly objective: (typeof OBJECTIVES)[number];
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
  }
  if (issues.length) throw new InputError(issues);
  return {
    name: s.name,
    description: s.description ?? '',
    policy: s.policy,
    applications: s.applications,
    year: s.year,
    budget: s.budget,
    minScore: s.minScore === undefined ? null : new D(s.minScore),
    measureBudgets: new Map(Object.entries(s.measureBudgets ?? {}).map(([id, b]) => [id, { min: b.min ?? null, max: b.max ?? null }])),
    companyAnnualCap: s.companyAnnualCap ?? null,
    granularity: s.granularity ?? DEFAULT_GRANULARITY,
    objective: s.objective ?? 'priority',
  };
}

/** Measure budgets must name measures of the policy. */
export function checkScenarioAgainstPolicy(s: Scenario, policy: Policy, file: string): void {
  const ids = policy.measures.map((m) => m.id);
  const issues: InputIssue[] = [];
  for (const id of s.measureBudgets.keys()) {
    if (!ids.includes(id)) {
      issues.push({ file, row: `measureBudgets.${id}`, expected: `a measure id of policy ${policy.id} (nearest: ${nearest(id, ids)})`, found: JSON.stringify(id) });
    }
  }
  if (issues.length) throw new InputError(issues);
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
    year: String(s.year),
    budget: y(s.budget),
    minScore: s.minScore?.toString() ?? '',
    measureBudgets: budgets.join('; '),
    companyAnnualCap: y(s.companyAnnualCap),
    granularity: y(s.granularity),
    objective: s.objective,
  };
}
