/**
 * Limits that couple applications: a company's grants under one measure in a year, a
 * company's grants over all measures, a measure's budget (ceiling and floor), the total
 * budget. Each carries a stable id and its provenance; the LP rows, the rounding step
 * and the explanations are all built from these.
 */
import type { Decimal } from 'decimal.js';
import { D } from '../money.js';
import type { Application } from './application.js';
import type { Policy } from './policy.js';
import { ruleOf } from './policy.js';
import type { Scenario } from './scenario.js';

export type LimitKind = 'company_measure' | 'company_annual' | 'measure_max' | 'measure_min' | 'budget';

export interface Limit {
  /** Stable id, e.g. `company_measure:P05-ROLLOUT:91440300MA5XXXXX`. */
  readonly id: string;
  readonly kind: LimitKind;
  /** 'max': Σ grants ≤ amount; 'min': Σ grants ≥ amount. */
  readonly sense: 'max' | 'min';
  readonly amount: Decimal;
  /** Indexes into the candidate list the limits were built for. */
  readonly members: readonly number[];
  /** Company id or measure id (empty for the budget). */
  readonly subject: string;
  /** Where it comes from: a clause of the policy or a field of the scenario. */
  readonly source: string;
}

export function buildLimits(candidates: readonly Application[], policy: Policy, scenario: Scenario): Limit[] {
  const limits: Limit[] = [];
  const byKey = new Map<string, number[]>();
  const add = (key: string, i: number) => {
    const list = byKey.get(key);
    if (list) list.push(i);
    else byKey.set(key, [i]);
  };
  const measures = new Map(policy.measures.map((m) => [m.id, m]));
  candidates.forEach((a, i) => {
    if (ruleOf(measures.get(a.measureId)!, 'companyCap')) add(`company_measure:${a.measureId}:${a.companyId}`, i);
    if (scenario.companyAnnualCap) add(`company_annual:${a.companyId}`, i);
    add(`measure:${a.measureId}`, i);
  });
  for (const [key, members] of byKey) {
    const [kind, a, b] = key.split(':') as [string, string, string | undefined];
    if (kind === 'company_measure') {
      const m = measures.get(a)!;
      const rule = ruleOf(m, 'companyCap')!;
      limits.push({ id: key, kind: 'company_measure', sense: 'max', amount: new D(rule.amount), members, subject: b!, source: `${m.clause} ${m.id}` });
    } else if (kind === 'company_annual') {
      limits.push({ id: key, kind: 'company_annual', sense: 'max', amount: scenario.companyAnnualCap!, members, subject: a, source: 'scenario.companyAnnualCap' });
    } else {
      const budget = scenario.measureBudgets.get(a);
      if (budget?.max) limits.push({ id: `measure_max:${a}`, kind: 'measure_max', sense: 'max', amount: budget.max, members, subject: a, source: `scenario.measureBudgets.${a}.max` });
      if (budget?.min) limits.push({ id: `measure_min:${a}`, kind: 'measure_min', sense: 'min', amount: budget.min, members, subject: a, source: `scenario.measureBudgets.${a}.min` });
    }
  }
  // A floor on a measure nobody applied to still binds (and cannot be met).
  for (const [id, budget] of scenario.measureBudgets) {
    if (budget.min?.gt(0) && !byKey.has(`measure:${id}`)) {
      limits.push({ id: `measure_min:${id}`, kind: 'measure_min', sense: 'min', amount: budget.min, members: [], subject: id, source: `scenario.measureBudgets.${id}.min` });
    }
  }
  limits.push({ id: 'budget', kind: 'budget', sense: 'max', amount: scenario.budget, members: candidates.map((_, i) => i), subject: '', source: 'scenario.budget' });
  limits.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return limits;
}
